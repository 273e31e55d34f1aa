/*
 * Tests of the answer generators that call models (answer/anthropic.c,
 * answer/openai_chat.c), of the routing and failover wrapper
 * (answer/router.h) and of the openai embedding provider
 * (embed/openai_embed.h), against the emulator of the providers' APIs
 * (tests/emulators/llm_emulator.py), which misbehaves on demand: streamed
 * text arrives in order and whole, usage and prompt-cache tokens are read,
 * 429s are retried, failures before any text fail over without duplicating
 * text, failures after it do not fail over, stalls time out, malformed and
 * cut streams are upstream errors, a listener that goes away cancels the
 * request, and the router records its choice.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/llm.h"
#include "answer/prompt.h"
#include "answer/router.h"
#include "base/clock.h"
#include "base/str.h"
#include "embed/openai_embed.h"
#include "llm_emulator.h"
#include "test.h"

static const char CONTEXT[] = "[Source: Acme Pricing (notion)]\nAcme costs $10 per seat.\n\n"
                              "[Source: Globex Notes (slack)]\nGlobex renewed in March.";
static const char QUESTION[] = "What is the price of Acme?";
/* What the emulator answers to that context and question. */
static const char ANSWER[] = "The context answers \"What is the price of Acme?\". According to "
                             "[Source: Acme Pricing], the answer is there.";

static ud_llm_request request(const char *question)
{
    return (ud_llm_request){.system = ud_answer_system_prompt(),
                            .question = question,
                            .context = CONTEXT,
                            .max_tokens = 256};
}

static ud_llm *provider(const ud_test_emulator *em, const char *kind, const char *model,
                        long timeout_seconds)
{
    char base[96];
    /* Anthropic's base URL has no /v1, OpenAI's has. */
    snprintf(base, sizeof(base), "%s%s", em->base_url, strcmp(kind, "openai") == 0 ? "/v1" : "");
    ud_llm_config config = {.kind = kind,
                            .base_url = base,
                            .api_key = "test-key",
                            .model = model,
                            .timeout_seconds = timeout_seconds,
                            .max_retries = 2,
                            .retry_base_ms = 5};
    ud_llm *llm = NULL;
    UD_CHECK_OK(ud_llm_new(&llm, &config));
    return llm;
}

/* What the listener received. */
typedef struct listener {
    ud_buf text;
    int deltas;
    int stop_after; /* return non-zero on this delta (0: never) */
} listener;

static void listener_init(listener *l, int stop_after)
{
    ud_buf_init(&l->text, 1 << 20);
    l->deltas = 0;
    l->stop_after = stop_after;
}

static int on_text(const char *delta, size_t len, void *payload)
{
    listener *l = payload;
    if (ud_buf_append(&l->text, delta, len) < 0)
        return 1;
    l->deltas++;
    return l->stop_after && l->deltas >= l->stop_after;
}

static const char *heard(const listener *l)
{
    return l->text.ptr ? l->text.ptr : "";
}

/* Words, as the emulator counts tokens. */
static int64_t words(const char *s)
{
    int64_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool space = *s == ' ' || *s == '\n' || *s == '\t' || *s == '\r';
        if (!space && !in)
            n++;
        in = !space;
    }
    return n;
}

static json_t *request_at(json_t *reqs, size_t i)
{
    json_t *r = json_array_get(reqs, i);
    if (!r)
        ud_test_fail(__FILE__, __LINE__, "the emulator recorded no request %zu", i);
    return r;
}

static const char *string_at(json_t *object, const char *path)
{
    /* "a.b.0.c" */
    char key[64];
    json_t *v = object;
    while (*path && v) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        if (json_is_array(v))
            v = json_array_get(v, strtoul(key, NULL, 10));
        else
            v = json_object_get(v, key);
        path += n + (path[n] == '.');
    }
    return json_string_value(v);
}

/* ---- streaming and usage --------------------------------------------- */

void test_llm__anthropic_streams_the_answer_in_order(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *llm = provider(&em, "anthropic", "claude-test", 10);
    ud_llm_request req = request(QUESTION);
    listener l;
    listener_init(&l, 0);
    ud_llm_result out;
    UD_CHECK_OK(ud_llm_generate(llm, &out, &req, on_text, &l));
    UD_CHECK_EQ_STR(ANSWER, heard(&l));
    UD_CHECK_EQ_STR(ANSWER, out.text);
    UD_CHECK_EQ_INT(strlen(ANSWER), out.text_len);
    UD_CHECK(l.deltas > 5);
    UD_CHECK(out.text_sent);
    UD_CHECK_EQ_STR("anthropic", out.provider);
    UD_CHECK_EQ_STR("claude-test", out.model);
    UD_CHECK_EQ_STR("end_turn", out.stop_reason);
    UD_CHECK_EQ_INT(l.deltas, out.usage.output_tokens);

    /* The request is the Messages API's, with the system prompt cached. */
    json_t *reqs = ud_test_emulator_requests(&em, 1);
    json_t *r = request_at(reqs, 0);
    UD_CHECK_EQ_STR("/v1/messages", string_at(r, "path"));
    UD_CHECK_EQ_STR("test-key", string_at(r, "headers.x-api-key"));
    UD_CHECK_EQ_STR("2023-06-01", string_at(r, "headers.anthropic-version"));
    UD_CHECK_EQ_STR("application/json", string_at(r, "headers.content-type"));
    json_t *body = json_object_get(r, "body");
    UD_CHECK(json_is_true(json_object_get(body, "stream")));
    UD_CHECK_EQ_INT(256, json_integer_value(json_object_get(body, "max_tokens")));
    UD_CHECK_EQ_STR("claude-test", string_at(body, "model"));
    UD_CHECK_EQ_STR("text", string_at(body, "system.0.type"));
    UD_CHECK_EQ_STR(ud_answer_system_prompt(), string_at(body, "system.0.text"));
    UD_CHECK_EQ_STR("ephemeral", string_at(body, "system.0.cache_control.type"));
    char *user = ud_answer_user_prompt(CONTEXT, QUESTION);
    UD_CHECK_EQ_STR("user", string_at(body, "messages.0.role"));
    UD_CHECK_EQ_STR(user, string_at(body, "messages.0.content"));
    UD_CHECK(json_is_true(json_object_get(r, "completed")));
    free(user);
    json_decref(reqs);
    ud_llm_result_dispose(&out);
    ud_buf_dispose(&l.text);
    ud_llm_free(llm);
    ud_test_emulator_stop(&em);
}

void test_llm__anthropic_usage_and_prompt_cache(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *llm = provider(&em, "anthropic", "claude-test", 10);
    ud_llm_request req = request(QUESTION);
    char *user = ud_answer_user_prompt(CONTEXT, QUESTION);
    int64_t system_tokens = words(ud_answer_system_prompt());
    ud_llm_result first, second;
    UD_CHECK_OK(ud_llm_generate(llm, &first, &req, NULL, NULL));
    UD_CHECK_OK(ud_llm_generate(llm, &second, &req, NULL, NULL));
    /* The first request writes the system prompt to the cache ... */
    UD_CHECK_EQ_INT(words(user), first.usage.input_tokens);
    UD_CHECK_EQ_INT(system_tokens, first.usage.cache_write_tokens);
    UD_CHECK_EQ_INT(0, first.usage.cache_read_tokens);
    UD_CHECK(first.usage.output_tokens > 5);
    /* ... the next one reads it. */
    UD_CHECK_EQ_INT(words(user), second.usage.input_tokens);
    UD_CHECK_EQ_INT(0, second.usage.cache_write_tokens);
    UD_CHECK_EQ_INT(system_tokens, second.usage.cache_read_tokens);
    UD_CHECK_EQ_STR(ANSWER, second.text);
    free(user);
    ud_llm_result_dispose(&first);
    ud_llm_result_dispose(&second);
    ud_llm_free(llm);
    ud_test_emulator_stop(&em);
}

void test_llm__openai_streams_the_answer_and_usage(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *llm = provider(&em, "openai", "gpt-test", 10);
    ud_llm_request req = request(QUESTION);
    listener l;
    listener_init(&l, 0);
    ud_llm_result first, second;
    UD_CHECK_OK(ud_llm_generate(llm, &first, &req, on_text, &l));
    UD_CHECK_EQ_STR(ANSWER, heard(&l));
    UD_CHECK_EQ_STR(ANSWER, first.text);
    UD_CHECK(l.deltas > 5);
    UD_CHECK_EQ_STR("openai", first.provider);
    UD_CHECK_EQ_STR("gpt-test", first.model);
    UD_CHECK_EQ_STR("stop", first.stop_reason);
    char *user = ud_answer_user_prompt(CONTEXT, QUESTION);
    int64_t system_tokens = words(ud_answer_system_prompt());
    int64_t prompt = system_tokens + words(user);
    UD_CHECK_EQ_INT(prompt, first.usage.input_tokens);
    UD_CHECK_EQ_INT(0, first.usage.cache_read_tokens);
    UD_CHECK_EQ_INT(l.deltas, first.usage.output_tokens);
    /* The provider's automatic cache: cached_tokens moves out of the
     * full-price input. */
    UD_CHECK_OK(ud_llm_generate(llm, &second, &req, NULL, NULL));
    UD_CHECK_EQ_INT(system_tokens, second.usage.cache_read_tokens);
    UD_CHECK_EQ_INT(prompt - system_tokens, second.usage.input_tokens);
    UD_CHECK_EQ_INT(0, second.usage.cache_write_tokens);

    json_t *reqs = ud_test_emulator_requests(&em, 2);
    json_t *r = request_at(reqs, 0);
    UD_CHECK_EQ_STR("/v1/chat/completions", string_at(r, "path"));
    UD_CHECK_EQ_STR("Bearer test-key", string_at(r, "headers.authorization"));
    json_t *body = json_object_get(r, "body");
    UD_CHECK(json_is_true(json_object_get(body, "stream")));
    UD_CHECK(
        json_is_true(json_object_get(json_object_get(body, "stream_options"), "include_usage")));
    UD_CHECK_EQ_STR("system", string_at(body, "messages.0.role"));
    UD_CHECK_EQ_STR(ud_answer_system_prompt(), string_at(body, "messages.0.content"));
    UD_CHECK_EQ_STR("user", string_at(body, "messages.1.role"));
    UD_CHECK_EQ_STR(user, string_at(body, "messages.1.content"));
    free(user);
    json_decref(reqs);
    ud_llm_result_dispose(&first);
    ud_llm_result_dispose(&second);
    ud_buf_dispose(&l.text);
    ud_llm_free(llm);
    ud_test_emulator_stop(&em);
}

/* ---- retries and failures --------------------------------------------- */

void test_llm__429_with_retry_after_is_retried(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *llm = provider(&em, "anthropic", "claude-test", 10);
    ud_llm_request req = request(QUESTION);
    listener l;
    listener_init(&l, 0);
    ud_llm_result out;
    /* The backoff base is 5 ms: only Retry-After explains a 1 s wait. */
    ud_test_emulator_control(&em, "{\"mode\": \"429\", \"retry_after\": \"1\"}");
    double start = ud_monotonic_ms();
    UD_CHECK_OK(ud_llm_generate(llm, &out, &req, on_text, &l));
    UD_CHECK(ud_monotonic_ms() - start >= 990);
    UD_CHECK_EQ_STR(ANSWER, heard(&l));
    json_t *reqs = ud_test_emulator_requests(&em, 2);
    UD_CHECK_EQ_INT(2, json_array_size(reqs));
    UD_CHECK_EQ_INT(429, json_integer_value(json_object_get(request_at(reqs, 0), "status")));
    json_decref(reqs);
    ud_llm_result_dispose(&out);
    /* Still 429 after the retries (2): UD_EAGAIN, nothing sent. */
    ud_test_emulator_control(&em, "{\"mode\": \"429\", \"retry_after\": \"0\", \"times\": 3}");
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_llm_generate(llm, &out, &req, NULL, NULL));
    UD_CHECK(!out.text_sent);
    UD_CHECK_CONTAINS(ud_error_last(), "rate_limit_error");
    ud_llm_result_dispose(&out);
    ud_buf_dispose(&l.text);
    ud_llm_free(llm);
    ud_test_emulator_stop(&em);
}

/* A router over an anthropic primary and an openai fallback. */
static ud_llm *failover_router(const ud_test_emulator *em, long timeout_seconds)
{
    ud_llm *router = NULL;
    ud_llm_router_config config = {
        .primary = provider(em, "anthropic", "claude-primary", timeout_seconds),
        .fallback = provider(em, "openai", "gpt-fallback", timeout_seconds)};
    UD_CHECK_OK(ud_llm_router_new(&router, &config));
    return router;
}

static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *at = strstr(hay, needle); at; at = strstr(at + 1, needle))
        n++;
    return n;
}

static int count_path(json_t *reqs, const char *path)
{
    int n = 0;
    for (size_t i = 0; i < json_array_size(reqs); i++)
        n += strcmp(string_at(json_array_get(reqs, i), "path"), path) == 0;
    return n;
}

void test_llm__529_fails_over_to_the_fallback(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *router = failover_router(&em, 10);
    ud_llm_request req = request("Compare the price of Acme with Globex");
    listener l;
    listener_init(&l, 0);
    ud_llm_result out;
    /* Overloaded through all three attempts of the primary. */
    ud_test_emulator_control(&em,
                             "{\"mode\": \"529\", \"times\": 3, \"model\": \"claude-primary\"}");
    UD_CHECK_OK(ud_llm_generate(router, &out, &req, on_text, &l));
    UD_CHECK_EQ_STR("fallback", out.route);
    UD_CHECK_CONTAINS(out.route_reason, "primary failed (upstream)");
    UD_CHECK_CONTAINS(out.route_reason, "529");
    UD_CHECK_EQ_STR("openai", out.provider);
    UD_CHECK_EQ_STR("gpt-fallback", out.model);
    /* The listener heard the fallback's answer once, whole. */
    UD_CHECK_EQ_STR(out.text, heard(&l));
    UD_CHECK_CONTAINS(heard(&l), "According to [Source: Acme Pricing]");
    UD_CHECK_EQ_INT(1, occurrences(heard(&l), "According"));
    json_t *reqs = ud_test_emulator_requests(&em, 4);
    UD_CHECK_EQ_INT(3, count_path(reqs, "/v1/messages"));
    UD_CHECK_EQ_INT(1, count_path(reqs, "/v1/chat/completions"));
    json_decref(reqs);
    ud_llm_result_dispose(&out);
    ud_buf_dispose(&l.text);
    ud_llm_free(router);
    ud_test_emulator_stop(&em);
}

void test_llm__error_event_before_text_fails_over(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *router = failover_router(&em, 10);
    ud_llm_request req = request(QUESTION);
    listener l;
    listener_init(&l, 0);
    ud_llm_result out;
    /* message_start, ping, then an overloaded_error event: no text yet. */
    ud_test_emulator_control(&em, "{\"mode\": \"error\", \"after_deltas\": 0}");
    UD_CHECK_OK(ud_llm_generate(router, &out, &req, on_text, &l));
    UD_CHECK_EQ_STR("fallback", out.route);
    UD_CHECK_CONTAINS(out.route_reason, "overloaded_error");
    UD_CHECK_EQ_STR(ANSWER, heard(&l)); /* once: nothing duplicated, nothing lost */
    UD_CHECK_EQ_STR(ANSWER, out.text);
    json_t *reqs = ud_test_emulator_requests(&em, 2);
    UD_CHECK_EQ_INT(1, count_path(reqs, "/v1/messages")); /* a stream error is not retried */
    UD_CHECK_EQ_INT(1, count_path(reqs, "/v1/chat/completions"));
    json_decref(reqs);
    ud_llm_result_dispose(&out);
    ud_buf_dispose(&l.text);
    ud_llm_free(router);
    ud_test_emulator_stop(&em);
}

void test_llm__error_after_text_is_returned_not_failed_over(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *router = failover_router(&em, 10);
    ud_llm_request req = request(QUESTION);
    listener l;
    listener_init(&l, 0);
    ud_llm_result out;
    ud_test_emulator_control(&em, "{\"mode\": \"error\", \"after_deltas\": 3}");
    UD_CHECK_EQ_INT(UD_EUPSTREAM, ud_llm_generate(router, &out, &req, on_text, &l));
    UD_CHECK_CONTAINS(ud_error_last(), "anthropic: error in the stream: overloaded_error");
    UD_CHECK(out.text_sent);
    UD_CHECK_EQ_STR("primary", out.route);
    UD_CHECK_EQ_INT(3, l.deltas);
    UD_CHECK_EQ_STR("The context answers ", heard(&l));
    UD_CHECK_EQ_STR(heard(&l), out.text); /* the result holds what was sent */
    json_t *reqs = ud_test_emulator_requests(&em, 1);
    UD_CHECK_EQ_INT(1, json_array_size(reqs));
    json_decref(reqs);
    ud_llm_result_dispose(&out);
    ud_buf_dispose(&l.text);
    ud_llm_free(router);
    ud_test_emulator_stop(&em);
}

void test_llm__stalled_stream_times_out(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    /* After some text: UD_ETIMEOUT, and the emulator sees us hang up. */
    ud_llm *llm = provider(&em, "anthropic", "claude-test", 1);
    ud_llm_request req = request(QUESTION);
    listener l;
    listener_init(&l, 0);
    ud_llm_result out;
    ud_test_emulator_control(&em, "{\"mode\": \"stall\", \"after_deltas\": 1}");
    UD_CHECK_EQ_INT(UD_ETIMEOUT, ud_llm_generate(llm, &out, &req, on_text, &l));
    UD_CHECK(out.text_sent);
    UD_CHECK_EQ_STR("The ", heard(&l));
    json_t *reqs = ud_test_emulator_requests(&em, 1);
    UD_CHECK(json_is_true(json_object_get(request_at(reqs, 0), "disconnected")));
    json_decref(reqs);
    ud_llm_result_dispose(&out);
    ud_llm_free(llm);

    /* Before any text, behind the router: the fallback answers. */
    ud_llm *router = failover_router(&em, 1);
    listener m;
    listener_init(&m, 0);
    ud_test_emulator_control(&em, "{\"mode\": \"stall\", \"after_deltas\": 0, \"model\": "
                                  "\"claude-primary\"}");
    UD_CHECK_OK(ud_llm_generate(router, &out, &req, on_text, &m));
    UD_CHECK_EQ_STR("fallback", out.route);
    UD_CHECK_CONTAINS(out.route_reason, "primary failed (timeout)");
    UD_CHECK_EQ_STR(ANSWER, heard(&m));
    ud_llm_result_dispose(&out);
    ud_llm_free(router);
    ud_buf_dispose(&l.text);
    ud_buf_dispose(&m.text);
    ud_test_emulator_stop(&em);
}

void test_llm__malformed_and_dropped_streams_are_upstream_errors(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    const char *kinds[] = {"anthropic", "openai"};
    for (size_t k = 0; k < 2; k++) {
        ud_llm *llm = provider(&em, kinds[k], "model-x", 10);
        ud_llm_request req = request(QUESTION);
        ud_llm_result out;
        listener l;
        listener_init(&l, 0);
        ud_test_emulator_control(&em, "{\"mode\": \"malformed\", \"after_deltas\": 2}");
        UD_CHECK_EQ_INT(UD_EUPSTREAM, ud_llm_generate(llm, &out, &req, on_text, &l));
        UD_CHECK_CONTAINS(ud_error_last(), "malformed");
        UD_CHECK_EQ_STR("The context ", heard(&l));
        UD_CHECK(out.text_sent);
        ud_llm_result_dispose(&out);

        ud_buf_reset(&l.text);
        ud_test_emulator_control(&em, "{\"mode\": \"drop\", \"after_deltas\": 1}");
        UD_CHECK_EQ_INT(UD_EUPSTREAM, ud_llm_generate(llm, &out, &req, on_text, &l));
        UD_CHECK_EQ_STR("The ", heard(&l));
        UD_CHECK_EQ_STR("The ", out.text);
        ud_llm_result_dispose(&out);

        /* A drop before any text is not retried by the HTTP client (bytes
         * were streamed) but reports no text sent, so a router can fail
         * over. */
        ud_buf_reset(&l.text);
        ud_test_emulator_control(&em, "{\"mode\": \"drop\", \"after_deltas\": 0}");
        UD_CHECK_EQ_INT(UD_EUPSTREAM, ud_llm_generate(llm, &out, &req, on_text, &l));
        UD_CHECK(!out.text_sent);
        UD_CHECK_EQ_STR("", out.text);
        ud_llm_result_dispose(&out);
        ud_buf_dispose(&l.text);
        ud_llm_free(llm);
    }
    ud_test_emulator_stop(&em);
}

void test_llm__cancel_stops_the_upstream_request(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    const char *kinds[] = {"anthropic", "openai"};
    for (size_t k = 0; k < 2; k++) {
        ud_llm *router = NULL;
        /* Behind a router with a fallback: a cancel never fails over. */
        ud_llm_router_config config = {.primary = provider(&em, kinds[k], "model-x", 10),
                                       .fallback = provider(&em, "openai", "gpt-fallback", 10)};
        UD_CHECK_OK(ud_llm_router_new(&router, &config));
        ud_llm_request req = request(QUESTION);
        listener l;
        listener_init(&l, 3);
        ud_llm_result out;
        ud_test_emulator_control(&em, "{\"mode\": \"slow\", \"deltas\": 1000}");
        UD_CHECK_EQ_INT(UD_ECANCELED, ud_llm_generate(router, &out, &req, on_text, &l));
        UD_CHECK_EQ_INT(3, l.deltas);
        UD_CHECK_EQ_STR("word0 word1 word2 ", heard(&l));
        UD_CHECK_EQ_STR("primary", out.route);
        /* The emulator noticed the client hang up mid-stream. */
        json_t *reqs = ud_test_emulator_requests(&em, (int)k + 1);
        json_t *r = request_at(reqs, k);
        UD_CHECK(json_is_true(json_object_get(r, "disconnected")));
        UD_CHECK(!json_is_true(json_object_get(r, "completed")));
        UD_CHECK(strlen(string_at(r, "answer")) < 1000 * 6);
        UD_CHECK_EQ_INT(k + 1, json_array_size(reqs)); /* no fallback request */
        json_decref(reqs);
        ud_llm_result_dispose(&out);
        ud_buf_dispose(&l.text);
        ud_llm_free(router);
    }
    ud_test_emulator_stop(&em);
}

/* ---- routing ---------------------------------------------------------- */

void test_llm__route_rule(void)
{
    char why[128];
    UD_CHECK(ud_llm_route_is_simple(NULL, "What is Acme?", why, sizeof(why)));
    UD_CHECK_EQ_STR("simple: 'what is', 3 words, 1 entity", why);
    UD_CHECK(ud_llm_route_is_simple(NULL, "who is the owner of the Q3 renewal", why, sizeof(why)));
    UD_CHECK(ud_llm_route_is_simple(NULL, "define ARR", why, sizeof(why)));
    UD_CHECK(!ud_llm_route_is_simple(NULL, "Compare Acme and Globex", why, sizeof(why)));
    UD_CHECK_EQ_STR("complex: marker 'compare'", why);
    UD_CHECK(!ud_llm_route_is_simple(NULL, "what is Acme vs Globex", why, sizeof(why)));
    UD_CHECK_EQ_STR("complex: marker ' vs '", why);
    UD_CHECK(!ud_llm_route_is_simple(NULL, "Why did Acme churn?", why, sizeof(why)));
    UD_CHECK(!ud_llm_route_is_simple(NULL, "what is the trend across regions", why, sizeof(why)));
    UD_CHECK(!ud_llm_route_is_simple(NULL, "What is Acme? Who is Bob?", why, sizeof(why)));
    UD_CHECK_EQ_STR("complex: 2 question marks", why);
    UD_CHECK(!ud_llm_route_is_simple(NULL, "What is the deal between Acme and Globex", why,
                                     sizeof(why)));
    UD_CHECK_EQ_STR("complex: 2 entities (> 1)", why);
    UD_CHECK(!ud_llm_route_is_simple(NULL,
                                     "what is the status of every open opportunity in the "
                                     "enterprise pipeline this quarter",
                                     why, sizeof(why)));
    UD_CHECK_CONTAINS(why, "words (> 12)");
    UD_CHECK(!ud_llm_route_is_simple(NULL, "List open deals", why, sizeof(why)));
    UD_CHECK_EQ_STR("complex: no simple prefix", why);
    /* Markers match whole words: "whyte" is not "why". */
    UD_CHECK(ud_llm_route_is_simple(NULL, "who is Whyte", why, sizeof(why)));
    UD_CHECK(!ud_llm_route_is_simple(NULL, "", why, sizeof(why)));

    /* The rule is data. */
    static const char *const prefixes[] = {"list", NULL};
    static const char *const markers[] = {"deals", NULL};
    ud_llm_route_rule rule = {.max_words = 3,
                              .simple_prefixes = prefixes,
                              .complex_markers = markers,
                              .prefix_optional = false};
    UD_CHECK(ud_llm_route_is_simple(&rule, "List open tickets", why, sizeof(why)));
    UD_CHECK(!ud_llm_route_is_simple(&rule, "List open deals", why, sizeof(why)));
    UD_CHECK(!ud_llm_route_is_simple(&rule, "List all open tickets", why, sizeof(why)));
    UD_CHECK(!ud_llm_route_is_simple(&rule, "What is Acme?", why, sizeof(why)));
    rule.prefix_optional = true;
    UD_CHECK(ud_llm_route_is_simple(&rule, "Acme renewal date", why, sizeof(why)));
    UD_CHECK_EQ_STR("simple: short, 3 words, 0 entities", why);
}

void test_llm__router_records_its_choice(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_llm *router = NULL;
    ud_llm_router_config config = {.primary = provider(&em, "anthropic", "claude-big", 10),
                                   .cheap = provider(&em, "anthropic", "claude-small", 10),
                                   .fallback = provider(&em, "openai", "gpt-fallback", 10)};
    UD_CHECK_OK(ud_llm_router_new(&router, &config));
    UD_CHECK_EQ_STR("router", router->kind);
    UD_CHECK_EQ_STR("claude-big", router->model);
    ud_llm_result out;
    ud_llm_request simple = request("What is Acme?");
    UD_CHECK_OK(ud_llm_generate(router, &out, &simple, NULL, NULL));
    UD_CHECK_EQ_STR("cheap", out.route);
    UD_CHECK_EQ_STR("simple: 'what is', 3 words, 1 entity", out.route_reason);
    UD_CHECK_EQ_STR("claude-small", out.model);
    ud_llm_result_dispose(&out);
    ud_llm_request complex = request("Compare Acme and Globex pricing trends across regions");
    UD_CHECK_OK(ud_llm_generate(router, &out, &complex, NULL, NULL));
    UD_CHECK_EQ_STR("primary", out.route);
    UD_CHECK_EQ_STR("complex: marker 'compare'", out.route_reason);
    UD_CHECK_EQ_STR("claude-big", out.model);
    ud_llm_result_dispose(&out);
    /* The cheap model failing before any text: the primary takes over. */
    ud_test_emulator_control(&em, "{\"mode\": \"500\", \"times\": 3, \"model\": \"claude-small\"}");
    UD_CHECK_OK(ud_llm_generate(router, &out, &simple, NULL, NULL));
    UD_CHECK_EQ_STR("primary", out.route);
    UD_CHECK_CONTAINS(out.route_reason, "cheap failed (upstream)");
    UD_CHECK_EQ_STR("claude-big", out.model);
    ud_llm_result_dispose(&out);
    /* An auth error is a configuration error: no failover. */
    ud_test_emulator_control(&em, "{\"mode\": \"401\", \"model\": \"claude-big\"}");
    UD_CHECK_EQ_INT(UD_EAUTH, ud_llm_generate(router, &out, &complex, NULL, NULL));
    UD_CHECK_EQ_STR("primary", out.route);
    ud_llm_result_dispose(&out);

    json_t *reqs = ud_test_emulator_requests(&em, 7);
    UD_CHECK_EQ_STR("claude-small", string_at(request_at(reqs, 0), "body.model"));
    UD_CHECK_EQ_STR("claude-big", string_at(request_at(reqs, 1), "body.model"));
    UD_CHECK_EQ_INT(0, count_path(reqs, "/v1/chat/completions"));
    json_decref(reqs);
    ud_llm_free(router);
    ud_test_emulator_stop(&em);
}

/* ---- embeddings ------------------------------------------------------- */

static ud_embedder *embedder(const ud_test_emulator *em, size_t batch_size)
{
    char base[96];
    snprintf(base, sizeof(base), "%s/v1", em->base_url);
    ud_openai_embed_config config = {.base_url = base,
                                     .api_key = "embed-key",
                                     .model = "text-embedding-3-large",
                                     .dimensions = 8,
                                     .batch_size = batch_size,
                                     .max_retries = 2,
                                     .retry_base_ms = 5};
    ud_embedder *e = NULL;
    UD_CHECK_OK(ud_embedder_open_openai(&e, &config));
    return e;
}

static double norm(const float *v, size_t dims)
{
    double sum = 0;
    for (size_t i = 0; i < dims; i++)
        sum += (double)v[i] * v[i];
    return sqrt(sum);
}

void test_llm__embeddings_batch_and_normalise(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_embedder *e = embedder(&em, 3);
    UD_CHECK_EQ_STR("openai", e->info.provider);
    UD_CHECK_EQ_STR("text-embedding-3-large", e->info.model);
    UD_CHECK_EQ_INT(8, e->info.dims);
    const char *texts[] = {"alpha beta", "gamma", "",     "delta epsilon zeta",
                           "alpha beta", "eta",   "theta"};
    size_t lens[7];
    for (size_t i = 0; i < 7; i++)
        lens[i] = strlen(texts[i]);
    float out[7 * 8];
    bool has[7];
    UD_CHECK_OK(ud_embedder_embed_batch(e, texts, lens, 7, out, has));
    for (size_t i = 0; i < 7; i++) {
        UD_CHECK_EQ_INT(i != 2, has[i]); /* the empty text gets no vector */
        if (has[i])
            UD_CHECK_NEAR(1.0, norm(out + i * 8, 8), 1e-5);
    }
    UD_CHECK(memcmp(out, out + 4 * 8, 8 * sizeof(float)) == 0); /* same text, same vector */
    UD_CHECK(memcmp(out, out + 1 * 8, 8 * sizeof(float)) != 0);
    /* Six texts in batches of three: two requests, with `dimensions`. */
    json_t *reqs = ud_test_emulator_requests(&em, 2);
    UD_CHECK_EQ_INT(2, json_array_size(reqs));
    for (size_t i = 0; i < 2; i++) {
        json_t *r = request_at(reqs, i);
        UD_CHECK_EQ_INT(3, json_integer_value(json_object_get(r, "batch")));
        UD_CHECK_EQ_INT(
            8, json_integer_value(json_object_get(json_object_get(r, "body"), "dimensions")));
        UD_CHECK_EQ_STR("float", string_at(r, "body.encoding_format"));
        UD_CHECK_EQ_STR("Bearer embed-key", string_at(r, "headers.authorization"));
    }
    UD_CHECK_EQ_STR("gamma", string_at(request_at(reqs, 0), "body.input.1"));
    UD_CHECK_EQ_STR("delta epsilon zeta", string_at(request_at(reqs, 0), "body.input.2"));
    json_decref(reqs);
    /* Tokens for cost: the emulator counts words, 10 of them. */
    UD_CHECK_EQ_INT(10, ud_embedder_openai_tokens(e));

    /* The single-text op, and vectors matched by index whatever the order
     * of the response. */
    float reversed[2 * 8];
    bool reversed_has[2];
    ud_test_emulator_control(&em, "{\"mode\": \"reverse\"}");
    UD_CHECK_OK(ud_embedder_embed_batch(e, texts, lens, 2, reversed, reversed_has));
    UD_CHECK(reversed_has[0] && reversed_has[1]);
    UD_CHECK(memcmp(reversed, out, sizeof(reversed)) == 0);
    float one[8];
    bool one_has = false;
    UD_CHECK_OK(ud_embedder_embed(e, "gamma", 5, one, &one_has));
    UD_CHECK(one_has);
    UD_CHECK(memcmp(one, out + 1 * 8, sizeof(one)) == 0);
    UD_CHECK_EQ_INT(0, ud_embedder_openai_tokens(NULL));
    ud_embedder_free(e);
    ud_test_emulator_stop(&em);
}

void test_llm__embeddings_retry_429(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_embedder *e = embedder(&em, 0);
    ud_test_emulator_control(&em, "{\"mode\": \"429\", \"retry_after\": \"0\"}");
    ud_test_emulator_control(&em, "{\"mode\": \"503\"}");
    float v[8];
    bool has = false;
    UD_CHECK_OK(ud_embedder_embed(e, "alpha beta", 10, v, &has));
    UD_CHECK(has);
    UD_CHECK_NEAR(1.0, norm(v, 8), 1e-5);
    json_t *reqs = ud_test_emulator_requests(&em, 3);
    UD_CHECK_EQ_INT(3, json_array_size(reqs));
    UD_CHECK_EQ_INT(429, json_integer_value(json_object_get(request_at(reqs, 0), "status")));
    UD_CHECK_EQ_INT(503, json_integer_value(json_object_get(request_at(reqs, 1), "status")));
    json_decref(reqs);
    /* Past the retries: UD_EAGAIN. */
    ud_test_emulator_control(&em, "{\"mode\": \"429\", \"retry_after\": \"0\", \"times\": 3}");
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_embedder_embed(e, "alpha", 5, v, &has));
    ud_embedder_free(e);
    ud_test_emulator_stop(&em);
}
