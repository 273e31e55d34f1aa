/*
 * The security suite of issue 4. Every route of ud_api_routes() is tried
 * with no credential, bad, expired and forged ones, revoked and expired API
 * keys, roles too low, another organization's ids, SQL injection in every
 * string field, path parameter and query argument, oversized, malformed and
 * invalid-UTF-8 bodies; sessions with refresh-token replay; and slow clients
 * on raw sockets. Each attempt must fail cleanly: the expected status, a
 * JSON error body {"error": {"code", "message"}}, the store intact, the
 * server still serving.
 *
 * Every response is also searched for what its reader must not see: the
 * other organization's ids, names, document titles and words, emails, keys
 * and tokens, and the documents of their own organization whose ACL does
 * not name them (a marker the reader sent themselves, such as an id they
 * asked for, is an echo and not a leak).
 *
 * ROUTE_CASES gives a valid request for each route; the sweeps iterate the
 * server's route table, so a route added without a case fails every test.
 * Problems found in a sweep are collected, each with its exact request, and
 * reported together when the test ends, so one run shows all of them.
 */
#include <ctype.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/encoding.h"
#include "base/fernet.h"
#include "base/fs.h"
#include "base/jwt.h"
#include "base/log.h"
#include "base/presign.h"
#include "base/str.h"
#include "doc/document.h"
#include "http_test_client.h"
#include "index/search.h"
#include "server/api.h"
#include "server/http.h"
#include "store/blobs.h"
#include "store/meta_accounts.h"
#include "store/meta_audit.h"
#include "store/meta_credentials.h"
#include "store/meta_history.h"
#include "store/meta_sources.h"
#include "sync/reindex.h"
#include "sync/scheduler.h"
#include "test.h"

#define PASSWORD "correct horse battery staple"
#define SECRET_KEY "security-suite-secret-key-0123456789abcdef"
/* The body cap of the suite's servers: small, so oversized bodies are cheap,
 * but above jansson's nesting limit (2048) written out. */
#define MAX_BODY 16384
#define MAX_PROBLEMS 200

/* ---- the fixture: two organizations, every role, every kind of key ------- */

enum { ACME, GLOBEX, ORGS };
enum { ADMIN, MEMBER, VIEWER, USERS };
enum { KEY_SEARCH, KEY_ASK, KEY_ADMIN, KEY_NONE, KEY_REVOKED, KEY_EXPIRED, KEYS };

/* Marker visibility: an organization index, or nobody at all. */
#define SEEN_BY_NOBODY (-2)
#define NO_ORG (-1)

static const char *const ROLE[USERS] = {"admin", "user", "viewer"};
static const char *const ROLE_LABEL[USERS] = {"admin", "member", "viewer"};

static const struct key_spec {
    const char *name;
    const char *permissions;
} KEY_SPECS[KEYS] = {
    {"search", "{\"search\": true}"},
    {"ask", "{\"ask\": true}"},
    {"admin", "{\"admin\": true}"},
    {"none", "{}"},
    /* Revoked and expired keys have every permission, so that their
     * refusal cannot come from a missing one. */
    {"revoked", "{\"admin\": true}"},
    {"expired", "{\"admin\": true}"},
};

/* What each organization holds. Every string is unique to its organization,
 * so finding one in a reply to the other is a leak. The private document's
 * ACL names the member alone. */
static const struct org_spec {
    const char *name, *slug;
    const char *public_title, *public_word;
    const char *private_title, *private_word;
} ORG_SPECS[ORGS] = {
    {"Acme Rockets", "acme-rockets", "Acme Rocket Fuel Handbook", "zorblat", "Acme Merger Memo",
     "quixotlemon"},
    {"Globex Corporation", "globex-corp", "Globex Hammock Ledger", "frindlewax",
     "Globex Takeover Dossier", "plumbobtrix"},
};

/* Who reads a reply, and everything they sent (an echo is not a leak). */
typedef struct identity {
    const char *label;
    int org;             /* ACME, GLOBEX or NO_ORG */
    const char *user_id; /* the user behind it; NULL for keys and nobody */
    ud_buf sent;
} identity;

/* A credential as sent: up to two header lines. */
typedef struct cred {
    const char *label;
    const char *header;  /* "Authorization: Bearer ...", or NULL */
    const char *header2; /* a second header line, or NULL */
    identity *who;
    int org;  /* ACME, GLOBEX or NO_ORG */
    int role; /* ADMIN, MEMBER, VIEWER or -1 */
    int key;  /* KEY_* or -1 */
} cred;

typedef struct marker {
    const char *text;
    int org;               /* who may see it: an organization or SEEN_BY_NOBODY */
    const char *only_user; /* within it, only this user (NULL: all of it) */
} marker;

typedef struct org_fixture {
    int index; /* ACME or GLOBEX */
    ud_org org;
    ud_user users[USERS];
    /* The user whose login the sweeps try again and again ($EMAIL), with a
     * cheap hash: each try is a password verification. */
    ud_user probe;
    char doc_id[UD_UUID_LEN + 1];
    char private_doc_id[UD_UUID_LEN + 1];
    ud_apikey_row keys[KEYS];
    char key_secret[KEYS][UD_APIKEY_MAX_LEN + 1];
    identity user_who[USERS];
    identity key_who[KEYS];
    cred user_cred[USERS]; /* access tokens from POST /v1/auth/login (see jwt()) */
    cred key_cred[KEYS];
    const char *access[USERS];
    const char *refresh[USERS];
} org_fixture;

typedef struct fixture {
    char dir[600];
    ud_arena arena;
    ud_meta *meta;
    ud_searcher *searcher;
    ud_counters *counters;
    ud_api_context ctx;
    ud_blobs *blobs; /* raw files of the sources the sweeps sync */
    ud_sync_env sync_env;
    ud_scheduler *scheduler;
    ud_http_server *server;
    uint16_t port;
    ud_test_http_client client;
    org_fixture orgs[ORGS];
    identity nobody_who;
    cred nobody;
    marker *markers;
    size_t marker_count, marker_cap;
    char *problems[MAX_PROBLEMS];
    size_t problem_count;
    size_t responses;
    unsigned serial;
    char last[700];       /* the last request, for messages */
    ud_test_http_reply r; /* the last reply */
} fixture;

/* ---- problems: collected, reported at the end ---------------------------- */

static void problem(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(fixture *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = NULL;
    if (vasprintf(&text, fmt, ap) < 0)
        ud_test_fail(__FILE__, __LINE__, "out of memory");
    va_end(ap);
    if (f->problem_count < MAX_PROBLEMS)
        f->problems[f->problem_count] = text;
    else
        free(text);
    f->problem_count++;
}

/* Fails the test with every problem found (all on stderr, the first few in
 * the failure message). */
static void report_problems(fixture *f)
{
    if (f->problem_count == 0)
        return;
    fprintf(stderr, "\n%zu security problem(s):\n", f->problem_count);
    char summary[3500];
    size_t used = 0;
    for (size_t i = 0; i < f->problem_count && i < MAX_PROBLEMS; i++) {
        fprintf(stderr, "  - %s\n", f->problems[i]);
        if (i < 3 && used < sizeof(summary))
            used += (size_t)snprintf(summary + used, sizeof(summary) - used, "\n  - %.400s",
                                     f->problems[i]);
    }
    ud_test_fail(__FILE__, __LINE__, "%zu security problem(s) (all listed on stderr):%s",
                 f->problem_count, summary);
}

/* ---- markers and leaks ----------------------------------------------------- */

static void add_marker(fixture *f, const char *text, int org, const char *only_user)
{
    if (!text || !text[0])
        return;
    if (f->marker_count == f->marker_cap) {
        f->marker_cap = f->marker_cap ? 2 * f->marker_cap : 64;
        f->markers = realloc(f->markers, f->marker_cap * sizeof(*f->markers));
        UD_CHECK(f->markers != NULL);
    }
    f->markers[f->marker_count++] =
        (marker){ud_arena_strdup(&f->arena, text), org,
                 only_user ? ud_arena_strdup(&f->arena, only_user) : NULL};
}

static bool may_see(const identity *who, const marker *m)
{
    if (m->org == SEEN_BY_NOBODY || m->org != who->org)
        return false;
    return !m->only_user || (who->user_id && strcmp(who->user_id, m->only_user) == 0);
}

static bool contains(const char *haystack, size_t len, const char *needle)
{
    return haystack && memmem(haystack, len, needle, strlen(needle)) != NULL;
}

static void check_leaks(fixture *f, const identity *who)
{
    for (size_t i = 0; i < f->marker_count; i++) {
        const marker *m = &f->markers[i];
        if (may_see(who, m) || !contains(f->r.body, f->r.len, m->text))
            continue;
        if (contains(who->sent.ptr, who->sent.len, m->text))
            continue; /* they sent it: an echo */
        problem(f, "LEAK to %s: \"%s\" (%s) in the reply to %s: %.300s", who->label, m->text,
                m->org == SEEN_BY_NOBODY ? "never to be shown"
                : m->only_user           ? "private to one user"
                                         : ORG_SPECS[m->org].slug,
                f->last, f->r.body);
    }
}

/* ---- requests -------------------------------------------------------------- */

/* The error code the server gives each status (ud_error_name). */
static const char *code_of_status(long status)
{
    switch (status) {
    case 400: return "invalid";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "exists";
    case 413: return "limit";
    case 415: return "unsupported";
    case 429: return "try_again";
    default: return NULL;
    }
}

/* Every reply: errors are {"error": {"code", "message"}} with the code of
 * their status; JSON replies parse; nothing is a server error. */
static void check_shape(fixture *f)
{
    const ud_test_http_reply *r = &f->r;
    if (r->status >= 500) {
        problem(f, "SERVER ERROR %ld for %s: %.300s", r->status, f->last, r->body);
        return;
    }
    bool json_type = strncmp(r->content_type, "application/json", 16) == 0;
    json_error_t error;
    json_t *root = json_type ? json_loadb(r->body, r->len, JSON_DECODE_ANY, &error) : NULL;
    if (r->status >= 400) {
        json_t *e = json_object_get(root, "error");
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *message = json_string_value(json_object_get(e, "message"));
        const char *want = code_of_status(r->status);
        if (!json_type || !code || !message || json_object_size(root) != 1 ||
            (want && strcmp(code, want) != 0))
            problem(f, "bad error body (status %ld, type \"%s\") for %s: %.300s", r->status,
                    r->content_type, f->last, r->body);
    } else if (json_type && !root) {
        problem(f, "reply is not JSON (%s) for %s: %.200s", error.text, f->last, r->body);
    }
    json_decref(root);
}

typedef struct call {
    const cred *as; /* its header lines are sent */
    identity *who;  /* who reads the reply; NULL: as->who */
    const char *method;
    const char *target;       /* path and query */
    const char *body;         /* NULL: none */
    size_t body_len;          /* 0 with a body: strlen(body) */
    bool empty_body;          /* send a body of zero bytes */
    const char *content_type; /* NULL: application/json with a body */
    bool no_content_type;
    bool chunked;
    const char *extra_header;
} call;

/* Sends the call; the reply is in f->r (until the next one) and has been
 * checked for its shape and for leaks. */
static void send_call(fixture *f, const call *c)
{
    ud_test_http_reply_dispose(&f->r);
    identity *who = c->who ? c->who : c->as->who;
    size_t body_len = c->body ? (c->body_len ? c->body_len : strlen(c->body)) : 0;
    const char *headers[4] = {0};
    size_t n = 0;
    if (c->as->header)
        headers[n++] = c->as->header;
    if (c->as->header2)
        headers[n++] = c->as->header2;
    if (c->extra_header)
        headers[n++] = c->extra_header;
    /* What the reader sent: an echo of it in a reply is not a leak. */
    if (ud_buf_printf(&who->sent, "%s %s\n%s\n%s\n", c->method, c->target,
                      c->as->header ? c->as->header : "",
                      c->as->header2 ? c->as->header2 : "") == 0 &&
        c->body && ud_buf_append(&who->sent, c->body, body_len) < 0)
        ud_buf_reset(&who->sent); /* full: start over rather than stop recording */
    char shown[160];
    size_t s = 0;
    for (size_t i = 0; c->body && i < body_len && s < 120; i++)
        shown[s++] = (c->body[i] >= 0x20 && c->body[i] < 0x7f) ? c->body[i] : '?';
    shown[s] = '\0';
    snprintf(f->last, sizeof(f->last), "[%s] %s %.300s%s%s%s", c->as->label, c->method, c->target,
             c->body ? " body " : "", shown, body_len > 120 ? "..." : "");
    const char *type = c->no_content_type           ? NULL
                       : c->content_type            ? c->content_type
                       : (c->body || c->empty_body) ? "application/json"
                                                    : NULL;
    ud_test_http_request req = {
        .method = c->method,
        .target = c->target,
        .headers = headers,
        .content_type = type,
        .body = c->body ? c->body : (c->empty_body ? "" : NULL),
        .body_len = body_len,
        .chunked = c->chunked,
    };
    ud_test_http_send(&f->r, &f->client, &req);
    f->responses++;
    if (f->r.status == 0) {
        problem(f, "NO REPLY (transfer error %d) for %s", f->r.transfer, f->last);
        return;
    }
    check_shape(f);
    check_leaks(f, who);
}

/* Shorthand: a JSON request (body NULL: none). */
static void send_json(fixture *f, const cred *as, const char *method, const char *target,
                      const char *body)
{
    call c = {.as = as, .method = method, .target = target, .body = body};
    send_call(f, &c);
}

#define ANY_4XX (-4)
#define NOT_5XX (-5)

static bool status_is(long got, int want)
{
    if (want == ANY_4XX)
        return got >= 400 && got < 500;
    if (want == NOT_5XX)
        return got >= 200 && got < 500;
    return got == want;
}

static void expect(fixture *f, int want, const char *why)
{
    if (f->r.status == 0 || status_is(f->r.status, want))
        return; /* no reply at all is reported by send_call */
    char wanted[16];
    snprintf(wanted, sizeof(wanted), "%d", want);
    problem(f, "%s: expected %s, got %ld for %s: %.300s", why,
            want == ANY_4XX   ? "a 4xx"
            : want == NOT_5XX ? "no server error"
                              : wanted,
            f->r.status, f->last, f->r.body);
}

/* The JSON of the last reply (caller decrefs); fails the test if it is not. */
static json_t *reply_json(fixture *f)
{
    json_t *root = json_loadb(f->r.body, f->r.len, 0, NULL);
    if (!root)
        ud_test_fail(__FILE__, __LINE__, "not JSON (%ld) for %s: %.300s", f->r.status, f->last,
                     f->r.body);
    return root;
}

/* ---- building the fixture ------------------------------------------------- */

static void init_identity(identity *who, const char *label, int org, const char *user_id)
{
    who->label = label;
    who->org = org;
    who->user_id = user_id;
    ud_buf_init(&who->sent, 64u << 20);
}

static const char *bearer(fixture *f, const char *credential)
{
    return ud_arena_sprintf(&f->arena, "Authorization: Bearer %s", credential);
}

static void put_document(fixture *f, int o, bool private_doc, char out_id[UD_UUID_LEN + 1])
{
    const struct org_spec *spec = &ORG_SPECS[o];
    org_fixture *of = &f->orgs[o];
    const char *title = private_doc ? spec->private_title : spec->public_title;
    const char *word = private_doc ? spec->private_word : spec->public_word;
    char *text = ud_arena_sprintf(&f->arena,
                                  "%s notes on the travel policy: book early, keep receipts, "
                                  "and file the expense report within a week.",
                                  word);
    size_t len = strlen(text);
    char name[64];
    snprintf(name, sizeof(name), "raw/%d-%s.md", o, private_doc ? "private" : "public");
    const char *file = ud_test_write_file(f->dir, name, text, len);
    const char *everyone[] = {UD_ACL_EVERYONE};
    char member[300];
    snprintf(member, sizeof(member), UD_ACL_USER_PREFIX "%s", of->users[MEMBER].email);
    const char *member_only[] = {member};
    ud_document doc = {.source_key =
                           private_doc ? "file:document:memo.md" : "file:document:handbook.md",
                       .source_type = "file",
                       .title = title,
                       .path = file,
                       .file_type = "md",
                       .text = text,
                       .text_len = len,
                       .metadata_json = "{}",
                       .acl = private_doc ? member_only : everyone,
                       .acl_count = 1};
    ud_sha256_hex(doc.content_hash, text, len);
    ud_chunk chunk = {0, text, len, 20, 0, ""};
    UD_CHECK_OK(ud_meta_document_put(out_id, NULL, f->meta, of->org.id, &doc, &chunk, 1));
    free((char *)file); /* ud_test_write_file's path is ours to free */
}

static void make_key(fixture *f, ud_apikey_row *out, char secret[UD_APIKEY_MAX_LEN + 1], int o,
                     const char *name, const char *permissions, int64_t expires_at)
{
    char hash[UD_SHA256_HEX_LEN + 1], prefix[11];
    UD_CHECK_OK(ud_auth_new_apikey(secret, hash, prefix));
    UD_CHECK_OK(ud_meta_apikey_create(out, f->meta, &f->arena, f->orgs[o].org.id, name, hash,
                                      prefix, permissions, expires_at, NULL));
    add_marker(f, out->id, o, NULL);
    add_marker(f, secret, SEEN_BY_NOBODY, NULL); /* a stored key is never shown again */
}

static void setup_org(fixture *f, int o, const char *password_hash, const char *cheap_hash)
{
    const struct org_spec *spec = &ORG_SPECS[o];
    org_fixture *of = &f->orgs[o];
    of->index = o;
    UD_CHECK_OK(
        ud_meta_org_create(&of->org, f->meta, &f->arena, spec->name, spec->slug, "enterprise"));
    for (int u = 0; u < USERS; u++) {
        char email[128];
        snprintf(email, sizeof(email), "%s@%s.test", ROLE_LABEL[u], spec->slug);
        UD_CHECK_OK(ud_meta_user_create(&of->users[u], f->meta, &f->arena, of->org.id, email,
                                        password_hash, ROLE[u]));
        const char *label = ud_arena_sprintf(&f->arena, "%s %s", spec->slug, ROLE_LABEL[u]);
        init_identity(&of->user_who[u], label, o, of->users[u].id);
        add_marker(f, of->users[u].id, o, NULL);
        add_marker(f, of->users[u].email, o, NULL);
    }
    char email[128];
    snprintf(email, sizeof(email), "probe@%s.test", spec->slug);
    UD_CHECK_OK(
        ud_meta_user_create(&of->probe, f->meta, &f->arena, of->org.id, email, cheap_hash, "user"));
    add_marker(f, of->probe.id, o, NULL);
    add_marker(f, of->probe.email, o, NULL);
    put_document(f, o, false, of->doc_id);
    put_document(f, o, true, of->private_doc_id);
    const char *member = of->users[MEMBER].id;
    add_marker(f, of->org.id, o, NULL);
    add_marker(f, spec->name, o, NULL);
    add_marker(f, spec->slug, o, NULL);
    add_marker(f, of->doc_id, o, NULL);
    add_marker(f, spec->public_title, o, NULL);
    add_marker(f, spec->public_word, o, NULL);
    add_marker(f, of->private_doc_id, o, member);
    add_marker(f, spec->private_title, o, member);
    add_marker(f, spec->private_word, o, member);
    int64_t now = ud_now();
    for (int k = 0; k < KEYS; k++) {
        make_key(f, &of->keys[k], of->key_secret[k], o,
                 ud_arena_sprintf(&f->arena, "%s %s key", spec->slug, KEY_SPECS[k].name),
                 KEY_SPECS[k].permissions, k == KEY_EXPIRED ? now - 60 : 0);
        if (k == KEY_REVOKED)
            UD_CHECK_OK(ud_meta_apikey_revoke(f->meta, of->org.id, of->keys[k].id, now));
        const char *label = ud_arena_sprintf(&f->arena, "%s %s key", spec->slug, KEY_SPECS[k].name);
        init_identity(&of->key_who[k], label, o, NULL);
        of->key_cred[k] =
            (cred){label, bearer(f, of->key_secret[k]), NULL, &of->key_who[k], o, -1, k};
    }
}

static void login(fixture *f, int o, int u)
{
    org_fixture *of = &f->orgs[o];
    char body[512];
    snprintf(body, sizeof(body), "{\"email\": \"%s\", \"password\": \"%s\"}", of->users[u].email,
             PASSWORD);
    call c = {.as = &f->nobody,
              .who = &of->user_who[u],
              .method = "POST",
              .target = "/v1/auth/login",
              .body = body};
    send_call(f, &c);
    if (f->r.status != 200)
        ud_test_fail(__FILE__, __LINE__, "login of %s: %ld %s", of->users[u].email, f->r.status,
                     f->r.body);
    json_t *root = reply_json(f);
    of->access[u] =
        ud_arena_strdup(&f->arena, json_string_value(json_object_get(root, "access_token")));
    of->refresh[u] =
        ud_arena_strdup(&f->arena, json_string_value(json_object_get(root, "refresh_token")));
    json_decref(root);
    UD_CHECK(of->access[u][0] && of->refresh[u][0]);
    of->user_cred[u] =
        (cred){of->user_who[u].label, bearer(f, of->access[u]), NULL, &of->user_who[u], o, u, -1};
    add_marker(f, of->access[u], o, of->users[u].id);
    add_marker(f, of->refresh[u], o, of->users[u].id);
}

/* The user's access token, from a login on first use (each login costs an
 * argon2id verification, and many tests need only a few users). */
static const cred *jwt(fixture *f, org_fixture *of, int u)
{
    if (!of->access[u])
        login(f, of->index, u);
    return &of->user_cred[u];
}

static const char *access_of(fixture *f, org_fixture *of, int u)
{
    jwt(f, of, u);
    return of->access[u];
}

static const char *refresh_of(fixture *f, org_fixture *of, int u)
{
    jwt(f, of, u);
    return of->refresh[u];
}

typedef struct fixture_opts {
    const char *store_url; /* NULL: a SQLite file */
    const char *name;      /* subdirectory of the test's tmpdir */
    unsigned timeout_seconds;
} fixture_opts;

static fixture *fixture_start(const fixture_opts *opts)
{
    /* Client errors are logged at info and the suite makes thousands;
     * server errors (error level) still show. */
    ud_log_set_level(UD_LOG_WARN);
    fixture *f = calloc(1, sizeof(*f));
    UD_CHECK(f != NULL);
    f->r.body = NULL;
    snprintf(f->dir, sizeof(f->dir), "%s/%s", ud_test_tmpdir(), opts->name);
    UD_CHECK_OK(ud_mkdirs(f->dir));
    ud_arena_init(&f->arena);
    char url[700];
    if (opts->store_url)
        snprintf(url, sizeof(url), "%s", opts->store_url);
    else
        snprintf(url, sizeof(url), "sqlite://%s/meta.db", f->dir);
    UD_CHECK_OK(ud_meta_open(&f->meta, url));
    UD_CHECK_OK(ud_meta_migrate(f->meta, NULL));

    ud_config settings;
    ud_config_init(&settings, f->dir);
    UD_CHECK_OK(ud_config_set(&settings, "secret_key", SECRET_KEY, UD_FROM_FLAG));
    char fernet[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(fernet));
    UD_CHECK_OK(ud_config_set(&settings, "fernet_key", fernet, UD_FROM_FLAG));
    /* The sweeps make many requests per route and many failed logins from
     * one address: limits and throttling are not what they test. */
    UD_CHECK_OK(ud_config_set(&settings, "rate_limit_per_minute", "1000000", UD_FROM_FLAG));
    UD_CHECK_OK(ud_config_set(&settings, "login_slowdown_after", "1000", UD_FROM_FLAG));
    UD_CHECK_OK(ud_config_set(&settings, "login_lock_after", "1000", UD_FROM_FLAG));
    /* OWASP's minimum argon2id cost, the default: one hash serves every user. */
    UD_CHECK_EQ_INT(19456, settings.argon2_memory_kb);
    UD_CHECK_EQ_INT(2, settings.argon2_iterations);
    ud_password_params params = {19456, 2, 1};
    char password_hash[256];
    UD_CHECK_OK(ud_password_hash(password_hash, sizeof(password_hash), PASSWORD, &params));

    /* Users made through POST /v1/users, the probe users and the dummy
     * hash of unknown emails are hashed cheaply: the sweeps verify or make
     * a few hundred of them, and hash strength is not what this suite
     * tests (test_password does). The fixture's users keep the real cost. */
    ud_password_params cheap = {64, 1, 1};
    char cheap_hash[256];
    UD_CHECK_OK(ud_password_hash(cheap_hash, sizeof(cheap_hash), PASSWORD, &cheap));
    for (int o = 0; o < ORGS; o++)
        setup_org(f, o, password_hash, cheap_hash);
    for (int o = 0; o < ORGS; o++) {
        ud_collection_writer *writer = NULL;
        UD_CHECK_OK(ud_index_open_writer(&writer, NULL, f->dir, f->meta, f->orgs[o].org.id, NULL));
        ud_collection_writer_close(writer);
    }
    UD_CHECK_OK(ud_searcher_new(&f->searcher, f->dir, NULL, NULL));
    UD_CHECK_OK(ud_counters_open(&f->counters, "mem:"));
    UD_CHECK_OK(
        ud_api_context_init(&f->ctx, f->meta, f->searcher, f->counters, &settings, "security"));
    f->ctx.password_params = cheap;
    /* Sources read under the fixture's directory only; their syncs run. */
    snprintf(f->ctx.source_roots, sizeof(f->ctx.source_roots), "%s", f->dir);
    ud_test_write_file(f->dir, "imports/readme.md", "# Imports\n\nNothing secret.\n", 27);
    char objects[700];
    snprintf(objects, sizeof(objects), "file://%s/objects", f->dir);
    UD_CHECK_OK(ud_blobs_open(&f->blobs, objects));
    f->sync_env = (ud_sync_env){.meta = f->meta,
                                .blobs = f->blobs,
                                .cache = f->ctx.cache,
                                .data_dir = f->dir,
                                .fernet_key = f->ctx.fernet_key};
    ud_chunker_opts_default(&f->sync_env.chunker);
    ud_extract_limits_default(&f->sync_env.limits);
    ud_scheduler_opts sched = {.workers = 1};
    UD_CHECK_OK(ud_scheduler_start(&f->scheduler, &f->sync_env, &sched));
    f->ctx.scheduler = f->scheduler;
    f->ctx.blobs = f->blobs;
    UD_CHECK_OK(
        ud_password_hash(f->ctx.dummy_hash, sizeof(f->ctx.dummy_hash), "not a password", &cheap));
    add_marker(f, PASSWORD, SEEN_BY_NOBODY, NULL);
    add_marker(f, SECRET_KEY, SEEN_BY_NOBODY, NULL);
    add_marker(f, "$argon2id$", SEEN_BY_NOBODY, NULL); /* a password hash */

    ud_http_config config;
    ud_http_config_default(&config);
    config.port = 0;
    config.threads = 4;
    config.max_body_bytes = MAX_BODY;
    config.timeout_seconds = opts->timeout_seconds ? opts->timeout_seconds : 30;
    config.guard = ud_api_guard;
    size_t count = 0;
    const ud_http_route *routes = ud_api_routes(&count);
    UD_CHECK_OK(ud_http_server_start(&f->server, &config, routes, count, &f->ctx));
    f->port = ud_http_server_port(f->server);
    ud_test_http_client_init(&f->client, f->port);

    init_identity(&f->nobody_who, "nobody", NO_ORG, NULL);
    f->nobody = (cred){"no credential", NULL, NULL, &f->nobody_who, NO_ORG, -1, -1};
    return f;
}

/* The server still serves; then every problem found fails the test. */
static void fixture_stop(fixture *f)
{
    send_json(f, &f->nobody, "GET", "/healthz", NULL);
    expect(f, 200, "the server keeps serving");
    UD_CHECK(f->responses > 0);
    report_problems(f);
    ud_test_http_reply_dispose(&f->r);
    ud_test_http_client_dispose(&f->client);
    ud_http_server_stop(f->server);
    ud_scheduler_stop(f->scheduler);
    ud_api_context_dispose(&f->ctx);
    ud_blobs_free(f->blobs);
    ud_counters_free(f->counters);
    ud_searcher_free(f->searcher);
    ud_meta_close(f->meta);
    for (int o = 0; o < ORGS; o++) {
        for (int u = 0; u < USERS; u++)
            ud_buf_dispose(&f->orgs[o].user_who[u].sent);
        for (int k = 0; k < KEYS; k++)
            ud_buf_dispose(&f->orgs[o].key_who[k].sent);
    }
    ud_buf_dispose(&f->nobody_who.sent);
    free(f->markers);
    ud_arena_dispose(&f->arena);
    free(f);
}

static fixture *start_sqlite(void)
{
    fixture_opts opts = {.name = "sqlite"};
    return fixture_start(&opts);
}

/* ---- fresh objects for path parameters ------------------------------------ */

static const char *new_user(fixture *f, int o)
{
    char email[64];
    snprintf(email, sizeof(email), "target%u@example.test", ++f->serial);
    ud_user user;
    UD_CHECK_OK(ud_meta_user_create(&user, f->meta, &f->arena, f->orgs[o].org.id, email,
                                    "not-a-password-hash", "user"));
    add_marker(f, user.id, o, NULL);
    add_marker(f, user.email, o, NULL);
    return user.id;
}

static const char *new_key(fixture *f, int o, const char *permissions)
{
    ud_apikey_row row;
    char secret[UD_APIKEY_MAX_LEN + 1];
    make_key(f, &row, secret, o, "target key", permissions, 0);
    return row.id;
}

/* A history entry of `owner` (a user of org o), private to them. */
static const char *new_history(fixture *f, int o, const char *owner)
{
    ud_history_entry entry = {.user_id = owner, .query = "history probe", .results_count = 1};
    UD_CHECK_OK(ud_meta_history_add(&entry, f->meta, &f->arena, f->orgs[o].org.id));
    add_marker(f, entry.id, o, owner);
    return entry.id;
}

/* A data source of org o: a folder (the fixture's own directory). */
static const char *new_source(fixture *f, int o)
{
    ud_source_row row;
    char name[64], config[800];
    snprintf(name, sizeof(name), "source probe %u", ++f->serial);
    snprintf(config, sizeof(config), "{\"connector\": \"folder\", \"path\": \"%s/imports\"}",
             f->dir);
    UD_CHECK_OK(ud_meta_source_create(&row, f->meta, &f->arena, f->orgs[o].org.id, "google_drive",
                                      name, "", config, 30, NULL));
    add_marker(f, row.id, o, NULL);
    return row.id;
}

/* A refresh token of the user, made in the store (no argon2 per token). */
static const char *new_refresh(fixture *f, int o, int u, bool expired)
{
    char token[UD_REFRESH_TOKEN_LEN + 1], hash[UD_SHA256_HEX_LEN + 1];
    UD_CHECK_OK(ud_auth_new_refresh(token, hash));
    const ud_user *user = &f->orgs[o].users[u];
    int64_t now = ud_now();
    UD_CHECK_OK(ud_meta_refresh_create(f->meta, user->id, user->org_id, hash,
                                       expired ? now - 10 : now + 3600));
    add_marker(f, token, o, user->id);
    return ud_arena_strdup(&f->arena, token);
}

/* ---- the route table ------------------------------------------------------ */

typedef enum param_kind { P_NONE, P_ORG, P_DOC, P_HISTORY, P_USER, P_KEY, P_SOURCE } param_kind;

/* A valid request for one route. Bodies and queries may hold placeholders
 * (expand()): $EMAIL and $PASSWORD (the probe user's login), $REFRESH (a fresh
 * refresh token of theirs), $EXPIRED_REFRESH, $ACCESS (their access token),
 * $WORD (the organization's public word), $N (a new number), $EXPIRES and
 * $SIG (a raw link good for ten minutes), $PAST and $PAST_SIG (one that has
 * expired). */
typedef struct route_case {
    const char *route;    /* "METHOD pattern", exactly as ud_api_routes() has it */
    param_kind params[2]; /* what the pattern's {params} name, in order */
    const char *query;    /* the query string, or NULL */
    const char *body;     /* the JSON body, or NULL for none */
    int ok;               /* the status of the valid request */
    /* Public routes whose body or query carries the credential: variants
     * that must each be answered 401. */
    const char *bad_body[4];
    const char *bad_query[7];
    int cross_org; /* the status for another organization's ids (default 404) */
} route_case;

static const route_case ROUTE_CASES[] = {
    {"GET /healthz", {P_NONE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"POST /v1/auth/login",
     {P_NONE},
     NULL,
     "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}",
     200,
     {"{\"email\": \"$EMAIL\", \"password\": \"wrong password, not it\"}",
      "{\"email\": \"nobody@nowhere.test\", \"password\": \"$PASSWORD\"}",
      "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD \"}", NULL},
     {NULL},
     0},
    {"POST /v1/auth/refresh",
     {P_NONE},
     NULL,
     "{\"refresh_token\": \"$REFRESH\"}",
     200,
     {"{\"refresh_token\": \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}",
      "{\"refresh_token\": \"$EXPIRED_REFRESH\"}", NULL},
     {NULL},
     0},
    {"POST /v1/auth/logout",
     {P_NONE},
     NULL,
     "{\"refresh_token\": \"$REFRESH\"}",
     200,
     {"{\"refresh_token\": \"not-a-token\"}", "{\"refresh_token\": \"$REFRESH$REFRESH\"}", NULL},
     {NULL},
     0},
    {"GET /v1/raw/{org}/{id}",
     {P_ORG, P_DOC},
     "expires=$EXPIRES&sig=$SIG",
     NULL,
     200,
     {NULL},
     {"", "expires=$EXPIRES", "sig=$SIG",
      "expires=$EXPIRES&sig=0000000000000000000000000000000000000000000000000000000000000000",
      "expires=$PAST&sig=$PAST_SIG", "expires=$EXPIRES&sig=$PAST_SIG", NULL},
     401},
    {"GET /v1/me", {P_NONE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"GET /v1/me/settings", {P_NONE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"PUT /v1/me/settings",
     {P_NONE},
     NULL,
     "{\"source_preference\": {\"file\": 1.5, \"slack\": 0.5}}",
     200,
     {NULL},
     {NULL},
     0},
    {"POST /v1/search",
     {P_NONE},
     NULL,
     "{\"query\": \"$WORD policy\", \"top_k\": 5, \"source_types\": [\"file\"], \"mode\": "
     "\"bm25\", \"fusion\": \"rrf\", \"explain\": true}",
     200,
     {NULL},
     {NULL},
     0},
    {"GET /v1/documents/{id}", {P_DOC}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"POST /v1/documents/{id}/link", {P_DOC}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"GET /v1/history", {P_NONE}, "limit=10&offset=0&saved=false", NULL, 200, {NULL}, {NULL}, 0},
    {"PATCH /v1/history/{id}", {P_HISTORY}, NULL, "{\"is_saved\": true}", 200, {NULL}, {NULL}, 0},
    {"DELETE /v1/history/{id}", {P_HISTORY}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"GET /v1/users", {P_NONE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"POST /v1/users",
     {P_NONE},
     NULL,
     "{\"email\": \"new$N@example.test\", \"role\": \"viewer\", \"password\": \"a long enough "
     "password\", \"groups\": [\"team-$N\"]}",
     201,
     {NULL},
     {NULL},
     0},
    {"GET /v1/users/{id}", {P_USER}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"PATCH /v1/users/{id}",
     {P_USER},
     NULL,
     "{\"role\": \"viewer\", \"groups\": [\"crew-$N\"]}",
     200,
     {NULL},
     {NULL},
     0},
    {"DELETE /v1/users/{id}", {P_USER}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"GET /v1/api-keys", {P_NONE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"POST /v1/api-keys",
     {P_NONE},
     NULL,
     "{\"name\": \"ci key $N\", \"permissions\": {\"search\": true, \"admin\": false}, "
     "\"expires_in_days\": 30}",
     201,
     {NULL},
     {NULL},
     0},
    {"DELETE /v1/api-keys/{id}", {P_KEY}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"GET /v1/settings", {P_NONE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"PUT /v1/settings",
     {P_NONE},
     NULL,
     "{\"default_mode\": \"bm25\", \"source_preference\": {\"file\": 1.2}}",
     200,
     {NULL},
     {NULL},
     0},
    {"GET /v1/audit", {P_NONE}, "limit=20", NULL, 200, {NULL}, {NULL}, 0},
    {"GET /v1/sources", {P_NONE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"POST /v1/sources",
     {P_NONE},
     NULL,
     "{\"type\": \"folder\", \"name\": \"Imports $N\", \"path\": \"$DIR/imports\", "
     "\"credentials\": {\"token\": \"t\"}}",
     201,
     {NULL},
     {NULL},
     0},
    {"GET /v1/sources/{id}", {P_SOURCE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"DELETE /v1/sources/{id}", {P_SOURCE}, NULL, NULL, 200, {NULL}, {NULL}, 0},
    {"POST /v1/sources/{id}/sync", {P_SOURCE}, NULL, NULL, 202, {NULL}, {NULL}, 0},
    {"GET /v1/sources/{id}/logs", {P_SOURCE}, "limit=5", NULL, 200, {NULL}, {NULL}, 0},
    {"POST /v1/ask",
     {P_NONE},
     NULL,
     "{\"question\": \"What does the $WORD policy say?\"}",
     200,
     {NULL},
     {NULL},
     0},
    {"GET /v1/usage", {P_NONE}, "days=7", NULL, 200, {NULL}, {NULL}, 0},
};
#define CASE_COUNT (sizeof(ROUTE_CASES) / sizeof(ROUTE_CASES[0]))

static bool case_names(const route_case *rc, const ud_http_route *route)
{
    size_t m = strlen(route->method);
    return strncmp(rc->route, route->method, m) == 0 && rc->route[m] == ' ' &&
           strcmp(rc->route + m + 1, route->pattern) == 0;
}

/* The case of a route; a route without one fails the test. */
static const route_case *case_of(const ud_http_route *route)
{
    for (size_t i = 0; i < CASE_COUNT; i++)
        if (case_names(&ROUTE_CASES[i], route))
            return &ROUTE_CASES[i];
    ud_test_fail(__FILE__, __LINE__,
                 "route \"%s %s\" has no entry in ROUTE_CASES (tests/unit/test_security.c): add "
                 "a valid request for it, so that the security suite covers it",
                 route->method, route->pattern);
}

static size_t pattern_params(const char *pattern)
{
    size_t n = 0;
    for (const char *p = pattern; *p; p++)
        n += *p == '{';
    return n;
}

/* ---- filling in a request --------------------------------------------------- */

/* Whose ids, words and logins fill a request. */
typedef struct fill {
    int org;              /* whose objects fill the path and body */
    int user;             /* whose $REFRESH and $ACCESS (MEMBER by default) */
    const char *owner_id; /* whose history entries (a user of `org`) */
    bool private_doc;     /* the private document rather than the public one */
    int sign_org;         /* whose path a raw link's signature covers */
} fill;

/* The natural fill for a credential: its own organization and user. */
static fill fill_for(const fixture *f, const cred *c)
{
    int o = c->org >= 0 ? c->org : ACME;
    const char *owner = c->role >= 0 ? f->orgs[o].users[c->role].id : f->orgs[o].users[MEMBER].id;
    return (fill){o, MEMBER, owner, false, o};
}

static bool name_is(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && memcmp(name, want, len) == 0;
}

/* The text with its placeholders replaced (malloc'd). sign_path is the path
 * $SIG and $PAST_SIG sign. */
static char *expand(fixture *f, const char *text, const fill *fl, const char *sign_path)
{
    ud_buf out;
    ud_buf_init(&out, 1u << 20);
    int64_t now = ud_now();
    org_fixture *of = &f->orgs[fl->org];
    for (const char *p = text; *p;) {
        if (*p != '$') {
            UD_CHECK_OK(ud_buf_putc(&out, *p++));
            continue;
        }
        const char *name = ++p;
        size_t n = 0;
        while (isupper((unsigned char)name[n]) || name[n] == '_')
            n++;
        p += n;
        char value[256];
        const char *v = value;
        if (name_is(name, n, "EMAIL"))
            v = of->probe.email;
        else if (name_is(name, n, "PASSWORD"))
            v = PASSWORD;
        else if (name_is(name, n, "REFRESH"))
            v = new_refresh(f, fl->org, fl->user, false);
        else if (name_is(name, n, "EXPIRED_REFRESH"))
            v = new_refresh(f, fl->org, fl->user, true);
        else if (name_is(name, n, "ACCESS"))
            v = access_of(f, of, fl->user);
        else if (name_is(name, n, "WORD"))
            v = ORG_SPECS[fl->org].public_word;
        else if (name_is(name, n, "DIR"))
            v = f->dir;
        else if (name_is(name, n, "N"))
            snprintf(value, sizeof(value), "%u", ++f->serial);
        else if (name_is(name, n, "EXPIRES"))
            snprintf(value, sizeof(value), "%lld", (long long)(now + 600));
        else if (name_is(name, n, "PAST"))
            snprintf(value, sizeof(value), "%lld", (long long)(now - 10));
        else if (name_is(name, n, "SIG") || name_is(name, n, "PAST_SIG")) {
            UD_CHECK(sign_path != NULL);
            int64_t expires = name_is(name, n, "SIG") ? now + 600 : now - 10;
            UD_CHECK_OK(ud_presign_sign(value, sign_path, expires, f->ctx.auth.link_key,
                                        sizeof(f->ctx.auth.link_key)));
        } else
            ud_test_fail(__FILE__, __LINE__, "unknown placeholder $%.*s", (int)n, name);
        UD_CHECK_OK(ud_buf_puts(&out, v));
    }
    char *result = ud_buf_take(&out);
    if (!result)
        result = strdup("");
    return result;
}

/* A request ready to send, and the objects made for its path. */
typedef struct built {
    const ud_http_route *route;
    const route_case *rc;
    char path[2048];
    char *query; /* malloc'd; NULL if none */
    char *body;  /* malloc'd; NULL if none */
    char target[8192];
    int org;
    param_kind kinds[2];
    const char *ids[2];
    const char *owner_id;
} built;

static void set_target(built *b, const char *query)
{
    snprintf(b->target, sizeof(b->target), "%s%s%s", b->path, query && *query ? "?" : "",
             query ? query : "");
}

static const char *param_value(fixture *f, param_kind kind, int o, const fill *fl)
{
    switch (kind) {
    case P_ORG: return f->orgs[o].org.id;
    case P_DOC: return fl->private_doc ? f->orgs[o].private_doc_id : f->orgs[o].doc_id;
    case P_HISTORY: return new_history(f, o, fl->owner_id);
    case P_USER: return new_user(f, o);
    case P_KEY: return new_key(f, o, "{\"search\": true}");
    case P_SOURCE: return new_source(f, o);
    case P_NONE: break;
    }
    ud_test_fail(__FILE__, __LINE__, "a {param} without a kind in ROUTE_CASES");
}

/* Writes the pattern with values for its {params} into out. */
static void fill_pattern(char *out, size_t size, const char *pattern, const char *const values[2])
{
    size_t used = 0, k = 0;
    for (const char *p = pattern; *p && used + 1 < size;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            UD_CHECK(end && k < 2);
            used += (size_t)snprintf(out + used, size - used, "%s", values[k++]);
            p = end + 1;
        } else {
            out[used++] = *p++;
        }
    }
    out[used < size ? used : size - 1] = '\0';
}

/* Builds the valid request of the route for `fl`; override[k] (already
 * URL-escaped), if given, replaces the k-th path parameter. */
static void build(built *b, fixture *f, const ud_http_route *route, const fill *fl,
                  const char *const override[2])
{
    memset(b, 0, sizeof(*b));
    b->route = route;
    b->rc = case_of(route);
    b->org = fl->org;
    b->owner_id = fl->owner_id;
    size_t count = pattern_params(route->pattern);
    UD_CHECK(count <= 2);
    const char *values[2] = {"", ""}, *signed_values[2] = {"", ""};
    for (size_t k = 0; k < count; k++) {
        param_kind kind = b->rc->params[k];
        b->kinds[k] = kind;
        b->ids[k] = param_value(f, kind, fl->org, fl);
        values[k] = override && override[k] ? override[k] : b->ids[k];
        signed_values[k] = (kind == P_ORG || kind == P_DOC) && fl->sign_org != fl->org
                               ? param_value(f, kind, fl->sign_org, fl)
                               : b->ids[k];
    }
    fill_pattern(b->path, sizeof(b->path), route->pattern, values);
    char sign_path[2048];
    fill_pattern(sign_path, sizeof(sign_path), route->pattern, signed_values);
    b->query = b->rc->query ? expand(f, b->rc->query, fl, sign_path) : NULL;
    b->body = b->rc->body ? expand(f, b->rc->body, fl, sign_path) : NULL;
    set_target(b, b->query);
}

static void built_dispose(built *b)
{
    free(b->query);
    free(b->body);
    b->query = b->body = NULL;
}

/* Sends the built request with another body (NULL: its own). */
static void send_built(fixture *f, const cred *as, identity *who, const built *b, const char *body)
{
    call c = {.as = as,
              .who = who,
              .method = b->route->method,
              .target = b->target,
              .body = body ? body : b->body};
    send_call(f, &c);
}

/* Public routes are read by the member whose login or link they carry. */
static identity *reader_of(fixture *f, const cred *as, const built *b, const fill *fl)
{
    if (b->route->access == UD_ACCESS_PUBLIC && as->org == NO_ORG)
        return &f->orgs[fl->org].user_who[fl->user];
    return as->who;
}

/* The objects made for the request's path are as they were made: a refused
 * request changed nothing. */
static void check_untouched(fixture *f, const built *b)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *org_id = f->orgs[b->org].org.id;
    for (int k = 0; k < 2; k++) {
        const char *id = b->ids[k];
        if (b->kinds[k] == P_USER) {
            ud_user user;
            int rc = ud_meta_user_get(&user, f->meta, &arena, org_id, id);
            if (rc < 0 || strcmp(user.role, "user") != 0 ||
                (user.groups_json && strcmp(user.groups_json, "[]") != 0))
                problem(f, "user %s was changed by %s (now: %s, role %s, groups %s)", id, f->last,
                        rc < 0 ? "gone" : "there", rc < 0 ? "-" : user.role,
                        rc < 0 || !user.groups_json ? "-" : user.groups_json);
        } else if (b->kinds[k] == P_KEY) {
            ud_apikey_row *keys = NULL;
            size_t count = 0;
            UD_CHECK_OK(ud_meta_apikey_list(&keys, &count, f->meta, &arena, org_id));
            bool live = false;
            for (size_t i = 0; i < count; i++)
                live |= strcmp(keys[i].id, id) == 0 && keys[i].revoked_at == 0;
            if (!live)
                problem(f, "API key %s was revoked by %s", id, f->last);
        } else if (b->kinds[k] == P_HISTORY) {
            ud_history_entry *entries = NULL;
            size_t count = 0;
            UD_CHECK_OK(ud_meta_history_list(&entries, &count, f->meta, &arena, org_id, b->owner_id,
                                             false, 500, 0));
            bool same = false;
            for (size_t i = 0; i < count; i++)
                same |= strcmp(entries[i].id, id) == 0 && !entries[i].is_saved;
            if (!same)
                problem(f, "history entry %s was changed by %s", id, f->last);
        } else if (b->kinds[k] == P_SOURCE) {
            ud_source_row source;
            if (ud_meta_source_get(&source, f->meta, &arena, org_id, id) < 0)
                problem(f, "data source %s is gone after %s", id, f->last);
        } else if (b->kinds[k] == P_DOC) {
            ud_doc_row doc;
            if (ud_meta_document_get(&doc, f->meta, &arena, org_id, id) < 0)
                problem(f, "document %s is gone after %s", id, f->last);
        }
    }
    ud_arena_dispose(&arena);
}

/* ---- access as the spec gives it ------------------------------------------ */

/* Issue 4, "Access rules": viewer: search only; user: search, ask, own
 * history and settings; admin: also the organization's administration.
 * Keys: by their permissions, and never the routes of a signed-in user. */
static bool spec_allows(const cred *c, int access)
{
    if (access == UD_ACCESS_PUBLIC)
        return true;
    if (c->role >= 0) {
        switch (access) {
        case UD_ACCESS_SEARCH: return true;
        case UD_ACCESS_ASK:
        case UD_ACCESS_OWN: return c->role != VIEWER;
        case UD_ACCESS_ADMIN: return c->role == ADMIN;
        default: return false;
        }
    }
    switch (access) {
    case UD_ACCESS_SEARCH: return c->key == KEY_SEARCH || c->key == KEY_ASK || c->key == KEY_ADMIN;
    case UD_ACCESS_ASK: return c->key == KEY_ASK || c->key == KEY_ADMIN;
    case UD_ACCESS_ADMIN: return c->key == KEY_ADMIN;
    default: return false;
    }
}

/* The strongest credential of the organization that the route admits:
 * the admin's token, or nobody for public routes. */
static const cred *strongest(fixture *f, int o, const ud_http_route *route)
{
    if (route->access == UD_ACCESS_PUBLIC)
        return &f->nobody;
    return jwt(f, &f->orgs[o], ADMIN);
}

static const ud_http_route *routes_of(size_t *count)
{
    return ud_api_routes(count);
}

/* ---- tokens made by hand ---------------------------------------------------- */

#define B64URL (UD_BASE64_URL | UD_BASE64_NOPAD)

static const char *b64url(fixture *f, const void *data, size_t len)
{
    size_t size = ud_base64_encoded_len(len, B64URL) + 1;
    char *out = ud_arena_alloc(&f->arena, size);
    UD_CHECK_OK(ud_base64_encode(out, size, data, len, B64URL));
    return out;
}

/* header.claims.signature from raw JSON texts; signed with HMAC-SHA256 under
 * `key` when it is not NULL, else with `signature` as given. */
static const char *make_jwt(fixture *f, const char *header, const char *claims, const void *key,
                            size_t key_len, const char *signature)
{
    const char *signing = ud_arena_sprintf(&f->arena, "%s.%s", b64url(f, header, strlen(header)),
                                           b64url(f, claims, strlen(claims)));
    if (!key)
        return ud_arena_sprintf(&f->arena, "%s.%s", signing, signature);
    uint8_t mac[UD_SHA256_LEN];
    ud_hmac_sha256(mac, key, key_len, signing, strlen(signing));
    return ud_arena_sprintf(&f->arena, "%s.%s", signing, b64url(f, mac, sizeof(mac)));
}

static const char *claims_of(fixture *f, const char *iss, const char *sub, const char *org,
                             const char *role, int64_t exp, const char *extra)
{
    return ud_arena_sprintf(&f->arena,
                            "{\"iss\":\"%s\",\"sub\":\"%s\",\"org\":\"%s\",\"role\":\"%s\","
                            "\"iat\":%lld,\"exp\":%lld%s}",
                            iss, sub, org, role, (long long)ud_now(), (long long)exp, extra);
}

static const char *HS256 = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

/* The claims signed by ud_jwt_sign with the server's token key: exactly
 * what the server issues, whatever the claims say. */
static const char *sign_claims(fixture *f, const char *claims_json)
{
    json_t *claims = json_loads(claims_json, 0, NULL);
    UD_CHECK(claims != NULL);
    char *token = NULL;
    UD_CHECK_OK(ud_jwt_sign(&token, claims, f->ctx.auth.token_key, sizeof(f->ctx.auth.token_key)));
    json_decref(claims);
    const char *copy = ud_arena_strdup(&f->arena, token);
    free(token);
    return copy;
}

/* A token the server would have issued itself for the user. */
static const char *server_token(fixture *f, const ud_user *user, const char *role)
{
    return sign_claims(f, claims_of(f, "unify", user->id, user->org_id, role, ud_now() + 600, ""));
}

/* ---- tests ------------------------------------------------------------------ */

void test_security__every_route_has_a_case(void)
{
    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    UD_CHECK(count > 0);
    for (size_t i = 0; i < count; i++) {
        const route_case *rc = case_of(&routes[i]);
        size_t params = pattern_params(routes[i].pattern);
        size_t kinds = 0;
        while (kinds < 2 && rc->params[kinds] != P_NONE)
            kinds++;
        if (params != kinds)
            ud_test_fail(__FILE__, __LINE__, "%s: the pattern has %zu params, the case names %zu",
                         rc->route, params, kinds);
        UD_CHECK(routes[i].access >= UD_ACCESS_PUBLIC && routes[i].access <= UD_ACCESS_ADMIN);
        UD_CHECK(rc->ok >= 200 && rc->ok < 300);
    }
    /* No stale cases either: each names a route the server has. */
    for (size_t c = 0; c < CASE_COUNT; c++) {
        bool found = false;
        for (size_t i = 0; i < count && !found; i++)
            found = case_names(&ROUTE_CASES[c], &routes[i]);
        if (!found)
            ud_test_fail(__FILE__, __LINE__, "ROUTE_CASES has \"%s\", which is no route",
                         ROUTE_CASES[c].route);
    }
}

/* Adds a credential that must be refused with 401 everywhere. */
static void add_junk(fixture *f, cred *list, size_t *n, size_t cap, const char *label,
                     const char *header, const char *header2)
{
    UD_CHECK(*n < cap);
    list[(*n)++] = (cred){label, header, header2, &f->nobody_who, NO_ORG, -1, -1};
}

void test_security__bad_credentials_are_refused_on_every_route(void)
{
    fixture *f = start_sqlite();
    org_fixture *acme = &f->orgs[ACME], *globex = &f->orgs[GLOBEX];
    const ud_user *admin = &acme->users[ADMIN];
    const char *org = acme->org.id;
    int64_t now = ud_now();
    const uint8_t *key = f->ctx.auth.token_key;
    size_t key_len = sizeof(f->ctx.auth.token_key);
    const char *good_claims = claims_of(f, "unify", admin->id, org, "admin", now + 600, "");

    /* Controls: a token made here the way the server makes them, keys in
     * both headers and a lower-case scheme are accepted, so the refusals
     * below are about what was changed. */
    const char *good = sign_claims(f, good_claims);
    cred control = {
        "hand-made token", bearer(f, good), NULL, &acme->user_who[ADMIN], ACME, ADMIN, -1};
    send_json(f, &control, "GET", "/v1/me", NULL);
    expect(f, 200, "a correctly signed token is accepted");
    cred by_header = {
        "X-API-Key", ud_arena_sprintf(&f->arena, "X-API-Key: %s", acme->key_secret[KEY_ADMIN]),
        NULL,        &acme->key_who[KEY_ADMIN],
        ACME,        -1,
        KEY_ADMIN};
    send_json(f, &by_header, "GET", "/v1/me", NULL);
    expect(f, 200, "an API key in X-API-Key is accepted");
    cred lower = {
        "lower-case bearer",
        ud_arena_sprintf(&f->arena, "Authorization: bearer %s", access_of(f, acme, VIEWER)),
        NULL,
        &acme->user_who[VIEWER],
        ACME,
        VIEWER,
        -1};
    send_json(f, &lower, "GET", "/v1/me", NULL);
    expect(f, 200, "the scheme is case-insensitive");

    /* A key revoked through the API and a user removed through it: their
     * credentials worked a moment before. */
    ud_apikey_row doomed_key;
    char doomed_secret[UD_APIKEY_MAX_LEN + 1];
    make_key(f, &doomed_key, doomed_secret, ACME, "doomed", "{\"admin\": true}", 0);
    cred doomed = {
        "doomed key", bearer(f, doomed_secret), NULL, &acme->key_who[KEY_ADMIN], ACME, -1,
        KEY_ADMIN};
    send_json(f, &doomed, "GET", "/v1/me", NULL);
    expect(f, 200, "the key works before it is revoked");
    char path[256];
    snprintf(path, sizeof(path), "/v1/api-keys/%s", doomed_key.id);
    send_json(f, jwt(f, acme, ADMIN), "DELETE", path, NULL);
    expect(f, 200, "the admin revokes the key");
    const char *gone_id = new_user(f, ACME);
    ud_arena scratch;
    ud_arena_init(&scratch);
    ud_user gone;
    UD_CHECK_OK(ud_meta_user_get(&gone, f->meta, &scratch, org, gone_id));
    const char *gone_token = server_token(f, &gone, "user");
    cred before = {
        "removed user", bearer(f, gone_token), NULL, &acme->user_who[MEMBER], ACME, MEMBER, -1};
    send_json(f, &before, "GET", "/v1/me", NULL);
    expect(f, 200, "the user's token works before the user is removed");
    snprintf(path, sizeof(path), "/v1/users/%s", gone_id);
    send_json(f, jwt(f, acme, ADMIN), "DELETE", path, NULL);
    expect(f, 200, "the admin removes the user");
    ud_arena_dispose(&scratch);

    cred junk[80];
    size_t n = 0;
    const size_t cap = sizeof(junk) / sizeof(junk[0]);
#define JUNK(label, header) add_junk(f, junk, &n, cap, label, header, NULL)
#define JUNK_TOKEN(label, token) JUNK(label, bearer(f, token))
    JUNK("no credential", NULL);
    JUNK("empty Authorization", "Authorization;");
    JUNK("Bearer alone", "Authorization: Bearer");
    JUNK("Bearer and spaces", "Authorization: Bearer    ");
    JUNK("garbage token", "Authorization: Bearer garbage");
    JUNK("Basic scheme", "Authorization: Basic YWRtaW46YWRtaW4=");
    JUNK("valid token, Token scheme", ud_arena_sprintf(&f->arena, "Authorization: Token %s", good));
    JUNK("valid token, no scheme", ud_arena_sprintf(&f->arena, "Authorization: %s", good));
    JUNK("two tokens", ud_arena_sprintf(&f->arena, "Authorization: Bearer %s %s", good, good));
    add_junk(f, junk, &n, cap, "bad Authorization beside a good X-API-Key",
             "Authorization: Bearer garbage",
             ud_arena_sprintf(&f->arena, "X-API-Key: %s", acme->key_secret[KEY_ADMIN]));
    JUNK("empty X-API-Key", "X-API-Key;");
    JUNK("garbage X-API-Key", "X-API-Key: garbage");
    JUNK("SQL in the key", "Authorization: Bearer sk_live_' OR 1=1 --");
    JUNK("SQL in X-API-Key", "X-API-Key: sk_live_' OR '1'='1");
    JUNK("key prefix alone", "Authorization: Bearer sk_live_");
    JUNK_TOKEN("unknown key", "sk_live_0000000000000000000000000000000000000000000");
    JUNK_TOKEN("key plus a character",
               ud_arena_sprintf(&f->arena, "%sx", acme->key_secret[KEY_ADMIN]));
    JUNK_TOKEN("key minus a character", ud_arena_strndup(&f->arena, acme->key_secret[KEY_ADMIN],
                                                         strlen(acme->key_secret[KEY_ADMIN]) - 1));
    char *upper = ud_arena_strdup(&f->arena, acme->key_secret[KEY_ADMIN]);
    for (char *p = upper + strlen(UD_APIKEY_PREFIX); *p; p++)
        *p = (char)(islower((unsigned char)*p) ? toupper((unsigned char)*p)
                                               : tolower((unsigned char)*p));
    JUNK_TOKEN("key with its case swapped", upper);
    JUNK_TOKEN("revoked key", acme->key_secret[KEY_REVOKED]);
    JUNK_TOKEN("expired key", acme->key_secret[KEY_EXPIRED]);
    JUNK_TOKEN("key revoked through the API", doomed_secret);
    JUNK("revoked key in X-API-Key",
         ud_arena_sprintf(&f->arena, "X-API-Key: %s", acme->key_secret[KEY_REVOKED]));
    JUNK("expired key in X-API-Key",
         ud_arena_sprintf(&f->arena, "X-API-Key: %s", acme->key_secret[KEY_EXPIRED]));
    JUNK_TOKEN("globex's revoked key", globex->key_secret[KEY_REVOKED]);
    JUNK_TOKEN("a refresh token", refresh_of(f, acme, ADMIN));
    JUNK_TOKEN("removed user's token", gone_token);
    JUNK_TOKEN("expired token",
               sign_claims(f, claims_of(f, "unify", admin->id, org, "admin", now - 60, "")));
    JUNK_TOKEN("expired by a second",
               sign_claims(f, claims_of(f, "unify", admin->id, org, "admin", now - 1, "")));
    JUNK_TOKEN("token expiring now",
               sign_claims(f, claims_of(f, "unify", admin->id, org, "admin", now, "")));
    /* Hand-made HS256 tokens are the same bytes as ud_jwt_sign's: the
     * control above is accepted, so these fail for what they change. */
    UD_CHECK_EQ_STR(good, make_jwt(f, HS256, good_claims, key, key_len, NULL));
    JUNK_TOKEN("alg none, no signature",
               make_jwt(f, "{\"alg\":\"none\",\"typ\":\"JWT\"}", good_claims, NULL, 0, ""));
    JUNK_TOKEN("alg none, signed",
               make_jwt(f, "{\"alg\":\"none\",\"typ\":\"JWT\"}", good_claims, key, key_len, NULL));
    JUNK_TOKEN("alg None", make_jwt(f, "{\"alg\":\"None\"}", good_claims, NULL, 0, ""));
    JUNK_TOKEN("alg HS512",
               make_jwt(f, "{\"alg\":\"HS512\",\"typ\":\"JWT\"}", good_claims, key, key_len, NULL));
    JUNK_TOKEN("alg RS256",
               make_jwt(f, "{\"alg\":\"RS256\",\"typ\":\"JWT\"}", good_claims, key, key_len, NULL));
    JUNK_TOKEN("alg hs256",
               make_jwt(f, "{\"alg\":\"hs256\",\"typ\":\"JWT\"}", good_claims, key, key_len, NULL));
    JUNK_TOKEN("no alg", make_jwt(f, "{\"typ\":\"JWT\"}", good_claims, key, key_len, NULL));
    JUNK_TOKEN("crit header", make_jwt(f, "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", good_claims,
                                       key, key_len, NULL));
    JUNK_TOKEN("typ JWE",
               make_jwt(f, "{\"alg\":\"HS256\",\"typ\":\"JWE\"}", good_claims, key, key_len, NULL));
    uint8_t wrong_key[UD_SHA256_LEN];
    ud_sha256(wrong_key, "not the server's key", 20);
    JUNK_TOKEN("wrong key", make_jwt(f, HS256, good_claims, wrong_key, sizeof(wrong_key), NULL));
    JUNK_TOKEN("signed with the link key", make_jwt(f, HS256, good_claims, f->ctx.auth.link_key,
                                                    sizeof(f->ctx.auth.link_key), NULL));
    JUNK_TOKEN("signed with the secret itself",
               make_jwt(f, HS256, good_claims, SECRET_KEY, strlen(SECRET_KEY), NULL));
    JUNK_TOKEN("wrong issuer",
               make_jwt(f, HS256,
                        claims_of(f, "unify-evil", admin->id, org, "admin", now + 600, ""), key,
                        key_len, NULL));
    JUNK_TOKEN("no issuer",
               make_jwt(f, HS256,
                        ud_arena_sprintf(&f->arena,
                                         "{\"sub\":\"%s\",\"org\":\"%s\",\"role\":\"admin\","
                                         "\"exp\":%lld}",
                                         admin->id, org, (long long)(now + 600)),
                        key, key_len, NULL));
    JUNK_TOKEN("not yet valid", make_jwt(f, HS256,
                                         claims_of(f, "unify", admin->id, org, "admin", now + 1200,
                                                   ud_arena_sprintf(&f->arena, ",\"nbf\":%lld",
                                                                    (long long)(now + 600))),
                                         key, key_len, NULL));
    JUNK_TOKEN("exp as a string",
               make_jwt(f, HS256,
                        ud_arena_sprintf(&f->arena,
                                         "{\"iss\":\"unify\",\"sub\":\"%s\",\"org\":\"%s\","
                                         "\"exp\":\"%lld\"}",
                                         admin->id, org, (long long)(now + 600)),
                        key, key_len, NULL));
    JUNK_TOKEN("globex's user in acme",
               make_jwt(f, HS256,
                        claims_of(f, "unify", globex->users[ADMIN].id, org, "admin", now + 600, ""),
                        key, key_len, NULL));
    JUNK_TOKEN("acme's user in globex",
               make_jwt(f, HS256,
                        claims_of(f, "unify", admin->id, globex->org.id, "admin", now + 600, ""),
                        key, key_len, NULL));
    JUNK_TOKEN("unknown user",
               make_jwt(f, HS256,
                        claims_of(f, "unify", "00000000-0000-4000-8000-000000000000", org, "admin",
                                  now + 600, ""),
                        key, key_len, NULL));
    JUNK_TOKEN("user id in SQL",
               make_jwt(f, HS256, claims_of(f, "unify", "' OR 1=1 --", org, "admin", now + 600, ""),
                        key, key_len, NULL));
    JUNK_TOKEN("no org", make_jwt(f, HS256,
                                  ud_arena_sprintf(&f->arena,
                                                   "{\"iss\":\"unify\",\"sub\":\"%s\","
                                                   "\"exp\":%lld}",
                                                   admin->id, (long long)(now + 600)),
                                  key, key_len, NULL));
    JUNK_TOKEN(
        "duplicate sub",
        make_jwt(f, HS256,
                 ud_arena_sprintf(&f->arena,
                                  "{\"iss\":\"unify\",\"sub\":\"%s\",\"sub\":\"%s\","
                                  "\"org\":\"%s\",\"exp\":%lld}",
                                  globex->users[ADMIN].id, admin->id, org, (long long)(now + 600)),
                 key, key_len, NULL));
    char *tampered = ud_arena_strdup(&f->arena, good);
    char *sig = strrchr(tampered, '.') + 10;
    *sig = *sig == 'A' ? 'B' : 'A';
    JUNK_TOKEN("signature changed", tampered);
    JUNK_TOKEN("signature removed",
               ud_arena_strndup(&f->arena, good, strrchr(good, '.') - good + 1));
    JUNK_TOKEN("a fourth part", ud_arena_sprintf(&f->arena, "%s.AAAA", good));
    JUNK_TOKEN("padded base64",
               ud_arena_sprintf(&f->arena, "%.*s=%s", (int)(strchr(good, '.') - good), good,
                                strchr(good, '.')));
    char *huge = ud_arena_alloc(&f->arena, 9001);
    memset(huge, 'A', 9000);
    huge[9000] = '\0';
    JUNK_TOKEN("a 9000-character token", ud_arena_sprintf(&f->arena, "%s.%s.%s", huge, huge, huge));
#undef JUNK
#undef JUNK_TOKEN

    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    for (size_t i = 0; i < count; i++) {
        const ud_http_route *route = &routes[i];
        const route_case *rc = case_of(route);
        fill fl = fill_for(f, jwt(f, acme, ADMIN));
        built b;
        if (route->access == UD_ACCESS_PUBLIC) {
            /* Public routes answer anyone, and refuse what stands for a
             * credential in their body or query. */
            fl = fill_for(f, &f->nobody);
            build(&b, f, route, &fl, NULL);
            send_built(f, &f->nobody, reader_of(f, &f->nobody, &b, &fl), &b, NULL);
            expect(f, rc->ok, "a public route answers without a credential");
            built_dispose(&b);
            for (size_t v = 0; v < 4 && rc->bad_body[v]; v++) {
                build(&b, f, route, &fl, NULL);
                char *body = expand(f, rc->bad_body[v], &fl, NULL);
                send_built(f, &f->nobody, reader_of(f, &f->nobody, &b, &fl), &b, body);
                expect(f, 401, "a bad credential in the body");
                free(body);
                built_dispose(&b);
            }
            for (size_t v = 0; v < 7 && rc->bad_query[v]; v++) {
                build(&b, f, route, &fl, NULL);
                char sign_path[2048];
                snprintf(sign_path, sizeof(sign_path), "%s", b.path);
                char *query = expand(f, rc->bad_query[v], &fl, sign_path);
                set_target(&b, query);
                send_built(f, &f->nobody, &f->nobody_who, &b, NULL);
                expect(f, 401, "a bad link");
                free(query);
                built_dispose(&b);
            }
            continue;
        }
        /* One request for all of them: each refusal must leave its objects
         * as they were for the next. */
        build(&b, f, route, &fl, NULL);
        for (size_t j = 0; j < n; j++) {
            send_built(f, &junk[j], NULL, &b, NULL);
            char why[160];
            snprintf(why, sizeof(why), "%s is refused", junk[j].label);
            expect(f, 401, why);
            if (f->r.status == 401 && strcmp(f->r.www_authenticate, "Bearer") != 0)
                problem(f, "401 without WWW-Authenticate: Bearer for %s", f->last);
            check_untouched(f, &b);
        }
        built_dispose(&b);
    }
    fixture_stop(f);
}

/* Every non-public route with every working credential of both
 * organizations: what the spec allows succeeds, the rest is 403. Viewers
 * on the routes of signed-in users are left to viewers_have_search_only. */
void test_security__each_role_reaches_only_its_routes(void)
{
    fixture *f = start_sqlite();
    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    for (int o = 0; o < ORGS; o++) {
        org_fixture *of = &f->orgs[o];
        const cred *creds[] = {jwt(f, of, ADMIN),      jwt(f, of, MEMBER),
                               jwt(f, of, VIEWER),     &of->key_cred[KEY_SEARCH],
                               &of->key_cred[KEY_ASK], &of->key_cred[KEY_ADMIN],
                               &of->key_cred[KEY_NONE]};
        for (size_t i = 0; i < count; i++) {
            const ud_http_route *route = &routes[i];
            if (route->access == UD_ACCESS_PUBLIC)
                continue;
            const route_case *rc = case_of(route);
            for (size_t c = 0; c < sizeof(creds) / sizeof(creds[0]); c++) {
                if (creds[c]->role == VIEWER && route->access == UD_ACCESS_OWN)
                    continue;
                fill fl = fill_for(f, creds[c]);
                built b;
                build(&b, f, route, &fl, NULL);
                send_built(f, creds[c], NULL, &b, NULL);
                bool allowed = spec_allows(creds[c], route->access);
                expect(f, allowed ? rc->ok : 403,
                       allowed ? "the role may use the route" : "the role is too low");
                if (!allowed)
                    check_untouched(f, &b);
                built_dispose(&b);
            }
        }
    }

    /* The role comes from the store, not from the token: a viewer's token
     * claiming admin is still a viewer's, and an admin demoted a moment
     * ago is no longer one. */
    org_fixture *acme = &f->orgs[ACME];
    const char *forged = server_token(f, &acme->users[VIEWER], "admin");
    cred claims_admin = {"viewer token claiming admin",
                         bearer(f, forged),
                         NULL,
                         &acme->user_who[VIEWER],
                         ACME,
                         VIEWER,
                         -1};
    send_json(f, &claims_admin, "GET", "/v1/users", NULL);
    expect(f, 403, "a role claim in the token is not believed");
    send_json(f, &claims_admin, "GET", "/v1/me", NULL);
    expect(f, 200, "the token is otherwise good");
    UD_CHECK_CONTAINS(f->r.body, "\"role\":\"viewer\"");

    ud_user demoted;
    UD_CHECK_OK(ud_meta_user_create(&demoted, f->meta, &f->arena, acme->org.id,
                                    "demoted@example.test", "not-a-password-hash", "admin"));
    add_marker(f, demoted.id, ACME, NULL);
    cred was_admin = {"demoted admin",
                      bearer(f, server_token(f, &demoted, "admin")),
                      NULL,
                      &acme->user_who[ADMIN],
                      ACME,
                      ADMIN,
                      -1};
    send_json(f, &was_admin, "GET", "/v1/users", NULL);
    expect(f, 200, "an admin before the demotion");
    char path[128];
    snprintf(path, sizeof(path), "/v1/users/%s", demoted.id);
    send_json(f, jwt(f, acme, ADMIN), "PATCH", path, "{\"role\": \"viewer\"}");
    expect(f, 200, "the demotion");
    size_t i_count = 0;
    const ud_http_route *all = routes_of(&i_count);
    for (size_t i = 0; i < i_count; i++) {
        if (all[i].access != UD_ACCESS_ADMIN)
            continue;
        fill fl = fill_for(f, &was_admin);
        built b;
        build(&b, f, &all[i], &fl, NULL);
        send_built(f, &was_admin, NULL, &b, NULL);
        expect(f, 403, "a demoted admin's token no longer reaches admin routes");
        check_untouched(f, &b);
        built_dispose(&b);
    }
    fixture_stop(f);
}

/* Issue 4: "viewer: search only". The routes of a signed-in user's own
 * history and settings are not a viewer's. */
void test_security__viewers_have_search_only(void)
{
    fixture *f = start_sqlite();
    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    for (int o = 0; o < ORGS; o++) {
        const cred *viewer = jwt(f, &f->orgs[o], VIEWER);
        for (size_t i = 0; i < count; i++) {
            if (routes[i].access == UD_ACCESS_PUBLIC || routes[i].access == UD_ACCESS_SEARCH)
                continue;
            fill fl = fill_for(f, viewer);
            built b;
            build(&b, f, &routes[i], &fl, NULL);
            send_built(f, viewer, NULL, &b, NULL);
            expect(f, 403, "a viewer may only search");
            check_untouched(f, &b);
            built_dispose(&b);
        }
    }
    fixture_stop(f);
}

/* Counts of what an organization holds, to show nothing was added to it. */
typedef struct holdings {
    int64_t users, documents;
    size_t keys;
    const char *settings;
} holdings;

static void holdings_of(holdings *out, fixture *f, int o, ud_arena *arena)
{
    const char *org_id = f->orgs[o].org.id;
    UD_CHECK_OK(ud_meta_user_count(f->meta, org_id, &out->users));
    UD_CHECK_OK(ud_meta_document_count(f->meta, org_id, &out->documents));
    ud_apikey_row *keys = NULL;
    UD_CHECK_OK(ud_meta_apikey_list(&keys, &out->keys, f->meta, arena, org_id));
    ud_org org;
    UD_CHECK_OK(ud_meta_org_get(&org, f->meta, arena, org_id));
    out->settings = org.settings_json;
}

static void cross_org_sweep(fixture *f)
{
    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    for (int o = 0; o < ORGS; o++) {
        int other = 1 - o;
        org_fixture *of = &f->orgs[o];
        const cred *callers[] = {jwt(f, of, ADMIN), &of->key_cred[KEY_ADMIN]};
        for (size_t i = 0; i < count; i++) {
            const ud_http_route *route = &routes[i];
            const route_case *rc = case_of(route);
            if (pattern_params(route->pattern) == 0)
                continue;
            for (size_t c = 0; c < 2; c++) {
                const cred *as = route->access == UD_ACCESS_PUBLIC ? &f->nobody : callers[c];
                if (!spec_allows(as, route->access) || (c == 1 && as == &f->nobody))
                    continue;
                /* The other organization's objects; a raw link signed for
                 * the caller's own document. */
                fill fl = {other, MEMBER, f->orgs[other].users[MEMBER].id, false, o};
                built b;
                build(&b, f, route, &fl, NULL);
                identity *who = as == &f->nobody ? &of->user_who[MEMBER] : as->who;
                send_built(f, as, who, &b, NULL);
                expect(f, rc->cross_org ? rc->cross_org : 404,
                       "another organization's object does not exist");
                check_untouched(f, &b);
                built_dispose(&b);
            }
            /* Another user's history in the same organization. */
            if (route->access == UD_ACCESS_OWN) {
                fill fl = {o, MEMBER, of->users[ADMIN].id, false, o};
                built b;
                build(&b, f, route, &fl, NULL);
                send_built(f, jwt(f, of, MEMBER), NULL, &b, NULL);
                expect(f, 404, "another user's history entry does not exist");
                check_untouched(f, &b);
                built_dispose(&b);
            }
        }
        /* The private document is someone else's to everyone but its member. */
        for (size_t i = 0; i < count; i++) {
            const ud_http_route *route = &routes[i];
            const route_case *rc = case_of(route);
            if (rc->params[0] != P_DOC || route->access == UD_ACCESS_PUBLIC)
                continue;
            const cred *others[] = {jwt(f, of, ADMIN), jwt(f, of, VIEWER),
                                    &of->key_cred[KEY_ADMIN]};
            for (size_t c = 0; c < 3; c++) {
                fill fl = {o, MEMBER, of->users[MEMBER].id, true, o};
                built b;
                build(&b, f, route, &fl, NULL);
                send_built(f, others[c], NULL, &b, NULL);
                expect(f, 404, "a document the ACL does not name does not exist");
                built_dispose(&b);
            }
            fill fl = {o, MEMBER, of->users[MEMBER].id, true, o};
            built b;
            build(&b, f, route, &fl, NULL);
            send_built(f, jwt(f, of, MEMBER), NULL, &b, NULL);
            expect(f, rc->ok, "the member reads their own document");
            built_dispose(&b);
        }
    }

    /* The organization comes from the credential, never the request:
     * another organization named in a body, a query or a header changes
     * nothing there. */
    ud_arena arena;
    ud_arena_init(&arena);
    holdings before;
    holdings_of(&before, f, GLOBEX, &arena);
    const char *globex_id = f->orgs[GLOBEX].org.id;
    char extra_header[128];
    snprintf(extra_header, sizeof(extra_header), "X-Org-Id: %s", globex_id);
    for (size_t i = 0; i < count; i++) {
        const ud_http_route *route = &routes[i];
        const cred *as = strongest(f, ACME, route);
        fill fl = fill_for(f, as);
        built b;
        build(&b, f, route, &fl, NULL);
        char *body = NULL;
        if (b.body) {
            json_t *root = json_loads(b.body, 0, NULL);
            UD_CHECK(root != NULL);
            json_object_set_new(root, "org_id", json_string(globex_id));
            json_object_set_new(root, "org", json_string(ORG_SPECS[GLOBEX].slug));
            body = json_dumps(root, JSON_COMPACT);
            json_decref(root);
        }
        char query[512];
        snprintf(query, sizeof(query), "%s%sorg_id=%s&org=%s", b.query ? b.query : "",
                 b.query ? "&" : "", globex_id, ORG_SPECS[GLOBEX].slug);
        set_target(&b, query);
        call c = {.as = as,
                  .who = reader_of(f, as, &b, &fl),
                  .method = route->method,
                  .target = b.target,
                  .body = body ? body : b.body,
                  .extra_header = extra_header};
        send_call(f, &c);
        expect(f, NOT_5XX, "another organization named in the request");
        free(body);
        built_dispose(&b);
    }
    holdings after;
    holdings_of(&after, f, GLOBEX, &arena);
    if (after.users != before.users || after.documents != before.documents ||
        after.keys != before.keys || strcmp(after.settings, before.settings) != 0)
        problem(f,
                "requests of acme naming globex changed globex: users %lld -> %lld, keys %zu -> "
                "%zu, settings %s -> %s",
                (long long)before.users, (long long)after.users, before.keys, after.keys,
                before.settings, after.settings);
    ud_arena_dispose(&arena);
}

void test_security__other_organizations_ids_are_not_found(void)
{
    const char *urls[2];
    size_t stores = ud_test_store_urls(urls);
    char pg_url[600] = "";
    if (stores > 1)
        snprintf(pg_url, sizeof(pg_url), "%s", urls[1]);
    for (size_t s = 0; s < stores; s++) {
        fixture_opts opts = {.store_url = s == 0 ? NULL : pg_url,
                             .name = s == 0 ? "sqlite" : "postgres"};
        fixture *f = fixture_start(&opts);
        cross_org_sweep(f);
        fixture_stop(f);
    }
}

/* The searches of both users of an organization, with the words of the
 * private document and with a word every document has. */
void test_security__private_documents_stay_private(void)
{
    fixture *f = start_sqlite();
    for (int o = 0; o < ORGS; o++) {
        const struct org_spec *spec = &ORG_SPECS[o];
        org_fixture *of = &f->orgs[o];
        const cred *readers[] = {jwt(f, of, MEMBER), jwt(f, of, ADMIN), jwt(f, of, VIEWER),
                                 &of->key_cred[KEY_ADMIN], &of->key_cred[KEY_SEARCH]};
        const char *queries[] = {spec->private_word, "policy", "merger memo dossier takeover",
                                 "travel expense receipts"};
        const char *modes[] = {"bm25", "vector", "hybrid"};
        for (size_t r = 0; r < sizeof(readers) / sizeof(readers[0]); r++) {
            bool owner = r == 0;
            for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
                for (size_t m = 0; m < 3; m++) {
                    char body[512];
                    snprintf(body, sizeof(body),
                             "{\"query\": \"%s\", \"top_k\": 100, \"mode\": \"%s\", \"explain\": "
                             "true}",
                             queries[q], modes[m]);
                    send_json(f, readers[r], "POST", "/v1/search", body);
                    expect(f, 200, "a search");
                    if (f->r.status != 200)
                        continue;
                    json_t *root = reply_json(f);
                    json_t *results = json_object_get(root, "results");
                    bool found = false;
                    for (size_t i = 0; i < json_array_size(results); i++)
                        found |= strcmp(json_string_value(json_object_get(
                                            json_array_get(results, i), "document_id")),
                                        of->private_doc_id) == 0;
                    /* Counts and facets, should the reply grow them, count
                     * only what the reader may see: with the private word
                     * alone nothing at all. */
                    if (!owner && q == 0 && json_array_size(results) != 0)
                        problem(f, "%s found %zu results for the private word: %.300s", f->last,
                                json_array_size(results), f->r.body);
                    const char *totals[] = {"total", "count", "total_results", "facets"};
                    for (size_t t = 0; !owner && q == 0 && t < 4; t++) {
                        json_t *v = json_object_get(root, totals[t]);
                        if (v && !(json_is_integer(v) && json_integer_value(v) == 0) &&
                            !(json_is_object(v) && json_object_size(v) == 0) &&
                            !(json_is_array(v) && json_array_size(v) == 0))
                            problem(f, "%s: \"%s\" shows the private document: %.300s", f->last,
                                    totals[t], f->r.body);
                    }
                    if (owner && q < 2 && m == 0 && !found)
                        problem(f, "the member does not find their own document: %s: %.300s",
                                f->last, f->r.body);
                    if (!owner && found)
                        problem(f, "LEAK: %s found the private document", f->last);
                    json_decref(root);
                }
            }
        }
        /* The history records what each saw: the member 1 result for the
         * private word, everyone else 0. */
        const int users[] = {MEMBER, ADMIN};
        for (size_t u = 0; u < 2; u++) {
            send_json(f, jwt(f, of, users[u]), "GET", "/v1/history?limit=500", NULL);
            expect(f, 200, "the history");
            json_t *root = reply_json(f);
            json_t *history = json_object_get(root, "history");
            size_t seen = 0;
            for (size_t i = 0; i < json_array_size(history); i++) {
                json_t *e = json_array_get(history, i);
                if (strcmp(json_string_value(json_object_get(e, "query")), spec->private_word) != 0)
                    continue;
                seen++;
                int64_t results = json_integer_value(json_object_get(e, "results_count"));
                if (results != (users[u] == MEMBER ? 1 : 0))
                    problem(f, "%s's history counts %lld results for the private word",
                            of->users[users[u]].email, (long long)results);
            }
            if (seen == 0)
                problem(f, "%s's history lacks their searches", of->users[users[u]].email);
            json_decref(root);
        }
        /* The member's link to the raw file works, for the member. */
        char path[256];
        snprintf(path, sizeof(path), "/v1/documents/%s/link", of->private_doc_id);
        send_json(f, jwt(f, of, MEMBER), "POST", path, NULL);
        expect(f, 200, "the member links their document");
        json_t *root = reply_json(f);
        const char *url = json_string_value(json_object_get(root, "url"));
        UD_CHECK(url != NULL);
        char *link = strdup(url);
        json_decref(root);
        call c = {.as = &f->nobody, .who = &of->user_who[MEMBER], .method = "GET", .target = link};
        send_call(f, &c);
        expect(f, 200, "the raw file through the link");
        UD_CHECK_CONTAINS(f->r.body, spec->private_word);
        /* The same link into the other organization's namespace. */
        char *swapped = strdup(link);
        char *org_in_link = strstr(swapped, of->org.id);
        UD_CHECK(org_in_link != NULL);
        memcpy(org_in_link, f->orgs[1 - o].org.id, UD_UUID_LEN);
        call d = {.as = &f->nobody, .method = "GET", .target = swapped};
        send_call(f, &d);
        expect(f, 401, "a link moved to another organization");
        free(swapped);
        free(link);
        /* And the other organization's public word finds nothing here. */
        char body[256];
        snprintf(body, sizeof(body), "{\"query\": \"%s\"}", ORG_SPECS[1 - o].public_word);
        send_json(f, jwt(f, of, ADMIN), "POST", "/v1/search", body);
        expect(f, 200, "a search for the other organization's word");
        UD_CHECK_CONTAINS(f->r.body, "\"results\":[]");
    }
    fixture_stop(f);
}

/* Login, refresh (rotates), the old token again: refused, and the whole
 * family with it. Logout ends a family; expired and foreign tokens are
 * refused. */
void test_security__refresh_token_replay_revokes_the_family(void)
{
    fixture *f = start_sqlite();
    org_fixture *acme = &f->orgs[ACME];
    identity *member = &acme->user_who[MEMBER];
    char body[512];
    snprintf(body, sizeof(body), "{\"email\": \"%s\", \"password\": \"%s\"}",
             acme->users[MEMBER].email, PASSWORD);
    call c = {.as = &f->nobody,
              .who = member,
              .method = "POST",
              .target = "/v1/auth/login",
              .body = body};
    send_call(f, &c);
    expect(f, 200, "login");
    json_t *root = reply_json(f);
    char *first = strdup(json_string_value(json_object_get(root, "refresh_token")));
    json_decref(root);
    add_marker(f, first, ACME, acme->users[MEMBER].id);

    call refresh = {
        .as = &f->nobody, .who = member, .method = "POST", .target = "/v1/auth/refresh"};
    char request[2048];
    snprintf(request, sizeof(request), "{\"refresh_token\": \"%s\"}", first);
    refresh.body = request;
    send_call(f, &refresh);
    expect(f, 200, "the first refresh rotates the token");
    root = reply_json(f);
    const char *rotated_text = json_string_value(json_object_get(root, "refresh_token"));
    const char *access_text = json_string_value(json_object_get(root, "access_token"));
    UD_CHECK(rotated_text && access_text && strcmp(rotated_text, first) != 0);
    char *second = strdup(rotated_text);
    cred fresh = {"refreshed token", bearer(f, access_text), NULL, member, ACME, MEMBER, -1};
    json_decref(root);
    add_marker(f, second, ACME, acme->users[MEMBER].id);
    send_json(f, &fresh, "GET", "/v1/me", NULL);
    expect(f, 200, "the refreshed access token works");

    send_call(f, &refresh); /* the first token again: a replay */
    expect(f, 401, "a rotated refresh token presented again");
    snprintf(request, sizeof(request), "{\"refresh_token\": \"%s\"}", second);
    send_call(f, &refresh);
    expect(f, 401, "the token that replaced it is revoked with its family");
    send_call(f, &refresh);
    expect(f, 401, "and stays revoked");
    ud_arena arena;
    ud_arena_init(&arena);
    ud_audit_entry *entries = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_audit_list(&entries, &count, f->meta, &arena, NULL, 0, 1000));
    bool audited = false;
    for (size_t i = 0; i < count; i++)
        audited |= strcmp(entries[i].action, "refresh_replay") == 0;
    if (!audited)
        problem(f, "the replay is not in the audit log");
    ud_arena_dispose(&arena);

    /* Other families of the same user are not touched by the replay. */
    snprintf(request, sizeof(request), "{\"refresh_token\": \"%s\"}", refresh_of(f, acme, MEMBER));
    send_call(f, &refresh);
    expect(f, 200, "the user's other session goes on");

    /* Logout ends the family. */
    const char *session = new_refresh(f, ACME, MEMBER, false);
    snprintf(request, sizeof(request), "{\"refresh_token\": \"%s\"}", session);
    call logout = {.as = &f->nobody,
                   .who = member,
                   .method = "POST",
                   .target = "/v1/auth/logout",
                   .body = request};
    send_call(f, &logout);
    expect(f, 200, "logout");
    send_call(f, &refresh);
    expect(f, 401, "a logged-out refresh token");
    send_call(f, &logout);
    expect(f, NOT_5XX, "logging out twice");

    /* Expired, removed user, and not refresh tokens at all. */
    snprintf(request, sizeof(request), "{\"refresh_token\": \"%s\"}",
             new_refresh(f, ACME, MEMBER, true));
    send_call(f, &refresh);
    expect(f, 401, "an expired refresh token");
    const char *gone_id = new_user(f, ACME);
    char token[UD_REFRESH_TOKEN_LEN + 1], hash[UD_SHA256_HEX_LEN + 1];
    UD_CHECK_OK(ud_auth_new_refresh(token, hash));
    UD_CHECK_OK(ud_meta_refresh_create(f->meta, gone_id, acme->org.id, hash, ud_now() + 3600));
    UD_CHECK_OK(ud_meta_user_delete(f->meta, acme->org.id, gone_id));
    snprintf(request, sizeof(request), "{\"refresh_token\": \"%s\"}", token);
    send_call(f, &refresh);
    expect(f, 401, "a removed user's refresh token");
    const char *not_refresh[] = {access_of(f, acme, MEMBER), acme->key_secret[KEY_ADMIN], "",
                                 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
    for (size_t i = 0; i < 4; i++) {
        snprintf(request, sizeof(request), "{\"refresh_token\": \"%s\"}", not_refresh[i]);
        send_call(f, &refresh);
        /* An access token is longer than any refresh token: 400 or 401. */
        expect(f, i == 0 ? ANY_4XX : i == 2 ? 400 : 401, "not a refresh token");
    }
    free(first);
    free(second);
    fixture_stop(f);
}

static const struct payload {
    const char *text;
    size_t len; /* 0: strlen */
} SQL_PAYLOADS[] = {
    {"' OR 1=1 --", 0},
    {"' OR '1'='1", 0},
    {"\"; DROP TABLE users; --", 0},
    {"'); DROP TABLE organizations; --", 0},
    {"1' UNION SELECT password_hash, email FROM users --", 0},
    {"x@example.test' OR '1'='1", 0},
    {"*/ OR 1=1 /*", 0},
    {"%", 0},
    {"_", 0},
    {"$1", 0},
    {"\\x00", 0},
    {"a\0' OR 1=1 --", 13},
    {"\xca\xbc OR 1=1 --", 0}, /* U+02BC, an apostrophe look-alike */
};
#define SQL_PAYLOAD_COUNT (sizeof(SQL_PAYLOADS) / sizeof(SQL_PAYLOADS[0]))
/* Object keys and arguments a route does not read reach no SQL: the first
 * few payloads are enough there. */
#define FEW_PAYLOADS 3

/* What a body slot is: string values, object keys, numbers, or any value. */
enum slot_kind { SLOT_STRINGS, SLOT_KEYS, SLOT_NUMBERS, SLOT_VALUES };
#define SENTINEL "@@probe-slot@@"

/* A deep copy of v with its n-th slot (counting down *n, document order)
 * replaced by the string SENTINEL. The root itself is not a slot. */
static json_t *probe_copy(json_t *v, enum slot_kind kind, long *n, bool root)
{
    bool slot = !root && ((kind == SLOT_VALUES) || (kind == SLOT_STRINGS && json_is_string(v)) ||
                          (kind == SLOT_NUMBERS && json_is_number(v)));
    if (slot && (*n)-- == 0)
        return json_string(SENTINEL);
    if (json_is_object(v)) {
        json_t *out = json_object();
        const char *key;
        json_t *value;
        json_object_foreach(v, key, value)
        {
            const char *name = key;
            if (kind == SLOT_KEYS && (*n)-- == 0)
                name = SENTINEL;
            json_object_set_new(out, name, probe_copy(value, kind, n, false));
        }
        return out;
    }
    if (json_is_array(v)) {
        json_t *out = json_array();
        for (size_t i = 0; i < json_array_size(v); i++)
            json_array_append_new(out, probe_copy(json_array_get(v, i), kind, n, false));
        return out;
    }
    return json_deep_copy(v);
}

static long slot_count(const char *body, enum slot_kind kind)
{
    json_t *root = json_loads(body, 0, NULL);
    UD_CHECK(root != NULL);
    long n = 1000000;
    json_decref(probe_copy(root, kind, &n, true));
    json_decref(root);
    return 1000000 - n;
}

/* The body with its n-th slot written as `literal` (raw JSON text,
 * possibly invalid on purpose). malloc'd; *out_len its length. */
static char *with_slot(const char *body, enum slot_kind kind, long slot, const char *literal,
                       size_t literal_len, size_t *out_len)
{
    json_t *root = json_loads(body, 0, NULL);
    UD_CHECK(root != NULL);
    long n = slot;
    json_t *copy = probe_copy(root, kind, &n, true);
    char *text = json_dumps(copy, JSON_COMPACT);
    json_decref(copy);
    json_decref(root);
    const char *quoted = "\"" SENTINEL "\"";
    char *at = strstr(text, quoted);
    UD_CHECK(at != NULL);
    size_t head = (size_t)(at - text), tail = strlen(at + strlen(quoted));
    char *out = malloc(head + literal_len + tail + 1);
    UD_CHECK(out != NULL);
    memcpy(out, text, head);
    memcpy(out + head, literal, literal_len);
    memcpy(out + head + literal_len, at + strlen(quoted), tail + 1);
    *out_len = head + literal_len + tail;
    free(text);
    return out;
}

/* The JSON string literal of a payload (malloc'd). */
static char *json_literal(const struct payload *p)
{
    json_t *s = json_stringn(p->text, p->len ? p->len : strlen(p->text));
    UD_CHECK(s != NULL);
    char *text = json_dumps(s, JSON_ENCODE_ANY);
    json_decref(s);
    return text;
}

/* The store after the injections: every fixture object where it was, the
 * audit chain whole, logins and searches working. */
static void check_store_intact(fixture *f)
{
    ud_arena arena;
    ud_arena_init(&arena);
    int version = 0;
    UD_CHECK_OK(ud_meta_schema_version(f->meta, &version));
    UD_CHECK(version > 0);
    for (int o = 0; o < ORGS; o++) {
        org_fixture *of = &f->orgs[o];
        ud_org org;
        UD_CHECK_OK(ud_meta_org_get(&org, f->meta, &arena, of->org.id));
        UD_CHECK_EQ_STR(ORG_SPECS[o].slug, org.slug);
        UD_CHECK_EQ_STR("active", org.status);
        UD_CHECK_EQ_STR("enterprise", org.plan);
        for (int u = 0; u < USERS; u++) {
            ud_user user;
            UD_CHECK_OK(ud_meta_user_get(&user, f->meta, &arena, of->org.id, of->users[u].id));
            UD_CHECK_EQ_STR(ROLE[u], user.role);
            UD_CHECK_EQ_STR(of->users[u].password_hash, user.password_hash);
        }
        ud_user *users = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_meta_user_list(&users, &count, f->meta, &arena, of->org.id));
        for (size_t i = 0; i < count; i++)
            if (strcmp(users[i].org_id, of->org.id) != 0 || !strchr(users[i].email, '@') ||
                strchr(users[i].email, '\''))
                problem(f, "an odd user in %s: %s", ORG_SPECS[o].slug, users[i].email);
        /* The fixture's two documents, plus the imports folder's one file
         * for each source whose "sync now" of the sweeps ran (each source
         * has its own copy), counted once the workers are idle. */
        ud_scheduler_drain(f->scheduler);
        ud_source_row *sources = NULL;
        size_t source_count = 0;
        UD_CHECK_OK(ud_meta_source_list(&sources, &source_count, f->meta, &arena, of->org.id));
        int64_t synced = 0;
        for (size_t i = 0; i < source_count; i++)
            synced += sources[i].last_sync_status &&
                      strcmp(sources[i].last_sync_status, "completed") == 0;
        int64_t docs = 0;
        UD_CHECK_OK(ud_meta_document_count(f->meta, of->org.id, &docs));
        UD_CHECK_EQ_INT(2 + synced, docs);
        ud_doc_row doc;
        UD_CHECK_OK(ud_meta_document_get(&doc, f->meta, &arena, of->org.id, of->private_doc_id));
        UD_CHECK_CONTAINS(doc.acl_json, of->users[MEMBER].email);
        ud_apikey_row *keys = NULL;
        UD_CHECK_OK(ud_meta_apikey_list(&keys, &count, f->meta, &arena, of->org.id));
        for (int k = 0; k < KEYS; k++) {
            bool found = false;
            for (size_t i = 0; i < count; i++)
                if (strcmp(keys[i].id, of->keys[k].id) == 0) {
                    found = true;
                    UD_CHECK_EQ_INT(k == KEY_REVOKED, keys[i].revoked_at != 0);
                }
            UD_CHECK(found);
        }
    }
    ud_audit_report report;
    if (ud_meta_audit_verify(&report, f->meta) < 0)
        problem(f, "the audit chain is broken at %lld: %s", (long long)report.bad_seq,
                report.problem);
    ud_arena_dispose(&arena);
    /* Logins and searches still work. */
    login(f, ACME, VIEWER);
    char body[128];
    snprintf(body, sizeof(body), "{\"query\": \"%s\"}", ORG_SPECS[ACME].public_word);
    send_json(f, jwt(f, &f->orgs[ACME], VIEWER), "POST", "/v1/search", body);
    expect(f, 200, "a search after the injections");
    UD_CHECK_CONTAINS(f->r.body, f->orgs[ACME].doc_id);
}

/* The query with the value of its index-th argument replaced by `value`
 * (already escaped); an index past the last appends q=value. */
static void rewrite_query(char *out, size_t size, const char *query, size_t index,
                          const char *value)
{
    size_t used = 0, i = 0;
    bool replaced = false;
    out[0] = '\0';
    for (const char *arg = query ? query : ""; *arg; i++) {
        const char *end = strchr(arg, '&');
        size_t len = end ? (size_t)(end - arg) : strlen(arg);
        const char *eq = memchr(arg, '=', len);
        size_t name_len = eq ? (size_t)(eq - arg) : len;
        if (i == index) {
            used += (size_t)snprintf(out + used, size - used, "%s%.*s=%s", used ? "&" : "",
                                     (int)name_len, arg, value);
            replaced = true;
        } else {
            used +=
                (size_t)snprintf(out + used, size - used, "%s%.*s", used ? "&" : "", (int)len, arg);
        }
        UD_CHECK(used < size);
        arg += len + (end ? 1 : 0);
    }
    if (!replaced)
        snprintf(out + used, size - used, "%sq=%s", used ? "&" : "", value);
}

/* How many arguments a query string has. */
static size_t query_args(const char *query)
{
    size_t args = query && query[0] ? 1 : 0;
    for (const char *q = query ? query : ""; *q; q++)
        args += *q == '&';
    return args;
}

static void injection_sweep(fixture *f)
{
    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    CURL *curl = f->client.curl;
    for (size_t i = 0; i < count; i++) {
        const ud_http_route *route = &routes[i];
        const route_case *rc = case_of(route);
        const cred *as = strongest(f, ACME, route);
        fill fl = fill_for(f, as);
        /* A public route's body is its credential: changed, it must fail. */
        int body_want = rc->bad_body[0] ? ANY_4XX : NOT_5XX;
        built b;
        /* Body fields: every string and every key. */
        for (int kind = SLOT_STRINGS; kind <= SLOT_KEYS && rc->body; kind++) {
            build(&b, f, route, &fl, NULL);
            long slots = slot_count(b.body, (enum slot_kind)kind);
            built_dispose(&b);
            size_t payloads = kind == SLOT_KEYS ? FEW_PAYLOADS : SQL_PAYLOAD_COUNT;
            for (long s = 0; s < slots; s++) {
                for (size_t p = 0; p < payloads; p++) {
                    build(&b, f, route, &fl, NULL);
                    char *literal = json_literal(&SQL_PAYLOADS[p]);
                    size_t len = 0;
                    char *body =
                        with_slot(b.body, (enum slot_kind)kind, s, literal, strlen(literal), &len);
                    call c = {.as = as,
                              .who = reader_of(f, as, &b, &fl),
                              .method = route->method,
                              .target = b.target,
                              .body = body,
                              .body_len = len};
                    send_call(f, &c);
                    expect(f, kind == SLOT_KEYS ? NOT_5XX : body_want, "SQL in a body field");
                    free(body);
                    free(literal);
                    built_dispose(&b);
                }
            }
        }
        /* Path parameters. */
        size_t params = pattern_params(route->pattern);
        for (size_t k = 0; k < params; k++) {
            for (size_t p = 0; p < SQL_PAYLOAD_COUNT; p++) {
                const struct payload *pl = &SQL_PAYLOADS[p];
                char *escaped =
                    curl_easy_escape(curl, pl->text, (int)(pl->len ? pl->len : strlen(pl->text)));
                const char *override[2] = {NULL, NULL};
                override[k] = escaped;
                build(&b, f, route, &fl, override);
                send_built(f, as, reader_of(f, as, &b, &fl), &b, NULL);
                expect(f, ANY_4XX, "SQL in a path parameter");
                check_untouched(f, &b);
                built_dispose(&b);
                curl_free(escaped);
            }
        }
        /* Query arguments: each of the route's, and one it does not know. */
        size_t args = query_args(rc->query);
        for (size_t a = 0; a <= args; a++) {
            for (size_t p = 0; p < (a == args ? FEW_PAYLOADS : SQL_PAYLOAD_COUNT); p++) {
                const struct payload *pl = &SQL_PAYLOADS[p];
                char *escaped =
                    curl_easy_escape(curl, pl->text, (int)(pl->len ? pl->len : strlen(pl->text)));
                build(&b, f, route, &fl, NULL);
                char rewritten[4096];
                rewrite_query(rewritten, sizeof(rewritten), b.query, a, escaped);
                set_target(&b, rewritten);
                send_built(f, as, reader_of(f, as, &b, &fl), &b, NULL);
                expect(f, a == args ? NOT_5XX : ANY_4XX, "SQL in a query argument");
                built_dispose(&b);
                curl_free(escaped);
            }
        }
    }
}

void test_security__sql_injection_fails_cleanly(void)
{
    const char *urls[2];
    size_t stores = ud_test_store_urls(urls);
    char pg_url[600] = "";
    if (stores > 1)
        snprintf(pg_url, sizeof(pg_url), "%s", urls[1]);
    for (size_t s = 0; s < stores; s++) {
        fixture_opts opts = {.store_url = s == 0 ? NULL : pg_url,
                             .name = s == 0 ? "sqlite" : "postgres"};
        fixture *f = fixture_start(&opts);
        injection_sweep(f);
        check_store_intact(f);
        fixture_stop(f);
    }
}

/* A body of `depth` nested arrays or objects (malloc'd). */
static char *nested(size_t depth, bool objects, size_t *out_len)
{
    const char *open = objects ? "{\"a\":" : "[";
    const char *close = objects ? "}" : "]";
    size_t o = strlen(open);
    char *out = malloc(depth * (o + 1) + 2);
    UD_CHECK(out != NULL);
    size_t len = 0;
    for (size_t i = 0; i < depth; i++, len += o)
        memcpy(out + len, open, o);
    out[len++] = '1';
    for (size_t i = 0; i < depth; i++)
        out[len++] = close[0];
    out[len] = '\0';
    *out_len = len;
    return out;
}

void test_security__malformed_bodies_fail_cleanly(void)
{
    fixture *f = start_sqlite();
    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    static const char *const wrong_types[] = {"text/plain",
                                              "application/x-www-form-urlencoded",
                                              "application/jsonx",
                                              "application/json-patch+json",
                                              "multipart/form-data; boundary=x",
                                              "json",
                                              "*/*"};
    static const char *const right_types[] = {"application/json; charset=utf-8",
                                              "APPLICATION/JSON"};
    static const char *const malformed[] = {"{",
                                            "}",
                                            "{\"a\":}",
                                            "not json",
                                            "[]",
                                            "[{}]",
                                            "\"text\"",
                                            "42",
                                            "null",
                                            "true",
                                            "{\"a\":1,\"a\":2}",
                                            "{} {}",
                                            "{\"a\":1,}",
                                            "{'a': 1}",
                                            "{\"a\":\"\\x41\"}",
                                            "{\"a\":\"\x01\"}",
                                            "{\"a\":1e99999999999}",
                                            "{\"a\":\"unterminated}"};
    static const char *const bad_utf8[] = {
        "\"\xff\"",         "\"\xc3\x28\"",         "\"\xc0\xaf\"",
        "\"\xed\xa0\x80\"", "\"abc\xe2\x82\"",      "\"\\ud800\"",
        "\"\\udc00x\"",     "\"\xf4\x90\x80\x80\"", "\"\xfe\xfe\xff\xff\"",
        "\"\\u0000\""};
    static const char *const numbers[] = {
        "1e400", "-1", "0", "9223372036854775808", "-9223372036854775809", "1.5", "\"5\"", "-0"};
    static const char *const values[] = {"null", "true", "[]", "{}", "\"\"", "[[[[1]]]]", "0"};
    /* A long string of three-byte characters: past every field's length
     * cap, and cut mid-character by any fixed-size message buffer that
     * quotes it. */
    char *long_string = malloc(3003);
    UD_CHECK(long_string != NULL);
    long_string[0] = '"';
    for (size_t i = 0; i < 1000; i++)
        memcpy(long_string + 1 + 3 * i, "\xe2\x82\xac", 3); /* U+20AC */
    memcpy(long_string + 3001, "\"", 2);
    const char *long_keys[] = {long_string};

    for (size_t i = 0; i < count; i++) {
        const ud_http_route *route = &routes[i];
        const route_case *rc = case_of(route);
        const cred *as = strongest(f, ACME, route);
        fill fl = fill_for(f, as);
        built b;

        /* Over the body cap, on every route, declared and chunked. */
        char *big = malloc(MAX_BODY + 2);
        UD_CHECK(big != NULL);
        memset(big, ' ', MAX_BODY + 1);
        memcpy(big, "{\"query\": \"", 11);
        memcpy(big + MAX_BODY - 1, "\"}", 2);
        big[MAX_BODY + 1] = '\0';
        for (int chunked = 0; chunked < 2; chunked++) {
            build(&b, f, route, &fl, NULL);
            call c = {.as = as,
                      .who = reader_of(f, as, &b, &fl),
                      .method = route->method,
                      .target = b.target,
                      .body = big,
                      .body_len = MAX_BODY + 1,
                      .chunked = chunked == 1};
            send_call(f, &c);
            expect(f, 413, chunked ? "an oversized chunked body" : "an oversized body");
            built_dispose(&b);
        }
        free(big);

        /* Invalid UTF-8 in path parameters and query arguments. */
        static const char *const bad_url_utf8[] = {"%FF%FE", "%C0%AF", "%ED%A0%80", "%E2%82"};
        size_t params = pattern_params(route->pattern);
        for (size_t k = 0; k < params; k++) {
            for (size_t u = 0; u < sizeof(bad_url_utf8) / sizeof(bad_url_utf8[0]); u++) {
                const char *override[2] = {NULL, NULL};
                override[k] = bad_url_utf8[u];
                build(&b, f, route, &fl, override);
                send_built(f, as, reader_of(f, as, &b, &fl), &b, NULL);
                expect(f, ANY_4XX, "invalid UTF-8 in a path parameter");
                check_untouched(f, &b);
                built_dispose(&b);
            }
        }
        for (size_t a = 0; a <= query_args(rc->query); a++) {
            for (size_t u = 0; u < sizeof(bad_url_utf8) / sizeof(bad_url_utf8[0]); u++) {
                build(&b, f, route, &fl, NULL);
                char rewritten[4096];
                rewrite_query(rewritten, sizeof(rewritten), b.query, a, bad_url_utf8[u]);
                set_target(&b, rewritten);
                send_built(f, as, reader_of(f, as, &b, &fl), &b, NULL);
                /* An argument the route does not read is ignored. */
                expect(f, a == query_args(rc->query) ? rc->ok : ANY_4XX,
                       "invalid UTF-8 in a query argument");
                built_dispose(&b);
            }
        }
        if (!rc->body)
            continue;

        for (size_t t = 0; t < sizeof(wrong_types) / sizeof(wrong_types[0]) + 1; t++) {
            build(&b, f, route, &fl, NULL);
            bool none = t == sizeof(wrong_types) / sizeof(wrong_types[0]);
            call c = {.as = as,
                      .who = reader_of(f, as, &b, &fl),
                      .method = route->method,
                      .target = b.target,
                      .body = b.body,
                      .content_type = none ? NULL : wrong_types[t],
                      .no_content_type = none};
            send_call(f, &c);
            expect(f, 415, "a body that is not declared JSON");
            built_dispose(&b);
        }
        for (size_t t = 0; t < 3; t++) {
            build(&b, f, route, &fl, NULL);
            call c = {.as = as,
                      .who = reader_of(f, as, &b, &fl),
                      .method = route->method,
                      .target = b.target,
                      .body = b.body,
                      .content_type = t < 2 ? right_types[t] : NULL,
                      .chunked = t == 2};
            send_call(f, &c);
            expect(f, rc->ok, t < 2 ? "JSON with parameters or in capitals" : "a chunked body");
            built_dispose(&b);
        }
        /* Not JSON, or not an object, or empty. */
        for (size_t m = 0; m < sizeof(malformed) / sizeof(malformed[0]) + 2; m++) {
            build(&b, f, route, &fl, NULL);
            size_t nm = sizeof(malformed) / sizeof(malformed[0]);
            /* The valid body cut short, and an empty body. */
            char *cut = strndup(b.body, strlen(b.body) / 2);
            call c = {.as = as,
                      .who = reader_of(f, as, &b, &fl),
                      .method = route->method,
                      .target = b.target,
                      .body = m < nm    ? malformed[m]
                              : m == nm ? cut
                                        : NULL,
                      .empty_body = m == nm + 1};
            send_call(f, &c);
            expect(f, 400, "a body that is not a JSON object");
            free(cut);
            built_dispose(&b);
        }
        /* A NUL byte inside the body. */
        build(&b, f, route, &fl, NULL);
        char *with_nul = strdup(b.body);
        size_t body_len = strlen(with_nul);
        with_nul[body_len / 2] = '\0';
        call nul = {.as = as,
                    .who = reader_of(f, as, &b, &fl),
                    .method = route->method,
                    .target = b.target,
                    .body = with_nul,
                    .body_len = body_len};
        send_call(f, &nul);
        expect(f, 400, "a NUL byte in the body");
        free(with_nul);
        built_dispose(&b);
        /* Deep nesting: past jansson's limit (2048) alone, and below it as
         * the value of a field. */
        for (int objects = 0; objects < 2; objects++) {
            size_t len = 0;
            char *deep = nested(2100, objects == 1, &len);
            build(&b, f, route, &fl, NULL);
            call c = {.as = as,
                      .who = reader_of(f, as, &b, &fl),
                      .method = route->method,
                      .target = b.target,
                      .body = deep,
                      .body_len = len};
            send_call(f, &c);
            expect(f, 400, "JSON nested too deep");
            free(deep);
            built_dispose(&b);
        }

        /* Slots of the valid body: invalid UTF-8 in each string and key,
         * extreme numbers, other types, deep values, long strings. */
        struct {
            enum slot_kind kind;
            const char *const *literals;
            size_t count;
            int want;
        } rounds[] = {
            {SLOT_STRINGS, bad_utf8, sizeof(bad_utf8) / sizeof(bad_utf8[0]), 400},
            {SLOT_KEYS, bad_utf8, sizeof(bad_utf8) / sizeof(bad_utf8[0]), 400},
            {SLOT_NUMBERS, numbers, sizeof(numbers) / sizeof(numbers[0]), NOT_5XX},
            {SLOT_VALUES, values, sizeof(values) / sizeof(values[0]), NOT_5XX},
            {SLOT_KEYS, long_keys, 1, NOT_5XX},
        };
        for (size_t round = 0; round < sizeof(rounds) / sizeof(rounds[0]); round++) {
            build(&b, f, route, &fl, NULL);
            long slots = slot_count(b.body, rounds[round].kind);
            built_dispose(&b);
            for (long s = 0; s < slots; s++) {
                for (size_t l = 0; l < rounds[round].count + 2; l++) {
                    if (l >= rounds[round].count && rounds[round].kind != SLOT_VALUES)
                        break;
                    size_t deep_len = 0;
                    char *deep = l == rounds[round].count ? nested(1000, false, &deep_len) : NULL;
                    const char *literal = l < rounds[round].count    ? rounds[round].literals[l]
                                          : l == rounds[round].count ? deep
                                                                     : long_string;
                    build(&b, f, route, &fl, NULL);
                    size_t len = 0;
                    char *body = with_slot(b.body, rounds[round].kind, s, literal,
                                           deep ? deep_len : strlen(literal), &len);
                    call c = {.as = as,
                              .who = reader_of(f, as, &b, &fl),
                              .method = route->method,
                              .target = b.target,
                              .body = body,
                              .body_len = len};
                    send_call(f, &c);
                    expect(f, rounds[round].want,
                           rounds[round].want == 400 ? "invalid UTF-8 in the body"
                                                     : "an odd value in a field");
                    free(body);
                    free(deep);
                    built_dispose(&b);
                }
            }
        }
    }
    free(long_string);

    /* Still serving: a search finds what it found before. */
    char body[128];
    snprintf(body, sizeof(body), "{\"query\": \"%s\"}", ORG_SPECS[ACME].public_word);
    send_json(f, jwt(f, &f->orgs[ACME], VIEWER), "POST", "/v1/search", body);
    expect(f, 200, "a search after the malformed requests");
    UD_CHECK_CONTAINS(f->r.body, f->orgs[ACME].doc_id);
    fixture_stop(f);
}

/* A suspended or cancelled organization's users and keys are refused
 * everywhere; the other organization is not affected; reactivated, it
 * works again. */
void test_security__suspended_organizations_are_refused(void)
{
    fixture *f = start_sqlite();
    org_fixture *globex = &f->orgs[GLOBEX];
    size_t count = 0;
    const ud_http_route *routes = routes_of(&count);
    const char *states[] = {"suspended", "cancelled"};
    for (int u = 0; u < USERS; u++)
        jwt(f, globex, u); /* signed in while the organization was active */
    for (size_t st = 0; st < 2; st++) {
        UD_CHECK_OK(ud_meta_org_set_status(f->meta, globex->org.id, states[st]));
        const cred *creds[] = {jwt(f, globex, ADMIN), jwt(f, globex, MEMBER),
                               jwt(f, globex, VIEWER), &globex->key_cred[KEY_ADMIN],
                               &globex->key_cred[KEY_SEARCH]};
        for (size_t i = 0; i < count; i++) {
            const ud_http_route *route = &routes[i];
            const route_case *rc = case_of(route);
            if (route->access == UD_ACCESS_PUBLIC) {
                if (!rc->bad_body[0] && !rc->bad_query[0])
                    continue; /* carries no credential */
                if (strcmp(route->pattern, "/v1/auth/logout") == 0)
                    continue; /* ending a session needs no live organization */
                fill fl = fill_for(f, jwt(f, globex, MEMBER));
                built b;
                build(&b, f, route, &fl, NULL);
                send_built(f, &f->nobody, &globex->user_who[MEMBER], &b, NULL);
                expect(f, 403, "the organization is not active");
                built_dispose(&b);
                continue;
            }
            for (size_t c = 0; c < sizeof(creds) / sizeof(creds[0]); c++) {
                fill fl = fill_for(f, creds[c]);
                built b;
                build(&b, f, route, &fl, NULL);
                send_built(f, creds[c], NULL, &b, NULL);
                expect(f, 403, "the organization is not active");
                check_untouched(f, &b);
                built_dispose(&b);
            }
        }
        send_json(f, jwt(f, &f->orgs[ACME], VIEWER), "GET", "/v1/me", NULL);
        expect(f, 200, "the other organization goes on");
    }
    UD_CHECK_OK(ud_meta_org_set_status(f->meta, globex->org.id, "active"));
    send_json(f, jwt(f, globex, VIEWER), "GET", "/v1/me", NULL);
    expect(f, 200, "reactivated");
    send_json(f, &globex->key_cred[KEY_SEARCH], "GET", "/v1/me", NULL);
    expect(f, 200, "reactivated");
    fixture_stop(f);
}

/* Connections that never finish their request. */
static const char *const PARTIAL_REQUESTS[] = {
    "",                                             /* connects, says nothing */
    "GE",                                           /* half a method */
    "GET /healthz HTTP/1.1\r\nHost: localhost\r\n", /* headers that never end */
    "POST /v1/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    "Content-Length: 1000\r\n\r\n{\"query\": \"", /* a body that never arrives */
    "POST /v1/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n\r\n100\r\n{\"query", /* a chunk that never ends */
};
#define PARTIAL_COUNT (sizeof(PARTIAL_REQUESTS) / sizeof(PARTIAL_REQUESTS[0]))

void test_security__slow_clients_are_cut_off(void)
{
    fixture_opts opts = {.name = "slow", .timeout_seconds = 1};
    fixture *f = fixture_start(&opts);
    /* More stalled connections than the server has threads. */
    int fds[3 * PARTIAL_COUNT];
    size_t n = 0;
    for (int round = 0; round < 3; round++)
        for (size_t p = 0; p < PARTIAL_COUNT; p++) {
            fds[n] = ud_test_tcp_connect(f->port);
            UD_CHECK(ud_test_tcp_send(fds[n], PARTIAL_REQUESTS[p], strlen(PARTIAL_REQUESTS[p])));
            n++;
        }
    /* Others are served meanwhile. */
    char body[128];
    snprintf(body, sizeof(body), "{\"query\": \"%s\"}", ORG_SPECS[ACME].public_word);
    for (int i = 0; i < 8; i++) {
        send_json(f, &f->nobody, "GET", "/healthz", NULL);
        expect(f, 200, "served while slow clients hang on");
        send_json(f, &f->orgs[ACME].key_cred[KEY_SEARCH], "POST", "/v1/search", body);
        expect(f, 200, "served while slow clients hang on");
    }
    /* And the stalled ones are cut off: a bound, not a wait. */
    for (size_t i = 0; i < n; i++) {
        if (!ud_test_tcp_wait_closed(fds[i], 20000))
            problem(f, "a client that sent \"%.40s\" and stopped is still connected after 20 s",
                    PARTIAL_REQUESTS[i % PARTIAL_COUNT]);
        close(fds[i]);
    }
    send_json(f, &f->orgs[ACME].key_cred[KEY_SEARCH], "POST", "/v1/search", body);
    expect(f, 200, "served after the slow clients");
    fixture_stop(f);
}

/* Clients that keep sending a byte now and then but never finish: the idle
 * timeout never fires for them, yet they must be cut off too, or a few
 * hundred of them hold every connection. The server's timeout is 1 s here;
 * they send a byte every 250 ms, and must be gone within 3 s. */
void test_security__trickling_clients_are_cut_off(void)
{
    fixture_opts opts = {.name = "trickle", .timeout_seconds = 1};
    fixture *f = fixture_start(&opts);
    static const struct trickle {
        const char *start; /* sent at once */
        char drip;         /* then this, one byte at a time */
    } trickles[] = {
        {"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", 'a'},
        {"POST /v1/search HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
         "Content-Length: 10000\r\n\r\n{\"query\": \"",
         'b'},
    };
    int fds[2];
    bool closed[2] = {false, false};
    for (size_t i = 0; i < 2; i++) {
        fds[i] = ud_test_tcp_connect(f->port);
        UD_CHECK(ud_test_tcp_send(fds[i], trickles[i].start, strlen(trickles[i].start)));
    }
    double started = ud_monotonic_ms();
    bool served = false;
    while (ud_monotonic_ms() - started < 3000 && !(closed[0] && closed[1])) {
        for (size_t i = 0; i < 2; i++) {
            if (closed[i])
                continue;
            /* The drip's pace comes from the poll on the socket: it also
             * notices the server closing it. */
            closed[i] = !ud_test_tcp_send(fds[i], &trickles[i].drip, 1) ||
                        ud_test_tcp_wait_closed(fds[i], 125);
        }
        if (!served) {
            send_json(f, &f->nobody, "GET", "/healthz", NULL);
            expect(f, 200, "served while clients trickle");
            served = true;
        }
    }
    for (size_t i = 0; i < 2; i++) {
        if (!closed[i])
            problem(f,
                    "a client trickling a byte every 250 ms after \"%.30s...\" is still "
                    "connected after 3 s (timeout 1 s): nothing bounds the time a request may "
                    "take to arrive",
                    trickles[i].start);
        close(fds[i]);
    }
    fixture_stop(f);
}
