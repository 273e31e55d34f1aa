/*
 * Tests of the metadata store, each run against SQLite and PostgreSQL
 * (make test starts a throwaway PostgreSQL; see ud_test_store_urls).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "store/meta.h"
#include "test.h"

typedef struct collected {
    size_t count;
    char texts[8][64];
    int64_t indexes[8];
} collected;

static int collect_chunk(const ud_chunk_row *row, void *payload)
{
    collected *c = payload;
    if (c->count < 8) {
        snprintf(c->texts[c->count], sizeof(c->texts[0]), "%s", row->text);
        c->indexes[c->count] = row->chunk_index;
    }
    c->count++;
    return 0;
}

static ud_meta *open_migrated(const char *url)
{
    ud_meta *meta = NULL;
    UD_CHECK_OK(ud_meta_open(&meta, url));
    UD_CHECK_OK(ud_meta_migrate(meta, NULL));
    return meta;
}

static ud_document make_doc(const char *key, const char *title, const char *hash_seed)
{
    static const char *everyone[] = {UD_ACL_EVERYONE};
    ud_document doc = {0};
    doc.source_key = key;
    doc.source_type = "file";
    doc.title = title;
    doc.url = "file:///x";
    doc.path = "/x";
    doc.file_type = "md";
    doc.created_at = 1735689600;
    doc.updated_at = 1736899200;
    doc.text = "text";
    doc.text_len = 4;
    doc.metadata_json = "{\"pages\": 1}";
    doc.acl = everyone;
    doc.acl_count = 1;
    ud_sha256_hex(doc.content_hash, hash_seed, strlen(hash_seed));
    return doc;
}

void test_store__migrations_run_once_and_are_recorded(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = NULL;
        UD_CHECK_OK(ud_meta_open(&meta, urls[i]));
        int version = -1, applied = -1;
        UD_CHECK_OK(ud_meta_schema_version(meta, &version));
        UD_CHECK_EQ_INT(0, version);
        UD_CHECK_OK(ud_meta_migrate(meta, &applied));
        UD_CHECK(applied >= 2);
        UD_CHECK_OK(ud_meta_schema_version(meta, &version));
        UD_CHECK_EQ_INT(applied, version);
        UD_CHECK_OK(ud_meta_migrate(meta, &applied));
        UD_CHECK_EQ_INT(0, applied);
        ud_meta_close(meta);
    }
    ud_meta *meta = NULL;
    UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_open(&meta, "mysql://x"));
}

void test_store__organizations_and_users_obey_the_constraints(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org, again;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "starter"));
        UD_CHECK_EQ_STR("acme", org.slug);
        UD_CHECK_EQ_STR("active", org.status);
        UD_CHECK_EQ_INT(10, org.max_users); /* the starter plan's limit */
        UD_CHECK(org.created_at > 0);
        UD_CHECK_OK(ud_meta_org_get_by_slug(&again, meta, &arena, "acme"));
        UD_CHECK_EQ_STR(org.id, again.id);
        UD_CHECK_OK(ud_meta_org_get(&again, meta, &arena, org.id));
        UD_CHECK_EQ_INT(UD_EEXISTS,
                        ud_meta_org_create(&again, meta, &arena, "A2", "acme", "starter"));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_org_create(&again, meta, &arena, "B", "b", "gold"));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_org_get_by_slug(&again, meta, &arena, "nope"));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_org_get(&again, meta, &arena, "not-a-uuid"));

        ud_user user;
        UD_CHECK_OK(
            ud_meta_user_create(&user, meta, &arena, org.id, "ann@acme.test", "h", "admin"));
        UD_CHECK_EQ_STR("admin", user.role);
        UD_CHECK_EQ_STR(org.id, user.org_id);
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_user_create(&user, meta, &arena, org.id, "b@acme.test",
                                                       "h", "superuser"));
        UD_CHECK_CONTAINS(ud_test_error_message(), "role");
        UD_CHECK_EQ_INT(UD_EEXISTS, ud_meta_user_create(&user, meta, &arena, org.id,
                                                        "ann@acme.test", "h", "user"));
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_user_create(&user, meta, &arena,
                                                       "00000000-0000-4000-8000-000000000000",
                                                       "c@x.test", "h", "user"));
        int64_t users = 0;
        UD_CHECK_OK(ud_meta_user_count(meta, org.id, &users));
        UD_CHECK_EQ_INT(1, users);
        UD_CHECK_OK(ud_meta_user_get_by_email(&user, meta, &arena, "ann@acme.test"));
        UD_CHECK_EQ_STR("h", user.password_hash);
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

void test_store__documents_are_replaced_whole_and_scoped_to_their_org(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org, other;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "enterprise"));
        UD_CHECK_OK(ud_meta_org_create(&other, meta, &arena, "Other", "other", "enterprise"));
        int64_t gen0 = -1, gen = -1;
        UD_CHECK_OK(ud_meta_generation(meta, org.id, &gen0));

        ud_document doc = make_doc("file:document:/a.md", "First", "v1");
        ud_chunk chunks[3] = {
            {0, "alpha", 5, 1, 0, ""}, {1, "beta", 4, 1, 6, "H"}, {2, "gamma", 5, 1, 11, "H > I"}};
        char id[37] = "", id2[37] = "";
        bool created = false;
        UD_CHECK_OK(ud_meta_document_put(id, &created, meta, org.id, &doc, chunks, 3));
        UD_CHECK(created);
        UD_CHECK_OK(ud_meta_generation(meta, org.id, &gen));
        UD_CHECK(gen > gen0);

        ud_doc_row row;
        UD_CHECK_OK(ud_meta_document_get(&row, meta, &arena, org.id, id));
        UD_CHECK_EQ_STR("First", row.title);
        UD_CHECK_EQ_INT(3, row.chunk_count);
        UD_CHECK_EQ_INT(1735689600, row.created_at);
        UD_CHECK_EQ_INT(1736899200, row.updated_at);
        UD_CHECK_CONTAINS(row.acl_json, "org:*");
        UD_CHECK_CONTAINS(row.metadata_json, "pages");
        UD_CHECK_EQ_STR(doc.content_hash, row.content_hash);
        /* Another organization does not see it, by id or by key. */
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_document_get(&row, meta, &arena, other.id, id));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_document_get_by_key(&row, meta, &arena, other.id,
                                                                  NULL, doc.source_key));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_document_get(&row, meta, &arena, org.id, "x'--"));

        /* A new version keeps the id and replaces every chunk. */
        ud_document v2 = make_doc("file:document:/a.md", "Second", "v2");
        ud_chunk chunk = {0, "delta", 5, 1, 0, ""};
        UD_CHECK_OK(ud_meta_document_put(id2, &created, meta, org.id, &v2, &chunk, 1));
        UD_CHECK(!created);
        UD_CHECK_EQ_STR(id, id2);
        collected c = {0};
        UD_CHECK_OK(ud_meta_chunks_scan(meta, org.id, collect_chunk, &c));
        UD_CHECK_EQ_INT(1, c.count);
        UD_CHECK_EQ_STR("delta", c.texts[0]);
        collected none = {0};
        UD_CHECK_OK(ud_meta_chunks_scan(meta, other.id, collect_chunk, &none));
        UD_CHECK_EQ_INT(0, none.count);

        /* The same key in another org is another document. */
        UD_CHECK_OK(ud_meta_document_put(id2, &created, meta, other.id, &doc, chunks, 3));
        UD_CHECK(created);
        UD_CHECK(strcmp(id, id2) != 0);

        int64_t docs = 0;
        UD_CHECK_OK(ud_meta_document_count(meta, org.id, &docs));
        UD_CHECK_EQ_INT(1, docs);
        UD_CHECK_OK(ud_meta_document_delete(meta, org.id, id));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_document_delete(meta, org.id, id));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_document_delete(meta, other.id, id));
        UD_CHECK_OK(ud_meta_document_count(meta, org.id, &docs));
        UD_CHECK_EQ_INT(0, docs);
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

void test_store__deleting_an_organization_cascades(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org, keep;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Gone", "gone", "starter"));
        UD_CHECK_OK(ud_meta_org_create(&keep, meta, &arena, "Kept", "kept", "starter"));
        ud_user user;
        UD_CHECK_OK(ud_meta_user_create(&user, meta, &arena, org.id, "u@gone.test", "h", "user"));
        UD_CHECK_OK(ud_meta_user_create(&user, meta, &arena, keep.id, "u@kept.test", "h", "user"));
        ud_document doc = make_doc("k", "Doc", "x");
        ud_chunk chunk = {0, "words", 5, 1, 0, ""};
        UD_CHECK_OK(ud_meta_document_put(NULL, NULL, meta, org.id, &doc, &chunk, 1));
        UD_CHECK_OK(ud_meta_document_put(NULL, NULL, meta, keep.id, &doc, &chunk, 1));

        UD_CHECK_OK(ud_meta_org_delete(meta, org.id));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_org_delete(meta, org.id));
        int64_t count = -1;
        UD_CHECK_OK(ud_meta_user_count(meta, org.id, &count));
        UD_CHECK_EQ_INT(0, count);
        UD_CHECK_OK(ud_meta_document_count(meta, org.id, &count));
        UD_CHECK_EQ_INT(0, count);
        UD_CHECK_EQ_INT(UD_ENOTFOUND,
                        ud_meta_user_get_by_email(&user, meta, &arena, "u@gone.test"));
        collected c = {0};
        UD_CHECK_OK(ud_meta_chunks_scan(meta, org.id, collect_chunk, &c));
        UD_CHECK_EQ_INT(0, c.count);
        /* The other organization is untouched. */
        UD_CHECK_OK(ud_meta_user_count(meta, keep.id, &count));
        UD_CHECK_EQ_INT(1, count);
        UD_CHECK_OK(ud_meta_document_count(meta, keep.id, &count));
        UD_CHECK_EQ_INT(1, count);
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}
