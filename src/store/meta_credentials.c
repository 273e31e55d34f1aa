/*
 * API keys and refresh tokens in the metadata store (meta_credentials.h).
 * Lookups are by hash; every change names the organization (keys) or runs
 * in a transaction that decides on the row it read (rotation), so two
 * requests presenting the same refresh token cannot both succeed.
 */
#include "store/meta_credentials.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "store/meta_internal.h"
#include "store/meta_queue.h"

/* ---- API keys ------------------------------------------------------------ */

#define KEY_COLUMNS                                                                                \
    "id, org_id, name, key_prefix, permissions, created_by, ud_epoch(last_used_at), "              \
    "ud_epoch(expires_at), ud_epoch(revoked_at), ud_epoch(created_at)"

static void key_from_row(ud_apikey_row *out, const ud_sql_rows *rows, size_t row)
{
    const char *const *c = &rows->cells[row * rows->columns];
    *out = (ud_apikey_row){
        .id = c[0],
        .org_id = c[1],
        .name = c[2],
        .key_prefix = c[3],
        .permissions_json = c[4] ? c[4] : "{}",
        .created_by = c[5],
        .last_used_at = ud_meta_sql_int(c[6], 0),
        .expires_at = ud_meta_sql_int(c[7], 0),
        .revoked_at = ud_meta_sql_int(c[8], 0),
        .created_at = ud_meta_sql_int(c[9], 0),
    };
}

static bool is_hash(const char *hash)
{
    if (!hash || strlen(hash) != UD_SHA256_HEX_LEN)
        return false;
    return strspn(hash, "0123456789abcdef") == UD_SHA256_HEX_LEN;
}

int ud_meta_apikey_create(ud_apikey_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                          const char *name, const char *key_hash, const char *key_prefix,
                          const char *permissions_json, int64_t expires_at, const char *created_by)
{
    if (!ud_meta_is_uuid(org_id))
        return ud_error_set(UD_EINVAL, "unknown organization '%s'", org_id ? org_id : "");
    if (!name || !name[0] || strlen(name) > 255)
        return ud_error_set(UD_EINVAL, "an API key needs a name of 1-255 bytes");
    if (!is_hash(key_hash) || !key_prefix || strlen(key_prefix) > 10)
        return ud_error_set(UD_EINVAL, "an API key is stored as its SHA-256 and a short prefix");
    if (created_by && !ud_meta_is_uuid(created_by))
        return ud_error_set(UD_EINVAL, "unknown creator '%s'", created_by);
    char id[UD_UUID_LEN + 1], now[24], expires[24];
    int rc = ud_uuid_v4(id);
    if (rc < 0)
        return rc;
    ud_meta_sql_format_int(now, ud_now());
    ud_meta_sql_format_int(expires, expires_at);
    const char *params[] = {id,         org_id,     name,
                            key_hash,   key_prefix, permissions_json,
                            created_by, now,        expires_at ? expires : NULL};
    rc = ud_meta_sql_run(meta,
                         "INSERT INTO api_keys (id, org_id, name, key_hash, key_prefix, "
                         "permissions, created_by, created_at, expires_at) VALUES ($1, $2, $3, "
                         "$4, $5, $6, $7, to_timestamp($8), to_timestamp($9))",
                         params, 9);
    ud_sql_rows rows = {0};
    if (rc == 0)
        rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT " KEY_COLUMNS " FROM api_keys WHERE id = $1", params, 1);
    if (rc < 0)
        return rc;
    if (rows.count != 1)
        return ud_error_set(UD_EIO, "the new API key was not found after insertion");
    key_from_row(out, &rows, 0);
    return 0;
}

int ud_meta_apikey_find(ud_apikey_row *out, ud_meta *meta, ud_arena *arena, const char *key_hash)
{
    if (!is_hash(key_hash))
        return ud_error_set(UD_ENOTFOUND, "no such API key");
    const char *params[] = {key_hash};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(
        &rows, meta, arena, "SELECT " KEY_COLUMNS " FROM api_keys WHERE key_hash = $1", params, 1);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_ENOTFOUND, "no such API key");
    key_from_row(out, &rows, 0);
    return 0;
}

int ud_meta_apikey_list(ud_apikey_row **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                        const char *org_id)
{
    ud_meta_queue_flush(meta); /* last_used_at as this process last wrote it */
    *out = NULL;
    *out_count = 0;
    if (!ud_meta_is_uuid(org_id))
        return 0;
    const char *params[] = {org_id};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT " KEY_COLUMNS " FROM api_keys WHERE org_id = $1 "
                               "ORDER BY created_at DESC, id",
                               params, 1);
    if (rc < 0)
        return rc;
    ud_apikey_row *keys = ud_arena_alloc(arena, (rows.count ? rows.count : 1) * sizeof(*keys));
    for (size_t i = 0; i < rows.count; i++)
        key_from_row(&keys[i], &rows, i);
    *out = keys;
    *out_count = rows.count;
    return 0;
}

int ud_meta_apikey_revoke(ud_meta *meta, const char *org_id, const char *id, int64_t when)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no API key '%s'", id ? id : "");
    char at[24];
    ud_meta_sql_format_int(at, when);
    const char *params[] = {id, org_id, at};
    int rc = ud_meta_sql_change_one(
        meta,
        "UPDATE api_keys SET revoked_at = to_timestamp($3) WHERE id = $1 AND "
        "org_id = $2 AND revoked_at IS NULL RETURNING id",
        params, 3, "active API key", id);
    if (rc == 0)
        ud_meta_cache_forget_org(meta, org_id);
    return rc;
}

int ud_meta_apikey_touch(ud_meta *meta, const char *id, int64_t when)
{
    if (!ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no API key '%s'", id ? id : "");
    char at[24];
    ud_meta_sql_format_int(at, when);
    const char *params[] = {id, at};
    /* A hint for people, written behind the request (coalesced per key);
     * a key removed meanwhile simply has nothing to update. */
    char coalesce[UD_UUID_LEN + 16];
    snprintf(coalesce, sizeof(coalesce), "apikey_touch:%s", id);
    ud_meta_cache_note_touch(meta, id, when);
    return ud_meta_sql_run_later(
        meta, "UPDATE api_keys SET last_used_at = to_timestamp($2) WHERE id = $1", params, 2,
        coalesce);
}

/* ---- refresh tokens ------------------------------------------------------- */

int ud_meta_refresh_create(ud_meta *meta, const char *user_id, const char *org_id,
                           const char *token_hash, int64_t expires_at)
{
    if (!ud_meta_is_uuid(user_id) || !ud_meta_is_uuid(org_id) || !is_hash(token_hash))
        return ud_error_set(UD_EINVAL, "a refresh token needs a user, an org and a hash");
    char id[UD_UUID_LEN + 1], family[UD_UUID_LEN + 1], expires[24], now[24];
    int rc = ud_uuid_v4(id);
    if (rc == 0)
        rc = ud_uuid_v4(family);
    if (rc < 0)
        return rc;
    ud_meta_sql_format_int(expires, expires_at);
    ud_meta_sql_format_int(now, ud_now());
    const char *params[] = {id, family, user_id, org_id, token_hash, expires, now};
    rc = ud_meta_sql_run(meta,
                         "INSERT INTO refresh_tokens (id, family_id, user_id, org_id, token_hash, "
                         "expires_at, created_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6), "
                         "to_timestamp($7))",
                         params, 7);
    return rc;
}

#define REFRESH_COLUMNS                                                                            \
    "id, family_id, user_id, org_id, ud_epoch(expires_at), ud_epoch(used_at), "                    \
    "ud_epoch(revoked_at)"

static int revoke_family(ud_meta *meta, const char *family_id, const char *now)
{
    const char *params[] = {family_id, now};
    return ud_meta_sql_run(meta,
                           "UPDATE refresh_tokens SET revoked_at = to_timestamp($2) "
                           "WHERE family_id = $1 AND revoked_at IS NULL",
                           params, 2);
}

/* The body of rotation, in its transaction. Returns 1 for a replay whose
 * revocation must be committed before UD_EAUTH is returned. */
static int rotate_locked(ud_refresh_row *out, ud_meta *meta, ud_arena *arena, const char *old_hash,
                         const char *new_hash, int64_t new_expires, int64_t now)
{
    const char *find[] = {old_hash};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(
        &rows, meta, arena, "SELECT " REFRESH_COLUMNS " FROM refresh_tokens WHERE token_hash = $1",
        find, 1);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_EAUTH, "unknown refresh token");
    const char *const *c = rows.cells;
    char now_text[24], expires[24], id[UD_UUID_LEN + 1];
    ud_meta_sql_format_int(now_text, now);
    if (c[6])
        return ud_error_set(UD_EAUTH, "the refresh token was revoked");
    if (c[5]) {
        rc = revoke_family(meta, c[1], now_text);
        return rc < 0 ? rc : 1;
    }
    if (ud_meta_sql_int(c[4], 0) <= now)
        return ud_error_set(UD_EAUTH, "the refresh token has expired");
    /* Conditional, so that of two requests racing with one token (two
     * processes on PostgreSQL) the second finds it used: a replay. */
    const char *used[] = {c[0], now_text};
    ud_sql_rows marked;
    rc = ud_meta_sql_query(&marked, meta, arena,
                           "UPDATE refresh_tokens SET used_at = to_timestamp($2) WHERE id = $1 "
                           "AND used_at IS NULL AND revoked_at IS NULL RETURNING id",
                           used, 2);
    if (rc == 0 && marked.count == 0) {
        rc = revoke_family(meta, c[1], now_text);
        return rc < 0 ? rc : 1;
    }
    if (rc == 0)
        rc = ud_uuid_v4(id);
    ud_meta_sql_format_int(expires, new_expires);
    const char *next[] = {id, c[1], c[2], c[3], new_hash, expires, now_text};
    if (rc == 0)
        rc = ud_meta_sql_run(meta,
                             "INSERT INTO refresh_tokens (id, family_id, user_id, org_id, "
                             "token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, "
                             "to_timestamp($6), to_timestamp($7))",
                             next, 7);
    if (rc == 0)
        *out = (ud_refresh_row){.id = ud_arena_strdup(arena, id),
                                .family_id = c[1],
                                .user_id = c[2],
                                .org_id = c[3],
                                .expires_at = new_expires};
    return rc;
}

int ud_meta_refresh_rotate(ud_refresh_row *out, ud_meta *meta, ud_arena *arena,
                           const char *old_hash, const char *new_hash, int64_t new_expires,
                           int64_t now)
{
    if (!is_hash(old_hash))
        return ud_error_set(UD_EAUTH, "unknown refresh token");
    if (!is_hash(new_hash))
        return ud_error_set(UD_EINVAL, "the next refresh token needs a hash");
    int rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        rc = rotate_locked(out, meta, arena, old_hash, new_hash, new_expires, now);
        if (rc >= 0) {
            int committed = ud_meta_sql_commit(meta);
            if (committed < 0)
                rc = committed;
            else if (rc == 1)
                rc = ud_error_set(UD_EAUTH, "the refresh token was used already; every token of "
                                            "its session is revoked");
        } else {
            int code = rc;
            ud_meta_sql_rollback(meta);
            rc = code;
        }
    }
    return rc;
}

int ud_meta_refresh_revoke(ud_refresh_row *out, ud_meta *meta, ud_arena *arena,
                           const char *token_hash, int64_t now)
{
    if (!is_hash(token_hash))
        return ud_error_set(UD_EAUTH, "unknown refresh token");
    const char *find[] = {token_hash};
    char now_text[24];
    ud_meta_sql_format_int(now_text, now);
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(
        &rows, meta, arena, "SELECT " REFRESH_COLUMNS " FROM refresh_tokens WHERE token_hash = $1",
        find, 1);
    if (rc == 0 && rows.count == 0)
        rc = ud_error_set(UD_EAUTH, "unknown refresh token");
    if (rc == 0)
        rc = revoke_family(meta, ud_sql_cell(&rows, 0, 1), now_text);
    if (rc == 0 && out)
        *out = (ud_refresh_row){.id = ud_sql_cell(&rows, 0, 0),
                                .family_id = ud_sql_cell(&rows, 0, 1),
                                .user_id = ud_sql_cell(&rows, 0, 2),
                                .org_id = ud_sql_cell(&rows, 0, 3),
                                .expires_at = ud_meta_sql_int(ud_sql_cell(&rows, 0, 4), 0)};
    return rc;
}

int ud_meta_refresh_revoke_user(ud_meta *meta, const char *user_id, int64_t now)
{
    if (!ud_meta_is_uuid(user_id))
        return 0;
    char now_text[24];
    ud_meta_sql_format_int(now_text, now);
    const char *params[] = {user_id, now_text};
    int rc = ud_meta_sql_run(meta,
                             "UPDATE refresh_tokens SET revoked_at = to_timestamp($2) "
                             "WHERE user_id = $1 AND revoked_at IS NULL",
                             params, 2);
    return rc;
}
