/*
 * Scores and counts come from what the caller may read (issue 11, part 2;
 * docs/security.md): the BM25 statistics, the fusions' normalisations and
 * the ranking of a caller's results are the same whatever documents they
 * may not read exist, and the statistics of a caller who reads everything
 * are the collection's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/bm25_topk.h"
#include "index/collection.h"
#include "index/hybrid.h"
#include "index/query.h"
#include "index/search.h"
#include "index/vector_search.h"
#include "index/visible.h"
#include "test.h"

static const char *EVERYONE[] = {"org:*"};
static const char *LUCA[] = {"luca.bianchi@northwind-robotics.example"};
static const char *LUCA_AND_EVERYONE[] = {"org:*", "luca.bianchi@northwind-robotics.example"};

/* The public documents of the probe: one holds the rare word. */
static const struct {
    const char *id, *title, *text;
    float vector[3];
} PUBLIC[] = {
    {"p0", "Harvest plan", "the kumquat harvest starts in march", {0.6f, 0.8f, 0}},
    {"p1", "Harvest notes", "the orange harvest was late this year", {0.8f, 0.6f, 0}},
    {"p2", "Budget", "the budget for the harvest and the trucks", {1, 0, 0}},
    {"p3", "Trucks", "two trucks need new tyres before march", {0, 1, 0}},
    {"p4", "Weather", "rain in march and a dry april", {0, 0.6f, 0.8f}},
    {"p5", "Oranges", "orange prices rose in april", {0.6f, 0, 0.8f}},
};
#define PUBLIC_COUNT (sizeof(PUBLIC) / sizeof(PUBLIC[0]))
#define PRIVATE_COUNT 40

static void open_writer(ud_collection_writer **w, const char *dir)
{
    ud_collection_writer_opts opts = {.embedding = "static/test/3", .vector_dims = 3};
    UD_CHECK_OK(ud_collection_writer_open(w, dir, &opts));
}

static void write_public(const char *dir)
{
    ud_collection_writer *w = NULL;
    open_writer(&w, dir);
    for (size_t i = 0; i < PUBLIC_COUNT; i++) {
        ud_index_doc doc = {.doc_id = PUBLIC[i].id,
                            .title = PUBLIC[i].title,
                            .text = PUBLIC[i].text,
                            .source_type = "slack",
                            .acl = EVERYONE,
                            .acl_count = 1,
                            .vector = PUBLIC[i].vector};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);
}

/* 40 private messages with the rare word, their vectors nearest of all to
 * the probe's, as a mailbox sync would add them. */
static void write_private(const char *dir)
{
    ud_collection_writer *w = NULL;
    open_writer(&w, dir);
    for (int i = 0; i < PRIVATE_COUNT; i++) {
        char id[32], text[128];
        snprintf(id, sizeof(id), "luca-%d", i);
        snprintf(text, sizeof(text), "kumquat kumquat offer number %d for the harvest", i);
        float vector[3] = {0.6f, 0.8f, 0};
        ud_index_doc doc = {.doc_id = id,
                            .title = "Kumquat",
                            .text = text,
                            .source_type = "gmail",
                            .acl = LUCA,
                            .acl_count = 1,
                            .vector = vector};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 2));
    ud_collection_writer_close(w);
}

/* What a caller sees of a search, down to every factor --explain shows. */
typedef struct seen {
    size_t count;
    char ids[16][32];
    ud_ranked factors[16];
} seen;

static void search_as(seen *out, ud_searcher *searcher, const char *query, ud_search_mode mode,
                      const char *const *principals, size_t principal_count)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_search_opts opts = {
        .top_k = 10, .principals = principals, .principal_count = principal_count, .mode = mode};
    ud_search_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_searcher_search(&hits, &count, searcher, &arena, "acme", query, &opts));
    UD_CHECK(count <= 16);
    out->count = count;
    for (size_t i = 0; i < count; i++) {
        snprintf(out->ids[i], sizeof(out->ids[i]), "%s", hits[i].doc_id);
        out->factors[i] = hits[i].factors;
    }
    ud_arena_dispose(&arena);
}

/* Exactly the same results: ids in order, every factor bit for bit. */
static void check_same(const seen *a, const seen *b)
{
    UD_CHECK_EQ_INT(a->count, b->count);
    for (size_t i = 0; i < a->count; i++) {
        UD_CHECK_EQ_STR(a->ids[i], b->ids[i]);
        const ud_ranked *x = &a->factors[i], *y = &b->factors[i];
        UD_CHECK(x->bm25 == y->bm25);
        UD_CHECK_EQ_INT(x->bm25_rank, y->bm25_rank);
        UD_CHECK(x->similarity == y->similarity);
        UD_CHECK_EQ_INT(x->vector_rank, y->vector_rank);
        UD_CHECK(x->fused == y->fused);
        UD_CHECK(x->recency == y->recency);
        UD_CHECK(x->phrase == y->phrase);
        UD_CHECK(x->source == y->source);
        UD_CHECK(x->score == y->score);
    }
}

/* The probe: a public document with a rare word, scored for a
 * caller with the org-wide principal alone, before and after 40 private
 * messages with that word are synced. */
void test_security_scores__probe_score_ignores_private_documents(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collections/acme", ud_test_tmpdir());
    write_public(dir);
    ud_searcher *searcher = NULL;
    UD_CHECK_OK(ud_searcher_new(&searcher, ud_test_tmpdir(), NULL, NULL));
    static const char *const queries[] = {"kumquat", "kumquat harvest", "harvest march",
                                          "\"kumquat harvest\"", "+kumquat +harvest"};
    seen before[5], after[5];
    for (size_t i = 0; i < 5; i++)
        search_as(&before[i], searcher, queries[i], UD_MODE_BM25, EVERYONE, 1);
    UD_CHECK(before[0].count == 1);
    UD_CHECK_EQ_STR("p0", before[0].ids[0]);
    UD_CHECK(before[0].factors[0].bm25 > 0);
    seen luca_before;
    search_as(&luca_before, searcher, "kumquat", UD_MODE_BM25, LUCA_AND_EVERYONE, 2);

    write_private(dir);
    for (size_t i = 0; i < 5; i++) {
        search_as(&after[i], searcher, queries[i], UD_MODE_BM25, EVERYONE, 1);
        check_same(&before[i], &after[i]);
    }
    /* Luca reads the messages: they rank, and they count in his
     * statistics, so the public document's score falls for him alone. */
    seen luca;
    search_as(&luca, searcher, "kumquat", UD_MODE_BM25, LUCA_AND_EVERYONE, 2);
    UD_CHECK_EQ_INT(10, luca.count);
    double p0 = -1;
    for (size_t i = 0; i < luca.count; i++)
        if (strcmp(luca.ids[i], "p0") == 0)
            p0 = luca.factors[i].bm25;
    UD_CHECK(p0 < 0 || p0 < luca_before.factors[0].bm25);
    UD_CHECK(luca.factors[0].bm25 < before[0].factors[0].bm25);
    ud_searcher_free(searcher);
}

/* The fused rankings' normalisations (min-max of the BM25 and vector
 * lists, reciprocal ranks) and the vector scores, before and after hidden
 * chunks that are nearer to the query than any the caller may read. */
void test_security_scores__fusions_ignore_hidden_documents(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    write_public(dir);
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    const float probe[3] = {0.6f, 0.8f, 0};
    static const ud_search_mode modes[] = {UD_MODE_HYBRID, UD_MODE_HYBRID, UD_MODE_HYBRID,
                                           UD_MODE_VECTOR, UD_MODE_BM25};
    static const ud_fusion fusions[] = {UD_FUSION_WEIGHTED, UD_FUSION_RRF, UD_FUSION_WEIGHTED_UNION,
                                        UD_FUSION_WEIGHTED, UD_FUSION_WEIGHTED};
    seen runs[2][5];
    for (int round = 0; round < 2; round++) {
        if (round == 1)
            write_private(dir);
        ud_snapshot *snap = NULL;
        UD_CHECK_OK(ud_snapshot_open(&snap, dir));
        size_t view_count = 0;
        const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
        UD_CHECK_EQ_INT(round + 1, view_count);
        for (int m = 0; m < 5; m++) {
            ud_arena arena;
            ud_arena_init(&arena);
            ud_query q;
            UD_CHECK_OK(ud_query_from_words(&q, analyzer, &arena, "kumquat harvest"));
            q.principals = EVERYONE;
            q.principal_count = 1;
            ud_rank_opts ro;
            ud_rank_opts_default(&ro);
            ro.mode = modes[m];
            ro.fusion = fusions[m];
            ud_ranked *ranked = NULL;
            size_t count = 0;
            UD_CHECK_OK(ud_rank(&ranked, &count, views, view_count, &q, "kumquat harvest", probe, 3,
                                &ro, 10, analyzer, &arena));
            seen *s = &runs[round][m];
            s->count = count;
            for (size_t i = 0; i < count; i++) {
                ud_stored_doc stored;
                UD_CHECK_OK(ud_segment_stored(&stored, views[ranked[i].view].segment, &arena,
                                              ranked[i].doc));
                UD_CHECK(strncmp(stored.doc_id, "luca-", 5) != 0);
                snprintf(s->ids[i], sizeof(s->ids[i]), "%s", stored.doc_id);
                s->factors[i] = ranked[i];
            }
            UD_CHECK(count > 0);
            ud_arena_dispose(&arena);
        }
        ud_snapshot_release(snap);
    }
    for (int m = 0; m < 5; m++)
        check_same(&runs[0][m], &runs[1][m]);
    ud_analyzer_free(analyzer);
}

/* ---- a collection with and without hidden chunks ---------------------------- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

#define VOCABULARY 60
#define CHUNKS 3000

static void vocabulary_word(char *out, size_t size, unsigned i)
{
    static const char *syllables[] = {"ba", "de", "fi", "go", "ku", "la", "mo", "ni"};
    snprintf(out, size, "%s%s%s", syllables[i % 8], syllables[(i / 8) % 8], "x");
}

/* Chunk i's text, from a Zipf-like draw so that some words fill many
 * postings blocks and others few. */
static void chunk_text(char *out, size_t size, unsigned seed)
{
    rng_state = 0x9E3779B97F4A7C15ULL ^ (seed * 0x100000001B3ULL);
    size_t at = 0;
    unsigned words = 4 + (unsigned)(rnd() % 30);
    for (unsigned j = 0; j < words && at + 8 < size; j++) {
        unsigned a = (unsigned)(rnd() % VOCABULARY), b = (unsigned)(rnd() % VOCABULARY);
        char w[16];
        vocabulary_word(w, sizeof(w), a < b ? a : b);
        at += (size_t)snprintf(out + at, size - at, "%s%s", j ? " " : "", w);
    }
}

/* Who reads chunk i: runs of public and private chunks longer than a
 * postings block, and stretches where they alternate at random, so the
 * counting meets blocks wholly readable, wholly not, and mixed. */
static bool chunk_is_public(unsigned i)
{
    unsigned stretch = i / 700;
    if (stretch % 3 == 0)
        return true;
    if (stretch % 3 == 1)
        return false;
    return (i * 2654435761u >> 13) % 3 == 0;
}

/* Deleted after the last commit: a few of each kind. */
static bool chunk_is_deleted(unsigned i)
{
    return i % 97 == 5;
}

/* with_hidden: every chunk (the private ones readable by LUCA) in three
 * commits; otherwise only the public ones, in the same order. Deleted
 * chunks are added and then deleted in the first, left out of the second. */
static void write_mixed(const char *dir, bool with_hidden)
{
    ud_collection_writer *w = NULL;
    ud_collection_writer_opts opts = {.max_segments = 16};
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
    for (unsigned i = 0; i < CHUNKS; i++) {
        bool pub = chunk_is_public(i);
        if (!with_hidden && (!pub || chunk_is_deleted(i)))
            continue;
        char id[32], text[400];
        snprintf(id, sizeof(id), "c%u", i);
        chunk_text(text, sizeof(text), i);
        ud_index_doc doc = {.doc_id = id,
                            .title = i % 5 ? "" : "bax dex",
                            .text = text,
                            .source_type = "file",
                            .acl = pub ? EVERYONE : LUCA,
                            .acl_count = 1};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
        if (with_hidden && (i + 1) % 1000 == 0)
            UD_CHECK_OK(ud_collection_writer_commit(w, i));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, CHUNKS));
    if (with_hidden) {
        for (unsigned i = 0; i < CHUNKS; i++) {
            char id[32];
            snprintf(id, sizeof(id), "c%u", i);
            if (chunk_is_deleted(i))
                UD_CHECK_OK(ud_collection_writer_delete(w, id));
        }
        UD_CHECK_OK(ud_collection_writer_commit(w, CHUNKS + 1));
    }
    ud_collection_writer_close(w);
}

/* The public caller's top 20 for a query: ids and scores. */
typedef struct top {
    size_t count;
    char ids[20][16];
    double scores[20];
} top;

static void top_of(top *out, ud_snapshot *snap, ud_analyzer *analyzer, const char *text)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query q;
    UD_CHECK_OK(ud_query_parse(&q, analyzer, &arena, text));
    q.principals = EVERYONE;
    q.principal_count = 1;
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    ud_bm25_params params;
    ud_bm25_params_default(&params);
    params.title_weight = 2;
    ud_index_hit *hits = NULL;
    UD_CHECK_OK(ud_bm25_topk(&hits, &out->count, views, view_count, &q, &params, 20, &arena, NULL));
    for (size_t i = 0; i < out->count; i++) {
        ud_stored_doc stored;
        UD_CHECK_OK(ud_segment_stored(&stored, views[hits[i].view].segment, &arena, hits[i].doc));
        snprintf(out->ids[i], sizeof(out->ids[i]), "%s", stored.doc_id);
        out->scores[i] = hits[i].score;
    }
    ud_arena_dispose(&arena);
}

/* The public caller's results over a collection that also holds (and has
 * deleted) private chunks are exactly those over the public chunks alone:
 * same ids, same scores, for OR, AND and phrase queries. */
void test_security_scores__same_results_as_without_the_hidden_chunks(void)
{
    char mixed[600], alone[600];
    snprintf(mixed, sizeof(mixed), "%s/mixed", ud_test_tmpdir());
    snprintf(alone, sizeof(alone), "%s/alone", ud_test_tmpdir());
    write_mixed(mixed, true);
    write_mixed(alone, false);
    ud_snapshot *a = NULL, *b = NULL;
    UD_CHECK_OK(ud_snapshot_open(&a, mixed));
    UD_CHECK_OK(ud_snapshot_open(&b, alone));
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    for (unsigned n = 0; n < 40; n++) {
        char text[128], w1[16], w2[16], w3[16];
        vocabulary_word(w1, sizeof(w1), n % VOCABULARY);
        vocabulary_word(w2, sizeof(w2), (n * 7 + 3) % VOCABULARY);
        vocabulary_word(w3, sizeof(w3), (n * 13 + 1) % VOCABULARY);
        if (n % 4 == 0)
            snprintf(text, sizeof(text), "%s", w1);
        else if (n % 4 == 1)
            snprintf(text, sizeof(text), "%s %s %s", w1, w2, w3);
        else if (n % 4 == 2)
            snprintf(text, sizeof(text), "+%s +%s", w1, w2);
        else
            snprintf(text, sizeof(text), "%s \"%s %s\"", w3, w1, w2);
        top x, y;
        top_of(&x, a, analyzer, text);
        top_of(&y, b, analyzer, text);
        UD_CHECK_EQ_INT(y.count, x.count);
        for (size_t i = 0; i < x.count; i++) {
            UD_CHECK_EQ_STR(y.ids[i], x.ids[i]);
            UD_CHECK(x.scores[i] == y.scores[i]);
        }
    }
    ud_analyzer_free(analyzer);
    ud_snapshot_release(a);
    ud_snapshot_release(b);
}

/* ---- the statistics themselves ------------------------------------------------------ */

/* The readable postings of a term, one by one. */
static uint64_t brute_df(const ud_visible *v, const ud_segment_view *views, size_t view_count,
                         const char *term)
{
    uint64_t df = 0;
    for (size_t s = 0; s < view_count; s++) {
        const ud_seg_term *t = ud_segment_term(views[s].segment, term, strlen(term));
        const uint8_t *bits = ud_visible_bits(v, s);
        ud_postings p;
        ud_postings_init(&p, views[s].segment, t);
        for (; p.doc != UD_DOC_END; ud_postings_next(&p))
            df += (bits[p.doc >> 3] >> (p.doc & 7)) & 1;
        UD_CHECK(!p.corrupt);
    }
    return df;
}

/* Luca's statistics count his messages; the public caller's do not. */
void test_security_scores__each_caller_counts_what_they_read(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    write_public(dir);
    write_private(dir);
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, dir));
    struct {
        const char *const *principals;
        size_t count;
        uint64_t docs, df;
    } callers[] = {{EVERYONE, 1, PUBLIC_COUNT, 1},
                   {LUCA, 1, PRIVATE_COUNT, PRIVATE_COUNT},
                   {LUCA_AND_EVERYONE, 2, PUBLIC_COUNT + PRIVATE_COUNT, PRIVATE_COUNT + 1},
                   {NULL, 0, 0, 0}};
    for (int c = 0; c < 4; c++) {
        ud_visible *v = NULL;
        UD_CHECK_OK(ud_snapshot_visible(&v, snap, callers[c].principals, callers[c].count));
        UD_CHECK_EQ_INT(callers[c].docs, ud_visible_docs(v));
        uint64_t df = 99;
        UD_CHECK_OK(ud_visible_df(&df, v, "kumquat", 7));
        UD_CHECK_EQ_INT(callers[c].df, df);
        /* Cached: the same answer again, and the same set for the same
         * principals in another order. */
        UD_CHECK_OK(ud_visible_df(&df, v, "kumquat", 7));
        UD_CHECK_EQ_INT(callers[c].df, df);
        ud_visible *again = NULL;
        const char *reversed[] = {LUCA[0], "org:*", "org:*"};
        if (c == 2) {
            UD_CHECK_OK(ud_snapshot_visible(&again, snap, reversed, 3));
            UD_CHECK(again == v);
            size_t view_count = 0;
            const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
            UD_CHECK(ud_visible_matches(v, views, view_count, reversed, 3));
            UD_CHECK(!ud_visible_matches(v, views, view_count, LUCA, 1));
            ud_visible_release(again);
        }
        ud_visible_release(v);
    }
    ud_snapshot_release(snap);
}

/* A caller who reads every chunk gets the collection's own statistics,
 * exactly: N, the lengths and each term's stored df. Counting by blocks
 * agrees with counting posting by posting for a partial set. */
void test_security_scores__full_set_gives_global_statistics(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    ud_collection_writer *w = NULL;
    ud_collection_writer_opts opts = {.max_segments = 16};
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
    for (unsigned i = 0; i < CHUNKS; i++) {
        char id[32], text[400];
        snprintf(id, sizeof(id), "c%u", i);
        chunk_text(text, sizeof(text), i);
        ud_index_doc doc = {.doc_id = id,
                            .title = "bax",
                            .text = text,
                            .source_type = "file",
                            .acl = chunk_is_public(i) ? EVERYONE : LUCA,
                            .acl_count = 1};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
        if ((i + 1) % 1200 == 0)
            UD_CHECK_OK(ud_collection_writer_commit(w, i));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, CHUNKS));
    ud_collection_writer_close(w);
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, dir));
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    UD_CHECK_EQ_INT(3, view_count);
    uint64_t n = 0, len_text = 0, len_title = 0;
    for (size_t s = 0; s < view_count; s++) {
        n += views[s].live_docs;
        len_text += views[s].live_len_text;
        len_title += views[s].live_len_title;
    }
    ud_visible *all = NULL, *some = NULL;
    UD_CHECK_OK(ud_snapshot_visible(&all, snap, LUCA_AND_EVERYONE, 2));
    UD_CHECK_OK(ud_snapshot_visible(&some, snap, EVERYONE, 1));
    UD_CHECK_EQ_INT(n, ud_visible_docs(all));
    uint64_t text = 0, title = 0;
    ud_visible_lengths(all, &text, &title);
    UD_CHECK_EQ_INT(len_text, text);
    UD_CHECK_EQ_INT(len_title, title);
    for (size_t s = 0; s < view_count; s++)
        UD_CHECK(ud_visible_every_chunk(all, s));
    UD_CHECK(ud_visible_docs(some) < n);
    for (unsigned i = 0; i < VOCABULARY; i++) {
        char word[16];
        vocabulary_word(word, sizeof(word), i);
        uint64_t global = 0;
        for (size_t s = 0; s < view_count; s++) {
            const ud_seg_term *t = ud_segment_term(views[s].segment, word, strlen(word));
            global += t ? t->df : 0;
        }
        UD_CHECK(global > 0); /* the word is a term as it is */
        uint64_t df = 0;
        UD_CHECK_OK(ud_visible_df(&df, all, word, strlen(word)));
        UD_CHECK_EQ_INT(global, df);
        UD_CHECK_OK(ud_visible_df(&df, some, word, strlen(word)));
        UD_CHECK_EQ_INT(brute_df(some, views, view_count, word), df);
    }
    ud_visible_release(all);
    ud_visible_release(some);
    ud_snapshot_release(snap);
}

/* Vector search checks dates on the readable chunks only (a byte of the
 * bitmap at a time): every chunk it returns is readable and in range, and
 * none that is both is missing. */
void test_security_scores__vector_dates_on_readable_chunks(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    ud_collection_writer *w = NULL;
    open_writer(&w, dir);
    for (int i = 0; i < 37; i++) {
        char id[32];
        snprintf(id, sizeof(id), "v%d", i);
        float vector[3] = {i % 2 ? 0.6f : 0.8f, i % 2 ? 0.8f : 0.6f, 0};
        ud_index_doc doc = {.doc_id = id,
                            .title = "",
                            .text = "harvest",
                            .source_type = "file",
                            .updated_at = 1000 + i,
                            .acl = i % 3 ? EVERYONE : LUCA,
                            .acl_count = 1,
                            .vector = vector};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, dir));
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query q;
    UD_CHECK_OK(ud_query_from_words(&q, analyzer, &arena, "harvest"));
    q.principals = EVERYONE;
    q.principal_count = 1;
    q.after = 1000 + 10;
    q.before = 1000 + 30;
    const float probe[3] = {0.6f, 0.8f, 0};
    ud_index_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_vector_topk(&hits, &count, views, view_count, &q, probe, 3, 40, &arena));
    size_t expected = 0;
    for (int i = 10; i < 30; i++)
        expected += i % 3 != 0;
    UD_CHECK_EQ_INT(expected, count);
    for (size_t i = 0; i < count; i++) {
        int64_t updated = ud_segment_doc(views[hits[i].view].segment, hits[i].doc)->updated_at;
        UD_CHECK(updated >= q.after && updated < q.before);
        UD_CHECK((updated - 1000) % 3 != 0);
    }
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
}
