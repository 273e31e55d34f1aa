/*
 * What the files of the metadata store share and nothing outside src/store
 * sees: the handle's layout and the SQL plumbing (materialised queries,
 * statements, transactions, cell conversions). meta.c holds the schema,
 * organizations, users and documents; each other meta_*.c file holds the
 * queries of one area (API keys, sessions, history, audit log, settings).
 *
 * Locking: every public ud_meta_* function takes meta->lock for its whole
 * duration; the helpers below never lock, so they are called with it held.
 */
#ifndef UD_STORE_META_INTERNAL_H
#define UD_STORE_META_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/meta.h"
#include "store/meta_backend.h"

struct ud_meta {
    const ud_meta_driver *backend;
    void *conn;
    pthread_mutex_t lock; /* guards conn */
};

/* Runs a query and materialises its rows in the arena. */
int ud_meta_sql_query(ud_sql_rows *out, ud_meta *meta, ud_arena *arena, const char *sql,
                      const char *const *params, size_t param_count) UD_MUST_CHECK;
/* Runs a statement whose rows (if any) are not needed. */
int ud_meta_sql_run(ud_meta *meta, const char *sql, const char *const *params,
                    size_t param_count) UD_MUST_CHECK;
int ud_meta_sql_begin(ud_meta *meta) UD_MUST_CHECK;
int ud_meta_sql_commit(ud_meta *meta) UD_MUST_CHECK;
/* Rolls back after a failure, keeping the failure's message. */
void ud_meta_sql_rollback(ud_meta *meta);

/* Runs a "SELECT COUNT(*) ... WHERE x = $1" style query with org_id as $1
 * and takes its lock; 0 for an id that is not a UUID. */
int ud_meta_sql_count(ud_meta *meta, const char *sql, const char *org_id,
                      int64_t *out) UD_MUST_CHECK;
/* Runs an UPDATE or DELETE ... RETURNING under the lock; UD_ENOTFOUND
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
