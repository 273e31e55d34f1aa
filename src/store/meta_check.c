/*
 * The store's consistency checks (see meta_check.h).
 */
#include "store/meta_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "store/meta_internal.h"

/* Invariants between the tables, on either backend: a query counting the
 * rows that break it, and what to say about them. */
static const struct {
    const char *sql;
    const char *what;
} INVARIANTS[] = {
    {"SELECT COUNT(*) FROM chunks c LEFT JOIN documents d ON d.id = c.document_id "
     "WHERE d.id IS NULL",
     "chunks whose document does not exist"},
    {"SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id "
     "WHERE d.org_id <> c.org_id",
     "chunks of another organization than their document"},
    {"SELECT COUNT(*) FROM documents d WHERE d.chunk_count <> "
     "(SELECT COUNT(*) FROM chunks c WHERE c.document_id = d.id)",
     "documents whose chunk_count differs from their chunks"},
};

static void problem(size_t *count, ud_meta_check_fn fn, void *payload, const char *fmt, ...)
    UD_PRINTF(4, 5);

static void problem(size_t *count, ud_meta_check_fn fn, void *payload, const char *fmt, ...)
{
    char message[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    (*count)++;
    fn(message, payload);
}

/* SQLite's own checks of the database file and of its foreign keys (which
 * SQLite enforces only on connections that enable them). */
static int check_sqlite(size_t *count, ud_meta *meta, ud_arena *arena, ud_meta_check_fn fn,
                        void *payload)
{
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena, "PRAGMA integrity_check", NULL, 0);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < rows.count; i++) {
        const char *line = ud_sql_cell(&rows, i, 0);
        if (line && strcmp(line, "ok") != 0)
            problem(count, fn, payload, "store: integrity_check: %s", line);
    }
    rc = ud_meta_sql_query(&rows, meta, arena, "PRAGMA foreign_key_check", NULL, 0);
    if (rc < 0)
        return rc;
    /* One row per violation (table, rowid, parent, fk id): say how many of
     * each table, not every row. */
    for (size_t i = 0; i < rows.count;) {
        const char *table = ud_sql_cell(&rows, i, 0);
        const char *parent = rows.columns > 2 ? ud_sql_cell(&rows, i, 2) : NULL;
        size_t n = 0;
        while (i < rows.count && strcmp(ud_sql_cell(&rows, i, 0), table) == 0) {
            n++;
            i++;
        }
        problem(count, fn, payload, "store: %zu rows of %s name a missing row of %s", n, table,
                parent ? parent : "another table");
    }
    return 0;
}

int ud_meta_check(size_t *out_problems, ud_meta *meta, ud_meta_check_fn fn, void *payload)
{
    ud_arena arena;
    ud_arena_init(&arena);
    size_t count = 0;
    int rc = 0;
    if (strcmp(ud_meta_backend(meta), "sqlite") == 0)
        rc = check_sqlite(&count, meta, &arena, fn, payload);
    for (size_t i = 0; rc == 0 && i < sizeof(INVARIANTS) / sizeof(INVARIANTS[0]); i++) {
        ud_sql_rows rows;
        rc = ud_meta_sql_query(&rows, meta, &arena, INVARIANTS[i].sql, NULL, 0);
        int64_t n = rc == 0 && rows.count ? ud_meta_sql_int(ud_sql_cell(&rows, 0, 0), 0) : 0;
        if (n > 0)
            problem(&count, fn, payload, "store: %lld %s", (long long)n, INVARIANTS[i].what);
    }
    ud_arena_dispose(&arena);
    if (rc < 0)
        return rc;
    *out_problems = count;
    return 0;
}

int ud_meta_check_counts_of(ud_meta_check_counts *out, ud_meta *meta, const char *org_id)
{
    memset(out, 0, sizeof(*out));
    if (!ud_meta_is_uuid(org_id))
        return 0;
    ud_arena arena;
    ud_arena_init(&arena);
    const char *params[] = {org_id};
    ud_sql_rows rows;
    /* One statement, so the three counts are of one state of the store.
     * Chunks as the index is built from them (ud_meta_chunks_scan): those
     * with their document. */
    int rc =
        ud_meta_sql_query(&rows, meta, &arena,
                          "SELECT (SELECT COUNT(*) FROM documents WHERE org_id = $1), "
                          "(SELECT COUNT(DISTINCT c.document_id) FROM chunks c JOIN documents d "
                          "ON d.id = c.document_id WHERE c.org_id = $1), "
                          "(SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.document_id "
                          "WHERE c.org_id = $1)",
                          params, 1);
    if (rc == 0 && rows.count == 1 && rows.columns == 3) {
        out->documents = ud_meta_sql_int(ud_sql_cell(&rows, 0, 0), 0);
        out->documents_with_chunks = ud_meta_sql_int(ud_sql_cell(&rows, 0, 1), 0);
        out->chunks = ud_meta_sql_int(ud_sql_cell(&rows, 0, 2), 0);
    } else if (rc == 0) {
        rc = ud_error_set(UD_EIO, "the store's counts came back in another shape");
    }
    ud_arena_dispose(&arena);
    return rc;
}
