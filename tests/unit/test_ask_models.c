/*
 * Answers from model providers through the whole server, against the
 * emulator of the Anthropic and OpenAI APIs (tests/emulators): the cost of
 * an answer from its real usage, recorded and reported; the alert on a
 * costly one; failover to the fallback; a streaming client that leaves
 * cancels the upstream request; the cache spares the provider a second
 * call; and OpenAI embeddings for the index.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "answer/router.h"
#include "api_fixture.h"
#include "llm_emulator.h"
#include "store/meta_audit.h"
#include "store/meta_history.h"
#include "test.h"

static const char QUESTION[] = "{\"question\": \"What is the Borealis account review about?\"}";

/* The fixture's answerer replaced by Anthropic (primary) and an
 * OpenAI-compatible fallback, both at the emulator. */
static void use_models(ud_fixture *s, const ud_test_emulator *em)
{
    char anthropic_url[96], openai_url[96];
    snprintf(anthropic_url, sizeof(anthropic_url), "%s", em->base_url);
    snprintf(openai_url, sizeof(openai_url), "%s/v1", em->base_url);
    ud_llm_config primary = {.kind = "anthropic",
                             .base_url = anthropic_url,
                             .api_key = "sk-ant-test",
                             .model = "claude-3-5-sonnet-20250122",
                             .timeout_seconds = 10,
                             .max_retries = -1};
    ud_llm_config fallback = {.kind = "openai",
                              .base_url = openai_url,
                              .api_key = "sk-test",
                              .model = "gpt-4-turbo-preview",
                              .timeout_seconds = 10,
                              .max_retries = -1};
    ud_llm *a = NULL, *b = NULL, *router = NULL;
    UD_CHECK_OK(ud_llm_new(&a, &primary));
    UD_CHECK_OK(ud_llm_new(&b, &fallback));
    ud_llm_router_config rc = {.primary = a, .fallback = b};
    UD_CHECK_OK(ud_llm_router_new(&router, &rc));
    ud_llm_free(s->ctx.llm);
    s->ctx.llm = router;
}

void test_ask_models__answers_cost_what_their_tokens_cost_and_fail_over(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    use_models(&s, &em);
    s.ctx.cost_alert_usd = 0.000001; /* every answer is "costly" here */
    ud_reply r;
    char ann[1024], admin[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);

    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask", QUESTION);
    UD_CHECK_EQ_INT(200, r.status);
    json_t *root = json_loads(r.body, 0, NULL);
    UD_CHECK_EQ_STR("anthropic", json_string_value(json_object_get(root, "provider")));
    UD_CHECK_EQ_STR("primary", json_string_value(json_object_get(root, "route")));
    /* The emulator quotes the first source of the context: a citation. */
    UD_CHECK_EQ_STR("Pipeline review",
                    json_string_value(json_object_get(
                        json_array_get(json_object_get(root, "citations"), 0), "title")));
    json_t *usage = json_object_get(root, "usage");
    double input = (double)json_integer_value(json_object_get(usage, "input_tokens"));
    double output = (double)json_integer_value(json_object_get(usage, "output_tokens"));
    double read = (double)json_integer_value(json_object_get(usage, "cache_read_tokens"));
    double write = (double)json_integer_value(json_object_get(usage, "cache_write_tokens"));
    UD_CHECK(input > 0 && output > 0 && write > 0); /* the system prompt was cached */
    double expected = (input * 3 + output * 15 + read * 0.3 + write * 3.75) / 1e6;
    double cost = json_real_value(json_object_get(root, "cost_usd"));
    UD_CHECK_NEAR(expected, cost, 1e-12);
    json_decref(root);

    /* Recorded with the answer, reported by /v1/usage, alerted. */
    ud_user user;
    UD_CHECK_OK(ud_meta_user_get_by_email(&user, s.meta, &s.arena, "ann@acme.test"));
    ud_history_entry *entries = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_history_list(&entries, &count, s.meta, &s.arena, s.acme.id, user.id,
                                     UD_HISTORY_ALL, 10, 0));
    UD_CHECK_EQ_INT(1, count);
    UD_CHECK_EQ_STR("anthropic", entries[0].provider);
    UD_CHECK_EQ_STR("claude-3-5-sonnet-20250122", entries[0].model);
    UD_CHECK_NEAR(cost, entries[0].cost_usd, 1e-9);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/usage", NULL);
    root = json_loads(r.body, 0, NULL);
    json_t *answers = json_object_get(root, "answers");
    UD_CHECK_EQ_INT(1, json_integer_value(json_object_get(answers, "count")));
    UD_CHECK_NEAR(cost, json_real_value(json_object_get(answers, "p99_usd")), 1e-9);
    json_decref(root);
    ud_audit_entry *audit = NULL;
    UD_CHECK_OK(ud_meta_audit_list(&audit, &count, s.meta, &s.arena, s.acme.id, 0, 50));
    bool alerted = false;
    for (size_t i = 0; i < count; i++)
        alerted |= strcmp(audit[i].action, "cost_alert") == 0;
    UD_CHECK(alerted);

    /* The same question again: from the cache, the provider not asked. */
    json_t *before = ud_test_emulator_requests(&em, 1);
    size_t asked = json_array_size(before);
    json_decref(before);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask", QUESTION);
    UD_CHECK_CONTAINS(r.body, "\"cached\":true");
    json_t *after = ud_test_emulator_requests(&em, (int)asked);
    UD_CHECK_EQ_INT(asked, json_array_size(after));
    json_decref(after);

    /* Overloaded primary: the fallback answers, and says so. */
    ud_test_emulator_control(&em, "{\"mode\": \"529\", \"path\": \"/v1/messages\"}");
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask",
                    "{\"question\": \"What is the standup agenda of the Atlas launch?\"}");
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"provider\":\"openai\"");
    UD_CHECK_CONTAINS(r.body, "\"route\":\"fallback\"");
    ud_fixture_stop(&s);
    ud_test_emulator_stop(&em);
}

void test_ask_models__a_streaming_client_that_leaves_cancels_the_upstream_request(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    use_models(&s, &em);
    char ann[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    /* A long answer, one piece every 10 ms. */
    ud_test_emulator_control(&em, "{\"mode\": \"slow\", \"deltas\": 2000, \"interval_ms\": 10}");
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(s.port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    UD_CHECK(connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    static const char body[] =
        "{\"question\": \"What is the Borealis account review about?\", \"stream\": true}";
    char request[3000];
    int n = snprintf(request, sizeof(request),
                     "POST /v1/ask HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     ann, sizeof(body) - 1, body);
    UD_CHECK(write(fd, request, (size_t)n) == n);
    /* Read until the first delta has arrived, then leave. */
    char buf[8192];
    size_t got = 0;
    while (got < sizeof(buf) - 1 && !memmem(buf, got, "event: delta", 12)) {
        struct pollfd p = {fd, POLLIN, 0};
        UD_CHECK(poll(&p, 1, 20000) == 1);
        ssize_t k = read(fd, buf + got, sizeof(buf) - 1 - got);
        UD_CHECK(k > 0);
        got += (size_t)k;
    }
    close(fd);
    /* The emulator sees its client (our server) go away long before the
     * 2000 pieces (20 s) are sent. */
    json_t *requests = ud_test_emulator_requests(&em, 1);
    json_t *last = json_array_get(requests, json_array_size(requests) - 1);
    UD_CHECK(json_is_true(json_object_get(last, "disconnected")));
    json_decref(requests);
    ud_fixture_stop(&s);
    ud_test_emulator_stop(&em);
}

void test_ask_models__openai_embeddings_feed_the_index(void)
{
    ud_test_emulator em;
    ud_test_emulator_start(&em);
    char data[600], docs[600], *out = NULL;
    snprintf(data, sizeof(data), "%s/data", ud_test_tmpdir());
    snprintf(docs, sizeof(docs), "%s/docs", ud_test_tmpdir());
    ud_test_write_file(docs, "fleet.md", "# Fleet\n\nThe robot fleet charges overnight.\n", 44);
    ud_test_write_file(docs, "menu.md", "# Menu\n\nThe canteen serves soup on Fridays.\n", 44);
    char env[400];
    snprintf(env, sizeof(env),
             "UNIFY_STORE= UNIFY_WORD_VECTORS_JSON=none UNIFY_EMBEDDING_PROVIDER=openai "
             "UNIFY_EMBEDDING_BASE_URL=%s/v1 UNIFY_EMBEDDING_DIMENSIONS=64",
             em.base_url);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "%s %s init --data '%s'", env, ud_test_unify_bin(), data));
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "%s %s ingest --data '%s' '%s'", env, ud_test_unify_bin(),
                                   data, docs));
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "%s %s search --data '%s' --mode vector --json fleet", env,
                                   ud_test_unify_bin(), data));
    json_t *root = json_loads(out, 0, NULL);
    if (!root)
        ud_test_fail(__FILE__, __LINE__, "search output is not JSON: %s", out);
    UD_CHECK_EQ_INT(2, json_array_size(json_object_get(root, "results")));
    json_decref(root);
    free(out);
    /* The chunks and the question went to /v1/embeddings with dimensions. */
    json_t *requests = ud_test_emulator_requests(&em, 2);
    bool embedded = false;
    size_t i;
    json_t *r;
    json_array_foreach(requests, i, r)
    {
        const char *path = json_string_value(json_object_get(r, "path"));
        json_t *body = json_object_get(r, "body");
        if (path && strcmp(path, "/v1/embeddings") == 0 &&
            json_integer_value(json_object_get(body, "dimensions")) == 64)
            embedded = true;
    }
    UD_CHECK(embedded);
    json_decref(requests);
    ud_test_emulator_stop(&em);
}
