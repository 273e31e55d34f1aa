/*
 * A closed-loop HTTP/1.1 load generator for the HTTP suite of `make bench`
 * (bench/http_suite.sh, docs/performance.md): C keep-alive connections,
 * each sending its next request as soon as the previous answer is in (as
 * wrk does), on one thread with poll(2). Every answer's latency is kept,
 * so the percentiles are exact, not read from a histogram. An answer that
 * is not 2xx, a connection that fails or closes mid-answer, or an answer
 * that takes longer than 10 s counts as an error.
 *
 * usage: http_load HOST PORT SECONDS CONNECTIONS METHOD PATH [options]
 *   -H "Name: value"   a request header (repeatable)
 *   -b FILE            request bodies, one per line, used in turn
 *   -w SECONDS         warm-up before measuring (default 1)
 * prints one JSON object: requests, seconds, rps, p50_ms, p99_ms,
 * max_ms, errors (and the first error's cause).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 1024
#define MAX_HEADERS 16
#define MAX_BODIES 4096
#define ANSWER_TIMEOUT_MS 10000.0

typedef struct conn {
    int fd;
    const char *out; /* the request being sent */
    size_t out_len, out_off;
    char *in;
    size_t in_len, in_cap;
    double started; /* ms, when the request began */
} conn;

static struct sockaddr_in server;
static char **requests; /* the whole request text, one per body */
static size_t *request_lens;
static size_t request_count, next_request;
static double *latencies; /* ms */
static size_t latency_count, latency_cap;
static long errors;
static char first_error[160];

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void error_seen(const char *what)
{
    errors++;
    if (!first_error[0])
        snprintf(first_error, sizeof(first_error), "%s", what);
}

static int open_connection(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&server, sizeof(server)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void send_next(conn *c)
{
    size_t i = next_request++ % request_count;
    c->out = requests[i];
    c->out_len = request_lens[i];
    c->out_off = 0;
    c->in_len = 0;
    c->started = now_ms();
}

static void reconnect(conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = open_connection();
    if (c->fd < 0) {
        error_seen("cannot connect");
        return;
    }
    send_next(c);
}

/* The length of a complete answer at the start of c->in, or 0 if more is
 * to come; *status gets its status code. */
static size_t complete_answer(const conn *c, int *status)
{
    c->in[c->in_len] = '\0';
    const char *end = strstr(c->in, "\r\n\r\n");
    if (!end)
        return 0;
    size_t head = (size_t)(end - c->in) + 4;
    *status = c->in_len > 12 ? atoi(c->in + 9) : 0;
    long length = -1;
    bool chunked = false;
    for (const char *line = strstr(c->in, "\r\n"); line && line < end;
         line = strstr(line, "\r\n")) {
        line += 2;
        if (strncasecmp(line, "Content-Length:", 15) == 0)
            length = strtol(line + 15, NULL, 10);
        else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 && strstr(line, "chunked") &&
                 strstr(line, "chunked") < strstr(line, "\r\n"))
            chunked = true;
    }
    if (chunked) {
        const char *last = strstr(c->in + head, "\r\n0\r\n\r\n");
        if (!last && strncmp(c->in + head, "0\r\n\r\n", 5) == 0)
            return head + 5;
        return last ? (size_t)(last - c->in) + 7 : 0;
    }
    if (length < 0)
        length = 0;
    return c->in_len >= head + (size_t)length ? head + (size_t)length : 0;
}

static void record(double ms)
{
    if (latency_count == latency_cap) {
        latency_cap = latency_cap ? latency_cap * 2 : 65536;
        latencies = realloc(latencies, latency_cap * sizeof(double));
        if (!latencies) {
            perror("http_load");
            exit(1);
        }
    }
    latencies[latency_count++] = ms;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double q)
{
    if (latency_count == 0)
        return 0;
    size_t rank = (size_t)(q * (double)latency_count + 0.999999);
    if (rank < 1)
        rank = 1;
    return latencies[rank - 1];
}

/* Reads what the server sent; on a whole answer, records it (when
 * measuring) and sends the next request. */
static void on_readable(conn *c, bool measuring)
{
    if (c->in_cap - c->in_len < 65536) {
        c->in_cap = c->in_cap ? c->in_cap * 2 : 131072;
        c->in = realloc(c->in, c->in_cap + 1);
        if (!c->in) {
            perror("http_load");
            exit(1);
        }
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        if (measuring)
            error_seen(n == 0 ? "connection closed by the server" : strerror(errno));
        reconnect(c);
        return;
    }
    c->in_len += (size_t)n;
    int status = 0;
    size_t len = complete_answer(c, &status);
    if (len == 0)
        return;
    if (measuring) {
        if (status < 200 || status > 299) {
            char what[64];
            snprintf(what, sizeof(what), "status %d", status);
            error_seen(what);
        } else {
            record(now_ms() - c->started);
        }
    }
    send_next(c);
}

static void on_writable(conn *c, bool measuring)
{
    ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            return;
        if (measuring)
            error_seen(strerror(errno));
        reconnect(c);
        return;
    }
    c->out_off += (size_t)n;
}

/* Reads bodies, one per line, into the request texts. */
static int build_requests(const char *method, const char *path, const char *host,
                          const char **headers, size_t header_count, const char *body_file)
{
    char *bodies[MAX_BODIES];
    size_t body_count = 0;
    if (body_file) {
        FILE *f = fopen(body_file, "r");
        if (!f) {
            fprintf(stderr, "http_load: cannot read %s\n", body_file);
            return -1;
        }
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        while (body_count < MAX_BODIES && (len = getline(&line, &cap, f)) > 0) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0])
                bodies[body_count++] = strdup(line);
        }
        free(line);
        fclose(f);
        if (body_count == 0) {
            fprintf(stderr, "http_load: no bodies in %s\n", body_file);
            return -1;
        }
    }
    request_count = body_count ? body_count : 1;
    requests = calloc(request_count, sizeof(char *));
    request_lens = calloc(request_count, sizeof(size_t));
    for (size_t i = 0; i < request_count; i++) {
        size_t cap = 1024 + (body_count ? strlen(bodies[i]) : 0);
        for (size_t h = 0; h < header_count; h++)
            cap += strlen(headers[h]) + 2;
        char *text = malloc(cap);
        int n = snprintf(text, cap, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, host);
        for (size_t h = 0; h < header_count; h++)
            n += snprintf(text + n, cap - (size_t)n, "%s\r\n", headers[h]);
        if (body_count)
            n += snprintf(text + n, cap - (size_t)n, "Content-Length: %zu\r\n\r\n%s",
                          strlen(bodies[i]), bodies[i]);
        else
            n += snprintf(text + n, cap - (size_t)n, "\r\n");
        requests[i] = text;
        request_lens[i] = (size_t)n;
        if (body_count)
            free(bodies[i]);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: http_load HOST PORT SECONDS CONNECTIONS METHOD PATH "
                        "[-H header]... [-b bodies-file] [-w warm-up-seconds]\n");
        return 2;
    }
    const char *host = argv[1], *method = argv[5], *path = argv[6];
    double seconds = atof(argv[3]), warmup = 1;
    int count = atoi(argv[4]);
    const char *headers[MAX_HEADERS], *body_file = NULL;
    size_t header_count = 0;
    for (int i = 7; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "-H") == 0 && header_count < MAX_HEADERS)
            headers[header_count++] = argv[i + 1];
        else if (strcmp(argv[i], "-b") == 0)
            body_file = argv[i + 1];
        else if (strcmp(argv[i], "-w") == 0)
            warmup = atof(argv[i + 1]);
        else {
            fprintf(stderr, "http_load: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (count < 1 || count > MAX_CONNECTIONS || seconds <= 0) {
        fprintf(stderr, "http_load: 1 to %d connections, and a positive duration\n",
                MAX_CONNECTIONS);
        return 2;
    }
    server.sin_family = AF_INET;
    server.sin_port = htons((uint16_t)atoi(argv[2]));
    if (inet_pton(AF_INET, host, &server.sin_addr) != 1) {
        fprintf(stderr, "http_load: HOST must be an IPv4 address\n");
        return 2;
    }
    if (build_requests(method, path, host, headers, header_count, body_file) < 0)
        return 1;
    conn *conns = calloc((size_t)count, sizeof(conn));
    struct pollfd *fds = calloc((size_t)count, sizeof(struct pollfd));
    for (int i = 0; i < count; i++) {
        conns[i].fd = -1;
        reconnect(&conns[i]);
        if (conns[i].fd < 0) {
            fprintf(stderr, "http_load: cannot connect to %s:%s\n", host, argv[2]);
            return 1;
        }
    }
    double begin = now_ms(), measure_from = begin + warmup * 1000.0;
    double end = measure_from + seconds * 1000.0;
    bool measuring = false;
    for (;;) {
        double now = now_ms();
        if (!measuring && now >= measure_from) {
            measuring = true;
            /* Answers to requests sent in the warm-up count from now. */
            for (int i = 0; i < count; i++)
                if (conns[i].started < now)
                    conns[i].started = now;
        }
        if (now >= end)
            break;
        for (int i = 0; i < count; i++) {
            if (measuring && now - conns[i].started > ANSWER_TIMEOUT_MS) {
                error_seen("no answer in 10 s");
                reconnect(&conns[i]);
            }
            fds[i].fd = conns[i].fd;
            fds[i].events = conns[i].out_off < conns[i].out_len ? POLLOUT : POLLIN;
            fds[i].revents = 0;
        }
        int ready = poll(fds, (nfds_t)count, 100);
        if (ready < 0 && errno != EINTR) {
            perror("http_load: poll");
            return 1;
        }
        for (int i = 0; ready > 0 && i < count; i++) {
            if (fds[i].revents & POLLOUT)
                on_writable(&conns[i], measuring);
            else if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
                on_readable(&conns[i], measuring);
        }
    }
    double took = (now_ms() - measure_from) / 1000.0;
    qsort(latencies, latency_count, sizeof(double), by_value);
    printf("{\"connections\": %d, \"requests\": %zu, \"seconds\": %.3f, \"rps\": %.1f, "
           "\"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": %.3f, \"errors\": %ld, "
           "\"first_error\": \"%s\"}\n",
           count, latency_count, took, (double)latency_count / took, percentile(0.50),
           percentile(0.99), latency_count ? latencies[latency_count - 1] : 0.0, errors,
           first_error);
    for (int i = 0; i < count; i++) {
        if (conns[i].fd >= 0)
            close(conns[i].fd);
        free(conns[i].in);
    }
    for (size_t i = 0; i < request_count; i++)
        free(requests[i]);
    free(requests);
    free(request_lens);
    free(latencies);
    free(conns);
    free(fds);
    return 0;
}
