/*
 * The HTTP layer: libmicrohttpd's threads parse, route and write; a fixed
 * pool of worker threads (server/work_pool.h) runs the handlers, so that
 * a handler that blocks (SQL, an index search, argon2, a remote model)
 * never stalls the connections of others. Also: a route table, bodies
 * read into a capped buffer, JSON error bodies, and limits on body size,
 * header size, connection count, connection time and the workers' queue.
 * Routes are data: an array of {method, pattern, handler, access, flags}.
 * The server knows nothing of search or documents; src/server/api.c
 * supplies the product's routes.
 */
#ifndef UD_SERVER_HTTP_H
#define UD_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "server/work_pool.h"

#define UD_HTTP_MAX_PARAMS 4
#define UD_HTTP_MAX_HEADERS 4

typedef struct ud_http_route ud_http_route;

/* One request, as a handler sees it. Everything lives in `arena`, which is
 * disposed after the response is sent. */
typedef struct ud_http_request {
    const char *method;
    const char *path; /* without the query string */
    const char *body; /* NUL-terminated, may contain NULs; NULL if none */
    size_t body_len;
    const char *content_type;                     /* NULL if absent */
    const char *param_names[UD_HTTP_MAX_PARAMS];  /* from "{name}" in the pattern */
    const char *param_values[UD_HTTP_MAX_PARAMS]; /* URL-decoded */
    size_t param_count;
    void *connection; /* the MHD connection, for headers and query arguments */
    ud_arena *arena;
    uint64_t request_id;
    const char *client_ip;      /* the peer's address, "" if unknown */
    const ud_http_route *route; /* the route matched */
    void *caller;               /* set by the guard (ud_http_guard) for the handler */
    void *internal;             /* the server's state of this request */
} ud_http_request;

typedef struct ud_http_response {
    int status;
    const char *content_type; /* default "application/json" */
    const char *body;         /* in the request arena */
    size_t body_len;
    /* Extra headers (Retry-After, Location, ...), sent with errors too. */
    const char *header_names[UD_HTTP_MAX_HEADERS];
    const char *header_values[UD_HTTP_MAX_HEADERS];
    size_t header_count;
    struct ud_http_stream *stream; /* set by ud_http_stream_start */
} ud_http_response;

/* A handler fills `res` and returns 0, or returns a negative UD_E* code with
 * ud_error_set() called: the server then answers with
 * {"error": {"code": ud_error_name(code), "message": ud_error_last()}} and
 * ud_error_http_status(code). */
typedef int (*ud_http_handler)(ud_http_response *res, const ud_http_request *req, void *payload);

struct ud_http_route {
    const char *method;  /* "GET", "POST", ... */
    const char *pattern; /* "/v1/documents/{id}": literal segments and {params} */
    ud_http_handler handler;
    int access;     /* what the caller must be allowed; passed to the guard, opaque here */
    unsigned flags; /* UD_HTTP_INLINE; 0: the guard and handler run on the worker pool */
};

/* The route's guard and handler are quick and never block (no I/O that can
 * wait on another client or a remote service): they run on the server's
 * own thread, skipping the pool's queue (a health check). */
#define UD_HTTP_INLINE 1u
/* The default: guard and handler run on the worker pool. */
#define UD_HTTP_POOLED 0u

/* Runs before every handler with the route's access value: authenticates
 * the caller and checks their right to the route. Returns 0 and may set
 * req->caller, or a negative UD_E* code (answered as handler errors are,
 * with res's headers). Set with ud_http_config.guard; NULL lets every
 * request through. */
typedef int (*ud_http_guard)(ud_http_response *res, ud_http_request *req, int access,
                             void *payload);

typedef struct ud_http_config {
    const char *bind;         /* "127.0.0.1" */
    uint16_t port;            /* 0 = any free port (see ud_http_server_port) */
    unsigned threads;         /* libmicrohttpd's threads (parse, route, write), default 4 */
    unsigned workers;         /* worker pool (handlers), 0 = 2 per core, at least 4 */
    unsigned queue_max;       /* requests waiting for a worker, default 256; more get 503 */
    unsigned queue_wait_ms;   /* longest wait for a worker, default 5000; then 503 */
    size_t max_body_bytes;    /* default 1 MiB; larger bodies get 413 */
    size_t max_header_bytes;  /* per-connection memory for headers, default 32 KiB */
    unsigned max_connections; /* default 256 */
    unsigned timeout_seconds; /* idle/slow connection cut-off, default 30 */
    ud_http_guard guard;      /* default NULL */
} ud_http_config;

void ud_http_config_default(ud_http_config *out);

typedef struct ud_http_server ud_http_server;

/* ---- the worker pool ----------------------------------------------------
 * Every route's guard and handler run on a worker of the server's pool,
 * unless the route is UD_HTTP_INLINE. The connection is parked meanwhile.
 * When the pool's queue is full, or a request waited longer than
 * queue_wait_ms for a worker, it is answered 503 with Retry-After and
 * {"error": {"code": "overloaded", ...}}; so are requests that come in
 * while the server stops. A handler that takes long (a language model)
 * may answer in one of two ways besides returning.
 *
 * Deferred: the handler returns ud_http_defer(req, fn, payload); fn runs
 * next (on the same worker; on an inline route, at once on the server
 * thread, so inline routes must not defer slow work) with the same request
 * (its arena stays valid) and fills the response or returns an error
 * exactly as a handler does.
 *
 * Streamed: the handler calls ud_http_stream_start(), which answers 200 at
 * once with a body that fn writes, piece by piece, with ud_http_stream_write
 * (Server-Sent Events, for instance), on the worker that ran the handler
 * (a stream holds its worker until fn returns). The request's arena is NOT
 * available to fn (the client may leave first): pass what it needs in its
 * payload, which it owns. ud_http_stream_write returns UD_ECANCELED once
 * the client has gone, so fn can cancel its upstream work.
 *
 * ud_http_server_stop refuses new requests, runs the queued ones and waits
 * for the running ones, streams included. */

/* Returned by a handler through ud_http_defer: the answer comes later. */
#define UD_HTTP_DEFERRED 1

typedef int (*ud_http_deferred_fn)(ud_http_response *res, const ud_http_request *req,
                                   void *payload);
/* Returns UD_HTTP_DEFERRED (the handler returns it), or a negative code. */
int ud_http_defer(const ud_http_request *req, ud_http_deferred_fn fn, void *payload);

typedef struct ud_http_stream ud_http_stream;
/* fn writes the body and returns; the stream is ended after it. */
typedef void (*ud_http_stream_fn)(ud_http_stream *stream, void *payload);
/* Answers 200 with content_type and a body that fn writes on a worker.
 * payload_free (may be NULL) is called on payload after fn returns. */
int ud_http_stream_start(ud_http_response *res, const ud_http_request *req,
                         const char *content_type, ud_http_stream_fn fn, void *payload,
                         void (*payload_free)(void *)) UD_MUST_CHECK;
/* Queues bytes for the client. When a megabyte waits unsent the writer
 * waits for the client (back-pressure); UD_ELIMIT after 30 s of that (a
 * client that reads nothing), UD_ECANCELED once the client has gone.
 * Thread-safe. */
int ud_http_stream_write(ud_http_stream *stream, const void *data, size_t len) UD_MUST_CHECK;
bool ud_http_stream_gone(ud_http_stream *stream);

/* Starts serving the routes (borrowed: must outlive the server). A path that
 * matches no route gets 404; one that matches with another method gets 405
 * with an Allow header. */
int ud_http_server_start(ud_http_server **out, const ud_http_config *config,
                         const ud_http_route *routes, size_t route_count,
                         void *payload) UD_MUST_CHECK;
/* The port actually bound (useful with port 0). */
uint16_t ud_http_server_port(const ud_http_server *server);
/* The worker pool's counters now (they are also logged when the server
 * stops). */
void ud_http_server_stats(ud_work_pool_stats *out, ud_http_server *server);
/* Stops accepting, finishes in-flight requests, frees everything. */
void ud_http_server_stop(ud_http_server *server);

/* Helpers for handlers. */
int ud_http_respond_json(ud_http_response *res, const ud_http_request *req, int status,
                         void *json /* json_t*, reference stolen */) UD_MUST_CHECK;
/* Adds a header to the response (name and value copied into the arena);
 * UD_ELIMIT past UD_HTTP_MAX_HEADERS. */
int ud_http_add_header(ud_http_response *res, const ud_http_request *req, const char *name,
                       const char *value) UD_MUST_CHECK;
/* A request header (case-insensitive name), or NULL. */
const char *ud_http_header(const ud_http_request *req, const char *name);
/* A query-string argument, or NULL. */
const char *ud_http_query_arg(const ud_http_request *req, const char *name);
/* The value of the named path parameter, or NULL. */
const char *ud_http_param(const ud_http_request *req, const char *name);

#endif
