/*
 * The product's HTTP API of the foundation: health, search and document
 * lookup. Each handler validates its input completely before doing work and
 * answers bad input with UD_EINVAL (400) or UD_EUNSUPPORTED (415) and a
 * message naming the field.
 */
#include "server/api.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/log.h"

#define MAX_QUERY_BYTES 1000
#define MAX_SOURCE_TYPES 16

static int handle_health(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    int64_t documents = 0;
    if (ud_meta_document_count(ctx->meta, ctx->org_id, &documents) < 0) {
        /* A load balancer takes this instance out; the cause goes to the log. */
        UD_LOG(NULL, UD_LOG_ERROR, "health check: metadata store: %s", ud_error_last());
        return ud_http_respond_json(
            res, req, 503,
            json_pack("{s:s,s:s}", "status", "unavailable", "version", ctx->version));
    }
    return ud_http_respond_json(res, req, 200,
                                json_pack("{s:s,s:s,s:s,s:I}", "status", "ok", "version",
                                          ctx->version, "store", ud_meta_backend(ctx->meta),
                                          "documents", (json_int_t)documents));
}

/* The body must be JSON: "application/json" with or without parameters. */
static int require_json(const ud_http_request *req)
{
    const char *type = req->content_type;
    size_t n = strlen("application/json");
    if (!type || strncasecmp(type, "application/json", n) != 0 ||
        (type[n] != '\0' && type[n] != ';' && type[n] != ' '))
        return ud_error_set(UD_EUNSUPPORTED, "Content-Type must be application/json");
    if (!req->body || req->body_len == 0)
        return ud_error_set(UD_EINVAL, "the request body is empty; expected a JSON object");
    return 0;
}

static int parse_body(json_t **out, const ud_http_request *req)
{
    int rc = require_json(req);
    if (rc < 0)
        return rc;
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

/* Reads and checks the fields of a search request into opts. */
static int read_search_request(const char **out_query, bool *out_explain, ud_search_opts *opts,
                               json_t *body, ud_arena *arena)
{
    json_t *query = json_object_get(body, "query");
    if (!query)
        return ud_error_set(UD_EINVAL, "missing field: query");
    if (!json_is_string(query))
        return ud_error_set(UD_EINVAL, "field query must be a string");
    size_t query_len = json_string_length(query);
    if (query_len == 0 || strspn(json_string_value(query), " \t\r\n") == query_len)
        return ud_error_set(UD_EINVAL, "field query must not be empty");
    if (query_len > MAX_QUERY_BYTES || memchr(json_string_value(query), '\0', query_len))
        return ud_error_set(UD_EINVAL, "field query must be at most %d bytes of text",
                            MAX_QUERY_BYTES);
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
                                "field source_types must be an array of at most %d "
                                "strings",
                                MAX_SOURCE_TYPES);
        size_t n = json_array_size(types);
        const char **list = ud_arena_alloc(arena, (n ? n : 1) * sizeof(char *));
        for (size_t i = 0; i < n; i++) {
            json_t *item = json_array_get(types, i);
            if (!json_is_string(item))
                return ud_error_set(UD_EINVAL, "field source_types must contain only strings");
            list[i] = ud_arena_strdup(arena, json_string_value(item));
        }
        if (n > 0) {
            opts->source_types = list;
            opts->source_type_count = n;
        }
    }
    json_t *mode = json_object_get(body, "mode");
    if (mode && !json_is_null(mode)) {
        int m = ud_search_mode_parse(json_string_value(mode));
        if (m < 0)
            return ud_error_set(UD_EINVAL, "field mode must be bm25, vector or hybrid");
        opts->mode = (ud_search_mode)m;
    }
    json_t *fusion = json_object_get(body, "fusion");
    if (fusion && !json_is_null(fusion)) {
        int f = ud_fusion_parse(json_string_value(fusion));
        if (f < 0)
            return ud_error_set(UD_EINVAL, "field fusion must be rrf or weighted");
        opts->fusion = (ud_fusion)f;
    }
    json_t *explain = json_object_get(body, "explain");
    if (explain && !json_is_boolean(explain))
        return ud_error_set(UD_EINVAL, "field explain must be true or false");
    *out_explain = json_is_true(explain);
    *out_query = ud_arena_strdup(arena, json_string_value(query));
    return 0;
}

static json_t *time_or_null(int64_t when)
{
    if (!when)
        return json_null();
    char text[32];
    ud_time_format(text, when);
    return json_string(text);
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int handle_search(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    double started = ud_monotonic_ms();
    json_t *body = NULL;
    int rc = parse_body(&body, req);
    if (rc < 0)
        return rc;
    ud_search_opts opts = {.top_k = 10, .mode = UD_MODE_HYBRID, .fusion = UD_FUSION_WEIGHTED};
    const char *query = NULL;
    bool explain = false;
    rc = read_search_request(&query, &explain, &opts, body, req->arena);
    json_decref(body);
    if (rc < 0)
        return rc;
    ud_search_hit *hits = NULL;
    size_t count = 0;
    rc = ud_searcher_search(&hits, &count, ctx->searcher, req->arena, ctx->org_id, query, &opts);
    if (rc < 0)
        return rc;
    json_t *results = json_array();
    for (size_t i = 0; i < count; i++) {
        const ud_search_hit *h = &hits[i];
        json_array_append_new(
            results,
            json_pack("{s:s,s:I,s:o,s:s,s:o,s:o,s:s,s:f,s:s,s:o}", "document_id", h->doc_id,
                      "chunk_index", (json_int_t)h->chunk_index, "title", string_or_null(h->title),
                      "source_type", h->source_type ? h->source_type : "", "url",
                      string_or_null(h->url), "path", string_or_null(h->path), "heading_path",
                      h->heading_path ? h->heading_path : "", "score", h->score, "excerpt",
                      h->excerpt ? h->excerpt : "", "updated_at", time_or_null(h->updated_at)));
        if (explain)
            json_object_set_new(json_array_get(results, i), "explain",
                                ud_rank_explain_json(&h->factors));
    }
    double took = ud_monotonic_ms() - started;
    return ud_http_respond_json(res, req, 200,
                                json_pack("{s:s,s:o,s:I}", "query", query, "results", results,
                                          "took_ms", (json_int_t)(took + 0.5)));
}

/* A JSON column's text as a value; text that does not parse is returned as
 * a string rather than failing the request. */
static json_t *json_column(const char *text)
{
    json_t *value = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    return value ? value : string_or_null(text);
}

static int handle_document(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const char *id = ud_http_param(req, "id");
    ud_doc_row doc;
    int rc = ud_meta_document_get(&doc, ctx->meta, req->arena, ctx->org_id, id);
    if (rc < 0)
        return rc;
    json_t *out = json_pack(
        "{s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "id", doc.id,
        "source_key", doc.source_key, "source_type", doc.source_type, "title",
        string_or_null(doc.title), "url", string_or_null(doc.url), "path", string_or_null(doc.path),
        "author", string_or_null(doc.author), "language", string_or_null(doc.language), "file_type",
        string_or_null(doc.file_type), "content_hash", doc.content_hash ? doc.content_hash : "",
        "metadata", json_column(doc.metadata_json), "acl", json_column(doc.acl_json), "created_at",
        time_or_null(doc.created_at), "updated_at", time_or_null(doc.updated_at), "indexed_at",
        time_or_null(doc.indexed_at), "chunk_count", (json_int_t)doc.chunk_count, "text_bytes",
        (json_int_t)doc.text_bytes);
    return ud_http_respond_json(res, req, 200, out);
}

static const ud_http_route ROUTES[] = {
    {"GET", "/healthz", handle_health},
    {"POST", "/v1/search", handle_search},
    {"GET", "/v1/documents/{id}", handle_document},
};

const ud_http_route *ud_api_routes(size_t *out_count)
{
    *out_count = sizeof(ROUTES) / sizeof(ROUTES[0]);
    return ROUTES;
}
