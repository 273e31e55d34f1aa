/*
 * Fuzz target: the Gmail Takeout importer (src/connectors/gmail_export.c): mbox files split into
 * messages, each read through GMime. The input is the export as a folder of files (framing: fuzz.h,
 * ud_fuzz_import), with source config keys before the first file.
 */
#include "connectors/importers.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ud_fuzz_import(&ud_connector_gmail_export, data, size, 0);
}
