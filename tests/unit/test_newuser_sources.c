/*
 * What a new user hit with sources, filters and usage (issue 12, items 3,
 * 4, 8 and part of 9): an unknown source type is an error that lists the
 * known ones, in one spelling; a removed source's documents leave search
 * at once, from the CLI and the API alike; every search and answer is
 * counted, with who made it (a user, an API key, the CLI); POST
 * /v1/sources checks the type before the paths; meta.db is private.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api_fixture.h"
#include "base/crypto.h"
#include "server/auth.h"
#include "store/blobs.h"
#include "store/meta_credentials.h"
#include "sync/job.h"
#include "sync/scheduler.h"
#include "test.h"

#define DOC_TYPES "file, slack, gmail, notion, salesforce"
#define CONNECTORS "folder, slack-export, gmail-export, notion-export, salesforce-export"

/* Runs unify on the data directory (SQLite, no word vectors). */
static int unify(char **out, const char *data, const char *args)
{
    return ud_test_run(out,
                       "UNIFY_STORE= UNIFY_WORD_VECTORS_JSON=none "
                       "UNIFY_ADMIN_PASSWORD=correct-horse-battery %s %s --data '%s'",
                       ud_test_unify_bin(), args, data);
}

static json_t *parse_json(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        ud_test_fail(__FILE__, __LINE__, "bad JSON (%s): %.300s", err.text, text);
    return j;
}

/* A data directory, initialised, and a folder of two notes for a source. */
static void cli_setup(char data[600], char folder[600])
{
    snprintf(data, 600, "%s/data", ud_test_tmpdir());
    snprintf(folder, 600, "%s/notes", ud_test_tmpdir());
    static const char a[] = "# Zebrafish husbandry\n\nThe zebrafish tanks are cleaned weekly.\n";
    static const char b[] = "# Walrus rota\n\nThe walrus rota changes on Mondays.\n";
    ud_test_write_file(folder, "zebra.md", a, sizeof(a) - 1);
    ud_test_write_file(folder, "walrus.md", b, sizeof(b) - 1);
    char *out = NULL;
    if (unify(&out, data, "init") != 0)
        ud_test_fail(__FILE__, __LINE__, "unify init: %s", out);
    free(out);
}

/* `unify source add --type folder` of folder into data; its id into id. */
static void add_folder_source(char id[64], const char *data, const char *folder)
{
    char cmd[800];
    char *out = NULL;
    snprintf(cmd, sizeof(cmd), "source add --type folder --json --path '%s'", folder);
    UD_CHECK_EQ_INT(0, unify(&out, data, cmd));
    json_t *source = parse_json(out);
    snprintf(id, 64, "%s", json_string_value(json_object_get(source, "id")));
    json_decref(source);
    free(out);
}

/* ---- 3: unknown source types --------------------------------------------- */

void test_newuser_sources__api_refuses_unknown_source_types_listing_the_known(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    char ann[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_reply r;
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search",
                    "{\"query\": \"standup\", \"source_types\": [\"file\", \"dropbox\"]}");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_CONTAINS(r.body, "dropbox");
    UD_CHECK_CONTAINS(r.body, DOC_TYPES);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/ask",
                    "{\"question\": \"what was said at standup?\", \"source_types\": "
                    "[\"dropbox\"]}");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_CONTAINS(r.body, DOC_TYPES);
    /* A source: filter in the query's text is checked the same way. */
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", "{\"query\": \"source:dropbox standup\"}");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_CONTAINS(r.body, "unknown source type 'dropbox'");
    UD_CHECK_CONTAINS(r.body, DOC_TYPES);
    /* The known ones still filter. */
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search",
                    "{\"query\": \"standup\", \"source_types\": [\"slack\"]}");
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"source_type\":\"slack\"");
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", "{\"query\": \"source:slack standup\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_stop(&s);
}

void test_newuser_sources__cli_refuses_unknown_source_types_in_one_spelling(void)
{
    char data[600], folder[600];
    cli_setup(data, folder);
    char *out = NULL;
    UD_CHECK_EQ_INT(2, unify(&out, data, "search --source dropbox zebrafish"));
    UD_CHECK_CONTAINS(out, "dropbox");
    UD_CHECK_CONTAINS(out, DOC_TYPES);
    free(out);
    UD_CHECK_EQ_INT(2, unify(&out, data, "search 'source:dropbox zebrafish' 2>&1"));
    UD_CHECK_CONTAINS(out, "unknown source type 'dropbox'");
    UD_CHECK_CONTAINS(out, DOC_TYPES);
    free(out);
    UD_CHECK_EQ_INT(2, unify(&out, data, "ask --source dropbox 'who cleans the tanks?'"));
    UD_CHECK_CONTAINS(out, DOC_TYPES);
    free(out);
    /* A data source's type is its connector, spelled as --type takes it. */
    UD_CHECK_EQ_INT(2, unify(&out, data, "source add --type dropbox --path /tmp"));
    UD_CHECK_CONTAINS(out, CONNECTORS);
    UD_CHECK(!strstr(out, "slack_export"));
    free(out);
    char cmd[1400];
    snprintf(cmd, sizeof(cmd), "source add --type folder --json --path '%s'", folder);
    UD_CHECK_EQ_INT(0, unify(&out, data, cmd));
    json_t *source = parse_json(out);
    UD_CHECK_EQ_STR("folder", json_string_value(json_object_get(source, "connector")));
    json_decref(source);
    free(out);
}

/* ---- 9: POST /v1/sources checks the type first ------------------------- */

void test_newuser_sources__api_checks_the_source_type_before_the_paths(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    char admin[1024];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_reply r;
    ud_fixture_call(&r, &s, admin, "POST", "/v1/sources",
                    "{\"type\": \"dropbox\", \"path\": \"/etc\"}");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_CONTAINS(r.body, CONNECTORS);
    /* Both spellings name the same connector; the path rule still holds. */
    ud_fixture_call(&r, &s, admin, "POST", "/v1/sources",
                    "{\"type\": \"slack_export\", \"path\": \"/etc\"}");
    UD_CHECK_EQ_INT(403, r.status);
    UD_CHECK_CONTAINS(r.body, "source_paths");
    ud_fixture_stop(&s);
}

/* ---- 4: a removed source leaves search at once ---------------------------- */

/* The number of results of a search (one per document) in the CLI's JSON. */
static size_t cli_hits(const char *data, const char *query)
{
    char *out = NULL, args[300];
    snprintf(args, sizeof(args), "search --json --mode bm25 %s", query);
    if (unify(&out, data, args) != 0)
        ud_test_fail(__FILE__, __LINE__, "unify %s: %s", args, out);
    json_t *o = parse_json(out);
    size_t n = json_array_size(json_object_get(o, "results"));
    json_decref(o);
    free(out);
    return n;
}

void test_newuser_sources__cli_source_remove_takes_its_documents_out_of_search(void)
{
    char data[600], folder[600], cmd[1400], id[64];
    cli_setup(data, folder);
    char *out = NULL;
    add_folder_source(id, data, folder);
    snprintf(cmd, sizeof(cmd), "source sync %s", id);
    UD_CHECK_EQ_INT(0, unify(&out, data, cmd));
    free(out);
    UD_CHECK_EQ_INT(1, cli_hits(data, "zebrafish"));
    UD_CHECK_EQ_INT(1, cli_hits(data, "walrus"));
    snprintf(cmd, sizeof(cmd), "source remove %s", id);
    UD_CHECK_EQ_INT(0, unify(&out, data, cmd));
    UD_CHECK(!strstr(out, "next write"));
    free(out);
    UD_CHECK_EQ_INT(0, cli_hits(data, "zebrafish"));
    UD_CHECK_EQ_INT(0, cli_hits(data, "walrus"));
    UD_CHECK_EQ_INT(0, unify(&out, data, "ask --json 'how often are the zebrafish tanks cleaned'"));
    UD_CHECK(!strstr(out, "Zebrafish husbandry"));
    free(out);
}

/* The fixture's server with sync workers and an object store. */
typedef struct synced {
    ud_fixture api;
    ud_blobs *blobs;
    ud_sync_env env;
    ud_scheduler *scheduler;
} synced;

static void synced_start(synced *s)
{
    ud_fixture_start(&s->api, "enterprise", 1000);
    char url[700];
    snprintf(url, sizeof(url), "file://%s/objects", ud_test_tmpdir());
    UD_CHECK_OK(ud_blobs_open(&s->blobs, url));
    s->env = (ud_sync_env){.meta = s->api.meta,
                           .blobs = s->blobs,
                           .data_dir = ud_test_tmpdir(),
                           .cache = s->api.ctx.cache,
                           .fernet_key = s->api.ctx.fernet_key};
    ud_chunker_opts_default(&s->env.chunker);
    ud_extract_limits_default(&s->env.limits);
    UD_CHECK_OK(ud_scheduler_start(&s->scheduler, &s->env, NULL));
    s->api.ctx.scheduler = s->scheduler;
    s->api.ctx.blobs = s->blobs;
    snprintf(s->api.ctx.source_roots, sizeof(s->api.ctx.source_roots), "%s", ud_test_tmpdir());
}

static void synced_stop(synced *s)
{
    ud_scheduler_stop(s->scheduler);
    s->api.ctx.scheduler = NULL;
    ud_fixture_stop(&s->api);
    ud_blobs_free(s->blobs);
}

static size_t api_hits(synced *s, const char *token, const char *word)
{
    char body[200];
    snprintf(body, sizeof(body), "{\"query\": \"%s\", \"mode\": \"bm25\"}", word);
    ud_reply r;
    ud_fixture_call(&r, &s->api, token, "POST", "/v1/search", body);
    if (r.status != 200)
        ud_test_fail(__FILE__, __LINE__, "search %s: %ld %s", word, r.status, r.body);
    json_t *o = parse_json(r.body);
    size_t n = json_array_size(json_object_get(o, "results"));
    json_decref(o);
    return n;
}

void test_newuser_sources__api_source_delete_takes_its_documents_out_of_search(void)
{
    synced s;
    synced_start(&s);
    char folder[600], body[800], id[64], path[200];
    snprintf(folder, sizeof(folder), "%s/notes", ud_test_tmpdir());
    static const char a[] = "# Zebrafish husbandry\n\nThe zebrafish tanks are cleaned weekly.\n";
    ud_test_write_file(folder, "zebra.md", a, sizeof(a) - 1);
    char admin[1024], ann[1024];
    ud_fixture_login(&s.api, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_login(&s.api, "ann@acme.test", "ann-password-123", ann, NULL);
    snprintf(body, sizeof(body), "{\"type\": \"folder\", \"path\": \"%s\"}", folder);
    ud_reply r;
    ud_fixture_call(&r, &s.api, admin, "POST", "/v1/sources", body);
    if (r.status != 201)
        ud_test_fail(__FILE__, __LINE__, "POST /v1/sources: %ld %s", r.status, r.body);
    ud_fixture_field(id, sizeof(id), &r, "id");
    snprintf(path, sizeof(path), "/v1/sources/%s/sync", id);
    ud_fixture_call(&r, &s.api, admin, "POST", path, NULL);
    UD_CHECK_EQ_INT(202, r.status);
    ud_scheduler_drain(s.scheduler);
    UD_CHECK_EQ_INT(1, api_hits(&s, ann, "zebrafish"));
    snprintf(path, sizeof(path), "/v1/sources/%s", id);
    ud_fixture_call(&r, &s.api, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_EQ_INT(0, api_hits(&s, ann, "zebrafish"));
    ud_fixture_call(&r, &s.api, ann, "POST", "/v1/ask",
                    "{\"question\": \"how often are the zebrafish tanks cleaned?\"}");
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK(!strstr(r.body, "Zebrafish husbandry"));
    /* The fixture's own documents are still there. */
    UD_CHECK(api_hits(&s, ann, "standup") > 0);
    synced_stop(&s);
}

/* ---- 8: usage counts every search and answer ------------------------------ */

/* The sum of a field over the usage report's days. */
static long long usage_sum(json_t *usage, const char *field)
{
    long long total = 0;
    size_t i;
    json_t *day;
    json_array_foreach(json_object_get(usage, "days"), i, day)
    {
        total += json_integer_value(json_object_get(day, field));
    }
    return total;
}

static long long by_caller(json_t *usage, const char *caller, const char *field)
{
    json_t *c = json_object_get(json_object_get(usage, "callers"), caller);
    if (!json_is_object(c))
        ud_test_fail(__FILE__, __LINE__, "no callers.%s in the usage report", caller);
    return json_integer_value(json_object_get(c, field));
}

void test_newuser_sources__usage_counts_api_keys_without_a_user(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    /* A key made by `unify apikey create` has no creator. */
    static const char key[] = "sk_live_newuserusagetestkey0123456789abcdef";
    char hash[UD_SHA256_HEX_LEN + 1];
    ud_auth_hash_secret(hash, key, strlen(key));
    ud_apikey_row row;
    UD_CHECK_OK(ud_meta_apikey_create(&row, s.meta, &s.arena, s.acme.id, "demo", hash, "sk_live_ne",
                                      "{\"search\": true, \"ask\": true}", 0, NULL));
    char admin[1024], ann[1024];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_reply r;
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", "{\"query\": \"standup\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, key, "POST", "/v1/search", "{\"query\": \"pipeline\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, key, "POST", "/v1/ask", "{\"question\": \"what was the standup?\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", "{\"query\": \"review\"}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, admin, "GET", "/v1/usage", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    json_t *usage = parse_json(r.body);
    UD_CHECK_EQ_INT(3, usage_sum(usage, "searches"));
    UD_CHECK_EQ_INT(1, usage_sum(usage, "asks"));
    UD_CHECK_EQ_INT(2, by_caller(usage, "key", "searches"));
    UD_CHECK_EQ_INT(1, by_caller(usage, "key", "asks"));
    UD_CHECK_EQ_INT(1, by_caller(usage, "user", "searches"));
    UD_CHECK_EQ_INT(0, by_caller(usage, "cli", "searches"));
    json_decref(usage);
    /* A keyless user's history is still their own: the key's rows are not ann's. */
    ud_fixture_call(&r, &s, ann, "GET", "/v1/history", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "review");
    UD_CHECK(!strstr(r.body, "pipeline"));
    ud_fixture_stop(&s);
}

void test_newuser_sources__usage_counts_cli_searches_and_answers(void)
{
    char data[600], folder[600];
    cli_setup(data, folder);
    char *out = NULL;
    char cmd[1400];
    snprintf(cmd, sizeof(cmd), "ingest '%s'", folder);
    UD_CHECK_EQ_INT(0, unify(&out, data, cmd));
    free(out);
    UD_CHECK_EQ_INT(1, cli_hits(data, "zebrafish"));
    UD_CHECK_EQ_INT(0, cli_hits(data, "nothingmatchesthis"));
    UD_CHECK_EQ_INT(0, unify(&out, data, "ask 'how often are the zebrafish tanks cleaned?'"));
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, data, "usage --json"));
    json_t *usage = parse_json(out);
    free(out);
    UD_CHECK_EQ_INT(2, usage_sum(usage, "searches"));
    UD_CHECK_EQ_INT(1, usage_sum(usage, "asks"));
    UD_CHECK_EQ_INT(2, by_caller(usage, "cli", "searches"));
    UD_CHECK_EQ_INT(1, by_caller(usage, "cli", "asks"));
    json_decref(usage);
    UD_CHECK_EQ_INT(0, unify(&out, data, "usage"));
    UD_CHECK_CONTAINS(out, "CLI");
    free(out);
}

/* ---- 9: meta.db is private ------------------------------------------------ */

void test_newuser_sources__meta_db_is_created_private_and_kept_private(void)
{
    char data[600], folder[600], db[700];
    cli_setup(data, folder);
    snprintf(db, sizeof(db), "%s/meta.db", data);
    struct stat st;
    UD_CHECK_EQ_INT(0, stat(db, &st));
    UD_CHECK_EQ_INT(0600, st.st_mode & 0777);
    /* One made by an older version is made private when it is opened. */
    UD_CHECK_EQ_INT(0, chmod(db, 0644));
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, data, "source list"));
    free(out);
    UD_CHECK_EQ_INT(0, stat(db, &st));
    UD_CHECK_EQ_INT(0600, st.st_mode & 0777);
}

/* ---- 5: skipped on purpose is not a failure -------------------------------- */

void test_newuser_sources__exports_inside_a_folder_are_skipped_not_failed(void)
{
    char data[600], folder[600], cmd[1400], id[64];
    cli_setup(data, folder);
    /* A Slack export inside the folder: read as files it would lose its
     * channels' permissions, so the folder source leaves it out. */
    char slack[700];
    snprintf(slack, sizeof(slack), "%s/slack", folder);
    ud_test_write_file(slack, "channels.json", "[]", 2);
    ud_test_write_file(slack, "users.json", "[]", 2);
    char *out = NULL;
    add_folder_source(id, data, folder);
    snprintf(cmd, sizeof(cmd), "source sync %s", id);
    UD_CHECK_EQ_INT(0, unify(&out, data, cmd));
    UD_CHECK_CONTAINS(out, "Synced: 3 processed, 2 added, 0 updated, 0 deleted, 1 skipped, "
                           "0 failed.\n");
    UD_CHECK_CONTAINS(out, "/slack: a slack-export export; add it as a source of its own\n");
    UD_CHECK(!strstr(out, "Synced 2/3"));
    free(out);
    /* The sync's log agrees: nothing failed, one item skipped, with why. */
    snprintf(cmd, sizeof(cmd), "source sync --json %s 2>/dev/null", id);
    UD_CHECK_EQ_INT(0, unify(&out, data, cmd));
    json_t *log = parse_json(out);
    free(out);
    UD_CHECK_EQ_INT(0, json_integer_value(json_object_get(log, "documents_failed")));
    UD_CHECK(json_is_null(json_object_get(log, "error_message")));
    json_t *details = json_object_get(log, "details");
    UD_CHECK_EQ_INT(1, json_integer_value(json_object_get(details, "skipped")));
    UD_CHECK_EQ_INT(0, (long)json_array_size(json_object_get(details, "failures")));
    UD_CHECK_EQ_INT(1, (long)json_array_size(json_object_get(details, "skipped_items")));
    json_decref(log);
}
