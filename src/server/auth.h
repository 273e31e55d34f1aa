/*
 * Who is calling, and what they may do. A request carries either an access
 * token (a JWT this server signed at login, `Authorization: Bearer eyJ...`)
 * or an API key (`Authorization: Bearer sk_live_...`, or `X-API-Key`). The
 * credential alone names the organization: nothing in the request body or
 * path can move a caller into another one.
 *
 * Roles (users) and permissions (keys) map onto the access levels that
 * routes declare:
 *   search  viewer, user, admin; keys with "search"
 *   ask     user, admin; keys with "ask"
 *   own     user, admin: their own history, saved searches and settings;
 *           never a viewer (search only) nor a key
 *   admin   admin; keys with "admin"
 */
#ifndef UD_SERVER_AUTH_H
#define UD_SERVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/crypto.h"
#include "base/error.h"
#include "server/http.h"
#include "store/meta.h"

typedef enum ud_access {
    UD_ACCESS_PUBLIC = 0, /* no credential needed (health, login, refresh, signed links) */
    UD_ACCESS_SEARCH,
    UD_ACCESS_ASK,
    UD_ACCESS_OWN,
    UD_ACCESS_ADMIN,
} ud_access;

/* The caller of one request; strings live in the request arena. */
typedef struct ud_caller {
    const char *org_id;
    const char *org_slug;
    const char *plan;
    const char *user_id;    /* the user, or the key's creator (NULL if removed) */
    const char *api_key_id; /* NULL for a user */
    const char *email;      /* NULL for a key */
    const char *role;       /* admin | user | viewer; "key" for an API key */
    bool can_search, can_ask, can_own, can_admin;
    /* ACL principals of the caller's searches: email, groups, "org:*". */
    const char **principals;
    size_t principal_count;
    const char *settings_json;     /* the user's settings ("{}" for a key) */
    const char *org_settings_json; /* the organization's settings */
    const char *actor;             /* for the audit log: "user:<email>" or "key:<id>" */
    const char *limit_id;          /* whose rate limits and quotas: user id or key id */
} ud_caller;

/* What verifies credentials. Keys are derived from the configured secret,
 * one per purpose, so a token signature can never serve as a link one. */
typedef struct ud_auth {
    ud_meta *meta;
    uint8_t token_key[UD_SHA256_LEN]; /* HS256 key of access tokens */
    uint8_t link_key[UD_SHA256_LEN];  /* HMAC key of raw-document links */
    const char *issuer;               /* "unify" */
    int64_t access_ttl;               /* seconds */
    int64_t refresh_ttl;              /* seconds */
} ud_auth;

#define UD_AUTH_ISSUER "unify"
#define UD_APIKEY_PREFIX "sk_live_"
/* sk_live_ and base62 of 32 random bytes (43 characters). */
#define UD_APIKEY_MAX_LEN 64
/* A refresh token: base64url of 32 random bytes. */
#define UD_REFRESH_TOKEN_LEN 43

/* Derives the keys from `secret` (at least 32 bytes). UD_EINVAL if the
 * secret is shorter. */
int ud_auth_init(ud_auth *out, ud_meta *meta, const char *secret, int64_t access_ttl,
                 int64_t refresh_ttl) UD_MUST_CHECK;

/* Reads and checks the request's credential. UD_EAUTH when there is none or
 * it is malformed, badly signed, expired, revoked, or names a user or key
 * that no longer exists; UD_EFORBIDDEN when the organization is suspended
 * or cancelled. API keys have their last_used_at updated (at most once a
 * minute, behind the request). Keys, users and organizations are read
 * through the store's credential cache (store/meta_cache.h): this
 * process's revocations, role changes, removals and suspensions apply to
 * the next request; another process's within auth_cache_seconds. */
int ud_auth_authenticate(ud_caller *out, const ud_auth *auth, const ud_http_request *req,
                         int64_t now) UD_MUST_CHECK;

/* The caller of a user's own credential (used at login and by the CLI). */
int ud_auth_caller_of_user(ud_caller *out, const ud_auth *auth, ud_arena *arena,
                           const ud_user *user, const ud_org *org) UD_MUST_CHECK;

/* 0 if the caller may use a route of this access level, else UD_EFORBIDDEN
 * saying what is missing. */
int ud_auth_allows(const ud_caller *caller, ud_access access) UD_MUST_CHECK;

/* A signed access token for the user (malloc'd; the caller frees it). */
int ud_auth_issue_access(char **out, const ud_auth *auth, const ud_user *user,
                         int64_t now) UD_MUST_CHECK;

/* A new random refresh token and the hash that is stored in its place. */
int ud_auth_new_refresh(char out_token[UD_REFRESH_TOKEN_LEN + 1],
                        char out_hash[UD_SHA256_HEX_LEN + 1]) UD_MUST_CHECK;

/* A new API key, its stored hash and its display prefix (10 characters). */
int ud_auth_new_apikey(char out_key[UD_APIKEY_MAX_LEN + 1], char out_hash[UD_SHA256_HEX_LEN + 1],
                       char out_prefix[11]) UD_MUST_CHECK;

/* The SHA-256 (hex) under which a secret (key or refresh token) is stored. */
void ud_auth_hash_secret(char out[UD_SHA256_HEX_LEN + 1], const char *secret, size_t len);

/* Parses a key's permissions object: {"search": bool, "ask": bool,
 * "admin": bool}; absent names are false, an admin key may do everything.
 * UD_EINVAL for anything else. */
int ud_auth_parse_permissions(bool *out_search, bool *out_ask, bool *out_admin,
                              const char *permissions_json) UD_MUST_CHECK;

#endif
