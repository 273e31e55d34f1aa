/*
 * The `openai` answer generator (llm.h): any OpenAI-compatible chat
 * completions API (OpenAI, Azure, Ollama, vLLM, llama.cpp's server) with
 * `stream: true`, through the one HTTP client.
 *
 * POST {base_url}/chat/completions with a system and a user message and
 * `stream_options: {"include_usage": true}`. The answer arrives as
 * `data: {chunk}` events: choices[0].delta.content carries the text,
 * choices[0].finish_reason the stop reason, and a last chunk with empty
 * choices the usage (prompt_tokens, completion_tokens and
 * prompt_tokens_details.cached_tokens, the input served from the provider's
 * automatic prompt cache). `data: [DONE]` ends the stream; a chunk holding
 * an `error` object is a failure mid-stream.
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

#define DEFAULT_MAX_TOKENS 1024
#define MAX_ANSWER_BYTES ((size_t)4 << 20)
#define MAX_EVENT_BYTES ((size_t)1 << 20)

typedef struct openai_chat {
    ud_llm base;
    ud_http_client *http; /* thread-safe; the rest is read-only after new */
    char *url;            /* {base_url}/chat/completions */
    char *auth_header;    /* "Authorization: Bearer ...", NULL without a key */
} openai_chat;

typedef struct stream {
    ud_llm_result *out;
    ud_llm_on_text on_text;
    void *payload;
    ud_sse_parser sse;
    ud_buf text;
    bool done;     /* [DONE] seen */
    bool finished; /* a finish_reason seen */
} stream;

static void set_string(char *dst, size_t size, const char *value)
{
    if (value)
        snprintf(dst, size, "%s", value);
}

static int64_t integer(const json_t *object, const char *key)
{
    json_t *v = json_object_get(object, key);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

/* prompt_tokens includes the cached input: ud_llm_usage keeps them apart. */
static void read_usage(ud_llm_usage *usage, const json_t *object)
{
    int64_t prompt = integer(object, "prompt_tokens");
    int64_t cached = integer(json_object_get(object, "prompt_tokens_details"), "cached_tokens");
    if (cached > prompt)
        cached = prompt;
    usage->input_tokens = prompt - cached;
    usage->cache_read_tokens = cached;
    usage->cache_write_tokens = 0;
    usage->output_tokens = integer(object, "completion_tokens");
}

static int emit(stream *s, const char *text, size_t len)
{
    if (len == 0)
        return 0;
    if (ud_buf_append(&s->text, text, len) < 0)
        return ud_error_set(UD_ELIMIT, "openai: the answer is longer than %zu bytes", s->text.max);
    s->out->text_sent = true;
    if (s->on_text && s->on_text(text, len, s->payload) != 0)
        return ud_error_set(UD_ECANCELED, "openai: the listener went away; request cancelled");
    return 0;
}

static int on_event(const ud_sse_event *ev, void *payload)
{
    stream *s = payload;
    if (s->done)
        return 0;
    ud_str data = ud_str_trim(ev->data);
    if (ud_str_eq_cstr(data, "[DONE]")) {
        s->done = true;
        return 0;
    }
    json_error_t jerr;
    json_t *root = json_loadb(data.ptr, data.len, 0, &jerr);
    if (!json_is_object(root)) {
        json_decref(root);
        return ud_error_set(UD_EUPSTREAM, "openai: malformed chunk in the stream: %.80s",
                            jerr.text);
    }
    int rc = 0;
    json_t *error = json_object_get(root, "error");
    if (error && !json_is_null(error)) {
        const char *message = json_is_string(error)
                                  ? json_string_value(error)
                                  : json_string_value(json_object_get(error, "message"));
        const char *type = json_string_value(json_object_get(error, "type"));
        rc = ud_error_set(UD_EUPSTREAM, "openai: error in the stream: %s%s%.200s", type ? type : "",
                          type ? ": " : "", message ? message : "");
        json_decref(root);
        return rc;
    }
    set_string(s->out->model, sizeof(s->out->model),
               json_string_value(json_object_get(root, "model")));
    json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
    if (json_is_object(choice)) {
        json_t *content = json_object_get(json_object_get(choice, "delta"), "content");
        if (json_is_string(content))
            rc = emit(s, json_string_value(content), json_string_length(content));
        const char *finish = json_string_value(json_object_get(choice, "finish_reason"));
        if (finish) {
            set_string(s->out->stop_reason, sizeof(s->out->stop_reason), finish);
            s->finished = true;
        }
    }
    json_t *usage = json_object_get(root, "usage");
    if (json_is_object(usage))
        read_usage(&s->out->usage, usage);
    json_decref(root);
    return rc;
}

static int on_body(const char *data, size_t len, void *payload)
{
    stream *s = payload;
    return ud_sse_parser_feed(&s->sse, data, len, on_event, s);
}

static char *request_body(const openai_chat *o, const ud_llm_request *req)
{
    const char *system = req->system ? req->system : ud_answer_system_prompt();
    char *user = ud_answer_user_prompt(req->context, req->question);
    /* max_tokens rather than max_completion_tokens: every compatible server
     * knows it. */
    json_t *body =
        json_pack("{s:s, s:i, s:b, s:{s:b}, s:[{s:s, s:s}, {s:s, s:s}]}", "model", o->base.model,
                  "max_tokens", req->max_tokens > 0 ? req->max_tokens : DEFAULT_MAX_TOKENS,
                  "stream", 1, "stream_options", "include_usage", 1, "messages", "role", "system",
                  "content", system, "role", "user", "content", user);
    free(user);
    if (!body)
        return NULL;
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    return text;
}

static int generate(ud_llm *self, ud_llm_result *out, const ud_llm_request *req,
                    ud_llm_on_text on_text, void *payload)
{
    openai_chat *o = (openai_chat *)self;
    memset(out, 0, sizeof(*out));
    set_string(out->provider, sizeof(out->provider), "openai");
    set_string(out->model, sizeof(out->model), o->base.model);
    char *body = request_body(o, req);
    if (!body)
        return ud_error_set(UD_EINVAL, "openai: the question or context is not valid UTF-8");
    const char *headers[] = {"content-type: application/json", "accept: text/event-stream",
                             o->auth_header, NULL};
    stream s = {.out = out, .on_text = on_text, .payload = payload};
    ud_sse_parser_init(&s.sse, MAX_EVENT_BYTES);
    ud_buf_init(&s.text, MAX_ANSWER_BYTES);
    ud_http_request hreq = {.method = "POST",
                            .url = o->url,
                            .headers = headers,
                            .body = body,
                            .body_len = strlen(body),
                            .on_body = on_body,
                            .payload = &s};
    ud_http_response res;
    int rc = ud_http_client_send(&res, o->http, &hreq);
    if (rc == 0)
        rc = ud_sse_parser_finish(&s.sse, on_event, &s);
    /* Some servers end without [DONE]; a finish_reason is then the proof
     * that the answer is whole. */
    if (rc == 0 && !s.done && !s.finished)
        rc = ud_error_set(UD_EUPSTREAM, "openai: the stream ended before [DONE]");
    out->text_len = s.text.len;
    out->text = ud_buf_take(&s.text);
    if (!out->text)
        out->text = ud_strdup("");
    ud_http_response_dispose(&res);
    ud_sse_parser_dispose(&s.sse);
    ud_buf_dispose(&s.text);
    free(body);
    return rc;
}

static void openai_free(ud_llm *self)
{
    openai_chat *o = (openai_chat *)self;
    ud_http_client_free(o->http);
    free(o->url);
    free(o->auth_header);
    free(o);
}

static const ud_llm_ops OPENAI_OPS = {.generate = generate, .free = openai_free};

static int openai_new(ud_llm **out, const ud_llm_config *config)
{
    openai_chat *o = ud_calloc(1, sizeof(*o));
    o->base.ops = &OPENAI_OPS;
    int rc = ud_llm_provider_setup(&o->base, &o->http, "openai", config);
    if (rc < 0) {
        free(o);
        return rc;
    }
    size_t n = strlen(config->base_url);
    while (n > 0 && config->base_url[n - 1] == '/')
        n--;
    if (asprintf(&o->url, "%.*s/chat/completions", (int)n, config->base_url) < 0)
        ud_oom(0);
    if (config->api_key && config->api_key[0] &&
        asprintf(&o->auth_header, "Authorization: Bearer %s", config->api_key) < 0)
        ud_oom(0);
    *out = &o->base;
    return 0;
}

const ud_llm_provider ud_llm_provider_openai = {"openai", true, openai_new};
