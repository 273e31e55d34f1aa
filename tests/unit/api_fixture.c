/*
 * The API server of the feature tests (api_fixture.h).
 */
#include "api_fixture.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/fernet.h"
#include "base/log.h"
#include "sync/reindex.h"
#include "test.h"

static size_t on_body(char *data, size_t size, size_t count, void *payload)
{
    ud_reply *r = payload;
    size_t n = size * count, room = sizeof(r->body) - 1 - r->len;
    size_t take = n < room ? n : room;
    memcpy(r->body + r->len, data, take);
    r->len += take;
    r->body[r->len] = '\0';
    return n;
}

static size_t on_header(char *data, size_t size, size_t count, void *payload)
{
    ud_reply *r = payload;
    size_t n = size * count;
    if (n > 13 && strncasecmp(data, "Retry-After: ", 13) == 0)
        snprintf(r->retry_after, sizeof(r->retry_after), "%.*s", (int)(n - 15), data + 13);
    return n;
}

/* `credential`: an access token or API key, or NULL. */
void ud_fixture_call(ud_reply *r, ud_fixture *s, const char *credential, const char *method,
                     const char *path, const char *body)
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
const char *ud_fixture_field(char *out, size_t size, const ud_reply *r, const char *name)
{
    json_t *root = json_loads(r->body, 0, NULL);
    const char *value = json_string_value(json_object_get(root, name));
    if (!value)
        ud_test_fail(__FILE__, __LINE__, "no string field %s in %s", name, r->body);
    snprintf(out, size, "%s", value);
    json_decref(root);
    return out;
}

static void add_user(ud_fixture *s, const char *email, const char *role, const char *password)
{
    ud_password_params params = {19456, 2, 1};
    char hash[256];
    ud_user user;
    UD_CHECK_OK(ud_password_hash(hash, sizeof(hash), password, &params));
    UD_CHECK_OK(ud_meta_user_create(&user, s->meta, &s->arena, s->acme.id, email, hash, role));
}

void ud_fixture_start(ud_fixture *s, const char *plan, long per_minute)
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
    char fernet[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(fernet));
    UD_CHECK_OK(ud_config_set(&config, "fernet_key", fernet, UD_FROM_FLAG));
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

void ud_fixture_stop(ud_fixture *s)
{
    ud_http_server_stop(s->http);
    ud_api_context_dispose(&s->ctx);

    ud_counters_free(s->counters);
    ud_searcher_free(s->searcher);
    ud_meta_close(s->meta);
    ud_arena_dispose(&s->arena);
}

/* Logs in and returns the access token (and the refresh token if asked). */
void ud_fixture_login(ud_fixture *s, const char *email, const char *password, char access[1024],
                      char refresh[128])
{
    ud_reply r;
    char body[256];
    snprintf(body, sizeof(body), "{\"email\": \"%s\", \"password\": \"%s\"}", email, password);
    ud_fixture_call(&r, s, NULL, "POST", "/v1/auth/login", body);
    if (r.status != 200)
        ud_test_fail(__FILE__, __LINE__, "login of %s: %ld %s", email, r.status, r.body);
    ud_fixture_field(access, 1024, &r, "access_token");
    if (refresh)
        ud_fixture_field(refresh, 128, &r, "refresh_token");
}
