/*
 * Fuzz target: the Slack export importer (src/connectors/slack_export.c): users.json,
 * channels.json, groups.json, dms.json and each conversation's day files. The input is the export
 * as a folder of files (framing: fuzz.h, ud_fuzz_import), with source config keys before the first
 * file.
 */
#include "connectors/importers.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ud_fuzz_import(&ud_connector_slack_export, data, size, 0);
}
