/*
 * `unify serve`: the HTTP API until SIGINT or SIGTERM, then a clean stop
 * (in-flight requests finish, the store is closed).
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "cli/admin.h"
#include "index/search.h"
#include "server/api.h"
#include "server/http.h"
#include "store/meta_queue.h"
#include "sync/scheduler.h"

static const char usage[] =
    "usage: unify serve [--data DIR] [--bind ADDR] [--port P] [--threads N] [--workers N]\n\n"
    "Serves the HTTP API of every organization of the data directory (each caller's\n"
    "credential names its own; the routes are in docs/openapi.yaml and the README),\n"
    "and runs the data sources' syncs when they are due. Stops cleanly on SIGINT or\n"
    "SIGTERM.\n\n"
    "  -d, --data DIR     data directory (default: $UNIFY_DATA, else ./unify-data)\n"
    "  -b, --bind ADDR    address to listen on (default from config: 127.0.0.1)\n"
    "  -p, --port P       port, 0 for any free one (default from config: 8080)\n"
    "  -t, --threads N    HTTP threads that read, route and write (default from config: 4)\n"
    "  -w, --workers N    worker threads that run the handlers (default from config:\n"
    "                     0, i.e. 2 per core and at least 4); up to queue_max (256)\n"
    "                     requests wait for one, at most queue_wait_ms (5000); past\n"
    "                     either a request is answered 503 with Retry-After. The\n"
    "                     pool's counters are logged when the server stops.\n";

int ud_cmd_serve(int argc, char **argv)
{
    const char *bind = NULL, *port = NULL, *threads = NULL, *workers = NULL;
    const ud_cli_option options[] = {{"bind", true, &bind},
                                     {"port", true, &port},
                                     {"threads", true, &threads},
                                     {"workers", true, &workers},
                                     {NULL, false, NULL}};
    static const ud_cli_alias aliases[] = {
        {'b', "bind"}, {'p', "port"}, {'t', "threads"}, {'w', "workers"}, {0, NULL}};
    const ud_cli_spec spec = {usage, options, UD_CLI_DATA, 0, 0, aliases};
    ud_cli_flags flags;
    int parsed = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (parsed)
        return parsed < 0 ? 0 : parsed;
    const char *data = flags.data;
    ud_config config;
    if (ud_cli_load_config(&config, ud_cli_data_dir(data)) != 0)
        return 1;
    if ((bind && ud_config_set(&config, "bind", bind, UD_FROM_FLAG) < 0) ||
        (port && ud_config_set(&config, "port", port, UD_FROM_FLAG) < 0) ||
        (threads && ud_config_set(&config, "threads", threads, UD_FROM_FLAG) < 0) ||
        (workers && ud_config_set(&config, "workers", workers, UD_FROM_FLAG) < 0)) {
        ud_cli_fail(NULL);
        return 2;
    }

    /* Block the stop signals before any thread starts, so every server
     * thread inherits the mask and only sigwait below receives them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    ud_meta *meta = NULL;
    if (ud_cli_open_store(&meta, &config) != 0)
        return 1;
    /* History rows (the usage counts) and keys' last use are written behind
     * the requests; ud_meta_close below writes what is still queued. */
    if (ud_meta_queue_start(meta, UD_META_QUEUE_DEFAULT_ITEMS) < 0) {
        ud_cli_fail("metadata store");
        ud_meta_close(meta);
        return 1;
    }
    int status = 1;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_searcher *searcher = NULL;
    ud_embedder *embedder = NULL;
    ud_http_server *server = NULL;
    ud_counters *counters = NULL;
    ud_blobs *blobs = NULL;
    ud_scheduler *scheduler = NULL;
    ud_sync_env sync_env;
    ud_api_context ctx;
    bool ctx_ready = false;
    if (ud_counters_open(&counters, config.counters) < 0) {
        ud_cli_fail("counters");
        goto done;
    }
    ud_bm25_params params = {config.bm25_k1, config.bm25_b, config.title_weight};
    if (ud_cli_open_embedder(&embedder, &config) != 0)
        goto done;
    if (ud_searcher_new(&searcher, config.data_dir, &params, embedder) < 0) {
        ud_cli_fail("search");
        goto done;
    }
    if (ud_api_context_init(&ctx, meta, searcher, counters, &config, UD_VERSION) < 0) {
        ud_cli_fail("server");
        goto done;
    }
    ctx_ready = true;
    /* Syncs run on the scheduler's workers, which share the query cache so
     * that a finished sync drops its organization's cached answers. */
    char objects[1200];
    ud_config_objects_url(&config, objects, sizeof(objects));
    if (ud_blobs_open(&blobs, objects) < 0) {
        ud_cli_fail("object store");
        goto done;
    }
    ud_cli_sync_env(&sync_env, &config, meta, blobs, embedder);
    sync_env.cache = ctx.cache;
    ud_scheduler_opts scheduler_opts = {.workers = (unsigned)config.sync_workers,
                                        .tick_seconds = config.sync_tick_seconds};
    if (ud_scheduler_start(&scheduler, &sync_env, &scheduler_opts) < 0) {
        ud_cli_fail("sync workers");
        goto done;
    }
    ctx.scheduler = scheduler;
    ctx.blobs = blobs;
    ud_http_config http;
    ud_http_config_default(&http);
    http.bind = config.bind;
    http.port = (uint16_t)config.port;
    http.threads = (unsigned)config.threads;
    http.workers = (unsigned)config.workers;
    http.queue_max = (unsigned)config.queue_max;
    http.queue_wait_ms = (unsigned)config.queue_wait_ms;
    http.max_body_bytes = (size_t)config.max_body_kb << 10;
    http.max_header_bytes = (size_t)config.max_header_kb << 10;
    http.max_connections = (unsigned)config.max_connections;
    http.timeout_seconds = (unsigned)config.timeout_seconds;
    http.guard = ud_api_guard;
    size_t route_count = 0;
    const ud_http_route *routes = ud_api_routes(&route_count);
    if (ud_http_server_start(&server, &http, routes, route_count, &ctx) < 0) {
        ud_cli_fail("server");
        goto done;
    }
    /* IPv6 literals need brackets in a URL. */
    bool ipv6 = strchr(config.bind, ':') != NULL;
    char host[80];
    snprintf(host, sizeof(host), "%s%s%s", ipv6 ? "[" : "", config.bind, ipv6 ? "]" : "");
    printf("unify %s serving on http://%s:%u\n", UD_VERSION, host,
           (unsigned)ud_http_server_port(server));
    printf("answers by %s%s%s\n", config.answer_provider, config.answer_model[0] ? " " : "",
           config.answer_model);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    UD_LOG(NULL, UD_LOG_INFO, "received %s, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
    ud_http_server_stop(server);
    server = NULL;
    status = 0;
done:
    ud_http_server_stop(server);
    ud_scheduler_stop(scheduler); /* after the server: no "sync now" can come in */
    if (ctx_ready)
        ud_api_context_dispose(&ctx);
    ud_counters_free(counters);
    ud_blobs_free(blobs);
    ud_searcher_free(searcher);
    ud_embedder_free(embedder);
    ud_arena_dispose(&arena);
    ud_meta_close(meta);
    return status;
}
