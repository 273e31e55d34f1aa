/*
 * The HTTP layer on libmicrohttpd (see http.h). MHD calls the access handler
 * several times per request: once with the headers, then with pieces of the
 * body, then once more with none. We keep a per-request state (an arena and a
 * capped body buffer) across those calls, answer 413 as soon as a declared or
 * received body passes the cap, and dispatch to the route on the last call.
 *
 * MHD runs `threads` threads, each with its own event loop serving many
 * connections: nothing on them may block. So a request, once in, is routed
 * on its MHD thread, its connection suspended, and the request handed to
 * the worker pool (work_pool.h); the worker runs the guard and the handler
 * and resumes the connection, and the MHD thread, called again, sends what
 * the worker left in the request's state. Only UD_HTTP_INLINE routes run
 * on the MHD thread itself.
 */
#include "server/http.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

/* Parameter and segment counts of a route pattern or a request path. */
#define MAX_SEGMENTS 16

struct ud_http_server {
    struct MHD_Daemon *daemon;
    ud_http_config config;
    const ud_http_route *routes;
    size_t route_count;
    void *payload;
    uint16_t port;
    atomic_uint_fast64_t next_request_id;
    ud_work_pool *pool; /* runs the handlers of all but inline routes */
    /* Slow-request guard: libmicrohttpd's timeout only cuts idle
     * connections, so a client that trickles a byte at a time would hold a
     * connection for ever. Every connection has a deadline by which its
     * request must have arrived; a reaper thread shuts down the socket of
     * any connection past it. */
    pthread_mutex_t watch_lock; /* guards the list and the deadlines */
    pthread_cond_t watch_stop;
    struct watched *watch_head;
    bool watch_stopping;
    pthread_t reaper;
};

/* One connection under the slow-request guard. */
typedef struct watched {
    int fd;
    double deadline; /* monotonic ms; INFINITY while a request is being answered */
    bool reaped;
    struct watched *prev, *next;
} watched;

/* State of one request across MHD's calls. */
typedef struct request_state {
    ud_arena arena;
    ud_buf body;
    bool too_large;
    uint64_t id;
    ud_http_server *server;
    struct MHD_Connection *connection;
    /* A request handed to the pool: the connection is suspended from the
     * moment it is queued until its worker sets `done` and resumes it; in
     * between only the worker touches what follows (and the arena). */
    bool pooled;
    bool handled;     /* the handler already ran inline (it deferred or streams) */
    bool overloaded;  /* refused or expired in the queue: answered 503 */
    bool stream_sent; /* res.stream was handed to MHD as a response */
    ud_http_deferred_fn deferred_fn;
    void *deferred_payload;
    ud_http_request req;  /* the worker's copy */
    ud_http_response res; /* filled by the worker */
    int rc;               /* the worker's return */
    char *message;        /* its error message, in the arena */
    atomic_bool done;     /* set by the worker before it resumes the connection */
} request_state;

/* A streamed body (ud_http_stream_start). Two owners: the worker that
 * writes it and the MHD response that reads it; the last to let go frees it. */
struct ud_http_stream {
    pthread_mutex_t lock;   /* guards everything below */
    pthread_cond_t drained; /* pending shrank, or the client left */
    ud_buf pending;         /* written, not yet sent */
    bool done;              /* the worker finished */
    bool gone;              /* the response was freed: the client left or the body ended */
    bool suspended;         /* the connection waits for data */
    int refs;
    struct MHD_Connection *connection;
    ud_http_stream_fn fn;
    void *payload;
    void (*payload_free)(void *);
    const char *content_type;
};

#define STREAM_MAX_PENDING (1u << 20)
/* How long a writer waits for a client that reads nothing. */
#define STREAM_STALL_SECONDS 30

void ud_http_config_default(ud_http_config *out)
{
    *out = (ud_http_config){0}; /* no guard, and nothing left unset */
    out->bind = "127.0.0.1";
    out->port = 8080;
    out->threads = 4;
    out->workers = 0;
    out->queue_max = 256;
    out->queue_wait_ms = 5000;
    out->max_body_bytes = 1u << 20;
    out->max_header_bytes = 32u << 10;
    out->max_connections = 256;
    out->timeout_seconds = 30;
}

/* ---- responses ----------------------------------------------------------- */

static enum MHD_Result send_response(struct MHD_Connection *connection, int status,
                                     const char *content_type, const char *body, size_t len,
                                     const char *allow, uint64_t request_id,
                                     const ud_http_response *extra)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!response)
        return MHD_NO;
    char id[24];
    snprintf(id, sizeof(id), "%llu", (unsigned long long)request_id);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
                            content_type ? content_type : "application/json");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(response, "X-Request-Id", id);
    if (allow)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, allow);
    for (size_t i = 0; extra && i < extra->header_count; i++)
        MHD_add_response_header(response, extra->header_names[i], extra->header_values[i]);
    enum MHD_Result result = MHD_queue_response(connection, (unsigned)status, response);
    MHD_destroy_response(response);
    return result;
}

/* {"error": {"code": "...", "message": "..."}} with the given status. */
static enum MHD_Result send_error_body(struct MHD_Connection *connection, int status,
                                       const char *code_name, const char *message,
                                       const char *allow, uint64_t request_id,
                                       const ud_http_response *extra)
{
    /* A message may quote input (an id from the path) or have been cut in
     * the middle of a character: made valid UTF-8 so it can be JSON. */
    char safe[1024];
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)message; *p && n < sizeof(safe) - 4;) {
        size_t len = *p < 0x80         ? 1
                     : (*p >> 5) == 6  ? 2
                     : (*p >> 4) == 14 ? 3
                     : (*p >> 3) == 30 ? 4
                                       : 0;
        bool ok = len > 0;
        for (size_t i = 1; ok && i < len; i++)
            ok = (p[i] & 0xC0) == 0x80;
        if (ok && len > 1) {
            /* no overlong forms, surrogates or code points past U+10FFFF */
            unsigned cp = len == 2   ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
                          : len == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
                                     : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 |
                                           (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
            ok = !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) &&
                 !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) && !(cp >= 0xD800 && cp <= 0xDFFF);
        }
        if (ok) {
            memcpy(safe + n, p, len);
            n += len;
            p += len;
        } else {
            safe[n++] = '?';
            p++;
        }
    }
    safe[n] = '\0';
    json_t *body = json_pack("{s:{s:s,s:s}}", "error", "code", code_name, "message", safe);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    enum MHD_Result result =
        send_response(connection, status, "application/json", text ? text : "{}",
                      text ? strlen(text) : 2, allow, request_id, extra);
    free(text);
    return result;
}

static enum MHD_Result send_error(struct MHD_Connection *connection, int code, const char *message,
                                  uint64_t request_id, const ud_http_response *extra)
{
    return send_error_body(connection, ud_error_http_status(code), ud_error_name(code),
                           message ? message : ud_error_name(code), NULL, request_id, extra);
}

int ud_http_respond_json(ud_http_response *res, const ud_http_request *req, int status, void *json)
{
    json_t *value = json;
    char *text = value ? json_dumps(value, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
    json_decref(value);
    if (!text)
        return ud_error_set(UD_ENOMEM, "cannot encode the response");
    res->status = status;
    res->content_type = "application/json";
    res->body = ud_arena_strdup(req->arena, text);
    res->body_len = strlen(text);
    free(text);
    return 0;
}

int ud_http_add_header(ud_http_response *res, const ud_http_request *req, const char *name,
                       const char *value)
{
    if (res->header_count == UD_HTTP_MAX_HEADERS)
        return ud_error_set(UD_ELIMIT, "too many response headers");
    res->header_names[res->header_count] = ud_arena_strdup(req->arena, name);
    res->header_values[res->header_count] = ud_arena_strdup(req->arena, value);
    res->header_count++;
    return 0;
}

const char *ud_http_header(const ud_http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name);
}

/* The peer's address as text ("" if it cannot be read). */
static const char *client_address(struct MHD_Connection *connection, ud_arena *arena)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!info || !info->client_addr)
        return "";
    char text[INET6_ADDRSTRLEN] = "";
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof(text));
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text, sizeof(text));
    return ud_arena_strdup(arena, text);
}

const char *ud_http_query_arg(const ud_http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, name);
}

const char *ud_http_param(const ud_http_request *req, const char *name)
{
    for (size_t i = 0; i < req->param_count; i++)
        if (strcmp(req->param_names[i], name) == 0)
            return req->param_values[i];
    return NULL;
}

/* ---- the worker pool --------------------------------------------------------- */

int ud_http_defer(const ud_http_request *req, ud_http_deferred_fn fn, void *payload)
{
    request_state *state = req->internal;
    state->deferred_fn = fn;
    state->deferred_payload = payload;
    return UD_HTTP_DEFERRED;
}

static void run_stream(ud_http_stream *stream);
static void stream_discard(ud_http_stream *stream);

/* Marks the request answered 503 with Retry-After (under the worker's or
 * the refuser's ownership of the state). */
static void overloaded(request_state *state, const char *message)
{
    state->overloaded = true;
    state->message = ud_arena_strdup(&state->arena, message);
    /* An inline handler's stream whose writer will now never run. */
    if (state->res.stream)
        stream_discard(state->res.stream);
    state->res = (ud_http_response){.status = 503};
    if (ud_http_add_header(&state->res, &state->req, "Retry-After", "1") < 0)
        UD_LOG(NULL, UD_LOG_WARN, "cannot add Retry-After: %s", ud_error_last());
}

/* Hands the connection back to its MHD thread, which sends the answer. */
static void answered(request_state *state)
{
    atomic_store(&state->done, true);
    MHD_resume_connection(state->connection);
}

/* One request on a worker (ud_work_fn): the guard and the handler, unless
 * they ran inline, then a deferred function; then the answer goes back to
 * the MHD thread and a stream's writer runs here. */
static void run_request(void *payload, bool expired)
{
    request_state *state = payload;
    ud_http_server *server = state->server;
    ud_error_clear();
    if (expired) {
        overloaded(state, "the request waited too long for a worker; retry shortly");
        answered(state);
        return;
    }
    int rc = state->rc;
    if (!state->handled) {
        state->res = (ud_http_response){.status = 200};
        ud_http_request *req = &state->req;
        rc = server->config.guard
                 ? server->config.guard(&state->res, req, req->route->access, server->payload)
                 : 0;
        if (rc == 0)
            rc = req->route->handler(&state->res, req, server->payload);
    }
    if (rc == UD_HTTP_DEFERRED) {
        state->res = (ud_http_response){.status = 200};
        rc = state->deferred_fn(&state->res, &state->req, state->deferred_payload);
    }
    ud_http_stream *stream = state->res.stream;
    if (rc < 0) { /* the message travels with the state, not the thread */
        state->message = ud_arena_strdup(&state->arena, ud_error_last());
        if (stream)
            stream_discard(stream);
        state->res.stream = stream = NULL;
    }
    state->rc = rc;
    /* The state may be freed as soon as the connection is resumed. */
    answered(state);
    if (stream)
        run_stream(stream);
}

/* Queues the request on the pool, its connection suspended until answered;
 * a refused one is answered 503 once the connection is resumed. */
static enum MHD_Result to_pool(ud_http_server *server, struct MHD_Connection *connection,
                               request_state *state)
{
    state->pooled = true;
    state->connection = connection;
    MHD_suspend_connection(connection);
    if (ud_work_pool_submit(server->pool, run_request, state) == 0)
        return MHD_YES;
    UD_LOG(NULL, UD_LOG_WARN, "request_id=%llu method=%s path=%s status=503 error=\"%s\"",
           (unsigned long long)state->id, state->req.method, state->req.path, ud_error_last());
    overloaded(state, ud_error_last());
    answered(state);
    return MHD_YES;
}

static void stream_release(ud_http_stream *stream)
{
    pthread_mutex_lock(&stream->lock);
    bool last = --stream->refs == 0;
    pthread_mutex_unlock(&stream->lock);
    if (!last)
        return;
    ud_buf_dispose(&stream->pending);
    pthread_cond_destroy(&stream->drained);
    pthread_mutex_destroy(&stream->lock);
    free(stream);
}

static void wake(ud_http_stream *stream)
{
    if (stream->suspended && !stream->gone) {
        stream->suspended = false;
        MHD_resume_connection(stream->connection);
    }
}

int ud_http_stream_write(ud_http_stream *stream, const void *data, size_t len)
{
    if (len > STREAM_MAX_PENDING)
        return ud_error_set(UD_ELIMIT, "a stream write of %zu bytes is too large", len);
    pthread_mutex_lock(&stream->lock);
    /* Back-pressure: a slow client slows the writer down. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += STREAM_STALL_SECONDS;
    int waited = 0;
    while (!stream->gone && stream->pending.len + len > STREAM_MAX_PENDING && waited == 0) {
        wake(stream);
        waited = pthread_cond_timedwait(&stream->drained, &stream->lock, &deadline);
    }
    int rc = 0;
    if (stream->gone)
        rc = ud_error_set(UD_ECANCELED, "the client has gone");
    else if (stream->pending.len + len > STREAM_MAX_PENDING)
        rc = ud_error_set(UD_ELIMIT, "the client has read nothing for %d s", STREAM_STALL_SECONDS);
    else
        rc = ud_buf_append(&stream->pending, data, len);
    if (rc == 0)
        wake(stream);
    pthread_mutex_unlock(&stream->lock);
    return rc;
}

bool ud_http_stream_gone(ud_http_stream *stream)
{
    pthread_mutex_lock(&stream->lock);
    bool gone = stream->gone;
    pthread_mutex_unlock(&stream->lock);
    return gone;
}

/* Runs a stream's writer (on the worker that ran its handler) and ends
 * the body after it. */
static void run_stream(ud_http_stream *stream)
{
    ud_error_clear();
    stream->fn(stream, stream->payload);
    if (stream->payload_free)
        stream->payload_free(stream->payload);
    pthread_mutex_lock(&stream->lock);
    stream->done = true;
    wake(stream);
    pthread_mutex_unlock(&stream->lock);
    stream_release(stream);
}

/* A stream whose writer will never run and that no response holds. */
static void stream_discard(ud_http_stream *stream)
{
    if (stream->payload_free)
        stream->payload_free(stream->payload);
    ud_buf_dispose(&stream->pending);
    pthread_cond_destroy(&stream->drained);
    pthread_mutex_destroy(&stream->lock);
    free(stream);
}

/* MHD asks for body bytes: hand over what is pending, end after the worker
 * is done, else park the connection until the worker writes (the pattern
 * libmicrohttpd prescribes for "no data yet": returning 0 unsuspended
 * would spin). */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    ud_http_stream *stream = cls;
    pthread_mutex_lock(&stream->lock);
    ssize_t n = 0;
    if (stream->pending.len > 0) {
        size_t take = stream->pending.len < max ? stream->pending.len : max;
        memcpy(buf, stream->pending.ptr, take);
        memmove(stream->pending.ptr, stream->pending.ptr + take, stream->pending.len - take);
        stream->pending.len -= take;
        n = (ssize_t)take;
        pthread_cond_broadcast(&stream->drained);
    } else if (stream->done) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        stream->suspended = true;
        MHD_suspend_connection(stream->connection);
    }
    pthread_mutex_unlock(&stream->lock);
    return n;
}

/* The response is gone (body ended, or the client left). */
static void stream_free(void *cls)
{
    ud_http_stream *stream = cls;
    pthread_mutex_lock(&stream->lock);
    stream->gone = true;
    pthread_cond_broadcast(&stream->drained);
    pthread_mutex_unlock(&stream->lock);
    stream_release(stream);
}

int ud_http_stream_start(ud_http_response *res, const ud_http_request *req,
                         const char *content_type, ud_http_stream_fn fn, void *payload,
                         void (*payload_free)(void *))
{
    ud_http_stream *stream = ud_calloc(1, sizeof(*stream));
    pthread_mutex_init(&stream->lock, NULL);
    pthread_cond_init(&stream->drained, NULL);
    ud_buf_init(&stream->pending, STREAM_MAX_PENDING + 1);
    stream->refs = 2; /* the worker and the response */
    stream->connection = req->connection;
    stream->fn = fn;
    stream->payload = payload;
    stream->payload_free = payload_free;
    stream->content_type = ud_arena_strdup(req->arena, content_type);
    res->stream = stream;
    res->status = 200;
    return 0;
}

/* Queues the streamed response; its writer runs on the worker that ran
 * the handler, which lets go of the request after this. */
static enum MHD_Result start_stream(request_state *state, struct MHD_Connection *connection,
                                    const ud_http_response *res)
{
    ud_http_stream *stream = res->stream;
    struct MHD_Response *response =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, stream, stream_free);
    if (!response)
        return MHD_NO; /* on_completed lets go of the stream */
    state->stream_sent = true;
    char id[24];
    snprintf(id, sizeof(id), "%llu", (unsigned long long)state->id);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, stream->content_type);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(response, "X-Accel-Buffering", "no");
    MHD_add_response_header(response, "X-Request-Id", id);
    for (size_t i = 0; i < res->header_count; i++)
        MHD_add_response_header(response, res->header_names[i], res->header_values[i]);
    enum MHD_Result result = MHD_queue_response(connection, 200, response);
    MHD_destroy_response(response); /* MHD holds its own reference while sending */
    return result;
}

static enum MHD_Result finish(struct MHD_Connection *connection, request_state *state,
                              const char *method, const char *url, int rc,
                              const ud_http_response *result);

/* ---- the slow-request guard ------------------------------------------------ */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static watched *watched_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* Gives the connection until `seconds` from now (or no limit, when
 * negative) to get its request in. */
static void set_deadline(ud_http_server *server, struct MHD_Connection *connection, double seconds)
{
    watched *w = watched_of(connection);
    if (!w)
        return;
    pthread_mutex_lock(&server->watch_lock);
    w->deadline = seconds < 0 ? INFINITY : now_ms() + seconds * 1000.0;
    pthread_mutex_unlock(&server->watch_lock);
}

static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    ud_http_server *server = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        watched *w = ud_calloc(1, sizeof(*w));
        w->fd = info ? info->connect_fd : -1;
        w->deadline = now_ms() + server->config.timeout_seconds * 1000.0;
        pthread_mutex_lock(&server->watch_lock);
        w->next = server->watch_head;
        if (w->next)
            w->next->prev = w;
        server->watch_head = w;
        pthread_mutex_unlock(&server->watch_lock);
        *socket_context = w;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        watched *w = *socket_context;
        pthread_mutex_lock(&server->watch_lock);
        if (w->prev)
            w->prev->next = w->next;
        else
            server->watch_head = w->next;
        if (w->next)
            w->next->prev = w->prev;
        pthread_mutex_unlock(&server->watch_lock);
        free(w);
        *socket_context = NULL;
    }
}

static void *reap_slow_clients(void *arg)
{
    ud_http_server *server = arg;
    pthread_mutex_lock(&server->watch_lock);
    while (!server->watch_stopping) {
        double now = now_ms();
        for (watched *w = server->watch_head; w; w = w->next)
            if (!w->reaped && w->fd >= 0 && now > w->deadline) {
                /* MHD sees the end of the stream and closes it cleanly. */
                shutdown(w->fd, SHUT_RDWR);
                w->reaped = true;
            }
        struct timespec wake;
        clock_gettime(CLOCK_REALTIME, &wake);
        wake.tv_nsec += 200 * 1000000L;
        if (wake.tv_nsec >= 1000000000L) {
            wake.tv_sec++;
            wake.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&server->watch_stop, &server->watch_lock, &wake);
    }
    pthread_mutex_unlock(&server->watch_lock);
    return NULL;
}

/* ---- routing ------------------------------------------------------------- */

/* Splits "/a/b/c" into segments (borrowed slices). Returns false if there
 * are too many. */
static bool split_path(const char *path, ud_str *out, size_t *out_count)
{
    size_t count = 0;
    const char *p = path;
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (count == MAX_SEGMENTS)
            return false;
        out[count++] = (ud_str){p, len};
        p += len;
    }
    *out_count = count;
    return true;
}

/* Matches a request path against a pattern, filling the request's params. */
static bool match_route(const char *pattern, const ud_str *segments, size_t count,
                        ud_http_request *req)
{
    ud_str parts[MAX_SEGMENTS];
    size_t part_count;
    if (!split_path(pattern, parts, &part_count) || part_count != count)
        return false;
    size_t params = 0;
    for (size_t i = 0; i < count; i++) {
        ud_str part = parts[i];
        if (part.len >= 2 && part.ptr[0] == '{' && part.ptr[part.len - 1] == '}') {
            if (params == UD_HTTP_MAX_PARAMS || segments[i].len == 0)
                return false;
            if (req) {
                req->param_names[params] = ud_arena_strndup(req->arena, part.ptr + 1, part.len - 2);
                req->param_values[params] =
                    ud_arena_strndup(req->arena, segments[i].ptr, segments[i].len);
            }
            params++;
        } else if (!ud_str_eq(part, segments[i])) {
            return false;
        }
    }
    if (req)
        req->param_count = params;
    return true;
}

static enum MHD_Result dispatch(ud_http_server *server, struct MHD_Connection *connection,
                                const char *url, const char *method, request_state *state)
{
    ud_str segments[MAX_SEGMENTS];
    size_t count = 0;
    if (!split_path(url, segments, &count))
        return send_error(connection, UD_ENOTFOUND, "no such route", state->id, NULL);

    ud_http_request req = {
        .method = method,
        .path = url,
        .body = state->body.ptr,
        .body_len = state->body.len,
        .content_type =
            MHD_lookup_connection_value(connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .connection = connection,
        .arena = &state->arena,
        .request_id = state->id,
        .client_ip = client_address(connection, &state->arena),
        .internal = state,
    };
    const ud_http_route *route = NULL;
    char allow[128] = "";
    for (size_t i = 0; i < server->route_count; i++) {
        const ud_http_route *r = &server->routes[i];
        if (!match_route(r->pattern, segments, count, NULL))
            continue;
        if (strcmp(r->method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0)) {
            route = r;
            break;
        }
        size_t used = strlen(allow);
        snprintf(allow + used, sizeof(allow) - used, "%s%s", used ? ", " : "", r->method);
    }
    if (!route) {
        if (allow[0])
            return send_error_body(connection, 405, "method_not_allowed",
                                   "method not allowed on this route", allow, state->id, NULL);
        return send_error(connection, UD_ENOTFOUND, "no such route", state->id, NULL);
    }
    match_route(route->pattern, segments, count, &req);
    req.route = route;
    state->req = req;
    if (!(route->flags & UD_HTTP_INLINE))
        return to_pool(server, connection, state);

    ud_http_response res = {.status = 200};
    ud_error_clear();
    int rc =
        server->config.guard ? server->config.guard(&res, &req, route->access, server->payload) : 0;
    if (rc == 0)
        rc = route->handler(&res, &req, server->payload);
    if (rc == UD_HTTP_DEFERRED) { /* inline routes defer nothing slow: run it now */
        res = (ud_http_response){.status = 200};
        rc = state->deferred_fn(&res, &req, state->deferred_payload);
    }
    if (rc == 0 && res.stream) { /* its writer needs a worker */
        state->res = res;
        state->rc = 0;
        state->handled = true;
        return to_pool(server, connection, state);
    }
    return finish(connection, state, method, url, rc, &res);
}

/* Answers a request with what its handler (or deferred worker) produced. */
static enum MHD_Result finish(struct MHD_Connection *connection, request_state *state,
                              const char *method, const char *url, int rc,
                              const ud_http_response *result)
{
    ud_http_response res = *result;
    if (state->overloaded)
        return send_error_body(connection, 503, "overloaded", state->message, NULL, state->id,
                               &res);
    if (rc < 0) {
        int status = ud_error_http_status(rc);
        UD_LOG(NULL, status >= 500 ? UD_LOG_ERROR : UD_LOG_INFO,
               "request_id=%llu method=%s path=%s status=%d error=\"%s\"",
               (unsigned long long)state->id, method, url, status, ud_error_last());
        /* Internal errors keep their detail in the log, not the response. */
        return send_error(connection, rc, status >= 500 ? "internal error" : ud_error_last(),
                          state->id, &res);
    }
    if (res.stream)
        return start_stream(state, connection, &res);
    return send_response(connection, res.status ? res.status : 200, res.content_type,
                         res.body ? res.body : "", res.body ? res.body_len : 0, NULL, state->id,
                         &res);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    ud_http_server *server = cls;
    request_state *state = *con_cls;
    if (!state) {
        state = ud_calloc(1, sizeof(*state));
        ud_arena_init(&state->arena);
        ud_buf_init(&state->body, server->config.max_body_bytes);
        state->id = atomic_fetch_add(&server->next_request_id, 1) + 1;
        state->server = server;
        *con_cls = state;
        /* The headers are in; the body gets the same time again. */
        set_deadline(server, connection, server->config.timeout_seconds);
        /* A declared length over the cap is refused before reading a byte. */
        const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length) {
            char *end = NULL;
            unsigned long long declared = strtoull(length, &end, 10);
            if (end == length || *end != '\0' || declared > server->config.max_body_bytes) {
                state->too_large = true;
                char message[96];
                snprintf(message, sizeof(message), "request body is larger than %zu bytes",
                         server->config.max_body_bytes);
                return send_error(connection, UD_ELIMIT, message, state->id, NULL);
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        if (!state->too_large && ud_buf_append(&state->body, upload_data, *upload_data_size) < 0)
            state->too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    set_deadline(server, connection, -1); /* the request is in: answering it has no deadline */
    if (state->pooled) {
        /* Called again after the worker resumed the connection. */
        if (!atomic_load(&state->done))
            return MHD_YES;
        if (state->rc < 0)
            ud_error_set(state->rc, "%s", state->message ? state->message : "error");
        return finish(connection, state, method, url, state->rc, &state->res);
    }
    if (state->too_large) {
        char message[96];
        snprintf(message, sizeof(message), "request body is larger than %zu bytes",
                 server->config.max_body_bytes);
        return send_error(connection, UD_ELIMIT, message, state->id, NULL);
    }
    return dispatch(server, connection, url, method, state);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    ud_http_server *server = cls;
    (void)code;
    /* A kept-alive connection has the usual time for its next request. */
    set_deadline(server, connection, server->config.timeout_seconds);
    request_state *state = *con_cls;
    if (!state)
        return;
    /* A worker's stream whose response never started (the client left
     * while the handler ran): its writer sees the client gone. */
    if (state->res.stream && !state->stream_sent)
        stream_free(state->res.stream);
    ud_buf_dispose(&state->body);
    ud_arena_dispose(&state->arena);
    free(state);
    *con_cls = NULL;
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char message[256];
    vsnprintf(message, sizeof(message), fmt, ap);
    message[strcspn(message, "\n")] = '\0';
    UD_LOG(NULL, UD_LOG_DEBUG, "microhttpd: %s", message);
}

int ud_http_server_start(ud_http_server **out, const ud_http_config *config,
                         const ud_http_route *routes, size_t route_count, void *payload)
{
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof(addr));
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    const char *bind = config->bind ? config->bind : "127.0.0.1";
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
    if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(config->port);
    } else if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(config->port);
        flags |= MHD_USE_IPv6;
    } else {
        return ud_error_set(UD_EINVAL, "bind address is not an IP address: %s", bind);
    }
    ud_http_server *server = ud_calloc(1, sizeof(*server));
    ud_work_pool_config pool = {config->workers, config->queue_max, config->queue_wait_ms};
    int rc = ud_work_pool_new(&server->pool, &pool);
    if (rc < 0) {
        free(server);
        return rc;
    }
    pthread_mutex_init(&server->watch_lock, NULL);
    pthread_cond_init(&server->watch_stop, NULL);
    server->config = *config;
    if (server->config.threads == 0)
        server->config.threads = 1;
    server->routes = routes;
    server->route_count = route_count;
    server->payload = payload;
    /* One thread is MHD's internal polling thread itself: asking for a
     * "pool" of one draws a warning. */
    struct MHD_OptionItem pool_size[] = {
        {server->config.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
         (intptr_t)server->config.threads, NULL},
        {MHD_OPTION_END, 0, NULL}};
    server->daemon = MHD_start_daemon(
        flags, config->port, NULL, NULL, on_request, server, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *)&addr, MHD_OPTION_ARRAY, pool_size, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)config->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)config->timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)config->max_header_bytes, MHD_OPTION_NOTIFY_COMPLETED, on_completed, server,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, server, MHD_OPTION_EXTERNAL_LOGGER, log_mhd,
        server, MHD_OPTION_END);
    if (!server->daemon) {
        ud_work_pool_free(server->pool);
        pthread_cond_destroy(&server->watch_stop);
        pthread_mutex_destroy(&server->watch_lock);
        free(server);
        return ud_error_set(UD_EIO, "cannot listen on %s:%u (address in use or not permitted?)",
                            bind, (unsigned)config->port);
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    server->port = info ? info->port : config->port;
    if (pthread_create(&server->reaper, NULL, reap_slow_clients, server) != 0) {
        MHD_stop_daemon(server->daemon);
        ud_work_pool_free(server->pool);
        free(server);
        return ud_error_set(UD_EIO, "cannot start the slow-client guard");
    }
    *out = server;
    return 0;
}

uint16_t ud_http_server_port(const ud_http_server *server)
{
    return server->port;
}

void ud_http_server_stats(ud_work_pool_stats *out, ud_http_server *server)
{
    ud_work_pool_stats_get(out, server->pool);
}

void ud_http_server_stop(ud_http_server *server)
{
    if (!server)
        return;
    /* Workers hold parked connections: let them finish first, with the
     * daemon still running so their clients get the end of their answers
     * (requests that come in meanwhile are refused with 503). */
    ud_work_pool_drain(server->pool);
    ud_work_pool_stats stats;
    ud_work_pool_stats_get(&stats, server->pool);
    UD_LOG(NULL, UD_LOG_INFO,
           "http workers: workers=%u queue_max=%u max_wait_ms=%u accepted=%llu completed=%llu "
           "rejected=%llu expired=%llu max_queued=%u wait_p50_ms=%.3f wait_p99_ms=%.3f "
           "wait_max_ms=%.3f",
           stats.workers, stats.queue_max, stats.max_wait_ms, (unsigned long long)stats.accepted,
           (unsigned long long)stats.completed, (unsigned long long)stats.rejected,
           (unsigned long long)stats.expired, stats.max_queued, ud_work_pool_wait_ms(&stats, 0.5),
           ud_work_pool_wait_ms(&stats, 0.99), (double)stats.wait_max_us / 1000.0);
    ud_work_pool_free(server->pool);
    pthread_mutex_lock(&server->watch_lock);
    server->watch_stopping = true;
    pthread_cond_signal(&server->watch_stop);
    pthread_mutex_unlock(&server->watch_lock);
    pthread_join(server->reaper, NULL);
    MHD_stop_daemon(server->daemon);
    pthread_cond_destroy(&server->watch_stop);
    pthread_mutex_destroy(&server->watch_lock);
    free(server);
}
