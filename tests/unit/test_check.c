/*
 * `unify check` and the checksums it verifies: a healthy data directory
 * passes on both stores; each kind of damaged index file (a flipped byte
 * in a segment's content or header, a truncated segment, a garbage or
 * edited manifest, a damaged deletion file) is named by `check` and by
 * `search`, and `unify reindex` repairs it; a manifest of the older format
 * is a note, not a problem; damage in the store is found on SQLite and
 * PostgreSQL.
 */
#include <dirent.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/crc32c.h"
#include "test.h"

static const char leave_md[] = "# Parental leave\n\nEvery employee may take sixteen weeks of "
                               "paid parental leave.\n";
static const char travel_txt[] = "Travel policy\n\nBook economy flights through the desk.\n";
static const char travel_v2[] = "Travel policy\n\nBook economy flights; trains under four hours.\n";

/* Runs unify with the arguments against the data dir and store. */
static int unify(char **out, const char *data, const char *store, const char *args)
{
    return ud_test_run(
        out, "UNIFY_STORE='%s' UNIFY_ADMIN_PASSWORD=correct-horse-battery %s %s --data '%s'", store,
        ud_test_unify_bin(), args, data);
}

/* A data dir with two ingests, so that its index has two segments and a
 * deletion file (the second ingest replaced travel.txt's chunk). */
static void make_data(const char *data, const char *store)
{
    char ws[700];
    snprintf(ws, sizeof(ws), "%s-ws", data);
    ud_test_write_file(ws, "leave.md", leave_md, strlen(leave_md));
    ud_test_write_file(ws, "travel.txt", travel_txt, strlen(travel_txt));
    char args[800];
    snprintf(args, sizeof(args), "ingest '%s'", ws);
    UD_CHECK_EQ_INT(0, unify(NULL, data, store, "init"));
    UD_CHECK_EQ_INT(0, unify(NULL, data, store, args));
    ud_test_write_file(ws, "travel.txt", travel_v2, strlen(travel_v2));
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, data, store, args));
    free(out);
}

/* The collection directory of the data dir's one organization. */
static void collection_of(char *out, size_t size, const char *data)
{
    char dir[640];
    snprintf(dir, sizeof(dir), "%s/collections", data);
    DIR *d = opendir(dir);
    UD_CHECK(d != NULL);
    struct dirent *e;
    out[0] = '\0';
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            snprintf(out, size, "%s/%s", dir, e->d_name);
    closedir(d);
    UD_CHECK(out[0] != '\0');
}

/* The first file of dir whose name ends with suffix (full path). */
static void file_ending(char *out, size_t size, const char *dir, const char *suffix)
{
    DIR *d = opendir(dir);
    UD_CHECK(d != NULL);
    struct dirent *e;
    out[0] = '\0';
    while ((e = readdir(d)) != NULL && !out[0]) {
        size_t n = strlen(e->d_name), k = strlen(suffix);
        if (n >= k && strcmp(e->d_name + n - k, suffix) == 0)
            snprintf(out, size, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    UD_CHECK(out[0] != '\0');
}

static void flip_byte(const char *path, long offset)
{
    FILE *f = fopen(path, "r+b");
    UD_CHECK(f != NULL);
    if (offset < 0) {
        fseek(f, 0, SEEK_END);
        offset += ftell(f);
    }
    fseek(f, offset, SEEK_SET);
    int c = fgetc(f);
    fseek(f, offset, SEEK_SET);
    fputc(c ^ 0x5A, f);
    fclose(f);
}

/* Runs command with the file's quoted path after it. */
static void shell(const char *command, const char *file)
{
    char cmd[2000];
    snprintf(cmd, sizeof(cmd), "%s '%s'", command, file);
    UD_CHECK_EQ_INT(0, system(cmd));
}

static json_t *check_json(const char *data, const char *store, int expect_status)
{
    char *out = NULL;
    UD_CHECK_EQ_INT(expect_status, unify(&out, data, store, "check --json"));
    json_error_t error;
    json_t *report = json_loads(out, 0, &error);
    if (!report)
        ud_test_fail(__FILE__, __LINE__, "bad JSON (%s): %.300s", error.text, out);
    free(out);
    return report;
}

void test_check__crc32c_matches_the_standard_and_continues(void)
{
    UD_CHECK_EQ_INT(0xE3069283u, ud_crc32c(0, "123456789", 9));
    UD_CHECK_EQ_INT(0, ud_crc32c(0, "", 0));
    /* Against the bitwise definition, at every alignment and length up
     * to 64, and split anywhere. */
    unsigned char buf[80];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)(i * 131 + 7);
    for (size_t start = 0; start < 8; start++)
        for (size_t len = 0; len <= 64; len++) {
            uint32_t want = 0xFFFFFFFFu;
            for (size_t i = 0; i < len; i++) {
                want ^= buf[start + i];
                for (int k = 0; k < 8; k++)
                    want = want & 1 ? (want >> 1) ^ 0x82F63B78u : want >> 1;
            }
            want = ~want;
            UD_CHECK_EQ_INT(want, ud_crc32c(0, buf + start, len));
            size_t half = len / 3;
            UD_CHECK_EQ_INT(
                want, ud_crc32c(ud_crc32c(0, buf + start, half), buf + start + half, len - half));
        }
}

void test_check__a_healthy_data_dir_passes_on_both_stores(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        char data[600];
        snprintf(data, sizeof(data), "%s/healthy%zu", ud_test_tmpdir(), i);
        make_data(data, urls[i]);
        char *out = NULL;
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "check"));
        UD_CHECK_CONTAINS(out, i == 0 ? "store (sqlite): ok" : "store (postgres): ok");
        UD_CHECK_CONTAINS(out, "org default: index ok");
        UD_CHECK_CONTAINS(out, "\nhealthy\n");
        free(out);
        json_t *report = check_json(data, urls[i], 0);
        UD_CHECK(json_is_true(json_object_get(report, "healthy")));
        json_t *org = json_array_get(json_object_get(report, "orgs"), 0);
        json_t *index = json_object_get(org, "index");
        UD_CHECK_EQ_INT(2, json_integer_value(json_object_get(index, "segments")));
        UD_CHECK_EQ_INT(2, json_integer_value(json_object_get(index, "documents")));
        UD_CHECK_EQ_INT(
            json_integer_value(json_object_get(json_object_get(org, "store"), "chunks")),
            json_integer_value(json_object_get(index, "chunks")));
        UD_CHECK_EQ_INT(0, json_array_size(json_object_get(org, "notes")));
        json_decref(report);
        /* --org names one organization; an unknown one is an error. */
        UD_CHECK_EQ_INT(0, unify(NULL, data, urls[i], "check --org default"));
        UD_CHECK_EQ_INT(1, unify(NULL, data, urls[i], "check --org nosuch"));
    }
}

typedef struct damage {
    const char *what;
    const char *file_suffix; /* the file damaged, by how its name ends */
    long offset;             /* byte flipped (negative: from the end); 0: see `how` */
    const char *how;         /* a shell command the file's path ends, when offset is 0 */
    const char *message;     /* what check and search say */
} damage;

void test_check__each_damaged_index_file_is_named_by_check_and_search(void)
{
    const char *urls[2];
    ud_test_store_urls(urls);
    char data[600], backup[700];
    snprintf(data, sizeof(data), "%s/damaged", ud_test_tmpdir());
    snprintf(backup, sizeof(backup), "%s/damaged-backup", ud_test_tmpdir());
    make_data(data, urls[0]);
    char copy[1500];
    snprintf(copy, sizeof(copy), "cp -a '%s'", data);
    shell(copy, backup);
    static const damage cases[] = {
        {"a byte of a segment's content", "01.seg", -9, NULL, "damaged: checksum mismatch"},
        {"a byte of a segment's header", "01.seg", 24, NULL, "damaged: header checksum mismatch"},
        {"a truncated segment", "02.seg", 0, "truncate -s 200", "damaged"},
        {"a garbage manifest", "MANIFEST", 0, "echo '{garbage' >", "damaged: not JSON"},
        {"an edited manifest", "MANIFEST", 0, "sed -i 's/\"docs\": 1/\"docs\": 7/'",
         "damaged: checksum mismatch"},
        {"a manifest cut short", "MANIFEST", 0, "truncate -s 60", "damaged"},
        {"a deletion file", ".del", -1, NULL, "damaged: checksum mismatch"},
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const damage *d = &cases[k];
        shell("rm -rf", data);
        snprintf(copy, sizeof(copy), "cp -a '%s'", backup);
        shell(copy, data);
        char dir[1000], file[1300];
        collection_of(dir, sizeof(dir), data);
        file_ending(file, sizeof(file), dir, d->file_suffix);
        if (d->offset)
            flip_byte(file, d->offset);
        else
            shell(d->how, file);
        const char *name = strrchr(file, '/') + 1;
        char *out = NULL;
        int status = unify(&out, data, urls[0], "check");
        if (status != 1 || !strstr(out, name) || !strstr(out, d->message))
            ud_test_fail(__FILE__, __LINE__, "%s: check exited %d: %.600s", d->what, status, out);
        free(out);
        status = unify(&out, data, urls[0], "search leave");
        if (status != 1 || !strstr(out, name) || !strstr(out, d->message))
            ud_test_fail(__FILE__, __LINE__, "%s: search exited %d: %.600s", d->what, status, out);
        free(out);
        /* The store has everything: a reindex rebuilds the index. */
        UD_CHECK_EQ_INT(0, unify(NULL, data, urls[0], "reindex"));
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[0], "check"));
        free(out);
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[0], "search leave"));
        UD_CHECK_CONTAINS(out, "Parental leave");
        free(out);
    }
}

void test_check__a_manifest_of_the_older_format_is_a_note(void)
{
    const char *urls[2];
    ud_test_store_urls(urls);
    char data[600], dir[1000], manifest[1100];
    snprintf(data, sizeof(data), "%s/old", ud_test_tmpdir());
    make_data(data, urls[0]);
    collection_of(dir, sizeof(dir), data);
    snprintf(manifest, sizeof(manifest), "%s/MANIFEST", dir);
    /* What the previous version wrote: format 2, no checksum line. */
    shell("sed -i -e '/^crc32c /d' -e 's/\"format\": 3/\"format\": 2/'", manifest);
    json_t *report = check_json(data, urls[0], 0);
    json_t *org = json_array_get(json_object_get(report, "orgs"), 0);
    UD_CHECK_EQ_INT(1, json_array_size(json_object_get(org, "notes")));
    UD_CHECK_CONTAINS(json_string_value(json_array_get(json_object_get(org, "notes"), 0)),
                      "has format 2, without a checksum");
    json_decref(report);
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, data, urls[0], "search leave"));
    UD_CHECK_CONTAINS(out, "Parental leave");
    free(out);
    /* A format-3 manifest without its checksum line lost its end. */
    shell("sed -i 's/\"format\": 2/\"format\": 3/'", manifest);
    UD_CHECK_EQ_INT(1, unify(&out, data, urls[0], "check"));
    UD_CHECK_CONTAINS(out, "no checksum line");
    free(out);
}

/* Runs SQL on the store behind the CLI's back, as an operator might. */
static void store_sql(const char *url, const char *sql)
{
    if (strncmp(url, "sqlite://", 9) == 0) {
        sqlite3 *db = NULL;
        UD_CHECK_EQ_INT(SQLITE_OK, sqlite3_open(url + 9, &db));
        char *error = NULL;
        if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK)
            ud_test_fail(__FILE__, __LINE__, "%s: %s", sql, error);
        sqlite3_close(db);
        return;
    }
    PGconn *conn = PQconnectdb(url);
    UD_CHECK(PQstatus(conn) == CONNECTION_OK);
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ud_test_fail(__FILE__, __LINE__, "%s: %s", sql, PQerrorMessage(conn));
    PQclear(res);
    PQfinish(conn);
}

void test_check__damage_in_the_store_is_found_on_both_stores(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        char data[600];
        snprintf(data, sizeof(data), "%s/store%zu", ud_test_tmpdir(), i);
        make_data(data, urls[i]);
        /* A chunk row lost: its document's count no longer matches, nor
         * does the index, which still has it. */
        store_sql(urls[i], "DELETE FROM chunks WHERE (document_id, chunk_index) IN "
                           "(SELECT document_id, chunk_index FROM chunks LIMIT 1)");
        char *out = NULL;
        UD_CHECK_EQ_INT(1, unify(&out, data, urls[i], "check"));
        UD_CHECK_CONTAINS(out, "store: 1 documents whose chunk_count differs from their chunks");
        UD_CHECK_CONTAINS(out, "the index holds 2 chunks, the store 1");
        free(out);
    }
    /* SQLite enforces foreign keys only where a connection enables them:
     * a document deleted without it leaves its chunks behind. */
    char data[600];
    snprintf(data, sizeof(data), "%s/store-fk", ud_test_tmpdir());
    const char *sqlite_url[2];
    ud_test_store_urls(sqlite_url);
    make_data(data, sqlite_url[0]);
    store_sql(sqlite_url[0], "PRAGMA foreign_keys = OFF; DELETE FROM documents WHERE id = "
                             "(SELECT MIN(id) FROM documents)");
    char *out = NULL;
    UD_CHECK_EQ_INT(1, unify(&out, data, sqlite_url[0], "check"));
    UD_CHECK_CONTAINS(out, "rows of chunks name a missing row of documents");
    UD_CHECK_CONTAINS(out, "store: 1 chunks whose document does not exist");
    free(out);
}
