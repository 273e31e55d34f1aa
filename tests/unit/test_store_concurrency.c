/*
 * The metadata store under concurrent callers, on SQLite and PostgreSQL:
 * many threads reading and writing through one handle's connection pool
 * get the right counts (no lost update, no plan limit overrun, one winner
 * of a refresh-token race), a SQLite reader is not held up by an open
 * write transaction, and the write-behind queue loses nothing on a clean
 * close and is read back by the next read.
 *
 * Worker threads never call UD_CHECK (a failed check ends the test from
 * its own thread): they record what they got and the test thread checks.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "store/meta.h"
#include "store/meta_audit.h"
#include "store/meta_credentials.h"
#include "store/meta_history.h"
#include "store/meta_internal.h"
#include "store/meta_queue.h"
#include "test.h"

#define THREADS 8
#define ROUNDS 25

static ud_meta *open_migrated(const char *url, size_t pool)
{
    ud_meta *meta = NULL;
    UD_CHECK_OK(ud_meta_open_pool(&meta, url, pool));
    UD_CHECK_OK(ud_meta_migrate(meta, NULL));
    return meta;
}

/* A store with one organization (and its first user, when `email` is
 * given), for each test's run on one backend. */
typedef struct fixture {
    ud_meta *meta;
    ud_arena arena;
    ud_org org;
    ud_user user;
} fixture;

static void fixture_open(fixture *f, const char *url, size_t pool, const char *plan,
                         const char *email)
{
    memset(f, 0, sizeof(*f));
    f->meta = open_migrated(url, pool);
    ud_arena_init(&f->arena);
    UD_CHECK_OK(ud_meta_org_create(&f->org, f->meta, &f->arena, "Acme", "acme", plan));
    if (email)
        UD_CHECK_OK(
            ud_meta_user_create(&f->user, f->meta, &f->arena, f->org.id, email, "h", "user"));
}

static void fixture_close(fixture *f)
{
    ud_arena_dispose(&f->arena);
    ud_meta_close(f->meta);
}

typedef struct worker {
    pthread_t thread;
    int index;
    ud_meta *meta;
    const char *org_id;
    const char *user_id;
    pthread_barrier_t *start; /* all workers begin together */
    /* What the worker saw. */
    int ok, refused, failed;
    char last_error[256];
} worker;

static void note_failure(worker *w, int rc)
{
    w->failed++;
    snprintf(w->last_error, sizeof(w->last_error), "%d: %s", rc, ud_error_last());
}

/* Counts one call's outcome: success, the expected refusal, or a failure. */
static void tally(worker *w, int rc, int refusal)
{
    if (rc == 0)
        w->ok++;
    else if (rc == refusal)
        w->refused++;
    else
        note_failure(w, rc);
}

/* What the workers of one run did, added up. */
typedef struct outcome {
    int ok, refused;
    int last_ok; /* the index of a worker that succeeded, -1 if none */
} outcome;

/* Runs fn on THREADS workers against the fixture's store, started
 * together; any failure (neither success nor the expected refusal) fails
 * the test. */
static outcome run_workers(fixture *f, void *(*fn)(void *))
{
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, THREADS);
    worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker){.index = i,
                              .meta = f->meta,
                              .org_id = f->org.id,
                              .user_id = f->user.id,
                              .start = &start};
        UD_CHECK_EQ_INT(0, pthread_create(&workers[i].thread, NULL, fn, &workers[i]));
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(workers[i].thread, NULL);
    pthread_barrier_destroy(&start);
    outcome sum = {.last_ok = -1};
    for (int i = 0; i < THREADS; i++) {
        if (workers[i].failed)
            ud_test_fail(__FILE__, __LINE__, "worker %d: %d failures, last %s", i,
                         workers[i].failed, workers[i].last_error);
        sum.ok += workers[i].ok;
        sum.refused += workers[i].refused;
        if (workers[i].ok)
            sum.last_ok = i;
    }
    return sum;
}

/* Each round: a document put (which bumps the org's generation), a count
 * and a history row, all at once with the other workers. */
static void *put_and_read(void *payload)
{
    worker *w = payload;
    pthread_barrier_wait(w->start);
    static const char *everyone[] = {UD_ACL_EVERYONE};
    for (int r = 0; r < ROUNDS; r++) {
        ud_arena arena;
        ud_arena_init(&arena);
        char key[64];
        snprintf(key, sizeof(key), "doc-%d-%d", w->index, r);
        ud_document doc = {.source_key = key,
                           .source_type = "file",
                           .title = key,
                           .text = "text",
                           .text_len = 4,
                           .acl = everyone,
                           .acl_count = 1};
        ud_sha256_hex(doc.content_hash, key, strlen(key));
        ud_chunk chunk = {.index = 0, .text = "text", .tokens = 1};
        int64_t count = 0;
        int rc = ud_meta_document_put(NULL, NULL, w->meta, w->org_id, &doc, &chunk, 1);
        if (rc == 0)
            rc = ud_meta_document_count(w->meta, w->org_id, &count);
        if (rc == 0 && count < r + 1)
            rc = ud_error_set(UD_EIO, "counted %lld documents after writing %d", (long long)count,
                              r + 1);
        ud_history_entry entry = {.query = key, .caller = UD_CALLER_CLI};
        if (rc == 0)
            rc = ud_meta_history_add(&entry, w->meta, &arena, w->org_id);
        tally(w, rc, 0);
        ud_arena_dispose(&arena);
    }
    return NULL;
}

void test_store_concurrency__readers_and_writers_count_right(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        fixture f;
        fixture_open(&f, urls[i], 4, "enterprise", NULL);
        ud_meta *meta = f.meta;
        outcome sum = run_workers(&f, put_and_read);
        UD_CHECK_EQ_INT(THREADS * ROUNDS, sum.ok);
        int64_t documents = 0, generation = 0;
        UD_CHECK_OK(ud_meta_document_count(meta, f.org.id, &documents));
        UD_CHECK_OK(ud_meta_generation(meta, f.org.id, &generation));
        UD_CHECK_EQ_INT(THREADS * ROUNDS, documents);
        /* Every put bumped the generation once: none was lost. */
        UD_CHECK_EQ_INT(THREADS * ROUNDS, generation);
        ud_usage usage;
        UD_CHECK_OK(ud_meta_usage(&usage, meta, &f.arena, f.org.id, 0));
        UD_CHECK_EQ_INT(THREADS * ROUNDS, usage.cli.searches);
        /* The pool grew as callers needed it, never past its size. */
        UD_CHECK(ud_meta_pool_open_count(meta) >= 1 && ud_meta_pool_open_count(meta) <= 4);
        fixture_close(&f);
    }
}

/* Three user creations per worker against a plan of ten users. */
static void *create_users(void *payload)
{
    worker *w = payload;
    pthread_barrier_wait(w->start);
    for (int r = 0; r < 3; r++) {
        ud_arena arena;
        ud_arena_init(&arena);
        char email[64];
        snprintf(email, sizeof(email), "u%d-%d@acme.test", w->index, r);
        ud_user user;
        tally(w, ud_meta_user_create(&user, w->meta, &arena, w->org_id, email, "h", "user"),
              UD_EFORBIDDEN);
        ud_arena_dispose(&arena);
    }
    return NULL;
}

void test_store_concurrency__plan_limit_holds_under_concurrent_creation(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        fixture f;
        fixture_open(&f, urls[i], THREADS, "starter", NULL);
        ud_meta *meta = f.meta;
        outcome sum = run_workers(&f, create_users);
        UD_CHECK_EQ_INT(10, sum.ok); /* the starter plan's users, exactly */
        UD_CHECK_EQ_INT(THREADS * 3 - 10, sum.refused);
        int64_t users = 0;
        UD_CHECK_OK(ud_meta_user_count(meta, f.org.id, &users));
        UD_CHECK_EQ_INT(10, users);
        fixture_close(&f);
    }
}

/* Every worker presents the same refresh token at once. */
static void *rotate_same_token(void *payload)
{
    worker *w = payload;
    char old_hash[UD_SHA256_HEX_LEN + 1], new_hash[UD_SHA256_HEX_LEN + 1], next[32];
    ud_sha256_hex(old_hash, "the first token", strlen("the first token"));
    snprintf(next, sizeof(next), "next token %d", w->index);
    ud_sha256_hex(new_hash, next, strlen(next));
    ud_arena arena;
    ud_arena_init(&arena);
    pthread_barrier_wait(w->start);
    ud_refresh_row row;
    int64_t now = ud_now();
    int rc = ud_meta_refresh_rotate(&row, w->meta, &arena, old_hash, new_hash, now + 100, now);
    tally(w, rc, UD_EAUTH);
    ud_arena_dispose(&arena);
    return NULL;
}

void test_store_concurrency__refresh_rotation_race_lets_one_through(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        fixture f;
        fixture_open(&f, urls[i], THREADS, "starter", "a@acme.test");
        ud_meta *meta = f.meta;
        char first[UD_SHA256_HEX_LEN + 1];
        ud_sha256_hex(first, "the first token", strlen("the first token"));
        UD_CHECK_OK(ud_meta_refresh_create(meta, f.user.id, f.org.id, first, ud_now() + 100));
        outcome sum = run_workers(&f, rotate_same_token);
        UD_CHECK_EQ_INT(1, sum.ok);
        UD_CHECK_EQ_INT(THREADS - 1, sum.refused);
        int winner = sum.last_ok;
        /* The replays revoked the session: the winner's new token is dead. */
        char winner_token[32], winner_hash[UD_SHA256_HEX_LEN + 1], after[UD_SHA256_HEX_LEN + 1];
        snprintf(winner_token, sizeof(winner_token), "next token %d", winner);
        ud_sha256_hex(winner_hash, winner_token, strlen(winner_token));
        ud_sha256_hex(after, "after", 5);
        ud_refresh_row row;
        UD_CHECK_EQ_INT(UD_EAUTH, ud_meta_refresh_rotate(&row, meta, &f.arena, winner_hash, after,
                                                         ud_now() + 100, ud_now()));
        fixture_close(&f);
    }
}

static void *append_audit(void *payload)
{
    worker *w = payload;
    pthread_barrier_wait(w->start);
    for (int r = 0; r < 10; r++) {
        int rc = ud_meta_audit_append(w->meta, w->org_id, "user:a@acme.test", "test.append",
                                      "target", "{}");
        tally(w, rc, 0);
    }
    return NULL;
}

void test_store_concurrency__audit_chain_stays_whole(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        fixture f;
        fixture_open(&f, urls[i], THREADS, "starter", NULL);
        ud_meta *meta = f.meta;
        UD_CHECK_EQ_INT(THREADS * 10, run_workers(&f, append_audit).ok);
        ud_audit_report report;
        UD_CHECK_OK(ud_meta_audit_verify(&report, meta));
        UD_CHECK_EQ_INT(THREADS * 10, report.checked);
        fixture_close(&f);
    }
}

/* ---- SQLite: readers never wait for the writer --------------------------- */

typedef struct reader {
    ud_meta *meta;
    pthread_mutex_t lock;
    pthread_cond_t finished;
    bool done;
    int rc;
    size_t orgs;
} reader;

static void *read_orgs(void *payload)
{
    reader *r = payload;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_org *orgs = NULL;
    size_t count = 0;
    int rc = ud_meta_org_list(&orgs, &count, r->meta, &arena);
    ud_arena_dispose(&arena);
    pthread_mutex_lock(&r->lock);
    r->rc = rc;
    r->orgs = count;
    r->done = true;
    pthread_cond_signal(&r->finished);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static const char INSERT_ORG[] =
    "INSERT INTO organizations (id, name, slug, plan) VALUES ($1, 'Beta', 'beta', 'starter')";

void test_store_concurrency__sqlite_reader_is_not_blocked_by_a_write_transaction(void)
{
    const char *urls[2];
    ud_test_store_urls(urls);
    fixture f;
    fixture_open(&f, urls[0], 4, "starter", NULL);
    ud_meta *meta = f.meta;
    ud_sql_rows mode;
    UD_CHECK_OK(ud_meta_sql_query(&mode, meta, &f.arena, "PRAGMA journal_mode", NULL, 0));
    UD_CHECK_EQ_STR("wal", ud_sql_cell(&mode, 0, 0));
    ud_meta *other = open_migrated(urls[0], 1); /* a second handle on the same file */

    /* A write transaction stays open on this thread's connection, with a
     * row written and not committed. */
    char id[UD_UUID_LEN + 1];
    UD_CHECK_OK(ud_uuid_v4(id));
    const char *params[] = {id};
    UD_CHECK_OK(ud_meta_sql_begin(meta));
    UD_CHECK_OK(ud_meta_sql_run(meta, INSERT_ORG, params, 1));

    /* Another thread reads through the same handle, and finishes while
     * the transaction is open; it sees the last committed state. The wait
     * is bounded only so a regression fails instead of hanging. */
    reader r = {.meta = meta};
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.finished, NULL);
    pthread_t thread;
    UD_CHECK_EQ_INT(0, pthread_create(&thread, NULL, read_orgs, &r));
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 60;
    pthread_mutex_lock(&r.lock);
    while (!r.done && pthread_cond_timedwait(&r.finished, &r.lock, &until) == 0)
        ;
    bool done = r.done;
    pthread_mutex_unlock(&r.lock);
    UD_CHECK(done); /* the reader did not wait for the commit below */
    pthread_join(thread, NULL);
    UD_CHECK_EQ_INT(0, r.rc);
    UD_CHECK_EQ_INT(1, (int)r.orgs);

    /* The second handle, from this very thread: the same. */
    ud_org *orgs = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_meta_org_list(&orgs, &count, other, &f.arena));
    UD_CHECK_EQ_INT(1, (int)count);

    UD_CHECK_OK(ud_meta_sql_commit(meta));
    UD_CHECK_OK(ud_meta_org_list(&orgs, &count, other, &f.arena));
    UD_CHECK_EQ_INT(2, (int)count);
    ud_meta_close(other);
    pthread_cond_destroy(&r.finished);
    pthread_mutex_destroy(&r.lock);
    fixture_close(&f);
}

void test_store_concurrency__a_transaction_keeps_its_connection(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_migrated(urls[i], 4);
        ud_arena arena;
        ud_arena_init(&arena);
        char id[UD_UUID_LEN + 1];
        UD_CHECK_OK(ud_uuid_v4(id));
        const char *params[] = {id};
        UD_CHECK_OK(ud_meta_sql_begin(meta));
        /* A nested begin on the same thread is refused, not run. */
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_sql_begin(meta));
        UD_CHECK_OK(ud_meta_sql_run(meta, INSERT_ORG, params, 1));
        /* This thread's reads inside the transaction see its own write. */
        ud_org org;
        UD_CHECK_OK(ud_meta_org_get(&org, meta, &arena, id));
        ud_meta_sql_rollback(meta);
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_org_get(&org, meta, &arena, id));
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

/* ---- the write-behind queue ---------------------------------------------- */

void test_store_concurrency__queued_writes_survive_a_clean_close(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        fixture f;
        fixture_open(&f, urls[i], 4, "starter", "a@acme.test");
        ud_meta *meta = f.meta;
        char hash[UD_SHA256_HEX_LEN + 1];
        ud_sha256_hex(hash, "sk_live_k", 9);
        ud_apikey_row key;
        UD_CHECK_OK(ud_meta_apikey_create(&key, meta, &f.arena, f.org.id, "k", hash, "sk_live_",
                                          "{\"search\": true}", 0, NULL));
        char org_id[UD_UUID_LEN + 1], user_id[UD_UUID_LEN + 1];
        snprintf(org_id, sizeof(org_id), "%s", f.org.id);
        snprintf(user_id, sizeof(user_id), "%s", f.user.id);
        /* A small bound, so most of the writes meet a full queue. */
        UD_CHECK_OK(ud_meta_queue_start(meta, 8));
        UD_CHECK_EQ_INT(UD_EEXISTS, ud_meta_queue_start(meta, 8));
        /* Rows alone (written as multi-row INSERTs), then rows and touches
         * interleaved. */
        for (int r = 0; r < 100; r++) {
            char query[32];
            snprintf(query, sizeof(query), "query %d", r);
            ud_history_entry entry = {.user_id = user_id,
                                      .query = query,
                                      .results_count = r,
                                      .sources_used = {"slack"},
                                      .source_count = 1};
            UD_CHECK_OK(ud_meta_history_add(&entry, meta, &f.arena, org_id));
            if (r >= 50)
                UD_CHECK_OK(ud_meta_apikey_touch(meta, key.id, 1800000000 + r));
        }
        ud_meta_close(meta);

        f.meta = meta = open_migrated(urls[i], 1);
        ud_history_entry *entries = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_meta_history_list(&entries, &count, meta, &f.arena, org_id, user_id,
                                         UD_HISTORY_ALL, 500, 0));
        UD_CHECK_EQ_INT(100, (int)count);
        /* Each row kept its own values: none was shifted onto another's. */
        bool seen[100] = {false};
        for (size_t e = 0; e < count; e++) {
            int r = -1;
            UD_CHECK_EQ_INT(1, sscanf(entries[e].query, "query %d", &r));
            UD_CHECK(r >= 0 && r < 100 && !seen[r]);
            seen[r] = true;
            UD_CHECK_EQ_INT(r, entries[e].results_count);
            UD_CHECK_EQ_INT(1, (int)entries[e].source_count);
            UD_CHECK_EQ_STR("slack", entries[e].sources_used[0]);
            UD_CHECK_EQ_STR(user_id, entries[e].user_id);
        }
        ud_apikey_row found;
        UD_CHECK_OK(ud_meta_apikey_find(&found, meta, &f.arena, hash));
        UD_CHECK_EQ_INT(1800000099, found.last_used_at); /* the last touch won */
        fixture_close(&f);
    }
}

void test_store_concurrency__a_read_sees_the_queued_writes_before_it(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        fixture f;
        fixture_open(&f, urls[i], 4, "starter", "a@acme.test");
        ud_meta *meta = f.meta;
        UD_CHECK_OK(ud_meta_queue_start(meta, UD_META_QUEUE_DEFAULT_ITEMS));
        for (int r = 1; r <= 20; r++) {
            ud_history_entry entry = {.user_id = f.user.id, .query = "q"};
            UD_CHECK_OK(ud_meta_history_add(&entry, meta, &f.arena, f.org.id));
            /* Each read right after its write: the row is there, and it
             * can be saved by the id the write returned. */
            ud_history_entry *entries = NULL;
            size_t count = 0;
            UD_CHECK_OK(ud_meta_history_list(&entries, &count, meta, &f.arena, f.org.id, f.user.id,
                                             UD_HISTORY_ALL, 500, 0));
            UD_CHECK_EQ_INT(r, (int)count);
            UD_CHECK_EQ_INT(0, (int)ud_meta_queue_pending(meta));
        }
        ud_usage usage;
        UD_CHECK_OK(ud_meta_usage(&usage, meta, &f.arena, f.org.id, 0));
        UD_CHECK_EQ_INT(20, usage.users.searches);
        fixture_close(&f);
    }
}
