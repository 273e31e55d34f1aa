/*
 * The store's write-behind queue (meta_queue.h): statements copied into a
 * bounded list, written by one thread in batches, one transaction each.
 *
 * Ordering: every queued statement gets a sequence number; the writer
 * takes the whole list at once, writes it, and then publishes the last
 * number written, so ud_meta_queue_flush waits for a number and not for
 * the list to be empty (which it may be while a batch is still being
 * written).
 */
#include "store/meta_queue.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"
#include "store/meta_internal.h"

/* Every statement queued has at most this many parameters (a history row
 * has 21). */
#define MAX_PARAMS 24
/* After the first write arrives, the writer waits this long for more to
 * share its transaction, unless a batch is full or a flush is asked for. */
#define BATCH_WINDOW_MS 50
#define BATCH_ITEMS 256

typedef struct queued {
    struct queued *next;
    uint64_t seq;
    const char *sql; /* static text of the store's own queries */
    char *coalesce;  /* NULL: never replaced */
    size_t count;
    char *params[MAX_PARAMS];
} queued;

struct ud_meta_queue {
    ud_meta *meta;
    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t wake;  /* to the writer: something queued, a flush, a stop */
    pthread_cond_t done;  /* from the writer: a batch taken or written */
    queued *head, *tail;
    size_t count, max_items;
    uint64_t queued_seq, written_seq;
    bool flush_wanted, stopping;
    pthread_t thread;
};

static void free_item(queued *item)
{
    for (size_t i = 0; i < item->count; i++)
        free(item->params[i]);
    free(item->coalesce);
    free(item);
}

static int run_item(ud_meta *meta, const queued *item)
{
    return ud_meta_sql_run(meta, item->sql, (const char *const *)item->params, item->count);
}

/* "INSERT ... VALUES (tuple)" with the tuple repeated `rows` times, the
 * parameters of row k renumbered from k * count + 1, so that one statement
 * (one round trip) writes a run of queued rows. The tuple may hold
 * expressions ($8 = 'TRUE', to_timestamp($9)); it holds no '$' but in
 * parameters. Returns 0 when the statement is not of that form. */
static int multi_row_sql(ud_buf *out, const char *sql, size_t count, size_t rows)
{
    const char *values = strstr(sql, " VALUES (");
    size_t len = strlen(sql);
    if (strncmp(sql, "INSERT", 6) != 0 || !values || sql[len - 1] != ')' ||
        strstr(values + 1, " VALUES ("))
        return 0;
    const char *tuple = values + strlen(" VALUES ");
    int rc = ud_buf_append(out, sql, (size_t)(tuple - sql));
    for (size_t row = 0; row < rows && rc == 0; row++) {
        if (row)
            rc = ud_buf_puts(out, ", ");
        for (const char *p = tuple; *p && rc == 0; p++) {
            if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
                char *end = NULL;
                long n = strtol(p + 1, &end, 10);
                rc = ud_buf_printf(out, "$%zu", (size_t)n + row * count);
                p = end - 1;
            } else {
                rc = ud_buf_putc(out, *p);
            }
        }
    }
    return rc < 0 ? rc : 1;
}

/* Runs the items from `first` that share its statement (up to the
 * backend's batch_insert_rows) as one multi-row INSERT, or `first` alone;
 * *out_next is the first item not written. */
static int run_run(queued **out_next, ud_meta *meta, queued *first)
{
    size_t rows = 1;
    queued *next = first->next;
    while (next && rows < meta->backend->batch_insert_rows && next->sql == first->sql &&
           next->count == first->count)
        next = next->next, rows++;
    *out_next = next;
    if (rows == 1)
        return run_item(meta, first);
    ud_buf sql;
    ud_buf_init(&sql, 1 << 20);
    int rc = multi_row_sql(&sql, first->sql, first->count, rows);
    if (rc == 0) { /* not an INSERT ... VALUES: one statement each */
        for (queued *q = first; q != next && rc == 0; q = q->next)
            rc = run_item(meta, q);
    } else if (rc > 0) {
        const char **params = ud_calloc(rows * first->count, sizeof(*params));
        size_t n = 0;
        for (queued *q = first; q != next; q = q->next)
            for (size_t i = 0; i < q->count; i++)
                params[n++] = q->params[i];
        rc = ud_meta_sql_run(meta, sql.ptr, params, n);
        free(params);
    }
    ud_buf_dispose(&sql);
    return rc;
}

/* One transaction for the batch, each run of the same INSERT as one
 * statement; if it fails, each statement on its own, so that one refused
 * row (its user removed meanwhile) costs only itself. */
static void write_batch(ud_meta *meta, queued *list)
{
    int rc = ud_meta_sql_begin(meta);
    for (queued *q = list; q && rc == 0;)
        rc = run_run(&q, meta, q);
    if (rc == 0)
        rc = ud_meta_sql_commit(meta);
    else
        ud_meta_sql_rollback(meta);
    while (list) {
        queued *next = list->next;
        if (rc < 0 && run_item(meta, list) < 0)
            UD_LOG(NULL, UD_LOG_WARN, "write-behind: a queued write was refused and left out: %s",
                   ud_error_last());
        free_item(list);
        list = next;
    }
}

static void *writer_main(void *payload)
{
    ud_meta_queue *q = payload;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->head && !q->stopping)
            pthread_cond_wait(&q->wake, &q->lock);
        if (!q->head)
            break; /* stopping, and everything is written */
        if (!q->flush_wanted && !q->stopping && q->count < BATCH_ITEMS) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += BATCH_WINDOW_MS * 1000000L;
            if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&q->wake, &q->lock, &until);
        }
        queued *batch = q->head;
        uint64_t last = q->tail->seq;
        q->head = q->tail = NULL;
        q->count = 0;
        q->flush_wanted = false;
        pthread_cond_broadcast(&q->done); /* room again for waiting writers */
        pthread_mutex_unlock(&q->lock);
        write_batch(q->meta, batch);
        pthread_mutex_lock(&q->lock);
        q->written_seq = last;
        pthread_cond_broadcast(&q->done);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

int ud_meta_queue_start(ud_meta *meta, size_t max_items)
{
    if (meta->queue)
        return ud_error_set(UD_EEXISTS, "the store's write-behind queue runs already");
    if (max_items < 1)
        return ud_error_set(UD_EINVAL, "the write-behind queue needs room for one write");
    ud_meta_queue *q = ud_calloc(1, sizeof(*q));
    q->meta = meta;
    q->max_items = max_items;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->wake, NULL);
    pthread_cond_init(&q->done, NULL);
    if (pthread_create(&q->thread, NULL, writer_main, q) != 0) {
        pthread_cond_destroy(&q->done);
        pthread_cond_destroy(&q->wake);
        pthread_mutex_destroy(&q->lock);
        free(q);
        return ud_error_set(UD_EIO, "cannot start the store's write-behind thread");
    }
    meta->queue = q;
    return 0;
}

void ud_meta_queue_stop(ud_meta *meta)
{
    ud_meta_queue *q = meta->queue;
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stopping = true;
    pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    meta->queue = NULL;
    pthread_cond_destroy(&q->done);
    pthread_cond_destroy(&q->wake);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

void ud_meta_queue_flush(ud_meta *meta)
{
    ud_meta_queue *q = meta->queue;
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    uint64_t target = q->queued_seq;
    if (q->written_seq < target) {
        q->flush_wanted = true;
        pthread_cond_signal(&q->wake);
        while (q->written_seq < target)
            pthread_cond_wait(&q->done, &q->lock);
    }
    pthread_mutex_unlock(&q->lock);
}

size_t ud_meta_queue_pending(ud_meta *meta)
{
    ud_meta_queue *q = meta->queue;
    if (!q)
        return 0;
    pthread_mutex_lock(&q->lock);
    size_t n = (size_t)(q->queued_seq - q->written_seq);
    pthread_mutex_unlock(&q->lock);
    return n;
}

/* The queued statement named `coalesce`, if one waits in the list. */
static queued *find_coalesced(ud_meta_queue *q, const char *coalesce)
{
    for (queued *item = q->head; coalesce && item; item = item->next)
        if (item->coalesce && strcmp(item->coalesce, coalesce) == 0)
            return item;
    return NULL;
}

int ud_meta_sql_run_later(ud_meta *meta, const char *sql, const char *const *params,
                          size_t param_count, const char *coalesce)
{
    ud_meta_queue *q = meta->queue;
    if (!q)
        return ud_meta_sql_run(meta, sql, params, param_count);
    if (param_count > MAX_PARAMS)
        return ud_error_set(UD_ELIMIT, "a queued write takes at most %d parameters", MAX_PARAMS);
    queued *item = ud_calloc(1, sizeof(*item));
    item->sql = sql;
    item->coalesce = coalesce ? ud_strdup(coalesce) : NULL;
    item->count = param_count;
    for (size_t i = 0; i < param_count; i++)
        item->params[i] = params[i] ? ud_strdup(params[i]) : NULL;
    pthread_mutex_lock(&q->lock);
    queued *same = find_coalesced(q, coalesce);
    if (same) {
        /* The newer value replaces the queued one in place (same slot, same
         * sequence number), so the bound and the flush order hold. */
        for (size_t i = 0; i < MAX_PARAMS; i++) {
            char *old = same->params[i];
            same->params[i] = item->params[i];
            item->params[i] = old;
        }
        size_t old_count = same->count;
        same->count = item->count;
        item->count = old_count;
        pthread_mutex_unlock(&q->lock);
        free_item(item);
        return 0;
    }
    /* Full: wait for the writer to take the list (it writes it while we
     * append), so a burst slows its senders instead of losing writes. */
    while (q->count >= q->max_items) {
        q->flush_wanted = true;
        pthread_cond_signal(&q->wake);
        pthread_cond_wait(&q->done, &q->lock);
    }
    item->seq = ++q->queued_seq;
    if (q->tail)
        q->tail->next = item;
    else
        q->head = item;
    q->tail = item;
    q->count++;
    if (q->count == 1 || q->count >= BATCH_ITEMS)
        pthread_cond_signal(&q->wake);
    pthread_mutex_unlock(&q->lock);
    return 0;
}
