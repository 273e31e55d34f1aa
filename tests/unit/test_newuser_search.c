/*
 * Issue 12, items 1, 6 and 7: what a new user hit in search and the CLI.
 *
 * 1. A query made only of filters (source:, author:, after:, before:)
 *    found nothing; it now lists the matching documents newest first, one
 *    result per document, within what the caller may read. Authors match
 *    by their words, case- and accent-insensitively (author:zoë,
 *    author:MULLER). Checked through the CLI and POST /v1/search.
 * 6. Global options before the command (`unify --data DIR search …`) and
 *    --json / -j on every command that prints, from one option parser.
 * 7. `unify search --as EMAIL` and `unify ask --as EMAIL`: an admin sees
 *    what that user sees (their mailbox included); the use is audited.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "api_fixture.h"
#include "base/crypto.h"
#include "doc/acl.h"
#include "store/meta.h"
#include "sync/reindex.h"
#include "test.h"

/* ---- fixtures ---------------------------------------------------------------- */

/* A JSON document with an author and no date of its own, dated by its
 * file's modification time (set by the test). */
static void write_doc(const char *dir, const char *name, const char *title, const char *author,
                      const char *text, time_t mtime)
{
    char body[1024];
    if (author)
        snprintf(body, sizeof(body), "{\"title\": \"%s\", \"author\": \"%s\", \"text\": \"%s\"}",
                 title, author, text);
    else
        snprintf(body, sizeof(body), "{\"title\": \"%s\", \"text\": \"%s\"}", title, text);
    const char *path = ud_test_write_file(dir, name, body, strlen(body));
    struct timeval times[2] = {{mtime, 0}, {mtime, 0}};
    UD_CHECK(utimes(path, times) == 0);
}

static const char mailbox[] = "From 1852000000000000001@xxx Wed Dec 03 07:12:00 +0000 2025\n"
                              "X-Gmail-Labels: Inbox\n"
                              "Delivered-To: bob@acme.test\n"
                              "Message-ID: <m1@acme.test>\n"
                              "Date: Wed, 03 Dec 2025 07:12:00 +0000\n"
                              "From: Carla Diaz <carla@acme.test>\n"
                              "To: Bob Stone <bob@acme.test>\n"
                              "Subject: Salary review for Bob\n"
                              "MIME-Version: 1.0\n"
                              "Content-Type: text/plain; charset=utf-8\n"
                              "\n"
                              "Your salary review is on Friday.\n";

/* 2024-01-01, 2024-05-01, 2025-03-01, 2025-06-01 (UTC midnight). */
#define T_2024_01 1704067200
#define T_2024_05 1714521600
#define T_2025_03 1740787200
#define T_2025_06 1748736000

static void write_workspace(const char *dir)
{
    write_doc(dir, "hr/leave.json", "Leave rules", "Zo\xc3\xab M\xc3\xbcller",
              "Parental leave is sixteen weeks.", T_2025_03);
    write_doc(dir, "eng/battery.json", "Robot battery", "Zo\xc3\xab M\xc3\xbcller",
              "Swap the battery every shift.", T_2025_06);
    write_doc(dir, "hr/travel.json", "Travel rules", "Dana Reyes",
              "Economy class for short flights.", T_2024_05);
    write_doc(dir, "misc/notes.json", "Old notes", NULL, "Nothing much happened.", T_2024_01);
    ud_test_write_file(dir, "mail/bob.mbox", mailbox, strlen(mailbox));
}

static char data_dir[700];

/* Runs unify with the global options first (item 6 depends on that working
 * too, so the helper puts --data last, where it has always been accepted,
 * and the tests of item 6 spell their own command lines). */
static int unify(char **out, const char *args)
{
    return ud_test_run(out, "UNIFY_ADMIN_PASSWORD=correct-horse-battery %s %s --data '%s' 2>&1",
                       ud_test_unify_bin(), args, data_dir);
}

/* init + ingest of the workspace into a fresh data directory. */
static void set_up(void)
{
    char ws[600];
    snprintf(ws, sizeof(ws), "%s/ws", ud_test_tmpdir());
    snprintf(data_dir, sizeof(data_dir), "%s/data", ud_test_tmpdir());
    write_workspace(ws);
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, "init"));
    free(out);
    char args[800];
    snprintf(args, sizeof(args), "ingest '%s'", ws);
    int rc = unify(&out, args);
    if (rc != 0)
        ud_test_fail(__FILE__, __LINE__, "ingest failed: %s", out);
    free(out);
}

static json_t *parse_json(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        ud_test_fail(__FILE__, __LINE__, "bad JSON (%s): %.300s", err.text, text);
    return j;
}

/* The titles of a search's JSON results, "a|b|c". */
static void titles_in(char *out, size_t size, const char *json)
{
    json_t *root = parse_json(json);
    json_t *results = json_object_get(root, "results");
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(results); i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? "|" : "",
                 json_string_value(json_object_get(json_array_get(results, i), "title")));
    }
    json_decref(root);
}

/* The titles of `unify search --json ARGS`, "a|b|c". */
static void titles_of(char *out, size_t size, const char *args)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "search --json %s", args);
    char *text = NULL;
    int rc = unify(&text, cmd);
    if (rc != 0)
        ud_test_fail(__FILE__, __LINE__, "unify %s exited %d: %s", cmd, rc, text);
    titles_in(out, size, text);
    free(text);
}

#define CHECK_TITLES(expected, args)                                                               \
    do {                                                                                           \
        char got_[1024];                                                                           \
        titles_of(got_, sizeof(got_), args);                                                       \
        if (strcmp(got_, expected) != 0)                                                           \
            ud_test_fail(__FILE__, __LINE__, "search %s: expected \"%s\", got \"%s\"", args,       \
                         expected, got_);                                                          \
    } while (0)

/* ---- 1. filter-only queries and author words (CLI) ---------------------------- */

void test_newuser_search__filter_only_lists_newest_first(void)
{
    set_up();
    CHECK_TITLES("Robot battery|Leave rules", "'author:\"Zo\xc3\xab M\xc3\xbc"
                                              "ller\"'");
    CHECK_TITLES("Robot battery|Leave rules", "after:2025-01-01");
    CHECK_TITLES("Travel rules|Old notes", "before:2025-01-01");
    CHECK_TITLES("Travel rules", "after:2024-02-01 before:2025-01-01");
    CHECK_TITLES("Robot battery|Leave rules|Travel rules|Old notes", "source:file");
    CHECK_TITLES("Robot battery", "--top 1 source:file");
    /* Stop words alone add nothing to a filter. */
    CHECK_TITLES("Robot battery|Leave rules", "'the after:2025-01-01'");
    /* The text output lists them too. */
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, "search after:2025-01-01"));
    UD_CHECK_CONTAINS(out, "1. Robot battery");
    UD_CHECK_CONTAINS(out, "2. Leave rules");
    free(out);
}

void test_newuser_search__author_matches_words_any_case_or_accent(void)
{
    set_up();
    CHECK_TITLES("Robot battery|Leave rules", "author:zo\xc3\xab");
    CHECK_TITLES("Robot battery|Leave rules", "author:ZO\xc3\x8b");
    CHECK_TITLES("Robot battery|Leave rules", "author:zoe");
    CHECK_TITLES("Robot battery|Leave rules", "author:MULLER");
    CHECK_TITLES("Robot battery|Leave rules", "'author:\"zoe muller\"'");
    CHECK_TITLES("Leave rules", "author:zo\xc3\xab leave");
    CHECK_TITLES("Travel rules", "author:dana");
    /* Every word of the filter must be one of the author's words. */
    CHECK_TITLES("", "'author:\"zoe reyes\"'");
    CHECK_TITLES("", "author:zo");
    /* Several author: filters mean any of them. */
    CHECK_TITLES("Robot battery|Leave rules|Travel rules", "author:reyes author:zoe");
}

/* The mail is its owner's alone: the operator's default search never lists
 * or counts it, filter-only or not. */
void test_newuser_search__filter_only_keeps_permissions(void)
{
    set_up();
    CHECK_TITLES("", "source:gmail");
    CHECK_TITLES("", "after:2025-11-01");
    CHECK_TITLES("", "salary");
}

/* ---- 1. the same through POST /v1/search --------------------------------------- */

static void put_doc(ud_fixture *s, const char *key, const char *source_type, const char *title,
                    const char *author, const char *principal, int64_t updated_at)
{
    const char *acl[] = {principal};
    const char *text = "A note about the quarterly plan.";
    ud_document doc = {.source_key = key,
                       .source_type = source_type,
                       .title = title,
                       .author = author,
                       .file_type = "txt",
                       .text = text,
                       .text_len = strlen(text),
                       .metadata_json = "{}",
                       .acl = acl,
                       .acl_count = 1,
                       .created_at = updated_at,
                       .updated_at = updated_at};
    ud_sha256_hex(doc.content_hash, key, strlen(key));
    ud_chunk chunk = {0, text, strlen(text), 6, 0, ""};
    UD_CHECK_OK(ud_meta_document_put(NULL, NULL, s->meta, s->acme.id, &doc, &chunk, 1));
}

static void api_titles(char *out, size_t size, ud_fixture *s, const char *token, const char *query)
{
    ud_reply r;
    char body[512];
    json_t *q = json_pack("{s:s}", "query", query);
    char *text = json_dumps(q, JSON_COMPACT);
    snprintf(body, sizeof(body), "%s", text);
    free(text);
    json_decref(q);
    ud_fixture_call(&r, s, token, "POST", "/v1/search", body);
    UD_CHECK_EQ_INT(200, r.status);
    titles_in(out, size, r.body);
}

#define CHECK_API(expected, token, query)                                                          \
    do {                                                                                           \
        char got_[1024];                                                                           \
        api_titles(got_, sizeof(got_), &s, token, query);                                          \
        if (strcmp(got_, expected) != 0)                                                           \
            ud_test_fail(__FILE__, __LINE__, "%s: expected \"%s\", got \"%s\"", query, expected,   \
                         got_);                                                                    \
    } while (0)

void test_newuser_search__api_filter_only_within_permissions(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    put_doc(&s, "gmail:message:1", "gmail", "Ann's mail", "Zo\xc3\xab M\xc3\xbcller",
            "user:ann@acme.test", 1750000000);
    put_doc(&s, "file:document:/plan.txt", "file", "Plan", "zoe muller", UD_ACL_EVERYONE,
            1740000000);
    put_doc(&s, "file:document:/old.txt", "file", "Old plan", "Dana Reyes", UD_ACL_EVERYONE,
            1600000000);
    ud_collection_writer *writer = NULL;
    UD_CHECK_OK(ud_index_open_writer(&writer, NULL, ud_test_tmpdir(), s.meta, s.acme.id, NULL));
    ud_collection_writer_close(writer);
    char ann[1024], val[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_login(&s, "val@acme.test", "val-password-123", val, NULL);

    CHECK_API("Ann's mail|Plan", ann, "author:zo\xc3\xab");
    CHECK_API("Ann's mail", ann, "source:gmail");
    CHECK_API("Ann's mail|Plan", ann, "after:2025-01-01");
    CHECK_API("Plan", val, "author:ZOE");
    CHECK_API("", val, "source:gmail");
    CHECK_API("Plan", val, "author:\"Zo\xc3\xab M\xc3\xbcller\"");
    CHECK_API("Standup", val, "source:slack");
    CHECK_API("Old plan", val, "author:dana before:2021-01-01");
    ud_fixture_stop(&s);
}

/* ---- 7. search and ask as another user ------------------------------------------- */

void test_newuser_search__admin_searches_as_a_user(void)
{
    set_up();
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, "user add bob@acme.test --role user"));
    free(out);
    CHECK_TITLES("", "salary");
    CHECK_TITLES("Salary review for Bob", "--as bob@acme.test salary");
    CHECK_TITLES("Salary review for Bob", "--as BOB@acme.test source:gmail");
    /* What everyone reads is still there. */
    CHECK_TITLES("Leave rules", "--as bob@acme.test leave");

    /* Answers see the same. The mailbox again, with its bodies, so that
     * the answerer has a sentence to quote. */
    char args[900];
    const char *mbox =
        ud_test_write_file(ud_test_tmpdir(), "full/bob.mbox", mailbox, strlen(mailbox));
    snprintf(args, sizeof(args),
             "source add --json --type gmail-export --path '%s' --config "
             "'{\"owner\": \"bob@acme.test\", \"full_content\": true}'",
             mbox);
    UD_CHECK_EQ_INT(0, unify(&out, args));
    json_t *root = parse_json(out);
    snprintf(args, sizeof(args), "source sync %s", json_string_value(json_object_get(root, "id")));
    json_decref(root);
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, args));
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, "ask --json 'when is the salary review'"));
    root = parse_json(out);
    UD_CHECK_EQ_INT(0, json_array_size(json_object_get(root, "citations")));
    json_decref(root);
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, "ask --json --as bob@acme.test 'when is the salary review'"));
    root = parse_json(out);
    json_t *first = json_array_get(json_object_get(root, "citations"), 0);
    UD_CHECK_EQ_STR("Salary review for Bob", json_string_value(json_object_get(first, "title")));
    json_decref(root);
    free(out);

    /* A user who is not in the organization is refused, with the reason. */
    UD_CHECK_EQ_INT(1, unify(&out, "search --as nobody@acme.test salary"));
    UD_CHECK_CONTAINS(out, "nobody@acme.test");
    free(out);
    UD_CHECK_EQ_INT(1, unify(&out, "ask --as nobody@acme.test salary"));
    UD_CHECK_CONTAINS(out, "nobody@acme.test");
    free(out);

    /* Each use is audited, with whom the search was made as. */
    UD_CHECK_EQ_INT(0, unify(&out, "audit list --json"));
    UD_CHECK_CONTAINS(out, "search_as");
    UD_CHECK_CONTAINS(out, "ask_as");
    UD_CHECK_CONTAINS(out, "bob@acme.test");
    free(out);
}

/* ---- 6. one option parser ------------------------------------------------------------ */

void test_newuser_search__global_options_before_the_command(void)
{
    set_up();
    char *out = NULL;
    /* --data before the command, for a command of each kind. */
    const char *commands[] = {"search --json leave", "ask --json leave",  "reindex --json",
                              "config --json",       "usage --json",      "user list --json",
                              "org list --json",     "source list --json"};
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        int rc = ud_test_run(&out, "%s --data '%s' %s 2>/dev/null", ud_test_unify_bin(), data_dir,
                             commands[i]);
        if (rc != 0)
            ud_test_fail(__FILE__, __LINE__, "unify --data DIR %s exited %d: %s", commands[i], rc,
                         out);
        json_t *root = parse_json(out);
        json_decref(root);
        free(out);
        /* And -j where --json is. */
        char short_form[200];
        snprintf(short_form, sizeof(short_form), "%s", commands[i]);
        char *flag = strstr(short_form, "--json");
        memmove(flag + 2, flag + 6, strlen(flag + 6) + 1);
        memcpy(flag, "-j", 2);
        rc = ud_test_run(&out, "%s -d '%s' %s 2>/dev/null", ud_test_unify_bin(), data_dir,
                         short_form);
        if (rc != 0)
            ud_test_fail(__FILE__, __LINE__, "unify -d DIR %s exited %d: %s", short_form, rc, out);
        root = parse_json(out);
        json_decref(root);
        free(out);
    }
    /* --data=DIR and the environment's data directory, overridden. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "UNIFY_DATA=/nonexistent %s --data='%s' search -j leave",
                                   ud_test_unify_bin(), data_dir));
    UD_CHECK_CONTAINS(out, "Leave rules");
    free(out);
    /* A command's own option before the command is a usage error, not a
     * silent no-op; so is an unknown global option. */
    UD_CHECK_EQ_INT(2, ud_test_run(&out, "%s --top 3 search leave", ud_test_unify_bin()));
    free(out);
    /* --help anywhere. */
    UD_CHECK_EQ_INT(
        0, ud_test_run(&out, "%s --data '%s' search --help", ud_test_unify_bin(), data_dir));
    UD_CHECK_CONTAINS(out, "usage: unify search");
    UD_CHECK_CONTAINS(out, "--as EMAIL");
    free(out);
}

/* Every command that prints takes --json and -j, and its --help says so
 * and lists its options. */
void test_newuser_search__every_command_takes_json_and_help(void)
{
    const char *commands[] = {"init",          "ingest",      "search",      "ask",
                              "reindex",       "eval",        "config",      "usage",
                              "org add",       "org list",    "user add",    "user list",
                              "apikey create", "apikey list", "audit list",  "audit verify",
                              "source add",    "source list", "source show", "source logs"};
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        char *out = NULL;
        int rc = ud_test_run(&out, "%s %s --help", ud_test_unify_bin(), commands[i]);
        if (rc != 0)
            ud_test_fail(__FILE__, __LINE__, "unify %s --help exited %d: %s", commands[i], rc, out);
        UD_CHECK_CONTAINS(out, "usage: unify ");
        if (!strstr(out, "--json"))
            ud_test_fail(__FILE__, __LINE__, "unify %s --help does not mention --json: %s",
                         commands[i], out);
        /* eval reads a test collection's files, not a data directory. */
        if (strcmp(commands[i], "eval") != 0 && !strstr(out, "--data"))
            ud_test_fail(__FILE__, __LINE__, "unify %s --help does not mention --data: %s",
                         commands[i], out);
        free(out);
    }
    /* config lacked -j. */
    char *out = NULL;
    char dir[700];
    snprintf(dir, sizeof(dir), "%s/cfg", ud_test_tmpdir());
    UD_CHECK_EQ_INT(0,
                    ud_test_run(&out, "UNIFY_ADMIN_PASSWORD=correct-horse-battery %s init -d '%s'",
                                ud_test_unify_bin(), dir));
    free(out);
    UD_CHECK_EQ_INT(
        0, ud_test_run(&out, "%s config -j -d '%s' 2>/dev/null", ud_test_unify_bin(), dir));
    json_t *root = parse_json(out);
    json_decref(root);
    free(out);
}

void test_newuser_search__ask_json_citations_carry_the_document_id(void)
{
    set_up();
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, "search --json 'parental leave'"));
    json_t *search = parse_json(out);
    free(out);
    const char *expected = json_string_value(
        json_object_get(json_array_get(json_object_get(search, "results"), 0), "document_id"));
    UD_CHECK(expected && expected[0]);
    UD_CHECK_EQ_INT(0, unify(&out, "ask --json 'How long is parental leave?'"));
    json_t *ask = parse_json(out);
    free(out);
    json_t *first = json_array_get(json_object_get(ask, "citations"), 0);
    UD_CHECK_EQ_STR("Leave rules", json_string_value(json_object_get(first, "title")));
    /* The same fields as POST /v1/ask: the id, and null for no link. */
    UD_CHECK_EQ_STR(expected, json_string_value(json_object_get(first, "document_id")));
    UD_CHECK(json_object_get(first, "url") != NULL);
    json_decref(ask);
    json_decref(search);
}
