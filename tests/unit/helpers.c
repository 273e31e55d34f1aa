/*
 * Helpers shared by the tests: files, the unify binary, shell commands and
 * the list of metadata stores to run against.
 */
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/fs.h"
#include "test.h"

/* The paths handed out by ud_test_write_file, kept reachable: they live as
 * long as the test process (and LeakSanitizer does not count them). */
static char **written_paths;
static size_t written_count;

const char *ud_test_write_file(const char *dir, const char *name, const void *data, size_t len)
{
    char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        ud_test_fail(__FILE__, __LINE__, "out of memory");
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (ud_mkdirs(path) != 0)
        ud_test_fail(__FILE__, __LINE__, "mkdirs %s failed", path);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        ud_test_fail(__FILE__, __LINE__, "cannot write %s", path);
    char **grown = realloc(written_paths, (written_count + 1) * sizeof(char *));
    if (!grown)
        ud_test_fail(__FILE__, __LINE__, "out of memory");
    written_paths = grown;
    written_paths[written_count++] = path;
    return path;
}

const char *ud_test_unify_bin(void)
{
    const char *bin = getenv("UNIFY_BIN");
    return bin && *bin ? bin : "build/unify";
}

int ud_test_run(char **out_output, const char *fmt, ...)
{
    char *cmd = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&cmd, fmt, ap) < 0)
        ud_test_fail(__FILE__, __LINE__, "out of memory");
    va_end(ap);
    char *full = NULL;
    if (asprintf(&full, "(%s) 2>&1", cmd) < 0)
        ud_test_fail(__FILE__, __LINE__, "out of memory");
    free(cmd);
    FILE *p = popen(full, "r");
    free(full);
    if (!p)
        ud_test_fail(__FILE__, __LINE__, "popen failed");
    size_t cap = 1 << 20, len = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (len < cap && (n = fread(buf + len, 1, cap - len, p)) > 0)
        len += n;
    buf[len] = '\0';
    int status = pclose(p);
    if (out_output)
        *out_output = buf;
    else
        free(buf);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Creates a database of its own for this test on the throwaway server. */
static const char *fresh_pg_url(const char *base)
{
    static char url[512];
    static int counter;
    char dbname[64];
    snprintf(dbname, sizeof(dbname), "t_%d_%d", (int)getpid(), counter++);
    char admin[512];
    snprintf(admin, sizeof(admin), "%s/postgres", base);
    PGconn *conn = PQconnectdb(admin);
    if (PQstatus(conn) != CONNECTION_OK)
        ud_test_fail(__FILE__, __LINE__, "cannot reach PostgreSQL at %s: %s", admin,
                     PQerrorMessage(conn));
    /* A pid comes round again over many runs against one server: a
     * database of an earlier process with this pid is dropped first. */
    char sql[128];
    snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", dbname);
    PQclear(PQexec(conn, sql));
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        ud_test_fail(__FILE__, __LINE__, "CREATE DATABASE failed: %s", PQerrorMessage(conn));
    PQclear(res);
    PQfinish(conn);
    snprintf(url, sizeof(url), "%s/%s", base, dbname);
    return url;
}

size_t ud_test_store_urls(const char *out[2])
{
    static char sqlite_url[600];
    static int counter;
    snprintf(sqlite_url, sizeof(sqlite_url), "sqlite://%s/meta-%d.db", ud_test_tmpdir(), counter++);
    out[0] = sqlite_url;
    /* UNIFY_TEST_PG is a server URL without a database, e.g.
     * postgres://postgres@127.0.0.1:54321 */
    const char *pg = getenv("UNIFY_TEST_PG");
    if (!pg || !*pg)
        return 1;
    out[1] = fresh_pg_url(pg);
    return 2;
}
