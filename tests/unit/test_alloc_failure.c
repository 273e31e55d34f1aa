/*
 * Allocation-failure tests (SQLite's and curl's): an operation on the store,
 * the index or a parser is run again and again, with the 1st, 2nd, 3rd, ...
 * allocation made to fail (base/mem.h), until a run finishes without
 * reaching the failing one. Each run is a forked child. What must hold:
 *
 *   - a failed allocation of a library that reports it (jansson, SQLite:
 *     routed through ud_mem_fault here) gives a clean error return,
 *     with a message, or success when the code could do without it: never
 *     a crash, and under ASan no leak (checked in the child after cleanup);
 *   - a failed ud_malloc ends in ud_oom, the project's one OOM path (the
 *     child's handler exits with OOM_EXIT): never anywhere else.
 *
 * Libraries that abort on a failed allocation themselves (GLib, so GMime)
 * or have no hook (libzip, poppler, utf8proc) are not routed: their
 * allocations do not count. Nor is libxml2's, though it has a hook
 * (xmlMemSetup): its HTML parser (2.9.14) loops forever inside
 * htmlParseDocument after some failed allocations, a bug of the library
 * that no caller can handle.
 */
#include <jansson.h>
#include <malloc.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/fs.h"
#include "base/mem.h"
#include "doc/document.h"
#include "doc/extract/extract.h"
#include "index/bm25_topk.h"
#include "index/collection.h"
#include "index/query.h"
#include "store/meta.h"
#include "test.h"

extern int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

/* How a child ended (exit statuses). */
enum {
    RAN_CLEAN = 0,  /* the failure happened; the operation returned an error */
    RAN_DONE = 1,   /* the operation never reached the failing allocation */
    RAN_SURVIVED,   /* the failure happened; the operation still succeeded */
    RAN_NO_MESSAGE, /* an error without a message */
    RAN_SPURIOUS,   /* an error although no allocation failed */
    RAN_LEAKED,
    OOM_EXIT = 86 /* ud_oom: the designed end of a failed ud_malloc */
};

/* Far above what any operation below allocates; reaching it is a failure. */
#define MAX_RUNS 20000

/* ---- Routing the libraries' allocators ------------------------------------------ */

static void *lib_malloc(size_t size)
{
    return ud_mem_fault(UD_MEM_LIBRARY) ? NULL : malloc(size);
}

static void *lib_realloc(void *ptr, size_t size)
{
    return ud_mem_fault(UD_MEM_LIBRARY) ? NULL : realloc(ptr, size);
}

static void *sqlite_malloc(int size)
{
    return lib_malloc((size_t)size);
}

static void *sqlite_realloc(void *ptr, int size)
{
    return lib_realloc(ptr, (size_t)size);
}

static int sqlite_size(void *ptr)
{
    return (int)malloc_usable_size(ptr);
}

static int sqlite_roundup(int size)
{
    return (size + 7) & ~7;
}

static int sqlite_init(void *payload)
{
    (void)payload;
    return SQLITE_OK;
}

static void sqlite_shutdown(void *payload)
{
    (void)payload;
}

/* Before the test's first use of each library (each test is a fresh
 * process of the runner, which uses none of them itself). */
static void route_libraries(void)
{
    static const sqlite3_mem_methods methods = {
        sqlite_malloc,  free,        sqlite_realloc,  sqlite_size,
        sqlite_roundup, sqlite_init, sqlite_shutdown, NULL};
    UD_CHECK_EQ_INT(SQLITE_OK, sqlite3_config(SQLITE_CONFIG_MALLOC, &methods));
    json_set_alloc_funcs(lib_malloc, free);
}

/* ---- The driver ------------------------------------------------------------------ */

static void oom_exit(size_t size)
{
    (void)size;
    _exit(OOM_EXIT);
}

typedef struct tally {
    size_t runs, clean, survived, oom;
} tally;

/* Runs op(payload) with allocation n failing for n = 1, 1 + step, ... until a run
 * does not reach its failure; setup (before the failure is armed) and
 * teardown (after it is disarmed) may be NULL. Together they must free
 * all they allocate, on success and on error alike. */
static void exhaust_every(tally *t, const char *name, int (*setup)(void *payload),
                          int (*op)(void *payload), void (*teardown)(void *payload), void *payload,
                          ud_mem_kind kind, uint64_t step)
{
    memset(t, 0, sizeof(*t));
    for (uint64_t n = 1; n <= MAX_RUNS; n += step) {
        fflush(stdout);
        fflush(stderr);
        pid_t pid = fork();
        UD_CHECK(pid >= 0);
        if (pid == 0) {
            ud_mem_set_oom_handler(oom_exit);
            if (setup && setup(payload) < 0)
                _exit(RAN_SPURIOUS);
            ud_error_clear();
            ud_mem_fail_at(n, kind);
            int rc = op(payload);
            bool hit = ud_mem_failed();
            ud_mem_fail_off();
            if (teardown)
                teardown(payload);
            if (rc < 0 && ud_error_last()[0] == '\0')
                _exit(RAN_NO_MESSAGE);
            if (rc < 0 && !hit) {
                fprintf(stderr, "%s: %s\n", name, ud_error_last());
                _exit(RAN_SPURIOUS);
            }
            if (__lsan_do_recoverable_leak_check && __lsan_do_recoverable_leak_check() != 0)
                _exit(RAN_LEAKED);
            _exit(!hit ? RAN_DONE : rc < 0 ? RAN_CLEAN : RAN_SURVIVED);
        }
        int status = 0;
        UD_CHECK(waitpid(pid, &status, 0) == pid);
        t->runs++;
        if (!WIFEXITED(status))
            ud_test_fail(__FILE__, __LINE__, "%s: allocation %llu failing: killed by signal %d",
                         name, (unsigned long long)n, WTERMSIG(status));
        switch (WEXITSTATUS(status)) {
        case RAN_DONE:
            /* The counts for docs/quality.md, on request. */
            if (getenv("UNIFY_ALLOC_REPORT"))
                fprintf(stderr, "%s (%s): %zu runs: %zu clean errors, %zu succeeded, %zu ud_oom\n",
                        name, kind == UD_MEM_LIBRARY ? "library allocations" : "all allocations",
                        t->runs, t->clean, t->survived, t->oom);
            return;
        case RAN_CLEAN: t->clean++; break;
        case RAN_SURVIVED: t->survived++; break;
        case OOM_EXIT: t->oom++; break;
        default:
            ud_test_fail(__FILE__, __LINE__, "%s: allocation %llu failing: exit status %d (%s)",
                         name, (unsigned long long)n, WEXITSTATUS(status),
                         WEXITSTATUS(status) == RAN_LEAKED       ? "leak"
                         : WEXITSTATUS(status) == RAN_NO_MESSAGE ? "error without a message"
                         : WEXITSTATUS(status) == RAN_SPURIOUS   ? "error without a failure"
                                                                 : "crash or sanitizer report");
        }
    }
    ud_test_fail(__FILE__, __LINE__, "%s still allocating after %d runs", name, MAX_RUNS);
}

static void exhaust(tally *t, const char *name, int (*setup)(void *payload),
                    int (*op)(void *payload), void (*teardown)(void *payload), void *payload,
                    ud_mem_kind kind)
{
    exhaust_every(t, name, setup, op, teardown, payload, kind, 1);
}

/* ---- Operations ---------------------------------------------------------------------- */

typedef struct extract_case {
    ud_format format;
    const char *data;
    size_t len;
} extract_case;

static int extract_op(void *payload)
{
    const extract_case *c = payload;
    ud_extract_limits limits;
    ud_extract_limits_default(&limits);
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted out;
    int rc = ud_extract(&out, &arena, c->format, c->data, c->len, "fixture", &limits);
    ud_arena_dispose(&arena);
    return rc;
}

static void exhaust_extract(const char *name, ud_format format, const char *data, size_t len)
{
    route_libraries();
    extract_case c = {format, data, len};
    tally t;
    exhaust(&t, name, NULL, extract_op, NULL, &c, UD_MEM_LIBRARY);
    exhaust(&t, name, NULL, extract_op, NULL, &c, UD_MEM_ANY);
    UD_CHECK(t.oom > 0); /* the extractor allocates through ud_malloc at least once */
}

void test_alloc_failure__html_extractor(void)
{
    static const char html[] =
        "<html><head><title>Careers</title><meta name=\"author\" content=\"Web Team\">"
        "<meta name=\"date\" content=\"2025-03-01\"></head><body><h1>Open roles</h1>"
        "<p>We are <b>hiring</b>.</p><ul><li>Leave</li></ul><table><tr><td>a</td></tr></table>"
        "<script>x()</script></body></html>";
    exhaust_extract("html", UD_FORMAT_HTML, html, sizeof(html) - 1);
}

void test_alloc_failure__json_extractor(void)
{
    static const char json[] = "{\"title\": \"Ticket 42\", \"author\": {\"name\": \"Ann\"}, "
                               "\"created_at\": \"2025-01-15T10:30:00Z\", \"tags\": [\"a\", 2]}";
    exhaust_extract("json", UD_FORMAT_JSON, json, sizeof(json) - 1);
}

void test_alloc_failure__email_extractor(void)
{
    static const char eml[] = "From: Ann <ann@example.com>\r\nSubject: Battery\r\n"
                              "Date: Mon, 10 Mar 2025 12:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                              "Content-Type: text/plain; charset=utf-8\r\n\r\nHow long?\r\n";
    exhaust_extract("email", UD_FORMAT_EMAIL, eml, sizeof(eml) - 1);
    /* Its headers are kept as JSON: a failure there fails the message
     * (it used to go on without them). */
    route_libraries();
    extract_case c = {UD_FORMAT_EMAIL, eml, sizeof(eml) - 1};
    tally t;
    exhaust(&t, "email", NULL, extract_op, NULL, &c, UD_MEM_LIBRARY);
    UD_CHECK(t.clean > 0);
}

void test_alloc_failure__markdown_extractor(void)
{
    static const char md[] =
        "---\ntitle: Travel\nauthor: Ann\ndate: 2025-01-02\n---\n# Rules\nText\n";
    exhaust_extract("markdown", UD_FORMAT_MARKDOWN, md, sizeof(md) - 1);
}

static void exhaust_extract_file(const char *name, ud_format format, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_file_read(&data, &len, path, 1u << 20));
    exhaust_extract(name, format, data, len);
    free(data);
}

void test_alloc_failure__docx_extractor(void)
{
    exhaust_extract_file("docx", UD_FORMAT_DOCX, "tests/fixtures/sample.docx");
}

void test_alloc_failure__pdf_extractor(void)
{
    exhaust_extract_file("pdf", UD_FORMAT_PDF, "tests/fixtures/sample.pdf");
}

static int query_op(void *payload)
{
    (void)payload;
    ud_analyzer *analyzer = NULL;
    int rc = ud_analyzer_new(&analyzer);
    if (rc < 0)
        return rc;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query *q = ud_arena_alloc(&arena, sizeof(*q));
    rc = ud_query_parse(q, analyzer, &arena,
                        "\"parental leave\" +policy -draft source:file author:\"Zoë\" "
                        "after:2025-01-01");
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
    return rc;
}

void test_alloc_failure__query_parse(void)
{
    tally t;
    exhaust(&t, "query", NULL, query_op, NULL, NULL, UD_MEM_ANY);
    UD_CHECK(t.runs > 1);
}

/* The store: put a document into an open SQLite database and read it back
 * (opening is done before the failure is armed: its thousand-odd
 * allocations would make this test slow, and happen once per process). */
typedef struct store_case {
    char url[600];
    char org_id[64];
    ud_meta *meta;
} store_case;

static int store_open(void *payload)
{
    store_case *c = payload;
    return ud_meta_open(&c->meta, c->url);
}

static void store_close(void *payload)
{
    store_case *c = payload;
    ud_meta_close(c->meta);
}

static int store_op(void *payload)
{
    const store_case *c = payload;
    static const char text[] = "Quarterly pipeline review for the Borealis account.";
    static const char *everyone[] = {"org:*"};
    ud_document doc = {.source_key = "file:document:/review.md",
                       .source_type = "file",
                       .title = "Review",
                       .file_type = "md",
                       .text = text,
                       .text_len = sizeof(text) - 1,
                       .metadata_json = "{}",
                       .acl = everyone,
                       .acl_count = 1,
                       .content_hash =
                           "0000000000000000000000000000000000000000000000000000000000000001"};
    ud_chunk chunk = {0, doc.text, doc.text_len, 8, 0, ""};
    char id[37];
    bool created = false;
    int rc = ud_meta_document_put(id, &created, c->meta, c->org_id, &doc, &chunk, 1);
    if (rc == 0) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_doc_row row;
        rc = ud_meta_document_get(&row, c->meta, &arena, c->org_id, id);
        ud_arena_dispose(&arena);
    }
    return rc;
}

void test_alloc_failure__sqlite_store(void)
{
    route_libraries();
    store_case c = {0};
    snprintf(c.url, sizeof(c.url), "sqlite://%s/meta.db", ud_test_tmpdir());
    ud_meta *meta = NULL;
    UD_CHECK_OK(ud_meta_open(&meta, c.url));
    UD_CHECK_OK(ud_meta_migrate(meta, NULL));
    ud_arena arena;
    ud_arena_init(&arena);
    ud_org org;
    UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "enterprise"));
    snprintf(c.org_id, sizeof(c.org_id), "%s", org.id);
    ud_arena_dispose(&arena);
    ud_meta_close(meta);
    tally t;
    /* Every fifth of SQLite's ~500 allocations: each run opens the store
     * afresh (a child cannot inherit the pool's threads), so all of them
     * would take half a minute, twice that under ASan. */
    exhaust_every(&t, "sqlite store", store_open, store_op, store_close, &c, UD_MEM_LIBRARY, 5);
    UD_CHECK(t.clean > 0); /* SQLite's failures come back as errors */
}

/* The index: build a collection of three chunks, open it, search it. */
static int index_fresh(void *payload)
{
    /* A folder of its own for each run (the runs are numbered by pid). */
    char *dir = payload;
    snprintf(dir + strlen(dir), 32, "/run-%ld", (long)getpid());
    return 0;
}

static int index_op(void *payload)
{
    const char *dir = payload;
    ud_collection_writer *w = NULL;
    ud_collection_writer_opts opts = {0};
    int rc = ud_collection_writer_open(&w, dir, &opts);
    if (rc < 0)
        return rc;
    static const char *everyone[] = {"org:*"};
    static const char *texts[] = {"parental leave policy for new parents",
                                  "travel rules and expense policy", "quarterly pipeline review"};
    for (uint32_t i = 0; i < 3 && rc == 0; i++) {
        char id[8];
        snprintf(id, sizeof(id), "doc-%u", i);
        ud_index_doc d = {.doc_id = id,
                          .title = "Policy",
                          .text = texts[i],
                          .source_type = "file",
                          .updated_at = 1700000000 + i,
                          .acl = everyone,
                          .acl_count = 1};
        rc = ud_collection_writer_add(w, &d);
    }
    if (rc == 0)
        rc = ud_collection_writer_commit(w, 1);
    ud_collection_writer_close(w);
    if (rc < 0)
        return rc;
    ud_snapshot *snapshot = NULL;
    rc = ud_snapshot_open(&snapshot, dir);
    if (rc < 0)
        return rc;
    ud_analyzer *analyzer = NULL;
    rc = ud_analyzer_new(&analyzer);
    if (rc == 0) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_query *q = ud_arena_alloc(&arena, sizeof(*q));
        rc = ud_query_parse(q, analyzer, &arena, "parental leave");
        q->principals = everyone;
        q->principal_count = 1;
        size_t count = 0;
        const ud_segment_view *views = ud_snapshot_views(snapshot, &count);
        ud_index_hit *hits = NULL;
        size_t hit_count = 0;
        ud_bm25_params params = {0.9, 0.4, 1.0};
        if (rc == 0)
            rc = ud_bm25_topk(&hits, &hit_count, views, count, q, &params, 10, &arena, NULL);
        if (rc == 0 && hit_count != 1)
            rc = ud_error_set(UD_EINVAL, "%zu hits instead of 1", hit_count);
        ud_arena_dispose(&arena);
        ud_analyzer_free(analyzer);
    }
    ud_snapshot_release(snapshot);
    return rc;
}

void test_alloc_failure__index_build_and_search(void)
{
    route_libraries();
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    tally t;
    exhaust(&t, "index", index_fresh, index_op, NULL, dir, UD_MEM_LIBRARY);
    /* Of all its allocations (~260), every fourth: most are ud_malloc's,
     * whose failure can only end in ud_oom. */
    exhaust_every(&t, "index", index_fresh, index_op, NULL, dir, UD_MEM_ANY, 4);
    UD_CHECK(t.oom > 0);
}
