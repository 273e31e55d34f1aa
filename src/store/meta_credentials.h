/*
 * Stored credentials: API keys and refresh tokens. Neither is ever stored
 * itself, only its SHA-256 (hex), so a copy of the database opens nothing.
 * The raw secrets are made and hashed by src/server/credentials.c.
 *
 * Rows are allocated in the caller's arena; timestamps are Unix seconds
 * (0 = NULL).
 */
#ifndef UD_STORE_META_CREDENTIALS_H
#define UD_STORE_META_CREDENTIALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

typedef struct ud_meta ud_meta;

typedef struct ud_apikey_row {
    const char *id;
    const char *org_id;
    const char *name;
    const char *key_prefix; /* the first characters of the key, for people to tell keys apart */
    const char *permissions_json; /* {"search": true, "admin": false} */
    const char *created_by;       /* user id, NULL if that user was removed */
    int64_t last_used_at;
    int64_t expires_at; /* 0 = never */
    int64_t revoked_at; /* 0 = not revoked */
    int64_t created_at;
} ud_apikey_row;

/* Records a new key of the organization. key_hash: 64 hex characters. */
int ud_meta_apikey_create(ud_apikey_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                          const char *name, const char *key_hash, const char *key_prefix,
                          const char *permissions_json, int64_t expires_at,
                          const char *created_by) UD_MUST_CHECK;
/* The key with this hash in any organization (authentication starts from
 * the key alone), revoked or not: the caller decides. UD_ENOTFOUND if none. */
int ud_meta_apikey_find(ud_apikey_row *out, ud_meta *meta, ud_arena *arena,
                        const char *key_hash) UD_MUST_CHECK;
/* The organization's keys, newest first. */
int ud_meta_apikey_list(ud_apikey_row **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                        const char *org_id) UD_MUST_CHECK;
/* Marks the key revoked; UD_ENOTFOUND if it is not a key of this org or is
 * revoked already. */
int ud_meta_apikey_revoke(ud_meta *meta, const char *org_id, const char *id,
                          int64_t when) UD_MUST_CHECK;
/* Records the key's use at `when`: written behind the request when the
 * write-behind queue runs (meta_queue.h), at once otherwise; an unknown key
 * has nothing to update. */
int ud_meta_apikey_touch(ud_meta *meta, const char *id, int64_t when) UD_MUST_CHECK;

typedef struct ud_refresh_row {
    const char *id;
    const char *family_id;
    const char *user_id;
    const char *org_id;
    int64_t expires_at;
} ud_refresh_row;

/* Starts a family with its first token (at login). */
int ud_meta_refresh_create(ud_meta *meta, const char *user_id, const char *org_id,
                           const char *token_hash, int64_t expires_at) UD_MUST_CHECK;

/* Rotation, in one transaction: the token with old_hash must be current
 * (not used, not revoked, not expired at `now`); it is marked used and
 * new_hash becomes the family's current token, expiring at new_expires.
 * *out describes the family. A token that was used already is a replay:
 * the whole family is revoked (and stays so) and UD_EAUTH returned. An
 * unknown, revoked or expired token: UD_EAUTH. */
int ud_meta_refresh_rotate(ud_refresh_row *out, ud_meta *meta, ud_arena *arena,
                           const char *old_hash, const char *new_hash, int64_t new_expires,
                           int64_t now) UD_MUST_CHECK;
/* Revokes the family of the token with this hash (logout); UD_EAUTH if no
 * such token. *out (may be NULL) receives the family's user. */
int ud_meta_refresh_revoke(ud_refresh_row *out, ud_meta *meta, ud_arena *arena,
                           const char *token_hash, int64_t now) UD_MUST_CHECK;
/* Revokes every family of a user (role change, password change). */
int ud_meta_refresh_revoke_user(ud_meta *meta, const char *user_id, int64_t now) UD_MUST_CHECK;

#endif
