/*
 * The credential read cache of the metadata store: what authenticating a
 * request reads (an API key by its hash, a token's user by id, their
 * organization) kept in memory for a short time, so that an authenticated
 * request costs no SQL. Only the server's authentication reads through it
 * (server/auth.c); every other reader reads the database.
 *
 * Freshness: the store's own writes that change what a credential may do
 * (a key revoked; a user's role, groups, settings, password or removal; an
 * organization's status, plan, settings or removal) drop the cached rows
 * of that organization before they return, so in this process the very
 * next request sees the change. A change made by another process (another
 * server on the same PostgreSQL, the CLI) is seen once the entry expires:
 * staleness is bounded by auth_cache_seconds (docs/security.md).
 */
#ifndef UD_STORE_META_CACHE_H
#define UD_STORE_META_CACHE_H

#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "store/meta.h"
#include "store/meta_credentials.h"

#define UD_META_CACHE_DEFAULT_SECONDS 30

/* How long a row stays cached (0: nothing is cached, every call reads the
 * database). Set before the store is shared by threads. */
void ud_meta_cache_set_seconds(ud_meta *meta, int64_t seconds);

/* As ud_meta_apikey_find, ud_meta_org_get and ud_meta_user_get, read from
 * the cache when a fresh copy is there; the row is copied into `arena`
 * either way. A row that is not found is not cached. A user comes without
 * its password hash (NULL), which is never kept in the cache. */
int ud_meta_apikey_find_cached(ud_apikey_row *out, ud_meta *meta, ud_arena *arena,
                               const char *key_hash) UD_MUST_CHECK;
int ud_meta_org_get_cached(ud_org *out, ud_meta *meta, ud_arena *arena,
                           const char *id) UD_MUST_CHECK;
int ud_meta_user_get_cached(ud_user *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                            const char *id) UD_MUST_CHECK;

#endif
