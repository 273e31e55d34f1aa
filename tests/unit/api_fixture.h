/*
 * A running API server for the tests of the API's features: a SQLite store
 * with one organization (Acme) and three users (admin, user, viewer), a
 * few documents in its index, the extractive answerer, and a libcurl
 * client that sends requests with a credential. Used by test_auth.c and
 * test_ask.c.
 */
#ifndef UD_TEST_API_FIXTURE_H
#define UD_TEST_API_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "answer/llm.h"
#include "index/search.h"
#include "server/api.h"
#include "store/cache.h"

typedef struct ud_reply {
    long status;
    char body[65536];
    size_t len;
    char retry_after[32];
} ud_reply;

typedef struct ud_fixture {
    ud_meta *meta;
    ud_searcher *searcher;
    ud_counters *counters;
    ud_api_context ctx;
    ud_http_server *http;
    ud_arena arena;
    ud_org acme;
    uint16_t port;
    char doc_id[37];
    char doc_path[600];
} ud_fixture;

/* Starts the server: the org on `plan`, `per_minute` requests per route
 * per minute. Users: admin@acme.test / admin-password-1 (admin),
 * ann@acme.test / ann-password-123 (user), val@acme.test / val-password-123
 * (viewer). Documents: "Pipeline review" (a raw file on disk) and two
 * "Standup" notes from slack and file. */
void ud_fixture_start(ud_fixture *s, const char *plan, long per_minute);
void ud_fixture_stop(ud_fixture *s);

/* `credential`: an access token or API key, or NULL. */
void ud_fixture_call(ud_reply *r, ud_fixture *s, const char *credential, const char *method,
                     const char *path, const char *body);
/* A string field of a JSON reply, copied into out (fails the test if absent). */
const char *ud_fixture_field(char *out, size_t size, const ud_reply *r, const char *name);
/* Logs in and returns the access token (and the refresh token if asked). */
void ud_fixture_login(ud_fixture *s, const char *email, const char *password, char access[1024],
                      char refresh[128]);

#endif
