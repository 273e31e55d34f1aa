/*
 * Sessions: login, refresh-token rotation and logout, and the caller's own
 * account (who am I, my settings).
 *
 * Login does the same work whether or not the email exists (an argon2id
 * verification against a dummy hash), answers every failure with the same
 * 401, and counts failures per account and per address (limits.h); a lock
 * is written to the audit log.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "server/api_routes.h"
#include "server/api_util.h"
#include "server/settings.h"
#include "store/meta_credentials.h"

#define MAX_EMAIL_BYTES 255
#define MAX_PASSWORD_BYTES 1024

/* The token pair of a login or a refresh. */
static int respond_tokens(ud_http_response *res, const ud_http_request *req,
                          const ud_api_context *ctx, const ud_user *user, const char *refresh)
{
    char *access = NULL;
    int rc = ud_auth_issue_access(&access, &ctx->auth, user, ud_now());
    if (rc < 0)
        return rc;
    json_t *out =
        json_pack("{s:s,s:s,s:I,s:s,s:I,s:{s:s,s:s,s:s,s:s}}", "access_token", access, "token_type",
                  "Bearer", "expires_in", (json_int_t)ctx->auth.access_ttl, "refresh_token",
                  refresh, "refresh_expires_in", (json_int_t)ctx->auth.refresh_ttl, "user", "id",
                  user->id, "email", user->email, "role", user->role, "org_id", user->org_id);
    free(access);
    return ud_http_respond_json(res, req, 200, out);
}

/* Emails are compared lower-case; the key of the login counters too. */
static char *lowercase(ud_arena *arena, const char *s)
{
    char *out = ud_arena_strdup(arena, s);
    for (char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return out;
}

static void record_failure(ud_api_context *ctx, const ud_http_request *req, const char *email,
                           const ud_user *user, const char *reason)
{
    ud_login_failure failure;
    if (ud_limits_login_failed(&failure, &ctx->limits, email, req->client_ip) < 0)
        UD_LOG(NULL, UD_LOG_ERROR, "login throttling: %s", ud_error_last());
    const char *org_id = user ? user->org_id : NULL;
    const char *actor = ud_arena_sprintf(req->arena, "ip:%s", req->client_ip);
    ud_api_audit(
        ctx, org_id, actor, "login_failed", email,
        json_pack("{s:s,s:I}", "reason", reason, "failures", (json_int_t)failure.account_failures));
    if (failure.account_locked)
        ud_api_audit(ctx, org_id, actor, "lockout", email,
                     json_pack("{s:s,s:I,s:I}", "scope", "account", "failures",
                               (json_int_t)failure.account_failures, "seconds",
                               (json_int_t)ctx->limits.lock_seconds));
    if (failure.address_locked)
        ud_api_audit(ctx, org_id, actor, "lockout", req->client_ip,
                     json_pack("{s:s,s:I,s:I}", "scope", "address", "failures",
                               (json_int_t)failure.address_failures, "seconds",
                               (json_int_t)ctx->limits.lock_seconds));
}

int ud_api_login(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    const char *email = NULL, *password = NULL;
    rc = ud_api_string_field(&email, body, "email", MAX_EMAIL_BYTES, true, req->arena);
    if (rc == 0)
        rc = ud_api_string_field(&password, body, "password", MAX_PASSWORD_BYTES, true, req->arena);
    json_decref(body);
    if (rc < 0)
        return rc;
    email = lowercase(req->arena, email);
    int64_t retry = 0;
    rc = ud_limits_login_check(&ctx->limits, email, req->client_ip, &retry);
    if (rc == UD_EAGAIN)
        ud_api_retry_after(res, req, retry);
    if (rc < 0)
        return rc;

    ud_user user;
    rc = ud_meta_user_get_by_email(&user, ctx->meta, req->arena, email);
    if (rc < 0 && rc != UD_ENOTFOUND)
        return rc;
    bool known = rc == 0;
    /* The same argon2id work for an unknown email as for a known one. */
    bool verified = ud_password_verify(known ? user.password_hash : ctx->dummy_hash, password);
    if (!known || !verified) {
        record_failure(ctx, req, email, known ? &user : NULL,
                       known ? "wrong password" : "unknown email");
        return ud_error_set(UD_EAUTH, "wrong email or password");
    }
    ud_org org;
    rc = ud_meta_org_get(&org, ctx->meta, req->arena, user.org_id);
    if (rc < 0)
        return rc;
    if (strcmp(org.status, "active") != 0)
        return ud_error_set(UD_EFORBIDDEN, "the organization is %s", org.status);
    if (ud_limits_login_succeeded(&ctx->limits, email) < 0)
        UD_LOG(NULL, UD_LOG_WARN, "login throttling: %s", ud_error_last());
    char refresh[UD_REFRESH_TOKEN_LEN + 1], hash[UD_SHA256_HEX_LEN + 1];
    int64_t now = ud_now();
    rc = ud_auth_new_refresh(refresh, hash);
    if (rc == 0)
        rc = ud_meta_refresh_create(ctx->meta, user.id, user.org_id, hash,
                                    now + ctx->auth.refresh_ttl);
    if (rc < 0)
        return rc;
    if (ud_meta_user_touch_login(ctx->meta, user.id, now) < 0)
        UD_LOG(NULL, UD_LOG_WARN, "last_login_at: %s", ud_error_last());
    ud_api_audit(ctx, user.org_id, ud_arena_sprintf(req->arena, "user:%s", user.email), "login", "",
                 json_pack("{s:s}", "address", req->client_ip));
    rc = respond_tokens(res, req, ctx, &user, refresh);
    explicit_bzero(refresh, sizeof(refresh));
    return rc;
}

/* The refresh token of a refresh or logout body. */
static int read_refresh_token(const char **out, const ud_http_request *req)
{
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    rc = ud_api_string_field(out, body, "refresh_token", 256, true, req->arena);
    json_decref(body);
    return rc;
}

int ud_api_refresh(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const char *presented = NULL;
    int rc = read_refresh_token(&presented, req);
    if (rc < 0)
        return rc;
    char old_hash[UD_SHA256_HEX_LEN + 1], next[UD_REFRESH_TOKEN_LEN + 1],
        next_hash[UD_SHA256_HEX_LEN + 1];
    ud_auth_hash_secret(old_hash, presented, strlen(presented));
    rc = ud_auth_new_refresh(next, next_hash);
    if (rc < 0)
        return rc;
    int64_t now = ud_now();
    ud_refresh_row family;
    rc = ud_meta_refresh_rotate(&family, ctx->meta, req->arena, old_hash, next_hash,
                                now + ctx->auth.refresh_ttl, now);
    if (rc == UD_EAUTH && strstr(ud_error_last(), "used already")) {
        /* A replay: someone holds a copy of a rotated token. */
        char message[256];
        snprintf(message, sizeof(message), "%s", ud_error_last());
        ud_api_audit(ctx, NULL, ud_arena_sprintf(req->arena, "ip:%s", req->client_ip),
                     "refresh_replay", "", json_pack("{s:s}", "address", req->client_ip));
        rc = ud_error_set(UD_EAUTH, "%s", message);
    }
    if (rc < 0)
        return rc;
    ud_user user;
    rc = ud_meta_user_get(&user, ctx->meta, req->arena, family.org_id, family.user_id);
    ud_org org;
    if (rc == 0)
        rc = ud_meta_org_get(&org, ctx->meta, req->arena, family.org_id);
    if (rc == UD_ENOTFOUND)
        return ud_error_set(UD_EAUTH, "the session's user no longer exists");
    if (rc < 0)
        return rc;
    if (strcmp(org.status, "active") != 0)
        return ud_error_set(UD_EFORBIDDEN, "the organization is %s", org.status);
    rc = respond_tokens(res, req, ctx, &user, next);
    explicit_bzero(next, sizeof(next));
    return rc;
}

int ud_api_logout(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const char *presented = NULL;
    int rc = read_refresh_token(&presented, req);
    if (rc < 0)
        return rc;
    char hash[UD_SHA256_HEX_LEN + 1];
    ud_auth_hash_secret(hash, presented, strlen(presented));
    rc = ud_meta_refresh_revoke(NULL, ctx->meta, req->arena, hash, ud_now());
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200, json_pack("{s:b}", "logged_out", 1));
}

int ud_api_me(ud_http_response *res, const ud_http_request *req, void *payload)
{
    (void)payload;
    const ud_caller *c = ud_api_caller(req);
    json_t *principals = json_array();
    for (size_t i = 0; i < c->principal_count; i++)
        json_array_append_new(principals, json_string(c->principals[i]));
    json_t *out = json_pack(
        "{s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:o,s:{s:b,s:b,s:b}}", "kind",
        c->api_key_id ? "api_key" : "user", "org_id", c->org_id, "org", c->org_slug, "user_id",
        ud_api_string_or_null(c->user_id), "api_key_id", ud_api_string_or_null(c->api_key_id),
        "email", ud_api_string_or_null(c->email), "role", c->role, "principals", principals, "can",
        "search", c->can_search, "ask", c->can_ask, "admin", c->can_admin);
    return ud_http_respond_json(res, req, 200, out);
}

int ud_api_my_settings_get(ud_http_response *res, const ud_http_request *req, void *payload)
{
    (void)payload;
    return ud_http_respond_json(res, req, 200,
                                ud_api_json_column(ud_api_caller(req)->settings_json));
}

int ud_api_my_settings_put(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc == 0)
        rc = ud_settings_validate(body, UD_SETTINGS_USER);
    char *text = rc == 0 ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (rc == 0)
        rc = ud_meta_user_set_settings(ctx->meta, caller->org_id, caller->user_id, text);
    free(text);
    if (rc < 0) {
        json_decref(body);
        return rc;
    }
    return ud_http_respond_json(res, req, 200, body);
}
