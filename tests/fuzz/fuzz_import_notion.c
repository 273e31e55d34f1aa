/*
 * Fuzz target: the Notion export importer (src/connectors/notion_export.c): pages as Markdown,
 * databases as CSV, and csv.c under it. The input is the export as a folder of files (framing:
 * fuzz.h, ud_fuzz_import), with source config keys before the first file.
 */
#include "connectors/importers.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ud_fuzz_import(&ud_connector_notion_export, data, size, 0);
}
