/*
 * The `anthropic` answer generator (llm.h): Anthropic's Messages API with
 * `stream: true`, through the one HTTP client.
 *
 * The request sends the system prompt as one text block marked
 * `cache_control: {"type": "ephemeral"}`, so the provider caches it (the
 * bytes never vary, see prompt.c), and the user prompt around the context
 * and the question. The answer arrives as server-sent events:
 *   message_start        the message, its model and the input usage
 *                        (input_tokens, cache_creation_input_tokens,
 *                        cache_read_input_tokens)
 *   content_block_start  a block opens; content_block_delta with a
 *                        text_delta carries the text; content_block_stop
 *   message_delta        stop_reason and the cumulative usage
 *   message_stop         the end (a stream without it was cut short)
 *   ping                 keep-alive
 *   error                e.g. overloaded_error mid-stream
 * Other event and delta types (new ones may appear) are ignored.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/llm.h"
#include "answer/prompt.h"
#include "answer/providers.h"
#include "base/http_client.h"
#include "base/mem.h"
#include "base/sse.h"

#define API_VERSION "2023-06-01"
#define DEFAULT_MAX_TOKENS 1024
#define MAX_ANSWER_BYTES ((size_t)4 << 20)
#define MAX_EVENT_BYTES ((size_t)1 << 20)

typedef struct anthropic {
    ud_llm base;
    ud_http_client *http; /* thread-safe; the rest is read-only after new */
    char *url;            /* {base_url}/v1/messages */
    char *api_key;        /* NULL: no x-api-key header (a local proxy) */
} anthropic;

/* One answer being streamed. */
typedef struct stream {
    ud_llm_result *out;
    ud_llm_on_text on_text;
    void *payload;
    ud_sse_parser sse;
    ud_buf text;
    bool started; /* message_start seen */
    bool stopped; /* message_stop seen */
} stream;

static void set_string(char *dst, size_t size, const char *value)
{
    if (value)
        snprintf(dst, size, "%s", value);
}

/* Usage fields are cumulative: each one present replaces what we had. */
static void read_usage(ud_llm_usage *usage, const json_t *object)
{
    json_t *v;
    if ((v = json_object_get(object, "input_tokens")) && json_is_integer(v))
        usage->input_tokens = json_integer_value(v);
    if ((v = json_object_get(object, "output_tokens")) && json_is_integer(v))
        usage->output_tokens = json_integer_value(v);
    if ((v = json_object_get(object, "cache_creation_input_tokens")) && json_is_integer(v))
        usage->cache_write_tokens = json_integer_value(v);
    if ((v = json_object_get(object, "cache_read_input_tokens")) && json_is_integer(v))
        usage->cache_read_tokens = json_integer_value(v);
}

/* Hands a piece of text to the listener, keeping it in the answer first so
 * that out->text always holds what the listener was given. */
static int emit(stream *s, const char *text, size_t len)
{
    if (len == 0)
        return 0;
    if (ud_buf_append(&s->text, text, len) < 0)
        return ud_error_set(UD_ELIMIT, "anthropic: the answer is longer than %zu bytes",
                            s->text.max);
    s->out->text_sent = true;
    if (s->on_text && s->on_text(text, len, s->payload) != 0)
        return ud_error_set(UD_ECANCELED, "anthropic: the listener went away; request cancelled");
    return 0;
}

static int on_event(const ud_sse_event *ev, void *payload)
{
    stream *s = payload;
    if (s->stopped)
        return 0;
    json_error_t jerr;
    json_t *root = json_loadb(ev->data.ptr, ev->data.len, 0, &jerr);
    if (!json_is_object(root)) {
        json_decref(root);
        return ud_error_set(UD_EUPSTREAM, "anthropic: malformed '%.*s' event: %.80s",
                            (int)(ev->event.len < 40 ? ev->event.len : 40), ev->event.ptr,
                            jerr.text);
    }
    const char *type = json_string_value(json_object_get(root, "type"));
    char name[48];
    if (!type) {
        snprintf(name, sizeof(name), "%.*s", (int)(ev->event.len < 47 ? ev->event.len : 47),
                 ev->event.ptr);
        type = name;
    }
    int rc = 0;
    if (strcmp(type, "message_start") == 0) {
        json_t *message = json_object_get(root, "message");
        s->started = true;
        set_string(s->out->model, sizeof(s->out->model),
                   json_string_value(json_object_get(message, "model")));
        read_usage(&s->out->usage, json_object_get(message, "usage"));
    } else if (strcmp(type, "content_block_delta") == 0) {
        json_t *delta = json_object_get(root, "delta");
        const char *delta_type = json_string_value(json_object_get(delta, "type"));
        json_t *text = json_object_get(delta, "text");
        if (delta_type && strcmp(delta_type, "text_delta") == 0 && json_is_string(text))
            rc = emit(s, json_string_value(text), json_string_length(text));
    } else if (strcmp(type, "message_delta") == 0) {
        set_string(
            s->out->stop_reason, sizeof(s->out->stop_reason),
            json_string_value(json_object_get(json_object_get(root, "delta"), "stop_reason")));
        read_usage(&s->out->usage, json_object_get(root, "usage"));
    } else if (strcmp(type, "message_stop") == 0) {
        s->stopped = true;
    } else if (strcmp(type, "error") == 0) {
        json_t *error = json_object_get(root, "error");
        const char *etype = json_string_value(json_object_get(error, "type"));
        const char *message = json_string_value(json_object_get(error, "message"));
        rc = ud_error_set(UD_EUPSTREAM, "anthropic: error in the stream: %s: %.200s",
                          etype ? etype : "error", message ? message : "");
    }
    /* content_block_start, content_block_stop, ping and newer events carry
     * nothing we use. */
    json_decref(root);
    return rc;
}

static int on_body(const char *data, size_t len, void *payload)
{
    stream *s = payload;
    return ud_sse_parser_feed(&s->sse, data, len, on_event, s);
}

static char *request_body(const anthropic *a, const ud_llm_request *req)
{
    const char *system = req->system ? req->system : ud_answer_system_prompt();
    char *user = ud_answer_user_prompt(req->context, req->question);
    json_t *body =
        json_pack("{s:s, s:i, s:b, s:[{s:s, s:s}]}", "model", a->base.model, "max_tokens",
                  req->max_tokens > 0 ? req->max_tokens : DEFAULT_MAX_TOKENS, "stream", 1,
                  "messages", "role", "user", "content", user);
    free(user);
    if (!body)
        return NULL; /* not UTF-8 */
    /* An empty text block is refused by the API: no system prompt then. */
    if (system[0]) {
        json_t *blocks = json_pack("[{s:s, s:s, s:{s:s}}]", "type", "text", "text", system,
                                   "cache_control", "type", "ephemeral");
        if (!blocks) {
            json_decref(body);
            return NULL;
        }
        json_object_set_new(body, "system", blocks);
    }
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

static int generate(ud_llm *self, ud_llm_result *out, const ud_llm_request *req,
                    ud_llm_on_text on_text, void *payload)
{
    anthropic *a = (anthropic *)self;
    memset(out, 0, sizeof(*out));
    set_string(out->provider, sizeof(out->provider), "anthropic");
    set_string(out->model, sizeof(out->model), a->base.model);
    char *body = request_body(a, req);
    if (!body)
        return ud_error_set(UD_EINVAL, "anthropic: the question or context is not valid UTF-8");

    char *key_header = NULL;
    if (a->api_key && asprintf(&key_header, "x-api-key: %s", a->api_key) < 0)
        ud_oom(0);
    const char *headers[] = {"content-type: application/json", "accept: text/event-stream",
                             "anthropic-version: " API_VERSION, key_header, NULL};

    stream s = {.out = out, .on_text = on_text, .payload = payload};
    ud_sse_parser_init(&s.sse, MAX_EVENT_BYTES);
    ud_buf_init(&s.text, MAX_ANSWER_BYTES);
    ud_http_request hreq = {.method = "POST",
                            .url = a->url,
                            .headers = headers,
                            .body = body,
                            .body_len = strlen(body),
                            .on_body = on_body,
                            .payload = &s};
    ud_http_response res;
    int rc = ud_http_client_send(&res, a->http, &hreq);
    if (rc == 0)
        rc = ud_sse_parser_finish(&s.sse, on_event, &s);
    if (rc == 0 && !s.stopped)
        rc = ud_error_set(UD_EUPSTREAM, "anthropic: the stream ended before message_stop (%s)",
                          s.started ? "cut short" : "no message_start either");
    out->text_len = s.text.len;
    out->text = ud_buf_take(&s.text);
    if (!out->text)
        out->text = ud_strdup("");
    ud_http_response_dispose(&res);
    ud_sse_parser_dispose(&s.sse);
    ud_buf_dispose(&s.text);
    free(key_header);
    free(body);
    return rc;
}

static void anthropic_free(ud_llm *self)
{
    anthropic *a = (anthropic *)self;
    ud_http_client_free(a->http);
    free(a->url);
    free(a->api_key);
    free(a);
}

static const ud_llm_ops ANTHROPIC_OPS = {.generate = generate, .free = anthropic_free};

static int anthropic_new(ud_llm **out, const ud_llm_config *config)
{
    anthropic *a = ud_calloc(1, sizeof(*a));
    a->base.ops = &ANTHROPIC_OPS;
    int rc = ud_llm_provider_setup(&a->base, &a->http, "anthropic", config);
    if (rc < 0) {
        free(a);
        return rc;
    }
    /* The SDKs' base URL has no /v1; accept one that does. */
    size_t n = strlen(config->base_url);
    while (n > 0 && config->base_url[n - 1] == '/')
        n--;
    bool has_v1 = n >= 3 && strncmp(config->base_url + n - 3, "/v1", 3) == 0;
    if (asprintf(&a->url, "%.*s%s", (int)n, config->base_url,
                 has_v1 ? "/messages" : "/v1/messages") < 0)
        ud_oom(0);
    if (config->api_key && config->api_key[0])
        a->api_key = ud_strdup(config->api_key);
    *out = &a->base;
    return 0;
}

const ud_llm_provider ud_llm_provider_anthropic = {"anthropic", true, anthropic_new};
