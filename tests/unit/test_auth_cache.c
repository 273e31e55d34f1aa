/*
 * The cheap authenticated request: keys, users and organizations are read
 * through the store's credential cache (store/meta_cache.h), and a change
 * made in this process (a key revoked, a user demoted or removed, an
 * organization suspended) is refused on the very next request however warm
 * the cache is. A change the store did not make (another process, here raw
 * SQL) is seen once the entry expires, which is what auth_cache_seconds
 * bounds. And with the write-behind queue running, GET /v1/history shows
 * the search made just before it.
 */
#include <stdio.h>
#include <string.h>

#include "api_fixture.h"
#include "base/clock.h"
#include "store/meta_cache.h"
#include "store/meta_credentials.h"
#include "store/meta_internal.h"
#include "store/meta_queue.h"
#include "test.h"

static const char SEARCH[] = "{\"query\": \"pipeline\"}";

/* Sends the same request twice: the second is answered from a warm cache. */
static void warm(ud_reply *r, ud_fixture *s, const char *credential, const char *method,
                 const char *path, const char *body, long status)
{
    for (int i = 0; i < 2; i++) {
        ud_fixture_call(r, s, credential, method, path, body);
        UD_CHECK_EQ_INT(status, r->status);
    }
}

static void new_key(char key[128], char key_id[64], ud_fixture *s, const char *admin)
{
    ud_reply r;
    ud_fixture_call(&r, s, admin, "POST", "/v1/api-keys", "{\"name\": \"bot\"}");
    UD_CHECK_EQ_INT(201, r.status);
    ud_fixture_field(key, 128, &r, "key");
    ud_fixture_field(key_id, 64, &r, "id");
}

/* The fixture's server, its admin signed in and a new search key. */
static void start_with_key(ud_fixture *s, char admin[1024], char key[128], char key_id[64])
{
    ud_fixture_start(s, "starter", 10000);
    ud_fixture_login(s, "admin@acme.test", "admin-password-1", admin, NULL);
    new_key(key, key_id, s, admin);
}

void test_auth_cache__a_revoked_key_is_refused_on_the_next_request(void)
{
    ud_fixture s;
    ud_reply r;
    char admin[1024], key[128], key_id[64];
    start_with_key(&s, admin, key, key_id);
    warm(&r, &s, key, "POST", "/v1/search", SEARCH, 200);
    /* Revoked in the store directly (as `unify apikey revoke` in this
     * process would), with the key's rows cached. */
    UD_CHECK_OK(ud_meta_apikey_revoke(s.meta, s.acme.id, key_id, ud_now()));
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "revoked");
    /* And through the API. */
    new_key(key, key_id, &s, admin);
    warm(&r, &s, key, "POST", "/v1/search", SEARCH, 200);
    char path[128];
    snprintf(path, sizeof(path), "/v1/api-keys/%s", key_id);
    ud_fixture_call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(401, r.status);
    ud_fixture_stop(&s);
}

void test_auth_cache__a_demoted_or_removed_user_is_refused_on_the_next_request(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "starter", 10000);
    ud_reply r;
    char admin[1024], ann[1024];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_user user;
    UD_CHECK_OK(ud_meta_user_get_by_email(&user, s.meta, &s.arena, "ann@acme.test"));
    /* Promoted, ann administers at once... */
    warm(&r, &s, ann, "GET", "/v1/users", NULL, 403);
    UD_CHECK_OK(ud_meta_user_set_role(s.meta, s.acme.id, user.id, "admin"));
    warm(&r, &s, ann, "GET", "/v1/users", NULL, 200);
    /* ...demoted to a viewer, she may neither administer nor ask... */
    UD_CHECK_OK(ud_meta_user_set_role(s.meta, s.acme.id, user.id, "viewer"));
    ud_fixture_call(&r, &s, ann, "GET", "/v1/users", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, ann, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(403, r.status);
    warm(&r, &s, ann, "POST", "/v1/search", SEARCH, 200);
    /* ...and removed, her token is dead. */
    UD_CHECK_OK(ud_meta_user_delete(s.meta, s.acme.id, user.id));
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(401, r.status);
    UD_CHECK_CONTAINS(r.body, "no longer exists");
    ud_fixture_stop(&s);
}

void test_auth_cache__a_suspended_organization_is_refused_on_the_next_request(void)
{
    ud_fixture s;
    ud_reply r;
    char admin[1024], key[128], key_id[64];
    start_with_key(&s, admin, key, key_id);
    warm(&r, &s, admin, "POST", "/v1/search", SEARCH, 200);
    warm(&r, &s, key, "POST", "/v1/search", SEARCH, 200);
    UD_CHECK_OK(ud_meta_org_set_status(s.meta, s.acme.id, "suspended"));
    ud_fixture_call(&r, &s, admin, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(403, r.status);
    UD_CHECK_OK(ud_meta_org_set_status(s.meta, s.acme.id, "active"));
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_stop(&s);
}

/* What bounds another process's changes: the entry's lifetime. A revocation
 * written behind the store's back is not seen while the key is cached, and
 * is seen at once with the cache off. */
void test_auth_cache__another_process_change_waits_for_the_entry_to_expire(void)
{
    ud_fixture s;
    ud_reply r;
    char admin[1024], key[128], key_id[64];
    start_with_key(&s, admin, key, key_id);
    ud_meta_cache_set_seconds(s.meta, 3600); /* no expiry during the test */
    warm(&r, &s, key, "POST", "/v1/search", SEARCH, 200);
    const char *params[] = {key_id};
    UD_CHECK_OK(ud_meta_sql_run(s.meta,
                                "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP "
                                "WHERE id = $1",
                                params, 1));
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(200, r.status); /* served from the cache: no SQL read */
    ud_meta_cache_set_seconds(s.meta, 0);
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", SEARCH);
    UD_CHECK_EQ_INT(401, r.status);
    ud_fixture_stop(&s);
}

void test_auth_cache__history_shows_the_search_just_made(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "starter", 10000);
    UD_CHECK_OK(ud_meta_queue_start(s.meta, UD_META_QUEUE_DEFAULT_ITEMS));
    ud_reply r;
    char ann[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    for (int i = 1; i <= 5; i++) {
        char body[64], expected[64];
        snprintf(body, sizeof(body), "{\"query\": \"pipeline %d\"}", i);
        ud_fixture_call(&r, &s, ann, "POST", "/v1/search", body);
        UD_CHECK_EQ_INT(200, r.status);
        ud_fixture_call(&r, &s, ann, "GET", "/v1/history", NULL);
        UD_CHECK_EQ_INT(200, r.status);
        snprintf(expected, sizeof(expected), "\"query\":\"pipeline %d\"", i);
        UD_CHECK_CONTAINS(r.body, expected);
    }
    ud_fixture_stop(&s);
}

/* What the cache keeps of a user: never the password hash, whether the row
 * came from the database (a miss) or the cache (a hit). */
void test_auth_cache__users_come_without_their_password_hash(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "starter", 10000);
    ud_user user, got;
    UD_CHECK_OK(ud_meta_user_get_by_email(&user, s.meta, &s.arena, "ann@acme.test"));
    UD_CHECK(user.password_hash != NULL);
    for (int i = 0; i < 2; i++) {
        UD_CHECK_OK(ud_meta_user_get_cached(&got, s.meta, &s.arena, s.acme.id, user.id));
        UD_CHECK_EQ_STR(user.email, got.email);
        UD_CHECK_EQ_STR(user.role, got.role);
        UD_CHECK(got.password_hash == NULL);
    }
    ud_fixture_stop(&s);
}
