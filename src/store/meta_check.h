/*
 * The metadata store's own consistency, for `unify check`: the database
 * file's integrity (SQLite), its foreign keys, and the invariants the
 * store keeps between its tables (every chunk has its document, in the
 * same organization; each document's chunk_count is its number of chunk
 * rows), which PostgreSQL enforces in part only and an operator's manual
 * edit may break on either. Also the per-organization counts the index is
 * compared with.
 */
#ifndef UD_STORE_META_CHECK_H
#define UD_STORE_META_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "store/meta.h"

/* Called with one line per problem found. */
typedef void (*ud_meta_check_fn)(const char *message, void *payload);

/* Checks the whole store, reporting each problem to fn; *out_problems is
 * their number. Returns an error only when the checks cannot run (the
 * database cannot be queried). */
int ud_meta_check(size_t *out_problems, ud_meta *meta, ud_meta_check_fn fn,
                  void *payload) UD_MUST_CHECK;

typedef struct ud_meta_check_counts {
    int64_t documents;
    int64_t documents_with_chunks; /* what the index holds: chunkless documents have no entry */
    int64_t chunks;
} ud_meta_check_counts;

/* The organization's documents and chunks in the store. */
int ud_meta_check_counts_of(ud_meta_check_counts *out, ud_meta *meta,
                            const char *org_id) UD_MUST_CHECK;

#endif
