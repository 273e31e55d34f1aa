/*
 * The serving path's worker pool (src/server/work_pool.h) and what it buys
 * the server: a slow request (an ask waiting on a model, a login) holds one
 * worker and never delays the health check or another caller's search; a
 * full queue, or a request that waited too long for a worker, is answered
 * 503 with Retry-After.
 *
 * Nothing here waits on time: the slow requests are held by the model
 * emulator's "hold" fault (tests/emulators/llm_emulator.py) or by a gate
 * in the guard, until the test releases them, and each step waits for the
 * state it needs (a request held, a job queued) with a bound.
 */
#include <jansson.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer/setup.h"
#include "api_fixture.h"
#include "base/config.h"
#include "http_test_client.h"
#include "llm_emulator.h"
#include "server/work_pool.h"
#include "test.h"

/* ---- the pool itself ------------------------------------------------------------ */

/* A gate jobs block on until the test opens it, and the count of jobs run. */
typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool open;
    int arrived; /* jobs that reached the gate */
    int ran;     /* jobs run to the end */
    int expired; /* jobs handed over as expired */
} gate;

static gate the_gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0, 0, 0};

static void gate_reset(void)
{
    the_gate.open = false;
    the_gate.arrived = the_gate.ran = the_gate.expired = 0;
}

/* Waits (at most 10 s) until *counter reaches n. */
static void gate_wait(const int *counter, int n, const char *what)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 10;
    pthread_mutex_lock(&the_gate.lock);
    while (*counter < n &&
           pthread_cond_timedwait(&the_gate.changed, &the_gate.lock, &deadline) == 0) {
    }
    int now = *counter;
    pthread_mutex_unlock(&the_gate.lock);
    if (now < n)
        ud_test_fail(__FILE__, __LINE__, "%s: %d of %d in 10 s", what, now, n);
}

static void gate_open(void)
{
    pthread_mutex_lock(&the_gate.lock);
    the_gate.open = true;
    pthread_cond_broadcast(&the_gate.changed);
    pthread_mutex_unlock(&the_gate.lock);
}

/* Waits at the gate (a job, or a guard holding a request). */
static void gate_pass(void)
{
    pthread_mutex_lock(&the_gate.lock);
    the_gate.arrived++;
    pthread_cond_broadcast(&the_gate.changed);
    while (!the_gate.open)
        pthread_cond_wait(&the_gate.changed, &the_gate.lock);
    pthread_mutex_unlock(&the_gate.lock);
}

static void gated_job(void *payload, bool expired)
{
    (void)payload;
    if (!expired)
        gate_pass();
    pthread_mutex_lock(&the_gate.lock);
    if (expired)
        the_gate.expired++;
    else
        the_gate.ran++;
    pthread_cond_broadcast(&the_gate.changed);
    pthread_mutex_unlock(&the_gate.lock);
}

void test_serving_pool__queue_is_bounded(void)
{
    gate_reset();
    ud_work_pool *pool = NULL;
    ud_work_pool_config config = {.workers = 1, .queue_max = 2, .max_wait_ms = 0};
    UD_CHECK_OK(ud_work_pool_new(&pool, &config));
    UD_CHECK_OK(ud_work_pool_submit(pool, gated_job, NULL));
    gate_wait(&the_gate.arrived, 1, "the first job on the worker");
    UD_CHECK_OK(ud_work_pool_submit(pool, gated_job, NULL));
    UD_CHECK_OK(ud_work_pool_submit(pool, gated_job, NULL));
    /* One running, two waiting: the queue is full. */
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_work_pool_submit(pool, gated_job, NULL));
    ud_work_pool_stats stats;
    ud_work_pool_stats_get(&stats, pool);
    UD_CHECK_EQ_INT(1, (int)stats.running);
    UD_CHECK_EQ_INT(2, (int)stats.queued);
    UD_CHECK_EQ_INT(2, (int)stats.max_queued);
    UD_CHECK_EQ_INT(3, (int)stats.accepted);
    UD_CHECK_EQ_INT(1, (int)stats.rejected);
    gate_open();
    gate_wait(&the_gate.ran, 3, "jobs run");
    /* Room again once the queue has drained. */
    UD_CHECK_OK(ud_work_pool_submit(pool, gated_job, NULL));
    ud_work_pool_free(pool);
    UD_CHECK_EQ_INT(4, the_gate.ran);
    UD_CHECK_EQ_INT(0, the_gate.expired);
}

typedef struct drainer {
    ud_work_pool *pool;
} drainer;

static void *drain_pool(void *arg)
{
    ud_work_pool_drain(((drainer *)arg)->pool);
    return NULL;
}

void test_serving_pool__stop_drains_the_queue(void)
{
    gate_reset();
    ud_work_pool *pool = NULL;
    ud_work_pool_config config = {.workers = 2, .queue_max = 16, .max_wait_ms = 0};
    UD_CHECK_OK(ud_work_pool_new(&pool, &config));
    for (int i = 0; i < 7; i++)
        UD_CHECK_OK(ud_work_pool_submit(pool, gated_job, NULL));
    gate_wait(&the_gate.arrived, 2, "both workers busy");
    /* Stop while five jobs still wait and two are held at the gate. */
    drainer d = {pool};
    pthread_t thread;
    UD_CHECK(pthread_create(&thread, NULL, drain_pool, &d) == 0);
    ud_work_pool_stats stats = {0};
    time_t start = time(NULL);
    while (!stats.stopping && time(NULL) - start < 10) {
        ud_work_pool_stats_get(&stats, pool);
        sched_yield(); /* a poll of a state, not a wait for time to pass */
    }
    UD_CHECK(stats.stopping);
    UD_CHECK_EQ_INT(5, (int)stats.queued);
    /* Stopping: no new work, but everything accepted runs. */
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_work_pool_submit(pool, gated_job, NULL));
    gate_open();
    pthread_join(thread, NULL);
    UD_CHECK_EQ_INT(7, the_gate.ran);
    ud_work_pool_stats_get(&stats, pool);
    UD_CHECK_EQ_INT(7, (int)stats.completed);
    UD_CHECK_EQ_INT(0, (int)stats.queued);
    UD_CHECK_EQ_INT(0, (int)stats.running);
    ud_work_pool_free(pool);
}

void test_serving_pool__a_job_that_waits_too_long_expires(void)
{
    gate_reset();
    ud_work_pool *pool = NULL;
    ud_work_pool_config config = {.workers = 1, .queue_max = 4, .max_wait_ms = 1};
    UD_CHECK_OK(ud_work_pool_new(&pool, &config));
    /* Even the first job may wait past 1 ms for the idle worker to wake
     * on a loaded machine: submit until one holds the worker. */
    for (int tries = 0; the_gate.arrived == 0; tries++) {
        UD_CHECK(tries < 100);
        int before = the_gate.expired;
        UD_CHECK_OK(ud_work_pool_submit(pool, gated_job, NULL));
        pthread_mutex_lock(&the_gate.lock);
        while (the_gate.arrived == 0 && the_gate.expired == before)
            pthread_cond_wait(&the_gate.changed, &the_gate.lock);
        pthread_mutex_unlock(&the_gate.lock);
    }
    int expired_before = the_gate.expired;
    /* The only worker is held: the watcher expires the next job. */
    UD_CHECK_OK(ud_work_pool_submit(pool, gated_job, NULL));
    gate_wait(&the_gate.expired, expired_before + 1, "expired jobs");
    ud_work_pool_stats stats;
    ud_work_pool_stats_get(&stats, pool);
    UD_CHECK_EQ_INT(expired_before + 1, (int)stats.expired);
    UD_CHECK_EQ_INT(0, (int)stats.queued);
    UD_CHECK(stats.wait_max_us >= 1000);
    gate_open();
    ud_work_pool_free(pool);
    UD_CHECK_EQ_INT(1, the_gate.ran);
    UD_CHECK_EQ_INT(expired_before + 1, the_gate.expired);
}

void test_serving_pool__wait_percentiles(void)
{
    ud_work_pool_stats stats;
    memset(&stats, 0, sizeof(stats));
    UD_CHECK(ud_work_pool_wait_ms(&stats, 0.5) == 0);
    for (int i = 0; i < 98; i++)
        ud_work_pool_stats_add_wait(&stats, 1000); /* 1 ms */
    ud_work_pool_stats_add_wait(&stats, 3);
    ud_work_pool_stats_add_wait(&stats, 250000); /* 250 ms */
    /* Buckets are an eighth of a power of two wide. */
    double p50 = ud_work_pool_wait_ms(&stats, 0.5), p99 = ud_work_pool_wait_ms(&stats, 0.99);
    UD_CHECK(p50 >= 1.0 && p50 <= 1.125);
    UD_CHECK(p99 >= 1.0 && p99 <= 1.125);
    UD_CHECK_NEAR(250.0, ud_work_pool_wait_ms(&stats, 1.0), 1e-9); /* the maximum itself */
    UD_CHECK(ud_work_pool_wait_ms(&stats, 0.001) <= 0.004);
    UD_CHECK_EQ_INT(250000, (int)stats.wait_max_us);
}

/* ---- the server --------------------------------------------------------------- */

static ud_http_guard real_guard;

/* The API's guard, except that a login waits at the gate first: a login
 * whose handling takes as long as the test wants (as argon2 would on a
 * slow machine), on the worker that runs it. */
static int gated_guard(ud_http_response *res, ud_http_request *req, int access, void *payload)
{
    if (strcmp(req->route->pattern, "/v1/auth/login") == 0)
        gate_pass();
    return real_guard(res, req, access, payload);
}

/* Restarts the fixture's server with one HTTP thread (so that a handler
 * blocking it would block everything) and the given pool, and answers by
 * the emulator's Anthropic API. */
static void restart(ud_fixture *s, ud_test_emulator *em, unsigned workers, unsigned queue_max,
                    unsigned queue_wait_ms)
{
    ud_http_server_stop(s->http);
    ud_config config;
    ud_config_init(&config, ud_test_tmpdir());
    UD_CHECK_OK(ud_config_set(&config, "answer_provider", "anthropic", UD_FROM_FLAG));
    UD_CHECK_OK(ud_config_set(&config, "answer_model", "claude-emulated", UD_FROM_FLAG));
    UD_CHECK_OK(ud_config_set(&config, "answer_base_url", em->base_url, UD_FROM_FLAG));
    UD_CHECK_OK(ud_config_set(&config, "answer_api_key", "test-key", UD_FROM_FLAG));
    ud_llm *llm = NULL;
    UD_CHECK_OK(ud_answer_llm_from_config(&llm, &config, NULL));
    ud_llm_free(s->ctx.llm);
    s->ctx.llm = llm;
    ud_http_config http;
    ud_http_config_default(&http);
    http.port = 0;
    http.threads = 1;
    http.workers = workers;
    http.queue_max = queue_max;
    http.queue_wait_ms = queue_wait_ms;
    real_guard = ud_api_guard;
    http.guard = gated_guard;
    size_t count = 0;
    const ud_http_route *routes = ud_api_routes(&count);
    UD_CHECK_OK(ud_http_server_start(&s->http, &http, routes, count, &s->ctx));
    s->port = ud_http_server_port(s->http);
}

/* One request on a thread of its own. */
typedef struct call {
    ud_fixture *s;
    const char *credential;
    const char *method, *path;
    char body[512];
    ud_reply reply;
    pthread_t thread;
    atomic_bool finished;
} call;

static void *run_call(void *arg)
{
    call *c = arg;
    ud_fixture_call(&c->reply, c->s, c->credential, c->method, c->path,
                    c->body[0] ? c->body : NULL);
    atomic_store(&c->finished, true);
    return NULL;
}

static void call_start(call *c, ud_fixture *s, const char *credential, const char *method,
                       const char *path, const char *body)
{
    memset(c, 0, sizeof(*c));
    c->s = s;
    c->credential = credential;
    c->method = method;
    c->path = path;
    snprintf(c->body, sizeof(c->body), "%s", body ? body : "");
    UD_CHECK(pthread_create(&c->thread, NULL, run_call, c) == 0);
}

static void call_join(call *c)
{
    pthread_join(c->thread, NULL);
}

/* Waits (bounded) until the server's pool has `queued` requests waiting. */
static void wait_queued(ud_fixture *s, unsigned queued)
{
    ud_work_pool_stats stats = {0};
    struct timespec pause = {0, 1000000}, start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        ud_http_server_stats(&stats, s->http);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (stats.queued >= queued || now.tv_sec - start.tv_sec > 10)
            break;
        nanosleep(&pause, NULL); /* a poll of a state, not a wait for time to pass */
    }
    if (stats.queued < queued)
        ud_test_fail(__FILE__, __LINE__, "%u requests queued, not %u, in 10 s", stats.queued,
                     queued);
}

static const char SEARCH[] = "{\"query\": \"pipeline review\"}";

static void check_search(ud_fixture *s, const char *credential)
{
    ud_reply r;
    ud_fixture_call(&r, s, credential, "POST", "/v1/search", SEARCH);
    if (r.status != 200)
        ud_test_fail(__FILE__, __LINE__, "search: %ld %s", r.status, r.body);
    UD_CHECK_CONTAINS(r.body, "Pipeline review");
}

static void check_health(ud_fixture *s)
{
    ud_reply r;
    ud_fixture_call(&r, s, NULL, "GET", "/healthz", NULL);
    UD_CHECK_EQ_INT(200, (int)r.status);
    UD_CHECK_CONTAINS(r.body, "\"ok\"");
}

static void check_overloaded(const ud_reply *r)
{
    if (r->status != 503)
        ud_test_fail(__FILE__, __LINE__, "expected 503, got %ld %s", r->status, r->body);
    UD_CHECK_EQ_STR("1", r->retry_after);
    json_t *root = json_loads(r->body, 0, NULL);
    UD_CHECK_EQ_STR("overloaded",
                    json_string_value(json_object_get(json_object_get(root, "error"), "code")));
    json_decref(root);
}

/* The emulator, the fixture's server and the tokens of admin and ann
 * (logged in before any restart, so that no test's login waits on it). */
static void start(ud_test_emulator *em, ud_fixture *s, char admin[1024], char ann[1024])
{
    ud_test_emulator_start(em);
    ud_fixture_start(s, "enterprise", 100000);
    ud_fixture_login(s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_login(s, "ann@acme.test", "ann-password-123", ann, NULL);
}

static void stop(ud_test_emulator *em, ud_fixture *s)
{
    ud_fixture_stop(s);
    ud_test_emulator_stop(em);
}

void test_serving_pool__stalled_asks_delay_no_other_request(void)
{
    ud_test_emulator em;
    ud_fixture s;
    char admin[1024], ann[1024];
    start(&em, &s, admin, ann);
    restart(&s, &em, 3, 8, 600000);
    ud_test_emulator_control(&em, "{\"mode\": \"hold\", \"times\": 2}");
    /* Two of the three workers held by answers the model does not write:
     * one JSON, one streamed. */
    call ask_json, ask_stream;
    call_start(&ask_json, &s, admin, "POST", "/v1/ask",
               "{\"question\": \"What is in the Borealis pipeline review?\"}");
    call_start(&ask_stream, &s, admin, "POST", "/v1/ask",
               "{\"question\": \"What is the Atlas standup agenda?\", \"stream\": true}");
    ud_test_emulator_wait_held(&em, 2);
    ud_work_pool_stats stats;
    ud_http_server_stats(&stats, s.http);
    UD_CHECK_EQ_INT(2, (int)stats.running);
    /* Meanwhile the health check and another caller's searches answer. */
    check_health(&s);
    for (int i = 0; i < 5; i++)
        check_search(&s, ann);
    ud_test_emulator_control(&em, "{\"release\": true}");
    call_join(&ask_json);
    call_join(&ask_stream);
    if (ask_json.reply.status != 200)
        ud_test_fail(__FILE__, __LINE__, "ask: %ld %s", ask_json.reply.status, ask_json.reply.body);
    UD_CHECK_CONTAINS(ask_json.reply.body, "Pipeline review");
    UD_CHECK_EQ_INT(200, (int)ask_stream.reply.status);
    UD_CHECK_CONTAINS(ask_stream.reply.body, "event: delta");
    UD_CHECK_CONTAINS(ask_stream.reply.body, "event: done");
    ud_http_server_stats(&stats, s.http);
    UD_CHECK_EQ_INT(0, (int)stats.rejected);
    UD_CHECK_EQ_INT(0, (int)stats.expired);
    stop(&em, &s);
}

void test_serving_pool__a_login_in_flight_delays_no_search(void)
{
    ud_test_emulator em;
    ud_fixture s;
    char admin[1024], ann[1024];
    start(&em, &s, admin, ann);
    gate_reset();
    restart(&s, &em, 2, 8, 600000);
    call login;
    call_start(&login, &s, NULL, "POST", "/v1/auth/login",
               "{\"email\": \"admin@acme.test\", \"password\": \"admin-password-1\"}");
    gate_wait(&the_gate.arrived, 1, "logins held");
    check_health(&s);
    check_search(&s, ann);
    gate_open();
    call_join(&login);
    UD_CHECK_EQ_INT(200, (int)login.reply.status);
    UD_CHECK_CONTAINS(login.reply.body, "access_token");
    stop(&em, &s);
}

void test_serving_pool__a_full_queue_answers_503(void)
{
    ud_test_emulator em;
    ud_fixture s;
    char admin[1024], ann[1024];
    start(&em, &s, admin, ann);
    /* One worker, room for one request behind it. */
    restart(&s, &em, 1, 1, 600000);
    ud_test_emulator_control(&em, "{\"mode\": \"hold\", \"times\": 1}");
    call ask, queued;
    call_start(&ask, &s, admin, "POST", "/v1/ask",
               "{\"question\": \"What is in the Borealis pipeline review?\"}");
    ud_test_emulator_wait_held(&em, 1);
    call_start(&queued, &s, ann, "POST", "/v1/search", SEARCH);
    wait_queued(&s, 1);
    ud_reply r;
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", SEARCH);
    check_overloaded(&r);
    /* Unauthenticated: the guard never ran, and the answer is the same. */
    ud_fixture_call(&r, &s, NULL, "GET", "/v1/me", NULL);
    check_overloaded(&r);
    check_health(&s); /* inline: no worker needed */
    ud_test_emulator_control(&em, "{\"release\": true}");
    call_join(&ask);
    call_join(&queued);
    UD_CHECK_EQ_INT(200, (int)ask.reply.status);
    UD_CHECK_EQ_INT(200, (int)queued.reply.status);
    ud_work_pool_stats stats;
    ud_http_server_stats(&stats, s.http);
    UD_CHECK_EQ_INT(2, (int)stats.rejected);
    UD_CHECK_EQ_INT(1, (int)stats.max_queued);
    stop(&em, &s);
}

void test_serving_pool__a_request_that_waited_too_long_answers_503(void)
{
    ud_test_emulator em;
    ud_fixture s;
    char admin[1024], ann[1024];
    start(&em, &s, admin, ann);
    restart(&s, &em, 1, 8, 1);
    ud_test_emulator_control(&em, "{\"mode\": \"hold\", \"times\": 1}");
    /* Even the ask may wait past 1 ms for the idle worker to wake on a
     * loaded machine (and be answered 503): ask until the model holds one. */
    call ask;
    int tries = 0;
    for (;; tries++) {
        UD_CHECK(tries < 50);
        call_start(&ask, &s, admin, "POST", "/v1/ask",
                   "{\"question\": \"What is in the Borealis pipeline review?\", "
                   "\"stream\": true}");
        while (!atomic_load(&ask.finished) && ud_test_emulator_held(&em) == 0)
            sched_yield();
        if (!atomic_load(&ask.finished))
            break; /* held */
        call_join(&ask);
        check_overloaded(&ask.reply);
    }
    /* The only worker is held for as long as the test wants: the search
     * waits past its 1 ms and is answered without running. */
    ud_reply r;
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", SEARCH);
    check_overloaded(&r);
    ud_work_pool_stats stats;
    ud_http_server_stats(&stats, s.http);
    UD_CHECK_EQ_INT(tries + 1, (int)stats.expired); /* the search, and asks retried */
    ud_test_emulator_control(&em, "{\"release\": true}");
    call_join(&ask);
    UD_CHECK_EQ_INT(200, (int)ask.reply.status);
    UD_CHECK_CONTAINS(ask.reply.body, "event: done");
    stop(&em, &s);
}

/* ---- the HTTP layer's own routes ----------------------------------------------- */

static int handle_held(ud_http_response *res, const ud_http_request *req, void *payload)
{
    (void)payload;
    gate_pass();
    return ud_http_respond_json(res, req, 200, json_pack("{s:b}", "held", 1));
}

static void write_nothing(ud_http_stream *stream, void *payload)
{
    (void)stream;
    (void)payload;
}

static void count_free(void *payload)
{
    (*(int *)payload)++;
}

static int streams_freed;

static int handle_inline_stream(ud_http_response *res, const ud_http_request *req, void *payload)
{
    (void)payload;
    return ud_http_stream_start(res, req, "text/plain", write_nothing, &streams_freed, count_free);
}

static const ud_http_route HELD_ROUTES[] = {
    {"GET", "/held", handle_held, 0, UD_HTTP_POOLED},
    {"GET", "/stream", handle_inline_stream, 0, UD_HTTP_INLINE},
};

static void *get_held(void *arg)
{
    ud_test_http_client client;
    ud_test_http_client_init(&client, *(uint16_t *)arg);
    ud_test_http_reply reply;
    ud_test_http_send(&reply, &client, &(ud_test_http_request){.method = "GET", .target = "/held"});
    long status = reply.status;
    ud_test_http_reply_dispose(&reply);
    ud_test_http_client_dispose(&client);
    return (void *)(intptr_t)status;
}

void test_serving_pool__an_inline_stream_refused_frees_its_payload(void)
{
    gate_reset();
    streams_freed = 0;
    ud_http_config config;
    ud_http_config_default(&config);
    config.port = 0;
    config.workers = 1;
    config.queue_max = 1;
    config.queue_wait_ms = 600000;
    ud_http_server *server = NULL;
    UD_CHECK_OK(ud_http_server_start(&server, &config, HELD_ROUTES, 2, NULL));
    uint16_t port = ud_http_server_port(server);
    pthread_t running, waiting;
    UD_CHECK(pthread_create(&running, NULL, get_held, &port) == 0);
    gate_wait(&the_gate.arrived, 1, "requests held");
    UD_CHECK(pthread_create(&waiting, NULL, get_held, &port) == 0);
    ud_work_pool_stats stats = {0};
    for (time_t start = time(NULL); stats.queued < 1 && time(NULL) - start < 10; sched_yield())
        ud_http_server_stats(&stats, server); /* a poll of a state, not of time */
    UD_CHECK_EQ_INT(1, (int)stats.queued);
    /* The stream's handler ran inline; its writer finds no room. */
    ud_test_http_client client;
    ud_test_http_client_init(&client, port);
    ud_test_http_reply reply;
    ud_test_http_send(&reply, &client,
                      &(ud_test_http_request){.method = "GET", .target = "/stream"});
    UD_CHECK_EQ_INT(503, (int)reply.status);
    UD_CHECK_EQ_STR("1", reply.retry_after);
    UD_CHECK_CONTAINS(reply.body, "overloaded");
    UD_CHECK_EQ_INT(1, streams_freed);
    ud_test_http_reply_dispose(&reply);
    gate_open();
    void *status = NULL;
    pthread_join(running, &status);
    UD_CHECK_EQ_INT(200, (int)(intptr_t)status);
    pthread_join(waiting, &status);
    UD_CHECK_EQ_INT(200, (int)(intptr_t)status);
    /* With room again, the same stream is answered and its payload freed. */
    ud_test_http_send(&reply, &client,
                      &(ud_test_http_request){.method = "GET", .target = "/stream"});
    UD_CHECK_EQ_INT(200, (int)reply.status);
    ud_test_http_reply_dispose(&reply);
    ud_test_http_client_dispose(&client);
    ud_http_server_stop(server);
    UD_CHECK_EQ_INT(2, streams_freed);
}
