/*
 * What the API's handler files share: reading JSON bodies and fields with
 * clear errors, writing timestamps and nullable strings, the caller of a
 * request, and audit entries. Private to src/server.
 */
#ifndef UD_SERVER_API_UTIL_H
#define UD_SERVER_API_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/api.h"
#include "server/auth.h"

/* The request body as a JSON object (caller decrefs). UD_EUNSUPPORTED for
 * another Content-Type, UD_EINVAL for an empty body, bad JSON (including
 * invalid UTF-8) or a non-object. */
int ud_api_parse_body(json_t **out, const ud_http_request *req) UD_MUST_CHECK;

/* A string field: *out is NULL when absent (or null) and !required.
 * UD_EINVAL when required and absent, not a string, empty, longer than
 * max_bytes or holding a NUL. The value is copied into the request arena. */
int ud_api_string_field(const char **out, json_t *body, const char *name, size_t max_bytes,
                        bool required, ud_arena *arena) UD_MUST_CHECK;

/* A boolean field: *out unchanged when absent. */
int ud_api_bool_field(bool *out, json_t *body, const char *name) UD_MUST_CHECK;

/* An integer query argument in [min, max]; `fallback` when absent. */
int ud_api_int_arg(int64_t *out, const ud_http_request *req, const char *name, int64_t min,
                   int64_t max, int64_t fallback) UD_MUST_CHECK;

json_t *ud_api_time_or_null(int64_t when);
json_t *ud_api_string_or_null(const char *s);
/* A JSON column's text as a value (a string if it does not parse). */
json_t *ud_api_json_column(const char *text);

/* The authenticated caller (set by the guard). */
const ud_caller *ud_api_caller(const ud_http_request *req);

/* Appends to the audit log; a failure is logged, not returned: the action
 * it records has happened already. */
void ud_api_audit(ud_api_context *ctx, const char *org_id, const char *actor, const char *action,
                  const char *target, json_t *detail /* stolen, may be NULL */);

/* Sets Retry-After on the response. */
void ud_api_retry_after(ud_http_response *res, const ud_http_request *req, int64_t seconds);

#endif
