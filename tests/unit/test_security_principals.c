/*
 * Issue 11, parts 1 and 4: typed ACL principals and error messages.
 *
 * Part 1: a group could be named like a user ("groups":
 * ["luca@…"]), and the caller then carried that user's principal and read
 * their private documents. Principals are typed now (doc/acl.h): these
 * tests try every way of setting groups (API create and update, the CLI,
 * the store itself, a connector's member list) with names spelled like a
 * user, the org, or a typed principal, and check that the victim's private
 * document stays invisible; that group changes are audited with the old and
 * the new sets; and that migration 7 types the stored ACLs and drops
 * group names that were spelled like a user.
 *
 * Part 4: messages built from the current message (ud_error_set with
 * ud_error_last() as an argument) came out garbled; each token rejection
 * is checked for its exact text.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "base/encoding.h"
#include "base/jwt.h"
#include "doc/acl.h"
#include "store/meta_accounts.h"
#include "store/meta_audit.h"
#include "store/meta_internal.h"
#include "sync/reindex.h"
#include "test.h"

#define VAL_SECRET_WORD "zanzibar"

/* ---- the rules of doc/acl.h ----------------------------------------------- */

void test_principals__kinds_are_built_and_checked(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    UD_CHECK_EQ_STR("user:luca@acme.test", ud_acl_user(&arena, "Luca@ACME.test"));
    UD_CHECK(ud_acl_user(&arena, "luca") == NULL);
    UD_CHECK(ud_acl_user(&arena, "a@b@c") == NULL);
    UD_CHECK(ud_acl_user(&arena, "luca @acme.test") == NULL);
    UD_CHECK(ud_acl_user(&arena, "@acme.test") == NULL);
    UD_CHECK_EQ_STR("group:eng-ops.2", ud_acl_group(&arena, "eng-ops.2"));
    const char *bad_groups[] = {
        "luca@acme.test", "user:luca@acme.test", "org:*", "group:eng", "", " eng", "eng ops",
        "-eng",           "ing\xc3\xa9nieurs",   "a/b"};
    for (size_t i = 0; i < sizeof(bad_groups) / sizeof(bad_groups[0]); i++) {
        UD_CHECK(ud_acl_group(&arena, bad_groups[i]) == NULL);
        UD_CHECK_EQ_INT(UD_EINVAL, ud_acl_check_group_name(bad_groups[i]));
    }
    char longest[UD_ACL_GROUP_NAME_MAX + 2];
    memset(longest, 'g', sizeof(longest));
    longest[UD_ACL_GROUP_NAME_MAX] = '\0';
    UD_CHECK_OK(ud_acl_check_group_name(longest));
    longest[UD_ACL_GROUP_NAME_MAX] = 'g';
    longest[UD_ACL_GROUP_NAME_MAX + 1] = '\0';
    UD_CHECK_EQ_INT(UD_EINVAL, ud_acl_check_group_name(longest));

    UD_CHECK(ud_acl_principal_valid("org:*"));
    UD_CHECK(ud_acl_principal_valid("user:luca@acme.test"));
    UD_CHECK(ud_acl_principal_valid("group:eng"));
    UD_CHECK(!ud_acl_principal_valid("luca@acme.test"));
    UD_CHECK(!ud_acl_principal_valid("eng"));
    UD_CHECK(!ud_acl_principal_valid("user:Luca@acme.test")); /* emails are lower-case */
    UD_CHECK(!ud_acl_principal_valid("group:luca@acme.test"));
    UD_CHECK(!ud_acl_principal_valid("org:acme"));
    UD_CHECK(!ud_acl_principal_valid(""));

    UD_CHECK_EQ_STR("org:*", ud_acl_upgrade_legacy(&arena, "org:*"));
    UD_CHECK_EQ_STR("user:luca@acme.test", ud_acl_upgrade_legacy(&arena, "Luca@acme.test"));
    UD_CHECK_EQ_STR("group:eng", ud_acl_upgrade_legacy(&arena, "eng"));
    UD_CHECK_EQ_STR("group:eng", ud_acl_upgrade_legacy(&arena, "group:eng"));
    UD_CHECK(ud_acl_upgrade_legacy(&arena, "not a group") == NULL);
    ud_arena_dispose(&arena);
}

/* ---- the API ----------------------------------------------------------------- */

/* Adds a document readable by `principal` alone and brings the index up to
 * date with the store. */
static void put_private(ud_fixture *s, const char *key, const char *principal, const char *text)
{
    const char *acl[] = {principal};
    ud_document doc = {.source_key = key,
                       .source_type = "gmail",
                       .title = "Private note",
                       .file_type = "eml",
                       .text = text,
                       .text_len = strlen(text),
                       .metadata_json = "{}",
                       .acl = acl,
                       .acl_count = 1};
    ud_sha256_hex(doc.content_hash, text, strlen(text));
    ud_chunk chunk = {0, text, strlen(text), 6, 0, ""};
    UD_CHECK_OK(ud_meta_document_put(NULL, NULL, s->meta, s->acme.id, &doc, &chunk, 1));
    ud_collection_writer *writer = NULL;
    UD_CHECK_OK(ud_index_open_writer(&writer, NULL, ud_test_tmpdir(), s->meta, s->acme.id, NULL));
    ud_collection_writer_close(writer);
}

static size_t result_count(ud_fixture *s, const char *token, const char *query)
{
    ud_reply r;
    char body[256];
    snprintf(body, sizeof(body), "{\"query\": \"%s\"}", query);
    ud_fixture_call(&r, s, token, "POST", "/v1/search", body);
    UD_CHECK_EQ_INT(200, r.status);
    json_t *root = json_loads(r.body, 0, NULL);
    UD_CHECK(root != NULL);
    size_t n = json_array_size(json_object_get(root, "results"));
    json_decref(root);
    return n;
}

/* The caller's principals as "a,b,c" (GET /v1/me). */
static void principals_of(char *out, size_t size, ud_fixture *s, const char *token)
{
    ud_reply r;
    ud_fixture_call(&r, s, token, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(200, r.status);
    json_t *root = json_loads(r.body, 0, NULL);
    json_t *list = json_object_get(root, "principals");
    UD_CHECK(json_is_array(list));
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(list); i++) {
        size_t len = strlen(out);
        snprintf(out + len, size - len, "%s%s", i ? "," : "",
                 json_string_value(json_array_get(list, i)));
    }
    json_decref(root);
}

static void user_id_of(char out[37], ud_fixture *s, const char *email)
{
    ud_user user;
    ud_arena arena;
    ud_arena_init(&arena);
    UD_CHECK_OK(ud_meta_user_get_by_email(&user, s->meta, &arena, email));
    snprintf(out, 37, "%s", user.id);
    ud_arena_dispose(&arena);
}

/* A JSON string literal of `name` (escapes quotes and bytes). */
static const char *json_quoted(char *out, size_t size, const char *name)
{
    json_t *s = json_string(name);
    char *text = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    snprintf(out, size, "%s", text ? text : "null");
    free(text);
    json_decref(s);
    return out;
}

void test_principals__a_group_named_like_a_user_reads_nothing_of_theirs(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    put_private(&s, "gmail:message:val-1", "user:val@acme.test",
                "The " VAL_SECRET_WORD " ledger is for Val alone.");
    char admin[1024], ann[1024], val[1024], ann_id[37], path[128];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    ud_fixture_login(&s, "val@acme.test", "val-password-123", val, NULL);
    user_id_of(ann_id, &s, "ann@acme.test");
    snprintf(path, sizeof(path), "/v1/users/%s", ann_id);
    UD_CHECK_EQ_INT(1, result_count(&s, val, VAL_SECRET_WORD)); /* the owner finds it */
    UD_CHECK_EQ_INT(0, result_count(&s, ann, VAL_SECRET_WORD));

    /* The outside test's request, and every spelling that could name Val
     * or everyone: refused, and nothing changes. */
    const char *names[] = {"val@acme.test", "VAL@acme.test",  "user:val@acme.test",
                           "org:*",         "group:val",      "",
                           " val",          "val@acme.test\n"};
    ud_reply r;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char quoted[128], body[256];
        snprintf(body, sizeof(body), "{\"groups\": [%s]}",
                 json_quoted(quoted, sizeof(quoted), names[i]));
        ud_fixture_call(&r, &s, admin, "PATCH", path, body);
        if (r.status != 400)
            ud_test_fail(__FILE__, __LINE__, "groups [%s]: %ld %s", quoted, r.status, r.body);
        UD_CHECK_CONTAINS(r.body, "field groups: ");
    }
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"groups\": [\"val@acme.test\"]}");
    UD_CHECK_CONTAINS(r.body, "no '@': a group is never a user");
    char principals[512];
    principals_of(principals, sizeof(principals), &s, ann);
    UD_CHECK_EQ_STR("org:*,user:ann@acme.test", principals);
    UD_CHECK_EQ_INT(0, result_count(&s, ann, VAL_SECRET_WORD));

    /* Creating a user with such a group is refused before the user exists. */
    ud_fixture_call(&r, &s, admin, "POST", "/v1/users",
                    "{\"email\": \"new@acme.test\", \"groups\": [\"val@acme.test\"]}");
    UD_CHECK_EQ_INT(400, r.status);
    ud_user ghost;
    UD_CHECK_EQ_INT(UD_ENOTFOUND,
                    ud_meta_user_get_by_email(&ghost, s.meta, &s.arena, "new@acme.test"));

    /* A real group works, typed, and reads what names the group. */
    put_private(&s, "gmail:message:fin-1", "group:finance",
                "The finance " VAL_SECRET_WORD " forecast for the group.");
    UD_CHECK_EQ_INT(0, result_count(&s, ann, VAL_SECRET_WORD));
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"groups\": [\"finance\"]}");
    UD_CHECK_EQ_INT(200, r.status);
    principals_of(principals, sizeof(principals), &s, ann);
    UD_CHECK_EQ_STR("org:*,user:ann@acme.test,group:finance", principals);
    UD_CHECK_EQ_INT(1, result_count(&s, ann, VAL_SECRET_WORD)); /* the group's, not Val's */
    UD_CHECK_EQ_INT(1, result_count(&s, val, VAL_SECRET_WORD));
    ud_fixture_stop(&s);
}

void test_principals__group_changes_are_audited_with_old_and_new(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    char admin[1024], ann_id[37], path[128];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    user_id_of(ann_id, &s, "ann@acme.test");
    snprintf(path, sizeof(path), "/v1/users/%s", ann_id);
    ud_reply r;
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"groups\": [\"eng\"]}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"groups\": [\"eng\", \"ops\"]}");
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, admin, "PATCH", path, "{\"groups\": [\"bad@name\"]}");
    UD_CHECK_EQ_INT(400, r.status);
    ud_audit_entry *entries = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_audit_list(&entries, &count, s.meta, &s.arena, s.acme.id, 0, 50));
    const char *seen[2] = {NULL, NULL};
    size_t n = 0;
    for (size_t i = 0; i < count && n < 2; i++) /* newest first */
        if (strcmp(entries[i].action, "groups_change") == 0)
            seen[n++] = entries[i].detail_json;
    UD_CHECK_EQ_INT(2, n); /* the refused change is not a change */
    UD_CHECK_EQ_STR("{\"from\":[\"eng\"],\"to\":[\"eng\",\"ops\"]}", seen[0]);
    UD_CHECK_EQ_STR("{\"from\":[],\"to\":[\"eng\"]}", seen[1]);
    ud_fixture_stop(&s);
}

/* ---- the store: whoever writes ------------------------------------------------ */

/* A store at migration `version` (0: the newest) with Acme and its user
 * tom@acme.test. */
static ud_meta *store_with_tom(const char *url, int version, ud_arena *arena, ud_org *org,
                               ud_user *tom)
{
    ud_meta *meta = NULL;
    UD_CHECK_OK(ud_meta_open(&meta, url));
    if (version)
        UD_CHECK_OK(ud_meta_migrate_to(meta, version, NULL));
    else
        UD_CHECK_OK(ud_meta_migrate(meta, NULL));
    UD_CHECK_OK(ud_meta_org_create(org, meta, arena, "Acme", "acme", "enterprise"));
    UD_CHECK_OK(ud_meta_user_create(tom, meta, arena, org->id, "tom@acme.test", "x", "user"));
    return meta;
}

/* Stores a one-chunk Gmail note with this ACL; the store's answer. */
static int put_note(char out_id[37], ud_meta *meta, const ud_org *org, const char *const *acl,
                    size_t acl_count)
{
    static const char text[] = "A private note from a mailbox.";
    ud_document doc = {.source_key = "gmail:message:1",
                       .source_type = "gmail",
                       .text = text,
                       .text_len = sizeof(text) - 1,
                       .metadata_json = "{}",
                       .acl = (const char **)acl,
                       .acl_count = acl_count};
    ud_sha256_hex(doc.content_hash, text, sizeof(text) - 1);
    ud_chunk chunk = {0, text, sizeof(text) - 1, 6, 0, ""};
    return ud_meta_document_put(out_id, NULL, meta, org->id, &doc, &chunk, 1);
}

void test_principals__the_store_refuses_untyped_names(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t u = 0; u < n; u++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org;
        ud_user tom;
        ud_meta *meta = store_with_tom(urls[u], 0, &arena, &org, &tom);
        UD_CHECK_EQ_INT(UD_EINVAL,
                        ud_meta_user_set_groups(meta, org.id, tom.id, "[\"luca@acme.test\"]"));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_user_set_groups(meta, org.id, tom.id, "[\"org:*\"]"));
        UD_CHECK_OK(ud_meta_user_set_groups(meta, org.id, tom.id, "[\"eng\"]"));

        const char *untyped[] = {"luca@acme.test"};
        const char *typed[] = {"user:luca@acme.test", "group:eng"};
        UD_CHECK_EQ_INT(UD_EINVAL, put_note(NULL, meta, &org, untyped, 1));
        UD_CHECK_CONTAINS(ud_error_last(), "'luca@acme.test' is not a principal");
        int64_t docs = -1;
        UD_CHECK_OK(ud_meta_document_count(meta, org.id, &docs));
        UD_CHECK_EQ_INT(0, docs);
        UD_CHECK_OK(put_note(NULL, meta, &org, typed, 2));
        ud_meta_close(meta);
        ud_arena_dispose(&arena);
    }
}

void test_principals__migration_types_stored_acls_and_drops_user_named_groups(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t u = 0; u < n; u++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org;
        ud_user tom;
        ud_meta *meta = store_with_tom(urls[u], 6, &arena, &org, &tom);
        const char *everyone[] = {UD_ACL_EVERYONE};
        char doc_id[37];
        UD_CHECK_OK(put_note(doc_id, meta, &org, everyone, 1));
        /* What the store held before: bare emails and group names, and a
         * group spelled like a person. */
        const char *acl_params[] = {doc_id,
                                    "[\"org:*\",\"Luca@acme.test\",\"eng\",\"not a name\"]"};
        UD_CHECK_OK(
            ud_meta_sql_run(meta, "UPDATE documents SET acl = $2 WHERE id = $1", acl_params, 2));
        const char *group_params[] = {tom.id, "[\"eng\",\"luca@acme.test\"]"};
        UD_CHECK_OK(
            ud_meta_sql_run(meta, "UPDATE users SET groups = $2 WHERE id = $1", group_params, 2));
        int64_t before = 0, after = 0;
        UD_CHECK_OK(ud_meta_generation(meta, org.id, &before));

        int applied = 0;
        UD_CHECK_OK(ud_meta_migrate(meta, &applied));
        UD_CHECK(applied >= 1);
        ud_doc_row row;
        UD_CHECK_OK(ud_meta_document_get(&row, meta, &arena, org.id, doc_id));
        json_t *acl = json_loads(row.acl_json, 0, NULL);
        char *acl_text = json_dumps(acl, JSON_COMPACT);
        UD_CHECK_EQ_STR("[\"org:*\",\"user:luca@acme.test\",\"group:eng\"]", acl_text);
        free(acl_text);
        json_decref(acl);
        UD_CHECK_OK(ud_meta_user_get(&tom, meta, &arena, org.id, tom.id));
        json_t *groups = json_loads(tom.groups_json, 0, NULL);
        char *groups_text = json_dumps(groups, JSON_COMPACT);
        UD_CHECK_EQ_STR("[\"eng\"]", groups_text);
        free(groups_text);
        json_decref(groups);
        /* The index is behind the store now, so the next writer rebuilds it
         * with the typed ACLs. */
        UD_CHECK_OK(ud_meta_generation(meta, org.id, &after));
        UD_CHECK(after > before);
        ud_meta_close(meta);
        ud_arena_dispose(&arena);
    }
}

/* ---- the CLI ------------------------------------------------------------------- */

static int unify(char **out, const char *data, const char *args)
{
    return ud_test_run(out, "UNIFY_ADMIN_PASSWORD=correct-horse-battery %s %s --data '%s'",
                       ud_test_unify_bin(), args, data);
}

void test_principals__the_cli_cannot_give_a_user_principal(void)
{
    char data[600];
    snprintf(data, sizeof(data), "%s/data", ud_test_tmpdir());
    char *out = NULL;
    UD_CHECK_EQ_INT(0, unify(&out, data, "init"));
    free(out);
    UD_CHECK_EQ_INT(1, unify(&out, data, "user add tom@acme.test --groups eng,luca@acme.test"));
    UD_CHECK_CONTAINS(out, "group name 'luca@acme.test' is not valid");
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, data, "user list"));
    UD_CHECK(strstr(out, "tom@acme.test") == NULL); /* refused before the user was made */
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, data, "user add tom@acme.test --groups eng"));
    free(out);
    UD_CHECK_EQ_INT(1, unify(&out, data, "user set-groups tom@acme.test 'user:luca@acme.test'"));
    UD_CHECK_CONTAINS(out, "is not valid");
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, data, "user set-groups tom@acme.test eng,ops"));
    UD_CHECK_CONTAINS(out, "tom@acme.test's groups are now [\"eng\",\"ops\"] (were [\"eng\"])");
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, data, "audit list"));
    UD_CHECK_CONTAINS(out, "groups_change");
    UD_CHECK_CONTAINS(out, "{\"from\":[\"eng\"],\"to\":[\"eng\",\"ops\"]}");
    free(out);
    UD_CHECK_EQ_INT(0, unify(&out, data, "user list"));
    UD_CHECK_CONTAINS(out, "[\"eng\",\"ops\"]");
    free(out);
}

/* ---- part 4: messages built from the current message ----------------------- */

void test_principals__prefixed_errors_are_not_built_from_themselves(void)
{
    ud_error_set(UD_EINVAL, "JWT alg \"%s\" refused: only HS256 is accepted", "HS512");
    UD_CHECK_EQ_INT(UD_EAUTH, ud_error_prefix(UD_EAUTH, "invalid access token: "));
    UD_CHECK_EQ_STR("invalid access token: JWT alg \"HS512\" refused: only HS256 is accepted",
                    ud_error_last());
    UD_CHECK_EQ_INT(UD_EFORBIDDEN, ud_error_recode(UD_EFORBIDDEN));
    UD_CHECK_EQ_STR("invalid access token: JWT alg \"HS512\" refused: only HS256 is accepted",
                    ud_error_last());
    /* A message at the buffer's length stays a prefix of the whole, cut. */
    char long_message[600];
    memset(long_message, 'x', sizeof(long_message) - 1);
    long_message[sizeof(long_message) - 1] = '\0';
    ud_error_set(UD_EIO, "%s", long_message);
    ud_error_prefix(UD_EIO, "cannot release the migration lock: ");
    UD_CHECK(strncmp(ud_error_last(), "cannot release the migration lock: xxxx", 39) == 0);
    UD_CHECK(strlen(ud_error_last()) < 512);
    ud_error_set(UD_ENOTFOUND, "%s", ""); /* no message: the code's name stands in */
    ud_error_prefix(UD_ENOTFOUND, "p: ");
    UD_CHECK_EQ_STR("p: not_found", ud_error_last());
}

static const char *b64url(char *out, size_t size, const char *text)
{
    UD_CHECK_OK(ud_base64_encode(out, size, text, strlen(text), UD_BASE64_URL | UD_BASE64_NOPAD));
    return out;
}

/* The exact message the server answers a bearer token with. */
static void rejection_is(ud_fixture *s, const char *token, const char *message)
{
    ud_reply r;
    ud_fixture_call(&r, s, token, "GET", "/v1/me", NULL);
    UD_CHECK_EQ_INT(401, r.status);
    json_t *root = json_loads(r.body, 0, NULL);
    const char *got = json_string_value(json_object_get(json_object_get(root, "error"), "message"));
    if (!got || strcmp(got, message) != 0)
        ud_test_fail(__FILE__, __LINE__, "token %.60s: expected \"%s\", got %s", token, message,
                     r.body);
    json_decref(root);
}

void test_principals__each_token_rejection_says_exactly_why(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    char access[1024];
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", access, NULL);
    char header[256], payload[512], token[1200];
    const char *claims = "{\"sub\":\"x\",\"exp\":4102444800,\"iss\":\"unify\"}";
    b64url(payload, sizeof(payload), claims);

    rejection_is(&s, "not-a-token",
                 "invalid access token: JWT must have exactly three parts separated by dots");
    snprintf(token, sizeof(token), "%s.%s.", b64url(header, sizeof(header), "{\"alg\":\"none\"}"),
             payload);
    rejection_is(&s, token,
                 "invalid access token: JWT has an empty part (unsigned tokens are "
                 "refused)");
    snprintf(token, sizeof(token), "%s.%s.c2ln",
             b64url(header, sizeof(header), "{\"alg\":\"HS512\",\"typ\":\"JWT\"}"), payload);
    rejection_is(&s, token,
                 "invalid access token: JWT alg \"HS512\" refused: only HS256 is "
                 "accepted");
    /* A real token with its last signature character changed. */
    snprintf(token, sizeof(token), "%s", access);
    size_t len = strlen(token);
    token[len - 2] = token[len - 2] == 'A' ? 'B' : 'A';
    rejection_is(&s, token,
                 "invalid access token: JWT signature does not match: altered, or "
                 "signed with another key");
    ud_fixture_stop(&s);
}

/* ---- also found: a taken email says nothing of where it is taken ------------- */

void test_principals__a_taken_email_answers_alike_in_every_organization(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    ud_org globex;
    ud_user gina;
    UD_CHECK_OK(ud_meta_org_create(&globex, s.meta, &s.arena, "Globex", "globex", "starter"));
    UD_CHECK_OK(
        ud_meta_user_create(&gina, s.meta, &s.arena, globex.id, "gina@globex.test", "x", "user"));
    char admin[1024];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_reply other, own;
    ud_fixture_call(&other, &s, admin, "POST", "/v1/users", "{\"email\": \"Gina@globex.test\"}");
    ud_fixture_call(&own, &s, admin, "POST", "/v1/users", "{\"email\": \"ann@acme.test\"}");
    UD_CHECK_EQ_INT(409, other.status);
    UD_CHECK_EQ_INT(409, own.status);
    UD_CHECK_EQ_STR("{\"error\":{\"code\":\"exists\",\"message\":\"the email 'gina@globex.test' "
                    "is not available for a new user\"}}",
                    other.body);
    UD_CHECK_EQ_STR("{\"error\":{\"code\":\"exists\",\"message\":\"the email 'ann@acme.test' is "
                    "not available for a new user\"}}",
                    own.body);
    ud_fixture_stop(&s);
}
