/*
 * POST /v1/ask: the answer pipeline (answer/pipeline.h) behind the API.
 *
 * The generator may take many seconds; the route runs on the server's
 * worker pool (http.h), like every route but the health check, so the
 * wait holds one worker and no HTTP thread. The answer is one JSON
 * document, or streamed as Server-Sent Events:
 *   event: delta      data: {"text": "..."}            pieces of the answer
 *   event: citations  data: {"citations": [...], "dropped": n}
 *   event: done       data: {"provider", "model", "route", "usage", "cost_usd", ...}
 *   event: error      data: {"error": {"code", "message"}}
 * When a streaming client goes away, the next write fails and the
 * generator cancels its upstream request.
 *
 * Answers are cached for an hour under search:{hash}:{org} (store/cache.h);
 * the hash covers the question, the options, the caller's principals and
 * the organization's index generation, so a changed index or another
 * caller's permissions never hit an old answer. Every answer is recorded
 * in the caller's history with its tokens and cost; one over the alert
 * threshold is written to the audit log.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/cost.h"
#include "answer/pipeline.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/mem.h"
#include "connectors/connector.h"
#include "server/api_routes.h"
#include "server/api_util.h"
#include "server/settings.h"
#include "store/cache.h"
#include "store/meta_history.h"

#define MAX_QUESTION_BYTES 2000
#define MAX_SOURCE_TYPES 16

/* Everything one answer needs, owned, so that a streamed answer can
 * outlive its request. */
typedef struct ask_job {
    ud_api_context *ctx;
    ud_arena arena;
    ud_answer_opts opts;
    const char *org_id;
    const char *user_id;    /* NULL for a key whose creator was removed */
    const char *api_key_id; /* NULL for a user */
    const char *actor;
    char cache_key[160];
    ud_http_stream *stream; /* NULL when deferred */
} ask_job;

static void job_free(void *payload)
{
    ask_job *job = payload;
    ud_arena_dispose(&job->arena);
    free(job);
}

static const char **copy_strings(ud_arena *arena, const char *const *list, size_t count)
{
    const char **out = ud_arena_alloc(arena, (count ? count : 1) * sizeof(char *));
    for (size_t i = 0; i < count; i++)
        out[i] = ud_arena_strdup(arena, list[i]);
    return out;
}

/* The cache key: every input that can change the answer. */
static void make_cache_key(ask_job *job, int64_t generation)
{
    const ud_search_opts *s = &job->opts.search;
    json_t *parts = json_pack("{s:s,s:I,s:s,s:I,s:i,s:i,s:I}", "kind", "ask", "generation",
                              (json_int_t)generation, "question", job->opts.question, "top_k",
                              (json_int_t)s->top_k, "mode", (int)s->mode, "fusion", (int)s->fusion,
                              "context_tokens", (json_int_t)job->opts.context_tokens);
    json_t *types = json_array(), *principals = json_array(), *weights = json_object();
    for (size_t i = 0; i < s->source_type_count; i++)
        json_array_append_new(types, json_string(s->source_types[i]));
    for (size_t i = 0; i < s->principal_count; i++)
        json_array_append_new(principals, json_string(s->principals[i]));
    for (size_t i = 0; i < s->source_weight_count; i++)
        json_object_set_new(weights, s->source_weights[i].source_type,
                            json_real(s->source_weights[i].multiplier));
    json_object_set_new(parts, "source_types", types);
    json_object_set_new(parts, "principals", principals);
    json_object_set_new(parts, "weights", weights);
    char *text = json_dumps(parts, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(parts);
    const char *list[] = {text};
    ud_cache_key(job->cache_key, job->org_id, list, 1);
    free(text);
}

/* Reads the request into a new job. */
static int read_ask(ask_job **out, ud_api_context *ctx, const ud_http_request *req, bool *stream)
{
    const ud_caller *caller = ud_api_caller(req);
    json_t *body = NULL;
    int rc = ud_api_parse_body(&body, req);
    if (rc < 0)
        return rc;
    ask_job *job = ud_calloc(1, sizeof(*job));
    ud_arena_init(&job->arena);
    job->ctx = ctx;
    ud_arena *arena = &job->arena;
    const char *question = NULL;
    rc = ud_api_string_field(&question, body, "question", MAX_QUESTION_BYTES, true, arena);
    if (rc == 0 && strspn(question, " \t\r\n") == strlen(question))
        rc = ud_error_set(UD_EINVAL, "field question must not be empty");
    ud_search_opts *s = &job->opts.search;
    s->top_k = 10;
    s->mode = ud_settings_default_mode(caller->org_settings_json, UD_MODE_HYBRID);
    s->fusion = UD_FUSION_WEIGHTED;
    json_t *top_k = json_object_get(body, "top_k");
    if (rc == 0 && top_k && !json_is_null(top_k)) {
        if (!json_is_integer(top_k) || json_integer_value(top_k) < 1 ||
            json_integer_value(top_k) > 50)
            rc = ud_error_set(UD_EINVAL, "field top_k must be an integer from 1 to 50");
        else
            s->top_k = (size_t)json_integer_value(top_k);
    }
    json_t *types = json_object_get(body, "source_types");
    if (rc == 0 && types && !json_is_null(types)) {
        size_t n = json_is_array(types) ? json_array_size(types) : MAX_SOURCE_TYPES + 1;
        const char **list = ud_arena_alloc(arena, (n ? n : 1) * sizeof(char *));
        for (size_t i = 0; rc == 0 && i < n && n <= MAX_SOURCE_TYPES; i++) {
            json_t *item = json_array_get(types, i);
            if (!json_is_string(item) || json_string_length(item) > 64)
                rc = ud_error_set(UD_EINVAL, "field source_types must hold short strings");
            else
                list[i] = ud_arena_strdup(arena, json_string_value(item));
        }
        if (rc == 0 && n > MAX_SOURCE_TYPES)
            rc =
                ud_error_set(UD_EINVAL, "field source_types must be an array of at most %d strings",
                             MAX_SOURCE_TYPES);
        if (rc == 0)
            rc = ud_source_types_check(list, n);
        if (rc == 0 && n > 0) {
            s->source_types = list;
            s->source_type_count = n;
        }
    }
    bool wants_stream = false;
    if (rc == 0)
        rc = ud_api_bool_field(&wants_stream, body, "stream");
    json_decref(body);
    if (rc < 0) {
        job_free(job);
        return rc;
    }
    job->opts.question = question;
    job->opts.context_tokens = ctx->context_tokens;
    job->opts.max_tokens = ctx->max_answer_tokens;
    s->principals = copy_strings(arena, caller->principals, caller->principal_count);
    s->principal_count = caller->principal_count;
    const ud_source_weight *weights = NULL;
    ud_settings_source_weights(&weights, &s->source_weight_count, arena, caller->org_settings_json,
                               caller->settings_json);
    s->source_weights = weights;
    job->org_id = ud_arena_strdup(arena, caller->org_id);
    job->user_id = caller->user_id ? ud_arena_strdup(arena, caller->user_id) : NULL;
    job->api_key_id = caller->api_key_id ? ud_arena_strdup(arena, caller->api_key_id) : NULL;
    job->actor = ud_arena_strdup(arena, caller->actor);
    *stream = wants_stream;
    *out = job;
    return 0;
}

static json_t *citations_json(const ud_citations *c)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->count; i++) {
        const ud_citation *x = &c->items[i];
        json_array_append_new(list, json_pack("{s:s,s:o,s:s,s:s,s:s}", "title", x->title, "url",
                                              ud_api_string_or_null(x->url), "source_type",
                                              x->source_type ? x->source_type : "", "excerpt",
                                              x->excerpt ? x->excerpt : "", "document_id",
                                              x->doc_id ? x->doc_id : ""));
    }
    return list;
}

/* The outcome of one ask, as both ways of answering need it. */
typedef struct ask_outcome {
    json_t *answer; /* {"answer", "citations", "dropped_citations", "provider", ...} */
    int rc;
} ask_outcome;

/* What the history keeps of one answer. */
typedef struct answer_record {
    const char *provider, *model, *route;
    ud_llm_usage usage;
    double cost;
    int64_t took_ms;
    size_t citations;
    size_t dropped;
    const char *sources[UD_HISTORY_MAX_SOURCES]; /* source types cited, distinct */
    size_t source_count;
} answer_record;

static void add_source(answer_record *rec, const char *type)
{
    if (!type || !type[0] || rec->source_count == UD_HISTORY_MAX_SOURCES)
        return;
    for (size_t j = 0; j < rec->source_count; j++)
        if (strcmp(rec->sources[j], type) == 0)
            return;
    rec->sources[rec->source_count++] = type;
}

static answer_record record_of(const ud_answer *a, double cost)
{
    answer_record rec = {.provider = a->result.provider,
                         .model = a->result.model,
                         .route = a->result.route,
                         .usage = a->result.usage,
                         .cost = cost,
                         .took_ms = a->took_ms,
                         .citations = a->citations.count,
                         .dropped = a->citations.dropped};
    for (size_t i = 0; i < a->citations.count; i++)
        add_source(&rec, a->citations.items[i].source_type);
    return rec;
}

/* Records the answer in the caller's history and the organization's usage
 * (a key's too, with or without a creator); alerts on a costly one. */
static void record_answer(ask_job *job, const answer_record *rec)
{
    ud_api_context *ctx = job->ctx;
    if (rec->cost > ctx->cost_alert_usd) {
        UD_LOG(NULL, UD_LOG_WARN, "org=%s answer cost $%.4f over the alert threshold $%.4f",
               job->org_id, rec->cost, ctx->cost_alert_usd);
        ud_api_audit(ctx, job->org_id, job->actor, "cost_alert", rec->model,
                     json_pack("{s:f,s:f,s:s}", "cost_usd", rec->cost, "threshold_usd",
                               ctx->cost_alert_usd, "question", job->opts.question));
    }
    ud_history_entry entry = {.user_id = job->user_id,
                              .api_key_id = job->api_key_id,
                              .query = job->opts.question,
                              .results_count = (int64_t)rec->citations,
                              .response_time_ms = rec->took_ms,
                              .kind = "ask",
                              .provider = rec->provider,
                              .model = rec->model,
                              .route = rec->route,
                              .input_tokens = rec->usage.input_tokens,
                              .output_tokens = rec->usage.output_tokens,
                              .cache_read_tokens = rec->usage.cache_read_tokens,
                              .cache_write_tokens = rec->usage.cache_write_tokens,
                              .cost_usd = rec->cost,
                              .citations_dropped = (int64_t)rec->dropped};
    memcpy(entry.sources_used, rec->sources, sizeof(rec->sources));
    entry.source_count = rec->source_count;
    if (ud_meta_history_add(&entry, ctx->meta, &job->arena, job->org_id) < 0)
        UD_LOG(NULL, UD_LOG_ERROR, "search history: %s", ud_error_last());
}

/* A cached answer, replayed through on_text; NULL on a miss. */
static json_t *from_cache(ask_job *job, ud_llm_on_text on_text, void *payload)
{
    char *text = NULL;
    size_t len = 0;
    if (ud_cache_get(job->ctx->cache, job->cache_key, &text, &len) < 0 || !text)
        return NULL;
    json_t *cached = json_loadb(text, len, 0, NULL);
    free(text);
    const char *answer = json_string_value(json_object_get(cached, "answer"));
    if (!answer) {
        json_decref(cached);
        return NULL;
    }
    if (on_text)
        on_text(answer, strlen(answer), payload); /* a client gone here loses nothing */
    json_object_set_new(cached, "cached", json_true());
    json_object_set_new(cached, "cost_usd", json_real(0));
    return cached;
}

static ask_outcome run_ask(ask_job *job, ud_llm_on_text on_text, void *payload)
{
    ud_api_context *ctx = job->ctx;
    ask_outcome outcome = {0};
    int64_t generation = 0;
    int rc = ud_meta_generation(ctx->meta, job->org_id, &generation);
    if (rc < 0) {
        outcome.rc = rc;
        return outcome;
    }
    make_cache_key(job, generation);
    double started = ud_monotonic_ms();
    json_t *cached = from_cache(job, on_text, payload);
    if (cached) {
        /* Served from the cache: recorded, at no cost. */
        json_t *citations = json_object_get(cached, "citations");
        answer_record rec = {.provider = json_string_value(json_object_get(cached, "provider")),
                             .model = json_string_value(json_object_get(cached, "model")),
                             .route = "cache",
                             .took_ms = (int64_t)(ud_monotonic_ms() - started + 0.5),
                             .citations = json_array_size(citations)};
        size_t i;
        json_t *c;
        json_array_foreach(citations, i, c)
        {
            add_source(&rec, json_string_value(json_object_get(c, "source_type")));
        }
        record_answer(job, &rec);
        outcome.answer = cached;
        return outcome;
    }
    ud_answer a;
    rc = ud_answer_ask(&a, ctx->searcher, ctx->llm, &job->arena, job->org_id, &job->opts, on_text,
                       payload);
    if (rc < 0) {
        /* What was generated and not answered still cost something. */
        if (a.result.usage.input_tokens || a.result.usage.output_tokens) {
            answer_record rec =
                record_of(&a, ud_answer_cost(&ctx->prices, a.result.model, &a.result.usage));
            record_answer(job, &rec);
        }
        ud_answer_dispose(&a);
        outcome.rc = rc;
        return outcome;
    }
    double cost = ud_answer_cost(&ctx->prices, a.result.model, &a.result.usage);
    answer_record rec = record_of(&a, cost);
    record_answer(job, &rec);
    const ud_llm_usage *u = &a.result.usage;
    json_t *out = json_pack(
        "{s:s%,s:o,s:I,s:s,s:s,s:s,s:s,s:{s:I,s:I,s:I,s:I},s:f,s:I,s:b}", "answer", a.result.text,
        a.result.text_len, "citations", citations_json(&a.citations), "dropped_citations",
        (json_int_t)a.citations.dropped, "provider", a.result.provider, "model", a.result.model,
        "route", a.result.route, "stop_reason", a.result.stop_reason, "usage", "input_tokens",
        (json_int_t)u->input_tokens, "output_tokens", (json_int_t)u->output_tokens,
        "cache_read_tokens", (json_int_t)u->cache_read_tokens, "cache_write_tokens",
        (json_int_t)u->cache_write_tokens, "cost_usd", cost, "took_ms", (json_int_t)a.took_ms,
        "cached", 0);
    ud_answer_dispose(&a);
    if (!out) {
        outcome.rc = ud_error_set(UD_EIO, "the answer could not be encoded as JSON");
        return outcome;
    }
    char *text = json_dumps(out, JSON_COMPACT);
    if (text &&
        ud_cache_set(ctx->cache, job->cache_key, text, strlen(text), UD_CACHE_TTL_SECONDS) < 0)
        UD_LOG(NULL, UD_LOG_WARN, "query cache: %s", ud_error_last());
    free(text);
    outcome.answer = out;
    return outcome;
}

/* ---- one JSON answer --------------------------------------------------------- */

static int answer_json(ud_http_response *res, const ud_http_request *req, ask_job *job)
{
    ask_outcome outcome = run_ask(job, NULL, NULL);
    job_free(job);
    if (outcome.rc < 0)
        return outcome.rc;
    return ud_http_respond_json(res, req, 200, outcome.answer);
}

/* ---- Server-Sent Events ------------------------------------------------------ */

static int send_event(ud_http_stream *stream, const char *event, json_t *data /* stolen */)
{
    char *text = json_dumps(data, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(data);
    if (!text)
        return ud_error_set(UD_ENOMEM, "cannot encode an event");
    size_t len = strlen(text) + strlen(event) + 32; /* "event: ", "\ndata: ", "\n\n", NUL */
    char *frame = ud_malloc(len);
    int n = snprintf(frame, len, "event: %s\ndata: %s\n\n", event, text);
    free(text);
    int rc = ud_http_stream_write(stream, frame, (size_t)n);
    free(frame);
    return rc;
}

static int stream_delta(const char *delta, size_t len, void *payload)
{
    ud_http_stream *stream = payload;
    return send_event(stream, "delta", json_pack("{s:s%}", "text", delta, len)) < 0;
}

static void answer_stream(ud_http_stream *stream, void *payload)
{
    ask_job *job = payload;
    ask_outcome outcome = run_ask(job, stream_delta, stream);
    if (outcome.rc == UD_ECANCELED) {
        UD_LOG(NULL, UD_LOG_INFO, "org=%s answer cancelled: the client went away", job->org_id);
        return;
    }
    int rc = 0;
    if (outcome.rc < 0) {
        rc = send_event(stream, "error",
                        json_pack("{s:{s:s,s:s}}", "error", "code", ud_error_name(outcome.rc),
                                  "message",
                                  ud_error_http_status(outcome.rc) >= 500 &&
                                          outcome.rc != UD_EUPSTREAM && outcome.rc != UD_ETIMEOUT
                                      ? "internal error"
                                      : ud_error_last()));
        return;
    }
    json_t *answer = outcome.answer;
    rc = send_event(stream, "citations",
                    json_pack("{s:O,s:O}", "citations", json_object_get(answer, "citations"),
                              "dropped", json_object_get(answer, "dropped_citations")));
    json_object_del(answer, "answer");
    json_object_del(answer, "citations");
    if (rc == 0)
        rc = send_event(stream, "done", answer);
    else
        json_decref(answer);
    (void)rc; /* a client that left at the end has its answer recorded already */
}

int ud_api_ask(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const ud_caller *caller = ud_api_caller(req);
    ask_job *job = NULL;
    bool stream = false;
    int rc = read_ask(&job, ctx, req, &stream);
    if (rc < 0)
        return rc;
    int64_t retry = 0;
    rc = ud_limits_quota(&ctx->limits, caller->limit_id, caller->plan, ud_now(), &retry);
    if (rc < 0) {
        if (rc == UD_EAGAIN)
            ud_api_retry_after(res, req, retry);
        job_free(job);
        return rc;
    }
    if (!stream) /* on a worker already: answer here */
        return answer_json(res, req, job);
    rc = ud_http_stream_start(res, req, "text/event-stream", answer_stream, job, job_free);
    if (rc < 0)
        job_free(job);
    return rc;
}
