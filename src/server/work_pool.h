/*
 * A fixed pool of worker threads with a bounded FIFO queue, for the work
 * the HTTP layer must not do on its own threads (SQL, index search,
 * argon2, outbound calls): redis's bio.c with limits. A job that cannot be
 * queued (the queue is full, or the pool is stopping) is refused at once;
 * a job that waits in the queue longer than allowed is handed to its
 * function as expired, so that it answers "busy" instead of doing work for
 * a client that has probably given up. The pool counts what it does
 * (queued, running, refused, expired) and how long jobs wait.
 */
#ifndef UD_SERVER_WORK_POOL_H
#define UD_SERVER_WORK_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

typedef struct ud_work_pool ud_work_pool;

/* Runs one job on a worker, or, when `expired` (it waited past max_wait_ms),
 * on whichever thread noticed: it must then only answer, quickly. Either
 * way it runs exactly once per accepted job and owns `payload` from then. */
typedef void (*ud_work_fn)(void *payload, bool expired);

typedef struct ud_work_pool_config {
    unsigned workers;     /* threads; 0 = ud_work_pool_default_workers() */
    unsigned queue_max;   /* jobs waiting for a worker, at least 1 */
    unsigned max_wait_ms; /* longest wait in the queue; 0 = no limit */
} ud_work_pool_config;

/* Wait-time histogram: buckets of 1/8 of a power of two, in microseconds,
 * so a percentile read from it is within 12.5% of the true value. */
#define UD_WORK_POOL_BUCKETS 256

typedef struct ud_work_pool_stats {
    unsigned workers, queue_max, max_wait_ms;
    uint64_t accepted;    /* jobs queued */
    uint64_t rejected;    /* refused: the queue was full or the pool stopping */
    uint64_t expired;     /* waited past max_wait_ms */
    uint64_t completed;   /* ran to the end (expired ones not counted) */
    unsigned queued;      /* waiting now */
    unsigned running;     /* on a worker now */
    unsigned max_queued;  /* the most that ever waited at once */
    bool stopping;        /* ud_work_pool_drain has begun: jobs are refused */
    uint64_t wait_max_us; /* the longest wait of a job that ran or expired */
    uint64_t wait_counts[UD_WORK_POOL_BUCKETS];
} ud_work_pool_stats;

/* 2 per core, at least 4: the handlers block on I/O (SQL, a remote model)
 * more than they compute. */
unsigned ud_work_pool_default_workers(void);

/* Starts the workers. */
int ud_work_pool_new(ud_work_pool **out, const ud_work_pool_config *config) UD_MUST_CHECK;

/* Queues fn(payload). UD_EAGAIN (and fn is not called) when the queue is
 * full or the pool is stopping. Thread-safe. */
int ud_work_pool_submit(ud_work_pool *pool, ud_work_fn fn, void *payload) UD_MUST_CHECK;

/* A consistent copy of the counters. Thread-safe. */
void ud_work_pool_stats_get(ud_work_pool_stats *out, ud_work_pool *pool);

/* Counts one job's wait in the histogram (the pool does it as each job
 * leaves the queue). */
void ud_work_pool_stats_add_wait(ud_work_pool_stats *stats, uint64_t us);

/* The wait under which a fraction q (0..1) of the jobs that left the queue
 * waited, in milliseconds (0 when none has). */
double ud_work_pool_wait_ms(const ud_work_pool_stats *stats, double q);

/* Refuses new jobs from now on, runs every queued one (those past their
 * wait as expired) and waits for the workers to finish. The counters stay
 * readable. Not to be called from a job. */
void ud_work_pool_drain(ud_work_pool *pool);

/* Drains the pool if that was not done, and frees it. NULL does nothing. */
void ud_work_pool_free(ud_work_pool *pool);

#endif
