/*
 * The worker pool (see work_pool.h). One lock guards the queue (a ring of
 * queue_max slots, oldest first) and the counters. Besides the workers, a
 * watcher thread sleeps until the oldest job's deadline: when every worker
 * is busy for long (a model that stalls), nobody else would notice that
 * the jobs behind them have waited too long.
 */
#include "server/work_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"

typedef struct job {
    ud_work_fn fn;
    void *payload;
    uint64_t queued_us; /* monotonic */
} job;

struct ud_work_pool {
    pthread_mutex_t lock; /* guards everything below but the thread ids */
    pthread_cond_t work;  /* a job was queued, or the pool is stopping */
    pthread_cond_t watch; /* the same, for the watcher */
    job *ring;
    unsigned head, count;
    bool stopping;
    ud_work_pool_stats stats;
    pthread_t *threads;
    unsigned started;
    pthread_t watcher;
    bool watcher_started;
    bool drained; /* the threads are joined */
};

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

unsigned ud_work_pool_default_workers(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cores > 0 ? (unsigned)cores * 2 : 4;
    return n < 4 ? 4 : n > 256 ? 256 : n;
}

/* ---- the wait histogram -------------------------------------------------- */

static unsigned bucket_of(uint64_t us)
{
    if (us < 8)
        return (unsigned)us;
    unsigned e = 63u - (unsigned)__builtin_clzll(us); /* 2^e <= us, e >= 3 */
    unsigned index = 8 + (e - 3) * 8 + (unsigned)((us >> (e - 3)) & 7);
    return index < UD_WORK_POOL_BUCKETS ? index : UD_WORK_POOL_BUCKETS - 1;
}

/* The largest wait a bucket holds, in microseconds. */
static uint64_t bucket_top(unsigned index)
{
    if (index < 8)
        return index + 1;
    unsigned e = (index - 8) / 8 + 3, sub = (index - 8) % 8;
    return (uint64_t)(9 + sub) << (e - 3);
}

void ud_work_pool_stats_add_wait(ud_work_pool_stats *stats, uint64_t us)
{
    stats->wait_counts[bucket_of(us)]++;
    if (us > stats->wait_max_us)
        stats->wait_max_us = us;
}

double ud_work_pool_wait_ms(const ud_work_pool_stats *stats, double q)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < UD_WORK_POOL_BUCKETS; i++)
        total += stats->wait_counts[i];
    if (total == 0)
        return 0;
    uint64_t rank = (uint64_t)(q * (double)total + 0.999999);
    if (rank < 1)
        rank = 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < UD_WORK_POOL_BUCKETS; i++) {
        seen += stats->wait_counts[i];
        if (seen >= rank) {
            uint64_t top = bucket_top(i);
            return (double)(top < stats->wait_max_us ? top : stats->wait_max_us) / 1000.0;
        }
    }
    return (double)stats->wait_max_us / 1000.0;
}

/* ---- the queue --------------------------------------------------------------- */

/* Takes the oldest job, recording how long it waited. Under the lock. */
static job take(ud_work_pool *pool, uint64_t now)
{
    job j = pool->ring[pool->head];
    pool->head = (pool->head + 1) % pool->stats.queue_max;
    pool->count--;
    pool->stats.queued = pool->count;
    ud_work_pool_stats_add_wait(&pool->stats, now > j.queued_us ? now - j.queued_us : 0);
    return j;
}

static bool past_deadline(const ud_work_pool *pool, const job *j, uint64_t now)
{
    return pool->stats.max_wait_ms > 0 &&
           now - j->queued_us > (uint64_t)pool->stats.max_wait_ms * 1000u;
}

static void *work(void *arg)
{
    ud_work_pool *pool = arg;
    pthread_mutex_lock(&pool->lock);
    for (;;) {
        while (pool->count == 0 && !pool->stopping)
            pthread_cond_wait(&pool->work, &pool->lock);
        if (pool->count == 0)
            break; /* stopping, and the queue is drained */
        uint64_t now = now_us();
        job j = take(pool, now);
        bool expired = past_deadline(pool, &j, now);
        pool->stats.running++;
        pthread_mutex_unlock(&pool->lock);
        j.fn(j.payload, expired);
        pthread_mutex_lock(&pool->lock);
        pool->stats.running--;
        if (expired)
            pool->stats.expired++;
        else
            pool->stats.completed++;
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/* Expires the jobs at the head of the queue whose time is up, sleeping
 * until the next deadline. Stops with the pool: the workers drain the rest. */
static void *watch(void *arg)
{
    ud_work_pool *pool = arg;
    pthread_mutex_lock(&pool->lock);
    while (!pool->stopping) {
        if (pool->count == 0 || pool->stats.max_wait_ms == 0) {
            pthread_cond_wait(&pool->watch, &pool->lock);
            continue;
        }
        uint64_t now = now_us();
        const job *oldest = &pool->ring[pool->head];
        if (past_deadline(pool, oldest, now)) {
            job j = take(pool, now);
            pool->stats.expired++;
            pthread_mutex_unlock(&pool->lock);
            j.fn(j.payload, true);
            pthread_mutex_lock(&pool->lock);
            continue;
        }
        uint64_t due = oldest->queued_us + (uint64_t)pool->stats.max_wait_ms * 1000u + 1;
        struct timespec wake = {(time_t)(due / 1000000u), (long)(due % 1000000u) * 1000};
        pthread_cond_timedwait(&pool->watch, &pool->lock, &wake);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

int ud_work_pool_submit(ud_work_pool *pool, ud_work_fn fn, void *payload)
{
    pthread_mutex_lock(&pool->lock);
    if (pool->stopping || pool->count == pool->stats.queue_max) {
        pool->stats.rejected++;
        bool stopping = pool->stopping;
        pthread_mutex_unlock(&pool->lock);
        return ud_error_set(UD_EAGAIN, stopping ? "the server is stopping"
                                                : "the server is busy; retry shortly");
    }
    unsigned tail = (pool->head + pool->count) % pool->stats.queue_max;
    pool->ring[tail] = (job){fn, payload, now_us()};
    pool->count++;
    pool->stats.accepted++;
    pool->stats.queued = pool->count;
    if (pool->count > pool->stats.max_queued)
        pool->stats.max_queued = pool->count;
    pthread_cond_signal(&pool->work);
    if (pool->count == 1)
        pthread_cond_signal(&pool->watch); /* a new oldest job: a new deadline */
    pthread_mutex_unlock(&pool->lock);
    return 0;
}

void ud_work_pool_stats_get(ud_work_pool_stats *out, ud_work_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    *out = pool->stats;
    pthread_mutex_unlock(&pool->lock);
}

int ud_work_pool_new(ud_work_pool **out, const ud_work_pool_config *config)
{
    ud_work_pool *pool = ud_calloc(1, sizeof(*pool));
    pool->stats.workers = config->workers ? config->workers : ud_work_pool_default_workers();
    pool->stats.queue_max = config->queue_max ? config->queue_max : 1;
    pool->stats.max_wait_ms = config->max_wait_ms;
    pool->ring = ud_calloc(pool->stats.queue_max, sizeof(job));
    pool->threads = ud_calloc(pool->stats.workers, sizeof(pthread_t));
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work, NULL);
    /* The watcher's deadlines are monotonic: a clock change moves no job. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool->watch, &attr);
    pthread_condattr_destroy(&attr);
    int rc = 0;
    for (unsigned i = 0; i < pool->stats.workers && rc == 0; i++) {
        if (pthread_create(&pool->threads[i], NULL, work, pool) != 0)
            rc = ud_error_set(UD_EIO, "cannot start worker thread %u of %u", i + 1,
                              pool->stats.workers);
        else
            pool->started++;
    }
    if (rc == 0) {
        if (pthread_create(&pool->watcher, NULL, watch, pool) != 0)
            rc = ud_error_set(UD_EIO, "cannot start the worker pool's watcher");
        else
            pool->watcher_started = true;
    }
    if (rc < 0) {
        ud_work_pool_free(pool);
        return rc;
    }
    *out = pool;
    return 0;
}

void ud_work_pool_drain(ud_work_pool *pool)
{
    if (pool->drained)
        return;
    pthread_mutex_lock(&pool->lock);
    pool->stopping = pool->stats.stopping = true;
    pthread_cond_broadcast(&pool->work);
    pthread_cond_broadcast(&pool->watch);
    pthread_mutex_unlock(&pool->lock);
    if (pool->watcher_started)
        pthread_join(pool->watcher, NULL);
    for (unsigned i = 0; i < pool->started; i++)
        pthread_join(pool->threads[i], NULL);
    pool->drained = true;
    /* Only when no worker could start is anything left: expire it, so that
     * every accepted job still runs once. */
    pthread_mutex_lock(&pool->lock);
    while (pool->count > 0) {
        job j = take(pool, now_us());
        pool->stats.expired++;
        pthread_mutex_unlock(&pool->lock);
        j.fn(j.payload, true);
        pthread_mutex_lock(&pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
}

void ud_work_pool_free(ud_work_pool *pool)
{
    if (!pool)
        return;
    ud_work_pool_drain(pool);
    pthread_cond_destroy(&pool->watch);
    pthread_cond_destroy(&pool->work);
    pthread_mutex_destroy(&pool->lock);
    free(pool->threads);
    free(pool->ring);
    free(pool);
}
