/*
 * Keeps docs/openapi.yaml true to the server. The document must be valid
 * OpenAPI (python3's openapi-spec-validator); its operations must be
 * exactly the routes of ud_api_routes(), each with the route's access level
 * (x-access) and security; each must document the errors its access level
 * and body imply; and the routes whose handlers read a JSON body (found by
 * asking a live server) must be the ones it gives a JSON request body. A
 * route added to the table without being described here fails the suite.
 *
 * The document is read by a small python3 script (PyYAML) that prints one
 * line per operation; the comparisons are made here, in C. Without python3,
 * PyYAML or the validator these tests fail: they must not pass by not
 * running.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/config.h"
#include "base/log.h"
#include "doc/document.h"
#include "index/search.h"
#include "server/api.h"
#include "server/http.h"
#include "store/counters.h"
#include "store/meta.h"
#include "test.h"

/* Relative to the current directory: scripts/test.sh runs the suite from
 * the repository root. */
#define SPEC_FILE "docs/openapi.yaml"
#define MAX_OPS 256

/* Prints "SCHEMES name,name" (the security schemes the document defines),
 * then one line per operation, tab-separated:
 *   METHOD /path  x-access  security  body  statuses  headers
 * security: "none" for `security: []`, "-" when not given, else the scheme
 * names; body: "none", "json" (required application/json), "json-optional"
 * or "other"; statuses: the documented codes; headers: "code:header" pairs
 * of the responses (after following $refs), lower-case. */
static const char OPS_SCRIPT[] =
    "import sys, yaml\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    spec = yaml.safe_load(f)\n"
    "components = spec.get('components') or {}\n"
    "def resolve(obj, kind):\n"
    "    prefix = '#/components/%s/' % kind\n"
    "    while isinstance(obj, dict) and '$ref' in obj:\n"
    "        ref = obj['$ref']\n"
    "        if not ref.startswith(prefix):\n"
    "            sys.exit('unsupported $ref ' + ref)\n"
    "        obj = components[kind][ref[len(prefix):]]\n"
    "    return obj\n"
    "print('SCHEMES ' + (','.join(sorted(components.get('securitySchemes') or {})) or '-'))\n"
    "methods = ('get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace')\n"
    "for path, item in (spec.get('paths') or {}).items():\n"
    "    for method in methods:\n"
    "        op = item.get(method)\n"
    "        if op is None:\n"
    "            continue\n"
    "        sec = op.get('security', spec.get('security'))\n"
    "        if sec is None:\n"
    "            security = '-'\n"
    "        else:\n"
    "            security = ','.join(sorted({n for req in sec for n in req})) or 'none'\n"
    "        body = resolve(op.get('requestBody'), 'requestBodies')\n"
    "        if not body:\n"
    "            kind = 'none'\n"
    "        elif 'application/json' in (body.get('content') or {}):\n"
    "            kind = 'json' if body.get('required') else 'json-optional'\n"
    "        else:\n"
    "            kind = 'other'\n"
    "        statuses, headers = [], []\n"
    "        for code, response in (op.get('responses') or {}).items():\n"
    "            statuses.append(str(code))\n"
    "            for name in (resolve(response, 'responses').get('headers') or {}):\n"
    "                headers.append('%s:%s' % (code, name.lower()))\n"
    "        print('%s %s\\t%s\\t%s\\t%s\\t%s\\t%s' % (method.upper(), path,\n"
    "              op.get('x-access', '-'), security, kind,\n"
    "              ','.join(statuses) or '-', ','.join(headers) or '-'))\n";

static const char VALIDATE_SCRIPT[] =
    "import sys, yaml\n"
    "from openapi_spec_validator import validate\n"
    "with open(sys.argv[1], encoding='utf-8') as f:\n"
    "    spec = yaml.safe_load(f)\n"
    "version = str(spec.get('openapi', ''))\n"
    "if not (version.startswith('3.0.') or version.startswith('3.1.')):\n"
    "    sys.exit('openapi must be 3.0.x or 3.1.x, not ' + repr(version))\n"
    "try:\n"
    "    validate(spec)\n"
    "except Exception as e:\n"
    "    sys.exit('%s: %s' % (type(e).__name__, e))\n"
    "print('valid OpenAPI ' + version)\n";

/* One operation of the document; the strings point into spec.text. */
typedef struct op {
    const char *method;
    const char *path;
    const char *access;
    const char *security;
    const char *body;
    const char *statuses;
    const char *headers;
} op;

typedef struct spec {
    char *text; /* the script's output, cut up in place */
    const char *schemes;
    op ops[MAX_OPS];
    size_t count;
} spec;

/* What went wrong, gathered so that one run names every problem. */
typedef struct problems {
    char text[3600];
    size_t len;
    size_t count;
} problems;

__attribute__((format(printf, 2, 3))) static void problem(problems *p, const char *fmt, ...)
{
    p->count++;
    if (p->len + 2 >= sizeof(p->text))
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(p->text + p->len, sizeof(p->text) - p->len - 1, fmt, ap);
    va_end(ap);
    if (n > 0)
        p->len +=
            (size_t)n < sizeof(p->text) - p->len - 1 ? (size_t)n : sizeof(p->text) - p->len - 2;
    p->text[p->len++] = '\n';
    p->text[p->len] = '\0';
}

static void check_no_problems(const problems *p, const char *what)
{
    if (p->count)
        ud_test_fail(__FILE__, __LINE__, "%s: %zu problem(s):\n%s", what, p->count, p->text);
}

/* Fails, loudly, without python3 and the modules the document's checks need. */
static void require_python(void)
{
    char *out = NULL;
    int status = ud_test_run(&out, "python3 -c 'import yaml, openapi_spec_validator'");
    if (status != 0)
        ud_test_fail(__FILE__, __LINE__,
                     "python3 with PyYAML and openapi-spec-validator is required to check "
                     "docs/openapi.yaml (pip install pyyaml openapi-spec-validator; Debian "
                     "has python3-yaml but no package of the validator); "
                     "'python3 -c \"import yaml, openapi_spec_validator\"' exited %d: %s",
                     status, out);
    free(out);
}

static const char *spec_file(void)
{
    if (access(SPEC_FILE, R_OK) != 0) {
        char cwd[512];
        ud_test_fail(__FILE__, __LINE__,
                     "cannot read %s from %s (%s): the tests run from the repository root",
                     SPEC_FILE, getcwd(cwd, sizeof(cwd)) ? cwd : "?", strerror(errno));
    }
    return SPEC_FILE;
}

/* Runs a python script (text) on the document; returns its output. */
static char *run_script(const char *name, const char *script)
{
    require_python();
    const char *file = spec_file();
    const char *path = ud_test_write_file(ud_test_tmpdir(), name, script, strlen(script));
    char *out = NULL;
    int status = ud_test_run(&out, "python3 '%s' '%s'", path, file);
    if (status != 0)
        ud_test_fail(__FILE__, __LINE__, "python3 %s %s exited %d:\n%.3500s", name, file, status,
                     out);
    return out;
}

/* Cuts `s` at each `sep`, up to `max` fields; returns how many. */
static size_t split(char *s, char sep, char **fields, size_t max)
{
    size_t n = 0;
    while (n < max) {
        fields[n++] = s;
        char *end = strchr(s, sep);
        if (!end)
            break;
        *end = '\0';
        s = end + 1;
    }
    return n;
}

static void load_spec(spec *out)
{
    memset(out, 0, sizeof(*out));
    out->text = run_script("openapi_ops.py", OPS_SCRIPT);
    char *lines[MAX_OPS + 2];
    size_t n = split(out->text, '\n', lines, MAX_OPS + 2);
    for (size_t i = 0; i < n; i++) {
        char *line = lines[i];
        if (!line[0])
            continue;
        if (strncmp(line, "SCHEMES ", 8) == 0) {
            out->schemes = line + 8;
            continue;
        }
        char *f[6];
        if (split(line, '\t', f, 6) != 6)
            ud_test_fail(__FILE__, __LINE__, "unexpected line from openapi_ops.py: %s", line);
        char *space = strchr(f[0], ' ');
        if (!space || out->count == MAX_OPS)
            ud_test_fail(__FILE__, __LINE__, "unexpected operation from openapi_ops.py: %s", f[0]);
        *space = '\0';
        out->ops[out->count++] = (op){f[0], space + 1, f[1], f[2], f[3], f[4], f[5]};
    }
    if (!out->schemes)
        ud_test_fail(__FILE__, __LINE__, "openapi_ops.py printed no SCHEMES line");
}

static void free_spec(spec *s)
{
    free(s->text);
}

/* True when the comma-separated `list` holds `item`. */
static bool in_list(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, item, n) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

static const char *access_name(int access)
{
    switch (access) {
    case UD_ACCESS_PUBLIC: return "public";
    case UD_ACCESS_SEARCH: return "search";
    case UD_ACCESS_ASK: return "ask";
    case UD_ACCESS_OWN: return "own";
    case UD_ACCESS_ADMIN: return "admin";
    }
    return "(unknown access level: teach test_openapi.c its name)";
}

static const op *find_op(const spec *s, const char *method, const char *path)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->ops[i].method, method) == 0 && strcmp(s->ops[i].path, path) == 0)
            return &s->ops[i];
    return NULL;
}

static const ud_http_route *find_route(const char *method, const char *path)
{
    size_t count = 0;
    const ud_http_route *routes = ud_api_routes(&count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(routes[i].method, method) == 0 && strcmp(routes[i].pattern, path) == 0)
            return &routes[i];
    return NULL;
}

void test_openapi__document_is_valid(void)
{
    char *out = run_script("openapi_validate.py", VALIDATE_SCRIPT);
    UD_CHECK_CONTAINS(out, "valid OpenAPI 3.");
    free(out);
}

/* Route patterns ("/v1/users/{id}") are OpenAPI paths as they stand. */
void test_openapi__every_route_is_documented_and_nothing_else(void)
{
    spec s;
    load_spec(&s);
    problems p = {0};
    size_t count = 0;
    const ud_http_route *routes = ud_api_routes(&count);
    UD_CHECK(count > 0);
    for (size_t i = 0; i < count; i++) {
        const ud_http_route *r = &routes[i];
        const op *o = find_op(&s, r->method, r->pattern);
        if (!o)
            problem(&p, "%s %s is a route of the server but not in %s", r->method, r->pattern,
                    SPEC_FILE);
        else if (strcmp(o->access, access_name(r->access)) != 0)
            problem(&p, "%s %s: x-access is %s, the route's access is %s", r->method, r->pattern,
                    o->access, access_name(r->access));
    }
    for (size_t i = 0; i < s.count; i++)
        if (!find_route(s.ops[i].method, s.ops[i].path))
            problem(&p, "%s %s is in %s but the server has no such route", s.ops[i].method,
                    s.ops[i].path, SPEC_FILE);
    check_no_problems(&p, SPEC_FILE " and ud_api_routes() disagree");
    free_spec(&s);
}

/* What the access level and the body of each route imply:
 *   - every route: 500 (any store failure);
 *   - public routes `security: []`; others name defined schemes, and "own"
 *     routes only bearerAuth, since API keys are refused there;
 *   - non-public: 401 with WWW-Authenticate (the guard), 403 (a credential
 *     of a suspended or cancelled organization is refused on every route,
 *     so 403 can happen on all of them), 429 (the per-minute rate);
 *   - every 429 carries Retry-After;
 *   - a JSON body: required, with 400 (bad JSON or fields), 413 (body
 *     over the cap) and 415 (another Content-Type). */
void test_openapi__operations_document_the_errors_they_can_return(void)
{
    spec s;
    load_spec(&s);
    problems p = {0};
    for (size_t i = 0; i < s.count; i++) {
        const op *o = &s.ops[i];
        const ud_http_route *r = find_route(o->method, o->path);
        if (!r)
            continue; /* reported by the test above */
        bool public = r->access == UD_ACCESS_PUBLIC;
        if (!in_list(o->statuses, "500"))
            problem(&p, "%s %s: no 500", o->method, o->path);
        if (public && strcmp(o->security, "none") != 0)
            problem(&p, "%s %s: a public route needs `security: []`", o->method, o->path);
        if (!public) {
            if (strcmp(o->security, "none") == 0 || strcmp(o->security, "-") == 0)
                problem(&p, "%s %s: needs a credential but has no security requirement", o->method,
                        o->path);
            char schemes[256];
            snprintf(schemes, sizeof(schemes), "%s", o->security);
            char *names[16];
            size_t n = split(schemes, ',', names, 16);
            for (size_t j = 0; j < n && strcmp(o->security, "none") != 0; j++)
                if (strcmp(names[j], "-") != 0 && !in_list(s.schemes, names[j]))
                    problem(&p, "%s %s: security scheme %s is not in components", o->method,
                            o->path, names[j]);
            if (r->access == UD_ACCESS_OWN && in_list(o->security, "apiKeyHeader"))
                problem(&p, "%s %s: API keys are refused on \"own\" routes; drop apiKeyHeader",
                        o->method, o->path);
            static const char *const guard_codes[] = {"401", "403", "429"};
            for (size_t j = 0; j < 3; j++)
                if (!in_list(o->statuses, guard_codes[j]))
                    problem(&p, "%s %s: no %s (the guard can answer it)", o->method, o->path,
                            guard_codes[j]);
            if (in_list(o->statuses, "401") && !in_list(o->headers, "401:www-authenticate"))
                problem(&p, "%s %s: its 401 has no WWW-Authenticate header", o->method, o->path);
        }
        if (in_list(o->statuses, "429") && !in_list(o->headers, "429:retry-after"))
            problem(&p, "%s %s: its 429 has no Retry-After header", o->method, o->path);
        if (strcmp(o->body, "none") != 0) {
            if (strcmp(o->body, "json") != 0)
                problem(&p, "%s %s: the request body must be required application/json, not %s",
                        o->method, o->path, o->body);
            static const char *const body_codes[] = {"400", "413", "415"};
            for (size_t j = 0; j < 3; j++)
                if (!in_list(o->statuses, body_codes[j]))
                    problem(&p, "%s %s: takes a JSON body but has no %s", o->method, o->path,
                            body_codes[j]);
        }
    }
    check_no_problems(&p, SPEC_FILE " misses statuses");
    free_spec(&s);
}

/* ---- which handlers read a JSON body ------------------------------------ */

/* The caller every probe request runs as: an admin of an organization that
 * does not exist, so that lookups find nothing and nothing is changed. */
static const char *const probe_principals[] = {UD_ACL_EVERYONE};
static const ud_caller probe_caller = {
    .org_id = "00000000-0000-4000-8000-000000000001",
    .org_slug = "probe",
    .plan = "enterprise",
    .user_id = "00000000-0000-4000-8000-000000000002",
    .email = "probe@example.com",
    .role = "admin",
    .can_search = true,
    .can_ask = true,
    .can_own = true,
    .can_admin = true,
    .principals = (const char **)probe_principals,
    .principal_count = 1,
    .settings_json = "{}",
    .actor = "user:probe@example.com",
    .limit_id = "00000000-0000-4000-8000-000000000002",
};

static int probe_guard(ud_http_response *res, ud_http_request *req, int access, void *payload)
{
    (void)res;
    (void)access;
    (void)payload;
    req->caller = (void *)&probe_caller;
    return 0;
}

static size_t discard(char *data, size_t size, size_t count, void *payload)
{
    (void)data;
    (void)payload;
    return size * count;
}

/* The status of `method path` with a text/plain body. */
static long probe(uint16_t port, const char *method, const char *path)
{
    CURL *curl = curl_easy_init();
    UD_CHECK(curl);
    char url[600];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)port, path);
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: text/plain");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, "probe");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, 5L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK)
        ud_test_fail(__FILE__, __LINE__, "%s %s: %s", method, path, curl_easy_strerror(rc));
    return status;
}

/* "/v1/raw/{org}/{id}" -> "/v1/raw/probe/probe": ids that are no UUIDs,
 * so every lookup answers "not found". */
static void fill_params(char *out, size_t size, const char *pattern)
{
    size_t len = 0;
    for (const char *p = pattern; *p && len + 6 < size;) {
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (close) {
                memcpy(out + len, "probe", 5);
                len += 5;
                p = close + 1;
                continue;
            }
        }
        out[len++] = *p++;
    }
    out[len] = '\0';
}

/* Every handler that reads a JSON body refuses another Content-Type with
 * 415 before it looks at anything else (ud_api_parse_body comes first), so
 * a text/plain request tells which routes take one. Those, and only
 * those, must have a JSON requestBody in the document. */
void test_openapi__json_bodies_are_the_ones_the_handlers_read(void)
{
    spec s;
    load_spec(&s);
    ud_log_set_level(UD_LOG_WARN);
    char url[600];
    snprintf(url, sizeof(url), "sqlite://%s/meta.db", ud_test_tmpdir());
    ud_meta *meta = NULL;
    UD_CHECK_OK(ud_meta_open(&meta, url));
    UD_CHECK_OK(ud_meta_migrate(meta, NULL));
    ud_searcher *searcher = NULL;
    UD_CHECK_OK(ud_searcher_new(&searcher, ud_test_tmpdir(), NULL, NULL));
    ud_counters *counters = NULL;
    UD_CHECK_OK(ud_counters_open(&counters, "mem:"));
    ud_config config;
    ud_config_init(&config, ud_test_tmpdir());
    UD_CHECK_OK(ud_config_set(&config, "secret_key", "openapi-probe-secret-openapi-probe-secret",
                              UD_FROM_FLAG));
    ud_api_context ctx;
    UD_CHECK_OK(ud_api_context_init(&ctx, meta, searcher, counters, &config, "test"));
    ud_http_config http;
    ud_http_config_default(&http);
    http.port = 0;
    http.threads = 2;
    http.guard = probe_guard;
    size_t count = 0;
    const ud_http_route *routes = ud_api_routes(&count);
    ud_http_server *server = NULL;
    UD_CHECK_OK(ud_http_server_start(&server, &http, routes, count, &ctx));
    uint16_t port = ud_http_server_port(server);

    problems p = {0};
    for (size_t i = 0; i < count; i++) {
        const ud_http_route *r = &routes[i];
        char path[512];
        fill_params(path, sizeof(path), r->pattern);
        long status = probe(port, r->method, path);
        bool reads_json = status == 415;
        const op *o = find_op(&s, r->method, r->pattern);
        if (!o)
            continue; /* reported by every_route_is_documented_and_nothing_else */
        bool documented = strcmp(o->body, "none") != 0;
        if (reads_json && !documented)
            problem(&p, "%s %s reads a JSON body (415 to text/plain) but has no requestBody",
                    r->method, r->pattern);
        if (!reads_json && documented)
            problem(&p,
                    "%s %s has a requestBody, but its handler answered %ld, not 415, to a "
                    "text/plain body: it reads none, or checks something before the body",
                    r->method, r->pattern, status);
    }
    ud_http_server_stop(server);
    ud_api_context_dispose(&ctx);
    ud_counters_free(counters);
    ud_searcher_free(searcher);
    ud_meta_close(meta);
    check_no_problems(&p, SPEC_FILE " and the handlers disagree on request bodies");
    free_spec(&s);
}
