/*
 * What the files of the metadata store share and nothing outside src/store
 * sees: the handle's layout and the SQL plumbing (materialised queries,
 * statements, transactions, cell conversions). meta.c holds the schema,
 * organizations, users and documents; each other meta_*.c file holds the
 * queries of one area (API keys, sessions, history, audit log, settings).
 *
 * Connections (meta_pool.c): the handle holds a pool of up to pool_size
 * connections. A statement outside a transaction checks one out for its own
 * duration; ud_meta_sql_begin binds one to the calling thread until the
 * commit or rollback, and ud_meta_hold binds one for a longer scope (the
 * migrations, whose PostgreSQL advisory lock belongs to one session), so
 * every statement of the thread in between runs on it. No code outside
 * meta_pool.c takes a lock: the pool's mutex guards only the idle list.
 * On SQLite (driver->serialize_writes) a process-wide write gate is held
 * for each write statement or write transaction, so this process's writers
 * queue on a mutex instead of polling SQLite's busy handler; readers take
 * no gate, and in WAL mode they never wait for the writer.
 */
#ifndef UD_STORE_META_INTERNAL_H
#define UD_STORE_META_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/meta.h"
#include "store/meta_backend.h"

typedef struct ud_meta_conn ud_meta_conn;
typedef struct ud_meta_queue ud_meta_queue;
typedef struct ud_meta_cache ud_meta_cache;

struct ud_meta_conn {
    void *handle;       /* the backend's connection */
    ud_meta_conn *next; /* the next idle connection, while idle */
    /* While bound to a thread (a transaction or a hold): */
    ud_meta *meta;            /* the store it is bound for */
    ud_meta_conn *bound_next; /* the thread's other bindings (other stores) */
    int hold_depth;
    bool in_transaction;
    bool gated; /* this transaction holds meta->write_gate */
};

struct ud_meta {
    const ud_meta_driver *backend;
    char *url;
    size_t pool_size;
    pthread_mutex_t lock;    /* guards idle and open_count, nothing else */
    pthread_cond_t returned; /* signalled when a connection goes idle or closes */
    ud_meta_conn *idle;
    size_t open_count; /* idle or checked out */
    pthread_mutex_t write_gate;
    ud_meta_queue *queue; /* write-behind (meta_queue.c); NULL until started */
    ud_meta_cache *cache; /* credential reads (meta_cache.c) */
};

/* The credential cache's life and the store's hooks into it (meta_cache.h):
 * every committed change that alters what a credential of the organization
 * may do calls ud_meta_cache_forget_org before it returns. */
ud_meta_cache *ud_meta_cache_new(void);
void ud_meta_cache_free(ud_meta_cache *cache);
void ud_meta_cache_forget_org(ud_meta *meta, const char *org_id);
void ud_meta_cache_forget_all(ud_meta *meta);
/* Keeps a cached key's last_used_at in step with ud_meta_apikey_touch. */
void ud_meta_cache_note_touch(ud_meta *meta, const char *key_id, int64_t when);

/* Binds a connection of the pool to the calling thread until the matching
 * ud_meta_unhold; holds nest. UD_EAGAIN when every connection stays busy
 * past the pool's wait. */
int ud_meta_hold(ud_meta *meta) UD_MUST_CHECK;
void ud_meta_unhold(ud_meta *meta);

/* Runs a statement now, or queues it for the write-behind thread when the
 * store's queue runs (meta_queue.h). `coalesce` (may be NULL) names what
 * the statement sets: a queued statement with the same name is replaced
 * instead of a second one queued (a key's last_used_at). Params are
 * copied. */
int ud_meta_sql_run_later(ud_meta *meta, const char *sql, const char *const *params,
                          size_t param_count, const char *coalesce) UD_MUST_CHECK;

/* The first statement of a transaction that counts an organization's rows
 * before adding one ($1 the org): on PostgreSQL it locks the org's row
 * until the commit, so a concurrent transaction counts after this one; on
 * SQLite the write transaction is exclusive already. */
#define UD_META_LOCK_ORG "UPDATE organizations SET updated_at = updated_at WHERE id = $1"

/* Runs a query and materialises its rows in the arena. */
int ud_meta_sql_query(ud_sql_rows *out, ud_meta *meta, ud_arena *arena, const char *sql,
                      const char *const *params, size_t param_count) UD_MUST_CHECK;
/* Runs a statement whose rows (if any) are not needed. */
int ud_meta_sql_run(ud_meta *meta, const char *sql, const char *const *params,
                    size_t param_count) UD_MUST_CHECK;
/* Hands the rows of a query to fn one at a time (meta_backend.h). */
int ud_meta_sql_each(ud_meta *meta, const char *sql, const char *const *params, size_t param_count,
                     ud_sql_row_fn fn, void *payload) UD_MUST_CHECK;
/* Runs statements without parameters or results (DDL). */
int ud_meta_sql_exec(ud_meta *meta, const char *sql) UD_MUST_CHECK;
/* Starts a write transaction on a connection bound to the calling thread
 * (see above); a second begin on the same thread and store is UD_EINVAL. */
int ud_meta_sql_begin(ud_meta *meta) UD_MUST_CHECK;
/* Commits and gives the connection back. A failed commit is rolled back
 * here, so the transaction is over either way. */
int ud_meta_sql_commit(ud_meta *meta) UD_MUST_CHECK;
/* Rolls back after a failure, keeping the failure's message; nothing when
 * no transaction is open (a failed commit already ended it). */
void ud_meta_sql_rollback(ud_meta *meta);

/* Runs a "SELECT COUNT(*) ... WHERE x = $1" style query with org_id as $1;
 * 0 for an id that is not a UUID. */
int ud_meta_sql_count(ud_meta *meta, const char *sql, const char *org_id,
                      int64_t *out) UD_MUST_CHECK;
/* Runs an UPDATE or DELETE ... RETURNING; UD_ENOTFOUND
 * ("no <what> '<id>'") when it changed no row. */
int ud_meta_sql_change_one(ud_meta *meta, const char *sql, const char *const *params, size_t count,
                           const char *what, const char *id) UD_MUST_CHECK;
/* A cell as an integer; if_null for SQL NULL. */
int64_t ud_meta_sql_int(const char *cell, int64_t if_null);
/* Decimal text of a value, for a parameter (24 bytes). */
void ud_meta_sql_format_int(char out[24], int64_t value);
/* True for the canonical 8-4-4-4-12 hex form. Ids that are not UUIDs are
 * answered with "not found" before they reach the database (PostgreSQL would
 * reject them with a type error). */
bool ud_meta_is_uuid(const char *id);

#endif
