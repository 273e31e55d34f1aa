/*
 * Tests of the HTTP server and API on a real socket (port 0): good
 * requests, and every kind of bad one answered with the right status and a
 * JSON error body.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/log.h"
#include "index/search.h"
#include "server/api.h"
#include "server/http.h"
#include "store/meta_credentials.h"
#include "sync/reindex.h"
#include "test.h"

typedef struct reply {
    long status;
    char body[65536];
    size_t len;
    char allow[128];
} reply;

static size_t on_body(char *data, size_t size, size_t count, void *payload)
{
    reply *r = payload;
    size_t n = size * count;
    size_t room = sizeof(r->body) - 1 - r->len;
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
    if (n > 7 && strncasecmp(data, "Allow: ", 7) == 0)
        snprintf(r->allow, sizeof(r->allow), "%.*s", (int)(n - 9), data + 7);
    return n;
}

/* The credential the requests of this file carry (an API key made by
 * start()); the security suite tests what happens without one. */
static char credential_header[128];

static void request(reply *r, uint16_t port, const char *method, const char *path,
                    const char *content_type, const char *body, size_t body_len)
{
    memset(r, 0, sizeof(*r));
    CURL *curl = curl_easy_init();
    char url[256];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)port, path);
    struct curl_slist *headers = NULL;
    char type_header[128];
    if (content_type) {
        snprintf(type_header, sizeof(type_header), "Content-Type: %s", content_type);
        headers = curl_slist_append(headers, type_header);
    }
    headers = curl_slist_append(headers, "Expect:");
    if (credential_header[0])
        headers = curl_slist_append(headers, credential_header);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body_len);
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, r);
    CURLcode rc = curl_easy_perform(curl);
    UD_CHECK(rc == CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
}

static void post_search(reply *r, uint16_t port, const char *body)
{
    request(r, port, "POST", "/v1/search", "application/json", body, strlen(body));
}

/* The error code of a JSON error body. */
static const char *error_code(const reply *r, char out[64])
{
    json_t *root = json_loads(r->body, 0, NULL);
    const char *code = json_string_value(json_object_get(json_object_get(root, "error"), "code"));
    snprintf(out, 64, "%s", code ? code : "(none)");
    UD_CHECK(json_string_value(json_object_get(json_object_get(root, "error"), "message")));
    json_decref(root);
    return out;
}

typedef struct served {
    ud_meta *meta;
    ud_searcher *searcher;
    ud_http_server *server;
    ud_counters *counters;
    ud_api_context ctx;
    ud_arena arena;
    char doc_id[37];
} served;

static void start(served *s)
{
    /* Client errors are logged at info; the tests provoke many on purpose. */
    ud_log_set_level(UD_LOG_WARN);
    ud_arena_init(&s->arena);
    char url[600];
    snprintf(url, sizeof(url), "sqlite://%s/meta.db", ud_test_tmpdir());
    UD_CHECK_OK(ud_meta_open(&s->meta, url));
    UD_CHECK_OK(ud_meta_migrate(s->meta, NULL));
    ud_org org;
    UD_CHECK_OK(ud_meta_org_create(&org, s->meta, &s->arena, "Acme", "acme", "enterprise"));
    static const char *everyone[] = {UD_ACL_EVERYONE};
    ud_document doc = {.source_key = "file:document:/leave.md",
                       .source_type = "file",
                       .title = "Parental Leave Policy",
                       .path = "/leave.md",
                       .text = "Sixteen weeks of paid parental leave.",
                       .text_len = 37,
                       .metadata_json = "{}",
                       .acl = everyone,
                       .acl_count = 1};
    ud_sha256_hex(doc.content_hash, "x", 1);
    ud_chunk chunk = {0, doc.text, doc.text_len, 7, 0, "Parental Leave Policy"};
    UD_CHECK_OK(ud_meta_document_put(s->doc_id, NULL, s->meta, org.id, &doc, &chunk, 1));
    /* The index follows the store: opening its writer rebuilds it. */
    ud_collection_writer *writer = NULL;
    bool rebuilt = false;
    UD_CHECK_OK(ud_index_open_writer(&writer, &rebuilt, ud_test_tmpdir(), s->meta, org.id, NULL));
    UD_CHECK(rebuilt);
    ud_collection_writer_close(writer);
    UD_CHECK_OK(ud_searcher_new(&s->searcher, ud_test_tmpdir(), NULL, NULL));
    ud_config settings;
    ud_config_init(&settings, ud_test_tmpdir());
    UD_CHECK_OK(ud_config_set(&settings, "secret_key", "test-secret-test-secret-test-secret!",
                              UD_FROM_FLAG));
    UD_CHECK_OK(ud_counters_open(&s->counters, "mem:"));
    UD_CHECK_OK(ud_api_context_init(&s->ctx, s->meta, s->searcher, s->counters, &settings, "test"));
    char key[UD_APIKEY_MAX_LEN + 1], hash[UD_SHA256_HEX_LEN + 1], prefix[11];
    ud_apikey_row row;
    UD_CHECK_OK(ud_auth_new_apikey(key, hash, prefix));
    UD_CHECK_OK(ud_meta_apikey_create(&row, s->meta, &s->arena, org.id, "tests", hash, prefix,
                                      "{\"search\": true}", 0, NULL));
    snprintf(credential_header, sizeof(credential_header), "Authorization: Bearer %s", key);
    ud_http_config config;
    ud_http_config_default(&config);
    config.port = 0;
    config.threads = 2;
    config.max_body_bytes = 1024;
    config.guard = ud_api_guard;
    size_t count = 0;
    const ud_http_route *routes = ud_api_routes(&count);
    UD_CHECK_OK(ud_http_server_start(&s->server, &config, routes, count, &s->ctx));
    UD_CHECK(ud_http_server_port(s->server) > 0);
}

static void stop(served *s)
{
    ud_http_server_stop(s->server);
    ud_api_context_dispose(&s->ctx);
    ud_counters_free(s->counters);
    ud_searcher_free(s->searcher);
    ud_meta_close(s->meta);
    ud_arena_dispose(&s->arena);
}

void test_http__health_search_and_documents(void)
{
    served s;
    start(&s);
    uint16_t port = ud_http_server_port(s.server);
    reply r;
    request(&r, port, "GET", "/healthz", NULL, NULL, 0);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"status\":\"ok\"");
    UD_CHECK_CONTAINS(r.body, "\"store\":\"sqlite\"");

    post_search(&r, port, "{\"query\": \"parental leave\", \"top_k\": 5}");
    UD_CHECK_EQ_INT(200, r.status);
    json_t *root = json_loads(r.body, 0, NULL);
    json_t *results = json_object_get(root, "results");
    UD_CHECK_EQ_INT(1, json_array_size(results));
    json_t *first = json_array_get(results, 0);
    UD_CHECK_EQ_STR("Parental Leave Policy", json_string_value(json_object_get(first, "title")));
    UD_CHECK_EQ_STR(s.doc_id, json_string_value(json_object_get(first, "document_id")));
    UD_CHECK(json_real_value(json_object_get(first, "score")) > 0);
    UD_CHECK_CONTAINS(json_string_value(json_object_get(first, "excerpt")),
                      "<mark>parental</mark> <mark>leave</mark>");
    UD_CHECK(json_is_integer(json_object_get(root, "took_ms")));
    json_decref(root);

    /* A filter that excludes every source gives no results, not an error. */
    post_search(&r, port, "{\"query\": \"leave\", \"source_types\": [\"slack\"]}");
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"results\":[]");

    char path[128];
    snprintf(path, sizeof(path), "/v1/documents/%s", s.doc_id);
    request(&r, port, "GET", path, NULL, NULL, 0);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "\"source_key\":\"file:document:/leave.md\"");
    UD_CHECK_CONTAINS(r.body, "\"acl\":null"); /* who else may read it is for admins */
    stop(&s);
}

void test_http__bad_requests_get_json_errors(void)
{
    served s;
    start(&s);
    uint16_t port = ud_http_server_port(s.server);
    reply r;
    char code[64];

    post_search(&r, port, "{\"query\": ");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_EQ_STR("invalid", error_code(&r, code));
    UD_CHECK_CONTAINS(r.body, "invalid JSON");

    post_search(&r, port, "{\"top_k\": 3}");
    UD_CHECK_EQ_INT(400, r.status);
    UD_CHECK_CONTAINS(r.body, "missing field: query");

    post_search(&r, port, "{\"query\": \"x\", \"top_k\": 0}");
    UD_CHECK_EQ_INT(400, r.status);
    post_search(&r, port, "{\"query\": 42}");
    UD_CHECK_EQ_INT(400, r.status);
    post_search(&r, port, "[\"query\"]");
    UD_CHECK_EQ_INT(400, r.status);
    post_search(&r, port, "{\"query\": \"   \"}");
    UD_CHECK_EQ_INT(400, r.status);

    request(&r, port, "POST", "/v1/search", "text/plain", "{\"query\": \"x\"}", 14);
    UD_CHECK_EQ_INT(415, r.status);
    UD_CHECK_EQ_STR("unsupported", error_code(&r, code));

    request(&r, port, "GET", "/v1/search", NULL, NULL, 0);
    UD_CHECK_EQ_INT(405, r.status);
    UD_CHECK_EQ_STR("POST", r.allow);

    request(&r, port, "GET", "/v1/nothing-here", NULL, NULL, 0);
    UD_CHECK_EQ_INT(404, r.status);
    UD_CHECK_EQ_STR("not_found", error_code(&r, code));

    request(&r, port, "GET", "/v1/documents/00000000-0000-4000-8000-000000000000", NULL, NULL, 0);
    UD_CHECK_EQ_INT(404, r.status);
    request(&r, port, "GET", "/v1/documents/..%2F..%2Fetc", NULL, NULL, 0);
    UD_CHECK_EQ_INT(404, r.status);

    /* Over the 1 KiB body limit of this server. */
    char big[4096];
    memset(big, 'a', sizeof(big));
    memcpy(big, "{\"query\": \"", 11);
    memcpy(big + sizeof(big) - 2, "\"}", 2);
    request(&r, port, "POST", "/v1/search", "application/json", big, sizeof(big));
    UD_CHECK_EQ_INT(413, r.status);

    /* The server still answers after all that. */
    request(&r, port, "GET", "/healthz", NULL, NULL, 0);
    UD_CHECK_EQ_INT(200, r.status);
    stop(&s);
}

void test_http__a_taken_port_is_a_clear_error(void)
{
    served s;
    start(&s);
    ud_http_config config;
    ud_http_config_default(&config);
    config.port = ud_http_server_port(s.server);
    ud_http_server *second = NULL;
    UD_CHECK_EQ_INT(UD_EIO, ud_http_server_start(&second, &config, NULL, 0, NULL));
    UD_CHECK_CONTAINS(ud_test_error_message(), "cannot listen");
    config.bind = "not-an-ip";
    UD_CHECK_EQ_INT(UD_EINVAL, ud_http_server_start(&second, &config, NULL, 0, NULL));
    ud_http_server_stop(NULL);
    stop(&s);
}

/* ---- deferred and streamed responses ------------------------------------ */

static int deferred_work(ud_http_response *res, const ud_http_request *req, void *payload)
{
    (void)payload;
    const char *fail = ud_http_query_arg(req, "fail");
    if (fail)
        return ud_error_set(UD_EUPSTREAM, "upstream said no");
    if (ud_http_add_header(res, req, "X-Worked", "yes") < 0)
        return UD_ELIMIT;
    /* The request arena is still the handler's. */
    return ud_http_respond_json(res, req, 201,
                                json_pack("{s:s}", "path", ud_arena_strdup(req->arena, req->path)));
}

static int handle_deferred(ud_http_response *res, const ud_http_request *req, void *payload)
{
    (void)res;
    return ud_http_defer(req, deferred_work, payload);
}

/* What the streaming worker of the disconnect test saw. */
typedef struct stream_probe {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    bool client_closed; /* set by the test */
    bool finished;      /* set by the worker */
    int result;         /* the write that ended it */
} stream_probe;

static stream_probe probe = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, 0};

static void write_events(ud_http_stream *stream, void *payload)
{
    const char *mode = payload;
    for (int i = 0; i < 3; i++) {
        char event[64];
        int n = snprintf(event, sizeof(event), "event: delta\ndata: {\"n\": %d}\n\n", i);
        if (ud_http_stream_write(stream, event, (size_t)n) < 0)
            return;
        if (strcmp(mode, "disconnect") == 0)
            break;
    }
    if (strcmp(mode, "disconnect") != 0)
        return;
    pthread_mutex_lock(&probe.lock);
    while (!probe.client_closed)
        pthread_cond_wait(&probe.changed, &probe.lock);
    pthread_mutex_unlock(&probe.lock);
    /* Keep writing until the server notices the client left (bounded). */
    int rc = 0;
    for (int i = 0; i < 200000 && rc == 0; i++)
        rc = ud_http_stream_write(stream, "data: more\n\n", 12);
    pthread_mutex_lock(&probe.lock);
    probe.result = rc;
    probe.finished = true;
    pthread_cond_broadcast(&probe.changed);
    pthread_mutex_unlock(&probe.lock);
}

static int handle_stream(ud_http_response *res, const ud_http_request *req, void *payload)
{
    (void)payload;
    const char *mode = ud_http_query_arg(req, "mode");
    return ud_http_stream_start(res, req, "text/event-stream", write_events,
                                strdup(mode ? mode : "all"), free);
}

static const ud_http_route WORKER_ROUTES[] = {
    {"GET", "/deferred", handle_deferred, 0, UD_HTTP_POOLED},
    {"GET", "/stream", handle_stream, 0, UD_HTTP_POOLED},
};

void test_http__deferred_and_streamed_responses_run_on_workers(void)
{
    ud_log_set_level(UD_LOG_WARN);
    credential_header[0] = '\0';
    ud_http_config config;
    ud_http_config_default(&config);
    config.port = 0;
    config.threads = 2;
    ud_http_server *server = NULL;
    UD_CHECK_OK(ud_http_server_start(&server, &config, WORKER_ROUTES, 2, NULL));
    uint16_t port = ud_http_server_port(server);
    reply r;
    request(&r, port, "GET", "/deferred", NULL, NULL, 0);
    UD_CHECK_EQ_INT(201, r.status);
    UD_CHECK_CONTAINS(r.body, "\"path\":\"/deferred\"");
    request(&r, port, "GET", "/deferred?fail=1", NULL, NULL, 0);
    UD_CHECK_EQ_INT(502, r.status); /* the detail stays in the log */
    UD_CHECK_CONTAINS(r.body, "\"code\":\"upstream\"");
    request(&r, port, "GET", "/stream", NULL, NULL, 0);
    UD_CHECK_EQ_INT(200, r.status);
    UD_CHECK_CONTAINS(r.body, "data: {\"n\": 0}\n\nevent: delta\ndata: {\"n\": 1}");
    UD_CHECK_CONTAINS(r.body, "data: {\"n\": 2}");

    /* A client that leaves mid-stream: the worker's writes start failing
     * with UD_ECANCELED, so it can cancel its upstream work. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    UD_CHECK(connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
    static const char get[] = "GET /stream?mode=disconnect HTTP/1.1\r\nHost: x\r\n\r\n";
    UD_CHECK(write(fd, get, sizeof(get) - 1) == (ssize_t)(sizeof(get) - 1));
    char buf[4096];
    size_t got = 0;
    while (got < sizeof(buf) - 1 && !memmem(buf, got, "\"n\": 0", 6)) {
        ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);
        UD_CHECK(n > 0);
        got += (size_t)n;
    }
    close(fd);
    pthread_mutex_lock(&probe.lock);
    probe.client_closed = true;
    pthread_cond_broadcast(&probe.changed);
    while (!probe.finished)
        pthread_cond_wait(&probe.changed, &probe.lock);
    pthread_mutex_unlock(&probe.lock);
    UD_CHECK_EQ_INT(UD_ECANCELED, probe.result);
    /* The server still serves, and stops with no worker left behind. */
    request(&r, port, "GET", "/deferred", NULL, NULL, 0);
    UD_CHECK_EQ_INT(201, r.status);
    ud_http_server_stop(server);
}
