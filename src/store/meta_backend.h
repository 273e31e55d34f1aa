/*
 * The contract between the metadata store (meta.c, which holds every query)
 * and a database backend (meta_sqlite.c, meta_postgres.c). A backend only
 * moves SQL text and text values: parameters are strings ($1, $2, ...; NULL
 * for SQL NULL) and result cells come back as strings. Both backends accept
 * the same query text: SQLite gets to_timestamp() and ud_epoch() as
 * registered functions, PostgreSQL gets ud_epoch() from the first migration,
 * so timestamps are written with to_timestamp($n) and read with ud_epoch(col).
 * The schema is shared too; its few backend-specific words are {tokens} the
 * driver's dialect spells out.
 */
#ifndef UD_STORE_META_BACKEND_H
#define UD_STORE_META_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

/* A materialised result: rows x columns of cells, NULL for SQL NULL. */
typedef struct ud_sql_rows {
    size_t count;
    size_t columns;
    const char **cells; /* cells[row * columns + column] */
} ud_sql_rows;

static inline const char *ud_sql_cell(const ud_sql_rows *rows, size_t row, size_t column)
{
    return rows->cells[row * rows->columns + column];
}

/* Called for each row of a streamed query; cells live until it returns. A
 * non-zero return stops the query and is passed back. */
typedef int (*ud_sql_row_fn)(const char *const *cells, size_t columns, void *payload);

typedef struct ud_meta ud_meta;

typedef struct ud_meta_migration {
    int version;
    const char *name;
    const char *sql; /* one or more statements; NULL for none */
} ud_meta_migration;

/* A rewrite of stored values that SQL alone cannot do portably, run after
 * a migration's sql in the same transaction (on the connection bound to
 * the migrating thread, so it uses the meta_internal.h helpers). */
typedef int (*ud_meta_data_step)(ud_meta *meta, ud_arena *arena);

/* One {token} of the schema and its spelling in a backend; an array ends
 * with {NULL, NULL}. */
typedef struct ud_sql_dialect {
    const char *token;
    const char *sql;
} ud_sql_dialect;

typedef struct ud_meta_driver {
    const char *name;
    /* Connects to the database the URL names. */
    int (*open)(void **out_conn, const char *url);
    void (*close)(void *conn);
    /* Runs statements without parameters or results (DDL, BEGIN, COMMIT). */
    int (*exec)(void *conn, const char *sql);
    /* Starts a write transaction (SQLite takes the write lock at once, so
     * two writers queue on the busy timeout instead of deadlocking). */
    const char *begin_write;
    /* Held while migrating so two processes never migrate at once (NULL
     * when begin_write already serialises writers, as in SQLite). */
    const char *lock_migrations;
    const char *unlock_migrations;
    /* Runs one statement and hands rows to fn one at a time, so that large
     * results never sit in memory at once. */
    int (*query_each)(void *conn, const char *sql, const char *const *params, size_t param_count,
                      ud_sql_row_fn fn, void *payload);
    /* How the {tokens} of the shared schema (schema.c) are spelled here. */
    const ud_sql_dialect *dialect;
    /* One writer at a time in the whole database (SQLite): the pool makes
     * this process's writers queue on a mutex (meta_internal.h). */
    bool serialize_writes;
    /* Rows one INSERT may carry when the write-behind queue writes a batch
     * (meta_queue.c): many where each statement is a round trip to a server
     * (PostgreSQL), 1 where it is a function call and a long statement only
     * costs more to parse and bind (SQLite). */
    size_t batch_insert_rows;
    /* Whether a connection is beyond use (the server went away), so the
     * pool closes it instead of handing it out again; NULL: never. */
    bool (*broken)(void *conn);
} ud_meta_driver;

extern const ud_meta_driver ud_meta_sqlite_driver;
extern const ud_meta_driver ud_meta_postgres_driver;

/* The schema shared by the backends, in version order (schema.c). */
const ud_meta_migration *ud_schema_migrations(size_t *out_count);
/* The data step of a migration, NULL when it has none. */
ud_meta_data_step ud_schema_data_step(int version);

#endif
