/*
 * The one HTTP client of the program (DESIGN.md, "Data flow"): every call
 * to the outside world (model providers, embedding APIs, connectors, S3)
 * goes through it, so timeouts, retries, rate limits and credential refresh
 * behave the same everywhere. Built on libcurl; nothing else calls libcurl.
 *
 * A client is made once per remote service with its policy:
 *   - a timeout for each attempt and one for silence mid-transfer;
 *   - retries of 429 and 5xx (529 included) and of connection failures,
 *     with exponential backoff (base, 2·base, 4·base, ... : 1, 2, 4, 8,
 *     16 s by default, at most 5), honouring Retry-After (seconds or an
 *     HTTP-date) and OpenAI's retry-after-ms;
 *   - a token bucket (requests per second and a burst) taken before each
 *     attempt;
 *   - an optional hook that refreshes credentials on a 401 and retries
 *     once with the headers it returns.
 * A request may stream: its body bytes go to a callback as they arrive, and
 * a non-zero return from it aborts the transfer at once. A streamed request
 * is retried only while none of its bytes reached the callback, so the
 * listener never sees the same bytes twice.
 *
 * Thread-safe: a client may be shared by any number of threads (each
 * request takes its own curl handle from a small pool, and the bucket has a
 * lock).
 */
#ifndef UD_BASE_HTTP_CLIENT_H
#define UD_BASE_HTTP_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/log.h"
#include "base/str.h"

#define UD_HTTP_DEFAULT_RETRIES 5
#define UD_HTTP_NO_RETRIES (-1) /* for ud_http_client_config.max_retries */

/* Called at most once per request, on a 401: refreshes the credentials and
 * appends to `out` the header lines ("Name: value", one per line) that
 * replace the request's headers of the same names for the retry. Returns 0,
 * or a UD_E* code (the request then fails with it). The hook should keep
 * the new credentials for the caller's next requests: the client forgets
 * them after this one. */
typedef int (*ud_http_refresh_fn)(ud_buf *out, void *payload);

/* Receives body bytes of a streamed request as they arrive (only for a 2xx
 * status; an error status's body is collected in the response instead).
 * Return 0 to go on. Any other value aborts the transfer at once:
 * ud_http_client_send then returns it if it is a negative UD_E* code (the
 * callback sets the message), or UD_ECANCELED for a positive value. */
typedef int (*ud_http_on_body)(const char *data, size_t len, void *payload);

typedef struct ud_http_client_config {
    const char *name;        /* of the service, in messages and logs ("anthropic") */
    long timeout_ms;         /* each attempt, from connect to the last byte; 0: 60 s */
    long connect_timeout_ms; /* 0: 10 s */
    long idle_timeout_ms;    /* longest silence before or during the response; 0: none */
    int max_retries;         /* after the first attempt; 0: 5; UD_HTTP_NO_RETRIES: none */
    long retry_base_ms;      /* the first backoff delay, doubled each time; 0: 1000 */
    /* The longest single wait; 0: 60 s. A Retry-After that asks for more
     * ends the retries (the error is returned rather than waited out). */
    long retry_max_ms;
    double rate_per_second;     /* token bucket refill; 0: no limit */
    double burst;               /* bucket size; 0: max(1, rate_per_second) */
    ud_http_refresh_fn refresh; /* NULL: a 401 fails with UD_EAUTH */
    void *refresh_payload;
    const char *user_agent; /* NULL: "unify" */
    const ud_log *log;      /* retries are logged at info level here; NULL: not logged */
} ud_http_client_config;

typedef struct ud_http_request {
    const char *method; /* NULL: "POST" when there is a body, else "GET" */
    const char *url;
    const char *const *headers; /* "Name: value" lines, NULL-terminated; may be NULL */
    const void *body;           /* may be NULL */
    size_t body_len;
    /* Cap on the response body (UD_ELIMIT past it); 0: 16 MiB. A streamed
     * body is not stored and not capped here: the callback decides. */
    size_t max_response;
    ud_http_on_body on_body; /* NULL: the body is collected in the response */
    void *payload;
} ud_http_request;

typedef struct ud_http_response {
    long status; /* of the last attempt; 0 when no response came */
    char content_type[128];
    char request_id[128]; /* "request-id" or "x-request-id", "" if none */
    char retry_after[64]; /* "retry-after" as sent, "" if none */
    ud_buf body;          /* the body; for a streamed request only an error status's */
    int attempts;         /* requests made, retries and the 401 refresh included */
    bool streamed;        /* some body bytes reached on_body */
} ud_http_response;

void ud_http_response_init(ud_http_response *response);
void ud_http_response_dispose(ud_http_response *response);

typedef struct ud_http_client ud_http_client;

/* Makes a client with the given policy (copied; zero fields take their
 * defaults). UD_EINVAL for a negative timeout or rate. */
int ud_http_client_new(ud_http_client **out, const ud_http_client_config *config) UD_MUST_CHECK;
void ud_http_client_free(ud_http_client *client);

/* Sends a request under the client's policy. `out` is initialised here and
 * filled as far as the exchange went, on success and on failure alike (the
 * caller disposes it in both cases). Returns 0 for a 2xx status, or:
 *   UD_ETIMEOUT   an attempt or a silence took longer than allowed
 *   UD_EAGAIN     429, still after the retries
 *   UD_EUPSTREAM  5xx (529 included) after the retries, a connection that
 *                 failed or broke, another unexpected status
 *   UD_EAUTH      401 (after the refresh hook, if any) or 403
 *   UD_EINVAL     another 4xx, or a bad request (no URL)
 *   UD_ELIMIT     the response body passed max_response
 *   UD_ECANCELED  (or the callback's code) the streaming callback stopped it
 * with a message naming the client, the method, the URL (without its
 * query) and the service's own error message when it sent one. */
int ud_http_client_send(ud_http_response *out, ud_http_client *client,
                        const ud_http_request *req) UD_MUST_CHECK;

/* The wait a Retry-After value asks for, in milliseconds: delay-seconds
 * ("120") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", compared with
 * `now`, Unix seconds; a date in the past gives 0). UD_EINVAL if it is
 * neither. */
int ud_http_retry_after_ms(long *out, const char *value, int64_t now) UD_MUST_CHECK;

/* A token bucket: `rate` tokens a second up to `burst`, starting full.
 * Thread-safe (its own lock). Time is passed in, so it can be tested
 * without waiting. */
typedef struct ud_token_bucket {
    pthread_mutex_t lock;
    double rate;   /* tokens per second; 0: unlimited */
    double burst;  /* capacity */
    double tokens; /* available now */
    double last_ms;
} ud_token_bucket;

void ud_token_bucket_init(ud_token_bucket *bucket, double rate, double burst);
void ud_token_bucket_dispose(ud_token_bucket *bucket);

/* Takes a token at `now_ms` (a monotonic clock): returns 0 when one was
 * taken, else how many milliseconds to wait before one is available (the
 * caller waits and asks again). */
double ud_token_bucket_take(ud_token_bucket *bucket, double now_ms);

#endif
