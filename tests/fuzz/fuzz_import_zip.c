/*
 * Fuzz target: exports that come as a zip (src/connectors/export.c: the
 * listing, nested part zips, capped reads of members whose headers lie),
 * then the importer that recognizes the zip (Slack or Notion), or both
 * when none does.
 */
#include <stdint.h>
#include <stdlib.h>

#include "base/error.h"
#include "connectors/export.h"
#include "connectors/importers.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4200];
    ud_fuzz_write(path, sizeof(path), "export.zip", data, size);
    ud_export *ex = NULL;
    if (ud_export_open(&ex, path, 1u << 20, 16u << 20) == 0) {
        size_t count = ud_export_count(ex);
        for (size_t i = 0; i < count; i++) {
            const char *name = ud_export_name(ex, i);
            UD_FUZZ_ASSERT(name != NULL && ud_export_find(ex, name) != SIZE_MAX);
            char *bytes = NULL;
            size_t len = 0;
            if (ud_export_read(&bytes, &len, ex, i) == 0) {
                UD_FUZZ_ASSERT(len <= (1u << 20));
                free(bytes);
            }
        }
        (void)ud_export_fingerprint(ex);
        ud_export_free(ex);
    }
    ud_error_clear();
    const ud_connector *c = ud_connector_recognize(path);
    if (c == &ud_connector_slack_export || c == &ud_connector_notion_export) {
        ud_fuzz_import(c, data, size, 1);
    } else {
        ud_fuzz_import(&ud_connector_slack_export, data, size, 1);
        ud_fuzz_import(&ud_connector_notion_export, data, size, 1);
    }
    return 0;
}
