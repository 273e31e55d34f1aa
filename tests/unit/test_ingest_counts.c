/*
 * The counts of `unify ingest` and of sync jobs (src/sync/counts.h): every
 * unit lands in one outcome, none is negative, the summary adds up the
 * files and the exports, and any failure makes the run exit 1. The case
 * that broke them: a Notion export whose zip headers lie about the size of
 * its pages, so the importer fails them before they become documents.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "sync/counts.h"
#include "test.h"

#define LYING_PAGES 5

static uint16_t get16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Sets the uncompressed size of every member whose name contains `match`
 * to `claimed`, in its local header and in the central directory, the way
 * a broken or hostile zip writer would. */
static void lie_about_sizes(const char *path, const char *match, uint32_t claimed)
{
    FILE *f = fopen(path, "rb");
    UD_CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    unsigned char *zip = malloc((size_t)size);
    UD_CHECK(fread(zip, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    /* The end record has no comment: it is the last 22 bytes. */
    const unsigned char *end = zip + size - 22;
    UD_CHECK_EQ_INT(0x06054B50, get32(end));
    size_t entries = get16(end + 10);
    size_t central = get32(end + 16);
    size_t patched = 0;
    for (size_t i = 0, at = central; i < entries; i++) {
        unsigned char *c = zip + at;
        UD_CHECK_EQ_INT(0x02014B50, get32(c));
        size_t name_len = get16(c + 28);
        char name[256];
        UD_CHECK(name_len < sizeof(name));
        memcpy(name, c + 46, name_len);
        name[name_len] = '\0';
        if (strstr(name, match)) {
            unsigned char *local = zip + get32(c + 42);
            UD_CHECK_EQ_INT(0x04034B50, get32(local));
            put32(local + 22, claimed);
            put32(c + 24, claimed);
            patched++;
        }
        at += 46 + name_len + get16(c + 30) + get16(c + 32);
    }
    UD_CHECK_EQ_INT(LYING_PAGES, patched);
    f = fopen(path, "wb");
    UD_CHECK(f != NULL);
    UD_CHECK(fwrite(zip, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    free(zip);
}

/* A Notion export of one honest page and LYING_PAGES pages whose headers
 * claim 100 MB, over the importer's 64 MiB item cap. */
static const char *lying_notion_zip(void)
{
    static char path[700];
    snprintf(path, sizeof(path), "%s/notion.zip", ud_test_tmpdir());
    int err = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    UD_CHECK(za != NULL);
    static char pages[LYING_PAGES + 1][2][200];
    for (int i = 0; i <= LYING_PAGES; i++) {
        if (i == 0) {
            snprintf(pages[i][0], sizeof(pages[i][0]),
                     "Export-1/Wiki 0123456789abcdef0123456789abcdef.md");
            snprintf(pages[i][1], sizeof(pages[i][1]), "# Wiki\n\nWelcome to the wiki.\n");
        } else {
            snprintf(pages[i][0], sizeof(pages[i][0]), "Export-1/Page %d %032x.md", i, i);
            snprintf(pages[i][1], sizeof(pages[i][1]), "# Page %d\n\nThe text of page %d.\n", i, i);
        }
        zip_source_t *src = zip_source_buffer(za, pages[i][1], strlen(pages[i][1]), 0);
        UD_CHECK(src != NULL);
        UD_CHECK(zip_file_add(za, pages[i][0], src, ZIP_FL_OVERWRITE) >= 0);
    }
    UD_CHECK(zip_close(za) == 0);
    lie_about_sizes(path, "/Page ", 100u * 1000 * 1000);
    return path;
}

static const char *fresh_data_dir(void)
{
    static char data[700];
    snprintf(data, sizeof(data), "%s/data", ud_test_tmpdir());
    char *out = NULL;
    int status = ud_test_run(&out, "UNIFY_STORE= UNIFY_WORD_VECTORS_JSON=none %s init --data '%s'",
                             ud_test_unify_bin(), data);
    if (status != 0)
        ud_test_fail(__FILE__, __LINE__, "unify init failed: %s", out);
    free(out);
    return data;
}

void test_ingest_counts__lying_notion_zip_counts_add_up_and_fail_the_run(void)
{
    const char *zip = lying_notion_zip();
    const char *data = fresh_data_dir();
    char *out = NULL;
    int status = ud_test_run(&out, "UNIFY_STORE= %s ingest --data '%s' '%s'", ud_test_unify_bin(),
                             data, zip);
    /* Five pages failed: the run fails. */
    UD_CHECK_EQ_INT(1, status);
    UD_CHECK_CONTAINS(out, "(notion-export): imported: 1 added, 0 updated, 0 unchanged, 0 deleted, "
                           "5 failed; Synced 1/6 documents (5 failed)\n");
    UD_CHECK_CONTAINS(out, "\n1 added, 0 updated, 0 unchanged, 5 failed (1 chunks written)\n");
    UD_CHECK(!strstr(out, "Synced -"));
    free(out);

    /* Again: the honest page is unchanged, the others fail again. */
    status = ud_test_run(&out, "UNIFY_STORE= %s ingest --data '%s' '%s'", ud_test_unify_bin(), data,
                         zip);
    UD_CHECK_EQ_INT(1, status);
    UD_CHECK_CONTAINS(out, "imported: 0 added, 0 updated, 1 unchanged, 0 deleted, 5 failed; "
                           "Synced 1/6 documents (5 failed)\n");
    UD_CHECK_CONTAINS(out, "\n0 added, 0 updated, 1 unchanged, 5 failed (0 chunks written)\n");
    free(out);
}

void test_ingest_counts__json_summary_and_sync_log_agree(void)
{
    const char *zip = lying_notion_zip();
    const char *data = fresh_data_dir();
    char *out = NULL;
    int status = ud_test_run(&out, "UNIFY_STORE= %s ingest --json --data '%s' '%s' 2>/dev/null",
                             ud_test_unify_bin(), data, zip);
    UD_CHECK_EQ_INT(1, status);
    json_error_t error;
    json_t *root = json_loads(out, 0, &error);
    if (!root)
        ud_test_fail(__FILE__, __LINE__, "not JSON (%s): %.300s", error.text, out);
    UD_CHECK_EQ_INT(1, json_integer_value(json_object_get(root, "added")));
    UD_CHECK_EQ_INT(0, json_integer_value(json_object_get(root, "unchanged")));
    UD_CHECK_EQ_INT(5, json_integer_value(json_object_get(root, "failed")));
    json_t *log = json_object_get(json_array_get(json_object_get(root, "exports"), 0), "log");
    UD_CHECK(log != NULL);
    /* Every unit is processed, the failed ones too. */
    UD_CHECK_EQ_INT(6, json_integer_value(json_object_get(log, "documents_processed")));
    UD_CHECK_EQ_INT(1, json_integer_value(json_object_get(log, "documents_added")));
    UD_CHECK_EQ_INT(5, json_integer_value(json_object_get(log, "documents_failed")));
    UD_CHECK_EQ_INT(6, json_integer_value(json_object_get(log, "documents_total")));
    json_t *details = json_object_get(log, "details");
    UD_CHECK_EQ_INT(5, json_array_size(json_object_get(details, "failures")));
    UD_CHECK_CONTAINS(json_string_value(json_object_get(
                          json_array_get(json_object_get(details, "failures"), 0), "reason")),
                      "claims 100000000 bytes, over the 65536 KiB item limit");
    UD_CHECK_EQ_INT(0, json_integer_value(json_object_get(details, "unchanged")));
    json_decref(root);
    free(out);
}

void test_ingest_counts__the_summary_adds_files_walk_failures_and_exports(void)
{
    const char *data = fresh_data_dir();
    char ws[700];
    snprintf(ws, sizeof(ws), "%s/ws", ud_test_tmpdir());
    ud_test_write_file(ws, "good.txt", "A good file.\n", 13);
    ud_test_write_file(ws, "empty.txt", "", 0);
    char link[800];
    snprintf(link, sizeof(link), "%s/dangling.md", ws);
    UD_CHECK(symlink("/nonexistent/target.md", link) == 0);
    const char *zip = lying_notion_zip(); /* in the tmpdir, beside ws */
    char *out = NULL;
    int status = ud_test_run(&out, "UNIFY_STORE= %s ingest --data '%s' '%s' '%s'",
                             ud_test_unify_bin(), data, ws, zip);
    UD_CHECK_EQ_INT(1, status);
    UD_CHECK_CONTAINS(out, "empty.txt: empty file");
    UD_CHECK_CONTAINS(out, "dangling.md: ");
    /* The good file and the honest page added; the empty file (in the
     * pipeline), the broken link (in the walk) and the five pages (in the
     * importer) failed, each once. */
    UD_CHECK_CONTAINS(out, "\n2 added, 0 updated, 0 unchanged, 7 failed (2 chunks written)\n");
    free(out);
}

void test_ingest_counts__the_tally_balances(void)
{
    ud_doc_counts c;
    memset(&c, 0, sizeof(c));
    UD_CHECK(ud_doc_counts_balanced(&c));
    ud_doc_counts_outcome(&c, UD_DOC_ADDED, 3);
    ud_doc_counts_outcome(&c, UD_DOC_UPDATED, 2);
    ud_doc_counts_outcome(&c, UD_DOC_UNCHANGED, 0);
    ud_doc_counts_outcome(&c, UD_DOC_EXCLUDED, 0);
    ud_doc_counts_fail(&c);
    ud_doc_counts_fail(&c);
    UD_CHECK_EQ_INT(6, c.seen);
    UD_CHECK_EQ_INT(2, c.failed);
    UD_CHECK_EQ_INT(5, c.chunks);
    UD_CHECK(ud_doc_counts_balanced(&c));
    ud_doc_counts total = c;
    ud_doc_counts_add(&total, &c);
    UD_CHECK_EQ_INT(12, total.seen);
    UD_CHECK(ud_doc_counts_balanced(&total));
    ud_sync_log log;
    memset(&log, 0, sizeof(log));
    log.deleted = 7;
    ud_doc_counts_to_log(&log, &total);
    UD_CHECK_EQ_INT(12, log.processed);
    UD_CHECK_EQ_INT(2, log.added);
    UD_CHECK_EQ_INT(2, log.updated);
    UD_CHECK_EQ_INT(4, log.failed);
    UD_CHECK_EQ_INT(7, log.deleted);
    /* A tally that lost a unit, or went negative, does not balance. */
    total.unchanged--;
    UD_CHECK(!ud_doc_counts_balanced(&total));
    total.unchanged++;
    total.failed = -1;
    total.added += 5;
    UD_CHECK(!ud_doc_counts_balanced(&total));
}

void test_ingest_counts__skipped_items_balance_apart_from_failures(void)
{
    ud_doc_counts c;
    memset(&c, 0, sizeof(c));
    ud_doc_counts_outcome(&c, UD_DOC_ADDED, 1);
    ud_doc_counts_skip(&c);
    ud_doc_counts_fail(&c);
    UD_CHECK_EQ_INT(3, c.seen);
    UD_CHECK_EQ_INT(1, c.skipped);
    UD_CHECK_EQ_INT(1, c.failed);
    UD_CHECK(ud_doc_counts_balanced(&c));
    ud_doc_counts total;
    memset(&total, 0, sizeof(total));
    ud_doc_counts_add(&total, &c);
    UD_CHECK_EQ_INT(1, total.skipped);
    UD_CHECK(ud_doc_counts_balanced(&total));
    c.skipped++; /* a skip without its unit */
    UD_CHECK(!ud_doc_counts_balanced(&c));
}
