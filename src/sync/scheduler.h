/*
 * The scheduler and the worker pool: the role of Celery Beat and its
 * workers, in this process. A ticker thread enqueues a job for every data
 * source that is due (ud_meta_sources_due); "sync now" enqueues one at
 * once. A bounded pool of worker threads runs the jobs (sync/job.h):
 * different organizations' sources in parallel, one job per source at a
 * time, and one organization's sources one after the other (its index has
 * one writer).
 */
#ifndef UD_SYNC_SCHEDULER_H
#define UD_SYNC_SCHEDULER_H

#include <stdint.h>

#include "sync/job.h"

typedef struct ud_scheduler ud_scheduler;

typedef struct ud_scheduler_opts {
    unsigned workers;     /* threads running jobs, default 2 */
    int64_t tick_seconds; /* how often due sources are looked for; 0: never (tests) */
    unsigned max_queued;  /* jobs waiting, default 1000 */
} ud_scheduler_opts;

/* Starts the ticker and the workers. `env` is borrowed and shared by the
 * workers (its store, object store, cache and embedder are thread-safe). */
int ud_scheduler_start(ud_scheduler **out, const ud_sync_env *env,
                       const ud_scheduler_opts *opts) UD_MUST_CHECK;

/* Queues a sync of the source. UD_EEXISTS when it is queued or running
 * already (the caller reports "already syncing"), UD_ELIMIT when the queue
 * is full. */
int ud_scheduler_enqueue(ud_scheduler *s, const char *org_id, const char *source_id) UD_MUST_CHECK;

/* Runs fn(env, payload) on the calling thread as the organization's one
 * index writer, as a job would (removing a source: sync/sources.h): it
 * waits, at most wait_seconds, for the organization's running job to end,
 * and none of its jobs starts until fn returns (other organizations' go
 * on). Without calling fn: UD_EEXISTS when a job of the organization still
 * runs, UD_EAGAIN when the scheduler is stopping, UD_ELIMIT when the queue
 * is full. Else fn's result. */
int ud_scheduler_exclusive(ud_scheduler *s, const char *org_id, int64_t wait_seconds,
                           int (*fn)(const ud_sync_env *env, void *payload),
                           void *payload) UD_MUST_CHECK;

/* Waits until nothing is queued or running (tests). */
void ud_scheduler_drain(ud_scheduler *s);

/* Stops taking jobs, lets running ones finish, joins every thread. */
void ud_scheduler_stop(ud_scheduler *s);

#endif
