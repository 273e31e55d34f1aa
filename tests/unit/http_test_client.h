/*
 * A small HTTP client for tests that talk to a server started in-process on
 * 127.0.0.1: requests through libcurl with any method, headers and body
 * (including none, binary, or chunked without a length), replies with their
 * status, body and the headers the API sets; and raw TCP sockets for clients
 * that misbehave below HTTP (partial requests, trickled bytes).
 */
#ifndef UD_TEST_HTTP_TEST_CLIENT_H
#define UD_TEST_HTTP_TEST_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One connection pool to one server (libcurl reuses connections). */
typedef struct ud_test_http_client {
    uint16_t port;
    void *curl; /* CURL * */
} ud_test_http_client;

typedef struct ud_test_http_request {
    const char *method; /* "GET", "POST", ... */
    const char *target; /* path and query string, "/v1/history?limit=5" */
    /* Extra header lines ("Name: value"), NULL-terminated; may be NULL. */
    const char *const *headers;
    /* The Content-Type header; NULL sends none at all. */
    const char *content_type;
    const void *body; /* NULL: no body (and no Content-Length) */
    size_t body_len;
    bool chunked; /* send the body with Transfer-Encoding: chunked, no length */
} ud_test_http_request;

typedef struct ud_test_http_reply {
    long status;  /* 0 if the transfer failed before a status line */
    int transfer; /* the CURLcode of the transfer (0 = CURLE_OK) */
    char *body;   /* malloc'd, NUL-terminated (may hold NULs), at most 4 MiB */
    size_t len;
    char content_type[128];
    char www_authenticate[128];
    char retry_after[32];
    char allow[128];
} ud_test_http_reply;

void ud_test_http_client_init(ud_test_http_client *client, uint16_t port);
void ud_test_http_client_dispose(ud_test_http_client *client);

/* Sends one request and reads the whole reply into *out (dispose it).
 * Transport errors do not fail the test: out->transfer says what happened. */
void ud_test_http_send(ud_test_http_reply *out, ud_test_http_client *client,
                       const ud_test_http_request *req);
void ud_test_http_reply_dispose(ud_test_http_reply *reply);

/* A TCP connection to 127.0.0.1:port (fails the test if it cannot connect). */
int ud_test_tcp_connect(uint16_t port);
/* Writes all of data; false if the peer has closed the connection. */
bool ud_test_tcp_send(int fd, const void *data, size_t len);
/* Waits at most timeout_ms for the peer to close the connection, reading
 * and discarding whatever it sends meanwhile. True once it has closed
 * (end of stream or a reset), false if the time ran out. */
bool ud_test_tcp_wait_closed(int fd, int timeout_ms);

#endif
