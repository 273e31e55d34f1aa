/*
 * The security suite of issue 11, part 3: a document belongs to its data
 * source. The same external id in two sources (one Message-ID in two
 * mailboxes, one channel id in two Slack workspaces, one file under two
 * folder sources) is two documents, each with its own ACL and text. Syncing
 * one source never moves, changes or deletes the other's, whatever the
 * order and however often; the second source's sync counts its documents
 * as added; and each user finds exactly their own through the API.
 *
 * Also migration 6, which made (org, source, key) the identity: a store at
 * migration 5 with rows keeps every row and chunk, and the new uniqueness
 * holds, on SQLite and PostgreSQL.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "base/crypto.h"
#include "server/password.h"
#include "store/meta_internal.h"
#include "store/meta_sources.h"
#include "sync/ingest.h"
#include "sync/job.h"
#include "sync/pipeline.h"
#include "sync/reindex.h"
#include "sync/sources.h"
#include "test.h"

#define BOB_PASSWORD "bob-password-123"
#define MAX_FOUND 8

/* ---- the fixture: the API server, a second user, sync jobs ------------ */

typedef struct suite {
    ud_fixture api;
    ud_sync_env env;
    char ann[1024]; /* access tokens */
    char bob[1024];
    char admin[1024];
} suite;

static void suite_start(suite *s)
{
    ud_fixture_start(&s->api, "enterprise", 100000);
    ud_password_params params = {19456, 2, 1};
    char hash[256];
    ud_user user;
    UD_CHECK_OK(ud_password_hash(hash, sizeof(hash), BOB_PASSWORD, &params));
    UD_CHECK_OK(ud_meta_user_create(&user, s->api.meta, &s->api.arena, s->api.acme.id,
                                    "bob@acme.test", hash, "user"));
    ud_fixture_login(&s->api, "ann@acme.test", "ann-password-123", s->ann, NULL);
    ud_fixture_login(&s->api, "bob@acme.test", BOB_PASSWORD, s->bob, NULL);
    ud_fixture_login(&s->api, "admin@acme.test", "admin-password-1", s->admin, NULL);
    /* The server's searcher reads the index the jobs write. */
    s->env = (ud_sync_env){.meta = s->api.meta, .data_dir = ud_test_tmpdir()};
    ud_chunker_opts_default(&s->env.chunker);
    ud_extract_limits_default(&s->env.limits);
}

static void suite_stop(suite *s)
{
    ud_fixture_stop(&s->api);
}

static ud_source_row add_source(suite *s, const char *connector, const char *path,
                                const char *config_json)
{
    ud_source_spec spec = {.connector = connector, .path = path, .config_json = config_json};
    ud_source_row row;
    char message[256];
    UD_CHECK_OK(ud_source_add(&row, message, sizeof(message), s->api.meta, &s->api.arena,
                              s->api.acme.id, &spec, NULL));
    return row;
}

/* One full sync of the source, which must complete without failures. */
static ud_sync_log sync_source(suite *s, const ud_source_row *source)
{
    ud_sync_result r;
    UD_CHECK_OK(ud_sync_run(&r, &s->env, &s->api.arena, s->api.acme.id, source->id));
    if (strcmp(r.log.status, "completed") != 0 || r.log.failed != 0)
        ud_test_fail(__FILE__, __LINE__, "sync of %s: %s, %lld failed: %s %s", source->name,
                     r.log.status, (long long)r.log.failed,
                     r.log.error_message ? r.log.error_message : "", r.log.details_json);
    return r.log;
}

static void check_counts(const ud_sync_log *log, int64_t added, int64_t updated, int64_t deleted)
{
    UD_CHECK_EQ_INT(added, log->added);
    UD_CHECK_EQ_INT(updated, log->updated);
    UD_CHECK_EQ_INT(deleted, log->deleted);
}

/* The documents a search finds (each once), with the url of each. */
typedef struct found {
    size_t count;
    char ids[MAX_FOUND][37];
    char urls[MAX_FOUND][256];
} found;

static void search_as(found *out, suite *s, const char *token, const char *word)
{
    memset(out, 0, sizeof(*out));
    char body[256];
    snprintf(body, sizeof(body), "{\"query\": \"%s\", \"mode\": \"bm25\", \"top_k\": 50}", word);
    ud_reply r;
    ud_fixture_call(&r, &s->api, token, "POST", "/v1/search", body);
    if (r.status != 200)
        ud_test_fail(__FILE__, __LINE__, "search %s: %ld %s", word, r.status, r.body);
    json_t *root = json_loads(r.body, 0, NULL);
    json_t *results = json_object_get(root, "results");
    UD_CHECK(json_is_array(results));
    for (size_t i = 0; i < json_array_size(results); i++) {
        json_t *hit = json_array_get(results, i);
        const char *id = json_string_value(json_object_get(hit, "document_id"));
        const char *url = json_string_value(json_object_get(hit, "url"));
        UD_CHECK(id != NULL);
        bool seen = false;
        for (size_t k = 0; k < out->count; k++)
            seen |= strcmp(out->ids[k], id) == 0;
        if (seen)
            continue;
        UD_CHECK(out->count < MAX_FOUND);
        snprintf(out->ids[out->count], sizeof(out->ids[0]), "%s", id);
        snprintf(out->urls[out->count], sizeof(out->urls[0]), "%s", url ? url : "");
        out->count++;
    }
    json_decref(root);
}

/* GET /v1/documents/{id} as the holder of `token`: the status, the body in r. */
static long get_document(ud_reply *r, suite *s, const char *token, const char *id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/documents/%s", id);
    ud_fixture_call(r, &s->api, token, "GET", path, NULL);
    return r->status;
}

/* Ann and Bob each find exactly one document for `word`, each their own
 * (its body holds `ann_mark` or `bob_mark`), and cannot open the other's;
 * the admin, whose principals name neither, finds none. The ids found go
 * to ann_id and bob_id. */
static void check_each_sees_their_own(suite *s, const char *word, const char *ann_mark,
                                      const char *bob_mark, char ann_id[37], char bob_id[37])
{
    found ann, bob, admin;
    search_as(&ann, s, s->ann, word);
    search_as(&bob, s, s->bob, word);
    search_as(&admin, s, s->admin, word);
    UD_CHECK_EQ_INT(1, ann.count);
    UD_CHECK_EQ_INT(1, bob.count);
    UD_CHECK_EQ_INT(0, admin.count);
    UD_CHECK(strcmp(ann.ids[0], bob.ids[0]) != 0);
    ud_reply r;
    UD_CHECK_EQ_INT(200, get_document(&r, s, s->ann, ann.ids[0]));
    UD_CHECK_CONTAINS(r.body, ann_mark);
    UD_CHECK(!strstr(r.body, bob_mark));
    UD_CHECK_EQ_INT(200, get_document(&r, s, s->bob, bob.ids[0]));
    UD_CHECK_CONTAINS(r.body, bob_mark);
    UD_CHECK(!strstr(r.body, ann_mark));
    UD_CHECK_EQ_INT(404, get_document(&r, s, s->ann, bob.ids[0]));
    UD_CHECK_EQ_INT(404, get_document(&r, s, s->bob, ann.ids[0]));
    memcpy(ann_id, ann.ids[0], 37);
    memcpy(bob_id, bob.ids[0], 37);
}

/* ---- two mailboxes holding one message -------------------------------- */

/* A Takeout mbox in the folder `name` with one message, which Ann sent to
 * Bob: in her mailbox it is labelled Sent, in his Inbox. It has no
 * X-GM-MSGID, so its id in each mailbox comes from its Message-ID. */
static const char *write_mailbox(const char *name, const char *labels, const char *message_id,
                                 const char *subject)
{
    char text[1024];
    int len = snprintf(text, sizeof(text),
                       "From MAILER-DAEMON Fri Mar 14 07:30:00 2025\n"
                       "X-Gmail-Labels: %s\n"
                       "Date: Fri, 14 Mar 2025 07:30:00 +0000\n"
                       "From: Ann Lee <ann@acme.test>\n"
                       "To: Bob Stone <bob@acme.test>\n"
                       "Message-ID: <%s>\n"
                       "Subject: %s\n"
                       "\n"
                       "The hangar lease is signed.\n",
                       labels, message_id, subject);
    char file[128];
    snprintf(file, sizeof(file), "%s/Takeout/Mail/All mail.mbox", name);
    return ud_test_write_file(ud_test_tmpdir(), file, text, (size_t)len);
}

void test_security_sources__two_mailboxes_with_one_message_id_keep_their_own(void)
{
    suite s;
    suite_start(&s);
    const char *ann_box =
        write_mailbox("ann-takeout", "Sent", "zeppelin-1@acme.test", "Zeppelin hangar lease");
    const char *bob_box =
        write_mailbox("bob-takeout", "Inbox", "zeppelin-1@acme.test", "Zeppelin hangar lease");
    ud_source_row ann_src =
        add_source(&s, "gmail_export", ann_box, "{\"owner\": \"ann@acme.test\"}");
    ud_source_row bob_src =
        add_source(&s, "gmail_export", bob_box, "{\"owner\": \"bob@acme.test\"}");
    char ann_id[37], bob_id[37], again_ann[37], again_bob[37];

    ud_sync_log log = sync_source(&s, &ann_src);
    check_counts(&log, 1, 0, 0);
    found hits;
    search_as(&hits, &s, s.ann, "zeppelin");
    UD_CHECK_EQ_INT(1, hits.count);
    search_as(&hits, &s, s.bob, "zeppelin");
    UD_CHECK_EQ_INT(0, hits.count);

    /* Bob's mailbox adds his copy; Ann's stays hers. */
    log = sync_source(&s, &bob_src);
    check_counts(&log, 1, 0, 0);
    check_each_sees_their_own(&s, "zeppelin", "\"Sent\"", "\"Inbox\"", ann_id, bob_id);

    /* Again, in turn: nothing changes hands, nothing is added or deleted. */
    for (int round = 0; round < 2; round++) {
        log = sync_source(&s, &ann_src);
        check_counts(&log, 0, 0, 0);
        log = sync_source(&s, &bob_src);
        check_counts(&log, 0, 0, 0);
        check_each_sees_their_own(&s, "zeppelin", "\"Sent\"", "\"Inbox\"", again_ann, again_bob);
        UD_CHECK_EQ_STR(ann_id, again_ann);
        UD_CHECK_EQ_STR(bob_id, again_bob);
    }

    /* Bob's mailbox loses the message: his copy goes, Ann's stays. */
    write_mailbox("bob-takeout", "Inbox", "lunch-2@acme.test", "Lunch on Friday");
    log = sync_source(&s, &bob_src);
    check_counts(&log, 1, 0, 1);
    search_as(&hits, &s, s.ann, "zeppelin");
    UD_CHECK_EQ_INT(1, hits.count);
    UD_CHECK_EQ_STR(ann_id, hits.ids[0]);
    search_as(&hits, &s, s.bob, "zeppelin");
    UD_CHECK_EQ_INT(0, hits.count);
    suite_stop(&s);
}

/* ---- two Slack workspaces with one channel id ------------------------- */

/* A workspace export in dir whose private channel G1 (#deals) has one
 * member, U1, who is `email` in this workspace, and one message. */
static void write_workspace(char dir[600], const char *name, const char *email, const char *message)
{
    snprintf(dir, 600, "%s/%s", ud_test_tmpdir(), name);
    char users[256], day[256];
    int users_len = snprintf(users, sizeof(users),
                             "[{\"id\":\"U1\",\"name\":\"u1\",\"profile\":{\"real_name\":"
                             "\"Member One\",\"email\":\"%s\"}}]",
                             email);
    int day_len = snprintf(day, sizeof(day),
                           "[{\"type\":\"message\",\"user\":\"U1\",\"text\":\"%s\",\"ts\":"
                           "\"1741770000.000100\"}]",
                           message);
    static const char groups[] = "[{\"id\":\"G1\",\"name\":\"deals\",\"members\":[\"U1\"]}]";
    ud_test_write_file(dir, "users.json", users, (size_t)users_len);
    ud_test_write_file(dir, "channels.json", "[]", 2);
    ud_test_write_file(dir, "groups.json", groups, sizeof(groups) - 1);
    ud_test_write_file(dir, "deals/2025-03-12.json", day, (size_t)day_len);
}

void test_security_sources__two_slack_workspaces_with_one_channel_id_keep_their_own(void)
{
    suite s;
    suite_start(&s);
    char north[600], south[600];
    write_workspace(north, "slack-north", "ann@acme.test", "Quokka deal: north terms");
    write_workspace(south, "slack-south", "bob@acme.test", "Quokka deal: south terms");
    ud_source_row north_src = add_source(&s, "slack_export", north,
                                         "{\"workspace\": \"north\", \"include_private\": true}");
    ud_source_row south_src = add_source(&s, "slack_export", south,
                                         "{\"workspace\": \"south\", \"include_private\": true}");
    char ann_id[37], bob_id[37], again_ann[37], again_bob[37];

    ud_sync_log log = sync_source(&s, &north_src);
    check_counts(&log, 1, 0, 0);
    log = sync_source(&s, &south_src);
    check_counts(&log, 1, 0, 0);
    /* Each document keeps its workspace's link, text and members. */
    check_each_sees_their_own(&s, "quokka", "north.slack.com", "south.slack.com", ann_id, bob_id);
    found hits;
    search_as(&hits, &s, s.ann, "north");
    UD_CHECK_EQ_INT(1, hits.count);
    search_as(&hits, &s, s.ann, "south");
    UD_CHECK_EQ_INT(0, hits.count);
    search_as(&hits, &s, s.bob, "south");
    UD_CHECK_EQ_INT(1, hits.count);

    for (int round = 0; round < 2; round++) {
        log = sync_source(&s, &north_src);
        check_counts(&log, 0, 0, 0);
        log = sync_source(&s, &south_src);
        check_counts(&log, 0, 0, 0);
        check_each_sees_their_own(&s, "quokka", "north.slack.com", "south.slack.com", again_ann,
                                  again_bob);
        UD_CHECK_EQ_STR(ann_id, again_ann);
        UD_CHECK_EQ_STR(bob_id, again_bob);
    }

    /* A change in one workspace updates that workspace's document alone. */
    write_workspace(south, "slack-south", "bob@acme.test", "Quokka deal: south terms signed");
    log = sync_source(&s, &south_src);
    check_counts(&log, 0, 1, 0);
    log = sync_source(&s, &north_src);
    check_counts(&log, 0, 0, 0);
    check_each_sees_their_own(&s, "quokka", "north.slack.com", "south.slack.com", again_ann,
                              again_bob);
    UD_CHECK_EQ_STR(ann_id, again_ann);
    search_as(&hits, &s, s.bob, "signed");
    UD_CHECK_EQ_INT(1, hits.count);
    search_as(&hits, &s, s.ann, "signed");
    UD_CHECK_EQ_INT(0, hits.count);
    suite_stop(&s);
}

/* ---- two folder sources over overlapping paths ------------------------ */

static size_t hits_for(suite *s, const char *token, const char *word)
{
    found f;
    search_as(&f, s, token, word);
    return f.count;
}

void test_security_sources__folder_sources_over_overlapping_paths_keep_their_own(void)
{
    suite s;
    suite_start(&s);
    char root[600], shared[700];
    snprintf(root, sizeof(root), "%s/drive", ud_test_tmpdir());
    snprintf(shared, sizeof(shared), "%s/team", root);
    static const char top[] = "# Top\n\nThe puffin roster.\n";
    static const char a[] = "# Walrus\n\nThe walrus budget.\n";
    static const char b[] = "# Narwhal\n\nThe narwhal timeline.\n";
    ud_test_write_file(root, "top.md", top, sizeof(top) - 1);
    ud_test_write_file(shared, "a.md", a, sizeof(a) - 1);
    ud_test_write_file(shared, "b.md", b, sizeof(b) - 1);
    ud_source_row whole = add_source(&s, "folder", root, NULL);
    ud_source_row team = add_source(&s, "folder", shared, NULL);
    int64_t before = 0, count = 0;
    UD_CHECK_OK(ud_meta_document_count(s.api.meta, s.api.acme.id, &before));

    ud_sync_log log = sync_source(&s, &whole);
    check_counts(&log, 3, 0, 0);
    log = sync_source(&s, &team);
    check_counts(&log, 2, 0, 0);
    UD_CHECK_OK(ud_meta_document_count(s.api.meta, s.api.acme.id, &count));
    UD_CHECK_EQ_INT(before + 5, count);
    for (int round = 0; round < 2; round++) {
        log = sync_source(&s, &whole);
        check_counts(&log, 0, 0, 0);
        log = sync_source(&s, &team);
        check_counts(&log, 0, 0, 0);
        /* A file both folders hold is a document of each (org-wide, so
         * everyone finds both); a file of one folder is one document. */
        const char *const tokens[] = {s.ann, s.bob};
        for (int t = 0; t < 2; t++) {
            UD_CHECK_EQ_INT(2, hits_for(&s, tokens[t], "walrus"));
            UD_CHECK_EQ_INT(2, hits_for(&s, tokens[t], "narwhal"));
            UD_CHECK_EQ_INT(1, hits_for(&s, tokens[t], "puffin"));
        }
    }
    UD_CHECK_OK(ud_meta_document_count(s.api.meta, s.api.acme.id, &count));
    UD_CHECK_EQ_INT(before + 5, count);

    /* A file gone from the disk is deleted by each source at its own sync. */
    char gone[800];
    snprintf(gone, sizeof(gone), "%s/b.md", shared);
    UD_CHECK(remove(gone) == 0);
    log = sync_source(&s, &team);
    check_counts(&log, 0, 0, 1);
    UD_CHECK_EQ_INT(1, hits_for(&s, s.ann, "narwhal")); /* the wider source's copy */
    log = sync_source(&s, &whole);
    check_counts(&log, 0, 0, 1);
    UD_CHECK_EQ_INT(0, hits_for(&s, s.ann, "narwhal"));

    /* Removing the narrower source takes its documents and no other. */
    UD_CHECK_OK(ud_source_remove(&s.env, &s.api.arena, s.api.acme.id, team.id));
    UD_CHECK_OK(ud_meta_document_count(s.api.meta, s.api.acme.id, &count));
    UD_CHECK_EQ_INT(before + 2, count);
    UD_CHECK_EQ_INT(1, hits_for(&s, s.ann, "walrus")); /* out of the index at once */
    UD_CHECK_EQ_INT(1, hits_for(&s, s.ann, "puffin"));
    log = sync_source(&s, &whole);
    check_counts(&log, 0, 0, 0);
    UD_CHECK_EQ_INT(1, hits_for(&s, s.ann, "walrus"));
    UD_CHECK_EQ_INT(1, hits_for(&s, s.ann, "puffin"));

    /* `unify ingest` of a file the source holds adds a document of no
     * source, once, and leaves the source's alone. */
    ud_ingest_opts opts;
    ud_ingest_opts_default(&opts, s.api.acme.id);
    char top_path[700];
    snprintf(top_path, sizeof(top_path), "%s/top.md", root);
    int outcome = -1;
    size_t chunks = 0;
    UD_CHECK_OK(ud_ingest_file(&outcome, &chunks, NULL, s.api.meta, top_path, &opts));
    UD_CHECK_EQ_INT(UD_DOC_ADDED, outcome);
    UD_CHECK_OK(ud_ingest_file(&outcome, &chunks, NULL, s.api.meta, top_path, &opts));
    UD_CHECK_EQ_INT(UD_DOC_UNCHANGED, outcome);
    log = sync_source(&s, &whole);
    check_counts(&log, 0, 0, 0);
    UD_CHECK_OK(ud_meta_document_count(s.api.meta, s.api.acme.id, &count));
    UD_CHECK_EQ_INT(before + 3, count);
    suite_stop(&s);
}

/* ---- migration 6 on a store with rows --------------------------------- */

/* A document row and its chunks written with version 5's SQL, as a store
 * of that version holds them (its ACLs untyped); source_id NULL for a file
 * of `unify ingest`. */
static void insert_v5_document(ud_meta *meta, const char *id, const char *org_id,
                               const char *source_id, const char *key, const char *title,
                               const char *acl_json, const char *const *chunks, size_t count)
{
    char chunk_count[24];
    ud_meta_sql_format_int(chunk_count, (int64_t)count);
    const char *doc[] = {id, org_id, source_id, key, title, acl_json, chunk_count};
    UD_CHECK_OK(ud_meta_sql_run(meta,
                                "INSERT INTO documents (id, org_id, data_source_id, source_key, "
                                "source_type, title, content_hash, acl, chunk_count, created_at, "
                                "updated_at) VALUES ($1, $2, $3, $4, 'gmail', $5, 'h', $6, $7, "
                                "to_timestamp(1741770000), to_timestamp(1741770000))",
                                doc, 7));
    for (size_t i = 0; i < count; i++) {
        char index[24];
        ud_meta_sql_format_int(index, (int64_t)i);
        const char *chunk[] = {id, org_id, index, chunks[i]};
        UD_CHECK_OK(ud_meta_sql_run(meta,
                                    "INSERT INTO chunks (document_id, org_id, chunk_index, text, "
                                    "tokens, start_offset, heading_path) VALUES ($1, $2, $3, $4, "
                                    "2, 0, '')",
                                    chunk, 4));
    }
}

/* A document readable by everyone (whatever the ACL rules of the day). */
static ud_document doc_of(const char *key, const char *title, const char *text)
{
    static const char *everyone[] = {UD_ACL_EVERYONE};
    ud_document doc = {.source_key = key,
                       .source_type = "gmail",
                       .title = title,
                       .text = text,
                       .text_len = strlen(text),
                       .metadata_json = "{}",
                       .acl = everyone,
                       .acl_count = 1,
                       .created_at = 1741770000,
                       .updated_at = 1741770000};
    ud_sha256_hex(doc.content_hash, text, strlen(text));
    return doc;
}

typedef struct chunk_tally {
    int64_t chunks;
    char texts[1024];
} chunk_tally;

static int tally_chunk(const ud_chunk_row *row, void *payload)
{
    chunk_tally *t = payload;
    t->chunks++;
    size_t used = strlen(t->texts);
    snprintf(t->texts + used, sizeof(t->texts) - used, "%s;", row->text);
    return 0;
}

static int64_t stored_count(ud_meta *meta, ud_arena *arena, const char *sql, const char *org_id)
{
    ud_sql_rows rows;
    const char *params[] = {org_id};
    UD_CHECK_OK(ud_meta_sql_query(&rows, meta, arena, sql, params, 1));
    UD_CHECK_EQ_INT(1, rows.count);
    return ud_meta_sql_int(ud_sql_cell(&rows, 0, 0), -1);
}

void test_security_sources__migration_6_keeps_the_rows_of_a_store_at_5(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t u = 0; u < n; u++) {
        ud_meta *meta = NULL;
        UD_CHECK_OK(ud_meta_open(&meta, urls[u]));
        int applied = 0, version = 0;
        UD_CHECK_OK(ud_meta_migrate_to(meta, 5, &applied));
        UD_CHECK_EQ_INT(5, applied);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "enterprise"));
        ud_source_row ann_box, bob_box;
        UD_CHECK_OK(ud_meta_source_create(&ann_box, meta, &arena, org.id, "gmail", "Ann", "",
                                          "{\"connector\": \"gmail_export\"}", 30, NULL));
        UD_CHECK_OK(ud_meta_source_create(&bob_box, meta, &arena, org.id, "gmail", "Bob", "",
                                          "{\"connector\": \"gmail_export\"}", 30, NULL));
        /* Rows as version 5 holds them: a document of each source, and one
         * of no source (`unify ingest`), each with its chunks. */
        const char *ann_id = "00000000-0000-4000-8000-00000000000a";
        const char *bob_id = "00000000-0000-4000-8000-00000000000b";
        const char *file_id = "00000000-0000-4000-8000-00000000000f";
        const char *const ann_texts[] = {"ann one", "ann two"};
        const char *const bob_texts[] = {"bob one"};
        const char *const file_texts[] = {"file one"};
        insert_v5_document(meta, ann_id, org.id, ann_box.id, "gmail:message:1", "Ann's",
                           "[\"ann@acme.test\"]", ann_texts, 2);
        insert_v5_document(meta, bob_id, org.id, bob_box.id, "gmail:message:2", "Bob's",
                           "[\"bob@acme.test\"]", bob_texts, 1);
        insert_v5_document(meta, file_id, org.id, NULL, "file:document:/n.md", "Notes",
                           "[\"org:*\"]", file_texts, 1);

        UD_CHECK_OK(ud_meta_migrate(meta, &applied));
        UD_CHECK(applied >= 1);
        UD_CHECK_OK(ud_meta_schema_version(meta, &version));
        UD_CHECK(version >= 6);

        /* Every row and chunk is where it was. */
        int64_t count = 0;
        UD_CHECK_OK(ud_meta_document_count(meta, org.id, &count));
        UD_CHECK_EQ_INT(3, count);
        ud_doc_row row;
        UD_CHECK_OK(ud_meta_document_get(&row, meta, &arena, org.id, ann_id));
        UD_CHECK_EQ_STR("Ann's", row.title);
        UD_CHECK_EQ_STR("gmail:message:1", row.source_key);
        UD_CHECK_EQ_INT(2, row.chunk_count);
        UD_CHECK_EQ_INT(1741770000, row.created_at);
        UD_CHECK_CONTAINS(row.acl_json, "ann@acme.test");
        UD_CHECK_EQ_STR(ann_box.id, row.source_id);
        UD_CHECK_OK(ud_meta_document_get(&row, meta, &arena, org.id, file_id));
        UD_CHECK_EQ_STR("Notes", row.title);
        UD_CHECK(row.source_id == NULL);
        UD_CHECK_EQ_INT(1, stored_count(meta, &arena,
                                        "SELECT COUNT(*) FROM documents WHERE org_id = $1 AND "
                                        "data_source_id IS NULL",
                                        org.id));
        chunk_tally tally = {0, ""};
        UD_CHECK_OK(ud_meta_chunks_scan(meta, org.id, tally_chunk, &tally));
        UD_CHECK_EQ_INT(4, tally.chunks);
        UD_CHECK_CONTAINS(tally.texts, "ann one;");
        UD_CHECK_CONTAINS(tally.texts, "ann two;");
        UD_CHECK_CONTAINS(tally.texts, "bob one;");
        UD_CHECK_CONTAINS(tally.texts, "file one;");

        /* The same key in the other source is a second document; in its
         * own source, or among the documents of no source, the same one. */
        char id[37];
        bool created = false;
        ud_chunk bob_chunk = {0, "bob copy", 8, 2, 0, ""};
        ud_chunk ann_chunks[] = {{0, "ann one", 7, 2, 0, ""}, {1, "ann two", 7, 2, 8, "H"}};
        ud_chunk file_chunk = {0, "file one", 8, 2, 0, ""};
        ud_document taken = doc_of("gmail:message:1", "Bob's copy", "bob copy");
        UD_CHECK_OK(ud_meta_document_put_synced(id, &created, meta, org.id, bob_box.id, NULL,
                                                &taken, &bob_chunk, 1));
        UD_CHECK(created);
        UD_CHECK(strcmp(id, ann_id) != 0);
        UD_CHECK_OK(
            ud_meta_document_get_by_key(&row, meta, &arena, org.id, bob_box.id, "gmail:message:1"));
        UD_CHECK_EQ_STR(id, row.id);
        UD_CHECK_EQ_STR("Bob's copy", row.title);
        UD_CHECK_OK(
            ud_meta_document_get_by_key(&row, meta, &arena, org.id, ann_box.id, "gmail:message:1"));
        UD_CHECK_EQ_STR(ann_id, row.id);
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_document_get_by_key(&row, meta, &arena, org.id, NULL,
                                                                  "gmail:message:1"));
        UD_CHECK_OK(ud_meta_document_get(&row, meta, &arena, org.id, ann_id));
        UD_CHECK_EQ_STR("Ann's", row.title);
        UD_CHECK_CONTAINS(row.acl_json, "ann@acme.test");
        ud_document ann_v2 = doc_of("gmail:message:1", "Ann's v2", "ann text 2");
        UD_CHECK_OK(ud_meta_document_put_synced(id, &created, meta, org.id, ann_box.id, NULL,
                                                &ann_v2, ann_chunks, 2));
        UD_CHECK(!created);
        UD_CHECK_EQ_STR(ann_id, id);
        ud_document file_doc = doc_of("file:document:/n.md", "Notes v2", "file text");
        UD_CHECK_OK(ud_meta_document_put(id, &created, meta, org.id, &file_doc, &file_chunk, 1));
        UD_CHECK(!created);
        UD_CHECK_EQ_STR(file_id, id);
        UD_CHECK_OK(ud_meta_document_count(meta, org.id, &count));
        UD_CHECK_EQ_INT(4, count);

        /* The store itself refuses a second row for a (source, key) and
         * for a key of no source. */
        const char *dup_sourced[] = {org.id, ann_box.id};
        UD_CHECK_EQ_INT(UD_EEXISTS,
                        ud_meta_sql_run(meta,
                                        "INSERT INTO documents (id, org_id, data_source_id, "
                                        "source_key, source_type, content_hash) VALUES "
                                        "('00000000-0000-4000-8000-000000000001', $1, $2, "
                                        "'gmail:message:1', 'gmail', 'h')",
                                        dup_sourced, 2));
        const char *dup_unsourced[] = {org.id};
        UD_CHECK_EQ_INT(UD_EEXISTS,
                        ud_meta_sql_run(meta,
                                        "INSERT INTO documents (id, org_id, source_key, "
                                        "source_type, content_hash) VALUES "
                                        "('00000000-0000-4000-8000-000000000002', $1, "
                                        "'file:document:/n.md', 'file', 'h')",
                                        dup_unsourced, 1));

        /* The chunks still follow their documents, and documents their
         * source. */
        UD_CHECK_OK(ud_meta_document_delete(meta, org.id, ann_id));
        UD_CHECK_EQ_INT(0, stored_count(meta, &arena,
                                        "SELECT COUNT(*) FROM chunks WHERE org_id = $1 AND "
                                        "text LIKE 'ann%'",
                                        org.id));
        UD_CHECK_OK(ud_meta_source_delete(meta, org.id, bob_box.id));
        UD_CHECK_OK(ud_meta_document_count(meta, org.id, &count));
        UD_CHECK_EQ_INT(1, count);
        UD_CHECK_EQ_INT(
            1, stored_count(meta, &arena, "SELECT COUNT(*) FROM chunks WHERE org_id = $1", org.id));
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}
