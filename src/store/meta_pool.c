/*
 * The metadata store's connections (meta_internal.h): a pool of up to
 * pool_size backend connections, opened as callers need them, and the
 * binding of one of them to a thread for a transaction or a longer scope.
 * This file is the only place in the store that locks anything: a public
 * ud_meta_* function runs its statements through the helpers below and
 * never sees a connection or a mutex.
 *
 * Why bindings are per thread: a transaction's statements must all run on
 * the connection that began it, and the code between begin and commit
 * calls the same helpers as code outside one. The thread's bindings are a
 * short chain (one entry per store the thread is in a transaction with),
 * so a thread may hold a transaction on one store and read another.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/mem.h"
#include "store/meta_internal.h"
#include "store/meta_queue.h"

/* How long a caller waits for a connection when all are busy before it is
 * told to retry (UD_EAGAIN): far longer than any statement should take. */
#define CHECKOUT_WAIT_SECONDS 30

static _Thread_local ud_meta_conn *thread_bound;

static ud_meta_conn *bound_of(const ud_meta *meta)
{
    for (ud_meta_conn *c = thread_bound; c; c = c->bound_next)
        if (c->meta == meta)
            return c;
    return NULL;
}

static void unbind(ud_meta_conn *conn)
{
    for (ud_meta_conn **p = &thread_bound; *p; p = &(*p)->bound_next)
        if (*p == conn) {
            *p = conn->bound_next;
            break;
        }
    conn->bound_next = NULL;
    conn->meta = NULL;
}

/* An idle connection, a new one while fewer than pool_size are open, or
 * the first to come back. The new connection is opened outside the lock:
 * a PostgreSQL connect takes a round trip or more. */
static int checkout(ud_meta_conn **out, ud_meta *meta)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += CHECKOUT_WAIT_SECONDS;
    pthread_mutex_lock(&meta->lock);
    for (;;) {
        if (meta->idle) {
            ud_meta_conn *c = meta->idle;
            meta->idle = c->next;
            pthread_mutex_unlock(&meta->lock);
            c->next = NULL;
            *out = c;
            return 0;
        }
        if (meta->open_count < meta->pool_size) {
            meta->open_count++;
            pthread_mutex_unlock(&meta->lock);
            void *handle = NULL;
            int rc = meta->backend->open(&handle, meta->url);
            if (rc < 0) {
                pthread_mutex_lock(&meta->lock);
                meta->open_count--;
                pthread_cond_signal(&meta->returned);
                pthread_mutex_unlock(&meta->lock);
                return rc;
            }
            ud_meta_conn *c = ud_calloc(1, sizeof(*c));
            c->handle = handle;
            *out = c;
            return 0;
        }
        if (pthread_cond_timedwait(&meta->returned, &meta->lock, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&meta->lock);
            return ud_error_set(UD_EAGAIN,
                                "all %zu connections of the metadata store stayed busy for %d s "
                                "(store_pool_size)",
                                meta->pool_size, CHECKOUT_WAIT_SECONDS);
        }
    }
}

static void checkin(ud_meta *meta, ud_meta_conn *conn)
{
    if (meta->backend->broken && meta->backend->broken(conn->handle)) {
        meta->backend->close(conn->handle);
        free(conn);
        pthread_mutex_lock(&meta->lock);
        meta->open_count--;
        pthread_cond_signal(&meta->returned);
        pthread_mutex_unlock(&meta->lock);
        return;
    }
    pthread_mutex_lock(&meta->lock);
    conn->next = meta->idle;
    meta->idle = conn;
    pthread_cond_signal(&meta->returned);
    pthread_mutex_unlock(&meta->lock);
}

int ud_meta_hold(ud_meta *meta)
{
    ud_meta_conn *c = bound_of(meta);
    if (c) {
        c->hold_depth++;
        return 0;
    }
    int rc = checkout(&c, meta);
    if (rc < 0)
        return rc;
    c->meta = meta;
    c->hold_depth = 1;
    c->bound_next = thread_bound;
    thread_bound = c;
    return 0;
}

void ud_meta_unhold(ud_meta *meta)
{
    ud_meta_conn *c = bound_of(meta);
    if (!c || --c->hold_depth > 0)
        return;
    unbind(c);
    checkin(meta, c);
}

/* Whether a statement only reads, so it needs no write gate. Anything but
 * a plain SELECT counts as a write (WITH, PRAGMA, DDL): a needless gate
 * costs a little waiting, a missing one SQLite's busy polling. */
static bool is_read(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '\t')
        sql++;
    return strncasecmp(sql, "SELECT", 6) == 0;
}

/* The connection a statement runs on: the thread's binding for this store,
 * else one checked out for this statement alone (*out_temp). A write
 * outside a transaction takes the write gate first (*out_gated), so that
 * the order is always gate, then connection. */
static int use_conn(ud_meta_conn **out, bool *out_temp, bool *out_gated, ud_meta *meta,
                    const char *sql)
{
    ud_meta_conn *c = bound_of(meta);
    bool gate = meta->backend->serialize_writes && !is_read(sql) && !(c && c->gated);
    *out_temp = false;
    *out_gated = false;
    if (gate)
        pthread_mutex_lock(&meta->write_gate);
    if (!c) {
        int rc = checkout(&c, meta);
        if (rc < 0) {
            if (gate)
                pthread_mutex_unlock(&meta->write_gate);
            return rc;
        }
        *out_temp = true;
    }
    *out_gated = gate;
    *out = c;
    return 0;
}

static void done_conn(ud_meta *meta, ud_meta_conn *conn, bool temp, bool gated)
{
    if (temp)
        checkin(meta, conn);
    if (gated)
        pthread_mutex_unlock(&meta->write_gate);
}

int ud_meta_sql_each(ud_meta *meta, const char *sql, const char *const *params, size_t param_count,
                     ud_sql_row_fn fn, void *payload)
{
    ud_meta_conn *c = NULL;
    bool temp = false, gated = false;
    int rc = use_conn(&c, &temp, &gated, meta, sql);
    if (rc < 0)
        return rc;
    rc = meta->backend->query_each(c->handle, sql, params, param_count, fn, payload);
    done_conn(meta, c, temp, gated);
    return rc;
}

int ud_meta_sql_exec(ud_meta *meta, const char *sql)
{
    ud_meta_conn *c = NULL;
    bool temp = false, gated = false;
    int rc = use_conn(&c, &temp, &gated, meta, sql);
    if (rc < 0)
        return rc;
    rc = meta->backend->exec(c->handle, sql);
    done_conn(meta, c, temp, gated);
    return rc;
}

int ud_meta_sql_begin(ud_meta *meta)
{
    ud_meta_conn *c = bound_of(meta);
    if (c && c->in_transaction)
        return ud_error_set(UD_EINVAL, "a transaction of this store is open on this thread");
    bool gate = meta->backend->serialize_writes;
    if (gate)
        pthread_mutex_lock(&meta->write_gate);
    int rc = ud_meta_hold(meta);
    if (rc == 0) {
        c = bound_of(meta);
        rc = meta->backend->exec(c->handle, meta->backend->begin_write);
        if (rc < 0)
            ud_meta_unhold(meta);
    }
    if (rc < 0) {
        if (gate)
            pthread_mutex_unlock(&meta->write_gate);
        return rc;
    }
    c->in_transaction = true;
    c->gated = gate;
    return 0;
}

/* Ends the thread's transaction with `sql` and gives its connection back. */
static int end_transaction(ud_meta_conn *c, ud_meta *meta, const char *sql)
{
    int rc = meta->backend->exec(c->handle, sql);
    if (rc < 0 && strcmp(sql, "COMMIT") == 0) {
        /* SQLite keeps a transaction open after a failed COMMIT: end it so
         * the connection goes back clean, keeping the commit's message. */
        char saved[512];
        snprintf(saved, sizeof(saved), "%s", ud_error_last());
        (void)meta->backend->exec(c->handle, "ROLLBACK");
        ud_error_set(rc, "%s", saved);
    }
    bool gated = c->gated;
    c->in_transaction = false;
    c->gated = false;
    ud_meta_unhold(meta);
    if (gated)
        pthread_mutex_unlock(&meta->write_gate);
    return rc;
}

int ud_meta_sql_commit(ud_meta *meta)
{
    ud_meta_conn *c = bound_of(meta);
    if (!c || !c->in_transaction)
        return ud_error_set(UD_EINVAL, "commit without a transaction");
    return end_transaction(c, meta, "COMMIT");
}

void ud_meta_sql_rollback(ud_meta *meta)
{
    ud_meta_conn *c = bound_of(meta);
    if (!c || !c->in_transaction)
        return;
    char saved[512];
    snprintf(saved, sizeof(saved), "%s", ud_error_last());
    if (end_transaction(c, meta, "ROLLBACK") < 0)
        ud_error_clear();
    ud_error_set(UD_EIO, "%s", saved); /* message only; callers keep their code */
}

/* ---- opening and closing ------------------------------------------------ */

int ud_meta_open_pool(ud_meta **out, const char *url, size_t pool_size)
{
    const ud_meta_driver *backend = NULL;
    if (strncmp(url, "sqlite://", 9) == 0)
        backend = &ud_meta_sqlite_driver;
    else if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0)
        backend = &ud_meta_postgres_driver;
    else
        return ud_error_set(UD_EINVAL,
                            "unknown store URL (use sqlite:///path or postgres://...): %s", url);
    if (pool_size < 1 || pool_size > UD_META_POOL_MAX)
        return ud_error_set(UD_EINVAL, "store_pool_size must be 1 to %d, not %zu", UD_META_POOL_MAX,
                            pool_size);
    /* The first connection is opened now, so a bad URL or an unreachable
     * server is reported by open and not by the first query. */
    void *handle = NULL;
    int rc = backend->open(&handle, url);
    if (rc < 0)
        return rc;
    ud_meta *meta = ud_calloc(1, sizeof(*meta));
    meta->backend = backend;
    meta->url = ud_strdup(url);
    meta->pool_size = pool_size;
    pthread_mutex_init(&meta->lock, NULL);
    pthread_cond_init(&meta->returned, NULL);
    pthread_mutex_init(&meta->write_gate, NULL);
    meta->idle = ud_calloc(1, sizeof(*meta->idle));
    meta->idle->handle = handle;
    meta->open_count = 1;
    meta->cache = ud_meta_cache_new();
    *out = meta;
    return 0;
}

int ud_meta_open(ud_meta **out, const char *url)
{
    return ud_meta_open_pool(out, url, UD_META_POOL_DEFAULT);
}

void ud_meta_close(ud_meta *meta)
{
    if (!meta)
        return;
    /* Queued writes go in before the connections close. */
    ud_meta_queue_stop(meta);
    /* Every connection is idle by now: closing a store that a thread still
     * uses is a bug of the caller, like freeing memory still in use. */
    while (meta->idle) {
        ud_meta_conn *c = meta->idle;
        meta->idle = c->next;
        meta->backend->close(c->handle);
        free(c);
    }
    ud_meta_cache_free(meta->cache);
    pthread_mutex_destroy(&meta->write_gate);
    pthread_cond_destroy(&meta->returned);
    pthread_mutex_destroy(&meta->lock);
    free(meta->url);
    free(meta);
}

size_t ud_meta_pool_open_count(ud_meta *meta)
{
    pthread_mutex_lock(&meta->lock);
    size_t n = meta->open_count;
    pthread_mutex_unlock(&meta->lock);
    return n;
}

const char *ud_meta_backend(const ud_meta *meta)
{
    return meta->backend->name;
}
