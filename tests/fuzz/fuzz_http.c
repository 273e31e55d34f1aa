/*
 * Fuzz target: request bodies of every route, through the router, the
 * guard (credentials: JWT access tokens, API keys) and the route's handler,
 * on a real server on a loopback port started once per process (the API
 * fixture of the tests: tests/unit/api_fixture.c, an organization with an
 * admin, a user, a viewer and three documents).
 *
 * The input is
 *     METHOD /path\n            (a path from the route table, or any)
 *     CREDENTIAL\n              admin | user | viewer | key | none, or a
 *                               literal bearer credential
 *     body                      the rest (none when empty)
 * "{doc}" and "{org}" in the path become the fixture's document and
 * organization ids, so that routes with ids are reached. Bytes of the path
 * outside the URL-safe set are percent-encoded (the client refuses them
 * raw; the server's decoding is what is fuzzed).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_fixture.h"
#include "fuzz.h"

static ud_fixture fixture;
static char admin_token[1024], user_token[1024], viewer_token[1024], api_key[128];

static void start(void)
{
    /* The highest rate limit there is: the fuzzer sends many requests a second. */
    ud_fixture_start(&fixture, "enterprise", 1000000L);
    ud_fixture_login(&fixture, "admin@acme.test", "admin-password-1", admin_token, NULL);
    ud_fixture_login(&fixture, "ann@acme.test", "ann-password-123", user_token, NULL);
    ud_fixture_login(&fixture, "val@acme.test", "val-password-123", viewer_token, NULL);
    ud_reply r;
    ud_fixture_call(&r, &fixture, admin_token, "POST", "/v1/api-keys",
                    "{\"name\": \"fuzz\", \"permissions\": {\"search\": true, \"ask\": true}}");
    if (r.status != 201 && r.status != 200) {
        fprintf(stderr, "cannot create the API key: %ld %s\n", r.status, r.body);
        abort();
    }
    ud_fixture_field(api_key, sizeof(api_key), &r, "key");
}

/* The next line of the input (without its newline); advances *at. */
static size_t take_line(const char **out, const uint8_t *data, size_t size, size_t *at)
{
    const uint8_t *start = data + *at;
    const uint8_t *nl = memchr(start, '\n', size - *at);
    size_t len = nl ? (size_t)(nl - start) : size - *at;
    *out = (const char *)start;
    *at += len + (nl ? 1 : 0);
    return len;
}

/* The path with {doc}/{org} filled in and unsafe bytes percent-encoded. */
static void build_path(char *out, size_t size, const char *path, size_t len)
{
    static const char safe[] = "-._~/?&=%+,;:@!$'()*[]";
    size_t n = 0;
    if (len == 0 || path[0] != '/')
        out[n++] = '/';
    for (size_t i = 0; i < len && n + 40 < size; i++) {
        unsigned char c = (unsigned char)path[i];
        if (len - i >= 5 && memcmp(path + i, "{doc}", 5) == 0) {
            n += (size_t)snprintf(out + n, size - n, "%s", fixture.doc_id);
            i += 4;
        } else if (len - i >= 5 && memcmp(path + i, "{org}", 5) == 0) {
            n += (size_t)snprintf(out + n, size - n, "%s", fixture.acme.id);
            i += 4;
        } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   (c && strchr(safe, c))) {
            out[n++] = (char)c;
        } else {
            n += (size_t)snprintf(out + n, size - n, "%%%02X", c);
        }
    }
    out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool started;
    if (!started) {
        start();
        started = true;
    }
    size_t at = 0;
    const char *line;
    size_t len = take_line(&line, data, size, &at);
    /* "METHOD /path": an unknown method is sent as it is (letters only). */
    char method[16] = "GET";
    const char *space = memchr(line, ' ', len);
    size_t method_len = space ? (size_t)(space - line) : 0;
    bool letters = method_len > 0 && method_len < sizeof(method);
    for (size_t i = 0; letters && i < method_len; i++)
        letters = line[i] >= 'A' && line[i] <= 'Z';
    if (letters) {
        memcpy(method, line, method_len);
        method[method_len] = '\0';
    }
    /* libcurl waits for a body after HEAD and tunnels after CONNECT: sent
     * as they are, those fail in the client, not the server. */
    if (strcmp(method, "HEAD") == 0 || strcmp(method, "CONNECT") == 0)
        snprintf(method, sizeof(method), "GET");
    char path[2048];
    const char *path_start = space ? space + 1 : line;
    build_path(path, sizeof(path), path_start, len - (size_t)(path_start - line));

    len = take_line(&line, data, size, &at);
    char literal[1024];
    const char *credential = NULL;
    if (len == 5 && memcmp(line, "admin", 5) == 0)
        credential = admin_token;
    else if (len == 4 && memcmp(line, "user", 4) == 0)
        credential = user_token;
    else if (len == 6 && memcmp(line, "viewer", 6) == 0)
        credential = viewer_token;
    else if (len == 3 && memcmp(line, "key", 3) == 0)
        credential = api_key;
    else if (!(len == 4 && memcmp(line, "none", 4) == 0) && len > 0) {
        /* A literal credential: printable bytes only (it is a header value). */
        size_t n = 0;
        for (size_t i = 0; i < len && n + 1 < sizeof(literal); i++)
            if (line[i] >= 0x21 && line[i] < 0x7f)
                literal[n++] = line[i];
        literal[n] = '\0';
        credential = n ? literal : NULL;
    }
    char *body = at < size ? ud_fuzz_cstr(data + at, size - at) : NULL;
    static ud_reply reply; /* 64 KiB: not on the stack */
    ud_fixture_call(&reply, &fixture, credential, method, path, body);
    /* Every answer is a status the server means; a 5xx is a server bug
     * unless it is an upstream or unavailable one. */
    UD_FUZZ_ASSERT(reply.status >= 200 && reply.status < 600);
    UD_FUZZ_ASSERT(reply.status < 500 || reply.status == 502 || reply.status == 503 ||
                   reply.status == 504 || reply.status == 501);
    free(body);
    return 0;
}
