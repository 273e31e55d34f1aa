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

#include "api_fixture.h"
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

/* ---- the API end to end (api_fixture.h) ------------------------------------- */

void test_auth__login_refresh_rotation_replay_and_logout(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char access[1024], refresh[128], next[128], other[1024], other_refresh[128];
    ud_fixture_login(&s, "Ann@Acme.test", "ann-password-123", access, refresh);
    ud_fixture_call(&r, &s, access, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"email\":\"ann@acme.test\"");
    UD_CHECK_CONTAINS(r.body, "\"role\":\"user\"");

    /* Wrong password and unknown email: the same answer. */
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/login",
                    "{\"email\": \"ann@acme.test\", \"password\": \"nope\"}");
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "wrong email or password");
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/login",
                    "{\"email\": \"nobody@acme.test\", \"password\": \"nope\"}");
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "wrong email or password");

    /* Rotation: the new pair works, the old refresh token is spent. */
    char body[256];
    snprintf(body, sizeof(body), "{\"refresh_token\": \"%s\"}", refresh);
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_field(next, sizeof(next), &r, "refresh_token");
    UD_CHECK(strcmp(next, refresh) != 0);
    ud_fixture_field(access, sizeof(access), &r, "access_token");
    ud_fixture_call(&r, &s, access, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    /* A second session of the same user, untouched by what follows. */
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", other, other_refresh);
    /* Replay of the spent token: refused, and the family is revoked. */
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "used already");
    snprintf(body, sizeof(body), "{\"refresh_token\": \"%s\"}", next);
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
    UD_CHECK_EQ_INT(401, r.status);
    snprintf(body, sizeof(body), "{\"refresh_token\": \"%s\"}", other_refresh);
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/logout", body);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/refresh", body);
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
    ud_fixture_stop(&s);
}

void test_auth__repeated_failures_lock_the_account_and_are_audited(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    for (int i = 0; i < 4; i++) {
        ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/login",
                        "{\"email\": \"val@acme.test\", \"password\": \"guess\"}");
        UD_CHECK_EQ_INT(401, r.status);
    }
    /* Locked now: even the right password waits, told how long. */
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/login",
                    "{\"email\": \"val@acme.test\", \"password\": \"val-password-123\"}");
    UD_CHECK_EQ_INT(429, r.status);
    UD_CHECK_CONTAINS(r.body, "locked");
    UD_CHECK(strtol(r.retry_after, NULL, 10) > 800);
    /* Other accounts are not locked. */
    char access[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", access, NULL);
    ud_audit_entry *entries = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_audit_list(&entries, &count, s.meta, &s.arena, s.acme.id, 0, 100));
    bool locked = false;
    for (size_t i = 0; i < count; i++)
        locked |= strcmp(entries[i].action, "lockout") == 0 &&
                  strcmp(entries[i].target, "val@acme.test") == 0;
    UD_CHECK(locked);
    ud_fixture_stop(&s);
}

void test_auth__roles_decide_what_a_caller_may_do(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char admin[1024], ann[1024], val[1024];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_login(&s, "val@acme.test", "val-password-123", val, NULL);
    static const char search[] = "{\"query\": \"pipeline\"}";
    ud_fixture_call(&r, &s, val, "POST", "/v1/search", search);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "Pipeline review");
    ud_fixture_call(&r, &s, val, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(403, r.status); /* a viewer searches only */
    ud_fixture_call(&r, &s, val, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, ann, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, ann, "GET", "/v1/audit", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "val@acme.test");
    UD_CHECK(!strstr(r.body, "argon2")); /* no password hashes, ever */

    /* An admin makes a search key; the key searches but cannot administer
     * or read a history, and stops at once when revoked. */
    ud_fixture_call(&r, &s, admin, "POST", "/v1/api-keys", "{\"name\": \"bot\"}");
    UD_CHECK_EQ_INT(201, r.status);
    char key[128], key_id[64];
    ud_fixture_field(key, sizeof(key), &r, "key");
    ud_fixture_field(key_id, sizeof(key_id), &r, "id");
    UD_CHECK(strncmp(key, "sk_live_", 8) == 0 && strlen(key) >= 8 + 43);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/api-keys", NULL);
    UD_CHECK_CONTAINS(r.body, key_id);
    UD_CHECK(!strstr(r.body, key)); /* listed by prefix, never whole */
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", search);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, key, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, key, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, admin, "POST", "/v1/api-keys",
                    "{\"name\": \"x\", \"permissions\": {\"search\": true, \"root\": true}}");
    UD_CHECK_EQ_INT(400, r.status);
    char path[128];
    snprintf(path, sizeof(path), "/v1/api-keys/%s", key_id);
    ud_fixture_call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", search);
    UD_CHECK_EQ_INT(401, r.status);
    ud_fixture_call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(404, r.status);

    /* Role changes take effect on the caller's next request. */
    ud_fixture_call(&r, &s, admin, "POST", "/v1/users",
                    "{\"email\": \"new@acme.test\", \"role\": \"viewer\", \"groups\": [\"eng\"]}");
    UD_CHECK_EQ_INT(201, r.status);
    char new_id[64], password[64];
    ud_fixture_field(new_id, sizeof(new_id), &r, "id");
    ud_fixture_field(password, sizeof(password), &r, "password");
    char new_token[1024];
    ud_fixture_login(&s, "new@acme.test", password, new_token, NULL);
    ud_fixture_call(&r, &s, new_token, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    snprintf(path, sizeof(path), "/v1/users/%s", new_id);
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"role\": \"admin\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, new_token, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    /* Removal: the token dies with the user. */
    ud_fixture_call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, new_token, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(401, r.status);
    /* The last admin cannot be demoted or removed. */
    ud_fixture_call(&r, &s, admin, "GET", "/v1/me", NULL);
    char admin_id[64];
    ud_fixture_field(admin_id, sizeof(admin_id), &r, "user_id");
    snprintf(path, sizeof(path), "/v1/users/%s", admin_id);
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"role\": \"user\"}");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_CONTAINS(r.body, "last admin");
    ud_fixture_call(&r, &s, admin, "DELETE", path, NULL);
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
    ud_fixture_call(&r, &s, admin, "GET", "/v1/audit?limit=2", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"action\":\"user_remove\"");
    ud_fixture_stop(&s);
}

void test_auth__rate_limit_quota_and_suspension_refuse_with_reasons(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "starter", 5);
    ud_reply r;
    char ann[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    for (int i = 0; i < 5; i++) {
        ud_fixture_call(&r, &s, ann, "GET", "/v1/me", NULL);
        UD_CHECK_EQ_INT(200, r.status);
    }
    ud_fixture_call(&r, &s, ann, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(429, r.status);
    long wait = strtol(r.retry_after, NULL, 10);
    UD_CHECK(wait >= 1 && wait <= 60);
    UD_CHECK_CONTAINS(r.body, "rate limit");

    /* The starter plan's quota: 100 searches a day, then a clear 429. */
    char val[1024];
    ud_fixture_login(&s, "val@acme.test", "val-password-123", val, NULL);
    int64_t retry = 0;
    ud_user user;
    UD_CHECK_OK(ud_meta_user_get_by_email(&user, s.meta, &s.arena, "val@acme.test"));
    for (int i = 0; i < 100; i++)
        UD_CHECK_OK(ud_limits_quota(&s.ctx.limits, user.id, "starter", time(NULL), &retry));
    ud_fixture_call(&r, &s, val, "POST", "/v1/search", "{\"query\": \"pipeline\"}");
    UD_CHECK_EQ_INT(429, r.status);
    UD_CHECK_CONTAINS(r.body, "daily quota");
    UD_CHECK(strtol(r.retry_after, NULL, 10) > 0);

    /* A suspended organization: every credential is refused. */
    UD_CHECK_OK(ud_meta_org_set_status(s.meta, s.acme.id, "suspended"));
    ud_fixture_call(&r, &s, val, "POST", "/v1/search", "{\"query\": \"pipeline\"}");
    UD_CHECK_EQ_INT(403, r.status);
    UD_CHECK_CONTAINS(r.body, "suspended");
    ud_fixture_call(&r, &s, NULL, "POST", "/v1/auth/login",
                    "{\"email\": \"admin@acme.test\", \"password\": \"admin-password-1\"}");
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_stop(&s);
}

void test_auth__history_settings_and_raw_links(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char ann[1024], val[1024], admin[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_login(&s, "val@acme.test", "val-password-123", val, NULL);
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", "{\"query\": \"borealis pipeline\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, ann, "GET", "/v1/history", NULL);
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
    /* Someone else's entry does not exist for them, admins included. */
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"is_saved\": true}");
    UD_CHECK_EQ_INT(404, r.status);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/history", NULL);
    UD_CHECK(!strstr(r.body, "borealis"));
    ud_fixture_call(&r, &s, ann, "PATCH", path, "{\"is_saved\": true}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, ann, "GET", "/v1/history?saved=true", NULL);
    UD_CHECK_CONTAINS(r.body, "\"is_saved\":true");
    ud_fixture_call(&r, &s, ann, "GET", "/v1/history?saved=false", NULL);
    UD_CHECK_CONTAINS(r.body, "\"history\":[]");
    ud_fixture_call(&r, &s, ann, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, ann, "GET", "/v1/history?saved=true", NULL);
    UD_CHECK_CONTAINS(r.body, "\"history\":[]");
    ud_fixture_call(&r, &s, ann, "GET", "/v1/history?limit=0", NULL);
    UD_CHECK_EQ_INT(400, r.status);

    /* Settings: checked, stored, read back. */
    ud_fixture_call(&r, &s, ann, "PUT", "/v1/me/settings",
                    "{\"source_preference\": {\"slack\": 1.5}}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, ann, "GET", "/v1/me/settings", NULL);
    UD_CHECK_CONTAINS(r.body, "\"slack\":1.5");
    ud_fixture_call(&r, &s, ann, "PUT", "/v1/me/settings",
                    "{\"source_preference\": {\"slack\": 9}}");
    UD_CHECK_EQ_INT(400, r.status);
    ud_fixture_call(&r, &s, ann, "PUT", "/v1/me/settings", "{\"theme\": \"dark\"}");
    UD_CHECK_EQ_INT(400, r.status);
    ud_fixture_call(&r, &s, admin, "PUT", "/v1/settings", "{\"default_mode\": \"bm25\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/settings", NULL);
    UD_CHECK_CONTAINS(r.body, "\"default_mode\":\"bm25\"");

    /* A raw link works without a credential, and only as signed. */
    snprintf(path, sizeof(path), "/v1/documents/%s/link", s.doc_id);
    ud_fixture_call(&r, &s, val, "POST", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    char link[512];
    ud_fixture_field(link, sizeof(link), &r, "url");
    ud_fixture_call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "Quarterly pipeline review");
    char *sig = strstr(link, "sig=") + 4;
    char saved = sig[0];
    sig[0] = saved == 'a' ? 'b' : 'a';
    ud_fixture_call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(401, r.status);
    sig[0] = saved;
    /* A later expiry under the same signature. */
    char *expires = strstr(link, "expires=") + 8;
    saved = expires[0];
    expires[0] = '9';
    ud_fixture_call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(401, r.status);
    expires[0] = saved;
    ud_fixture_call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    /* A file changed on disk since indexing is not served as the document. */
    ud_test_write_file(ud_test_tmpdir(), "pipeline.md", "tampered", 8);
    ud_fixture_call(&r, &s, NULL, "GET", link, NULL);
    UD_CHECK_EQ_INT(404, r.status);
    UD_CHECK_CONTAINS(r.body, "changed since it was indexed");
    ud_fixture_stop(&s);
}

/* The source type of the first result of a search reply. */
static void first_source(char out[32], const ud_reply *r)
{
    json_t *root = json_loads(r->body, 0, NULL);
    json_t *first = json_array_get(json_object_get(root, "results"), 0);
    snprintf(out, 32, "%s", json_string_value(json_object_get(first, "source_type")));
    json_decref(root);
}

void test_auth__source_preferences_of_user_and_org_reorder_results(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_reply r;
    char ann[1024], admin[1024], first[32];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    static const char query[] = "{\"query\": \"atlas launch standup\", \"explain\": true}";
    ud_fixture_call(&r, &s, admin, "PUT", "/v1/settings",
                    "{\"source_preference\": {\"slack\": 2}}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", query);
    UD_CHECK_EQ_INT(200, r.status);
    first_source(first, &r);
    UD_CHECK_EQ_STR("slack", first);
    UD_CHECK_CONTAINS(r.body, "\"source\":2");
    /* The user's own preference wins over the organization's. */
    ud_fixture_call(&r, &s, ann, "PUT", "/v1/me/settings",
                    "{\"source_preference\": {\"slack\": 0.5, \"file\": 1.5}}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", query);
    first_source(first, &r);
    UD_CHECK_EQ_STR("file", first);
    /* Others in the organization keep its preference. */
    ud_fixture_call(&r, &s, admin, "POST", "/v1/search", query);
    first_source(first, &r);
    UD_CHECK_EQ_STR("slack", first);
    ud_fixture_stop(&s);
}
