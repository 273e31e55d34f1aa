/*
 * Credentials in and callers out (auth.h). Every path that fails says why
 * in the message but answers with the same code, so a probe learns only
 * "unauthorized". Lookups go through the store with the organization that
 * the credential itself carries, read through its credential cache
 * (store/meta_cache.h), so an authenticated request usually costs no SQL.
 */
#include "server/auth.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/encoding.h"
#include "base/jwt.h"
#include "base/log.h"
#include "doc/acl.h"
#include "store/meta_cache.h"
#include "store/meta_credentials.h"

/* last_used_at is written at most this often per key: it is a hint for
 * people; the write goes through the store's write-behind queue. */
#define KEY_TOUCH_SECONDS 60

static void derive(uint8_t out[UD_SHA256_LEN], const char *secret, const char *purpose)
{
    ud_hmac_sha256(out, secret, strlen(secret), purpose, strlen(purpose));
}

int ud_auth_init(ud_auth *out, ud_meta *meta, const char *secret, int64_t access_ttl,
                 int64_t refresh_ttl)
{
    if (!secret || strlen(secret) < 32)
        return ud_error_set(UD_EINVAL, "secret_key must be at least 32 characters (run `unify "
                                       "init`, or set UNIFY_SECRET_KEY)");
    memset(out, 0, sizeof(*out));
    out->meta = meta;
    derive(out->token_key, secret, "unify access tokens v1");
    derive(out->link_key, secret, "unify raw links v1");
    out->issuer = UD_AUTH_ISSUER;
    out->access_ttl = access_ttl;
    out->refresh_ttl = refresh_ttl;
    return 0;
}

void ud_auth_hash_secret(char out[UD_SHA256_HEX_LEN + 1], const char *secret, size_t len)
{
    ud_sha256_hex(out, secret, len);
}

int ud_auth_parse_permissions(bool *out_search, bool *out_ask, bool *out_admin,
                              const char *permissions_json)
{
    json_t *perms = permissions_json ? json_loads(permissions_json, 0, NULL) : NULL;
    int rc = 0;
    bool search = false, ask = false, admin = false;
    if (!json_is_object(perms)) {
        rc = ud_error_set(UD_EINVAL, "permissions must be a JSON object");
        goto done;
    }
    const char *name;
    json_t *value;
    json_object_foreach(perms, name, value)
    {
        if (!json_is_boolean(value)) {
            rc = ud_error_set(UD_EINVAL, "permission '%s' must be true or false", name);
            goto done;
        }
        if (strcmp(name, "search") == 0)
            search = json_is_true(value);
        else if (strcmp(name, "ask") == 0)
            ask = json_is_true(value);
        else if (strcmp(name, "admin") == 0)
            admin = json_is_true(value);
        else {
            rc = ud_error_set(UD_EINVAL, "unknown permission '%s' (search, ask, admin)", name);
            goto done;
        }
    }
    *out_search = search || ask || admin;
    *out_ask = ask || admin;
    *out_admin = admin;
done:
    json_decref(perms);
    return rc;
}

/* The organization must exist and be active. */
static int load_active_org(ud_org *out, ud_meta *meta, ud_arena *arena, const char *org_id)
{
    int rc = ud_meta_org_get_cached(out, meta, arena, org_id);
    if (rc == UD_ENOTFOUND)
        return ud_error_set(UD_EAUTH, "the credential's organization no longer exists");
    if (rc < 0)
        return rc;
    if (strcmp(out->status, "active") != 0)
        return ud_error_set(UD_EFORBIDDEN, "the organization is %s", out->status);
    return 0;
}

int ud_auth_caller_of_user(ud_caller *out, const ud_auth *auth, ud_arena *arena,
                           const ud_user *user, const ud_org *org)
{
    (void)auth;
    const char **principals = NULL;
    size_t n = 0;
    int rc = ud_meta_user_principals(&principals, &n, arena, user);
    if (rc < 0)
        return rc;
    bool admin = strcmp(user->role, "admin") == 0;
    bool member = admin || strcmp(user->role, "user") == 0;
    *out = (ud_caller){
        .org_id = org->id,
        .org_slug = org->slug,
        .plan = org->plan,
        .user_id = user->id,
        .email = user->email,
        .role = user->role,
        .can_search = true,
        .can_ask = member,
        .can_own = member, /* a viewer searches only */
        .can_admin = admin,
        .principals = principals,
        .principal_count = n,
        .settings_json = user->settings_json ? user->settings_json : "{}",
        .org_settings_json = org->settings_json ? org->settings_json : "{}",
        .actor = ud_arena_sprintf(arena, "user:%s", user->email),
        .limit_id = user->id,
    };
    return 0;
}

static int caller_of_token(ud_caller *out, const ud_auth *auth, ud_arena *arena, ud_str token,
                           int64_t now)
{
    json_t *claims = NULL;
    int rc =
        ud_jwt_verify(&claims, token, auth->token_key, sizeof(auth->token_key), auth->issuer, now);
    if (rc < 0)
        return ud_error_prefix(UD_EAUTH, "invalid access token: ");
    const char *sub = json_string_value(json_object_get(claims, "sub"));
    const char *org_id = json_string_value(json_object_get(claims, "org"));
    char user_id[UD_UUID_LEN + 1] = "", org[UD_UUID_LEN + 1] = "";
    if (sub && org_id && strlen(sub) == UD_UUID_LEN && strlen(org_id) == UD_UUID_LEN) {
        memcpy(user_id, sub, sizeof(user_id));
        memcpy(org, org_id, sizeof(org));
    }
    json_decref(claims);
    if (!user_id[0])
        return ud_error_set(UD_EAUTH, "invalid access token: no user or organization");
    ud_org o;
    rc = load_active_org(&o, auth->meta, arena, org);
    if (rc < 0)
        return rc;
    /* The user is read again (through the store's credential cache, which
     * this process's changes invalidate at once): a removed user's token
     * stops working on the next request, and a changed role takes effect. */
    ud_user user;
    rc = ud_meta_user_get_cached(&user, auth->meta, arena, org, user_id);
    if (rc == UD_ENOTFOUND)
        return ud_error_set(UD_EAUTH, "the access token's user no longer exists");
    if (rc < 0)
        return rc;
    return ud_auth_caller_of_user(out, auth, arena, &user, &o);
}

static int caller_of_key(ud_caller *out, const ud_auth *auth, ud_arena *arena, ud_str key,
                         int64_t now)
{
    if (key.len > UD_APIKEY_MAX_LEN)
        return ud_error_set(UD_EAUTH, "invalid API key");
    char hash[UD_SHA256_HEX_LEN + 1];
    ud_auth_hash_secret(hash, key.ptr, key.len);
    ud_apikey_row row;
    int rc = ud_meta_apikey_find_cached(&row, auth->meta, arena, hash);
    if (rc == UD_ENOTFOUND)
        return ud_error_set(UD_EAUTH, "invalid API key");
    if (rc < 0)
        return rc;
    if (row.revoked_at)
        return ud_error_set(UD_EAUTH, "the API key was revoked");
    if (row.expires_at && row.expires_at <= now)
        return ud_error_set(UD_EAUTH, "the API key has expired");
    ud_org org;
    rc = load_active_org(&org, auth->meta, arena, row.org_id);
    if (rc < 0)
        return rc;
    bool search = false, ask = false, admin = false;
    if (ud_auth_parse_permissions(&search, &ask, &admin, row.permissions_json) < 0)
        return ud_error_set(UD_EAUTH, "the API key's permissions are unreadable");
    if (row.last_used_at + KEY_TOUCH_SECONDS <= now &&
        ud_meta_apikey_touch(auth->meta, row.id, now) < 0)
        UD_LOG(NULL, UD_LOG_WARN, "api key %s: cannot record its use: %s", row.id, ud_error_last());
    const char **principals = ud_arena_alloc(arena, sizeof(char *));
    principals[0] = UD_ACL_EVERYONE;
    *out = (ud_caller){
        .org_id = org.id,
        .org_slug = org.slug,
        .plan = org.plan,
        .user_id = row.created_by,
        .api_key_id = row.id,
        .role = "key",
        .can_search = search,
        .can_ask = ask,
        .can_own = false,
        .can_admin = admin,
        .principals = principals,
        .principal_count = 1,
        .settings_json = "{}",
        .org_settings_json = org.settings_json ? org.settings_json : "{}",
        .actor = ud_arena_sprintf(arena, "key:%s", row.id),
        .limit_id = row.id,
    };
    return 0;
}

int ud_auth_authenticate(ud_caller *out, const ud_auth *auth, const ud_http_request *req,
                         int64_t now)
{
    const char *header = ud_http_header(req, "Authorization");
    const char *api_key = ud_http_header(req, "X-API-Key");
    ud_str credential = {0};
    if (header) {
        if (strncasecmp(header, "Bearer ", 7) != 0)
            return ud_error_set(UD_EAUTH, "the Authorization header must be 'Bearer <token>'");
        credential = ud_str_trim(ud_str_from(header + 7));
    } else if (api_key) {
        credential = ud_str_trim(ud_str_from(api_key));
    } else {
        return ud_error_set(UD_EAUTH, "this route needs a credential: an access token from "
                                      "/v1/auth/login or an API key");
    }
    if (credential.len == 0)
        return ud_error_set(UD_EAUTH, "the credential is empty");
    size_t prefix = strlen(UD_APIKEY_PREFIX);
    if (credential.len > prefix && memcmp(credential.ptr, UD_APIKEY_PREFIX, prefix) == 0)
        return caller_of_key(out, auth, req->arena, credential, now);
    return caller_of_token(out, auth, req->arena, credential, now);
}

int ud_auth_allows(const ud_caller *caller, ud_access access)
{
    switch (access) {
    case UD_ACCESS_PUBLIC: return 0;
    case UD_ACCESS_SEARCH:
        if (caller->can_search)
            return 0;
        return ud_error_set(UD_EFORBIDDEN, "this credential may not search");
    case UD_ACCESS_ASK:
        if (caller->can_ask)
            return 0;
        return ud_error_set(UD_EFORBIDDEN, "asking questions needs the user or admin role "
                                           "(or a key with \"ask\")");
    case UD_ACCESS_OWN:
        if (caller->can_own)
            return 0;
        return ud_error_set(UD_EFORBIDDEN,
                            "this route is for signed-in users; API keys have no history or "
                            "settings");
    case UD_ACCESS_ADMIN:
        if (caller->can_admin)
            return 0;
        return ud_error_set(UD_EFORBIDDEN, "this route needs the admin role");
    }
    return ud_error_set(UD_EFORBIDDEN, "unknown access level");
}

int ud_auth_issue_access(char **out, const ud_auth *auth, const ud_user *user, int64_t now)
{
    char jti[UD_UUID_LEN + 1];
    int rc = ud_uuid_v4(jti);
    if (rc < 0)
        return rc;
    json_t *claims =
        json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "iss", auth->issuer, "sub", user->id, "org",
                  user->org_id, "role", user->role, "iat", (json_int_t)now, "exp",
                  (json_int_t)(now + auth->access_ttl), "jti", jti);
    if (!claims)
        return ud_error_set(UD_ENOMEM, "cannot build the token's claims");
    rc = ud_jwt_sign(out, claims, auth->token_key, sizeof(auth->token_key));
    json_decref(claims);
    return rc;
}

int ud_auth_new_refresh(char out_token[UD_REFRESH_TOKEN_LEN + 1],
                        char out_hash[UD_SHA256_HEX_LEN + 1])
{
    uint8_t bytes[32];
    int rc = ud_random_bytes(bytes, sizeof(bytes));
    if (rc == 0)
        rc = ud_base64_encode(out_token, UD_REFRESH_TOKEN_LEN + 1, bytes, sizeof(bytes),
                              UD_BASE64_URL | UD_BASE64_NOPAD);
    explicit_bzero(bytes, sizeof(bytes));
    if (rc < 0)
        return rc;
    ud_auth_hash_secret(out_hash, out_token, strlen(out_token));
    return 0;
}

int ud_auth_new_apikey(char out_key[UD_APIKEY_MAX_LEN + 1], char out_hash[UD_SHA256_HEX_LEN + 1],
                       char out_prefix[11])
{
    size_t prefix = strlen(UD_APIKEY_PREFIX);
    memcpy(out_key, UD_APIKEY_PREFIX, prefix);
    int rc = ud_base62_random(out_key + prefix, UD_APIKEY_MAX_LEN + 1 - prefix, 32);
    if (rc < 0)
        return rc;
    ud_auth_hash_secret(out_hash, out_key, strlen(out_key));
    snprintf(out_prefix, 11, "%.10s", out_key);
    return 0;
}
