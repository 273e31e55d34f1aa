/*
 * The `openai` embedding provider (openai_embed.h). Texts are sent in
 * batches (at most 2048 inputs and a cap of text bytes per request), each
 * as {"model", "input": [...], "dimensions", "encoding_format": "float"};
 * the vectors come back by index, are checked for their size and scaled to
 * unit length. Retries of 429 and 5xx, honouring Retry-After, are the HTTP
 * client's. The tokens each response reports are added up for cost.
 */
#include <jansson.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http_client.h"
#include "base/mem.h"
#include "embed/openai_embed.h"

#define DEFAULT_MAX_BATCH_BYTES ((size_t)512 << 10)
#define DEFAULT_TIMEOUT_SECONDS 60
#define MAX_DIMENSIONS 16384

typedef struct openai_embed {
    ud_http_client *http; /* thread-safe; everything else is read-only but tokens */
    char *url;            /* {base_url}/embeddings */
    char *auth_header;    /* NULL without a key */
    char *model;
    uint32_t dims;
    bool send_dimensions;
    size_t batch_size;
    size_t max_batch_bytes;
    atomic_int_fast64_t tokens;
} openai_embed;

/* Scales v to unit length; false for a zero vector. */
static bool normalise(float *v, uint32_t dims)
{
    double norm = 0;
    for (uint32_t i = 0; i < dims; i++)
        norm += (double)v[i] * v[i];
    norm = sqrt(norm);
    if (!(norm > 0) || !isfinite(norm))
        return false;
    for (uint32_t i = 0; i < dims; i++)
        v[i] = (float)(v[i] / norm);
    return true;
}

/* One request: the texts at positions idx[0..n) of the caller's arrays. */
static int request_batch(openai_embed *e, const char *const *texts, const size_t *lens,
                         const size_t *idx, size_t n, float *out, bool *out_has)
{
    json_t *input = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_stringn(texts[idx[i]], lens[idx[i]]);
        if (!s) {
            json_decref(input);
            return ud_error_set(UD_EINVAL, "embeddings: text %zu is not valid UTF-8", idx[i]);
        }
        json_array_append_new(input, s);
    }
    json_t *body =
        json_pack("{s:s, s:o, s:s}", "model", e->model, "input", input, "encoding_format", "float");
    if (!body)
        return ud_error_set(UD_EINVAL, "embeddings: the model name is not valid UTF-8");
    if (e->send_dimensions)
        json_object_set_new(body, "dimensions", json_integer(e->dims));
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);

    const char *headers[] = {"content-type: application/json", e->auth_header, NULL};
    /* A float prints in at most ~16 bytes and a separator: room for them. */
    ud_http_request req = {.method = "POST",
                           .url = e->url,
                           .headers = headers,
                           .body = text,
                           .body_len = strlen(text),
                           .max_response = n * (size_t)e->dims * 24 + ((size_t)1 << 20)};
    ud_http_response res;
    int rc = ud_http_client_send(&res, e->http, &req);
    free(text);
    json_t *root = NULL;
    bool *seen = NULL;
    if (rc < 0)
        goto done;
    json_error_t jerr;
    root = json_loadb(res.body.ptr ? res.body.ptr : "", res.body.len, 0, &jerr);
    json_t *data = json_object_get(root, "data");
    if (!json_is_array(data)) {
        rc = ud_error_set(UD_EUPSTREAM, "embeddings: the response has no data array: %.80s",
                          root ? "" : jerr.text);
        goto done;
    }
    seen = ud_calloc(n, sizeof(*seen));
    size_t k;
    json_t *item;
    json_array_foreach(data, k, item)
    {
        json_t *index = json_object_get(item, "index");
        json_t *vector = json_object_get(item, "embedding");
        /* Without an index, the order of the list is the order of inputs. */
        json_int_t at = json_is_integer(index) ? json_integer_value(index) : (json_int_t)k;
        if (at < 0 || (size_t)at >= n || !json_is_array(vector) ||
            json_array_size(vector) != e->dims) {
            rc = ud_error_set(UD_EUPSTREAM,
                              "embeddings: item %zu has a bad index or not %u floats (%zu)", k,
                              e->dims, json_is_array(vector) ? json_array_size(vector) : 0);
            goto done;
        }
        size_t pos = idx[at];
        float *v = out + pos * e->dims;
        for (uint32_t d = 0; d < e->dims; d++) {
            json_t *x = json_array_get(vector, d);
            if (!json_is_number(x)) {
                rc = ud_error_set(UD_EUPSTREAM, "embeddings: item %zu holds a non-number", k);
                goto done;
            }
            v[d] = (float)json_number_value(x);
        }
        out_has[pos] = normalise(v, e->dims);
        seen[at] = true;
    }
    for (size_t i = 0; i < n; i++)
        if (!seen[i]) {
            rc = ud_error_set(UD_EUPSTREAM, "embeddings: %zu inputs sent, no vector for input %zu",
                              n, i);
            goto done;
        }
    json_t *usage = json_object_get(root, "usage");
    json_t *total = json_object_get(usage, "total_tokens");
    if (!json_is_integer(total))
        total = json_object_get(usage, "prompt_tokens");
    if (json_is_integer(total) && json_integer_value(total) > 0)
        atomic_fetch_add(&e->tokens, (int_fast64_t)json_integer_value(total));
done:
    free(seen);
    json_decref(root);
    ud_http_response_dispose(&res);
    return rc;
}

static int embed_batch(void *self, const char *const *texts, const size_t *lens, size_t count,
                       float *out, bool *out_has)
{
    openai_embed *e = self;
    for (size_t i = 0; i < count; i++)
        out_has[i] = false;
    /* Empty texts are refused by the API: they simply get no vector. */
    size_t *idx = ud_malloc((count ? count : 1) * sizeof(*idx));
    size_t i = 0;
    int rc = 0;
    while (i < count && rc == 0) {
        size_t n = 0, bytes = 0;
        while (i < count && n < e->batch_size) {
            if (lens[i] == 0) {
                i++;
                continue;
            }
            if (n > 0 && bytes + lens[i] > e->max_batch_bytes)
                break;
            bytes += lens[i];
            idx[n++] = i++;
        }
        if (n > 0)
            rc = request_batch(e, texts, lens, idx, n, out, out_has);
    }
    free(idx);
    return rc;
}

static int embed_one(void *self, const char *text, size_t len, float *out, bool *out_has)
{
    return embed_batch(self, &text, &len, 1, out, out_has);
}

static void openai_free(void *self)
{
    openai_embed *e = self;
    ud_http_client_free(e->http);
    free(e->url);
    free(e->auth_header);
    free(e->model);
    free(e);
}

static const ud_embedder_ops OPENAI_OPS = {
    .embed = embed_one, .free = openai_free, .embed_batch = embed_batch};

int ud_embedder_open_openai(ud_embedder **out, const ud_openai_embed_config *config)
{
    if (!config || !config->base_url || !config->base_url[0] || !config->model || !config->model[0])
        return ud_error_set(UD_EINVAL, "the openai embedder needs a base URL and a model");
    if (config->dimensions == 0 || config->dimensions > MAX_DIMENSIONS)
        return ud_error_set(UD_EINVAL, "the openai embedder needs dimensions (1 to %d)",
                            MAX_DIMENSIONS);
    long timeout = config->timeout_seconds > 0 ? config->timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
    ud_http_client_config hc = {.name = "embeddings",
                                .timeout_ms = timeout * 1000,
                                .max_retries = config->max_retries,
                                .retry_base_ms = config->retry_base_ms,
                                .rate_per_second = config->rate_per_second};
    ud_http_client *http = NULL;
    int rc = ud_http_client_new(&http, &hc);
    if (rc < 0)
        return rc;
    openai_embed *e = ud_calloc(1, sizeof(*e));
    e->http = http;
    size_t n = strlen(config->base_url);
    while (n > 0 && config->base_url[n - 1] == '/')
        n--;
    if (asprintf(&e->url, "%.*s/embeddings", (int)n, config->base_url) < 0)
        ud_oom(0);
    if (config->api_key && config->api_key[0] &&
        asprintf(&e->auth_header, "Authorization: Bearer %s", config->api_key) < 0)
        ud_oom(0);
    e->model = ud_strdup(config->model);
    e->dims = config->dimensions;
    e->send_dimensions = !config->omit_dimensions;
    e->batch_size = config->batch_size > 0 && config->batch_size <= UD_OPENAI_EMBED_MAX_BATCH
                        ? config->batch_size
                        : UD_OPENAI_EMBED_MAX_BATCH;
    e->max_batch_bytes =
        config->max_batch_bytes ? config->max_batch_bytes : DEFAULT_MAX_BATCH_BYTES;
    atomic_init(&e->tokens, 0);
    ud_embedder *emb = ud_calloc(1, sizeof(*emb));
    emb->ops = &OPENAI_OPS;
    emb->self = e;
    emb->info = (ud_embedder_info){"openai", e->model, e->dims};
    *out = emb;
    return 0;
}

int64_t ud_embedder_openai_tokens(const ud_embedder *embedder)
{
    if (!embedder || embedder->ops != &OPENAI_OPS)
        return 0;
    openai_embed *e = embedder->self;
    return (int64_t)atomic_load(&e->tokens);
}
