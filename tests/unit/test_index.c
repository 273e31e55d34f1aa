/*
 * Tests of the segment index: block-max WAND against the exact BM25
 * oracle on random corpora, deletions, updates and merges, permissions and
 * filters inside the index, phrases and the query language, damaged files,
 * background merges (deletions that arrive during one), and crash safety
 * (a writer killed at random points, and during merges).
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/encoding.h"
#include "index/bm25_exact.h"
#include "index/check.h"
#include "index/collection.h"
#include "index/crc32c.h"
#include "index/query.h"
#include "index/vector_search.h"
#include "test.h"

/* A small deterministic PRNG (xorshift64*), so corpora are reproducible. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

/* Word i of a synthetic vocabulary; low i are frequent (Zipf-like draw). */
static void word(char *out, size_t size, unsigned i)
{
    static const char *syllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo"};
    snprintf(out, size, "%s%s%s", syllables[i % 8], syllables[(i / 8) % 8],
             syllables[(i / 64) % 8]);
}

static unsigned zipf(unsigned vocabulary)
{
    /* The minimum of three uniform draws skews towards small ranks. */
    unsigned a = (unsigned)(rnd() % vocabulary), b = (unsigned)(rnd() % vocabulary),
             c = (unsigned)(rnd() % vocabulary);
    unsigned m = a < b ? a : b;
    return m < c ? m : c;
}

static char *random_text(unsigned words, unsigned vocabulary)
{
    char *text = malloc(words * 8 + 1);
    size_t len = 0;
    for (unsigned i = 0; i < words; i++) {
        char w[16];
        word(w, sizeof(w), zipf(vocabulary));
        len += (size_t)snprintf(text + len, 16, "%s%s", i ? " " : "", w);
    }
    text[len] = '\0';
    return text;
}

static const char *EVERYONE[] = {"org:*"};

typedef struct corpus {
    char **titles;
    char **texts;
    char ids[4000][32];
    size_t count;
} corpus;

static void make_corpus(corpus *c, size_t count, unsigned vocabulary)
{
    c->titles = calloc(count, sizeof(char *));
    c->texts = calloc(count, sizeof(char *));
    c->count = count;
    for (size_t i = 0; i < count; i++) {
        c->titles[i] = random_text(1 + (unsigned)(rnd() % 4), vocabulary);
        c->texts[i] = random_text(5 + (unsigned)(rnd() % 120), vocabulary);
        snprintf(c->ids[i], sizeof(c->ids[i]), "doc-%zu", i);
    }
}

static void free_corpus(corpus *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->titles[i]);
        free(c->texts[i]);
    }
    free(c->titles);
    free(c->texts);
}

static ud_index_doc index_doc(const corpus *c, size_t i)
{
    return (ud_index_doc){.doc_id = c->ids[i],
                          .title = c->titles[i],
                          .text = c->texts[i],
                          .source_type = i % 3 ? "file" : "slack",
                          .author = i % 2 ? "Ann Lee" : "Bo Chan",
                          .updated_at = 1700000000 + (int64_t)i * 86400,
                          .acl = EVERYONE,
                          .acl_count = 1};
}

static const char *collection_dir(void)
{
    static char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    return dir;
}

/* Writes the corpus in `commits` commits, so that it spans segments. */
static void write_corpus(const corpus *c, size_t commits, size_t max_segments)
{
    ud_collection_writer *w = NULL;
    ud_collection_writer_opts opts = {.max_segments = max_segments};
    UD_CHECK_OK(ud_collection_writer_open(&w, collection_dir(), &opts));
    for (size_t i = 0; i < c->count; i++) {
        ud_index_doc doc = index_doc(c, i);
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
        if ((i + 1) % (c->count / commits) == 0)
            UD_CHECK_OK(ud_collection_writer_commit(w, (int64_t)i));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, (int64_t)c->count));
    ud_collection_writer_close(w);
}

static size_t search(ud_index_hit **hits, ud_snapshot *snap, ud_analyzer *analyzer, ud_arena *arena,
                     const char *text, const char *const *principals, size_t principal_count,
                     size_t k, ud_topk_stats *stats)
{
    ud_query q;
    UD_CHECK_OK(ud_query_parse(&q, analyzer, arena, text));
    q.principals = principals;
    q.principal_count = principal_count;
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    ud_bm25_params params;
    ud_bm25_params_default(&params);
    size_t count = 0;
    UD_CHECK_OK(ud_bm25_topk(hits, &count, views, view_count, &q, &params, k, arena, stats));
    return count;
}

/* The chunk id ("doc-N") of a hit. */
static unsigned hit_id(ud_snapshot *snap, ud_arena *arena, const ud_index_hit *hit)
{
    size_t n = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &n);
    ud_stored_doc stored;
    UD_CHECK_OK(ud_segment_stored(&stored, views[hit->view].segment, arena, hit->doc));
    return (unsigned)strtoul(stored.doc_id + 4, NULL, 10);
}

void test_index__wand_top10_equals_the_exact_oracle(void)
{
    rng_state = 42;
    corpus c;
    make_corpus(&c, 3000, 3000); /* more terms than the builder's first table */
    write_corpus(&c, 5, 100);

    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_bm25_corpus *oracle = NULL;
    UD_CHECK_OK(ud_bm25_corpus_new(&oracle, NULL));
    for (size_t i = 0; i < c.count; i++)
        UD_CHECK_OK(ud_bm25_corpus_add(oracle, analyzer, i, c.titles[i], strlen(c.titles[i]),
                                       c.texts[i], strlen(c.texts[i])));
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, collection_dir()));
    UD_CHECK_EQ_INT(c.count, ud_snapshot_live_docs(snap));
    size_t segments = 0;
    ud_snapshot_views(snap, &segments);
    UD_CHECK(segments >= 5);

    uint64_t scored = 0, matching = 0;
    for (int qn = 0; qn < 300; qn++) {
        ud_arena arena;
        ud_arena_init(&arena);
        char query[128] = "";
        size_t terms = 1 + (size_t)(rnd() % 4);
        size_t len = 0;
        for (size_t t = 0; t < terms; t++) {
            char w[16];
            word(w, sizeof(w), (unsigned)(rnd() % 400));
            len += (size_t)snprintf(query + len, sizeof(query) - len, "%s%s", t ? " " : "", w);
        }
        ud_bm25_hit *expected = NULL;
        size_t expected_count = 0;
        UD_CHECK_OK(ud_bm25_search(&expected, &expected_count, oracle, analyzer, &arena, query,
                                   strlen(query), 10));
        ud_bm25_hit *all = NULL;
        size_t all_count = 0;
        UD_CHECK_OK(ud_bm25_search(&all, &all_count, oracle, analyzer, &arena, query, strlen(query),
                                   c.count));
        ud_index_hit *hits = NULL;
        ud_topk_stats stats = {0};
        size_t count = search(&hits, snap, analyzer, &arena, query, EVERYONE, 1, 10, &stats);
        UD_CHECK_EQ_INT(expected_count, count);
        for (size_t i = 0; i < count && i < expected_count; i++) {
            UD_CHECK_NEAR(expected[i].score, hits[i].score, 1e-9);
            /* Equal scores may list different chunks only on exact ties. */
            if (hit_id(snap, &arena, &hits[i]) != expected[i].doc)
                UD_CHECK_NEAR(expected[i].score, all[i].score, 0);
        }
        scored += stats.scored;
        matching += all_count;
        ud_arena_dispose(&arena);
    }
    /* Block-max WAND scores a fraction of the matching chunks. */
    UD_CHECK(scored * 2 < matching);
    ud_snapshot_release(snap);
    ud_bm25_corpus_free(oracle);
    ud_analyzer_free(analyzer);
    free_corpus(&c);
}

static const char *only(ud_snapshot *snap, ud_analyzer *analyzer, ud_arena *arena,
                        const char *query, const char *const *principals, size_t n)
{
    ud_index_hit *hits = NULL;
    size_t count = search(&hits, snap, analyzer, arena, query, principals, n, 10, NULL);
    if (count == 0)
        return "(none)";
    size_t views = 0;
    ud_stored_doc stored;
    UD_CHECK_OK(ud_segment_stored(&stored, ud_snapshot_views(snap, &views)[hits[0].view].segment,
                                  arena, hits[0].doc));
    return count == 1 ? stored.doc_id : "(several)";
}

static void add(ud_collection_writer *w, const char *id, const char *title, const char *text,
                const char *source, const char *author, int64_t updated, const char *const *acl,
                size_t acl_count)
{
    ud_index_doc doc = {.doc_id = id,
                        .title = title,
                        .text = text,
                        .source_type = source,
                        .author = author,
                        .updated_at = updated,
                        .acl = acl,
                        .acl_count = acl_count};
    UD_CHECK_OK(ud_collection_writer_add(w, &doc));
}

void test_index__permissions_and_filters_are_enforced_inside_the_index(void)
{
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, collection_dir(), NULL));
    const char *alice[] = {"alice@acme.test"};
    const char *sales[] = {"group:sales", "bob@acme.test"};
    add(w, "secret", "Acquisition plan", "confidential merger with zenith corp", "gdrive", "Alice",
        1735689600, alice, 1);
    add(w, "deal", "Sales forecast", "zenith corp deal forecast", "salesforce", "Bob", 1738368000,
        sales, 2);
    add(w, "public", "Company update", "we talk about zenith corp in public", "slack", "Carol",
        1740787200, EVERYONE, 1);
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);

    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, collection_dir()));
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    const char *as_alice[] = {"alice@acme.test", "org:*"};
    const char *as_bob[] = {"bob@acme.test", "org:*"};
    const char *as_sales[] = {"carol@acme.test", "group:sales", "org:*"};
    const char *as_nobody[] = {"mallory@evil.test"};
    /* The secret's own words find nothing for anyone but Alice. */
    UD_CHECK_EQ_STR("secret", only(snap, analyzer, &arena, "merger", as_alice, 2));
    UD_CHECK_EQ_STR("(none)", only(snap, analyzer, &arena, "merger", as_bob, 2));
    UD_CHECK_EQ_STR("(none)", only(snap, analyzer, &arena, "\"acquisition plan\"", as_sales, 3));
    UD_CHECK_EQ_STR("(none)", only(snap, analyzer, &arena, "zenith", as_nobody, 1));
    UD_CHECK_EQ_STR("deal", only(snap, analyzer, &arena, "forecast", as_sales, 3));
    UD_CHECK_EQ_STR("deal", only(snap, analyzer, &arena, "forecast", as_bob, 2));
    /* A refused document is never scored, so it cannot move a threshold
     * or show in work counters beyond "filtered". */
    ud_index_hit *hits = NULL;
    ud_topk_stats stats = {0};
    UD_CHECK_EQ_INT(1, search(&hits, snap, analyzer, &arena, "zenith", as_bob + 1, 1, 10, &stats));
    UD_CHECK_EQ_INT(1, stats.scored);
    /* Filters of the query language. */
    UD_CHECK_EQ_STR("public", only(snap, analyzer, &arena, "zenith source:slack", as_sales, 3));
    UD_CHECK_EQ_STR("deal", only(snap, analyzer, &arena, "zenith source:salesforce", as_sales, 3));
    UD_CHECK_EQ_STR("deal", only(snap, analyzer, &arena, "zenith author:bob", as_sales, 3));
    UD_CHECK_EQ_STR("public", only(snap, analyzer, &arena, "zenith after:2025-02-15", as_sales, 3));
    UD_CHECK_EQ_STR("deal", only(snap, analyzer, &arena,
                                 "zenith after:2025-01-15 before:2025-02-15", as_sales, 3));
    UD_CHECK_EQ_STR("secret",
                    only(snap, analyzer, &arena, "zenith before:2025-01-15", as_alice, 2));
    UD_CHECK_EQ_STR("(none)", only(snap, analyzer, &arena, "zenith source:jira", as_sales, 3));
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
}

void test_index__phrases_required_and_excluded_terms(void)
{
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, collection_dir(), NULL));
    add(w, "a", "Leave", "parental leave is sixteen weeks", "file", NULL, 1, EVERYONE, 1);
    add(w, "b", "Leave", "leave the parental controls on", "file", NULL, 1, EVERYONE, 1);
    add(w, "c", "Absence", "leave of absence rules", "file", NULL, 1, EVERYONE, 1);
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, collection_dir()));
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    UD_CHECK_EQ_STR("a", only(snap, analyzer, &arena, "\"parental leave\"", EVERYONE, 1));
    UD_CHECK_EQ_STR("b", only(snap, analyzer, &arena, "\"leave the parental\"", EVERYONE, 1));
    /* A stop word inside a phrase keeps its place. */
    UD_CHECK_EQ_STR("c", only(snap, analyzer, &arena, "\"leave of absence\"", EVERYONE, 1));
    UD_CHECK_EQ_STR("(none)", only(snap, analyzer, &arena, "\"absence of leave\"", EVERYONE, 1));
    UD_CHECK_EQ_STR("a", only(snap, analyzer, &arena, "leave +sixteen", EVERYONE, 1));
    UD_CHECK_EQ_STR("(several)", only(snap, analyzer, &arena, "leave -sixteen", EVERYONE, 1));
    UD_CHECK_EQ_STR("c", only(snap, analyzer, &arena, "leave -parental", EVERYONE, 1));
    UD_CHECK_EQ_STR("(several)",
                    only(snap, analyzer, &arena, "leave -\"parental leave\"", EVERYONE, 1));
    ud_query q;
    UD_CHECK_EQ_INT(UD_EINVAL, ud_query_parse(&q, analyzer, &arena, "\"unclosed"));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_query_parse(&q, analyzer, &arena, "x after:yesterday"));
    UD_CHECK_EQ_INT(UD_EINVAL,
                    ud_query_parse(&q, analyzer, &arena, "x after:2025-02-01 before:2025-01-01"));
    UD_CHECK_OK(ud_query_parse(&q, analyzer, &arena, "the of and"));
    UD_CHECK_EQ_INT(0, q.term_count);
    UD_CHECK_OK(ud_query_parse(&q, analyzer, &arena, "meeting at 12:30 http://x.test"));
    UD_CHECK_EQ_INT(0, q.source_count);
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
}

void test_index__updates_deletes_and_merges(void)
{
    ud_collection_writer_opts opts = {.max_segments = 3};
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, collection_dir(), &opts));
    add(w, "d1", "Old title", "the original wording about turbines", "file", NULL, 1, EVERYONE, 1);
    add(w, "d2", "Other", "something about windmills", "file", NULL, 1, EVERYONE, 1);
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    /* Update d1: delete its chunks, add the new ones, one commit. */
    UD_CHECK_OK(ud_collection_writer_delete(w, "d1"));
    add(w, "d1", "New title", "the revised wording about generators", "file", NULL, 2, EVERYONE, 1);
    /* Added and deleted before any commit: never visible. */
    add(w, "d3", "Ghost", "ephemeral generators", "file", NULL, 2, EVERYONE, 1);
    UD_CHECK_OK(ud_collection_writer_delete(w, "d3"));
    UD_CHECK_OK(ud_collection_writer_commit(w, 2));

    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, collection_dir()));
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    UD_CHECK_EQ_INT(2, ud_snapshot_live_docs(snap));
    UD_CHECK_EQ_STR("(none)", only(snap, analyzer, &arena, "turbines", EVERYONE, 1));
    UD_CHECK_EQ_STR("d1", only(snap, analyzer, &arena, "generators", EVERYONE, 1));
    UD_CHECK_EQ_INT(2, ud_snapshot_store_generation(snap));

    /* Several commits past max_segments trigger a merge that keeps only
     * live chunks; the old snapshot keeps working meanwhile. */
    for (int i = 0; i < 4; i++) {
        char id[16];
        snprintf(id, sizeof(id), "m%d", i);
        add(w, id, "Merge", "filler words for merging", "file", NULL, 3, EVERYONE, 1);
        UD_CHECK_OK(ud_collection_writer_commit(w, 3 + i));
    }
    /* Merges run in the background: wait for them before counting. */
    UD_CHECK_OK(ud_collection_writer_wait_merges(w));
    UD_CHECK(ud_collection_writer_segment_count(w) <= 3);
    UD_CHECK_EQ_STR("d1", only(snap, analyzer, &arena, "generators", EVERYONE, 1));
    ud_snapshot *merged = NULL;
    UD_CHECK_OK(ud_snapshot_open(&merged, collection_dir()));
    UD_CHECK_EQ_INT(6, ud_snapshot_live_docs(merged));
    UD_CHECK_EQ_STR("d1", only(merged, analyzer, &arena, "generators", EVERYONE, 1));
    UD_CHECK_EQ_STR("(none)", only(merged, analyzer, &arena, "ephemeral", EVERYONE, 1));
    /* A second writer is refused while the first holds the lock. */
    ud_collection_writer *second = NULL;
    UD_CHECK_EQ_INT(UD_EAGAIN, ud_collection_writer_open(&second, collection_dir(), NULL));
    ud_collection_writer_close(w);
    ud_snapshot_release(merged);
    ud_snapshot_release(snap);
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
}

/* Gives the segment file at path checksums that match its (damaged)
 * bytes, as a file damaged before it was written would have: what its
 * readers' bounds checks must then stop. */
static void restamp_segment(const char *path)
{
    FILE *f = fopen(path, "r+b");
    UD_CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    uint8_t *bytes = malloc((size_t)size);
    fseek(f, 0, SEEK_SET);
    UD_CHECK(fread(bytes, 1, (size_t)size, f) == (size_t)size);
    ud_seg_header h;
    memcpy(&h, bytes, sizeof(h));
    h.checksum = 0;
    uint32_t content = ud_crc32c(0, bytes + sizeof(h), (size_t)size - sizeof(h));
    h.checksum = (uint64_t)ud_crc32c(0, &h, sizeof(h)) << 32 | content;
    fseek(f, 0, SEEK_SET);
    UD_CHECK(fwrite(&h, sizeof(h), 1, f) == 1);
    fclose(f);
    free(bytes);
}

void test_index__a_damaged_segment_is_an_error_not_a_crash(void)
{
    rng_state = 7;
    corpus c;
    make_corpus(&c, 300, 50);
    write_corpus(&c, 1, 10);
    char path[700];
    snprintf(path, sizeof(path), "%s/seg-000001.seg", collection_dir());
    FILE *f = fopen(path, "r+b");
    UD_CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    /* Scribble over the second half: postings and keys. */
    for (long off = size / 2; off < size; off += 7) {
        fseek(f, off, SEEK_SET);
        fputc((int)(rnd() & 0xFF), f);
    }
    fclose(f);
    /* A small segment's content is verified when it is opened. */
    ud_snapshot *snap = NULL;
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_snapshot_open(&snap, collection_dir()));
    UD_CHECK_CONTAINS(ud_error_last(), "seg-000001.seg is damaged: checksum mismatch");
    /* Damage the checksums agree with (written so) is for the readers'
     * bounds checks to stop: errors, never a crash. */
    restamp_segment(path);
    UD_CHECK_OK(ud_snapshot_open(&snap, collection_dir()));
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    for (int i = 0; i < 50; i++) {
        ud_arena arena;
        ud_arena_init(&arena);
        char w1[16], w2[16], query[64];
        word(w1, sizeof(w1), (unsigned)(rnd() % 50));
        word(w2, sizeof(w2), (unsigned)(rnd() % 50));
        snprintf(query, sizeof(query), "%s \"%s %s\"", w1, w1, w2);
        ud_query q;
        UD_CHECK_OK(ud_query_parse(&q, analyzer, &arena, query));
        q.principals = EVERYONE;
        q.principal_count = 1;
        ud_bm25_params params;
        ud_bm25_params_default(&params);
        ud_index_hit *hits = NULL;
        size_t count = 0;
        size_t views = 0;
        const ud_segment_view *v = ud_snapshot_views(snap, &views);
        int rc = ud_bm25_topk(&hits, &count, v, views, &q, &params, 10, &arena, NULL);
        UD_CHECK(rc == 0 || rc == UD_ECORRUPT);
        ud_arena_dispose(&arena);
    }
    /* A truncated file is refused when it is opened. */
    UD_CHECK(truncate(path, size / 3) == 0);
    ud_segment *segment = NULL;
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_segment_open(&segment, path));
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
    free_corpus(&c);
}

/* The child of the crash test: commits batches of 40 chunks forever and
 * reports each finished commit on the pipe. */
static void crash_writer(const char *dir, int report_fd)
{
    ud_collection_writer_opts opts = {.max_segments = 3, .flush_memory_bytes = 64 * 1024};
    ud_collection_writer *w = NULL;
    if (ud_collection_writer_open(&w, dir, &opts) < 0)
        _exit(3);
    for (uint32_t batch = 0; batch < 100000; batch++) {
        for (int i = 0; i < 40; i++) {
            char id[32];
            snprintf(id, sizeof(id), "b%u-%d", batch, i);
            char *text = random_text(30, 200);
            ud_index_doc doc = {.doc_id = id,
                                .title = "batch",
                                .text = text,
                                .source_type = "file",
                                .acl = EVERYONE,
                                .acl_count = 1};
            if (ud_collection_writer_add(w, &doc) < 0)
                _exit(4);
            free(text);
        }
        if (ud_collection_writer_commit(w, (int64_t)batch + 1) < 0)
            _exit(5);
        if (write(report_fd, &batch, sizeof(batch)) != sizeof(batch))
            _exit(6);
    }
    _exit(0);
}

void test_index__a_writer_killed_at_any_point_loses_nothing_committed(void)
{
    rng_state = 99;
    for (int round = 0; round < 40; round++) {
        char dir[700];
        snprintf(dir, sizeof(dir), "%s/crash-%d", ud_test_tmpdir(), round);
        int fds[2];
        UD_CHECK(pipe(fds) == 0);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            rng_state = 1000 + (uint64_t)round;
            crash_writer(dir, fds[1]);
        }
        close(fds[1]);
        /* Let it commit a few batches, then kill it somewhere in the
         * middle of the next one (where exactly varies from run to run;
         * the checks below hold wherever it lands). */
        uint32_t want = 1 + (uint32_t)(rnd() % 6), got = 0, batch = 0;
        while (got < want && read(fds[0], &batch, sizeof(batch)) == sizeof(batch))
            got++;
        UD_CHECK_EQ_INT(want, got);
        usleep((useconds_t)(rnd() % 4000));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        /* Commits reported after `want` may have landed before the kill. */
        uint32_t extra = 0;
        while (read(fds[0], &batch, sizeof(batch)) == sizeof(batch))
            extra++;
        close(fds[0]);

        ud_snapshot *snap = NULL;
        UD_CHECK_OK(ud_snapshot_open(&snap, dir));
        int64_t committed = ud_snapshot_store_generation(snap);
        UD_CHECK(committed >= (int64_t)(want + extra) && committed <= (int64_t)(want + extra + 1));
        UD_CHECK_EQ_INT((uint64_t)committed * 40, ud_snapshot_live_docs(snap));
        size_t n = 0;
        const ud_segment_view *views = ud_snapshot_views(snap, &n);
        for (size_t i = 0; i < n; i++)
            UD_CHECK_OK(ud_segment_verify(views[i].segment));
        ud_snapshot_release(snap);
        /* The lock died with the writer; a new one cleans up and commits. */
        ud_collection_writer *w = NULL;
        UD_CHECK_OK(ud_collection_writer_open(&w, dir, NULL));
        UD_CHECK_OK(ud_collection_writer_delete(w, "b0-0"));
        UD_CHECK_OK(ud_collection_writer_commit(w, committed + 1));
        ud_collection_writer_close(w);
        UD_CHECK_OK(ud_snapshot_open(&snap, dir));
        UD_CHECK_EQ_INT((uint64_t)committed * 40 - 1, ud_snapshot_live_docs(snap));
        ud_snapshot_release(snap);
    }
}

/* ---- background merges ---------------------------------------------------- */

/* Holds a merge at its start until the test opens the gate, and counts
 * the stages the merge thread reported. */
typedef struct merge_gate {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int seen[3];
    bool open;
} merge_gate;

static void gate_hook(int stage, void *payload)
{
    merge_gate *g = payload;
    pthread_mutex_lock(&g->lock);
    g->seen[stage]++;
    pthread_cond_broadcast(&g->changed);
    while (stage == UD_MERGE_STARTED && !g->open)
        pthread_cond_wait(&g->changed, &g->lock);
    pthread_mutex_unlock(&g->lock);
}

/* Waits (at most 20 s) until the merge thread has reported `stage`. */
static bool gate_wait(merge_gate *g, int stage)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&g->lock);
    int rc = 0;
    while (g->seen[stage] == 0 && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&g->changed, &g->lock, &until);
    bool seen = g->seen[stage] > 0;
    pthread_mutex_unlock(&g->lock);
    return seen;
}

/* Whether a live chunk of doc_id is in the snapshot. */
static bool visible(ud_snapshot *snap, const char *doc_id)
{
    size_t n = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &n);
    for (size_t i = 0; i < n; i++) {
        uint32_t docs[8];
        int found = ud_segment_find_document(views[i].segment, doc_id, docs, 8);
        for (int k = 0; k < found && k < 8; k++)
            if (!views[i].deleted || !((views[i].deleted[docs[k] >> 3] >> (docs[k] & 7)) & 1))
                return true;
    }
    return false;
}

static size_t view_count(ud_snapshot *snap)
{
    size_t n = 0;
    ud_snapshot_views(snap, &n);
    return n;
}

void test_index__deletions_during_a_background_merge_are_kept(void)
{
    merge_gate gate = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};
    ud_collection_writer_opts opts = {
        .max_segments = 2, .merge_hook = gate_hook, .merge_payload = &gate};
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, collection_dir(), &opts));
    const char *groups[] = {"a", "b", "c"};
    for (int g = 0; g < 3; g++) {
        for (int i = 0; i < 3; i++) {
            char id[32];
            snprintf(id, sizeof(id), "%s%d", groups[g], i);
            add(w, id, "Merge", "words to merge", "file", NULL, 1, EVERYONE, 1);
        }
        UD_CHECK_OK(ud_collection_writer_commit(w, g + 1));
    }
    /* Three committed segments, two allowed: a merge of all three starts
     * and is held at its start. The commit returned without it. */
    UD_CHECK(gate_wait(&gate, UD_MERGE_STARTED));
    ud_snapshot *before = NULL;
    UD_CHECK_OK(ud_snapshot_open(&before, collection_dir()));
    UD_CHECK_EQ_INT(3, view_count(before));

    /* While it runs: a deletion committed, one pending, and a new chunk;
     * commits go on meanwhile. */
    UD_CHECK_OK(ud_collection_writer_delete(w, "a1"));
    UD_CHECK_OK(ud_collection_writer_commit(w, 4));
    add(w, "d0", "Merge", "words to merge", "file", NULL, 1, EVERYONE, 1);
    UD_CHECK_OK(ud_collection_writer_commit(w, 5));
    UD_CHECK_OK(ud_collection_writer_delete(w, "b2"));
    UD_CHECK_EQ_INT(0, gate.seen[UD_MERGE_COMMITTED]);

    pthread_mutex_lock(&gate.lock);
    gate.open = true;
    pthread_cond_broadcast(&gate.changed);
    pthread_mutex_unlock(&gate.lock);
    UD_CHECK(gate_wait(&gate, UD_MERGE_COMMITTED));
    UD_CHECK_OK(ud_collection_writer_wait_merges(w));

    /* The merge's own manifest: the merged segment and d0's, the committed
     * deletion carried over, the pending one still pending. */
    ud_snapshot *merged = NULL;
    UD_CHECK_OK(ud_snapshot_open(&merged, collection_dir()));
    UD_CHECK_EQ_INT(2, view_count(merged));
    UD_CHECK_EQ_INT(5, ud_snapshot_store_generation(merged));
    UD_CHECK_EQ_INT(9, ud_snapshot_live_docs(merged));
    UD_CHECK(!visible(merged, "a1"));
    UD_CHECK(visible(merged, "b2") && visible(merged, "a0") && visible(merged, "d0"));
    /* The snapshot opened before keeps answering from its own files. */
    UD_CHECK_EQ_INT(3, view_count(before));
    UD_CHECK(visible(before, "c2") && visible(before, "a1"));
    ud_snapshot_release(before);

    /* The pending deletion reaches the merged segment with the next commit. */
    UD_CHECK_OK(ud_collection_writer_commit(w, 6));
    ud_collection_writer_close(w);
    ud_snapshot *after = NULL;
    UD_CHECK_OK(ud_snapshot_open(&after, collection_dir()));
    UD_CHECK_EQ_INT(8, ud_snapshot_live_docs(after));
    UD_CHECK(!visible(after, "b2") && !visible(after, "a1") && visible(after, "b1"));
    size_t n = 0;
    const ud_segment_view *views = ud_snapshot_views(after, &n);
    for (size_t i = 0; i < n; i++)
        UD_CHECK_OK(ud_segment_verify(views[i].segment));
    ud_snapshot_release(after);
    ud_snapshot_release(merged);
}

typedef struct crash_merge {
    int fd;     /* stages are written here */
    bool block; /* stop the merge thread once its segment is written */
} crash_merge;

static void crash_hook(int stage, void *payload)
{
    crash_merge *c = payload;
    uint8_t byte = (uint8_t)stage;
    if (write(c->fd, &byte, 1) != 1)
        _exit(7);
    if (c->block && stage == UD_MERGE_WRITTEN)
        for (;;)
            pause(); /* until the parent's SIGKILL */
}

/* Like crash_writer, with merges after every few commits, reported (and
 * maybe stopped) through the hook. */
static void crash_merge_writer(const char *dir, int report_fd, crash_merge *hook)
{
    ud_collection_writer_opts opts = {.max_segments = 2,
                                      .flush_memory_bytes = 64 * 1024,
                                      .merge_hook = crash_hook,
                                      .merge_payload = hook};
    ud_collection_writer *w = NULL;
    if (ud_collection_writer_open(&w, dir, &opts) < 0)
        _exit(3);
    for (uint32_t batch = 0; batch < 100000; batch++) {
        for (int i = 0; i < 40; i++) {
            char id[32];
            snprintf(id, sizeof(id), "b%u-%d", batch, i);
            char *text = random_text(60, 300);
            ud_index_doc doc = {.doc_id = id,
                                .title = "batch",
                                .text = text,
                                .source_type = "file",
                                .acl = EVERYONE,
                                .acl_count = 1};
            if (ud_collection_writer_add(w, &doc) < 0)
                _exit(4);
            free(text);
        }
        if (ud_collection_writer_commit(w, (int64_t)batch + 1) < 0)
            _exit(5);
        if (write(report_fd, &batch, sizeof(batch)) != sizeof(batch))
            _exit(6);
    }
    _exit(0);
}

/* Reads one byte from fd, waiting at most 20 s. */
static int read_stage(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    uint8_t byte;
    if (poll(&p, 1, 20000) != 1 || read(fd, &byte, 1) != 1)
        return -1;
    return byte;
}

static size_t segment_files(const char *dir)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        n += strncmp(e->d_name, "seg-", 4) == 0 && len > 4 &&
             strcmp(e->d_name + len - 4, ".seg") == 0;
    }
    if (d)
        closedir(d);
    return n;
}

void test_index__a_writer_killed_during_a_merge_loses_nothing(void)
{
    rng_state = 123;
    for (int round = 0; round < 16; round++) {
        char dir[700];
        snprintf(dir, sizeof(dir), "%s/merge-crash-%d", ud_test_tmpdir(), round);
        int reports[2], stages[2];
        UD_CHECK(pipe(reports) == 0 && pipe(stages) == 0);
        /* Even rounds: the merge thread stops with its segment written but
         * not committed, and the parent waits for two more commits (the
         * writer does not wait for the merge) before the kill. Odd rounds:
         * the kill lands at a random instant after a merge started. */
        crash_merge hook = {stages[1], round % 2 == 0};
        pid_t pid = fork();
        if (pid == 0) {
            close(reports[0]);
            close(stages[0]);
            rng_state = 5000 + (uint64_t)round;
            crash_merge_writer(dir, reports[1], &hook);
        }
        close(reports[1]);
        close(stages[1]);
        uint32_t batch = 0, got = 0;
        int stage;
        do
            stage = read_stage(stages[0]);
        while (stage >= 0 && stage != (hook.block ? UD_MERGE_WRITTEN : UD_MERGE_STARTED));
        UD_CHECK(stage >= 0);
        if (hook.block) {
            /* Commits reported so far, then two more. */
            struct pollfd p = {.fd = reports[0], .events = POLLIN};
            while (poll(&p, 1, 0) == 1 && read(reports[0], &batch, sizeof(batch)) == sizeof(batch))
                got++;
            uint32_t target = got + 2;
            while (got < target && poll(&p, 1, 20000) == 1 &&
                   read(reports[0], &batch, sizeof(batch)) == sizeof(batch))
                got++;
            UD_CHECK_EQ_INT(target, got);
        } else {
            usleep((useconds_t)(rnd() % 3000));
        }
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        while (read(reports[0], &batch, sizeof(batch)) == sizeof(batch))
            got++;
        close(reports[0]);
        close(stages[0]);

        ud_snapshot *snap = NULL;
        UD_CHECK_OK(ud_snapshot_open(&snap, dir));
        int64_t committed = ud_snapshot_store_generation(snap);
        UD_CHECK(committed >= (int64_t)got && committed <= (int64_t)got + 1);
        UD_CHECK_EQ_INT((uint64_t)committed * 40, ud_snapshot_live_docs(snap));
        size_t n = view_count(snap);
        const ud_segment_view *views = ud_snapshot_views(snap, &n);
        for (size_t i = 0; i < n; i++)
            UD_CHECK_OK(ud_segment_verify(views[i].segment));
        /* The written, uncommitted merge is a file no manifest names. */
        if (hook.block)
            UD_CHECK(segment_files(dir) > n);
        ud_snapshot_release(snap);
        /* A new writer removes it, and its own merge brings the count down. */
        ud_collection_writer_opts opts = {.max_segments = 2};
        ud_collection_writer *w = NULL;
        UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
        UD_CHECK_EQ_INT(n, segment_files(dir));
        UD_CHECK_OK(ud_collection_writer_delete(w, "b0-0"));
        UD_CHECK_OK(ud_collection_writer_commit(w, committed + 1));
        UD_CHECK_OK(ud_collection_writer_wait_merges(w));
        UD_CHECK(ud_collection_writer_segment_count(w) <= 2);
        ud_collection_writer_close(w);
        UD_CHECK_OK(ud_snapshot_open(&snap, dir));
        UD_CHECK_EQ_INT((uint64_t)committed * 40 - 1, ud_snapshot_live_docs(snap));
        UD_CHECK(!visible(snap, "b0-0") && visible(snap, "b0-1"));
        ud_snapshot_release(snap);
    }
}

/* ---- older segment versions ------------------------------------------------ */

/* One-segment collections written by earlier versions of the segment
 * writer (base64): three chunks, "old-a" to "old-c", with 4-d vectors.
 * Version 2: float32 vectors, positions inside the postings blocks. */
static const char SEGMENT_V2[] =
    "VURTRUcAAAECAAAAAwAAABYAAAAAAAAAFgAAAAAAAAATAAAAAAAAAAUAAAAAAAAAkAAAAAAAAADYAAAAAAAAAOAB"
    "AAAAAAAAoAQAAAAAAAAoBQAAAAAAAOgHAAAAAAAAaAgAAAAAAACYCAAAAAAAANAIAAAAAAAAkD4LxO0xPoIEAAAA"
    "AAAAANAIAAAAAAAABgAAAAIAAAAA8VNlAAAAAAAAAAAAAAAABgAAAAIAAAAB8VNlAAAAAFcAAAAAAAAABwAAAAEA"
    "AAAC8VNlAAAAAKsAAAAAAAAABW9sZC1hAA5QYXJlbnRhbCBsZWF2ZTBwYXJlbnRhbCBsZWF2ZSBpcyBzaXh0ZWVu"
    "IHdlZWtzIGZvciBldmVyeSBwYXJlbnQEZmlsZQAAAAABBW9yZzoqBW9sZC1iAA5FeHBlbnNlIHBvbGljeSxzdWJt"
    "aXQgdGhlIGV4cGVuc2UgcmVwb3J0IHdpdGhpbiB0aGlydHkgZGF5cwVzbGFjawAAAAABBW9yZzoqBW9sZC1jAAZU"
    "cmF2ZWw8Ym9vayB0cmF2ZWwgdGhyb3VnaCB0aGUgcG9ydGFsOyBwYXJlbnRhbCBhcHByb3ZhbCBub3QgbmVlZGVk"
    "BWdtYWlsAAAAAAEFb3JnOioAAAAAAAAAAAAIAAAAAwAAAAAAAAAAAAAAAQAAAAAAAAAIAAAAAAAAAAcAAAABAAAA"
    "AQAAAAAAAAABAAAAAAAAAA8AAAAAAAAACAAAAAEAAAACAAAAAAAAAAEAAAAAAAAAFwAAAAAAAAAIAAAAAQAAAAMA"
    "AAAAAAAAAQAAAAAAAAAfAAAAAAAAAAYAAAABAAAABAAAAAAAAAABAAAAAAAAACUAAAAAAAAABAAAAAEAAAAFAAAA"
    "AAAAAAEAAAAAAAAAKQAAAAAAAAADAAAAAQAAAAYAAAAAAAAAAQAAAAAAAAAsAAAAAAAAAAUAAAABAAAABwAAAAAA"
    "AAABAAAAAAAAADEAAAAAAAAABgAAAAEAAAAIAAAAAAAAAAEAAAAAAAAANwAAAAAAAAAEAAAAAQAAAAkAAAAAAAAA"
    "AQAAAAAAAAA7AAAAAAAAAAQAAAABAAAACgAAAAAAAAABAAAAAAAAAD8AAAAAAAAABgAAAAIAAAALAAAAAAAAAAEA"
    "AAAAAAAARQAAAAAAAAAGAAAAAQAAAAwAAAAAAAAAAQAAAAAAAABLAAAAAAAAAAYAAAABAAAADQAAAAAAAAABAAAA"
    "AAAAAFEAAAAAAAAABgAAAAEAAAAOAAAAAAAAAAEAAAAAAAAAVwAAAAAAAAAHAAAAAQAAAA8AAAAAAAAAAQAAAAAA"
    "AABeAAAAAAAAAAYAAAABAAAAEAAAAAAAAAABAAAAAAAAAGQAAAAAAAAABgAAAAEAAAARAAAAAAAAAAEAAAAAAAAA"
    "agAAAAAAAAAHAAAAAQAAABIAAAAAAAAAAQAAAAAAAABxAAAAAAAAAAYAAAABAAAAEwAAAAAAAAABAAAAAAAAAHcA"
    "AAAAAAAABAAAAAEAAAAUAAAAAAAAAAEAAAAAAAAAewAAAAAAAAAGAAAAAQAAABUAAAAAAAAAAQAAAAAAAAABcDpv"
    "cmc6KgFzOmZpbGUBczpnbWFpbAFzOnNsYWNrYXBwcm92Ym9va2RheWV2ZXJpZXhwZW5zbGVhdm5lZWRwYXJlbnRw"
    "b2xpY2lwb3J0YWxyZXBvcnRzaXh0ZWVuc3VibWl0dGhpcnRpdGhyb3VnaHRyYXZlbHdlZWt3aXRoaW4AAAAAAAAA"
    "AgAAAAMAAAAAAAAABgAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAGAAAAAgAAAAAAAAAMAAAAAAAAAAIA"
    "AAABAAAAAAAAAAcAAAABAAAAAAAAABAAAAAAAAAAAQAAAAEAAAAAAAAABgAAAAIAAAAAAAAAFAAAAAAAAAACAAAA"
    "AQABAAAAAAAHAAAAAQAAAAAAAAAYAAAAAAAAAAIAAAABAAEAAAAAAAcAAAABAAAAAAAAAB0AAAAAAAAAAQAAAAEA"
    "AQAAAAAABgAAAAIAAAAAAAAAIgAAAAAAAAAAAAAAAQABAAAAAAAGAAAAAgAAAAAAAAAnAAAAAAAAAAEAAAABAAEA"
    "AQAAAAYAAAACAAAAAAAAACwAAAAAAAAAAAAAAAEAAQABAAAABgAAAAIAAAAAAAAAMgAAAAAAAAACAAAAAQABAAAA"
    "AAAHAAAAAQAAAAAAAAA4AAAAAAAAAAIAAAACAAIAAQAAAAYAAAABAAAAAAAAAD0AAAAAAAAAAQAAAAEAAAABAAAA"
    "BgAAAAIAAAAAAAAASQAAAAAAAAACAAAAAQABAAAAAAAHAAAAAQAAAAAAAABOAAAAAAAAAAEAAAABAAEAAAAAAAYA"
    "AAACAAAAAAAAAFMAAAAAAAAAAAAAAAEAAQAAAAAABgAAAAIAAAAAAAAAWAAAAAAAAAABAAAAAQABAAAAAAAGAAAA"
    "AgAAAAAAAABdAAAAAAAAAAEAAAABAAEAAAAAAAYAAAACAAAAAAAAAGIAAAAAAAAAAgAAAAEAAQAAAAAABwAAAAEA"
    "AAAAAAAAZwAAAAAAAAACAAAAAQABAAEAAAAHAAAAAQAAAAAAAABsAAAAAAAAAAAAAAABAAEAAAAAAAYAAAACAAAA"
    "AAAAAHIAAAAAAAAAAQAAAAEAAQAAAAAABgAAAAIAAAAAAAAAdwAAAAAAAAAAAQEAAAAAAAAAAAAAAAAAAgAAAAEA"
    "AAACAQABFwIBAAERAQEAARgAAQABGAEBAQIAFAABAQIBEgIBAAEZAAICAQEAAwASBwEWAQABAQECAQABFQEBAAEV"
    "AAEAARUBAQABEgEBAAEXAgEAARMCAQECABIAAQABFgEBAAEWAAAAAOgnNYl0/F5eAgAAAAAAAACbKTWJdP1eXgEA"
    "AAAAAAAATis1iXT+Xl4AAAAAAAAAAAcAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAAACamRk/zcxMPwAAAAAAAAAA"
    "AAAAAAAAAAAAAIA/";
/* Version 3: the same with int8 vectors too. */
static const char SEGMENT_V3[] =
    "VURTRUcAAAEDAAAAAwAAABYAAAAAAAAAFgAAAAAAAAATAAAAAAAAAAUAAAAAAAAAkAAAAAAAAADYAAAAAAAAAOAB"
    "AAAAAAAAoAQAAAAAAAAoBQAAAAAAAOgHAAAAAAAAaAgAAAAAAACYCAAAAAAAABAJAAAAAAAAfAQP5tOXBVUEAAAA"
    "AQAAABAJAAAAAAAABgAAAAIAAAAA8VNlAAAAAAAAAAAAAAAABgAAAAIAAAAB8VNlAAAAAFcAAAAAAAAABwAAAAEA"
    "AAAC8VNlAAAAAKsAAAAAAAAABW9sZC1hAA5QYXJlbnRhbCBsZWF2ZTBwYXJlbnRhbCBsZWF2ZSBpcyBzaXh0ZWVu"
    "IHdlZWtzIGZvciBldmVyeSBwYXJlbnQEZmlsZQAAAAABBW9yZzoqBW9sZC1iAA5FeHBlbnNlIHBvbGljeSxzdWJt"
    "aXQgdGhlIGV4cGVuc2UgcmVwb3J0IHdpdGhpbiB0aGlydHkgZGF5cwVzbGFjawAAAAABBW9yZzoqBW9sZC1jAAZU"
    "cmF2ZWw8Ym9vayB0cmF2ZWwgdGhyb3VnaCB0aGUgcG9ydGFsOyBwYXJlbnRhbCBhcHByb3ZhbCBub3QgbmVlZGVk"
    "BWdtYWlsAAAAAAEFb3JnOioAAAAAAAAAAAAIAAAAAwAAAAAAAAAAAAAAAQAAAAAAAAAIAAAAAAAAAAcAAAABAAAA"
    "AQAAAAAAAAABAAAAAAAAAA8AAAAAAAAACAAAAAEAAAACAAAAAAAAAAEAAAAAAAAAFwAAAAAAAAAIAAAAAQAAAAMA"
    "AAAAAAAAAQAAAAAAAAAfAAAAAAAAAAYAAAABAAAABAAAAAAAAAABAAAAAAAAACUAAAAAAAAABAAAAAEAAAAFAAAA"
    "AAAAAAEAAAAAAAAAKQAAAAAAAAADAAAAAQAAAAYAAAAAAAAAAQAAAAAAAAAsAAAAAAAAAAUAAAABAAAABwAAAAAA"
    "AAABAAAAAAAAADEAAAAAAAAABgAAAAEAAAAIAAAAAAAAAAEAAAAAAAAANwAAAAAAAAAEAAAAAQAAAAkAAAAAAAAA"
    "AQAAAAAAAAA7AAAAAAAAAAQAAAABAAAACgAAAAAAAAABAAAAAAAAAD8AAAAAAAAABgAAAAIAAAALAAAAAAAAAAEA"
    "AAAAAAAARQAAAAAAAAAGAAAAAQAAAAwAAAAAAAAAAQAAAAAAAABLAAAAAAAAAAYAAAABAAAADQAAAAAAAAABAAAA"
    "AAAAAFEAAAAAAAAABgAAAAEAAAAOAAAAAAAAAAEAAAAAAAAAVwAAAAAAAAAHAAAAAQAAAA8AAAAAAAAAAQAAAAAA"
    "AABeAAAAAAAAAAYAAAABAAAAEAAAAAAAAAABAAAAAAAAAGQAAAAAAAAABgAAAAEAAAARAAAAAAAAAAEAAAAAAAAA"
    "agAAAAAAAAAHAAAAAQAAABIAAAAAAAAAAQAAAAAAAABxAAAAAAAAAAYAAAABAAAAEwAAAAAAAAABAAAAAAAAAHcA"
    "AAAAAAAABAAAAAEAAAAUAAAAAAAAAAEAAAAAAAAAewAAAAAAAAAGAAAAAQAAABUAAAAAAAAAAQAAAAAAAAABcDpv"
    "cmc6KgFzOmZpbGUBczpnbWFpbAFzOnNsYWNrYXBwcm92Ym9va2RheWV2ZXJpZXhwZW5zbGVhdm5lZWRwYXJlbnRw"
    "b2xpY2lwb3J0YWxyZXBvcnRzaXh0ZWVuc3VibWl0dGhpcnRpdGhyb3VnaHRyYXZlbHdlZWt3aXRoaW4AAAAAAAAA"
    "AgAAAAMAAAAAAAAABgAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAGAAAAAgAAAAAAAAAMAAAAAAAAAAIA"
    "AAABAAAAAAAAAAcAAAABAAAAAAAAABAAAAAAAAAAAQAAAAEAAAAAAAAABgAAAAIAAAAAAAAAFAAAAAAAAAACAAAA"
    "AQABAAAAAAAHAAAAAQAAAAAAAAAYAAAAAAAAAAIAAAABAAEAAAAAAAcAAAABAAAAAAAAAB0AAAAAAAAAAQAAAAEA"
    "AQAAAAAABgAAAAIAAAAAAAAAIgAAAAAAAAAAAAAAAQABAAAAAAAGAAAAAgAAAAAAAAAnAAAAAAAAAAEAAAABAAEA"
    "AQAAAAYAAAACAAAAAAAAACwAAAAAAAAAAAAAAAEAAQABAAAABgAAAAIAAAAAAAAAMgAAAAAAAAACAAAAAQABAAAA"
    "AAAHAAAAAQAAAAAAAAA4AAAAAAAAAAIAAAACAAIAAQAAAAYAAAABAAAAAAAAAD0AAAAAAAAAAQAAAAEAAAABAAAA"
    "BgAAAAIAAAAAAAAASQAAAAAAAAACAAAAAQABAAAAAAAHAAAAAQAAAAAAAABOAAAAAAAAAAEAAAABAAEAAAAAAAYA"
    "AAACAAAAAAAAAFMAAAAAAAAAAAAAAAEAAQAAAAAABgAAAAIAAAAAAAAAWAAAAAAAAAABAAAAAQABAAAAAAAGAAAA"
    "AgAAAAAAAABdAAAAAAAAAAEAAAABAAEAAAAAAAYAAAACAAAAAAAAAGIAAAAAAAAAAgAAAAEAAQAAAAAABwAAAAEA"
    "AAAAAAAAZwAAAAAAAAACAAAAAQABAAEAAAAHAAAAAQAAAAAAAABsAAAAAAAAAAAAAAABAAEAAAAAAAYAAAACAAAA"
    "AAAAAHIAAAAAAAAAAQAAAAEAAQAAAAAABgAAAAIAAAAAAAAAdwAAAAAAAAAAAQEAAAAAAAAAAAAAAAAAAgAAAAEA"
    "AAACAQABFwIBAAERAQEAARgAAQABGAEBAQIAFAABAQIBEgIBAAEZAAICAQEAAwASBwEWAQABAQECAQABFQEBAAEV"
    "AAEAARUBAQABEgEBAAEXAgEAARMCAQECABIAAQABFgEBAAEWAAAAAOgnNYl0/F5eAgAAAAAAAACbKTWJdP1eXgEA"
    "AAAAAAAATis1iXT+Xl4AAAAAAAAAAAcAAAAAAAAAAACAPwAAAAAAAAAAAAAAAAAAAACamRk/zcxMPwAAAAAAAAAA"
    "AAAAAAAAAAAAAIA/BAIBPH8AAAAAAAAAAAAAAAAAAACgac47AF9/AAAAAAAAAAAAAAAAAAQCATwAAAB/AAAAAAAA"
    "AAAAAAAAAAAAAA==";

static const char OLD_MANIFEST[] =
    "{\"format\": 2, \"generation\": 1, \"next_id\": 2, \"store_generation\": 1,"
    " \"embedding\": \"test/fixture/4\", \"segments\": [{\"id\": 1, \"del_gen\": 0, \"docs\": 3}]}";

/* The doc ids of a BM25 search, in order, joined by spaces. */
static const char *ids_of(ud_snapshot *snap, ud_analyzer *analyzer, ud_arena *arena,
                          const char *query)
{
    ud_index_hit *hits = NULL;
    size_t count = search(&hits, snap, analyzer, arena, query, EVERYONE, 1, 10, NULL);
    size_t n = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &n);
    char *out = ud_arena_alloc(arena, 128);
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        ud_stored_doc stored;
        UD_CHECK_OK(ud_segment_stored(&stored, views[hits[i].view].segment, arena, hits[i].doc));
        at += (size_t)snprintf(out + at, 128 - at, "%s%s", i ? " " : "", stored.doc_id);
    }
    return out;
}

static void check_old_collection(ud_snapshot *snap, uint32_t version)
{
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    size_t n = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &n);
    const ud_segment *seg = views[0].segment;
    UD_CHECK_EQ_INT(version, ud_segment_header(seg)->version);
    UD_CHECK_OK(ud_segment_verify(seg));
    /* Postings, positions (phrases) and stored fields read as written. */
    UD_CHECK_EQ_STR("old-a old-c", ids_of(snap, analyzer, &arena, "parental"));
    UD_CHECK_EQ_STR("old-a", ids_of(snap, analyzer, &arena, "\"parental leave\""));
    UD_CHECK_EQ_STR("old-c", ids_of(snap, analyzer, &arena, "\"parental approval\" travel"));
    UD_CHECK_EQ_STR("old-b", ids_of(snap, analyzer, &arena, "expense source:slack"));
    /* And the vectors: the second chunk is nearest to itself. */
    const float query[4] = {0, 0.6f, 0.8f, 0};
    ud_query q = {0};
    q.principals = EVERYONE;
    q.principal_count = 1;
    ud_index_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_vector_topk(&hits, &count, views, n, &q, query, 4, 2, &arena));
    UD_CHECK_EQ_INT(2, count);
    ud_stored_doc stored;
    UD_CHECK_OK(ud_segment_stored(&stored, views[hits[0].view].segment, &arena, hits[0].doc));
    UD_CHECK_EQ_STR("old-b", stored.doc_id);
    UD_CHECK_NEAR(1.0, hits[0].score, 1e-6);
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
}

/* Keeps the last note of a check (problems fail the test). */
static void keep_note(bool problem, const char *message, void *payload)
{
    if (problem)
        ud_test_fail(__FILE__, __LINE__, "unexpected problem: %s", message);
    snprintf(payload, 512, "%s", message);
}

void test_index__segments_of_older_versions_open_and_merge_into_the_current_one(void)
{
    const char *fixtures[] = {SEGMENT_V2, SEGMENT_V3};
    for (uint32_t version = 2; version <= 3; version++) {
        char dir[700];
        snprintf(dir, sizeof(dir), "%s/old-v%u", ud_test_tmpdir(), version);
        const char *text = fixtures[version - 2];
        size_t len = 0, max = ud_base64_decoded_max(strlen(text));
        uint8_t *bytes = malloc(max);
        UD_CHECK_OK(ud_base64_decode(bytes, max, &len, (ud_str){text, strlen(text)}, 0));
        ud_test_write_file(dir, "seg-000001.seg", bytes, len);
        ud_test_write_file(dir, "MANIFEST", OLD_MANIFEST, strlen(OLD_MANIFEST));
        free(bytes);
        /* `unify check` verifies what the old files have (the segment's
         * content checksum) and notes what they lack. */
        char note[512] = "";
        ud_index_check report;
        UD_CHECK_OK(ud_index_check_dir(&report, dir, keep_note, note));
        UD_CHECK_EQ_INT(0, report.problems);
        UD_CHECK_EQ_INT(2, report.notes);
        UD_CHECK_EQ_INT(3, report.live_chunks);
        UD_CHECK_CONTAINS(note, "whose header has no checksum");
        ud_snapshot *snap = NULL;
        UD_CHECK_OK(ud_snapshot_open(&snap, dir));
        UD_CHECK(!ud_snapshot_manifest_checksummed(snap));
        check_old_collection(snap, version);
        size_t n = 0;
        const ud_segment *old = ud_snapshot_views(snap, &n)[0].segment;
        UD_CHECK((ud_segment_vectors_i8(old) != NULL) == (version >= 3));

        /* A writer adds a chunk; the merge rewrites the old segment in the
         * current format, and everything reads the same. */
        ud_collection_writer_opts opts = {
            .max_segments = 1, .embedding = "test/fixture/4", .vector_dims = 4};
        ud_collection_writer *w = NULL;
        UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
        UD_CHECK_EQ_INT(1, ud_collection_writer_store_generation(w));
        const float v[4] = {0.5f, 0.5f, 0.5f, 0.5f};
        ud_index_doc doc = {.doc_id = "new-d",
                            .title = "Leave",
                            .text = "more parental leave for everyone",
                            .source_type = "file",
                            .acl = EVERYONE,
                            .acl_count = 1,
                            .vector = v};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
        UD_CHECK_OK(ud_collection_writer_commit(w, 2));
        UD_CHECK_OK(ud_collection_writer_wait_merges(w));
        ud_collection_writer_close(w);
        ud_snapshot *merged = NULL;
        UD_CHECK_OK(ud_snapshot_open(&merged, dir));
        UD_CHECK_EQ_INT(1, view_count(merged));
        UD_CHECK_EQ_INT(4, ud_snapshot_live_docs(merged));
        const ud_segment *seg = ud_snapshot_views(merged, &n)[0].segment;
        UD_CHECK_EQ_INT(UD_SEG_VERSION, ud_segment_header(seg)->version);
        UD_CHECK(ud_segment_vectors_i8(seg) != NULL);
        ud_analyzer *analyzer = NULL;
        UD_CHECK_OK(ud_analyzer_new(&analyzer));
        ud_arena arena;
        ud_arena_init(&arena);
        UD_CHECK_EQ_STR("old-a new-d", ids_of(merged, analyzer, &arena, "\"parental leave\""));
        UD_CHECK_EQ_STR("old-c", ids_of(merged, analyzer, &arena, "\"parental approval\""));
        ud_arena_dispose(&arena);
        ud_analyzer_free(analyzer);
        ud_snapshot_release(merged);
        ud_snapshot_release(snap);
    }
}

void test_index__conjunctive_queries_equal_filtered_disjunctive_ones(void)
{
    rng_state = 77;
    corpus c;
    make_corpus(&c, 2000, 300);
    write_corpus(&c, 3, 100);
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, collection_dir()));
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    size_t nonempty = 0;
    for (int qn = 0; qn < 150; qn++) {
        ud_arena arena;
        ud_arena_init(&arena);
        char or_text[128] = "", and_text[128] = "";
        size_t or_len = 0, and_len = 0;
        size_t terms = 2 + (size_t)(rnd() % 2);
        for (size_t t = 0; t < terms; t++) {
            char w[16];
            word(w, sizeof(w), (unsigned)(rnd() % 60));
            or_len += (size_t)snprintf(or_text + or_len, sizeof(or_text) - or_len, "%s ", w);
            and_len += (size_t)snprintf(and_text + and_len, sizeof(and_text) - and_len, "+%s ", w);
        }
        ud_index_hit *all = NULL, *hits = NULL;
        size_t all_count =
            search(&all, snap, analyzer, &arena, or_text, EVERYONE, 1, c.count, NULL);
        size_t count = search(&hits, snap, analyzer, &arena, and_text, EVERYONE, 1, 10, NULL);
        ud_query and_query;
        UD_CHECK_OK(ud_query_parse(&and_query, analyzer, &arena, and_text));
        size_t expected = 0;
        for (size_t i = 0; i < all_count && expected < 10; i++) {
            if (!ud_query_matches(&views[all[i].view], &and_query, all[i].doc, &arena))
                continue;
            UD_CHECK(expected < count);
            if (expected < count) {
                UD_CHECK_NEAR(all[i].score, hits[expected].score, 1e-9);
            }
            expected++;
        }
        UD_CHECK_EQ_INT(expected, count);
        nonempty += count > 0;
        ud_arena_dispose(&arena);
    }
    UD_CHECK(nonempty > 50); /* the queries do find something */
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
    free_corpus(&c);
}

/* Long postings lists, so that a conjunction gallops over hundreds of
 * blocks, skips blocks by their maxima and candidates by their postings'
 * bound: its top 10 must still be the best ten of the documents holding
 * every term, in the exact order and with the exact scores. */
void test_index__conjunctions_over_long_postings_lists_skip_nothing_they_should_keep(void)
{
    enum { DOCS = 30000 };
    rng_state = 4242;
    ud_collection_writer *w = NULL;
    ud_collection_writer_opts opts = {.max_segments = 100};
    UD_CHECK_OK(ud_collection_writer_open(&w, collection_dir(), &opts));
    for (unsigned i = 0; i < DOCS; i++) {
        /* alpha everywhere, beta in a third, gamma in one of 50, delta in
         * one of 7; term frequencies and lengths vary so that scores and
         * block maxima differ. */
        char text[1024];
        size_t len = 0;
        for (unsigned r = 0; r <= i % 3; r++)
            len += (size_t)snprintf(text + len, sizeof(text) - len, "alpha ");
        if (i % 3 == 0)
            for (unsigned r = 0; r <= (i / 3) % 4; r++)
                len += (size_t)snprintf(text + len, sizeof(text) - len, "beta ");
        if (i % 50 == 0)
            len += (size_t)snprintf(text + len, sizeof(text) - len, "gamma ");
        if (i % 7 == 0)
            for (unsigned r = 0; r <= (i / 7) % 3; r++)
                len += (size_t)snprintf(text + len, sizeof(text) - len, "delta ");
        char *filler = random_text(1 + (unsigned)(rnd() % 60), 200);
        snprintf(text + len, sizeof(text) - len, "%s", filler);
        free(filler);
        char id[32];
        snprintf(id, sizeof(id), "doc-%u", i);
        ud_index_doc doc = {.doc_id = id,
                            .title = i % 11 == 0 ? "gamma report" : "",
                            .text = text,
                            .source_type = "file",
                            .acl = EVERYONE,
                            .acl_count = 1};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);

    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, collection_dir()));
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    static const char *queries[][2] = {
        {"alpha beta", "+alpha +beta"},   {"alpha gamma", "+alpha +gamma"},
        {"beta delta", "+beta +delta"},   {"alpha beta gamma delta", "+alpha +beta +gamma +delta"},
        {"gamma delta", "+gamma +delta"}, {"alpha delta", "+delta +alpha"},
    };
    for (size_t qn = 0; qn < sizeof(queries) / sizeof(queries[0]); qn++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_index_hit *all = NULL, *hits = NULL;
        size_t all_count =
            search(&all, snap, analyzer, &arena, queries[qn][0], EVERYONE, 1, DOCS, NULL);
        ud_topk_stats stats = {0};
        size_t count =
            search(&hits, snap, analyzer, &arena, queries[qn][1], EVERYONE, 1, 10, &stats);
        ud_query and_query;
        UD_CHECK_OK(ud_query_parse(&and_query, analyzer, &arena, queries[qn][1]));
        size_t expected = 0, matching = 0;
        for (size_t i = 0; i < all_count; i++) {
            if (!ud_query_matches(&views[all[i].view], &and_query, all[i].doc, &arena))
                continue;
            matching++;
            if (expected < 10 && expected < count) {
                UD_CHECK_EQ_INT(all[i].doc, hits[expected].doc);
                UD_CHECK_NEAR(all[i].score, hits[expected].score, 1e-9);
            }
            expected += expected < 10;
        }
        UD_CHECK(matching >= 10); /* every query has more matches than it returns */
        UD_CHECK_EQ_INT(expected, count);
        /* The skipping did skip: far fewer full scores than matches. */
        UD_CHECK(stats.scored < matching);
        ud_arena_dispose(&arena);
    }
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
}
