/*
 * The in-process scheduler and worker pool (scheduler.h). One mutex guards
 * the queue and the set of running jobs; workers sleep on a condition
 * until there is a job they may run. An exclusive section is an entry of
 * the same table, running from the start, so that the one rule "one
 * running entry per organization" keeps the org's index to one writer.
 */
#include "sync/scheduler.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/log.h"
#include "base/mem.h"

#define MAX_WORKERS 64

typedef struct queued {
    char org_id[UD_UUID_LEN + 1];
    char source_id[UD_UUID_LEN + 1]; /* "" for an exclusive section */
    bool running;
    /* ud_scheduler_exclusive's caller holds the organization's writer:
     * always running, never picked by a worker. */
    bool exclusive;
} queued;

struct ud_scheduler {
    const ud_sync_env *env;
    ud_scheduler_opts opts;
    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t changed;
    queued *jobs; /* queued and running, in arrival order */
    size_t count;
    bool stopping;
    pthread_t ticker;
    pthread_t workers[MAX_WORKERS];
    unsigned worker_count;
};

/* The first queued job whose source and organization are not running. */
static queued *next_runnable(ud_scheduler *s)
{
    for (size_t i = 0; i < s->count; i++) {
        if (s->jobs[i].running)
            continue;
        bool busy = false;
        for (size_t k = 0; k < s->count && !busy; k++)
            busy = s->jobs[k].running && strcmp(s->jobs[k].org_id, s->jobs[i].org_id) == 0;
        if (!busy)
            return &s->jobs[i];
    }
    return NULL;
}

static void remove_job(ud_scheduler *s, const char *source_id)
{
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->jobs[i].source_id, source_id) == 0) {
            memmove(&s->jobs[i], &s->jobs[i + 1], (s->count - i - 1) * sizeof(queued));
            s->count--;
            return;
        }
}

static bool org_running(const ud_scheduler *s, const char *org_id)
{
    for (size_t i = 0; i < s->count; i++)
        if (s->jobs[i].running && strcmp(s->jobs[i].org_id, org_id) == 0)
            return true;
    return false;
}

static void *work(void *arg)
{
    ud_scheduler *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        queued *job = NULL;
        while (!s->stopping && !(job = next_runnable(s)))
            pthread_cond_wait(&s->changed, &s->lock);
        if (s->stopping)
            break;
        job->running = true;
        queued copy = *job;
        pthread_mutex_unlock(&s->lock);

        ud_arena arena;
        ud_arena_init(&arena);
        ud_sync_result result;
        int rc = ud_sync_run(&result, s->env, &arena, copy.org_id, copy.source_id);
        if (rc < 0 && rc != UD_EEXISTS)
            UD_LOG(NULL, UD_LOG_ERROR, "org=%s source=%s sync could not start: %s", copy.org_id,
                   copy.source_id, ud_error_last());
        else if (rc == 0)
            UD_LOG(NULL, UD_LOG_INFO,
                   "org=%s source=%s sync %s: processed=%lld added=%lld updated=%lld "
                   "deleted=%lld failed=%lld",
                   copy.org_id, copy.source_id, result.log.status, (long long)result.log.processed,
                   (long long)result.log.added, (long long)result.log.updated,
                   (long long)result.log.deleted, (long long)result.log.failed);
        ud_arena_dispose(&arena);

        pthread_mutex_lock(&s->lock);
        remove_job(s, copy.source_id);
        pthread_cond_broadcast(&s->changed);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void *tick(void *arg)
{
    ud_scheduler *s = arg;
    pthread_mutex_lock(&s->lock);
    while (!s->stopping) {
        pthread_mutex_unlock(&s->lock);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_source_row *due = NULL;
        size_t count = 0;
        if (ud_meta_sources_due(&due, &count, s->env->meta, &arena, ud_now()) < 0)
            UD_LOG(NULL, UD_LOG_ERROR, "scheduler: %s", ud_error_last());
        for (size_t i = 0; i < count; i++) {
            int rc = ud_scheduler_enqueue(s, due[i].org_id, due[i].id);
            if (rc < 0 && rc != UD_EEXISTS)
                UD_LOG(NULL, UD_LOG_WARN, "scheduler: %s", ud_error_last());
        }
        ud_arena_dispose(&arena);
        pthread_mutex_lock(&s->lock);
        struct timespec wake;
        clock_gettime(CLOCK_REALTIME, &wake);
        wake.tv_sec += s->opts.tick_seconds;
        while (!s->stopping && pthread_cond_timedwait(&s->changed, &s->lock, &wake) == 0) {
            /* woken by other changes: keep waiting for the tick */
        }
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

int ud_scheduler_start(ud_scheduler **out, const ud_sync_env *env, const ud_scheduler_opts *opts)
{
    ud_scheduler *s = ud_calloc(1, sizeof(*s));
    s->env = env;
    s->opts = opts ? *opts : (ud_scheduler_opts){0};
    if (s->opts.workers == 0)
        s->opts.workers = 2;
    if (s->opts.workers > MAX_WORKERS)
        s->opts.workers = MAX_WORKERS;
    if (s->opts.max_queued == 0)
        s->opts.max_queued = 1000;
    s->jobs = ud_calloc(s->opts.max_queued, sizeof(queued));
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    for (unsigned i = 0; i < s->opts.workers; i++) {
        if (pthread_create(&s->workers[i], NULL, work, s) != 0)
            break;
        s->worker_count++;
    }
    if (s->worker_count == 0 ||
        (s->opts.tick_seconds > 0 && pthread_create(&s->ticker, NULL, tick, s) != 0)) {
        s->opts.tick_seconds = 0;
        ud_scheduler_stop(s);
        return ud_error_set(UD_EIO, "cannot start the sync workers");
    }
    *out = s;
    return 0;
}

int ud_scheduler_enqueue(ud_scheduler *s, const char *org_id, const char *source_id)
{
    if (!org_id || !source_id || strlen(org_id) != UD_UUID_LEN || strlen(source_id) != UD_UUID_LEN)
        return ud_error_set(UD_EINVAL, "a sync needs an organization and a source id");
    pthread_mutex_lock(&s->lock);
    int rc = 0;
    for (size_t i = 0; i < s->count && rc == 0; i++)
        if (strcmp(s->jobs[i].source_id, source_id) == 0)
            rc = ud_error_set(UD_EEXISTS, "a sync of this source is %s already",
                              s->jobs[i].running ? "running" : "queued");
    if (rc == 0 && s->count == s->opts.max_queued)
        rc = ud_error_set(UD_ELIMIT, "the sync queue is full");
    if (rc == 0 && s->stopping)
        rc = ud_error_set(UD_EAGAIN, "the server is stopping");
    if (rc == 0) {
        queued *q = &s->jobs[s->count++];
        memset(q, 0, sizeof(*q));
        memcpy(q->org_id, org_id, UD_UUID_LEN);
        memcpy(q->source_id, source_id, UD_UUID_LEN);
        pthread_cond_broadcast(&s->changed);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int ud_scheduler_exclusive(ud_scheduler *s, const char *org_id, int64_t wait_seconds,
                           int (*fn)(const ud_sync_env *env, void *payload), void *payload)
{
    if (!org_id || strlen(org_id) != UD_UUID_LEN)
        return ud_error_set(UD_EINVAL, "an exclusive section needs an organization id");
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += wait_seconds;
    pthread_mutex_lock(&s->lock);
    bool timed_out = false;
    while (!s->stopping && !timed_out && org_running(s, org_id))
        timed_out = pthread_cond_timedwait(&s->changed, &s->lock, &deadline) == ETIMEDOUT;
    int rc = 0;
    if (s->stopping)
        rc = ud_error_set(UD_EAGAIN, "the server is stopping");
    else if (org_running(s, org_id))
        rc = ud_error_set(UD_EEXISTS, "a sync of the organization is running; try again when it "
                                      "is done");
    else if (s->count == s->opts.max_queued)
        rc = ud_error_set(UD_ELIMIT, "the sync queue is full");
    if (rc == 0) {
        queued *q = &s->jobs[s->count++];
        memset(q, 0, sizeof(*q));
        memcpy(q->org_id, org_id, UD_UUID_LEN);
        q->running = q->exclusive = true;
    }
    pthread_mutex_unlock(&s->lock);
    if (rc < 0)
        return rc;
    rc = fn(s->env, payload);
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < s->count; i++)
        if (s->jobs[i].exclusive && strcmp(s->jobs[i].org_id, org_id) == 0) {
            memmove(&s->jobs[i], &s->jobs[i + 1], (s->count - i - 1) * sizeof(queued));
            s->count--;
            break;
        }
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void ud_scheduler_drain(ud_scheduler *s)
{
    pthread_mutex_lock(&s->lock);
    while (s->count > 0)
        pthread_cond_wait(&s->changed, &s->lock);
    pthread_mutex_unlock(&s->lock);
}

void ud_scheduler_stop(ud_scheduler *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->stopping = true;
    /* Queued jobs that did not start are dropped; their sources stay due. */
    for (size_t i = 0; i < s->count;)
        if (!s->jobs[i].running)
            remove_job(s, s->jobs[i].source_id);
        else
            i++;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    if (s->opts.tick_seconds > 0)
        pthread_join(s->ticker, NULL);
    for (unsigned i = 0; i < s->worker_count; i++)
        pthread_join(s->workers[i], NULL);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    free(s->jobs);
    free(s);
}
