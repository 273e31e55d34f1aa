/*
 * The published snapshot of a collection (collection.h): a search keeps
 * the snapshot it took, valid, while a writer commits and merges; a new
 * search sees the commit without reading the manifest when the writer is
 * in the same process, and with one read when another process committed;
 * many threads searching while one writes always see a whole commit.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "index/collection.h"
#include "index/query.h"
#include "index/search.h"
#include "test.h"

static const char *EVERYONE[] = {"org:*"};

/* DATA/collections/<org>, for a searcher over DATA. */
static const char *org_dir(const char *org)
{
    static char dir[700];
    snprintf(dir, sizeof(dir), "%s/collections/%s", ud_test_tmpdir(), org);
    return dir;
}

/* Adds chunk `n` ("doc-n"): every chunk has the word "common", chunk n
 * also "wordN" (one word per chunk, to find it alone). */
static void add_doc(ud_collection_writer *w, unsigned n)
{
    char id[32], text[96];
    snprintf(id, sizeof(id), "doc-%u", n);
    snprintf(text, sizeof(text), "common text of chunk word%u", n);
    ud_index_doc doc = {.doc_id = id,
                        .title = "a title",
                        .text = text,
                        .source_type = "file",
                        .updated_at = 1700000000 + n,
                        .acl = EVERYONE,
                        .acl_count = 1};
    UD_CHECK_OK(ud_collection_writer_add(w, &doc));
}

/* The chunks of the snapshot that match query (BM25, at most 1000), and
 * the doc id of the best one into best (may be NULL). */
static size_t count_hits(ud_snapshot *snap, const char *query, char *best, size_t best_size)
{
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query q;
    UD_CHECK_OK(ud_query_parse(&q, analyzer, &arena, query));
    q.principals = EVERYONE;
    q.principal_count = 1;
    ud_visible *visible = NULL;
    UD_CHECK_OK(ud_snapshot_visible(&visible, snap, q.principals, q.principal_count));
    q.visible = visible;
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    ud_bm25_params params;
    ud_bm25_params_default(&params);
    ud_index_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_bm25_topk(&hits, &count, views, view_count, &q, &params, 1000, &arena, NULL));
    if (best && count > 0) {
        ud_stored_doc stored;
        UD_CHECK_OK(ud_segment_stored(&stored, views[hits[0].view].segment, &arena, hits[0].doc));
        snprintf(best, best_size, "%s", stored.doc_id);
    }
    ud_visible_release(visible);
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
    return count;
}

void test_index_snapshot__an_old_snapshot_stays_valid_while_the_writer_commits_and_merges(void)
{
    const char *dir = org_dir("old");
    ud_collection *c = NULL;
    UD_CHECK_OK(ud_collection_shared(&c, dir));
    ud_collection_writer_opts opts = {.max_segments = 2};
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
    for (unsigned n = 0; n < 3; n++) {
        add_doc(w, n);
        UD_CHECK_OK(ud_collection_writer_commit(w, n + 1));
    }
    UD_CHECK_OK(ud_collection_writer_wait_merges(w));
    ud_snapshot *old = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&old, c));
    UD_CHECK_EQ_INT(3, ud_snapshot_live_docs(old));

    /* Delete what the old snapshot holds, add more, merge everything: the
     * files it reads are replaced and unlinked. */
    for (unsigned n = 3; n < 12; n++) {
        UD_CHECK_OK(ud_collection_writer_delete(w, "doc-1"));
        add_doc(w, n);
        UD_CHECK_OK(ud_collection_writer_commit(w, n + 1));
    }
    UD_CHECK_OK(ud_collection_writer_wait_merges(w));
    UD_CHECK(ud_collection_writer_segment_count(w) <= 2);

    /* The old snapshot still reads its chunks (under ASan: no read of an
     * unmapped page), deletions included as they were. */
    char best[32] = "";
    UD_CHECK_EQ_INT(3, count_hits(old, "common", NULL, 0));
    UD_CHECK_EQ_INT(1, count_hits(old, "word1", best, sizeof(best)));
    UD_CHECK_EQ_STR("doc-1", best);
    UD_CHECK_EQ_INT(3, ud_snapshot_store_generation(old));

    /* A new search sees the last commit. */
    ud_snapshot *now = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&now, c));
    UD_CHECK_EQ_INT(12, ud_snapshot_store_generation(now));
    UD_CHECK_EQ_INT(11, ud_snapshot_live_docs(now));
    UD_CHECK_EQ_INT(0, count_hits(now, "word1", NULL, 0));
    UD_CHECK_EQ_INT(11, count_hits(now, "common", NULL, 0));
    ud_snapshot_release(now);
    ud_collection_writer_close(w);
    /* Released last: it alone holds the first segments now. */
    UD_CHECK_EQ_INT(3, count_hits(old, "common", NULL, 0));
    ud_snapshot_release(old);
    ud_collection_release(c);
}

void test_index_snapshot__a_writer_in_the_process_publishes_its_commits(void)
{
    const char *dir = org_dir("same");
    ud_searcher *searcher = NULL;
    UD_CHECK_OK(ud_searcher_new(&searcher, ud_test_tmpdir(), NULL, NULL));
    ud_collection *c = NULL;
    UD_CHECK_OK(ud_collection_shared(&c, dir));
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, NULL));
    add_doc(w, 1);
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));

    ud_arena arena;
    ud_arena_init(&arena);
    ud_search_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_searcher_search(&hits, &count, searcher, &arena, "same", "word1", NULL));
    UD_CHECK_EQ_INT(1, count);
    UD_CHECK_EQ_STR("doc-1", hits[0].doc_id);
    add_doc(w, 2);
    UD_CHECK_OK(ud_collection_writer_commit(w, 2));
    UD_CHECK_OK(ud_searcher_search(&hits, &count, searcher, &arena, "same", "word2", NULL));
    UD_CHECK_EQ_INT(1, count);
    UD_CHECK_EQ_STR("doc-2", hits[0].doc_id);
    ud_arena_dispose(&arena);

    /* The searcher uses the same handle, and neither commit was read back
     * from the manifest: the writer handed both over. */
    UD_CHECK_EQ_INT(0, ud_collection_reads(c));
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&snap, c));
    UD_CHECK_EQ_INT(2, ud_snapshot_live_docs(snap));
    UD_CHECK_EQ_INT(0, ud_collection_reads(c));
    ud_snapshot_release(snap);
    ud_collection_writer_close(w);
    ud_searcher_free(searcher);
    ud_collection_release(c);
}

void test_index_snapshot__another_process_commit_is_seen_by_the_manifest_stat(void)
{
    const char *dir = org_dir("other");
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, NULL));
    add_doc(w, 1);
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    /* A handle of its own, as the server's would be while `unify ingest`
     * writes in another process: no writer publishes to it. */
    ud_collection *reader = NULL;
    UD_CHECK_OK(ud_collection_open(&reader, dir));
    ud_snapshot *first = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&first, reader));
    UD_CHECK_EQ_INT(1, ud_snapshot_live_docs(first));
    UD_CHECK_EQ_INT(1, ud_collection_reads(reader));
    /* No commit since: the stat matches, nothing is read. */
    ud_snapshot *again = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&again, reader));
    UD_CHECK(again == first);
    UD_CHECK_EQ_INT(1, ud_collection_reads(reader));
    ud_snapshot_release(again);

    add_doc(w, 2);
    UD_CHECK_OK(ud_collection_writer_commit(w, 2));
    ud_snapshot *second = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&second, reader));
    UD_CHECK_EQ_INT(2, ud_collection_reads(reader));
    UD_CHECK_EQ_INT(2, ud_snapshot_live_docs(second));
    UD_CHECK_EQ_INT(2, ud_snapshot_store_generation(second));
    /* The segment both commits name is shared, not mapped twice. */
    size_t n1 = 0, n2 = 0;
    const ud_segment_view *v1 = ud_snapshot_views(first, &n1);
    const ud_segment_view *v2 = ud_snapshot_views(second, &n2);
    UD_CHECK_EQ_INT(1, n1);
    UD_CHECK_EQ_INT(2, n2);
    UD_CHECK(v1[0].segment == v2[0].segment);
    ud_snapshot_release(first);
    ud_snapshot_release(second);

    /* The directory removed and made again: ids start over, and the new
     * seg-000001.seg is another file, read anew. */
    ud_collection_writer_close(w);
    char cmd[800];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    UD_CHECK_EQ_INT(0, system(cmd));
    ud_snapshot *empty = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&empty, reader));
    UD_CHECK_EQ_INT(0, ud_snapshot_live_docs(empty));
    ud_snapshot_release(empty);
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, NULL));
    add_doc(w, 7);
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_snapshot *rebuilt = NULL;
    UD_CHECK_OK(ud_collection_snapshot(&rebuilt, reader));
    char best[32] = "";
    UD_CHECK_EQ_INT(1, count_hits(rebuilt, "common", best, sizeof(best)));
    UD_CHECK_EQ_STR("doc-7", best);
    ud_snapshot_release(rebuilt);
    ud_collection_writer_close(w);
    ud_collection_release(reader);
}

/* ---- many readers, one writer ------------------------------------------------ */

#define BATCHES 20
#define PER_BATCH 10

typedef struct race {
    ud_collection *collection; /* the shared handle, or one of the reader's own */
    ud_searcher *searcher;     /* or searches through the searcher */
    atomic_bool *done;         /* set once the writer's last commit is in */
    int64_t last_seen;
} race;

/* Batch g adds PER_BATCH chunks and deletes one of batch g - 1: a commit
 * of store generation g holds PER_BATCH * g - (g - 1) live chunks. */
static uint64_t live_at(int64_t g)
{
    return g == 0 ? 0 : (uint64_t)(PER_BATCH * g - (g - 1));
}

static void *reader_main(void *arg)
{
    race *r = arg;
    int64_t seen = -1;
    size_t listed = 0;
    /* Until it has seen the last commit; bounded, so that a publication
     * that never comes fails the test instead of hanging it. */
    for (long round = 0; round < 10000000 && seen < BATCHES; round++) {
        bool done = atomic_load(r->done);
        if (r->searcher) {
            ud_arena arena;
            ud_arena_init(&arena);
            ud_search_hit *hits = NULL;
            size_t count = 0;
            ud_search_opts opts = {.top_k = 100};
            UD_CHECK_OK(
                ud_searcher_search(&hits, &count, r->searcher, &arena, "race", "common", &opts));
            /* One result per document; there are only more of them with
             * each commit (and the last has more than 100). */
            UD_CHECK(count >= listed);
            listed = count;
            if (done && count == 100)
                seen = BATCHES;
            ud_arena_dispose(&arena);
            continue;
        }
        ud_snapshot *snap = NULL;
        UD_CHECK_OK(ud_collection_snapshot(&snap, r->collection));
        int64_t g = ud_snapshot_store_generation(snap);
        /* A whole commit, and never an older one than before. */
        UD_CHECK(g >= seen);
        UD_CHECK_EQ_INT(live_at(g), ud_snapshot_live_docs(snap));
        UD_CHECK_EQ_INT(live_at(g), count_hits(snap, "common", NULL, 0));
        seen = g;
        ud_snapshot_release(snap);
    }
    r->last_seen = seen;
    return NULL;
}

void test_index_snapshot__threads_searching_while_one_writes_see_whole_commits(void)
{
    const char *dir = org_dir("race");
    ud_collection *shared = NULL, *own = NULL;
    UD_CHECK_OK(ud_collection_shared(&shared, dir));
    UD_CHECK_OK(ud_collection_open(&own, dir));
    ud_searcher *searcher = NULL;
    UD_CHECK_OK(ud_searcher_new(&searcher, ud_test_tmpdir(), NULL, NULL));
    ud_collection_writer_opts opts = {.max_segments = 3};
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
    UD_CHECK_OK(ud_collection_writer_commit(w, 0));

    atomic_bool done = false;
    race readers[4] = {
        {.collection = shared, .done = &done},
        {.collection = shared, .done = &done},
        {.collection = own, .done = &done},
        {.searcher = searcher, .done = &done},
    };
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        UD_CHECK_EQ_INT(0, pthread_create(&threads[i], NULL, reader_main, &readers[i]));
    unsigned next = 0;
    for (int64_t g = 1; g <= BATCHES; g++) {
        for (int k = 0; k < PER_BATCH; k++)
            add_doc(w, next++);
        if (g > 1) {
            char id[32];
            snprintf(id, sizeof(id), "doc-%u", next - PER_BATCH - 1);
            UD_CHECK_OK(ud_collection_writer_delete(w, id));
        }
        /* Merges run meanwhile and publish their own snapshots. */
        UD_CHECK_OK(ud_collection_writer_commit(w, g));
    }
    UD_CHECK_OK(ud_collection_writer_wait_merges(w));
    atomic_store(&done, true);
    for (int i = 0; i < 4; i++)
        UD_CHECK_EQ_INT(0, pthread_join(threads[i], NULL));
    for (int i = 0; i < 4; i++)
        UD_CHECK_EQ_INT(BATCHES, readers[i].last_seen);
    ud_collection_writer_close(w);
    ud_searcher_free(searcher);
    ud_collection_release(own);
    ud_collection_release(shared);
}

void test_index_snapshot__a_data_dir_too_long_is_a_clear_error(void)
{
    /* A directory name of some 4,070 bytes: it fits PATH_MAX, but the
     * names of a collection's files in it would not. */
    char dir[4200];
    size_t len = (size_t)snprintf(dir, sizeof(dir), "%s", ud_test_tmpdir());
    while (len < 4070)
        len += (size_t)snprintf(dir + len, sizeof(dir) - len, "/%s", "abcdefghij");
    ud_collection_writer *w = NULL;
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_collection_writer_open(&w, dir, NULL));
    UD_CHECK_CONTAINS(ud_error_last(), "path too long");
    /* Refused before anything was made. */
    UD_CHECK(!ud_path_exists(dir));
    ud_collection *c = NULL;
    char long_dir[4300];
    snprintf(long_dir, sizeof(long_dir), "%s/collections/org-with-a-name", dir);
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_collection_open(&c, long_dir));
    UD_CHECK_CONTAINS(ud_error_last(), "path too long");
    /* The searcher over it refuses the search, naming the cause. */
    ud_searcher *searcher = NULL;
    UD_CHECK_OK(ud_searcher_new(&searcher, dir, NULL, NULL));
    ud_arena arena;
    ud_arena_init(&arena);
    ud_search_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_EQ_INT(UD_ELIMIT,
                    ud_searcher_search(&hits, &count, searcher, &arena, "some-org", "word", NULL));
    UD_CHECK_CONTAINS(ud_error_last(), "path too long");
    ud_arena_dispose(&arena);
    ud_searcher_free(searcher);
}
