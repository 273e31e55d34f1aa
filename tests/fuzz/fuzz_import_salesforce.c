/*
 * Fuzz target: the Salesforce export importer (src/connectors/salesforce_export.c): Data Export
 * CSVs (csv.c) and sObject Tree JSON. The input is the export as a folder of files (framing:
 * fuzz.h, ud_fuzz_import), with source config keys before the first file.
 */
#include "connectors/importers.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ud_fuzz_import(&ud_connector_salesforce_export, data, size, 0);
}
