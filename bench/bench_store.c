/*
 * The metadata store under concurrent callers (docs/performance.md, "The
 * store"): THREADS threads each doing ROUNDS of what an API-key request
 * asks of the store, through one handle:
 *   lookup   the key by its hash and its organization (two SELECTs)
 *   cached   the same through the credential cache (store/meta_cache.h)
 *   history  one search-history row written at once
 *   busy     half the threads look up while the other half write history
 *            rows; the lookups are counted (do readers wait for writers?)
 *   queued   history rows through the write-behind queue, flushed at the end
 * Each is reported in calls per second, one JSON line per result.
 *
 * usage: bench_store URL THREADS ROUNDS POOL
 *   URL: sqlite:///path (a fresh file) or postgres://... (an empty database)
 */
#include <pthread.h>
#include <stdbool.h>

#include "base/crypto.h"
#include "bench.h"
#include "store/meta.h"
#include "store/meta_cache.h"
#include "store/meta_credentials.h"
#include "store/meta_history.h"
#include "store/meta_queue.h"

typedef enum { LOOKUP, CACHED, HISTORY, MIXED } work;

/* Whether the write-behind queue runs (the last measurement). */
static bool meta_queue_runs;

typedef struct run {
    ud_meta *meta;
    work what;
    long rounds;
    const char *hash;
    const char *org_id;
    const char *user_id;
    pthread_barrier_t *start;
    long index;
    long failures;
    double began, ended; /* this worker's own clock, so a late main thread cannot skew it */
} run;

static void *worker(void *payload)
{
    run *r = payload;
    pthread_barrier_wait(r->start);
    r->began = bench_now_ms();
    for (long i = 0; i < r->rounds; i++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_apikey_row key;
        ud_org org;
        int rc = 0;
        work what = r->what == MIXED ? (r->index % 2 ? HISTORY : LOOKUP) : r->what;
        if (what == LOOKUP) {
            rc = ud_meta_apikey_find(&key, r->meta, &arena, r->hash);
            if (rc == 0)
                rc = ud_meta_org_get(&org, r->meta, &arena, key.org_id);
        } else if (what == CACHED) {
            rc = ud_meta_apikey_find_cached(&key, r->meta, &arena, r->hash);
            if (rc == 0)
                rc = ud_meta_org_get_cached(&org, r->meta, &arena, key.org_id);
        } else {
            ud_history_entry entry = {.user_id = r->user_id, .query = "bench query"};
            rc = ud_meta_history_add(&entry, r->meta, &arena, r->org_id);
        }
        if (rc < 0)
            r->failures++;
        ud_arena_dispose(&arena);
    }
    r->ended = bench_now_ms();
    return NULL;
}

/* Runs `what` on n threads and reports calls per second. */
static int measure(ud_meta *meta, work what, const char *name, long n, long rounds,
                   const char *hash, const char *org_id, const char *user_id, long pool)
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)n + 1);
    run *runs = calloc((size_t)n, sizeof(*runs));
    pthread_t *threads = calloc((size_t)n, sizeof(*threads));
    for (long t = 0; t < n; t++) {
        runs[t] = (run){.meta = meta,
                        .what = what,
                        .rounds = rounds,
                        .hash = hash,
                        .org_id = org_id,
                        .user_id = user_id,
                        .start = &start,
                        .index = t};
        pthread_create(&threads[t], NULL, worker, &runs[t]);
    }
    pthread_barrier_wait(&start);
    for (long t = 0; t < n; t++)
        pthread_join(threads[t], NULL);
    ud_meta_queue_flush(meta); /* queued writes count once they are written */
    double flushed = bench_now_ms();
    /* From the first worker's start to the last one's end (or the flush). */
    double began = runs[0].began, ended = flushed;
    long failures = 0;
    for (long t = 0; t < n; t++) {
        failures += runs[t].failures;
        began = runs[t].began < began ? runs[t].began : began;
    }
    /* Mixed: only the lookups count, timed to the last lookup thread's end,
     * to see whether they wait behind the writers. */
    long calls = what == MIXED ? (n + 1) / 2 * rounds : n * rounds;
    if (what != HISTORY || !meta_queue_runs) {
        ended = runs[0].ended;
        for (long t = 0; t < n; t += what == MIXED ? 2 : 1)
            ended = runs[t].ended > ended ? runs[t].ended : ended;
    }
    double took = ended - began;
    char engine[64];
    snprintf(engine, sizeof(engine), "%s pool=%ld threads=%ld", ud_meta_backend(meta), pool, n);
    bench_result("store", engine, name, (double)calls / (took / 1e3), "calls/s");
    free(threads);
    free(runs);
    pthread_barrier_destroy(&start);
    if (failures)
        fprintf(stderr, "bench_store: %s: %ld calls failed: %s\n", name, failures, ud_error_last());
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: bench_store URL THREADS ROUNDS POOL\n");
        return 2;
    }
    const char *url = argv[1];
    long threads = strtol(argv[2], NULL, 10), rounds = strtol(argv[3], NULL, 10);
    long pool = strtol(argv[4], NULL, 10);
    if (threads < 1 || threads > 256 || rounds < 1 || pool < 1) {
        fprintf(stderr, "bench_store: THREADS 1-256, ROUNDS and POOL at least 1\n");
        return 2;
    }
    ud_meta *meta = NULL;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_org org;
    ud_user user;
    ud_apikey_row key;
    char hash[UD_SHA256_HEX_LEN + 1];
    ud_sha256_hex(hash, "sk_live_bench", 13);
    if (ud_meta_open_pool(&meta, url, (size_t)pool) < 0 || ud_meta_migrate(meta, NULL) < 0 ||
        ud_meta_org_create(&org, meta, &arena, "Bench", "bench", "enterprise") < 0 ||
        ud_meta_user_create(&user, meta, &arena, org.id, "bench@bench.test", "h", "user") < 0 ||
        ud_meta_apikey_create(&key, meta, &arena, org.id, "bench", hash, "sk_live_",
                              "{\"search\": true}", 0, NULL) < 0) {
        fprintf(stderr, "bench_store: %s\n", ud_error_last());
        return 1;
    }
    int failed =
        measure(meta, LOOKUP, "key+org lookup", threads, rounds, hash, org.id, user.id, pool);
    failed |= measure(meta, CACHED, "key+org lookup, cached", threads, rounds, hash, org.id,
                      user.id, pool);
    failed |= measure(meta, HISTORY, "history row", threads, rounds, hash, org.id, user.id, pool);
    failed |= measure(meta, MIXED, "key+org lookup, writers busy", threads, rounds, hash, org.id,
                      user.id, pool);
    if (ud_meta_queue_start(meta, UD_META_QUEUE_DEFAULT_ITEMS) < 0) {
        fprintf(stderr, "bench_store: %s\n", ud_error_last());
        return 1;
    }
    failed |=
        measure(meta, HISTORY, "history row, queued", threads, rounds, hash, org.id, user.id, pool);
    ud_arena_dispose(&arena);
    ud_meta_close(meta);
    return failed;
}
