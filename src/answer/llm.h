/*
 * Answer generators: a question and its context in, an answer out, streamed
 * as text deltas. One interface (a table of functions chosen by
 * configuration) with three kinds:
 *   anthropic   the Messages API, streaming, the system prompt cached
 *   openai      any OpenAI-compatible chat completions API, streaming
 *               (OpenAI, Azure, Ollama, vLLM, llama.cpp's server)
 *   extractive  no model: the best sentences of the context, cited
 * and a failover/routing wrapper (answer/router.h) that is itself an ud_llm.
 *
 * A generator never sees the index or the store: the pipeline
 * (answer/pipeline.h) retrieves, assembles the context and hands it here.
 */
#ifndef UD_ANSWER_LLM_H
#define UD_ANSWER_LLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* One retrieved chunk given to a generator, in rank order. */
typedef struct ud_context_chunk {
    const char *doc_id;
    int64_t chunk_index;
    const char *title;
    const char *source_type;
    const char *url; /* may be NULL */
    const char *text;
    double score;
} ud_context_chunk;

typedef struct ud_llm_request {
    const char *system;   /* the system prompt (the spec's) */
    const char *question; /* the user's question */
    /* The context as the spec assembles it: "[Source: Title (type)]\n<text>"
     * blocks joined by blank lines, within the token budget. */
    const char *context;
    const ud_context_chunk *chunks; /* the same chunks, structured */
    size_t chunk_count;
    int max_tokens; /* of the answer; default 1024 */
} ud_llm_request;

/* input_tokens counts only the input billed at the full rate: the cached
 * part is in cache_read_tokens or cache_write_tokens, never in both (the
 * openai provider subtracts cached_tokens from prompt_tokens). */
typedef struct ud_llm_usage {
    int64_t input_tokens;
    int64_t output_tokens;
    int64_t cache_read_tokens;  /* input tokens served from the prompt cache */
    int64_t cache_write_tokens; /* input tokens written to the prompt cache */
} ud_llm_usage;

typedef struct ud_llm_result {
    char *text; /* the whole answer, malloc'd (ud_llm_result_dispose) */
    size_t text_len;
    ud_llm_usage usage;
    char provider[32];    /* "anthropic", "openai", "extractive" */
    char model[128];      /* the model that answered */
    char stop_reason[32]; /* "end_turn", "max_tokens", "stop", ... */
    /* Set by the router: which generator answered and why. */
    char route[64];         /* "primary", "cheap", "fallback" */
    char route_reason[128]; /* why: "simple: 'what is', 4 words", "primary failed: ..." */
    bool text_sent;         /* some text was handed to on_text (no failover after that) */
} ud_llm_result;

void ud_llm_result_dispose(ud_llm_result *result);

/* Receives each piece of the answer as it arrives. A non-zero return means
 * the listener is gone (the client disconnected): the generator stops,
 * cancels its upstream request and returns UD_ECANCELED. */
typedef int (*ud_llm_on_text)(const char *delta, size_t len, void *payload);

typedef struct ud_llm ud_llm;

typedef struct ud_llm_ops {
    /* Generates the answer. Errors, for the router's failover rules:
     *   UD_ETIMEOUT    no answer (or no progress) within the timeout
     *   UD_EUPSTREAM   5xx, 529 overloaded, a mid-stream error event, a
     *                  malformed stream, a dropped connection
     *   UD_EAGAIN      429 after the HTTP client's retries ran out
     *   UD_EAUTH       401/403 from the provider (a configuration error)
     *   UD_EINVAL      400 from the provider
     * On any error, out->text_sent tells whether text reached on_text, and
     * out->text holds what did. When on_text returns non-zero the
     * generator stops at once and returns UD_ECANCELED. */
    int (*generate)(ud_llm *self, ud_llm_result *out, const ud_llm_request *req,
                    ud_llm_on_text on_text, void *payload);
    void (*free)(ud_llm *self);
} ud_llm_ops;

struct ud_llm {
    const ud_llm_ops *ops;
    char kind[32];   /* "anthropic", "openai", "extractive", "router" */
    char model[128]; /* the model it asks for ("" for extractive) */
};

/* How to reach a model provider. */
typedef struct ud_llm_config {
    const char *kind;     /* "anthropic" | "openai" | "extractive" */
    const char *base_url; /* "https://api.anthropic.com", "https://api.openai.com/v1", ... */
    const char *api_key;  /* may be NULL (local servers) */
    const char *model;
    long timeout_seconds; /* whole request; also the longest silence mid-stream */
    long max_retries;     /* of the HTTP client before the first byte, default 2; -1: none */
    /* extractive only: word vectors for sentence similarity (borrowed, may
     * be NULL: term overlap alone). */
    struct ud_embedder *embedder;
    long retry_base_ms; /* the HTTP client's first backoff delay, doubled each retry; 0: 1 s */
} ud_llm_config;

/* Makes the generator the config names (the table in llm.c, of the
 * generators in providers.h). UD_EINVAL for an unknown kind, with the
 * known ones, or a missing base URL/model. */
int ud_llm_new(ud_llm **out, const ud_llm_config *config) UD_MUST_CHECK;

static inline int ud_llm_generate(ud_llm *llm, ud_llm_result *out, const ud_llm_request *req,
                                  ud_llm_on_text on_text, void *payload)
{
    return llm->ops->generate(llm, out, req, on_text, payload);
}

static inline void ud_llm_free(ud_llm *llm)
{
    if (llm)
        llm->ops->free(llm);
}

#endif
