/*
 * The `openai` embedding provider: any OpenAI-compatible /v1/embeddings
 * endpoint (OpenAI, Azure, Ollama, vLLM, TEI, llama.cpp's server) behind
 * the embedder interface (embedder.h), through the one HTTP client.
 */
#ifndef UD_EMBED_OPENAI_EMBED_H
#define UD_EMBED_OPENAI_EMBED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "embed/embedder.h"

#define UD_OPENAI_EMBED_MAX_BATCH 2048 /* inputs per request, the API's limit */

typedef struct ud_openai_embed_config {
    const char *base_url; /* "https://api.openai.com/v1", "http://localhost:11434/v1" */
    const char *api_key;  /* NULL: no Authorization header (local servers) */
    const char *model;    /* "text-embedding-3-large" */
    /* The vector size, sent as the `dimensions` parameter (the spec uses
     * 1536 with text-embedding-3-large). Required. */
    uint32_t dimensions;
    /* Do not send `dimensions` (text-embedding-ada-002 and servers that
     * refuse it): the vectors must then have `dimensions` floats already. */
    bool omit_dimensions;
    size_t batch_size;      /* inputs per request; 0 or more than 2048: 2048 */
    size_t max_batch_bytes; /* text bytes per request (the API caps tokens); 0: 512 KiB */
    long timeout_seconds;   /* per request; 0: 60 */
    int max_retries;        /* on 429 and 5xx; 0: 5; -1: none */
    long retry_base_ms;     /* the first backoff delay; 0: 1000 */
    double rate_per_second; /* requests; 0: no limit */
} ud_openai_embed_config;

/* Opens the provider (no request is made yet). UD_EINVAL without a base
 * URL, a model or dimensions. The embedder is thread-safe. Vectors come
 * back scaled to unit length; an empty text gets none (out_has false). */
int ud_embedder_open_openai(ud_embedder **out, const ud_openai_embed_config *config) UD_MUST_CHECK;

/* The tokens the service reported (usage.total_tokens) over the life of an
 * `openai` embedder, for cost; 0 for any other embedder. */
int64_t ud_embedder_openai_tokens(const ud_embedder *embedder);

#endif
