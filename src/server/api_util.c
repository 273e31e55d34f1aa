/*
 * Shared helpers of the API handlers (api_util.h).
 */
#include "server/api_util.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/log.h"
#include "store/meta_audit.h"

int ud_api_parse_body(json_t **out, const ud_http_request *req)
{
    const char *type = req->content_type;
    size_t n = strlen("application/json");
    if (!type || strncasecmp(type, "application/json", n) != 0 ||
        (type[n] != '\0' && type[n] != ';' && type[n] != ' '))
        return ud_error_set(UD_EUNSUPPORTED, "Content-Type must be application/json");
    if (!req->body || req->body_len == 0)
        return ud_error_set(UD_EINVAL, "the request body is empty; expected a JSON object");
    json_error_t error;
    json_t *body = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &error);
    if (!body)
        return ud_error_set(UD_EINVAL, "invalid JSON at line %d, column %d: %s", error.line,
                            error.column, error.text);
    if (!json_is_object(body)) {
        json_decref(body);
        return ud_error_set(UD_EINVAL, "the request body must be a JSON object");
    }
    *out = body;
    return 0;
}

int ud_api_string_field(const char **out, json_t *body, const char *name, size_t max_bytes,
                        bool required, ud_arena *arena)
{
    json_t *value = json_object_get(body, name);
    if (!value || json_is_null(value)) {
        if (required)
            return ud_error_set(UD_EINVAL, "missing field: %s", name);
        *out = NULL;
        return 0;
    }
    if (!json_is_string(value))
        return ud_error_set(UD_EINVAL, "field %s must be a string", name);
    size_t len = json_string_length(value);
    if (len == 0)
        return ud_error_set(UD_EINVAL, "field %s must not be empty", name);
    if (len > max_bytes || memchr(json_string_value(value), '\0', len))
        return ud_error_set(UD_EINVAL, "field %s must be at most %zu bytes of text", name,
                            max_bytes);
    *out = ud_arena_strdup(arena, json_string_value(value));
    return 0;
}

int ud_api_bool_field(bool *out, json_t *body, const char *name)
{
    json_t *value = json_object_get(body, name);
    if (!value || json_is_null(value))
        return 0;
    if (!json_is_boolean(value))
        return ud_error_set(UD_EINVAL, "field %s must be true or false", name);
    *out = json_is_true(value);
    return 0;
}

int ud_api_int_arg(int64_t *out, const ud_http_request *req, const char *name, int64_t min,
                   int64_t max, int64_t fallback)
{
    const char *text = ud_http_query_arg(req, name);
    if (!text) {
        *out = fallback;
        return 0;
    }
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || value < min || value > max)
        return ud_error_set(UD_EINVAL,
                            "query argument %s must be an integer from %" PRId64 " to %" PRId64,
                            name, min, max);
    *out = value;
    return 0;
}

json_t *ud_api_time_or_null(int64_t when)
{
    if (!when)
        return json_null();
    char text[32];
    ud_time_format(text, when);
    return json_string(text);
}

json_t *ud_api_string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *ud_api_json_column(const char *text)
{
    json_t *value = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return value ? value : ud_api_string_or_null(text);
}

const ud_caller *ud_api_caller(const ud_http_request *req)
{
    return req->caller;
}

void ud_api_audit(ud_api_context *ctx, const char *org_id, const char *actor, const char *action,
                  const char *target, json_t *detail)
{
    char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(detail);
    if (ud_meta_audit_append(ctx->meta, org_id, actor, action, target ? target : "", text) < 0)
        UD_LOG(NULL, UD_LOG_ERROR, "audit log: cannot record %s by %s: %s", action, actor,
               ud_error_last());
    free(text);
}

void ud_api_retry_after(ud_http_response *res, const ud_http_request *req, int64_t seconds)
{
    char text[24];
    snprintf(text, sizeof(text), "%" PRId64, seconds > 0 ? seconds : 1);
    if (ud_http_add_header(res, req, "Retry-After", text) < 0)
        UD_LOG(NULL, UD_LOG_WARN, "cannot add Retry-After: %s", ud_error_last());
}
