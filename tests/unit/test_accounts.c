/*
 * Tests of the identity tables of the metadata store, each on SQLite and
 * PostgreSQL: plans and their limits, users scoped to their organization,
 * API keys by hash, refresh-token rotation and replay, search history that
 * only its owner sees, and the audit log's hash chain against tampering.
 */
#include <stdio.h>
#include <string.h>

#include "base/crypto.h"
#include "store/meta.h"
#include "store/meta_audit.h"
#include "store/meta_credentials.h"
#include "store/meta_history.h"
#include "store/meta_internal.h"
#include "test.h"

static ud_meta *open_migrated(const char *url)
{
    ud_meta *meta = NULL;
    UD_CHECK_OK(ud_meta_open(&meta, url));
    UD_CHECK_OK(ud_meta_migrate(meta, NULL));
    return meta;
}

static void hash_of(char out[65], const char *secret)
{
    ud_sha256_hex(out, secret, strlen(secret));
}

void test_accounts__plans_set_limits_and_users_stay_in_their_org(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org acme, globex, again;
        UD_CHECK_OK(ud_meta_org_create(&acme, meta, &arena, "Acme", "acme", "starter"));
        UD_CHECK_OK(ud_meta_org_create(&globex, meta, &arena, "Globex", "globex", "enterprise"));
        UD_CHECK_EQ_INT(10, acme.max_users);
        UD_CHECK_EQ_INT(3, acme.max_data_sources);
        UD_CHECK_EQ_INT(-1, globex.max_users);
        UD_CHECK_EQ_INT(100, ud_plan_daily_queries("starter"));
        UD_CHECK_EQ_INT(500, ud_plan_daily_queries("professional"));
        UD_CHECK_EQ_INT(-1, ud_plan_daily_queries("enterprise"));
        UD_CHECK_EQ_INT(UD_EINVAL,
                        ud_meta_org_create(&again, meta, &arena, "X", "Bad Slug", "starter"));

        /* Ten users fill the starter plan; the eleventh is refused. */
        ud_user users[10], extra;
        for (int u = 0; u < 10; u++) {
            char email[64];
            snprintf(email, sizeof(email), "User%d@Acme.test", u);
            UD_CHECK_OK(ud_meta_user_create(&users[u], meta, &arena, acme.id, email, "h", "user"));
        }
        UD_CHECK_EQ_STR("user0@acme.test", users[0].email);
        UD_CHECK_EQ_INT(UD_EFORBIDDEN, ud_meta_user_create(&extra, meta, &arena, acme.id,
                                                           "eleven@acme.test", "h", "user"));
        UD_CHECK_CONTAINS(ud_test_error_message(), "allows 10 users");
        UD_CHECK_OK(ud_meta_org_set_plan(meta, acme.id, "professional"));
        UD_CHECK_OK(ud_meta_org_get(&again, meta, &arena, acme.id));
        UD_CHECK_EQ_STR("professional", again.plan);
        UD_CHECK_EQ_INT(100, again.max_users);
        UD_CHECK_OK(
            ud_meta_user_create(&extra, meta, &arena, acme.id, "eleven@acme.test", "h", "viewer"));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_user_create(&extra, meta, &arena, acme.id,
                                                       "not-an-email", "h", "viewer"));

        /* Lookups and changes name the organization: another org's id is
         * not found, and nothing changes. */
        ud_user got;
        UD_CHECK_OK(ud_meta_user_get(&got, meta, &arena, acme.id, users[3].id));
        UD_CHECK_EQ_STR("[]", got.groups_json);
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_user_get(&got, meta, &arena, globex.id, users[3].id));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_user_set_role(meta, globex.id, users[3].id, "admin"));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_user_delete(meta, globex.id, users[3].id));
        UD_CHECK_OK(ud_meta_user_get(&got, meta, &arena, acme.id, users[3].id));
        UD_CHECK_EQ_STR("user", got.role);
        UD_CHECK_OK(ud_meta_user_set_role(meta, acme.id, users[3].id, "admin"));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_user_set_role(meta, acme.id, users[3].id, "root"));
        UD_CHECK_OK(ud_meta_user_set_groups(meta, acme.id, users[3].id, "[\"eng\",\"sales\"]"));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_user_set_groups(meta, acme.id, users[3].id, "[1]"));
        UD_CHECK_OK(ud_meta_user_set_settings(meta, acme.id, users[3].id,
                                              "{\"source_preference\":{\"slack\":1.5}}"));
        UD_CHECK_OK(ud_meta_user_get_by_email(&got, meta, &arena, "USER3@acme.test"));
        UD_CHECK_EQ_STR("admin", got.role);
        UD_CHECK_CONTAINS(got.groups_json, "sales");
        UD_CHECK_CONTAINS(got.settings_json, "slack");

        ud_user *list = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_meta_user_list(&list, &count, meta, &arena, acme.id));
        UD_CHECK_EQ_INT(11, count);
        UD_CHECK_OK(ud_meta_user_list(&list, &count, meta, &arena, globex.id));
        UD_CHECK_EQ_INT(0, count);

        /* A user who created a key can be removed; the key stays. */
        char key_hash[65];
        hash_of(key_hash, "sk_live_removal");
        ud_apikey_row key;
        UD_CHECK_OK(ud_meta_apikey_create(&key, meta, &arena, acme.id, "ci", key_hash, "sk_live_re",
                                          "{\"search\": true}", 0, users[5].id));
        UD_CHECK_OK(ud_meta_user_delete(meta, acme.id, users[5].id));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_user_get(&got, meta, &arena, acme.id, users[5].id));
        UD_CHECK_OK(ud_meta_apikey_find(&key, meta, &arena, key_hash));
        UD_CHECK(key.created_by == NULL);

        UD_CHECK_OK(ud_meta_org_set_status(meta, acme.id, "suspended"));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_org_set_status(meta, acme.id, "paused"));
        UD_CHECK_OK(ud_meta_org_get(&again, meta, &arena, acme.id));
        UD_CHECK_EQ_STR("suspended", again.status);
        ud_org *orgs = NULL;
        UD_CHECK_OK(ud_meta_org_list(&orgs, &count, meta, &arena));
        UD_CHECK_EQ_INT(2, count);
        UD_CHECK_EQ_STR("acme", orgs[0].slug);
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

void test_accounts__api_keys_are_found_by_hash_and_revoked_per_org(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org acme, globex;
        UD_CHECK_OK(ud_meta_org_create(&acme, meta, &arena, "Acme", "acme", "enterprise"));
        UD_CHECK_OK(ud_meta_org_create(&globex, meta, &arena, "Globex", "globex", "enterprise"));
        char hash[65];
        hash_of(hash, "sk_live_secret");
        ud_apikey_row key, found;
        UD_CHECK_OK(ud_meta_apikey_create(&key, meta, &arena, acme.id, "search bot", hash,
                                          "sk_live_ab", "{\"search\": true, \"admin\": false}",
                                          1900000000, NULL));
        UD_CHECK_EQ_INT(1900000000, key.expires_at);
        UD_CHECK_EQ_INT(UD_EEXISTS, ud_meta_apikey_create(&found, meta, &arena, globex.id, "dup",
                                                          hash, "sk_live_ab", "{}", 0, NULL));
        UD_CHECK_EQ_INT(UD_EINVAL,
                        ud_meta_apikey_create(&found, meta, &arena, acme.id, "raw",
                                              "sk_live_secret", "sk_live_", "{}", 0, NULL));
        UD_CHECK_OK(ud_meta_apikey_find(&found, meta, &arena, hash));
        UD_CHECK_EQ_STR(key.id, found.id);
        UD_CHECK_EQ_STR(acme.id, found.org_id);
        UD_CHECK_EQ_INT(0, found.revoked_at);

        /* Nothing stored holds the key itself. */
        ud_sql_rows rows;
        UD_CHECK_OK(ud_meta_sql_query(&rows, meta, &arena,
                                      "SELECT key_hash, key_prefix, name FROM api_keys", NULL, 0));
        for (size_t r = 0; r < rows.count; r++)
            for (size_t c = 0; c < rows.columns; c++)
                UD_CHECK(!strstr(ud_sql_cell(&rows, r, c), "secret"));

        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_apikey_revoke(meta, globex.id, key.id, 1800000000));
        UD_CHECK_OK(ud_meta_apikey_touch(meta, key.id, 1800000001));
        UD_CHECK_OK(ud_meta_apikey_revoke(meta, acme.id, key.id, 1800000002));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_apikey_revoke(meta, acme.id, key.id, 1800000003));
        UD_CHECK_OK(ud_meta_apikey_find(&found, meta, &arena, hash));
        UD_CHECK_EQ_INT(1800000002, found.revoked_at);
        UD_CHECK_EQ_INT(1800000001, found.last_used_at);
        ud_apikey_row *keys = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_meta_apikey_list(&keys, &count, meta, &arena, acme.id));
        UD_CHECK_EQ_INT(1, count);
        UD_CHECK_OK(ud_meta_apikey_list(&keys, &count, meta, &arena, globex.id));
        UD_CHECK_EQ_INT(0, count);
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

void test_accounts__refresh_rotation_detects_replay_and_revokes_the_family(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org;
        ud_user user;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "enterprise"));
        UD_CHECK_OK(ud_meta_user_create(&user, meta, &arena, org.id, "a@acme.test", "h", "user"));
        char first[65], second[65], third[65], other[65];
        hash_of(first, "r1");
        hash_of(second, "r2");
        hash_of(third, "r3");
        hash_of(other, "other-session");
        int64_t now = 1800000000;
        UD_CHECK_OK(ud_meta_refresh_create(meta, user.id, org.id, first, now + 100));
        UD_CHECK_OK(ud_meta_refresh_create(meta, user.id, org.id, other, now + 100));
        ud_refresh_row row;
        UD_CHECK_OK(ud_meta_refresh_rotate(&row, meta, &arena, first, second, now + 200, now));
        UD_CHECK_EQ_STR(user.id, row.user_id);
        UD_CHECK_EQ_STR(org.id, row.org_id);
        /* The rotated token presented again: a replay. The family dies,
         * the new token with it; the user's other session lives on. */
        UD_CHECK_EQ_INT(UD_EAUTH,
                        ud_meta_refresh_rotate(&row, meta, &arena, first, third, now + 300, now));
        UD_CHECK_CONTAINS(ud_test_error_message(), "used already");
        UD_CHECK_EQ_INT(UD_EAUTH,
                        ud_meta_refresh_rotate(&row, meta, &arena, second, third, now + 300, now));
        UD_CHECK_CONTAINS(ud_test_error_message(), "revoked");
        UD_CHECK_OK(ud_meta_refresh_rotate(&row, meta, &arena, other, third, now + 300, now));
        /* Expiry and logout. */
        char late[65];
        hash_of(late, "r4");
        UD_CHECK_EQ_INT(UD_EAUTH, ud_meta_refresh_rotate(&row, meta, &arena, third, late, now + 900,
                                                         now + 400));
        UD_CHECK_CONTAINS(ud_test_error_message(), "expired");
        UD_CHECK_OK(ud_meta_refresh_revoke(&row, meta, &arena, third, now));
        UD_CHECK_EQ_INT(UD_EAUTH,
                        ud_meta_refresh_rotate(&row, meta, &arena, third, late, now + 900, now));
        UD_CHECK_EQ_INT(UD_EAUTH, ud_meta_refresh_revoke(&row, meta, &arena, late, now));
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

void test_accounts__history_is_private_to_its_user(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org;
        ud_user ann, bob;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "enterprise"));
        UD_CHECK_OK(ud_meta_user_create(&ann, meta, &arena, org.id, "ann@acme.test", "h", "user"));
        UD_CHECK_OK(ud_meta_user_create(&bob, meta, &arena, org.id, "bob@acme.test", "h", "user"));
        ud_history_entry first = {.user_id = ann.id,
                                  .query = "parental leave",
                                  .results_count = 4,
                                  .response_time_ms = 12,
                                  .sources_used = {"slack", "google_drive"},
                                  .source_count = 2,
                                  .timestamp = 1800000000};
        ud_history_entry second = {
            .user_id = ann.id, .query = "q4 'pipeline'; DROP TABLE users", .timestamp = 1800000100};
        ud_history_entry bad = {
            .user_id = ann.id, .query = "x", .sources_used = {"Slack,"}, .source_count = 1};
        UD_CHECK_OK(ud_meta_history_add(&first, meta, &arena, org.id));
        UD_CHECK_OK(ud_meta_history_add(&second, meta, &arena, org.id));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_history_add(&bad, meta, &arena, org.id));
        ud_history_entry *list = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_meta_history_list(&list, &count, meta, &arena, org.id, ann.id,
                                         UD_HISTORY_ALL, 10, 0));
        UD_CHECK_EQ_INT(2, count);
        UD_CHECK_EQ_STR("q4 'pipeline'; DROP TABLE users", list[0].query);
        UD_CHECK_EQ_STR("parental leave", list[1].query);
        UD_CHECK_EQ_INT(2, list[1].source_count);
        UD_CHECK_EQ_STR("google_drive", list[1].sources_used[1]);
        UD_CHECK_EQ_INT(4, list[1].results_count);
        UD_CHECK(!list[1].is_saved);
        UD_CHECK_OK(ud_meta_history_list(&list, &count, meta, &arena, org.id, bob.id,
                                         UD_HISTORY_ALL, 10, 0));
        UD_CHECK_EQ_INT(0, count);
        /* Bob cannot save or delete Ann's entries. */
        UD_CHECK_EQ_INT(UD_ENOTFOUND,
                        ud_meta_history_set_saved(meta, org.id, bob.id, first.id, true));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_history_delete(meta, org.id, bob.id, first.id));
        UD_CHECK_OK(ud_meta_history_set_saved(meta, org.id, ann.id, first.id, true));
        UD_CHECK_OK(ud_meta_history_list(&list, &count, meta, &arena, org.id, ann.id,
                                         UD_HISTORY_SAVED, 10, 0));
        UD_CHECK_EQ_INT(1, count);
        UD_CHECK(list[0].is_saved);
        UD_CHECK_OK(ud_meta_history_delete(meta, org.id, ann.id, first.id));
        UD_CHECK_OK(ud_meta_history_list(&list, &count, meta, &arena, org.id, ann.id,
                                         UD_HISTORY_ALL, 10, 0));
        UD_CHECK_EQ_INT(1, count);
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

static void tamper(ud_meta *meta, const char *sql)
{
    UD_CHECK_OK(ud_meta_sql_run(meta, sql, NULL, 0));
}

static void write_log(ud_meta *meta, const char *org_id)
{
    UD_CHECK_OK(ud_meta_audit_append(meta, org_id, "user:ann@acme.test", "login", "", NULL));
    UD_CHECK_OK(ud_meta_audit_append(meta, org_id, "ip:10.0.0.9", "login_failed", "bob@acme.test",
                                     "{\"reason\":\"password\"}"));
    UD_CHECK_OK(ud_meta_audit_append(meta, org_id, "user:ann@acme.test", "role_change",
                                     "bob@acme.test", "{\"from\":\"user\",\"to\":\"admin\"}"));
    UD_CHECK_OK(ud_meta_audit_append(meta, NULL, "cli", "org_create", "globex", NULL));
}

void test_accounts__audit_chain_finds_edits_deletions_and_truncation(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    static const char *const attacks[] = {
        "UPDATE audit_log SET detail = '{\"from\":\"user\",\"to\":\"viewer\"}' WHERE seq = 3",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 4",
        "UPDATE audit_log SET actor = 'cli' WHERE seq = 1",
    };
    static const long bad_seq[] = {3, 2, 4, 1};
    for (size_t i = 0; i < n; i++) {
        for (size_t a = 0; a < sizeof(attacks) / sizeof(attacks[0]); a++) {
            ud_meta *meta = open_migrated(urls[i]);
            ud_arena arena;
            ud_arena_init(&arena);
            tamper(meta, "DELETE FROM audit_log");
            tamper(meta, "DELETE FROM audit_head");
            tamper(meta, "DELETE FROM organizations");
            ud_org org;
            UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "enterprise"));
            write_log(meta, org.id);
            ud_audit_report report;
            UD_CHECK_OK(ud_meta_audit_verify(&report, meta));
            UD_CHECK_EQ_INT(4, report.checked);
            ud_audit_entry *entries = NULL;
            size_t count = 0;
            UD_CHECK_OK(ud_meta_audit_list(&entries, &count, meta, &arena, org.id, 0, 10));
            UD_CHECK_EQ_INT(3, count);
            UD_CHECK_EQ_STR("role_change", entries[0].action);
            UD_CHECK_EQ_STR(entries[1].hash, entries[0].prev_hash);
            tamper(meta, attacks[a]);
            UD_CHECK_EQ_INT(UD_ECORRUPT, ud_meta_audit_verify(&report, meta));
            UD_CHECK_EQ_INT(bad_seq[a], report.bad_seq);
            ud_arena_dispose(&arena);
            ud_meta_close(meta);
        }
    }
}

void test_accounts__usage_sums_days_and_keeps_answer_costs(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org, other;
        ud_user ann, zed;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "enterprise"));
        UD_CHECK_OK(ud_meta_org_create(&other, meta, &arena, "Other", "other", "enterprise"));
        UD_CHECK_OK(ud_meta_user_create(&ann, meta, &arena, org.id, "ann@acme.test", "h", "user"));
        UD_CHECK_OK(ud_meta_user_create(&zed, meta, &arena, other.id, "z@o.test", "h", "user"));
        int64_t day = 20000;
        const double costs[] = {0.02, 0.005, 0.5};
        for (int k = 0; k < 3; k++) {
            ud_history_entry ask = {.user_id = ann.id,
                                    .query = "q",
                                    .kind = "ask",
                                    .provider = "anthropic",
                                    .model = "claude",
                                    .route = "primary",
                                    .input_tokens = 1000,
                                    .output_tokens = 100,
                                    .cache_read_tokens = 400,
                                    .cost_usd = costs[k],
                                    .timestamp = (day + k / 2) * 86400 + 3600};
            UD_CHECK_OK(ud_meta_history_add(&ask, meta, &arena, org.id));
        }
        ud_history_entry search = {.user_id = ann.id, .query = "s", .timestamp = day * 86400 + 60};
        UD_CHECK_OK(ud_meta_history_add(&search, meta, &arena, org.id));
        ud_history_entry theirs = {.user_id = zed.id,
                                   .query = "x",
                                   .kind = "ask",
                                   .cost_usd = 9,
                                   .timestamp = day * 86400};
        UD_CHECK_OK(ud_meta_history_add(&theirs, meta, &arena, other.id));
        ud_history_entry bad = {.user_id = ann.id, .query = "x", .kind = "chat"};
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_history_add(&bad, meta, &arena, org.id));

        ud_usage usage;
        UD_CHECK_OK(ud_meta_usage(&usage, meta, &arena, org.id, day * 86400));
        UD_CHECK_EQ_INT(2, usage.day_count);
        UD_CHECK_EQ_INT(day, usage.days[0].day);
        UD_CHECK_EQ_INT(1, usage.days[0].searches);
        UD_CHECK_EQ_INT(2, usage.days[0].asks);
        UD_CHECK_EQ_INT(2000, usage.days[0].input_tokens);
        UD_CHECK_EQ_INT(800, usage.days[0].cache_read_tokens);
        UD_CHECK_NEAR(0.025, usage.days[0].cost_usd, 1e-9);
        UD_CHECK_NEAR(0.5, usage.days[1].cost_usd, 1e-9);
        UD_CHECK_EQ_INT(3, usage.ask_count);
        UD_CHECK_NEAR(0.005, usage.ask_costs[0], 1e-9);
        UD_CHECK_NEAR(0.5, usage.ask_costs[2], 1e-9);
        UD_CHECK_OK(ud_meta_usage(&usage, meta, &arena, org.id, (day + 1) * 86400));
        UD_CHECK_EQ_INT(1, usage.day_count);
        ud_history_entry *list = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_meta_history_list(&list, &count, meta, &arena, org.id, ann.id,
                                         UD_HISTORY_ALL, 10, 0));
        UD_CHECK_EQ_INT(4, count);
        UD_CHECK_EQ_STR("ask", list[0].kind);
        UD_CHECK_EQ_STR("anthropic", list[0].provider);
        UD_CHECK_NEAR(0.5, list[0].cost_usd, 1e-9);
        UD_CHECK_EQ_INT(400, list[0].cache_read_tokens);
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}
