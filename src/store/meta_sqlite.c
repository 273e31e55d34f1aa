/*
 * The SQLite backend of the metadata store: the embedded default. Each
 * connection of the pool (meta_pool.c) is in WAL mode (readers never wait
 * for the writer, in this process or another; synchronous=NORMAL, which in
 * WAL mode loses no committed transaction on a crash of the process, only
 * on a power loss the last ones), foreign keys on, a busy timeout so that a second process
 * (`unify ingest` while `unify serve` runs) waits instead of failing.
 * to_timestamp() and ud_epoch() are registered so the query text of meta.c
 * runs unchanged (see meta_backend.h). The database holds password hashes
 * and encrypted credentials: it is created 0600, and one found readable by
 * others (made by an older version) is made 0600 when it is opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "store/meta_backend.h"

#define BUSY_TIMEOUT_MS 10000

static int fail(sqlite3 *db, int code, const char *what)
{
    int ext = sqlite3_extended_errcode(db);
    const char *message = sqlite3_errmsg(db);
    int ud = UD_EIO;
    switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY: ud = UD_EEXISTS; break;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_NOTNULL: ud = UD_EINVAL; break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: ud = UD_ECORRUPT; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: ud = UD_EAGAIN; break;
    default:
        if ((code & 0xFF) == SQLITE_CONSTRAINT)
            ud = UD_EINVAL;
        break;
    }
    return ud_error_set(ud, "sqlite: %s: %s", what, message);
}

/* to_timestamp(unix seconds) -> 'YYYY-MM-DD HH:MM:SS' (UTC), as PostgreSQL
 * stores a TIMESTAMP. */
static void fn_to_timestamp(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    time_t t = (time_t)sqlite3_value_int64(argv[0]);
    struct tm tm;
    char text[32];
    if (!gmtime_r(&t, &tm) || strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm) == 0) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
}

/* ud_epoch('YYYY-MM-DD HH:MM:SS') -> unix seconds; NULL stays NULL. */
static void fn_epoch(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *text = sqlite3_value_text(argv[0]);
    struct tm tm = {0};
    if (!text || sscanf((const char *)text, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
                        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        sqlite3_result_null(ctx);
        return;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    sqlite3_result_int64(ctx, (sqlite3_int64)timegm(&tm));
}

/* Takes group and other permissions off the file, if it exists and is
 * ours (another owner's file is theirs to set). */
static int keep_private(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return errno == ENOENT ? 0 : ud_error_set(UD_EIO, "cannot stat %s", path);
    if ((st.st_mode & 077) && chmod(path, st.st_mode & 0700) < 0 && errno != EPERM)
        return ud_error_set(UD_EIO, "cannot make %s private (chmod 0600)", path);
    return 0;
}

/* Creates the database file 0600 when it is missing (SQLite would create
 * it by the umask, and its -wal and -shm files take its mode), or makes the
 * existing file and its -wal and -shm private. */
static int make_private(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if (errno != EEXIST)
        return ud_error_set(UD_EIO, "cannot create %s", path);
    int rc = keep_private(path);
    static const char *const companions[] = {"-wal", "-shm"};
    for (size_t i = 0; rc == 0 && i < sizeof(companions) / sizeof(companions[0]); i++) {
        char other[4200];
        snprintf(other, sizeof(other), "%s%s", path, companions[i]);
        rc = keep_private(other);
    }
    return rc;
}

static int sqlite_open(void **out_conn, const char *url)
{
    const char *prefix = "sqlite://";
    if (strncmp(url, prefix, strlen(prefix)) != 0)
        return ud_error_set(UD_EINVAL, "not a sqlite:// URL: %s", url);
    const char *path = url + strlen(prefix);
    if (!path[0])
        return ud_error_set(UD_EINVAL, "sqlite URL without a path: %s", url);
    int rc = make_private(path);
    if (rc < 0)
        return rc;
    sqlite3 *db = NULL;
    rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        int err = ud_error_set(UD_EIO, "cannot open %s: %s", path,
                               db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return err;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    sqlite3_extended_result_codes(db, 1);
    char *errmsg = NULL;
    rc = sqlite3_exec(db,
                      "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; "
                      "PRAGMA synchronous=NORMAL;",
                      NULL, NULL, &errmsg);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "to_timestamp", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                                     NULL, fn_to_timestamp, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "ud_epoch", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                     fn_epoch, NULL, NULL);
    if (rc != SQLITE_OK) {
        int err = ud_error_set(rc == SQLITE_NOTADB ? UD_ECORRUPT : UD_EIO, "cannot set up %s: %s",
                               path, errmsg ? errmsg : sqlite3_errmsg(db));
        sqlite3_free(errmsg);
        sqlite3_close(db);
        return err;
    }
    *out_conn = db;
    return 0;
}

static void sqlite_close(void *conn)
{
    sqlite3_close(conn);
}

static int sqlite_exec(void *conn, const char *sql)
{
    char *errmsg = NULL;
    int rc = sqlite3_exec(conn, sql, NULL, NULL, &errmsg);
    sqlite3_free(errmsg);
    return rc == SQLITE_OK ? 0 : fail(conn, rc, "exec");
}

/* Prepares sql and binds "$N" parameters by their number. */
static int prepare(sqlite3_stmt **out, sqlite3 *db, const char *sql, const char *const *params,
                   size_t param_count)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, "prepare");
    int count = sqlite3_bind_parameter_count(stmt);
    for (int i = 1; i <= count; i++) {
        const char *name = sqlite3_bind_parameter_name(stmt, i);
        long n = name && name[0] == '$' ? strtol(name + 1, NULL, 10) : 0;
        if (n < 1 || (size_t)n > param_count) {
            sqlite3_finalize(stmt);
            return ud_error_set(UD_EINVAL, "sqlite: parameter %s has no value", name ? name : "?");
        }
        const char *value = params[n - 1];
        rc = value ? sqlite3_bind_text(stmt, i, value, -1, SQLITE_STATIC)
                   : sqlite3_bind_null(stmt, i);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(stmt);
            return fail(db, rc, "bind");
        }
    }
    *out = stmt;
    return 0;
}

static int sqlite_query_each(void *conn, const char *sql, const char *const *params,
                             size_t param_count, ud_sql_row_fn fn, void *payload)
{
    sqlite3_stmt *stmt = NULL;
    int rc = prepare(&stmt, conn, sql, params, param_count);
    if (rc < 0)
        return rc;
    size_t columns = (size_t)sqlite3_column_count(stmt);
    const char **cells = ud_calloc(columns ? columns : 1, sizeof(char *));
    int result = 0;
    for (;;) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            result = fail(conn, rc, "query");
            break;
        }
        for (size_t c = 0; c < columns; c++)
            cells[c] = (const char *)sqlite3_column_text(stmt, (int)c);
        if (fn) {
            result = fn(cells, columns, payload);
            if (result != 0)
                break;
        }
    }
    free(cells);
    sqlite3_finalize(stmt);
    return result;
}

/* Ids and JSON are TEXT: SQLite would give UUID and JSONB columns numeric
 * affinity. Arrays are JSON text; ids are generated by the program. */
static const ud_sql_dialect SQLITE_DIALECT[] = {
    {"{uuid_pk}", "TEXT PRIMARY KEY"},
    {"{uuid}", "TEXT"},
    {"{json}", "TEXT"},
    {"{text_array}", "TEXT"},
    {"{now}", "CURRENT_TIMESTAMP"},
    {"{setup}", ""},
    {NULL, NULL},
};

const ud_meta_driver ud_meta_sqlite_driver = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .exec = sqlite_exec,
    .begin_write = "BEGIN IMMEDIATE",
    .query_each = sqlite_query_each,
    .dialect = SQLITE_DIALECT,
    .serialize_writes = true,
    .batch_insert_rows = 1,
};
