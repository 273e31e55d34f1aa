/*
 * `unify check`: verifies the data directory. The metadata store (its
 * file's integrity on SQLite, foreign keys, the invariants between
 * documents and chunks), then each organization's index: the manifest's
 * checksum, every segment's header and content checksums, the deletion
 * files, and that the index holds what the store does (the same chunks and
 * documents, at the store generation the index says it reflects). Exit 0
 * when everything is healthy, 1 when anything is not; each problem is one
 * line naming the file or table.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/admin.h"
#include "index/check.h"
#include "store/meta_check.h"
#include "sync/reindex.h"

static const char usage[] =
    "usage: unify check [--data DIR] [--org SLUG] [--json]\n\n"
    "Verifies the metadata store and the search index of every organization (or of\n"
    "--org): checksums of the index files, the store's integrity and foreign keys,\n"
    "and that each index holds the store's chunks. Exits 0 when all is healthy,\n"
    "1 when not (every problem is printed). Reads every byte of the index.\n\n"
    "  -d, --data DIR  data directory (default: $UNIFY_DATA, else ./unify-data)\n"
    "  -O, --org SLUG  check this organization only\n"
    "  -j, --json      print {\"healthy\", \"problems\", \"store\", \"orgs\"}\n";

/* Findings of one part (the store, an org), as JSON arrays of lines. */
typedef struct findings {
    json_t *problems;
    json_t *notes;
} findings;

static void on_store_problem(const char *message, void *payload)
{
    findings *f = payload;
    json_array_append_new(f->problems, json_string(message));
}

static void on_index_finding(bool problem, const char *message, void *payload)
{
    findings *f = payload;
    json_array_append_new(problem ? f->problems : f->notes, json_string(message));
}

static void add_problem(findings *f, const char *fmt, ...) UD_PRINTF(2, 3);

static void add_problem(findings *f, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    json_array_append_new(f->problems, json_string(message));
}

/* Compares the index with the store, when both could be read. */
static void compare(findings *f, const ud_index_check *index, const ud_meta_check_counts *store,
                    int64_t store_generation)
{
    if (!index->exists) {
        if (store->chunks > 0)
            add_problem(f, "no index, but the store holds %" PRId64 " chunks: run `unify reindex`",
                        store->chunks);
        return;
    }
    /* Damaged files were named; counts without them would say it twice. */
    if (!index->readable || index->problems > 0)
        return;
    /* An index behind its store (a crash between the two writes, or a
     * sync running now) is rebuilt by the next `unify ingest`. */
    if (index->store_generation != store_generation) {
        add_problem(f,
                    "the index reflects store generation %" PRId64 ", the store is at %" PRId64
                    ": run `unify reindex` (or check again once a running sync is done)",
                    index->store_generation, store_generation);
        return;
    }
    if ((int64_t)index->live_chunks != store->chunks)
        add_problem(f, "the index holds %" PRIu64 " chunks, the store %" PRId64, index->live_chunks,
                    store->chunks);
    if ((int64_t)index->live_documents != store->documents_with_chunks)
        add_problem(f, "the index holds %" PRIu64 " documents, the store %" PRId64 " with chunks",
                    index->live_documents, store->documents_with_chunks);
}

/* Checks one organization; its report is appended to orgs. Returns the
 * number of problems. */
static size_t check_org(json_t *orgs, ud_cli_session *s, const ud_org *org)
{
    findings f = {json_array(), json_array()};
    char dir[4200];
    ud_collection_dir(dir, sizeof(dir), s->config.data_dir, org->id);
    ud_index_check index;
    if (ud_index_check_dir(&index, dir, on_index_finding, &f) < 0) {
        add_problem(&f, "%s", ud_error_last());
        memset(&index, 0, sizeof(index));
    }
    ud_meta_check_counts counts;
    int64_t generation = 0;
    if (ud_meta_check_counts_of(&counts, s->meta, org->id) < 0 ||
        ud_meta_generation(s->meta, org->id, &generation) < 0) {
        add_problem(&f, "store: %s", ud_error_last());
        memset(&counts, 0, sizeof(counts));
    } else {
        compare(&f, &index, &counts, generation);
    }
    size_t problems = json_array_size(f.problems);
    json_array_append_new(
        orgs,
        json_pack("{s:s,s:s,s:{s:b,s:I,s:I,s:I,s:I,s:I},s:{s:I,s:I,s:I,s:I},s:o,s:o}", "slug",
                  org->slug, "id", org->id, "index", "exists", index.exists, "segments",
                  (json_int_t)index.segments, "chunks", (json_int_t)index.live_chunks, "documents",
                  (json_int_t)index.live_documents, "generation", (json_int_t)index.generation,
                  "store_generation", (json_int_t)index.store_generation, "store", "documents",
                  (json_int_t)counts.documents, "documents_with_chunks",
                  (json_int_t)counts.documents_with_chunks, "chunks", (json_int_t)counts.chunks,
                  "generation", (json_int_t)generation, "problems", f.problems, "notes", f.notes));
    return problems;
}

static void print_lines(json_t *lines, const char *label)
{
    size_t i;
    json_t *line;
    json_array_foreach(lines, i, line) printf("  %s: %s\n", label, json_string_value(line));
}

static void print_report(json_t *report)
{
    json_t *store = json_object_get(report, "store");
    json_t *problems = json_object_get(store, "problems");
    printf("store (%s): %s\n", json_string_value(json_object_get(store, "backend")),
           json_array_size(problems) ? "PROBLEMS" : "ok");
    print_lines(problems, "problem");
    size_t i;
    json_t *org;
    json_array_foreach(json_object_get(report, "orgs"), i, org)
    {
        json_t *index = json_object_get(org, "index");
        json_t *org_problems = json_object_get(org, "problems");
        printf("org %s: index %s: %" JSON_INTEGER_FORMAT " segments, %" JSON_INTEGER_FORMAT
               " chunks of %" JSON_INTEGER_FORMAT " documents (store: %" JSON_INTEGER_FORMAT
               " chunks), generation %" JSON_INTEGER_FORMAT "\n",
               json_string_value(json_object_get(org, "slug")),
               json_array_size(org_problems) ? "PROBLEMS" : "ok",
               json_integer_value(json_object_get(index, "segments")),
               json_integer_value(json_object_get(index, "chunks")),
               json_integer_value(json_object_get(index, "documents")),
               json_integer_value(json_object_get(json_object_get(org, "store"), "chunks")),
               json_integer_value(json_object_get(index, "generation")));
        print_lines(org_problems, "problem");
        print_lines(json_object_get(org, "notes"), "note");
    }
    json_int_t total = json_integer_value(json_object_get(report, "problems"));
    if (total == 0)
        printf("healthy\n");
    else
        printf("%" JSON_INTEGER_FORMAT " problem%s found\n", total, total == 1 ? "" : "s");
}

int ud_cmd_check(int argc, char **argv)
{
    const ud_cli_spec spec = {usage, NULL, UD_CLI_COMMON, 0, 0, NULL};
    ud_cli_flags flags;
    int rc = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    /* With --org, that organization (the session finds it); else all. */
    if (ud_cli_session_open(&s, &flags, flags.org != NULL) != 0) {
        ud_cli_session_close(&s);
        return 1;
    }
    int status = 1;
    findings store = {json_array(), json_array()};
    json_t *orgs = json_array();
    size_t problems = 0;
    if (ud_meta_check(&problems, s.meta, on_store_problem, &store) < 0) {
        ud_cli_fail("store");
        goto done;
    }
    const ud_org *list = &s.org;
    size_t count = 1;
    if (!flags.org) {
        ud_org *all = NULL;
        if (ud_meta_org_list(&all, &count, s.meta, &s.arena) < 0) {
            ud_cli_fail("organizations");
            goto done;
        }
        list = all;
    }
    for (size_t i = 0; i < count; i++)
        problems += check_org(orgs, &s, &list[i]);
    json_t *report = json_pack("{s:b,s:I,s:{s:s,s:O},s:O}", "healthy", problems == 0, "problems",
                               (json_int_t)problems, "store", "backend", ud_meta_backend(s.meta),
                               "problems", store.problems, "orgs", orgs);
    if (flags.json) {
        ud_cli_print_json(report);
    } else {
        print_report(report);
        json_decref(report);
    }
    status = problems == 0 ? 0 : 1;
done:
    json_decref(store.problems);
    json_decref(store.notes);
    json_decref(orgs);
    ud_cli_session_close(&s);
    return status;
}
