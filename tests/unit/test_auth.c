/*
 * Tests of the identity layer working as users expect: the counters behind
 * rate limits (with a test clock), login throttling and lockout, and the
 * HTTP flows end to end on a real socket: login, refresh rotation and
 * replay, logout, roles, rate limits and quotas with Retry-After, a
 * suspended organization, API keys made and revoked over the API, users
 * and the last-admin rule, history, settings, the audit log and raw links.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "index/search.h"
#include "server/api.h"
#include "server/limits.h"
#include "store/meta_audit.h"
#include "store/meta_credentials.h"
#include "sync/reindex.h"
#include "test.h"

/* ---- counters and limits, with a test clock ------------------------------ */

static int64_t fake_now;
static int64_t fake_clock(void *payload)
{
    (void)payload;
    return fake_now;
}

void test_auth__counters_expire_and_stay_bounded(void)
{
    ud_counters *c = NULL;
    fake_now = 1000;
    UD_CHECK_OK(ud_counters_mem_new(&c, 4, fake_clock, NULL));
    int64_t value = 0, ttl = 0;
    UD_CHECK_OK(ud_counters_incr(c, "a", 10, &value, &ttl));
    UD_CHECK_OK(ud_counters_incr(c, "a", 10, &value, &ttl));
    UD_CHECK_EQ_INT(2, value);
    UD_CHECK_EQ_INT(10, ttl);
    fake_now = 1009;
    UD_CHECK_OK(ud_counters_get(c, "a", &value, &ttl));
    UD_CHECK_EQ_INT(2, value);
    UD_CHECK_EQ_INT(1, ttl);
    fake_now = 1010;
    UD_CHECK_OK(ud_counters_get(c, "a", &value, &ttl));
    UD_CHECK_EQ_INT(0, value);
    UD_CHECK_OK(ud_counters_incr(c, "a", 10, &value, &ttl));
    UD_CHECK_EQ_INT(1, value);
    /* Four keys fill it; a fifth drops the one closest to expiry. */
    UD_CHECK_OK(ud_counters_incr(c, "b", 100, &value, &ttl));
    UD_CHECK_OK(ud_counters_incr(c, "c", 5, &value, &ttl));
    UD_CHECK_OK(ud_counters_incr(c, "d", 100, &value, &ttl));
    UD_CHECK_OK(ud_counters_incr(c, "e", 100, &value, &ttl));
    UD_CHECK_OK(ud_counters_get(c, "c", &value, &ttl));
    UD_CHECK_EQ_INT(0, value);
    UD_CHECK_OK(ud_counters_get(c, "b", &value, &ttl));
    UD_CHECK_EQ_INT(1, value);
    /* Many distinct keys (an address spray) never grow it. */
    for (int i = 0; i < 10000; i++) {
        char key[32];
        snprintf(key, sizeof(key), "spray-%d", i);
        UD_CHECK_OK(ud_counters_incr(c, key, 60, &value, &ttl));
    }
    UD_CHECK_OK(ud_counters_del(c, "spray-9999"));
    UD_CHECK_OK(ud_counters_get(c, "spray-9999", &value, &ttl));
    UD_CHECK_EQ_INT(0, value);
    char long_key[400];
    memset(long_key, 'k', sizeof(long_key) - 1);
    long_key[sizeof(long_key) - 1] = '\0';
    UD_CHECK_EQ_INT(UD_EINVAL, ud_counters_incr(c, long_key, 60, &value, &ttl));
    ud_counters_free(c);
    UD_CHECK_EQ_INT(UD_EUNSUPPORTED, ud_counters_open(&c, "redis://localhost"));
}

void test_auth__logins_slow_down_then_lock(void)
{
    ud_counters *c = NULL;
    fake_now = 50000;
    UD_CHECK_OK(ud_counters_mem_new(&c, 1000, fake_clock, NULL));
    ud_limits limits = {c, 60, 3, 6, 900};
    int64_t retry = 0;
    ud_login_failure f;
    for (int i = 0; i < 2; i++) {
        UD_CHECK_OK(ud_limits_login_check(&limits, "ann@x.test", "10.0.0.1", &retry));
        UD_CHECK_OK(ud_limits_login_failed(&f, &limits, "ann@x.test", "10.0.0.1"));
    }
    UD_CHECK_OK(ud_limits_login_check(&limits, "ann@x.test", "10.0.0.1", &retry));
    /* The third failure makes the next attempt wait a second, then two. */
    UD_CHECK_OK(ud_limits_login_failed(&f, &limits, "ann@x.test", "10.0.0.1"));
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_limits_login_check(&limits, "ann@x.test", "10.0.0.1", &retry));
    UD_CHECK_EQ_INT(1, retry);
    UD_CHECK_CONTAINS(ud_test_error_message(), "slowed down");
    /* Another account from another address is not affected. */
    UD_CHECK_OK(ud_limits_login_check(&limits, "bob@x.test", "10.0.0.2", &retry));
    fake_now += 1;
    UD_CHECK_OK(ud_limits_login_failed(&f, &limits, "ann@x.test", "10.0.0.1"));
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_limits_login_check(&limits, "ann@x.test", "10.0.0.1", &retry));
    UD_CHECK_EQ_INT(2, retry);
    fake_now += 2;
    UD_CHECK_OK(ud_limits_login_failed(&f, &limits, "ann@x.test", "10.0.0.1"));
    fake_now += 4;
    UD_CHECK_OK(ud_limits_login_failed(&f, &limits, "ann@x.test", "10.0.0.1"));
    UD_CHECK(f.account_locked);
    UD_CHECK(!f.address_locked);
    UD_CHECK_EQ_INT(6, f.account_failures);
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_limits_login_check(&limits, "ann@x.test", "10.0.0.9", &retry));
    UD_CHECK_CONTAINS(ud_test_error_message(), "locked");
    UD_CHECK_EQ_INT(900, retry);
    /* A good login does not lift a lock; the lock ends by itself. */
    UD_CHECK_OK(ud_limits_login_succeeded(&limits, "ann@x.test"));
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_limits_login_check(&limits, "ann@x.test", "10.0.0.9", &retry));
    fake_now += 900;
    UD_CHECK_OK(ud_limits_login_check(&limits, "ann@x.test", "10.0.0.9", &retry));
    ud_counters_free(c);
}

void test_auth__rate_limits_and_plan_quotas(void)
{
    ud_counters *c = NULL;
    fake_now = 86400 * 20000 + 30; /* 30 s into a minute and a day */
    UD_CHECK_OK(ud_counters_mem_new(&c, 1000, fake_clock, NULL));
    ud_limits limits = {c, 3, 3, 10, 900};
    int64_t retry = 0;
    for (int i = 0; i < 3; i++)
        UD_CHECK_OK(ud_limits_rate(&limits, "u1", "/v1/search", fake_now, &retry));
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_limits_rate(&limits, "u1", "/v1/search", fake_now, &retry));
    UD_CHECK_EQ_INT(30, retry);
    UD_CHECK_OK(ud_limits_rate(&limits, "u1", "/v1/history", fake_now, &retry));
    UD_CHECK_OK(ud_limits_rate(&limits, "u2", "/v1/search", fake_now, &retry));
    fake_now += 30; /* the next minute */
    UD_CHECK_OK(ud_limits_rate(&limits, "u1", "/v1/search", fake_now, &retry));

    for (int i = 0; i < 100; i++)
        UD_CHECK_OK(ud_limits_quota(&limits, "u1", "starter", fake_now, &retry));
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_limits_quota(&limits, "u1", "starter", fake_now, &retry));
    UD_CHECK_CONTAINS(ud_test_error_message(), "100 queries per user per day");
    UD_CHECK_EQ_INT(86400 - 60, retry);
    for (int i = 0; i < 600; i++)
        UD_CHECK_OK(ud_limits_quota(&limits, "u9", "enterprise", fake_now, &retry));
    for (int i = 0; i < 500; i++)
        UD_CHECK_OK(ud_limits_quota(&limits, "u3", "professional", fake_now, &retry));
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_limits_quota(&limits, "u3", "professional", fake_now, &retry));
    fake_now += 86400;
    UD_CHECK_OK(ud_limits_quota(&limits, "u1", "starter", fake_now, &retry));
    ud_counters_free(c);
}

/* ---- the API end to end ---------------------------------------------------- */

typedef struct reply {
    long status;
    char body[65536];
    size_t len;
    char retry_after[32];
} reply;

static size_t on_body(char *data, size_t size, size_t count, void *payload)
{
    reply *r = payload;
    size_t n = size * count, room = sizeof(r->body) - 1 - r->len;
    size_t take = n < room ? n : room;
    memcpy(r->body + r->len, data, take);
    r->len += take;
    r->body[r->len] = '\0';
    return n;
}

static size_t on_header(char *data, size_t size, size_t count, void *payload)
{
    reply *r = payload;
    size_t n = size * count;
    if (n > 13 && strncasecmp(data, "Retry-After: ", 13) == 0)
        snprintf(r->retry_after, sizeof(r->retry_after), "%.*s", (int)(n - 15), data + 13);
    return n;
}

typedef struct server {
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
} server;

/* `credential`: an access token or API key, or NULL. */
static void call(reply *r, server *s, const char *credential, const char *method, const char *path,
                 const char *body)
{
    memset(r, 0, sizeof(*r));
    CURL *curl = curl_easy_init();
    char url[512], auth[1024];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)s->port, path);
    struct curl_slist *headers = curl_slist_append(NULL, "Expect:");
    if (body)
        headers = curl_slist_append(headers, "Content-Type: application/json");
    if (credential) {
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s", credential);
        headers = curl_slist_append(headers, auth);
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
    UD_CHECK(curl_easy_perform(curl) == CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}

/* A string field of a JSON reply, copied into out. */
static const char *field(char *out, size_t size, const reply *r, const char *name)
{
    json_t *root = json_loads(r->body, 0, NULL);
    const char *value = json_string_value(json_object_get(root, name));
    if (!value)
        ud_test_fail(__FILE__, __LINE__, "no string field %s in %s", name, r->body);
    snprintf(out, size, "%s", value);
    json_decref(root);
    return out;
}

static void add_user(server *s, const char *email, const char *role, const char *password)
{
    ud_password_params params = {19456, 2, 1};
    char hash[256];
    ud_user user;
    UD_CHECK_OK(ud_password_hash(hash, sizeof(hash), password, &params));
    UD_CHECK_OK(ud_meta_user_create(&user, s->meta, &s->arena, s->acme.id, email, hash, role));
}

static void start(server *s, const char *plan, long per_minute)
{
    ud_log_set_level(UD_LOG_ERROR);
    memset(s, 0, sizeof(*s));
    ud_arena_init(&s->arena);
    char url[600];
    snprintf(url, sizeof(url), "sqlite://%s/meta.db", ud_test_tmpdir());
    UD_CHECK_OK(ud_meta_open(&s->meta, url));
    UD_CHECK_OK(ud_meta_migrate(s->meta, NULL));
    UD_CHECK_OK(ud_meta_org_create(&s->acme, s->meta, &s->arena, "Acme", "acme", plan));
    add_user(s, "admin@acme.test", "admin", "admin-password-1");
    add_user(s, "ann@acme.test", "user", "ann-password-123");
    add_user(s, "val@acme.test", "viewer", "val-password-123");
    /* One document whose raw file is on disk, for links. */
    static const char text[] = "Quarterly pipeline review for the Borealis account.";
    snprintf(s->doc_path, sizeof(s->doc_path), "%s/pipeline.md", ud_test_tmpdir());
    ud_test_write_file(ud_test_tmpdir(), "pipeline.md", text, sizeof(text) - 1);
    static const char *everyone[] = {UD_ACL_EVERYONE};
    ud_document doc = {.source_key = "file:document:/pipeline.md",
                       .source_type = "file",
                       .title = "Pipeline review",
                       .path = s->doc_path,
                       .file_type = "md",
                       .text = text,
                       .text_len = sizeof(text) - 1,
                       .metadata_json = "{}",
                       .acl = everyone,
                       .acl_count = 1};
    ud_sha256_hex(doc.content_hash, text, sizeof(text) - 1);
    ud_chunk chunk = {0, doc.text, doc.text_len, 8, 0, ""};
    UD_CHECK_OK(ud_meta_document_put(s->doc_id, NULL, s->meta, s->acme.id, &doc, &chunk, 1));
    /* Two equally relevant notes from two sources, for source preferences. */
    static const char note[] = "Standup agenda for the Atlas launch.";
    const char *sources[] = {"slack", "file"};
    for (int i = 0; i < 2; i++) {
        char key[64];
        snprintf(key, sizeof(key), "%s:note:standup", sources[i]);
        ud_document n = {.source_key = key,
                         .source_type = sources[i],
                         .title = "Standup",
                         .text = note,
                         .text_len = sizeof(note) - 1,
                         .metadata_json = "{}",
                         .acl = everyone,
                         .acl_count = 1,
                         .created_at = 1700000000,
                         .updated_at = 1700000000};
        ud_sha256_hex(n.content_hash, key, strlen(key));
        ud_chunk c = {0, n.text, n.text_len, 6, 0, ""};
        UD_CHECK_OK(ud_meta_document_put(NULL, NULL, s->meta, s->acme.id, &n, &c, 1));
    }
    ud_collection_writer *writer = NULL;
    bool rebuilt = false;
    UD_CHECK_OK(
        ud_index_open_writer(&writer, &rebuilt, ud_test_tmpdir(), s->meta, s->acme.id, NULL));
    ud_collection_writer_close(writer);
    UD_CHECK_OK(ud_searcher_new(&s->searcher, ud_test_tmpdir(), NULL, NULL));
    ud_config config;
    ud_config_init(&config, ud_test_tmpdir());
    UD_CHECK_OK(
        ud_config_set(&config, "secret_key", "a-test-secret-of-more-than-32-chars", UD_FROM_FLAG));
    char limit[24];
    snprintf(limit, sizeof(limit), "%ld", per_minute);
    UD_CHECK_OK(ud_config_set(&config, "rate_limit_per_minute", limit, UD_FROM_FLAG));
    UD_CHECK_OK(ud_config_set(&config, "login_lock_after", "4", UD_FROM_FLAG));
    UD_CHECK_OK(ud_config_set(&config, "login_slowdown_after", "4", UD_FROM_FLAG));
    UD_CHECK_OK(ud_counters_open(&s->counters, "mem:"));
    UD_CHECK_OK(ud_api_context_init(&s->ctx, s->meta, s->searcher, s->counters, &config, "t"));
    ud_http_config http;
    ud_http_config_default(&http);
    http.port = 0;
    http.threads = 2;
    http.guard = ud_api_guard;
    size_t count = 0;
    const ud_http_route *routes = ud_api_routes(&count);
    UD_CHECK_OK(ud_http_server_start(&s->http, &http, routes, count, &s->ctx));
    s->port = ud_http_server_port(s->http);
}

static void stop(server *s)
{
    ud_http_server_stop(s->http);
    ud_api_context_dispose(&s->ctx);
    ud_counters_free(s->counters);
    ud_searcher_free(s->searcher);
    ud_meta_close(s->meta);
    ud_arena_dispose(&s->arena);
}

/* Logs in and returns the access token (and the refresh token if asked). */
static void login(server *s, const char *email, const char *password, char access[1024],
                  char refresh[128])
{
    reply r;
    char body[256];
    snprintf(body, sizeof(body), "{\"email\": \"%s\", \"password\": \"%s\"}", email, password);
    call(&r, s, NULL, "POST", "/v1/auth/login", body);
    if (r.status != 200)
        ud_test_fail(__FILE__, __LINE__, "login of %s: %ld %s", email, r.status, r.body);
    field(access, 1024, &r, "access_token");
    if (refresh)
        field(refresh, 128, &r, "refresh_token");
}

void test_auth__login_refresh_rotation_replay_and_logout(void)
{
    server s;
    start(&s, "enterprise", 1000);
    reply r;
    char access[1024], refresh[128], next[128], other[1024], other_refresh[128];
    login(&s, "Ann@Acme.test", "ann-password-123", access, refresh);
    call(&r, &s, access, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"email\":\"ann@acme.test\"");
    UD_CHECK_CONTAINS(r.body, "\"role\":\"user\"");

    /* Wrong password and unknown email: the same answer. */
    call(&r, &s, NULL, "POST", "/v1/auth/login",
         "{\"email\": \"ann@acme.test\", \"password\": \"nope\"}");
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "wrong email or password");
    call(&r, &s, NULL, "POST", "/v1/auth/login",
         "{\"email\": \"nobody@acme.test\", \"password\": \"nope\"}");
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "wrong email or password");

    /* Rotation: the new pair works, the old refresh token is spent. */
    char body[256];
    snprintf(body, sizeof(body), "{\"refresh_token\": \"%s\"}", refresh);
    call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
    UD_CHECK_EQ_INT(200, r.status);
    field(next, sizeof(next), &r, "refresh_token");
    UD_CHECK(strcmp(next, refresh) != 0);
    field(access, sizeof(access), &r, "access_token");
    call(&r, &s, access, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    /* A second session of the same user, untouched by what follows. */
    login(&s, "ann@acme.test", "ann-password-123", other, other_refresh);
    /* Replay of the spent token: refused, and the family is revoked. */
    call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "used already");
    snprintf(body, sizeof(body), "{\"refresh_token\": \"%s\"}", next);
    call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
    UD_CHECK_EQ_INT(401, r.status);
    snprintf(body, sizeof(body), "{\"refresh_token\": \"%s\"}", other_refresh);
    call(&r, &s, NULL, "POST", "/v1/auth/logout", body);
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
    UD_CHECK_EQ_INT(401, r.status);

    /* The audit log has the logins, the failures and the replay. */
    ud_audit_entry *entries = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_audit_list(&entries, &count, s.meta, &s.arena, NULL, 0, 100));
    int logins = 0, failures = 0, replays = 0;
    for (size_t i = 0; i < count; i++) {
        logins += strcmp(entries[i].action, "login") == 0;
        failures += strcmp(entries[i].action, "login_failed") == 0;
        replays += strcmp(entries[i].action, "refresh_replay") == 0;
    }
    UD_CHECK_EQ_INT(2, logins);
    UD_CHECK_EQ_INT(2, failures);
    UD_CHECK_EQ_INT(1, replays);
    ud_audit_report report;
    UD_CHECK_OK(ud_meta_audit_verify(&report, s.meta));
    stop(&s);
}

void test_auth__repeated_failures_lock_the_account_and_are_audited(void)
{
    server s;
    start(&s, "enterprise", 1000);
    reply r;
    for (int i = 0; i < 4; i++) {
        call(&r, &s, NULL, "POST", "/v1/auth/login",
             "{\"email\": \"val@acme.test\", \"password\": \"guess\"}");
        UD_CHECK_EQ_INT(401, r.status);
    }
    /* Locked now: even the right password waits, told how long. */
    call(&r, &s, NULL, "POST", "/v1/auth/login",
         "{\"email\": \"val@acme.test\", \"password\": \"val-password-123\"}");
    UD_CHECK_EQ_INT(429, r.status);
    UD_CHECK_CONTAINS(r.body, "locked");
    UD_CHECK(strtol(r.retry_after, NULL, 10) > 800);
    /* Other accounts are not locked. */
    char access[1024];
    login(&s, "ann@acme.test", "ann-password-123", access, NULL);
    ud_audit_entry *entries = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_audit_list(&entries, &count, s.meta, &s.arena, s.acme.id, 0, 100));
    bool locked = false;
    for (size_t i = 0; i < count; i++)
        locked |= strcmp(entries[i].action, "lockout") == 0 &&
                  strcmp(entries[i].target, "val@acme.test") == 0;
    UD_CHECK(locked);
    stop(&s);
}

void test_auth__roles_decide_what_a_caller_may_do(void)
{
    server s;
    start(&s, "enterprise", 1000);
    reply r;
    char admin[1024], ann[1024], val[1024];
    login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    login(&s, "val@acme.test", "val-password-123", val, NULL);
    static const char search[] = "{\"query\": \"pipeline\"}";
    call(&r, &s, val, "POST", "/v1/search", search);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "Pipeline review");
    call(&r, &s, val, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(200, r.status); /* a viewer has a history of their searches */
    call(&r, &s, val, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    call(&r, &s, ann, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    call(&r, &s, ann, "GET", "/v1/audit", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    call(&r, &s, admin, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "val@acme.test");
    UD_CHECK(!strstr(r.body, "argon2")); /* no password hashes, ever */

    /* An admin makes a search key; the key searches but cannot administer
     * or read a history, and stops at once when revoked. */
    call(&r, &s, admin, "POST", "/v1/api-keys", "{\"name\": \"bot\"}");
    UD_CHECK_EQ_INT(201, r.status);
    char key[128], key_id[64];
    field(key, sizeof(key), &r, "key");
    field(key_id, sizeof(key_id), &r, "id");
    UD_CHECK(strncmp(key, "sk_live_", 8) == 0 && strlen(key) >= 8 + 43);
    call(&r, &s, admin, "GET", "/v1/api-keys", NULL);
    UD_CHECK_CONTAINS(r.body, key_id);
    UD_CHECK(!strstr(r.body, key)); /* listed by prefix, never whole */
    call(&r, &s, key, "POST", "/v1/search", search);
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, key, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    call(&r, &s, key, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    call(&r, &s, admin, "POST", "/v1/api-keys",
         "{\"name\": \"x\", \"permissions\": {\"search\": true, \"root\": true}}");
    UD_CHECK_EQ_INT(400, r.status);
    char path[128];
    snprintf(path, sizeof(path), "/v1/api-keys/%s", key_id);
    call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, key, "POST", "/v1/search", search);
    UD_CHECK_EQ_INT(401, r.status);
    call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(404, r.status);

    /* Role changes take effect on the caller's next request. */
    call(&r, &s, admin, "POST", "/v1/users",
         "{\"email\": \"new@acme.test\", \"role\": \"viewer\", \"groups\": [\"eng\"]}");
    UD_CHECK_EQ_INT(201, r.status);
    char new_id[64], password[64];
    field(new_id, sizeof(new_id), &r, "id");
    field(password, sizeof(password), &r, "password");
    char new_token[1024];
    login(&s, "new@acme.test", password, new_token, NULL);
    call(&r, &s, new_token, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    snprintf(path, sizeof(path), "/v1/users/%s", new_id);
    call(&r, &s, admin, "PATCH", path, "{\"role\": \"admin\"}");
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, new_token, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    /* Removal: the token dies with the user. */
    call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, new_token, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(401, r.status);
    /* The last admin cannot be demoted or removed. */
    call(&r, &s, admin, "GET", "/v1/me", NULL);
    char admin_id[64];
    field(admin_id, sizeof(admin_id), &r, "user_id");
    snprintf(path, sizeof(path), "/v1/users/%s", admin_id);
    call(&r, &s, admin, "PATCH", path, "{\"role\": \"user\"}");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_CONTAINS(r.body, "last admin");
    call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(400, r.status);

    ud_audit_entry *entries = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_audit_list(&entries, &count, s.meta, &s.arena, s.acme.id, 0, 100));
    const char *expected[] = {"apikey_create", "apikey_revoke", "user_add", "role_change",
                              "user_remove"};
    for (size_t e = 0; e < sizeof(expected) / sizeof(expected[0]); e++) {
        bool found = false;
        for (size_t i = 0; i < count && !found; i++)
            found = strcmp(entries[i].action, expected[e]) == 0;
        if (!found)
            ud_test_fail(__FILE__, __LINE__, "no %s in the audit log", expected[e]);
    }
    call(&r, &s, admin, "GET", "/v1/audit?limit=2", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"action\":\"user_remove\"");
    stop(&s);
}

void test_auth__rate_limit_quota_and_suspension_refuse_with_reasons(void)
{
    server s;
    start(&s, "starter", 5);
    reply r;
    char ann[1024];
    login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    for (int i = 0; i < 5; i++) {
        call(&r, &s, ann, "GET", "/v1/me", NULL);
        UD_CHECK_EQ_INT(200, r.status);
    }
    call(&r, &s, ann, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(429, r.status);
    long wait = strtol(r.retry_after, NULL, 10);
    UD_CHECK(wait >= 1 && wait <= 60);
    UD_CHECK_CONTAINS(r.body, "rate limit");

    /* The starter plan's quota: 100 searches a day, then a clear 429. */
    char val[1024];
    login(&s, "val@acme.test", "val-password-123", val, NULL);
    int64_t retry = 0;
    ud_user user;
    UD_CHECK_OK(ud_meta_user_get_by_email(&user, s.meta, &s.arena, "val@acme.test"));
    for (int i = 0; i < 100; i++)
        UD_CHECK_OK(ud_limits_quota(&s.ctx.limits, user.id, "starter", time(NULL), &retry));
    call(&r, &s, val, "POST", "/v1/search", "{\"query\": \"pipeline\"}");
    UD_CHECK_EQ_INT(429, r.status);
    UD_CHECK_CONTAINS(r.body, "daily quota");
    UD_CHECK(strtol(r.retry_after, NULL, 10) > 0);

    /* A suspended organization: every credential is refused. */
    UD_CHECK_OK(ud_meta_org_set_status(s.meta, s.acme.id, "suspended"));
    call(&r, &s, val, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    UD_CHECK_CONTAINS(r.body, "suspended");
    call(&r, &s, NULL, "POST", "/v1/auth/login",
         "{\"email\": \"admin@acme.test\", \"password\": \"admin-password-1\"}");
    UD_CHECK_EQ_INT(403, r.status);
    stop(&s);
}

void test_auth__history_settings_and_raw_links(void)
{
    server s;
    start(&s, "enterprise", 1000);
    reply r;
    char ann[1024], val[1024], admin[1024];
    login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    login(&s, "val@acme.test", "val-password-123", val, NULL);
    login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    call(&r, &s, ann, "POST", "/v1/search", "{\"query\": \"borealis pipeline\"}");
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, ann, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"query\":\"borealis pipeline\"");
    UD_CHECK_CONTAINS(r.body, "\"results_count\":1");
    UD_CHECK_CONTAINS(r.body, "\"sources_used\":[\"file\"]");
    json_t *root = json_loads(r.body, 0, NULL);
    char id[64];
    snprintf(id, sizeof(id), "%s",
             json_string_value(
                 json_object_get(json_array_get(json_object_get(root, "history"), 0), "id")));
    json_decref(root);
    char path[128];
    snprintf(path, sizeof(path), "/v1/history/%s", id);
    /* Someone else's entry does not exist for them. */
    call(&r, &s, val, "PATCH", path, "{\"is_saved\": true}");
    UD_CHECK_EQ_INT(404, r.status);
    call(&r, &s, val, "GET", "/v1/history", NULL);
    UD_CHECK(!strstr(r.body, "borealis"));
    call(&r, &s, ann, "PATCH", path, "{\"is_saved\": true}");
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, ann, "GET", "/v1/history?saved=true", NULL);
    UD_CHECK_CONTAINS(r.body, "\"is_saved\":true");
    call(&r, &s, ann, "GET", "/v1/history?saved=false", NULL);
    UD_CHECK_CONTAINS(r.body, "\"history\":[]");
    call(&r, &s, ann, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, ann, "GET", "/v1/history?saved=true", NULL);
    UD_CHECK_CONTAINS(r.body, "\"history\":[]");
    call(&r, &s, ann, "GET", "/v1/history?limit=0", NULL);
    UD_CHECK_EQ_INT(400, r.status);

    /* Settings: checked, stored, read back. */
    call(&r, &s, ann, "PUT", "/v1/me/settings", "{\"source_preference\": {\"slack\": 1.5}}");
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, ann, "GET", "/v1/me/settings", NULL);
    UD_CHECK_CONTAINS(r.body, "\"slack\":1.5");
    call(&r, &s, ann, "PUT", "/v1/me/settings", "{\"source_preference\": {\"slack\": 9}}");
    UD_CHECK_EQ_INT(400, r.status);
    call(&r, &s, ann, "PUT", "/v1/me/settings", "{\"theme\": \"dark\"}");
    UD_CHECK_EQ_INT(400, r.status);
    call(&r, &s, admin, "PUT", "/v1/settings", "{\"default_mode\": \"bm25\"}");
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, admin, "GET", "/v1/settings", NULL);
    UD_CHECK_CONTAINS(r.body, "\"default_mode\":\"bm25\"");

    /* A raw link works without a credential, and only as signed. */
    snprintf(path, sizeof(path), "/v1/documents/%s/link", s.doc_id);
    call(&r, &s, val, "POST", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    char link[512];
    field(link, sizeof(link), &r, "url");
    call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "Quarterly pipeline review");
    char *sig = strstr(link, "sig=") + 4;
    char saved = sig[0];
    sig[0] = saved == 'a' ? 'b' : 'a';
    call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(401, r.status);
    sig[0] = saved;
    /* A later expiry under the same signature. */
    char *expires = strstr(link, "expires=") + 8;
    saved = expires[0];
    expires[0] = '9';
    call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(401, r.status);
    expires[0] = saved;
    call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    /* A file changed on disk since indexing is not served as the document. */
    ud_test_write_file(ud_test_tmpdir(), "pipeline.md", "tampered", 8);
    call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(404, r.status);
    UD_CHECK_CONTAINS(r.body, "changed since it was indexed");
    stop(&s);
}

/* The source type of the first result of a search reply. */
static void first_source(char out[32], const reply *r)
{
    json_t *root = json_loads(r->body, 0, NULL);
    json_t *first = json_array_get(json_object_get(root, "results"), 0);
    snprintf(out, 32, "%s", json_string_value(json_object_get(first, "source_type")));
    json_decref(root);
}

void test_auth__source_preferences_of_user_and_org_reorder_results(void)
{
    server s;
    start(&s, "enterprise", 1000);
    reply r;
    char ann[1024], admin[1024], first[32];
    login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    static const char query[] = "{\"query\": \"atlas launch standup\", \"explain\": true}";
    call(&r, &s, admin, "PUT", "/v1/settings", "{\"source_preference\": {\"slack\": 2}}");
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, ann, "POST", "/v1/search", query);
    UD_CHECK_EQ_INT(200, r.status);
    first_source(first, &r);
    UD_CHECK_EQ_STR("slack", first);
    UD_CHECK_CONTAINS(r.body, "\"source\":2");
    /* The user's own preference wins over the organization's. */
    call(&r, &s, ann, "PUT", "/v1/me/settings",
         "{\"source_preference\": {\"slack\": 0.5, \"file\": 1.5}}");
    UD_CHECK_EQ_INT(200, r.status);
    call(&r, &s, ann, "POST", "/v1/search", query);
    first_source(first, &r);
    UD_CHECK_EQ_STR("file", first);
    /* Others in the organization keep its preference. */
    call(&r, &s, admin, "POST", "/v1/search", query);
    first_source(first, &r);
    UD_CHECK_EQ_STR("slack", first);
    stop(&s);
}
