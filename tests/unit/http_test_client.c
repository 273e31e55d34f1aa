/*
 * The tests' HTTP client (http_test_client.h): libcurl for well-formed requests,
 * plain sockets for the clients that are not.
 */
#include "http_test_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define MAX_REPLY_BYTES (4u << 20)

void ud_test_http_client_init(ud_test_http_client *client, uint16_t port)
{
    client->port = port;
    client->curl = curl_easy_init();
    UD_CHECK(client->curl != NULL);
}

void ud_test_http_client_dispose(ud_test_http_client *client)
{
    if (client->curl)
        curl_easy_cleanup(client->curl);
    client->curl = NULL;
}

static size_t on_body(char *data, size_t size, size_t count, void *payload)
{
    ud_test_http_reply *r = payload;
    size_t n = size * count;
    size_t room = MAX_REPLY_BYTES - r->len;
    size_t take = n < room ? n : room;
    char *grown = realloc(r->body, r->len + take + 1);
    UD_CHECK(grown != NULL);
    r->body = grown;
    memcpy(r->body + r->len, data, take);
    r->len += take;
    r->body[r->len] = '\0';
    return n;
}

/* Copies the value of header line `line` into out if its name is `name`. */
static void keep_header(char *out, size_t out_size, const char *line, size_t len, const char *name)
{
    size_t n = strlen(name);
    if (len <= n + 1 || strncasecmp(line, name, n) != 0 || line[n] != ':')
        return;
    const char *value = line + n + 1;
    size_t value_len = len - n - 1;
    while (value_len && (*value == ' ' || *value == '\t'))
        value++, value_len--;
    while (value_len && (value[value_len - 1] == '\r' || value[value_len - 1] == '\n'))
        value_len--;
    snprintf(out, out_size, "%.*s", (int)value_len, value);
}

static size_t on_header(char *data, size_t size, size_t count, void *payload)
{
    ud_test_http_reply *r = payload;
    size_t n = size * count;
    keep_header(r->content_type, sizeof(r->content_type), data, n, "Content-Type");
    keep_header(r->www_authenticate, sizeof(r->www_authenticate), data, n, "WWW-Authenticate");
    keep_header(r->retry_after, sizeof(r->retry_after), data, n, "Retry-After");
    keep_header(r->allow, sizeof(r->allow), data, n, "Allow");
    return n;
}

/* The body of a chunked upload, handed to libcurl piece by piece. */
typedef struct upload {
    const char *data;
    size_t len, sent;
} upload;

static size_t on_read(char *buffer, size_t size, size_t count, void *payload)
{
    upload *u = payload;
    size_t room = size * count, left = u->len - u->sent;
    /* Small pieces, so the server sees several chunks. */
    size_t take = left < room ? left : room;
    if (take > 4096)
        take = 4096;
    memcpy(buffer, u->data + u->sent, take);
    u->sent += take;
    return take;
}

void ud_test_http_send(ud_test_http_reply *out, ud_test_http_client *client,
                       const ud_test_http_request *req)
{
    memset(out, 0, sizeof(*out));
    out->body = calloc(1, 1);
    UD_CHECK(out->body != NULL);
    CURL *curl = client->curl;
    curl_easy_reset(curl);
    char url[8192];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", (unsigned)client->port, req->target);
    struct curl_slist *headers = NULL;
    char type_header[256];
    if (req->content_type)
        snprintf(type_header, sizeof(type_header), "Content-Type: %s", req->content_type);
    else
        snprintf(type_header, sizeof(type_header), "Content-Type:"); /* none at all */
    headers = curl_slist_append(headers, type_header);
    headers = curl_slist_append(headers, "Expect:");
    if (req->chunked)
        headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    for (size_t i = 0; req->headers && req->headers[i]; i++)
        headers = curl_slist_append(headers, req->headers[i]);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    /* Paths are sent exactly as given: no "/../" folding by the client. */
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
    upload up = {req->body, req->body_len, 0};
    if (req->body && req->chunked) {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(curl, CURLOPT_READDATA, &up);
    } else if (req->body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    /* A bound, not a pacing: a request the server never answers fails. */
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    out->transfer = (int)curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(headers);
}

void ud_test_http_reply_dispose(ud_test_http_reply *reply)
{
    free(reply->body);
    reply->body = NULL;
    reply->len = 0;
}

int ud_test_tcp_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    UD_CHECK(fd >= 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
        ud_test_fail(__FILE__, __LINE__, "cannot connect to port %u: %s", (unsigned)port,
                     strerror(errno));
    return fd;
}

bool ud_test_tcp_send(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool ud_test_tcp_wait_closed(int fd, int timeout_ms)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    for (;;) {
        int64_t left = deadline - monotonic_ms();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int ready = poll(&p, 1, (int)left);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            return false;
        if (ready == 0)
            continue; /* the deadline check above ends the loop */
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            return true;
    }
}
