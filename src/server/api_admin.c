/*
 * Administration of one organization: its users, API keys, settings and
 * audit log. Every route here needs the admin role (or a key with
 * "admin"), and every lookup names the caller's organization, so another
 * organization's ids answer 404. Changes of who may do what are written to
 * the audit log.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "answer/usage.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "doc/acl.h"
#include "server/api_routes.h"
#include "server/api_util.h"
#include "server/settings.h"
#include "store/meta_audit.h"
#include "store/meta_credentials.h"

#define MAX_NAME_BYTES 255

/* ---- users --------------------------------------------------------------- */

static json_t *user_json(const ud_user *u)
{
    return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "id", u->id, "email", u->email, "role",
                     u->role, "first_name", ud_api_string_or_null(u->first_name), "last_name",
                     ud_api_string_or_null(u->last_name), "groups",
                     ud_api_json_column(u->groups_json), "last_login_at",
                     ud_api_time_or_null(u->last_login_at), "created_at",
                     ud_api_time_or_null(u->created_at));
}

int ud_api_users_list(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_user *users = NULL;
    size_t count = 0;
    int rc = ud_meta_user_list(&users, &count, ctx->meta, req->arena, ud_api_caller(req)->org_id);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, user_json(&users[i]));
    return ud_http_respond_json(res, req, 200, json_pack("{s:o}", "users", list));
}

/* The "groups" field: an array of at most UD_META_MAX_GROUPS group names
 * (doc/acl.h: never spelled like an email), as compact JSON text in the
 * arena; NULL when absent. */
static int read_groups(const char **out, json_t *body, ud_arena *arena)
{
    json_t *groups = json_object_get(body, "groups");
    *out = NULL;
    if (!groups || json_is_null(groups))
        return 0;
    bool ok = json_is_array(groups) && json_array_size(groups) <= UD_META_MAX_GROUPS;
    for (size_t i = 0; ok && i < json_array_size(groups); i++)
        ok = json_is_string(json_array_get(groups, i));
    if (!ok)
        return ud_error_set(UD_EINVAL, "field groups must be an array of at most %d group names",
                            UD_META_MAX_GROUPS);
    for (size_t i = 0; i < json_array_size(groups); i++) {
        int rc = ud_acl_check_group_name(json_string_value(json_array_get(groups, i)));
        if (rc < 0)
            return ud_error_prefix(rc, "field groups: ");
    }
    char *text = json_dumps(groups, JSON_COMPACT);
    *out = ud_arena_strdup(arena, text);
    free(text);
    return 0;
}

int ud_api_users_create(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    const char *email = NULL, *role = NULL, *password = NULL, *groups = NULL;
    rc = ud_api_string_field(&email, body, "email", MAX_NAME_BYTES, true, req->arena);
    if (rc == 0)
        rc = ud_api_string_field(&role, body, "role", 16, false, req->arena);
    if (rc == 0)
        rc = ud_api_string_field(&password, body, "password", 1024, false, req->arena);
    if (rc == 0)
        rc = read_groups(&groups, body, req->arena);
    json_decref(body);
    if (rc < 0)
        return rc;
    if (password && strlen(password) < 12)
        return ud_error_set(UD_EINVAL, "field password must be at least 12 characters");
    char generated[21] = "";
    if (!password) {
        rc = ud_password_generate(generated, 20);
        if (rc < 0)
            return rc;
        password = generated;
    }
    char hash[256];
    rc = ud_password_hash(hash, sizeof(hash), password, &ctx->password_params);
    ud_user user;
    if (rc == 0)
        rc = ud_meta_user_create(&user, ctx->meta, req->arena, caller->org_id, email, hash,
                                 role ? role : "user");
    if (rc == 0 && groups)
        rc = ud_meta_user_set_groups(ctx->meta, caller->org_id, user.id, groups);
    if (rc == 0 && groups)
        rc = ud_meta_user_get(&user, ctx->meta, req->arena, caller->org_id, user.id);
    if (rc < 0) {
        explicit_bzero(generated, sizeof(generated));
        return rc;
    }
    ud_api_audit(
        ctx, caller->org_id, caller->actor, "user_add", user.email,
        json_pack("{s:s,s:o}", "role", user.role, "groups", ud_api_json_column(user.groups_json)));
    json_t *out = user_json(&user);
    if (generated[0])
        json_object_set_new(out, "password", json_string(generated));
    explicit_bzero(generated, sizeof(generated));
    return ud_http_respond_json(res, req, 201, out);
}

int ud_api_user_get(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_user user;
    int rc = ud_meta_user_get(&user, ctx->meta, req->arena, ud_api_caller(req)->org_id,
                              ud_http_param(req, "id"));
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200, user_json(&user));
}

/* Refuses to leave the organization without an admin. */
static int keep_an_admin(ud_api_context *ctx, const ud_http_request *req, const ud_user *user)
{
    if (strcmp(user->role, "admin") != 0)
        return 0;
    ud_user *users = NULL;
    size_t count = 0, admins = 0;
    int rc = ud_meta_user_list(&users, &count, ctx->meta, req->arena, user->org_id);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < count; i++)
        admins += strcmp(users[i].role, "admin") == 0;
    if (admins <= 1)
        return ud_error_set(UD_EINVAL,
                            "%s is the organization's last admin; make another "
                            "user admin first",
                            user->email);
    return 0;
}

int ud_api_user_update(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    const char *role = NULL, *groups = NULL;
    rc = ud_api_string_field(&role, body, "role", 16, false, req->arena);
    if (rc == 0)
        rc = read_groups(&groups, body, req->arena);
    json_decref(body);
    if (rc < 0)
        return rc;
    ud_user user;
    rc = ud_meta_user_get(&user, ctx->meta, req->arena, caller->org_id, ud_http_param(req, "id"));
    if (rc < 0)
        return rc;
    if (role && strcmp(role, user.role) != 0) {
        if (strcmp(role, "admin") != 0)
            rc = keep_an_admin(ctx, req, &user);
        if (rc == 0)
            rc = ud_meta_user_set_role(ctx->meta, caller->org_id, user.id, role);
        if (rc < 0)
            return rc;
        ud_api_audit(ctx, caller->org_id, caller->actor, "role_change", user.email,
                     json_pack("{s:s,s:s}", "from", user.role, "to", role));
    }
    if (groups) {
        rc = ud_meta_user_set_groups(ctx->meta, caller->org_id, user.id, groups);
        if (rc < 0)
            return rc;
        ud_api_audit(ctx, caller->org_id, caller->actor, "groups_change", user.email,
                     json_pack("{s:o,s:o}", "from", ud_api_json_column(user.groups_json), "to",
                               ud_api_json_column(groups)));
    }
    rc = ud_meta_user_get(&user, ctx->meta, req->arena, caller->org_id, user.id);
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200, user_json(&user));
}

int ud_api_user_delete(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    ud_user user;
    int rc =
        ud_meta_user_get(&user, ctx->meta, req->arena, caller->org_id, ud_http_param(req, "id"));
    if (rc == 0)
        rc = keep_an_admin(ctx, req, &user);
    if (rc == 0)
        rc = ud_meta_user_delete(ctx->meta, caller->org_id, user.id);
    if (rc < 0)
        return rc;
    ud_api_audit(ctx, caller->org_id, caller->actor, "user_remove", user.email,
                 json_pack("{s:s}", "role", user.role));
    return ud_http_respond_json(res, req, 200, json_pack("{s:s,s:b}", "id", user.id, "removed", 1));
}

/* ---- API keys ------------------------------------------------------------ */

static json_t *key_json(const ud_apikey_row *k)
{
    return json_pack(
        "{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o}", "id", k->id, "name", k->name, "key_prefix",
        k->key_prefix, "permissions", ud_api_json_column(k->permissions_json), "created_by",
        ud_api_string_or_null(k->created_by), "last_used_at", ud_api_time_or_null(k->last_used_at),
        "expires_at", ud_api_time_or_null(k->expires_at), "revoked_at",
        ud_api_time_or_null(k->revoked_at), "created_at", ud_api_time_or_null(k->created_at));
}

int ud_api_keys_list(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_apikey_row *keys = NULL;
    size_t count = 0;
    int rc = ud_meta_apikey_list(&keys, &count, ctx->meta, req->arena, ud_api_caller(req)->org_id);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, key_json(&keys[i]));
    return ud_http_respond_json(res, req, 200, json_pack("{s:o}", "api_keys", list));
}

int ud_api_keys_create(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    const char *name = NULL;
    char *permissions = NULL;
    int64_t expires_at = 0;
    rc = ud_api_string_field(&name, body, "name", MAX_NAME_BYTES, true, req->arena);
    json_t *perms = json_object_get(body, "permissions");
    if (rc == 0) {
        permissions = perms && !json_is_null(perms)
                          ? json_dumps(perms, JSON_COMPACT | JSON_ENCODE_ANY)
                          : ud_strdup("{\"search\":true,\"admin\":false}");
        bool search, ask, admin;
        rc = ud_auth_parse_permissions(&search, &ask, &admin, permissions);
        if (rc == 0 && !search)
            rc = ud_error_set(UD_EINVAL, "a key needs at least one permission (search, ask, "
                                         "admin)");
    }
    json_t *days = json_object_get(body, "expires_in_days");
    if (rc == 0 && days && !json_is_null(days)) {
        if (!json_is_integer(days) || json_integer_value(days) < 1 ||
            json_integer_value(days) > 3650)
            rc = ud_error_set(UD_EINVAL, "field expires_in_days must be an integer from 1 to 3650");
        else
            expires_at = ud_now() + (int64_t)json_integer_value(days) * 86400;
    }
    json_decref(body);
    char key[UD_APIKEY_MAX_LEN + 1], hash[UD_SHA256_HEX_LEN + 1], prefix[11];
    ud_apikey_row row;
    if (rc == 0)
        rc = ud_auth_new_apikey(key, hash, prefix);
    if (rc == 0)
        rc = ud_meta_apikey_create(&row, ctx->meta, req->arena, caller->org_id, name, hash, prefix,
                                   permissions, expires_at, caller->user_id);
    free(permissions);
    if (rc < 0)
        return rc;
    ud_api_audit(ctx, caller->org_id, caller->actor, "apikey_create", row.id,
                 json_pack("{s:s,s:o}", "name", row.name, "permissions",
                           ud_api_json_column(row.permissions_json)));
    json_t *out = key_json(&row);
    json_object_set_new(out, "key", json_string(key)); /* shown this once */
    explicit_bzero(key, sizeof(key));
    return ud_http_respond_json(res, req, 201, out);
}

int ud_api_key_revoke(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    const char *id = ud_http_param(req, "id");
    int rc = ud_meta_apikey_revoke(ctx->meta, caller->org_id, id, ud_now());
    if (rc < 0)
        return rc;
    ud_api_audit(ctx, caller->org_id, caller->actor, "apikey_revoke", id, NULL);
    return ud_http_respond_json(res, req, 200, json_pack("{s:s,s:b}", "id", id, "revoked", 1));
}

/* ---- settings and audit --------------------------------------------------- */

int ud_api_org_settings_get(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_org org;
    int rc = ud_meta_org_get(&org, ctx->meta, req->arena, ud_api_caller(req)->org_id);
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200, ud_api_json_column(org.settings_json));
}

int ud_api_org_settings_put(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc == 0)
        rc = ud_settings_validate(body, UD_SETTINGS_ORG);
    char *text = rc == 0 ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    if (rc == 0)
        rc = ud_meta_org_set_settings(ctx->meta, caller->org_id, text);
    if (rc == 0)
        ud_api_audit(ctx, caller->org_id, caller->actor, "settings_change", "",
                     json_loads(text, 0, NULL));
    free(text);
    if (rc < 0) {
        json_decref(body);
        return rc;
    }
    return ud_http_respond_json(res, req, 200, body);
}

int ud_api_audit_list(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    int64_t limit = 0, before = 0;
    int rc = ud_api_int_arg(&limit, req, "limit", 1, 1000, 100);
    if (rc == 0)
        rc = ud_api_int_arg(&before, req, "before", 1, INT64_MAX, 0);
    ud_audit_entry *entries = NULL;
    size_t count = 0;
    if (rc == 0)
        rc = ud_meta_audit_list(&entries, &count, ctx->meta, req->arena, ud_api_caller(req)->org_id,
                                before, (size_t)limit);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const ud_audit_entry *e = &entries[i];
        json_array_append_new(list,
                              json_pack("{s:I,s:o,s:s,s:s,s:s,s:o,s:s}", "seq", (json_int_t)e->seq,
                                        "at", ud_api_time_or_null(e->at), "actor", e->actor,
                                        "action", e->action, "target", e->target, "detail",
                                        ud_api_json_column(e->detail_json), "hash", e->hash));
    }
    return ud_http_respond_json(res, req, 200, json_pack("{s:o}", "entries", list));
}

int ud_api_usage(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    int64_t days = 0;
    int rc = ud_api_int_arg(&days, req, "days", 1, 366, 30);
    ud_usage usage;
    if (rc == 0)
        rc = ud_meta_usage(&usage, ctx->meta, req->arena, ud_api_caller(req)->org_id,
                           (ud_now() / 86400 - days + 1) * 86400);
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200, ud_usage_json(&usage, ctx->cost_alert_usd));
}
