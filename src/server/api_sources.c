/*
 * The data sources of the caller's organization (/v1/sources), for admins:
 * add, list, show, remove, "sync now" and the sync logs. A sync runs on
 * the scheduler's workers (sync/scheduler.h), never on the server's
 * threads. Credentials go in, encrypted, and never come out.
 *
 * Sources read from the server's file system (exports, folders) only
 * under the directories of the source_paths setting: an organization's
 * admin must not be able to import the server's own files, or another
 * organization's.
 */
#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "server/api_routes.h"
#include "server/api_util.h"
#include "store/meta_sources.h"
#include "sync/scheduler.h"
#include "sync/sources.h"

/* True when path resolves under one of the colon-separated roots. */
static bool under_allowed_root(const char *roots, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return false;
    bool ok = false;
    for (const char *p = roots; *p && !ok;) {
        size_t n = strcspn(p, ":");
        char root[PATH_MAX];
        if (n > 0 && n < sizeof(root)) {
            memcpy(root, p, n);
            root[n] = '\0';
            char *real_root = realpath(root, NULL);
            if (real_root) {
                size_t r = strlen(real_root);
                ok = strncmp(real, real_root, r) == 0 && (real[r] == '/' || real[r] == '\0');
                free(real_root);
            }
        }
        p += n + (p[n] == ':');
    }
    free(real);
    return ok;
}

/* The newest sync of a source (NULL if none). */
static const ud_sync_log *latest(ud_api_context *ctx, const ud_http_request *req, const char *id)
{
    ud_sync_log *logs = NULL;
    size_t count = 0;
    if (ud_meta_sync_logs(&logs, &count, ctx->meta, req->arena, ud_api_caller(req)->org_id, id, 1) <
            0 ||
        count == 0)
        return NULL;
    return &logs[0];
}

int ud_api_sources_list(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_source_row *rows = NULL;
    size_t count = 0;
    int rc = ud_meta_source_list(&rows, &count, ctx->meta, req->arena, ud_api_caller(req)->org_id);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    int64_t now = ud_now();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, ud_source_json(&rows[i], latest(ctx, req, rows[i].id), now));
    return ud_http_respond_json(res, req, 200, json_pack("{s:o}", "sources", list));
}

/* A JSON object field as text ("{}"-like), NULL when absent. */
static int object_field(const char **out, json_t *body, const char *name, ud_arena *arena)
{
    json_t *value = json_object_get(body, name);
    *out = NULL;
    if (!value || json_is_null(value))
        return 0;
    if (!json_is_object(value))
        return ud_error_set(UD_EINVAL, "field %s must be an object", name);
    char *text = json_dumps(value, JSON_COMPACT);
    *out = ud_arena_strdup(arena, text);
    free(text);
    return 0;
}

int ud_api_sources_create(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    ud_source_spec spec = {.created_by = caller->user_id};
    rc = ud_api_string_field(&spec.connector, body, "type", 64, true, req->arena);
    if (rc == 0)
        rc = ud_api_string_field(&spec.name, body, "name", 255, false, req->arena);
    if (rc == 0)
        rc = ud_api_string_field(&spec.path, body, "path", 4096, false, req->arena);
    if (rc == 0)
        rc = ud_api_string_field(&spec.pii, body, "pii", 16, false, req->arena);
    if (rc == 0)
        rc = object_field(&spec.config_json, body, "config", req->arena);
    if (rc == 0)
        rc = object_field(&spec.credentials_json, body, "credentials", req->arena);
    json_t *frequency = json_object_get(body, "sync_frequency_minutes");
    if (rc == 0 && frequency && !json_is_null(frequency)) {
        if (!json_is_integer(frequency) || json_integer_value(frequency) < 1 ||
            json_integer_value(frequency) > 525600)
            rc = ud_error_set(UD_EINVAL,
                              "field sync_frequency_minutes must be an integer from 1 to 525600");
        else
            spec.frequency_minutes = json_integer_value(frequency);
    }
    /* A path in the config reaches the file system as much as "path" does. */
    json_t *config = json_object_get(body, "config");
    if (rc == 0 && !spec.path && json_is_string(json_object_get(config, "path")))
        spec.path = ud_arena_strdup(req->arena, json_string_value(json_object_get(config, "path")));
    json_decref(body);
    /* The type first: an unknown one is a bad request whatever its path. */
    const struct ud_connector *connector = NULL;
    if (rc == 0)
        rc = ud_source_connector(&connector, spec.connector);
    if (rc < 0)
        return rc;
    if (spec.path && !under_allowed_root(ctx->source_roots, spec.path))
        return ud_error_set(UD_EFORBIDDEN,
                            "sources may read only under the directories of the server's "
                            "source_paths setting");
    ud_source_row row;
    char message[512] = "";
    rc = ud_source_add(&row, message, sizeof(message), ctx->meta, req->arena, caller->org_id, &spec,
                       ctx->fernet_key);
    if (rc < 0)
        return rc;
    ud_api_audit(ctx, caller->org_id, caller->actor, "source_add", row.id,
                 json_pack("{s:s,s:s}", "type", row.type, "name", row.name));
    json_t *out = ud_source_json(&row, NULL, ud_now());
    json_object_set_new(out, "check", json_string(message));
    return ud_http_respond_json(res, req, 201, out);
}

int ud_api_source_get(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_source_row row;
    const char *id = ud_http_param(req, "id");
    int rc = ud_meta_source_get(&row, ctx->meta, req->arena, ud_api_caller(req)->org_id, id);
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200,
                                ud_source_json(&row, latest(ctx, req, row.id), ud_now()));
}

/* How long a removal waits for the organization's running sync job. */
#define REMOVE_WAIT_SECONDS 10

typedef struct removal {
    const char *org_id;
    const char *source_id;
    ud_arena *arena;
} removal;

static int remove_source(const ud_sync_env *env, void *payload)
{
    const removal *r = payload;
    return ud_source_remove(env, r->arena, r->org_id, r->source_id);
}

int ud_api_source_delete(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    ud_source_row row;
    int rc =
        ud_meta_source_get(&row, ctx->meta, req->arena, caller->org_id, ud_http_param(req, "id"));
    if (rc == 0 && strcmp(row.status, "syncing") == 0)
        rc = ud_error_set(UD_EEXISTS, "the source is syncing; remove it when the sync is done");
    if (rc == 0 && !ctx->scheduler)
        rc = ud_error_set(UD_EUNSUPPORTED, "this server runs no sync workers to update the index");
    /* Its documents leave the index now, written as the sync jobs write
     * it: one writer per organization, taken on the scheduler's terms. */
    removal r = {.org_id = caller->org_id, .source_id = row.id, .arena = req->arena};
    if (rc == 0)
        rc = ud_scheduler_exclusive(ctx->scheduler, caller->org_id, REMOVE_WAIT_SECONDS,
                                    remove_source, &r);
    if (rc < 0)
        return rc;
    ud_api_audit(ctx, caller->org_id, caller->actor, "source_remove", row.id,
                 json_pack("{s:s}", "name", row.name));
    return ud_http_respond_json(res, req, 200, json_pack("{s:s,s:b}", "id", row.id, "removed", 1));
}

int ud_api_source_sync(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    ud_source_row row;
    int rc =
        ud_meta_source_get(&row, ctx->meta, req->arena, caller->org_id, ud_http_param(req, "id"));
    if (rc < 0)
        return rc;
    if (!ctx->scheduler)
        return ud_error_set(UD_EUNSUPPORTED, "this server runs no sync workers");
    rc = ud_scheduler_enqueue(ctx->scheduler, caller->org_id, row.id);
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 202, json_pack("{s:s,s:b}", "id", row.id, "queued", 1));
}

int ud_api_source_logs(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    int64_t limit = 0;
    int rc = ud_api_int_arg(&limit, req, "limit", 1, 1000, 20);
    ud_sync_log *logs = NULL;
    size_t count = 0;
    if (rc == 0)
        rc = ud_meta_sync_logs(&logs, &count, ctx->meta, req->arena, ud_api_caller(req)->org_id,
                               ud_http_param(req, "id"), (size_t)limit);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, ud_sync_log_json(&logs[i]));
    return ud_http_respond_json(res, req, 200, json_pack("{s:o}", "logs", list));
}
