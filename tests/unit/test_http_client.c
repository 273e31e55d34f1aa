/*
 * Tests of the one HTTP client (base/http_client.h) and of the
 * Server-Sent Events parser (base/sse.h). The client runs against the
 * model-provider emulator (tests/emulators/llm_emulator.py), which fails
 * on demand: retries and their backoff, Retry-After, the 401 refresh hook,
 * caps, cancellation from a streaming callback, timeouts, the token bucket
 * and sharing a client between threads. The parser is fed a stream in
 * the Messages API's wire format and hostile input, cut at every byte.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/http_client.h"
#include "base/sse.h"
#include "llm_emulator.h"
#include "test.h"

/* ---- SSE parser ------------------------------------------------------- */

typedef struct events {
    char log[8192]; /* "event|data|id\n" per event */
    size_t count;
    size_t stop_after; /* 0: never */
} events;

static int on_event(const ud_sse_event *ev, void *payload)
{
    events *e = payload;
    size_t at = strlen(e->log);
    snprintf(e->log + at, sizeof(e->log) - at, "%.*s|%.*s|%.*s\n", (int)ev->event.len,
             ev->event.ptr, (int)ev->data.len, ev->data.ptr, (int)ev->id.len, ev->id.ptr);
    e->count++;
    return e->stop_after && e->count >= e->stop_after ? 42 : 0;
}

/* Parses `text` fed in pieces of `step` bytes (0: all at once). */
static int parse(events *e, const char *text, size_t len, size_t step, size_t max_bytes)
{
    ud_sse_parser p;
    ud_sse_parser_init(&p, max_bytes);
    int rc = 0;
    if (step == 0)
        step = len ? len : 1;
    for (size_t at = 0; at < len && rc == 0; at += step)
        rc = ud_sse_parser_feed(&p, text + at, len - at < step ? len - at : step, on_event, e);
    if (rc == 0)
        rc = ud_sse_parser_finish(&p, on_event, e);
    ud_sse_parser_dispose(&p);
    return rc;
}

void test_sse__fields_line_ends_comments_and_chunks(void)
{
    static const char text[] = "\xEF\xBB\xBF: a comment\r\n"
                               "event: first\r\n"
                               "data: one\r\n"
                               "data:two\r\n"
                               "id: 7\r\n"
                               "retry: 100\r\n"
                               "\r\n"
                               "data: cr only\r\r"
                               "event: empty\n"
                               "\n" /* no data: not dispatched */
                               "data\n"
                               "unknown: x\n"
                               "\n"
                               "data:  two spaces\n"
                               "\n"
                               "event: last\n"
                               "data: no blank line at the end";
    const char *expected = "first|one\ntwo|7\n"
                           "message|cr only|7\n"
                           "message||7\n"
                           "message| two spaces|7\n"
                           "last|no blank line at the end|7\n";
    /* Every cut of the stream gives the same events. */
    for (size_t step = 0; step <= 7; step++) {
        events e = {0};
        UD_CHECK_OK(parse(&e, text, sizeof(text) - 1, step, 0));
        UD_CHECK_EQ_STR(expected, e.log);
    }
}

/* A whole Messages API stream as the API sends it: named events, one JSON
 * data line each, a ping among them, and no blank line after the last. */
static const char ANTHROPIC_STREAM[] =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_test_0001\",\"type\":"
    "\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-test\","
    "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,"
    "\"output_tokens\":1}}}\n"
    "\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":"
    "\"text\",\"text\":\"\"}}\n"
    "\n"
    "event: ping\n"
    "data: {\"type\": \"ping\"}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
    "\"text_delta\",\"text\":\"Revenue grew\"}}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
    "\"text_delta\",\"text\":\" 12% in Q3\"}}\n"
    "\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":"
    "\"text_delta\",\"text\":\" [Source: Board deck (drive)].\"}}\n"
    "\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n"
    "\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":14}}\n"
    "\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}";

void test_sse__anthropic_stream_byte_by_byte(void)
{
    size_t len = sizeof(ANTHROPIC_STREAM) - 1;
    events whole = {0}, bytes = {0};
    UD_CHECK_OK(parse(&whole, ANTHROPIC_STREAM, len, 0, 0));
    UD_CHECK_OK(parse(&bytes, ANTHROPIC_STREAM, len, 1, 0));
    UD_CHECK_EQ_STR(whole.log, bytes.log);
    UD_CHECK_EQ_INT(9, whole.count);
    UD_CHECK(strncmp(whole.log, "message_start|{\"type\":\"message_start\"", 37) == 0);
    UD_CHECK_CONTAINS(whole.log, "ping|{\"type\": \"ping\"}|\n");
    UD_CHECK_CONTAINS(whole.log, "\"text\":\" 12% in Q3\"}}|\n");
    /* The last event ends at the end of the stream, without a blank line. */
    UD_CHECK_CONTAINS(whole.log, "message_stop|{\"type\":\"message_stop\"}|\n");
}

void test_sse__caps_and_callback_stop(void)
{
    char line[200];
    memset(line, 'x', sizeof(line));
    memcpy(line, "data: ", 6);
    events e = {0};
    UD_CHECK_EQ_INT(UD_ELIMIT, parse(&e, line, sizeof(line), 13, 100));
    UD_CHECK_EQ_INT(0, e.count);
    /* Many short data lines add up past the cap of one event as well. */
    char many[800];
    size_t at = 0;
    while (at + 8 < sizeof(many)) {
        memcpy(many + at, "data: 1\n", 8);
        at += 8;
    }
    events f = {0};
    UD_CHECK_EQ_INT(UD_ELIMIT, parse(&f, many, at, 0, 100));
    /* A callback's non-zero return stops the parser and comes back. */
    events g = {.stop_after = 1};
    UD_CHECK_EQ_INT(42, parse(&g, "data: a\n\ndata: b\n\n", 18, 0, 0));
    UD_CHECK_EQ_INT(1, g.count);
}

/* ---- Retry-After and the token bucket (no network) ------------------- */

void test_http_client__retry_after_values(void)
{
    long ms = -1;
    UD_CHECK_OK(ud_http_retry_after_ms(&ms, "120", 0));
    UD_CHECK_EQ_INT(120000, ms);
    UD_CHECK_OK(ud_http_retry_after_ms(&ms, " 0 ", 0));
    UD_CHECK_EQ_INT(0, ms);
    UD_CHECK_OK(ud_http_retry_after_ms(&ms, "1.5", 0));
    UD_CHECK_EQ_INT(1500, ms);
    /* Wed, 21 Oct 2015 07:28:00 GMT is 1445412480. */
    UD_CHECK_OK(ud_http_retry_after_ms(&ms, "Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 30));
    UD_CHECK_EQ_INT(30000, ms);
    UD_CHECK_OK(ud_http_retry_after_ms(&ms, "Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 + 30));
    UD_CHECK_EQ_INT(0, ms);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_http_retry_after_ms(&ms, "soon", 0));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_http_retry_after_ms(&ms, "-5", 0));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_http_retry_after_ms(&ms, "", 0));
}

void test_http_client__token_bucket(void)
{
    ud_token_bucket b;
    ud_token_bucket_init(&b, 10, 2); /* 10 a second, bursts of 2 */
    UD_CHECK_NEAR(0, ud_token_bucket_take(&b, 1000), 1e-9);
    UD_CHECK_NEAR(0, ud_token_bucket_take(&b, 1000), 1e-9);
    UD_CHECK_NEAR(100, ud_token_bucket_take(&b, 1000), 1e-6);
    UD_CHECK_NEAR(50, ud_token_bucket_take(&b, 1050), 1e-6);
    UD_CHECK_NEAR(0, ud_token_bucket_take(&b, 1100), 1e-6);
    /* A long pause refills only up to the burst. */
    UD_CHECK_NEAR(0, ud_token_bucket_take(&b, 60000), 1e-9);
    UD_CHECK_NEAR(0, ud_token_bucket_take(&b, 60000), 1e-9);
    UD_CHECK(ud_token_bucket_take(&b, 60000) > 0);
    ud_token_bucket_dispose(&b);
    ud_token_bucket_init(&b, 0, 0); /* unlimited */
    for (int i = 0; i < 1000; i++)
        UD_CHECK_NEAR(0, ud_token_bucket_take(&b, 0), 1e-9);
    ud_token_bucket_dispose(&b);
}

/* ---- against the emulator --------------------------------------------- */

static ud_http_client *client_with(const ud_http_client_config *config)
{
    ud_http_client *c = NULL;
    UD_CHECK_OK(ud_http_client_new(&c, config));
    return c;
}

static const char EMBED_BODY[] =
    "{\"model\": \"e\", \"input\": [\"a b\", \"c\"], \"dimensions\": 4}";

static int post_embeddings(ud_http_response *res, ud_http_client *c, const ud_test_emulator *em,
                           const char *const *headers)
{
    char url[128];
    snprintf(url, sizeof(url), "%s/v1/embeddings", em->base_url);
    ud_http_request req = {
        .url = url, .headers = headers, .body = EMBED_BODY, .body_len = strlen(EMBED_BODY)};
    return ud_http_client_send(res, c, &req);
}

void test_http_client__buffered_request_and_errors(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_http_client *c = client_with(&(ud_http_client_config){.name = "emu"});
    const char *headers[] = {"x-test: 1", NULL};
    ud_http_response res;
    UD_CHECK_OK(post_embeddings(&res, c, &em, headers));
    UD_CHECK_EQ_INT(200, res.status);
    UD_CHECK_EQ_INT(1, res.attempts);
    UD_CHECK_EQ_STR("application/json", res.content_type);
    UD_CHECK_EQ_STR("req_emu_1", res.request_id);
    UD_CHECK_CONTAINS(res.body.ptr, "\"total_tokens\": 3");
    ud_http_response_dispose(&res);

    /* A 4xx is UD_EINVAL, with the service's message, and not retried. */
    ud_test_emulator_control(&em, "{\"mode\": \"400\"}");
    UD_CHECK_EQ_INT(UD_EINVAL, post_embeddings(&res, c, &em, NULL));
    UD_CHECK_EQ_INT(400, res.status);
    UD_CHECK_EQ_INT(1, res.attempts);
    UD_CHECK_CONTAINS(ud_error_last(), "emu: POST http://127.0.0.1:");
    UD_CHECK_CONTAINS(ud_error_last(), "HTTP 400: invalid_request_error: bad request (emulated)");
    ud_http_response_dispose(&res);

    /* A 404 too; a GET has no body. */
    char url[128];
    snprintf(url, sizeof(url), "%s/nowhere?key=secret", em.base_url);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_http_client_send(&res, c, &(ud_http_request){.url = url}));
    UD_CHECK_EQ_INT(404, res.status);
    UD_CHECK(!strstr(ud_error_last(), "secret")); /* no query string in messages */
    ud_http_response_dispose(&res);

    /* The body cap. */
    snprintf(url, sizeof(url), "%s/v1/embeddings", em.base_url);
    ud_http_request capped = {
        .url = url, .body = EMBED_BODY, .body_len = strlen(EMBED_BODY), .max_response = 40};
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_http_client_send(&res, c, &capped));
    ud_http_response_dispose(&res);

    /* The emulator saw our header (it records the model routes only). */
    json_t *reqs = ud_test_emulator_requests(&em, 3);
    json_t *first = json_array_get(reqs, 0);
    UD_CHECK_EQ_STR(
        "1", json_string_value(json_object_get(json_object_get(first, "headers"), "x-test")));
    UD_CHECK_EQ_STR("unify", json_string_value(
                                 json_object_get(json_object_get(first, "headers"), "user-agent")));
    json_decref(reqs);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

void test_http_client__retries_5xx_with_backoff(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_http_client *c =
        client_with(&(ud_http_client_config){.name = "emu", .max_retries = 3, .retry_base_ms = 5});
    ud_http_response res;
    /* Two failures, then the third attempt succeeds. */
    ud_test_emulator_control(&em, "{\"mode\": \"503\", \"times\": 1}");
    ud_test_emulator_control(&em, "{\"mode\": \"529\", \"times\": 1}");
    UD_CHECK_OK(post_embeddings(&res, c, &em, NULL));
    UD_CHECK_EQ_INT(3, res.attempts);
    UD_CHECK_EQ_INT(200, res.status);
    ud_http_response_dispose(&res);
    /* More failures than retries: UD_EUPSTREAM after 1 + 3 attempts. */
    ud_test_emulator_control(&em, "{\"mode\": \"529\", \"times\": 5}");
    UD_CHECK_EQ_INT(UD_EUPSTREAM, post_embeddings(&res, c, &em, NULL));
    UD_CHECK_EQ_INT(4, res.attempts);
    UD_CHECK_EQ_INT(529, res.status);
    UD_CHECK_CONTAINS(ud_error_last(), "HTTP 529: overloaded_error: Overloaded (4 attempts)");
    ud_http_response_dispose(&res);
    ud_http_client_free(c);

    /* No retries at all when asked. */
    c = client_with(&(ud_http_client_config){.max_retries = UD_HTTP_NO_RETRIES});
    UD_CHECK_EQ_INT(UD_EUPSTREAM, post_embeddings(&res, c, &em, NULL));
    UD_CHECK_EQ_INT(1, res.attempts);
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

void test_http_client__retry_after_is_honoured(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_http_client *c = client_with(
        &(ud_http_client_config){.max_retries = 2, .retry_base_ms = 1, .retry_max_ms = 5000});
    ud_http_response res;
    /* retry-after-ms (OpenAI's) wins over retry-after; the base delay is
     * 1 ms, so only honouring the header explains the wait. */
    ud_test_emulator_control(
        &em, "{\"mode\": \"429\", \"retry_after\": \"0\", \"retry_after_ms\": 300}");
    double start = ud_monotonic_ms();
    UD_CHECK_OK(post_embeddings(&res, c, &em, NULL));
    UD_CHECK(ud_monotonic_ms() - start >= 290);
    UD_CHECK_EQ_INT(2, res.attempts);
    ud_http_response_dispose(&res);
    /* A Retry-After past the longest wait ends the retries at once. */
    ud_test_emulator_control(&em, "{\"mode\": \"429\", \"retry_after\": \"3600\"}");
    UD_CHECK_EQ_INT(UD_EAGAIN, post_embeddings(&res, c, &em, NULL));
    UD_CHECK_EQ_INT(1, res.attempts);
    UD_CHECK_EQ_STR("3600", res.retry_after);
    UD_CHECK_CONTAINS(ud_error_last(), "asked to retry after 3600000 ms");
    ud_http_response_dispose(&res);
    /* 429 still after the retries: UD_EAGAIN. */
    ud_test_emulator_control(&em, "{\"mode\": \"429\", \"retry_after\": \"0\", \"times\": 3}");
    UD_CHECK_EQ_INT(UD_EAGAIN, post_embeddings(&res, c, &em, NULL));
    UD_CHECK_EQ_INT(3, res.attempts);
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

typedef struct refresh_state {
    int calls;
    int rc;
} refresh_state;

static int refresh(ud_buf *out, void *payload)
{
    refresh_state *s = payload;
    s->calls++;
    if (s->rc)
        return ud_error_set(s->rc, "refresh refused");
    return ud_buf_puts(out, "Authorization: Bearer fresh\nX-Extra: yes\n");
}

void test_http_client__refresh_on_401_once(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    refresh_state state = {0};
    ud_http_client *c = client_with(&(ud_http_client_config){
        .retry_base_ms = 1, .refresh = refresh, .refresh_payload = &state});
    const char *headers[] = {"Authorization: Bearer stale", NULL};
    ud_http_response res;
    ud_test_emulator_control(&em, "{\"mode\": \"401\"}");
    UD_CHECK_OK(post_embeddings(&res, c, &em, headers));
    UD_CHECK_EQ_INT(1, state.calls);
    UD_CHECK_EQ_INT(2, res.attempts);
    ud_http_response_dispose(&res);
    json_t *reqs = ud_test_emulator_requests(&em, 2);
    json_t *h1 = json_object_get(json_array_get(reqs, 0), "headers");
    json_t *h2 = json_object_get(json_array_get(reqs, 1), "headers");
    UD_CHECK_EQ_STR("Bearer stale", json_string_value(json_object_get(h1, "authorization")));
    UD_CHECK_EQ_STR("Bearer fresh", json_string_value(json_object_get(h2, "authorization")));
    UD_CHECK_EQ_STR("yes", json_string_value(json_object_get(h2, "x-extra")));
    json_decref(reqs);

    /* A second 401 after the refresh is UD_EAUTH: the hook runs once. */
    ud_test_emulator_control(&em, "{\"mode\": \"401\", \"times\": 2}");
    UD_CHECK_EQ_INT(UD_EAUTH, post_embeddings(&res, c, &em, headers));
    UD_CHECK_EQ_INT(2, state.calls);
    UD_CHECK_EQ_INT(2, res.attempts);
    ud_http_response_dispose(&res);
    /* A hook that fails: its error. */
    state.rc = UD_EFORBIDDEN;
    ud_test_emulator_control(&em, "{\"mode\": \"401\"}");
    UD_CHECK_EQ_INT(UD_EFORBIDDEN, post_embeddings(&res, c, &em, headers));
    UD_CHECK_EQ_STR("refresh refused", ud_error_last());
    ud_http_response_dispose(&res);
    ud_http_client_free(c);

    /* No hook: a 401 is UD_EAUTH at once. */
    c = client_with(&(ud_http_client_config){.retry_base_ms = 1});
    ud_test_emulator_control(&em, "{\"mode\": \"401\"}");
    UD_CHECK_EQ_INT(UD_EAUTH, post_embeddings(&res, c, &em, headers));
    UD_CHECK_EQ_INT(1, res.attempts);
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

typedef struct sink {
    size_t bytes;
    size_t calls;
    int stop_with; /* returned on the second call */
} sink;

static int on_body(const char *data, size_t len, void *payload)
{
    (void)data;
    sink *s = payload;
    s->bytes += len;
    s->calls++;
    if (s->stop_with && s->calls >= 2)
        return s->stop_with < 0 ? ud_error_set(s->stop_with, "callback says no") : s->stop_with;
    return 0;
}

static const char MESSAGES_BODY[] = "{\"model\": \"m\", \"stream\": true, \"messages\": "
                                    "[{\"role\": \"user\", \"content\": \"hi\"}]}";

static int post_stream(ud_http_response *res, ud_http_client *c, const ud_test_emulator *em,
                       sink *s)
{
    char url[128];
    snprintf(url, sizeof(url), "%s/v1/messages", em->base_url);
    ud_http_request req = {.url = url,
                           .body = MESSAGES_BODY,
                           .body_len = strlen(MESSAGES_BODY),
                           .on_body = on_body,
                           .payload = s};
    return ud_http_client_send(res, c, &req);
}

void test_http_client__streaming_callback(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_http_client *c = client_with(&(ud_http_client_config){.retry_base_ms = 1});
    ud_http_response res;
    sink s = {0};
    UD_CHECK_OK(post_stream(&res, c, &em, &s));
    UD_CHECK(s.calls > 1);
    UD_CHECK(res.streamed);
    UD_CHECK_EQ_INT(0, res.body.len); /* a streamed body is not kept */
    UD_CHECK_EQ_STR("text/event-stream; charset=utf-8", res.content_type);
    ud_http_response_dispose(&res);

    /* An error status is not streamed: its body is kept for the message. */
    sink quiet = {0};
    ud_test_emulator_control(&em, "{\"mode\": \"400\"}");
    UD_CHECK_EQ_INT(UD_EINVAL, post_stream(&res, c, &em, &quiet));
    UD_CHECK_EQ_INT(0, quiet.calls);
    UD_CHECK(!res.streamed);
    UD_CHECK_CONTAINS(res.body.ptr, "invalid_request_error");
    ud_http_response_dispose(&res);

    /* A positive return cancels; a negative code comes back as it is. */
    sink cancel = {.stop_with = 1};
    ud_test_emulator_control(&em, "{\"mode\": \"slow\"}");
    UD_CHECK_EQ_INT(UD_ECANCELED, post_stream(&res, c, &em, &cancel));
    UD_CHECK_EQ_INT(2, cancel.calls);
    UD_CHECK_EQ_INT(1, res.attempts);
    ud_http_response_dispose(&res);
    sink refuse = {.stop_with = UD_ECORRUPT};
    UD_CHECK_EQ_INT(UD_ECORRUPT, post_stream(&res, c, &em, &refuse));
    UD_CHECK_EQ_STR("callback says no", ud_error_last());
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

void test_http_client__no_retry_once_bytes_were_streamed(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_http_client *c = client_with(&(ud_http_client_config){.retry_base_ms = 1});
    ud_http_response res;
    sink s = {0};
    ud_test_emulator_control(&em, "{\"mode\": \"drop\", \"after_deltas\": 2}");
    UD_CHECK_EQ_INT(UD_EUPSTREAM, post_stream(&res, c, &em, &s));
    UD_CHECK(res.streamed);
    UD_CHECK_EQ_INT(1, res.attempts);
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

void test_http_client__timeouts(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_http_response res;
    sink s = {0};
    /* The whole-attempt timeout, in milliseconds; a timeout is not retried. */
    ud_http_client *c =
        client_with(&(ud_http_client_config){.timeout_ms = 300, .retry_base_ms = 1});
    ud_test_emulator_control(&em, "{\"mode\": \"stall\", \"after_deltas\": 0}");
    UD_CHECK_EQ_INT(UD_ETIMEOUT, post_stream(&res, c, &em, &s));
    UD_CHECK_EQ_INT(1, res.attempts);
    UD_CHECK_CONTAINS(ud_error_last(), "timed out after 300 ms");
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
    /* The emulator saw the client go away. */
    json_t *reqs = ud_test_emulator_requests(&em, 1);
    UD_CHECK(json_is_true(json_object_get(json_array_get(reqs, 0), "disconnected")));
    json_decref(reqs);

    /* The silence timeout: a stream that stops after some bytes ... */
    c = client_with(&(ud_http_client_config){.idle_timeout_ms = 500, .retry_base_ms = 1});
    sink t = {0};
    ud_test_emulator_control(&em, "{\"mode\": \"stall\", \"after_deltas\": 2}");
    UD_CHECK_EQ_INT(UD_ETIMEOUT, post_stream(&res, c, &em, &t));
    UD_CHECK_CONTAINS(ud_error_last(), "no data for 500 ms");
    UD_CHECK(res.streamed);
    ud_http_response_dispose(&res);
    /* ... but not one that keeps talking (every 15 ms) for longer than
     * that in all. */
    sink u = {0};
    ud_test_emulator_control(&em, "{\"mode\": \"slow\", \"deltas\": 60, \"interval_ms\": 15}");
    double start = ud_monotonic_ms();
    UD_CHECK_OK(post_stream(&res, c, &em, &u));
    UD_CHECK(ud_monotonic_ms() - start > 500);
    UD_CHECK(u.calls >= 60);
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

void test_http_client__connection_refused_is_retried(void)
{
    /* A port nobody listens on: bind one, read its number, close it. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
    socklen_t alen = sizeof(addr);
    UD_CHECK(bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    UD_CHECK(getsockname(fd, (struct sockaddr *)&addr, &alen) == 0);
    close(fd);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/", ntohs(addr.sin_port));
    ud_http_client *c = client_with(
        &(ud_http_client_config){.name = "nobody", .max_retries = 2, .retry_base_ms = 1});
    ud_http_response res;
    UD_CHECK_EQ_INT(UD_EUPSTREAM, ud_http_client_send(&res, c, &(ud_http_request){.url = url}));
    UD_CHECK_EQ_INT(3, res.attempts);
    UD_CHECK_EQ_INT(0, res.status);
    UD_CHECK_CONTAINS(ud_error_last(), "nobody: GET http://127.0.0.1:");
    ud_http_response_dispose(&res);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_http_client_send(&res, c, &(ud_http_request){.url = NULL}));
    ud_http_response_dispose(&res);
    ud_http_client_free(c);
}

void test_http_client__token_bucket_paces_requests(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    /* 20 a second with no burst: 5 requests need at least 4 intervals. */
    ud_http_client *c = client_with(&(ud_http_client_config){.rate_per_second = 20, .burst = 1});
    char url[128];
    snprintf(url, sizeof(url), "%s/_health", em.base_url);
    double start = ud_monotonic_ms();
    for (int i = 0; i < 5; i++) {
        ud_http_response res;
        UD_CHECK_OK(ud_http_client_send(&res, c, &(ud_http_request){.url = url}));
        ud_http_response_dispose(&res);
    }
    UD_CHECK(ud_monotonic_ms() - start >= 195);
    ud_http_client_free(c);
    ud_test_emulator_stop(&em);
}

typedef struct shared {
    ud_http_client *client;
    const ud_test_emulator *em;
    int failures;
} shared;

static void *worker(void *payload)
{
    shared *s = payload;
    for (int i = 0; i < 5; i++) {
        ud_http_response res;
        if (post_embeddings(&res, s->client, s->em, NULL) != 0)
            __atomic_add_fetch(&s->failures, 1, __ATOMIC_SEQ_CST);
        ud_http_response_dispose(&res);
    }
    return NULL;
}

void test_http_client__shared_between_threads(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    shared s = {.client = client_with(&(ud_http_client_config){.name = "shared"}), .em = &em};
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        UD_CHECK(pthread_create(&threads[i], NULL, worker, &s) == 0);
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    UD_CHECK_EQ_INT(0, s.failures);
    json_t *reqs = ud_test_emulator_requests(&em, 20);
    UD_CHECK_EQ_INT(20, json_array_size(reqs));
    json_decref(reqs);
    ud_http_client_free(s.client);
    ud_test_emulator_stop(&em);
}
