/*
 * Tests of POST /v1/ask and GET /v1/usage through the API (api_fixture.h):
 * answers with citations from the extractive answerer, as one JSON or as
 * Server-Sent Events, the query cache, who may ask, history and usage.
 * The model providers themselves are tested against their emulators in
 * test_llm.c.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "store/meta_history.h"
#include "test.h"

static const char BOREALIS[] = "{\"question\": \"What is the Borealis account review about?\"}";

void test_ask__answers_cite_their_sources_and_are_cached(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char ann[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask", BOREALIS);
    UD_CHECK_EQ_INT(200, r.status);
    json_t *root = json_loads(r.body, 0, NULL);
    UD_CHECK_CONTAINS(json_string_value(json_object_get(root, "answer")),
                      "Quarterly pipeline review for the Borealis account.");
    UD_CHECK_CONTAINS(json_string_value(json_object_get(root, "answer")),
                      "[Source: Pipeline review]");
    json_t *citations = json_object_get(root, "citations");
    UD_CHECK_EQ_INT(1, json_array_size(citations));
    UD_CHECK_EQ_STR("Pipeline review",
                    json_string_value(json_object_get(json_array_get(citations, 0), "title")));
    UD_CHECK_EQ_STR("extractive", json_string_value(json_object_get(root, "provider")));
    UD_CHECK(json_is_false(json_object_get(root, "cached")));
    UD_CHECK_EQ_INT(0, json_integer_value(json_object_get(root, "dropped_citations")));
    json_decref(root);

    /* The same question again: from the cache, recorded as such. */
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask", BOREALIS);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"cached\":true");
    UD_CHECK_CONTAINS(r.body, "[Source: Pipeline review]");
    ud_history_entry *entries = NULL;
    size_t count = 0;
    ud_user user;
    UD_CHECK_OK(ud_meta_user_get_by_email(&user, s.meta, &s.arena, "ann@acme.test"));
    UD_CHECK_OK(ud_meta_history_list(&entries, &count, s.meta, &s.arena, s.acme.id, user.id,
                                     UD_HISTORY_ALL, 10, 0));
    UD_CHECK_EQ_INT(2, count);
    /* Both in the same second: which comes first is not defined. */
    const ud_history_entry *fresh =
        entries[0].route && strcmp(entries[0].route, "cache") == 0 ? &entries[1] : &entries[0];
    const ud_history_entry *cached = fresh == &entries[0] ? &entries[1] : &entries[0];
    UD_CHECK_EQ_STR("ask", cached->kind);
    UD_CHECK_EQ_STR("cache", cached->route);
    UD_CHECK_EQ_STR("extractive", fresh->provider);
    UD_CHECK_EQ_INT(1, fresh->results_count);
    UD_CHECK_EQ_INT(1, fresh->source_count);
    UD_CHECK_EQ_STR("file", fresh->sources_used[0]);

    /* The index changed: the cached answer is not served any more. */
    static const char *everyone[] = {UD_ACL_EVERYONE};
    ud_document doc = {.source_key = "file:document:/new.md",
                       .source_type = "file",
                       .title = "New",
                       .text = "Unrelated.",
                       .text_len = 10,
                       .metadata_json = "{}",
                       .acl = everyone,
                       .acl_count = 1};
    ud_sha256_hex(doc.content_hash, "new", 3);
    ud_chunk chunk = {0, doc.text, doc.text_len, 1, 0, ""};
    UD_CHECK_OK(ud_meta_document_put(NULL, NULL, s.meta, s.acme.id, &doc, &chunk, 1));
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask", BOREALIS);
    UD_CHECK_CONTAINS(r.body, "\"cached\":false");

    /* Nothing relevant: a plain statement, no citations, no generator. */
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask",
                    "{\"question\": \"Who won the 1954 football world cup?\"}");
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "I could not find anything about that");
    UD_CHECK_CONTAINS(r.body, "\"citations\":[]");
    ud_fixture_stop(&s);
}

void test_ask__only_users_and_ask_keys_may_ask_and_bad_bodies_are_refused(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char val[1024], admin[1024], key[128];
    ud_fixture_login(&s, "val@acme.test", "val-password-123", val, NULL);
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_call(&r, &s, val, "POST", "/v1/ask", BOREALIS);
    UD_CHECK_EQ_INT(403, r.status); /* a viewer searches only */
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/ask", BOREALIS);
    UD_CHECK_EQ_INT(401, r.status);
    ud_fixture_call(&r, &s, admin, "POST", "/v1/api-keys", "{\"name\": \"search\"}");
    ud_fixture_field(key, sizeof(key), &r, "key");
    ud_fixture_call(&r, &s, key, "POST", "/v1/ask", BOREALIS);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, admin, "POST", "/v1/api-keys",
                    "{\"name\": \"asker\", \"permissions\": {\"ask\": true}}");
    ud_fixture_field(key, sizeof(key), &r, "key");
    ud_fixture_call(&r, &s, key, "POST", "/v1/ask", BOREALIS);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "Pipeline review");

    static const char *const bad[] = {
        "{}",
        "{\"question\": \"\"}",
        "{\"question\": \"   \"}",
        "{\"question\": 7}",
        "{\"question\": \"x\", \"top_k\": 0}",
        "{\"question\": \"x\", \"top_k\": 51}",
        "{\"question\": \"x\", \"source_types\": \"file\"}",
        "{\"question\": \"x\", \"stream\": \"yes\"}",
        "[\"question\"]",
        "{\"question\": \"x\"",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ud_fixture_call(&r, &s, admin, "POST", "/v1/ask", bad[i]);
        if (r.status != 400)
            ud_test_fail(__FILE__, __LINE__, "%s: expected 400, got %ld %s", bad[i], r.status,
                         r.body);
    }
    ud_fixture_stop(&s);
}

/* The events of an SSE body: names and data, in order. */
typedef struct events {
    char names[64][32];
    json_t *data[64];
    size_t count;
} events;

static void parse_events(events *out, const char *body)
{
    memset(out, 0, sizeof(*out));
    const char *p = body;
    while (*p && out->count < 64) {
        const char *end = strstr(p, "\n\n");
        if (!end)
            ud_test_fail(__FILE__, __LINE__, "an event does not end: %s", p);
        if (strncmp(p, "event: ", 7) != 0)
            ud_test_fail(__FILE__, __LINE__, "an event without a name: %.80s", p);
        const char *nl = strchr(p, '\n');
        snprintf(out->names[out->count], 32, "%.*s", (int)(nl - p - 7), p + 7);
        if (strncmp(nl + 1, "data: ", 6) != 0)
            ud_test_fail(__FILE__, __LINE__, "an event without data: %.80s", p);
        out->data[out->count] = json_loadb(nl + 7, (size_t)(end - nl - 7), 0, NULL);
        UD_CHECK(out->data[out->count] != NULL);
        out->count++;
        p = end + 2;
    }
}

static void free_events(events *e)
{
    for (size_t i = 0; i < e->count; i++)
        json_decref(e->data[i]);
}

void test_ask__streams_deltas_citations_and_done(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char ann[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask",
                    "{\"question\": \"What is the Borealis account review about?\", "
                    "\"stream\": true}");
    UD_CHECK_EQ_INT(200, r.status);
    events e;
    parse_events(&e, r.body);
    UD_CHECK(e.count >= 3);
    /* The deltas, joined, are the whole answer; then citations, then done. */
    char answer[4096] = "";
    size_t i = 0;
    for (; i < e.count && strcmp(e.names[i], "delta") == 0; i++) {
        size_t used = strlen(answer);
        snprintf(answer + used, sizeof(answer) - used, "%s",
                 json_string_value(json_object_get(e.data[i], "text")));
    }
    UD_CHECK(i >= 1);
    UD_CHECK_CONTAINS(answer, "Quarterly pipeline review for the Borealis account.");
    UD_CHECK_CONTAINS(answer, "[Source: Pipeline review]");
    UD_CHECK_EQ_STR("citations", e.names[i]);
    json_t *citations = json_object_get(e.data[i], "citations");
    UD_CHECK_EQ_INT(1, json_array_size(citations));
    UD_CHECK_EQ_STR("done", e.names[i + 1]);
    UD_CHECK_EQ_STR("extractive", json_string_value(json_object_get(e.data[i + 1], "provider")));
    UD_CHECK(json_is_object(json_object_get(e.data[i + 1], "usage")));
    UD_CHECK(json_is_number(json_object_get(e.data[i + 1], "cost_usd")));
    UD_CHECK_EQ_INT(i + 2, e.count);
    free_events(&e);
    ud_fixture_stop(&s);
}

void test_ask__usage_reports_answers_per_day(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char ann[1024], admin[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask", BOREALIS);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", "{\"query\": \"standup\"}");
    ud_fixture_call(&r, &s, ann, "GET", "/v1/usage", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/usage?days=7", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    json_t *root = json_loads(r.body, 0, NULL);
    json_t *days = json_object_get(root, "days");
    UD_CHECK_EQ_INT(1, json_array_size(days));
    UD_CHECK_EQ_INT(1, json_integer_value(json_object_get(json_array_get(days, 0), "asks")));
    UD_CHECK_EQ_INT(1, json_integer_value(json_object_get(json_array_get(days, 0), "searches")));
    UD_CHECK_EQ_INT(1, json_array_size(json_object_get(root, "months")));
    UD_CHECK_EQ_INT(1,
                    json_integer_value(json_object_get(json_object_get(root, "answers"), "count")));
    json_decref(root);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/usage?days=0", NULL);
    UD_CHECK_EQ_INT(400, r.status);
    ud_fixture_stop(&s);
}
