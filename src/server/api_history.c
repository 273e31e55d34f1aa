/*
 * The caller's own search history and saved searches (/v1/history). Only
 * signed-in users have a history; every call names the caller's
 * organization and user id, so another user's entry is "not found".
 */
#include <jansson.h>
#include <string.h>

#include "server/api_routes.h"
#include "server/api_util.h"
#include "store/meta_history.h"

int ud_api_history_list(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    int64_t limit = 0, offset = 0;
    int rc = ud_api_int_arg(&limit, req, "limit", 1, 500, 50);
    if (rc == 0)
        rc = ud_api_int_arg(&offset, req, "offset", 0, 1000000, 0);
    const char *saved = ud_http_query_arg(req, "saved");
    if (rc == 0 && saved && strcmp(saved, "true") != 0 && strcmp(saved, "false") != 0)
        rc = ud_error_set(UD_EINVAL, "query argument saved must be true or false");
    ud_history_entry *entries = NULL;
    size_t count = 0;
    if (rc == 0)
        rc = ud_meta_history_list(&entries, &count, ctx->meta, req->arena, caller->org_id,
                                  caller->user_id,
                                  !saved                       ? UD_HISTORY_ALL
                                  : strcmp(saved, "true") == 0 ? UD_HISTORY_SAVED
                                                               : UD_HISTORY_UNSAVED,
                                  (size_t)limit, (size_t)offset);
    if (rc < 0)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const ud_history_entry *e = &entries[i];
        json_t *sources = json_array();
        for (size_t s = 0; s < e->source_count; s++)
            json_array_append_new(sources, json_string(e->sources_used[s]));
        json_array_append_new(
            list, json_pack("{s:s,s:s,s:I,s:I,s:o,s:b,s:o,s:o}", "id", e->id, "query", e->query,
                            "results_count", (json_int_t)e->results_count, "response_time_ms",
                            (json_int_t)e->response_time_ms, "sources_used", sources, "is_saved",
                            e->is_saved, "timestamp", ud_api_time_or_null(e->timestamp),
                            "api_key_id", ud_api_string_or_null(e->api_key_id)));
    }
    return ud_http_respond_json(res, req, 200, json_pack("{s:o}", "history", list));
}

int ud_api_history_update(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    json_t *saved = json_object_get(body, "is_saved");
    bool value = json_is_true(saved);
    if (!json_is_boolean(saved))
        rc = ud_error_set(UD_EINVAL, "field is_saved must be true or false");
    json_decref(body);
    const char *id = ud_http_param(req, "id");
    if (rc == 0)
        rc = ud_meta_history_set_saved(ctx->meta, caller->org_id, caller->user_id, id, value);
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200, json_pack("{s:s,s:b}", "id", id, "is_saved", value));
}

int ud_api_history_delete(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    const char *id = ud_http_param(req, "id");
    int rc = ud_meta_history_delete(ctx->meta, caller->org_id, caller->user_id, id);
    if (rc < 0)
        return rc;
    return ud_http_respond_json(res, req, 200, json_pack("{s:s,s:b}", "id", id, "deleted", 1));
}
