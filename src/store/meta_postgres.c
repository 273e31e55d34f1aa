/*
 * The PostgreSQL backend of the metadata store (libpq): the production
 * choice when several servers share one database. The URL goes to libpq as
 * it is (postgres://user:pass@host:port/db?sslmode=...). The session runs in
 * UTC so TIMESTAMP columns hold UTC like the SQLite backend's. The pool
 * (meta_pool.c) opens up to store_pool_size such connections per process;
 * a connection whose server went away is closed and replaced.
 */
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "store/meta_backend.h"

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Maps a failed result's SQLSTATE to a code and records the message. */
static int fail(PGconn *conn, PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *message = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
    int ud = UD_EIO;
    if (state) {
        if (strcmp(state, "23505") == 0)
            ud = UD_EEXISTS; /* unique_violation */
        else if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
            ud = UD_EINVAL; /* integrity constraint, bad data */
        else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
            ud = UD_EAGAIN; /* serialization failure, deadlock */
    }
    size_t len = message ? strcspn(message, "\n") : 0;
    return ud_error_set(ud, "postgres: %s: %.*s", what, (int)len, message ? message : "");
}

static int pg_open(void **out_conn, const char *url)
{
    PGconn *conn = PQconnectdb(url);
    if (!conn)
        return ud_error_set(UD_ENOMEM, "postgres: cannot allocate a connection");
    if (PQstatus(conn) != CONNECTION_OK) {
        const char *message = PQerrorMessage(conn);
        int rc = ud_error_set(UD_EIO, "postgres: cannot connect: %.*s", (int)strcspn(message, "\n"),
                              message);
        PQfinish(conn);
        return rc;
    }
    PQsetNoticeProcessor(conn, ignore_notice, NULL);
    PGresult *res = PQexec(conn, "SET TimeZone = 'UTC'; SET client_min_messages = warning");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int rc = fail(conn, res, "session set-up");
        PQclear(res);
        PQfinish(conn);
        return rc;
    }
    PQclear(res);
    *out_conn = conn;
    return 0;
}

static void pg_close(void *conn)
{
    if (conn)
        PQfinish(conn);
}

static int pg_exec(void *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType status = PQresultStatus(res);
    int rc = 0;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        rc = fail(conn, res, "exec");
    PQclear(res);
    return rc;
}

static int pg_query_each(void *conn, const char *sql, const char *const *params, size_t param_count,
                         ud_sql_row_fn fn, void *payload)
{
    if (!PQsendQueryParams(conn, sql, (int)param_count, NULL, params, NULL, NULL, 0))
        return fail(conn, NULL, "query");
    PQsetSingleRowMode(conn);
    int result = 0;
    const char **cells = NULL;
    size_t cells_cap = 0;
    PGresult *res;
    while ((res = PQgetResult(conn)) != NULL) {
        ExecStatusType status = PQresultStatus(res);
        if (status == PGRES_SINGLE_TUPLE && result == 0 && fn) {
            size_t columns = (size_t)PQnfields(res);
            if (columns > cells_cap) {
                free(cells);
                cells_cap = columns;
                cells = ud_calloc(cells_cap, sizeof(char *));
            }
            for (size_t c = 0; c < columns; c++)
                cells[c] = PQgetisnull(res, 0, (int)c) ? NULL : PQgetvalue(res, 0, (int)c);
            result = fn(cells, columns, payload);
        } else if (status != PGRES_SINGLE_TUPLE && status != PGRES_TUPLES_OK &&
                   status != PGRES_COMMAND_OK && result == 0) {
            result = fail(conn, res, "query");
        }
        /* After an early stop the remaining rows are read and dropped: the
         * connection must be idle before the next query. */
        PQclear(res);
    }
    free(cells);
    return result;
}

static bool pg_broken(void *conn)
{
    return PQstatus(conn) != CONNECTION_OK;
}

static const ud_sql_dialect POSTGRES_DIALECT[] = {
    {"{uuid_pk}", "UUID PRIMARY KEY DEFAULT gen_random_uuid()"},
    {"{uuid}", "UUID"},
    {"{json}", "JSONB"},
    {"{text_array}", "TEXT[]"},
    {"{now}", "NOW()"},
    /* Timestamps are read as Unix seconds with the same SQL as SQLite. */
    {"{setup}", "CREATE OR REPLACE FUNCTION ud_epoch(t TIMESTAMP) RETURNS BIGINT AS\n"
                "  $$ SELECT extract(epoch FROM t)::BIGINT $$ LANGUAGE sql IMMUTABLE;\n"},
    {NULL, NULL},
};

const ud_meta_driver ud_meta_postgres_driver = {
    .name = "postgres",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .begin_write = "BEGIN",
    /* An arbitrary constant key: "unify" in ASCII. */
    .lock_migrations = "SELECT pg_advisory_lock(478560430457)",
    .unlock_migrations = "SELECT pg_advisory_unlock(478560430457)",
    .query_each = pg_query_each,
    .dialect = POSTGRES_DIALECT,
    .broken = pg_broken,
    .batch_insert_rows = 32,
};
