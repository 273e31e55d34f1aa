/*
 * The API's route table, its guard, and the routes of search itself:
 * health, search and document lookup (the other areas live in api_*.c).
 * Each handler validates its input completely before doing work and
 * answers bad input with UD_EINVAL (400) or UD_EUNSUPPORTED (415) and a
 * message naming the field.
 */
#include "server/api.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "answer/setup.h"
#include "base/clock.h"
#include "base/log.h"
#include "connectors/connector.h"
#include "server/api_routes.h"
#include "server/api_util.h"
#include "server/settings.h"
#include "store/meta_history.h"

#define MAX_QUERY_BYTES 1000
#define MAX_SOURCE_TYPES 16

int ud_api_context_init(ud_api_context *ctx, ud_meta *meta, ud_searcher *searcher,
                        ud_counters *counters, const ud_config *config, const char *version)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->meta = meta;
    ctx->searcher = searcher;
    ctx->version = version;
    int rc = ud_auth_init(&ctx->auth, meta, config->secret_key, config->access_token_minutes * 60,
                          config->refresh_token_days * 86400);
    if (rc < 0)
        return rc;
    ctx->limits = (ud_limits){.counters = counters,
                              .per_minute = config->rate_limit_per_minute,
                              .slowdown_after = config->login_slowdown_after,
                              .lock_after = config->login_lock_after,
                              .lock_seconds = config->login_lock_minutes * 60};
    rc = ud_price_table_init(&ctx->prices, config->llm_prices);
    if (rc < 0)
        return rc;
    ctx->cost_alert_usd = config->cost_alert_usd;
    snprintf(ctx->fernet_key, sizeof(ctx->fernet_key), "%s", config->fernet_key);
    snprintf(ctx->source_roots, sizeof(ctx->source_roots), "%s", config->source_paths);
    rc = ud_cache_open(&ctx->cache, config->cache);
    if (rc == 0)
        rc = ud_answer_llm_from_config(&ctx->llm, config, ud_searcher_embedder(searcher));
    if (rc < 0) {
        ud_api_context_dispose(ctx);
        return rc;
    }
    ctx->context_tokens = (size_t)config->context_tokens;
    ctx->max_answer_tokens = (int)config->answer_max_tokens;
    ctx->password_params = (ud_password_params){(unsigned)config->argon2_memory_kb,
                                                (unsigned)config->argon2_iterations, 1};
    char random_password[33];
    rc = ud_password_generate(random_password, 32);
    if (rc == 0)
        rc = ud_password_hash(ctx->dummy_hash, sizeof(ctx->dummy_hash), random_password,
                              &ctx->password_params);
    explicit_bzero(random_password, sizeof(random_password));
    return rc;
}

void ud_api_context_dispose(ud_api_context *ctx)
{
    ud_llm_free(ctx->llm);
    ud_cache_free(ctx->cache);
    ctx->llm = NULL;
    ctx->cache = NULL;
    explicit_bzero(&ctx->auth, sizeof(ctx->auth));
}

int ud_api_guard(ud_http_response *res, ud_http_request *req, int access, void *payload)
{
    ud_api_context *ctx = payload;
    int64_t now = ud_now();
    int64_t retry = 0;
    if (access == UD_ACCESS_PUBLIC) {
        /* Public routes are limited by the caller's address. */
        const char *who = ud_arena_sprintf(req->arena, "ip:%s", req->client_ip);
        int rc = ud_limits_rate(&ctx->limits, who, req->route->pattern, now, &retry);
        if (rc == UD_EAGAIN)
            ud_api_retry_after(res, req, retry);
        return rc;
    }
    ud_caller *caller = ud_arena_alloc(req->arena, sizeof(*caller));
    int rc = ud_auth_authenticate(caller, &ctx->auth, req, now);
    if (rc == UD_EAUTH && ud_http_add_header(res, req, "WWW-Authenticate", "Bearer") < 0)
        UD_LOG(NULL, UD_LOG_WARN, "cannot add WWW-Authenticate");
    if (rc == 0)
        rc = ud_auth_allows(caller, (ud_access)access);
    if (rc == 0) {
        rc = ud_limits_rate(&ctx->limits, caller->limit_id, req->route->pattern, now, &retry);
        if (rc == UD_EAGAIN)
            ud_api_retry_after(res, req, retry);
    }
    if (rc == 0)
        req->caller = caller;
    return rc;
}

static int handle_health(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    int schema = 0;
    if (ud_meta_schema_version(ctx->meta, &schema) < 0) {
        /* A load balancer takes this instance out; the cause goes to the log. */
        UD_LOG(NULL, UD_LOG_ERROR, "health check: metadata store: %s", ud_error_last());
        return ud_http_respond_json(
            res, req, 503,
            json_pack("{s:s,s:s}", "status", "unavailable", "version", ctx->version));
    }
    return ud_http_respond_json(res, req, 200,
                                json_pack("{s:s,s:s,s:s}", "status", "ok", "version", ctx->version,
                                          "store", ud_meta_backend(ctx->meta)));
}

/* Reads and checks the fields of a search request into opts. */
static int read_search_request(const char **out_query, bool *out_explain, ud_search_opts *opts,
                               json_t *body, ud_arena *arena)
{
    const char *query = NULL;
    int rc = ud_api_string_field(&query, body, "query", MAX_QUERY_BYTES, true, arena);
    if (rc < 0)
        return rc;
    if (strspn(query, " \t\r\n") == strlen(query))
        return ud_error_set(UD_EINVAL, "field query must not be empty");
    rc = ud_query_source_types_check(query); /* source:dropbox, as source_types */
    if (rc < 0)
        return rc;
    json_t *top_k = json_object_get(body, "top_k");
    if (top_k && !json_is_null(top_k)) {
        if (!json_is_integer(top_k) || json_integer_value(top_k) < 1 ||
            json_integer_value(top_k) > 100)
            return ud_error_set(UD_EINVAL, "field top_k must be an integer from 1 to 100");
        opts->top_k = (size_t)json_integer_value(top_k);
    }
    json_t *types = json_object_get(body, "source_types");
    if (types && !json_is_null(types)) {
        if (!json_is_array(types) || json_array_size(types) > MAX_SOURCE_TYPES)
            return ud_error_set(UD_EINVAL,
                                "field source_types must be an array of at most %d strings",
                                MAX_SOURCE_TYPES);
        size_t n = json_array_size(types);
        const char **list = ud_arena_alloc(arena, (n ? n : 1) * sizeof(char *));
        for (size_t i = 0; i < n; i++) {
            json_t *item = json_array_get(types, i);
            if (!json_is_string(item) || json_string_length(item) > 64)
                return ud_error_set(UD_EINVAL,
                                    "field source_types must contain only short strings");
            list[i] = ud_arena_strdup(arena, json_string_value(item));
        }
        rc = ud_source_types_check(list, n);
        if (rc < 0)
            return rc;
        if (n > 0) {
            opts->source_types = list;
            opts->source_type_count = n;
        }
    }
    json_t *mode = json_object_get(body, "mode");
    if (mode && !json_is_null(mode)) {
        int m = json_is_string(mode) ? ud_search_mode_parse(json_string_value(mode)) : -1;
        if (m < 0)
            return ud_error_set(UD_EINVAL, "field mode must be bm25, vector or hybrid");
        opts->mode = (ud_search_mode)m;
    }
    json_t *fusion = json_object_get(body, "fusion");
    if (fusion && !json_is_null(fusion)) {
        int f = json_is_string(fusion) ? ud_fusion_parse(json_string_value(fusion)) : -1;
        if (f < 0)
            return ud_error_set(UD_EINVAL, "field fusion must be rrf or weighted");
        opts->fusion = (ud_fusion)f;
    }
    rc = ud_api_bool_field(out_explain, body, "explain");
    if (rc < 0)
        return rc;
    *out_query = query;
    return 0;
}

/* Records the search in the caller's history and the organization's
 * usage. A key's search counts even when the key has no creator (`unify
 * apikey create` keys, or one whose creator was removed). */
static void record_search(ud_api_context *ctx, const ud_caller *caller, const char *query,
                          const ud_search_hit *hits, size_t count, double took_ms, ud_arena *arena)
{
    ud_history_entry entry = {.user_id = caller->user_id,
                              .api_key_id = caller->api_key_id,
                              .query = query,
                              .results_count = (int64_t)count,
                              .response_time_ms = (int64_t)(took_ms + 0.5)};
    for (size_t i = 0; i < count; i++)
        ud_history_add_source(&entry, hits[i].source_type);
    if (ud_meta_history_add(&entry, ctx->meta, arena, caller->org_id) < 0)
        UD_LOG(NULL, UD_LOG_ERROR, "search history: %s", ud_error_last());
}

static int handle_search(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    double started = ud_monotonic_ms();
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    ud_search_opts opts = {.top_k = 10,
                           .mode =
                               ud_settings_default_mode(caller->org_settings_json, UD_MODE_HYBRID),
                           .fusion = UD_FUSION_WEIGHTED};
    ud_settings_source_weights(&opts.source_weights, &opts.source_weight_count, req->arena,
                               caller->org_settings_json, caller->settings_json);
    const char *query = NULL;
    bool explain = false;
    rc = read_search_request(&query, &explain, &opts, body, req->arena);
    json_decref(body);
    if (rc < 0)
        return rc;
    int64_t retry = 0;
    rc = ud_limits_quota(&ctx->limits, caller->limit_id, caller->plan, ud_now(), &retry);
    if (rc == UD_EAGAIN)
        ud_api_retry_after(res, req, retry);
    if (rc < 0)
        return rc;
    /* Permissions are applied inside the index: documents outside the
     * caller's principals never enter a candidate list or a count. */
    opts.principals = caller->principals;
    opts.principal_count = caller->principal_count;
    ud_search_hit *hits = NULL;
    size_t count = 0;
    rc = ud_searcher_search(&hits, &count, ctx->searcher, req->arena, caller->org_id, query, &opts);
    if (rc < 0)
        return rc;
    json_t *results = json_array();
    for (size_t i = 0; i < count; i++) {
        const ud_search_hit *h = &hits[i];
        json_t *item = json_pack(
            "{s:s,s:I,s:o,s:s,s:o,s:o,s:s,s:f,s:s,s:o}", "document_id", h->doc_id, "chunk_index",
            (json_int_t)h->chunk_index, "title", ud_api_string_or_null(h->title), "source_type",
            h->source_type ? h->source_type : "", "url", ud_api_string_or_null(h->url), "path",
            ud_api_string_or_null(h->path), "heading_path", h->heading_path ? h->heading_path : "",
            "score", h->score, "excerpt", h->excerpt ? h->excerpt : "", "updated_at",
            ud_api_time_or_null(h->updated_at));
        if (explain)
            json_object_set_new(item, "explain", ud_rank_explain_json(&h->factors));
        json_array_append_new(results, item);
    }
    double took = ud_monotonic_ms() - started;
    record_search(ctx, caller, query, hits, count, took, req->arena);
    return ud_http_respond_json(res, req, 200,
                                json_pack("{s:s,s:o,s:I}", "query", query, "results", results,
                                          "took_ms", (json_int_t)(took + 0.5)));
}

/* True when the document's ACL (a JSON array) names one of the caller's
 * principals. */
static bool caller_may_read(const ud_caller *caller, const char *acl_json)
{
    json_t *acl = json_loads(acl_json ? acl_json : "[]", 0, NULL);
    bool allowed = false;
    for (size_t i = 0; json_is_array(acl) && i < json_array_size(acl) && !allowed; i++) {
        const char *principal = json_string_value(json_array_get(acl, i));
        for (size_t j = 0; principal && j < caller->principal_count && !allowed; j++)
            allowed = strcmp(principal, caller->principals[j]) == 0;
    }
    json_decref(acl);
    return allowed;
}

int ud_api_readable_document(ud_doc_row *out, ud_api_context *ctx, const ud_http_request *req,
                             const char *id)
{
    const ud_caller *caller = ud_api_caller(req);
    int rc = ud_meta_document_get(out, ctx->meta, req->arena, caller->org_id, id);
    if (rc < 0)
        return rc;
    /* A document the caller may not read does not exist for them. */
    if (!caller_may_read(caller, out->acl_json))
        return ud_error_set(UD_ENOTFOUND, "no document '%s'", id);
    return 0;
}

static int handle_document(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_doc_row doc;
    int rc = ud_api_readable_document(&doc, ctx, req, ud_http_param(req, "id"));
    if (rc < 0)
        return rc;
    /* Who else may read it (other people's emails and groups) is for admins. */
    if (!ud_api_caller(req)->can_admin)
        doc.acl_json = NULL;
    json_t *out = json_pack(
        "{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "id", doc.id,
        "source_key", doc.source_key, "source_type", doc.source_type, "title",
        ud_api_string_or_null(doc.title), "url", ud_api_string_or_null(doc.url), "path",
        ud_api_string_or_null(doc.path), "author", ud_api_string_or_null(doc.author), "language",
        ud_api_string_or_null(doc.language), "file_type", ud_api_string_or_null(doc.file_type),
        "content_hash", doc.content_hash ? doc.content_hash : "", "metadata",
        ud_api_json_column(doc.metadata_json), "acl", ud_api_json_column(doc.acl_json),
        "created_at", ud_api_time_or_null(doc.created_at), "updated_at",
        ud_api_time_or_null(doc.updated_at), "indexed_at", ud_api_time_or_null(doc.indexed_at),
        "chunk_count", (json_int_t)doc.chunk_count, "text_bytes", (json_int_t)doc.text_bytes);
    return ud_http_respond_json(res, req, 200, out);
}

static const ud_http_route ROUTES[] = {
    {"GET", "/healthz", handle_health, UD_ACCESS_PUBLIC, UD_HTTP_INLINE},
    {"POST", "/v1/auth/login", ud_api_login, UD_ACCESS_PUBLIC, UD_HTTP_POOLED},
    {"POST", "/v1/auth/refresh", ud_api_refresh, UD_ACCESS_PUBLIC, UD_HTTP_POOLED},
    {"POST", "/v1/auth/logout", ud_api_logout, UD_ACCESS_PUBLIC, UD_HTTP_POOLED},
    {"GET", "/v1/raw/{org}/{id}", ud_api_raw, UD_ACCESS_PUBLIC, UD_HTTP_POOLED},
    {"GET", "/v1/me", ud_api_me, UD_ACCESS_SEARCH, UD_HTTP_POOLED},
    {"GET", "/v1/me/settings", ud_api_my_settings_get, UD_ACCESS_OWN, UD_HTTP_POOLED},
    {"PUT", "/v1/me/settings", ud_api_my_settings_put, UD_ACCESS_OWN, UD_HTTP_POOLED},
    {"POST", "/v1/search", handle_search, UD_ACCESS_SEARCH, UD_HTTP_POOLED},
    {"POST", "/v1/ask", ud_api_ask, UD_ACCESS_ASK, UD_HTTP_POOLED},
    {"GET", "/v1/documents/{id}", handle_document, UD_ACCESS_SEARCH, UD_HTTP_POOLED},
    {"POST", "/v1/documents/{id}/link", ud_api_document_link, UD_ACCESS_SEARCH, UD_HTTP_POOLED},
    {"GET", "/v1/history", ud_api_history_list, UD_ACCESS_OWN, UD_HTTP_POOLED},
    {"PATCH", "/v1/history/{id}", ud_api_history_update, UD_ACCESS_OWN, UD_HTTP_POOLED},
    {"DELETE", "/v1/history/{id}", ud_api_history_delete, UD_ACCESS_OWN, UD_HTTP_POOLED},
    {"GET", "/v1/users", ud_api_users_list, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"POST", "/v1/users", ud_api_users_create, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/users/{id}", ud_api_user_get, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"PATCH", "/v1/users/{id}", ud_api_user_update, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"DELETE", "/v1/users/{id}", ud_api_user_delete, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/api-keys", ud_api_keys_list, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"POST", "/v1/api-keys", ud_api_keys_create, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"DELETE", "/v1/api-keys/{id}", ud_api_key_revoke, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/settings", ud_api_org_settings_get, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"PUT", "/v1/settings", ud_api_org_settings_put, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/audit", ud_api_audit_list, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/usage", ud_api_usage, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/sources", ud_api_sources_list, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"POST", "/v1/sources", ud_api_sources_create, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/sources/{id}", ud_api_source_get, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"DELETE", "/v1/sources/{id}", ud_api_source_delete, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"POST", "/v1/sources/{id}/sync", ud_api_source_sync, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
    {"GET", "/v1/sources/{id}/logs", ud_api_source_logs, UD_ACCESS_ADMIN, UD_HTTP_POOLED},
};

const ud_http_route *ud_api_routes(size_t *out_count)
{
    *out_count = sizeof(ROUTES) / sizeof(ROUTES[0]);
    return ROUTES;
}
