/*
 * The one HTTP client (http_client.h): libcurl's easy interface under a
 * policy of timeouts, retries with backoff, a token bucket and a 401
 * refresh. Each attempt runs on a curl handle taken from the client's pool
 * (handles keep their connections, so requests to one service reuse them),
 * and its outcome is classified once: success, an error to return, or an
 * error worth another attempt.
 */
#include "base/http_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "base/mem.h"

#define DEFAULT_TIMEOUT_MS 60000L
#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_RETRY_BASE_MS 1000L
#define DEFAULT_RETRY_MAX_MS 60000L
#define DEFAULT_MAX_RESPONSE ((size_t)16 << 20)
#define ERROR_BODY_MAX ((size_t)64 << 10) /* of an error status: enough for its message */
#define POOL_SIZE 8
#define MESSAGE_SIZE 512

struct ud_http_client {
    ud_http_client_config config; /* defaults applied; name and user_agent point below */
    char *name;
    char *user_agent;
    ud_token_bucket bucket;
    pthread_mutex_t pool_lock; /* guards pool and pool_count */
    CURL *pool[POOL_SIZE];
    size_t pool_count;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_OK;

static void curl_init(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- small helpers ---------------------------------------------------- */

static void sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* Copies a header value into a fixed field, truncating. */
static void set_field(char *dst, size_t size, ud_str value)
{
    size_t n = value.len < size - 1 ? value.len : size - 1;
    memcpy(dst, value.ptr, n);
    dst[n] = '\0';
}

/* Messages are one line of printable text, whatever the service sent. */
static void sanitize(char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            *s = ' ';
}

/* The URL for messages: without its query or fragment (they may carry
 * keys or tokens). */
static void url_for_message(char *out, size_t size, const char *url)
{
    size_t n = strcspn(url, "?#");
    if (n > size - 1)
        n = size - 1;
    memcpy(out, url, n);
    out[n] = '\0';
    sanitize(out);
}

/* The service's own error message from an error body: the
 * {"error": {"type", "message"}} envelope that Anthropic and OpenAI use,
 * {"error": "..."}, {"message": "..."}, or else the start of the body. */
static void service_message(char *out, size_t size, const ud_buf *body)
{
    out[0] = '\0';
    if (body->len == 0)
        return;
    json_error_t jerr;
    json_t *root = json_loadb(body->ptr, body->len, 0, &jerr);
    if (root) {
        json_t *error = json_object_get(root, "error");
        const char *type = NULL, *message = NULL;
        if (json_is_object(error)) {
            type = json_string_value(json_object_get(error, "type"));
            if (!type)
                type = json_string_value(json_object_get(error, "code"));
            message = json_string_value(json_object_get(error, "message"));
        } else if (json_is_string(error)) {
            message = json_string_value(error);
        }
        if (!message)
            message = json_string_value(json_object_get(root, "message"));
        if (type || message)
            snprintf(out, size, "%s%s%s", type ? type : "", type && message ? ": " : "",
                     message ? message : "");
        json_decref(root);
    }
    if (!out[0]) {
        size_t n = body->len < 160 ? body->len : 160;
        if (n > size - 1)
            n = size - 1;
        memcpy(out, body->ptr, n);
        out[n] = '\0';
        /* A NUL inside the body would cut the message short: fine. */
    }
    sanitize(out);
}

/* ---- token bucket ----------------------------------------------------- */

void ud_token_bucket_init(ud_token_bucket *bucket, double rate, double burst)
{
    pthread_mutex_init(&bucket->lock, NULL);
    bucket->rate = rate > 0 ? rate : 0;
    bucket->burst = burst > 0 ? burst : (rate > 1 ? rate : 1);
    bucket->tokens = bucket->burst;
    bucket->last_ms = -1;
}

void ud_token_bucket_dispose(ud_token_bucket *bucket)
{
    pthread_mutex_destroy(&bucket->lock);
}

double ud_token_bucket_take(ud_token_bucket *bucket, double now_ms)
{
    if (bucket->rate <= 0)
        return 0;
    double wait = 0;
    pthread_mutex_lock(&bucket->lock);
    if (bucket->last_ms < 0)
        bucket->last_ms = now_ms;
    if (now_ms > bucket->last_ms) {
        bucket->tokens += (now_ms - bucket->last_ms) * bucket->rate / 1000.0;
        if (bucket->tokens > bucket->burst)
            bucket->tokens = bucket->burst;
        bucket->last_ms = now_ms;
    }
    if (bucket->tokens >= 1)
        bucket->tokens -= 1;
    else
        wait = (1 - bucket->tokens) * 1000.0 / bucket->rate;
    pthread_mutex_unlock(&bucket->lock);
    return wait;
}

/* ---- Retry-After ------------------------------------------------------ */

/* A non-negative decimal number ("120", "1.5"), else -1. */
static double parse_number(const char *s)
{
    const char *p = s;
    if (!(*p >= '0' && *p <= '9'))
        return -1;
    char *end = NULL;
    double v = strtod(p, &end);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (!end || *end || !isfinite(v) || v < 0)
        return -1;
    return v;
}

int ud_http_retry_after_ms(long *out, const char *value, int64_t now)
{
    if (!value)
        return ud_error_set(UD_EINVAL, "no Retry-After value");
    while (*value == ' ' || *value == '\t')
        value++;
    double seconds = parse_number(value);
    if (seconds >= 0) {
        /* Cap absurd values rather than overflow: a day is "never" here. */
        *out = seconds > 86400 ? 86400000L : (long)(seconds * 1000.0);
        return 0;
    }
    int64_t when = 0;
    if (!value[0] || ud_time_parse(&when, value) < 0)
        return ud_error_set(UD_EINVAL, "Retry-After '%.40s' is neither seconds nor a date", value);
    int64_t delta = when - now;
    *out = delta <= 0 ? 0 : delta > 86400 ? 86400000L : (long)(delta * 1000);
    return 0;
}

/* ---- the client ------------------------------------------------------- */

int ud_http_client_new(ud_http_client **out, const ud_http_client_config *config)
{
    ud_http_client_config c = config ? *config : (ud_http_client_config){0};
    if (c.timeout_ms < 0 || c.connect_timeout_ms < 0 || c.idle_timeout_ms < 0 ||
        c.retry_base_ms < 0 || c.retry_max_ms < 0 || c.rate_per_second < 0 || c.burst < 0 ||
        c.max_retries < UD_HTTP_NO_RETRIES)
        return ud_error_set(UD_EINVAL, "HTTP client %s: negative timeout, retry or rate",
                            c.name ? c.name : "");
    pthread_once(&curl_once, curl_init);
    if (curl_init_rc != CURLE_OK)
        return ud_error_set(UD_EIO, "libcurl failed to initialise: %s",
                            curl_easy_strerror(curl_init_rc));
    ud_http_client *client = ud_calloc(1, sizeof(*client));
    client->name = ud_strdup(c.name && c.name[0] ? c.name : "http");
    client->user_agent = ud_strdup(c.user_agent && c.user_agent[0] ? c.user_agent : "unify");
    c.name = client->name;
    c.user_agent = client->user_agent;
    if (c.timeout_ms == 0)
        c.timeout_ms = DEFAULT_TIMEOUT_MS;
    if (c.connect_timeout_ms == 0)
        c.connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;
    if (c.max_retries == 0)
        c.max_retries = UD_HTTP_DEFAULT_RETRIES;
    else if (c.max_retries == UD_HTTP_NO_RETRIES)
        c.max_retries = 0;
    if (c.retry_base_ms == 0)
        c.retry_base_ms = DEFAULT_RETRY_BASE_MS;
    if (c.retry_max_ms == 0)
        c.retry_max_ms = DEFAULT_RETRY_MAX_MS;
    client->config = c;
    ud_token_bucket_init(&client->bucket, c.rate_per_second, c.burst);
    pthread_mutex_init(&client->pool_lock, NULL);
    *out = client;
    return 0;
}

void ud_http_client_free(ud_http_client *client)
{
    if (!client)
        return;
    for (size_t i = 0; i < client->pool_count; i++)
        curl_easy_cleanup(client->pool[i]);
    pthread_mutex_destroy(&client->pool_lock);
    ud_token_bucket_dispose(&client->bucket);
    free(client->name);
    free(client->user_agent);
    free(client);
}

void ud_http_response_init(ud_http_response *response)
{
    memset(response, 0, sizeof(*response));
    ud_buf_init(&response->body, DEFAULT_MAX_RESPONSE);
}

void ud_http_response_dispose(ud_http_response *response)
{
    if (response)
        ud_buf_dispose(&response->body);
}

static CURL *pool_take(ud_http_client *client)
{
    CURL *curl = NULL;
    pthread_mutex_lock(&client->pool_lock);
    if (client->pool_count > 0)
        curl = client->pool[--client->pool_count];
    pthread_mutex_unlock(&client->pool_lock);
    if (!curl)
        curl = curl_easy_init();
    if (!curl)
        ud_oom(0);
    return curl;
}

static void pool_give(ud_http_client *client, CURL *curl)
{
    curl_easy_reset(curl);
    pthread_mutex_lock(&client->pool_lock);
    if (client->pool_count < POOL_SIZE) {
        client->pool[client->pool_count++] = curl;
        curl = NULL;
    }
    pthread_mutex_unlock(&client->pool_lock);
    if (curl)
        curl_easy_cleanup(curl);
}

/* One attempt in flight: what the callbacks need and what they saw. */
typedef struct transfer {
    const ud_http_request *req;
    ud_http_response *res;
    CURL *curl;
    size_t max_body;
    long idle_ms;
    double last_activity_ms;
    curl_off_t last_down, last_up;
    bool idle_fired;
    bool limit_hit;
    int callback_rc;
    char retry_after_ms[32]; /* OpenAI's "retry-after-ms" */
} transfer;

static size_t on_header(char *data, size_t size, size_t count, void *userdata)
{
    transfer *t = userdata;
    size_t len = size * count;
    t->last_activity_ms = ud_monotonic_ms();
    ud_str line = ud_str_trim((ud_str){data, len});
    if (ud_str_starts_with(line, "HTTP/")) {
        /* A new response (after a 100 Continue, say): forget the last one's. */
        t->res->content_type[0] = t->res->request_id[0] = t->res->retry_after[0] = '\0';
        t->retry_after_ms[0] = '\0';
        return len;
    }
    const char *colon = memchr(line.ptr, ':', line.len);
    if (!colon)
        return len;
    ud_str name = {line.ptr, (size_t)(colon - line.ptr)};
    ud_str value = ud_str_trim((ud_str){colon + 1, line.len - name.len - 1});
    if (name.len == 12 && strncasecmp(name.ptr, "content-type", 12) == 0)
        set_field(t->res->content_type, sizeof(t->res->content_type), value);
    else if (name.len == 11 && strncasecmp(name.ptr, "retry-after", 11) == 0)
        set_field(t->res->retry_after, sizeof(t->res->retry_after), value);
    else if (name.len == 14 && strncasecmp(name.ptr, "retry-after-ms", 14) == 0)
        set_field(t->retry_after_ms, sizeof(t->retry_after_ms), value);
    else if ((name.len == 10 && strncasecmp(name.ptr, "request-id", 10) == 0) ||
             (name.len == 12 && strncasecmp(name.ptr, "x-request-id", 12) == 0))
        set_field(t->res->request_id, sizeof(t->res->request_id), value);
    return len;
}

static size_t on_write(char *data, size_t size, size_t count, void *userdata)
{
    transfer *t = userdata;
    size_t len = size * count;
    if (len == 0)
        return 0;
    t->last_activity_ms = ud_monotonic_ms();
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    bool ok = status >= 200 && status < 300;
    if (ok && t->req->on_body) {
        t->res->streamed = true;
        int rc = t->req->on_body(data, len, t->req->payload);
        if (rc != 0) {
            t->callback_rc = rc < 0 ? rc : UD_ECANCELED;
            return 0; /* aborts the transfer now */
        }
        return len;
    }
    if (!ok) {
        /* An error body is only read for its message: keep its start. */
        size_t cap = t->max_body < ERROR_BODY_MAX ? t->max_body : ERROR_BODY_MAX;
        size_t room = t->res->body.len < cap ? cap - t->res->body.len : 0;
        if (room > 0 && ud_buf_append(&t->res->body, data, len < room ? len : room) < 0)
            return 0;
        return len;
    }
    if (t->res->body.len + len > t->max_body || ud_buf_append(&t->res->body, data, len) < 0) {
        t->limit_hit = true;
        return 0;
    }
    return len;
}

static int on_progress(void *userdata, curl_off_t down_total, curl_off_t down_now,
                       curl_off_t up_total, curl_off_t up_now)
{
    (void)down_total;
    (void)up_total;
    transfer *t = userdata;
    double now = ud_monotonic_ms();
    if (down_now != t->last_down || up_now != t->last_up) {
        t->last_down = down_now;
        t->last_up = up_now;
        t->last_activity_ms = now;
    }
    if (t->idle_ms > 0 && now - t->last_activity_ms > (double)t->idle_ms) {
        t->idle_fired = true;
        return 1;
    }
    return 0;
}

/* The outcome of one attempt. */
typedef struct outcome {
    int rc;
    bool retriable;     /* worth another attempt (if none of it was streamed) */
    bool needs_auth;    /* a 401 the refresh hook may cure */
    bool from_callback; /* rc came from the streaming callback */
    long wait_ms;       /* what the service asked for (Retry-After), -1 if nothing */
    char message[MESSAGE_SIZE];
} outcome;

/* Is `line` ("Name: value") a header named like one of the overrides? */
static bool overridden(const char *line, char *const *overrides, size_t count)
{
    size_t len = strcspn(line, ":");
    for (size_t i = 0; i < count; i++) {
        size_t olen = strcspn(overrides[i], ":");
        if (olen == len && strncasecmp(line, overrides[i], len) == 0)
            return true;
    }
    return false;
}

static struct curl_slist *append_header(struct curl_slist *list, const char *line)
{
    struct curl_slist *next = curl_slist_append(list, line);
    if (!next)
        ud_oom(0);
    return next;
}

static bool is_connection_error(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
    }
}

static void attempt(outcome *o, ud_http_client *client, const ud_http_request *req,
                    ud_http_response *res, char *const *overrides, size_t override_count)
{
    const ud_http_client_config *cfg = &client->config;
    memset(o, 0, sizeof(*o));
    o->wait_ms = -1;
    const char *method = req->method ? req->method : req->body ? "POST" : "GET";
    char url[256];
    url_for_message(url, sizeof(url), req->url);

    CURL *curl = pool_take(client);
    transfer t = {0};
    t.req = req;
    t.res = res;
    t.curl = curl;
    t.max_body = req->max_response ? req->max_response : DEFAULT_MAX_RESPONSE;
    t.idle_ms = cfg->idle_timeout_ms;
    t.last_activity_ms = ud_monotonic_ms();
    res->body.max = t.max_body;

    struct curl_slist *headers = NULL;
    bool has_expect = false;
    for (size_t i = 0; req->headers && req->headers[i]; i++) {
        if (overridden(req->headers[i], overrides, override_count))
            continue;
        if (strncasecmp(req->headers[i], "expect:", 7) == 0)
            has_expect = true;
        headers = append_header(headers, req->headers[i]);
    }
    for (size_t i = 0; i < override_count; i++)
        headers = append_header(headers, overrides[i]);
    /* curl would wait up to a second for "100 Continue" before a large body. */
    if (!has_expect)
        headers = append_header(headers, "Expect:");

    char errbuf[CURL_ERROR_SIZE];
    errbuf[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_URL, req->url);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, cfg->user_agent);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
    /* Compression would hold back a stream's bytes; buffered bodies take it. */
    if (!req->on_body)
        curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    bool with_body = req->body || strcasecmp(method, "POST") == 0 ||
                     strcasecmp(method, "PUT") == 0 || strcasecmp(method, "PATCH") == 0;
    if (with_body) {
        /* A NULL POSTFIELDS would make curl read the body from stdin. */
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(req->body ? req->body_len : 0));
        if (strcasecmp(method, "POST") != 0)
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcasecmp(method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (strcasecmp(method, "GET") != 0) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }

    CURLcode cc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    res->status = status;
    curl_slist_free_all(headers);
    pool_give(client, curl);

    /* "name: METHOD url", bounded so that every message below fits. */
    char where[300];
    snprintf(where, sizeof(where), "%.40s: %.10s %.200s", client->name, method, url);
    if (t.callback_rc != 0) {
        o->rc = t.callback_rc;
        o->from_callback = true;
        snprintf(o->message, sizeof(o->message), "%s: stopped by its listener", where);
        return;
    }
    if (t.limit_hit) {
        o->rc = UD_ELIMIT;
        snprintf(o->message, sizeof(o->message), "%s: response body over %zu bytes", where,
                 t.max_body);
        return;
    }
    if (t.idle_fired) {
        o->rc = UD_ETIMEOUT;
        snprintf(o->message, sizeof(o->message), "%s: no data for %ld ms", where, t.idle_ms);
        return;
    }
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        o->rc = UD_ETIMEOUT;
        snprintf(o->message, sizeof(o->message), "%s: timed out after %ld ms", where,
                 cfg->timeout_ms);
        return;
    }
    if (cc != CURLE_OK) {
        o->rc = UD_EUPSTREAM;
        o->retriable = is_connection_error(cc);
        snprintf(o->message, sizeof(o->message), "%s: %.180s", where,
                 errbuf[0] ? errbuf : curl_easy_strerror(cc));
        sanitize(o->message);
        return;
    }
    if (status >= 200 && status < 300)
        return;

    char detail[200];
    service_message(detail, sizeof(detail), &res->body);
    snprintf(o->message, sizeof(o->message), "%s: HTTP %ld%s%s", where, status,
             detail[0] ? ": " : "", detail);
    if (status == 401) {
        o->rc = UD_EAUTH;
        o->needs_auth = true;
    } else if (status == 403) {
        o->rc = UD_EAUTH;
    } else if (status == 429) {
        o->rc = UD_EAGAIN;
        o->retriable = true;
    } else if (status >= 500 && status < 600) {
        o->rc = UD_EUPSTREAM;
        o->retriable = true;
    } else if (status >= 400 && status < 500) {
        o->rc = UD_EINVAL;
    } else {
        o->rc = UD_EUPSTREAM;
    }
    if (o->retriable) {
        long ms = 0;
        double v = t.retry_after_ms[0] ? parse_number(t.retry_after_ms) : -1;
        if (v >= 0)
            o->wait_ms = v > 86400000.0 ? 86400000L : (long)v;
        else if (res->retry_after[0] &&
                 ud_http_retry_after_ms(&ms, res->retry_after, ud_now()) == 0)
            o->wait_ms = ms;
    }
}

/* Splits the refresh hook's lines into owned strings. */
static size_t split_lines(char ***out, ud_str text)
{
    char **lines = NULL;
    size_t count = 0;
    size_t at = 0;
    while (at < text.len) {
        size_t end = at;
        while (end < text.len && text.ptr[end] != '\n')
            end++;
        ud_str line = ud_str_trim((ud_str){text.ptr + at, end - at});
        if (line.len > 0 && memchr(line.ptr, ':', line.len)) {
            lines = ud_realloc(lines, (count + 1) * sizeof(*lines));
            lines[count++] = ud_strndup(line.ptr, line.len);
        }
        at = end + 1;
    }
    *out = lines;
    return count;
}

int ud_http_client_send(ud_http_response *out, ud_http_client *client, const ud_http_request *req)
{
    ud_http_response_init(out);
    if (!client || !req || !req->url || !req->url[0])
        return ud_error_set(UD_EINVAL, "HTTP request without a URL");
    const ud_http_client_config *cfg = &client->config;
    char **overrides = NULL;
    size_t override_count = 0;
    bool refreshed = false;
    int retries = 0;
    int rc = 0;
    outcome o;
    for (;;) {
        for (;;) {
            double wait = ud_token_bucket_take(&client->bucket, ud_monotonic_ms());
            if (wait <= 0)
                break;
            sleep_ms((long)ceil(wait));
        }
        ud_buf_reset(&out->body);
        out->status = 0;
        out->attempts++;
        attempt(&o, client, req, out, overrides, override_count);
        rc = o.rc;
        if (rc == 0)
            break;
        if (o.needs_auth && cfg->refresh && !refreshed) {
            refreshed = true;
            ud_buf lines;
            ud_buf_init(&lines, 64 << 10);
            int hook_rc = cfg->refresh(&lines, cfg->refresh_payload);
            if (hook_rc == 0)
                override_count = split_lines(&overrides, ud_buf_str(&lines));
            ud_buf_dispose(&lines);
            if (hook_rc != 0) {
                rc = hook_rc;
                break;
            }
            continue;
        }
        if (!o.retriable || out->streamed || retries >= cfg->max_retries)
            break;
        long delay = cfg->retry_base_ms;
        for (int i = 0; i < retries && delay < cfg->retry_max_ms; i++)
            delay *= 2;
        if (delay > cfg->retry_max_ms)
            delay = cfg->retry_max_ms;
        if (o.wait_ms >= 0) {
            if (o.wait_ms > cfg->retry_max_ms) {
                size_t n = strlen(o.message);
                snprintf(o.message + n, sizeof(o.message) - n, " (asked to retry after %ld ms)",
                         o.wait_ms);
                break;
            }
            delay = o.wait_ms;
        }
        if (cfg->log)
            UD_LOG(cfg->log, UD_LOG_INFO, "%s: retry %d of %d in %ld ms: %s", client->name,
                   retries + 1, cfg->max_retries, delay, o.message);
        sleep_ms(delay);
        retries++;
    }
    for (size_t i = 0; i < override_count; i++)
        free(overrides[i]);
    free(overrides);
    if (rc == 0)
        return 0;
    /* A callback's own code carries its own message; a hook's too. */
    if (o.from_callback && rc != UD_ECANCELED)
        return rc;
    if (o.rc != rc)
        return rc;
    if (out->attempts > 1)
        return ud_error_set(rc, "%s (%d attempts)", o.message, out->attempts);
    return ud_error_set(rc, "%s", o.message);
}
