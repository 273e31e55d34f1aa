/*
 * Tests of the static embeddings (converter, SIF vectors), vector search
 * with permissions, and hybrid ranking (fusion, recency, phrase boosts,
 * the caller's source preference).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embed/embedder.h"
#include "embed/glove.h"
#include "embed/sif.h"
#include "index/collection.h"
#include "index/hybrid.h"
#include "index/query.h"
#include "index/search.h"
#include "index/vector_search.h"
#include "test.h"

/* A vocabulary in the npm package's layout, with a word that is also a key
 * name ("vectors") and escapes, to keep the streaming parser honest. */
static const char GLOVE_JSON[] =
    "{\"precision\":8,\"l2NormIndex\":3,\"wordIndex\":4,\"size\":6,\"dimensions\":3,"
    "\"words\":[\"the\",\"cat\",\"dog\",\"car\",\"vectors\",\"caf\\u00e9\"],"
    "\"vectors\":{\"the\":[1,0,0,1,0],\"cat\":[0,1,0.1,1,1],\"dog\":[0,0.9,0.25,1,2],"
    "\"car\":[0.1,0,1,1,3],\"vectors\":[0.5,0.5,0,1,4],\"caf\\u00e9\":[0,0.2,0.9,1,5]},"
    "\"unkVector\":[0,0,0,-1]}";

static ud_embedder *fixture_embedder(void)
{
    const char *dir = ud_test_tmpdir();
    const char *json = ud_test_write_file(dir, "vectors.json", GLOVE_JSON, sizeof(GLOVE_JSON) - 1);
    char bin[600];
    snprintf(bin, sizeof(bin), "%s/vectors.bin", dir);
    size_t words = 0;
    UD_CHECK_OK(ud_glove_convert(&words, json, bin));
    UD_CHECK_EQ_INT(6, words);
    ud_embedder *e = NULL;
    UD_CHECK_OK(ud_embedder_open_static(&e, bin));
    UD_CHECK_EQ_INT(3, e->info.dims);
    UD_CHECK_EQ_STR("static", e->info.provider);
    return e;
}

static double dot(const float *a, const float *b)
{
    return (double)a[0] * b[0] + (double)a[1] * b[1] + (double)a[2] * b[2];
}

void test_vectors__glove_conversion_and_sif_vectors(void)
{
    ud_embedder *e = fixture_embedder();
    float cat[3], dog[3], car[3], cafe[3], both[3];
    bool has = false;
    UD_CHECK_OK(ud_embedder_embed(e, "CAT", 3, cat, &has));
    UD_CHECK(has);
    UD_CHECK_NEAR(1.0, sqrt(dot(cat, cat)), 1e-6);
    UD_CHECK_OK(ud_embedder_embed(e, "dog", 3, dog, &has));
    UD_CHECK_OK(ud_embedder_embed(e, "car", 3, car, &has));
    UD_CHECK(dot(cat, dog) > dot(cat, car));
    /* Escaped words are decoded; case folding reaches non-ASCII. */
    UD_CHECK_OK(ud_embedder_embed(e, "CAFÉ", strlen("CAFÉ"), cafe, &has));
    UD_CHECK(has);
    /* Words without a vector are skipped; a text with none has none. */
    UD_CHECK_OK(ud_embedder_embed(e, "zebra quokka", 12, both, &has));
    UD_CHECK(!has);
    UD_CHECK_OK(ud_embedder_embed(e, "zebra cat", 9, both, &has));
    UD_CHECK(has);
    UD_CHECK_NEAR(1.0, dot(both, cat), 1e-6);
    /* SIF: frequent words weigh less. p(rank 0) > p(rank 5). */
    UD_CHECK(ud_sif_weight(0, 6) < ud_sif_weight(5, 6));
    UD_CHECK_NEAR(UD_SIF_A / (UD_SIF_A + ud_sif_probability(2, 6)), ud_sif_weight(2, 6), 1e-15);
    ud_embedder_free(e);

    /* Damaged inputs fail cleanly. */
    const char *dir = ud_test_tmpdir();
    char bin[600];
    snprintf(bin, sizeof(bin), "%s/bad.bin", dir);
    const char *cut = ud_test_write_file(dir, "cut.json", GLOVE_JSON, 150);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_glove_convert(NULL, cut, bin));
    const char *uneven = ud_test_write_file(
        dir, "uneven.json", "{\"dimensions\":3,\"vectors\":{\"a\":[1,2,3,1,0],\"b\":[1,1,0]}}", 56);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_glove_convert(NULL, uneven, bin));
    UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_glove_convert(NULL, "/nonexistent.json", bin));
    const char *junk = ud_test_write_file(dir, "junk.bin", "UDGLOVE1 but not really", 23);
    ud_embedder *none = NULL;
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_embedder_open_static(&none, junk));
}

static const char *EVERYONE[] = {"org:*"};

void test_vectors__vector_search_obeys_permissions_and_hybrid_fuses(void)
{
    ud_embedder *e = fixture_embedder();
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    ud_collection_writer_opts opts = {.embedding = "static/test/3", .vector_dims = 3};
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
    const char *alice[] = {"alice@acme.test"};
    struct {
        const char *id, *text;
        const char *const *acl;
        int64_t updated;
    } docs[] = {{"cats", "the cat sat", EVERYONE, 0},
                {"dogs", "a dog barked at the cat", EVERYONE, 1},
                {"cars", "the car parked", EVERYONE, 2},
                {"secret", "cat cat cat", alice, 3}};
    float vectors[4][3];
    for (int i = 0; i < 4; i++) {
        bool has = false;
        UD_CHECK_OK(ud_embedder_embed(e, docs[i].text, strlen(docs[i].text), vectors[i], &has));
        ud_index_doc doc = {.doc_id = docs[i].id,
                            .title = "",
                            .text = docs[i].text,
                            .source_type = "file",
                            .updated_at = docs[i].updated,
                            .acl = docs[i].acl,
                            .acl_count = 1,
                            .vector = vectors[i]};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);

    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, dir));
    UD_CHECK_EQ_STR("static/test/3", ud_snapshot_embedding(snap));
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query q;
    UD_CHECK_OK(ud_query_from_words(&q, analyzer, &arena, "cat"));
    q.principals = EVERYONE;
    q.principal_count = 1;
    float query[3];
    bool has = false;
    UD_CHECK_OK(ud_embedder_embed(e, "cat", 3, query, &has));
    ud_index_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_vector_topk(&hits, &count, views, view_count, &q, query, 3, 10, &arena));
    /* Three visible chunks, nearest first; Alice's never appears. */
    UD_CHECK_EQ_INT(3, count);
    UD_CHECK_EQ_INT(0, hits[0].doc);
    UD_CHECK(hits[0].score > 0.99); /* "the" weighs little next to "cat" */
    UD_CHECK(hits[0].score >= hits[1].score && hits[1].score >= hits[2].score);
    for (size_t i = 0; i < count; i++)
        UD_CHECK(hits[i].doc != 3);
    const char *as_alice[] = {"alice@acme.test"};
    q.principals = as_alice;
    UD_CHECK_OK(ud_vector_topk(&hits, &count, views, view_count, &q, query, 3, 10, &arena));
    UD_CHECK_EQ_INT(1, count);
    UD_CHECK_EQ_INT(3, hits[0].doc);
    q.principals = EVERYONE;

    /* Reciprocal rank fusion: "cats" is first in both lists. */
    ud_rank_opts ro;
    ud_rank_opts_default(&ro);
    ro.fusion = UD_FUSION_RRF;
    ro.rerank = false;
    ud_ranked *ranked = NULL;
    UD_CHECK_OK(ud_rank(&ranked, &count, views, view_count, &q, "cat", query, 3, &ro, 10, analyzer,
                        &arena));
    UD_CHECK_EQ_INT(3, count);
    UD_CHECK_EQ_INT(0, ranked[0].doc);
    UD_CHECK_EQ_INT(1, ranked[0].bm25_rank);
    UD_CHECK_EQ_INT(1, ranked[0].vector_rank);
    UD_CHECK_NEAR(2.0 / 61.0, ranked[0].fused, 1e-12);
    /* "cars" matches no word: it is there by its vector only. */
    for (size_t i = 0; i < count; i++)
        if (ranked[i].doc == 2) {
            UD_CHECK_EQ_INT(0, ranked[i].bm25_rank);
            UD_CHECK_NEAR(1.0 / (60.0 + ranked[i].vector_rank), ranked[i].fused, 1e-12);
        }
    /* Weighted: min-max normalised scores, 0.2 on the vector side. */
    ro.fusion = UD_FUSION_WEIGHTED;
    UD_CHECK_OK(ud_rank(&ranked, &count, views, view_count, &q, "cat", query, 3, &ro, 10, analyzer,
                        &arena));
    UD_CHECK_NEAR(1.0, ranked[0].fused, 1e-9); /* top of both lists */
    /* Rerank: recency 1 + 0.1 exp(-days/30); phrase x1.2. */
    ro.rerank = true;
    ro.now = 30 * 86400 + 1;
    UD_CHECK_OK(ud_rank(&ranked, &count, views, view_count, &q, "dog barked", query, 3, &ro, 10,
                        analyzer, &arena));
    for (size_t i = 0; i < count; i++) {
        if (ranked[i].doc == 1) {
            UD_CHECK_NEAR(1.2, ranked[i].phrase, 1e-12);
            UD_CHECK_NEAR(1 + 0.1 * exp(-(30.0 * 86400) / 86400.0 / 30.0), ranked[i].recency, 1e-9);
        } else {
            UD_CHECK_NEAR(1.0, ranked[i].phrase, 1e-12);
        }
        UD_CHECK_NEAR(ranked[i].fused * ranked[i].recency * ranked[i].phrase, ranked[i].score,
                      1e-12);
    }
    /* The same words in another order are no phrase. */
    UD_CHECK_OK(ud_rank(&ranked, &count, views, view_count, &q, "barked dog", query, 3, &ro, 10,
                        analyzer, &arena));
    UD_CHECK(count > 0);
    for (size_t i = 0; i < count; i++)
        UD_CHECK_NEAR(1.0, ranked[i].phrase, 1e-12);
    /* BM25 mode ignores the vector; vector mode ignores the words. */
    ro.mode = UD_MODE_VECTOR;
    ro.rerank = false;
    UD_CHECK_OK(ud_rank(&ranked, &count, views, view_count, &q, "cat", query, 3, &ro, 10, analyzer,
                        &arena));
    UD_CHECK_EQ_INT(3, count);
    UD_CHECK_EQ_INT(0, ranked[0].bm25_rank);

    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);

    /* Opening the collection with vectors of another kind asks for a rebuild. */
    ud_collection_writer_opts other = {.embedding = "static/other/3", .vector_dims = 3};
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &other));
    UD_CHECK_EQ_INT(-1, ud_collection_writer_store_generation(w));
    ud_collection_writer_close(w);
    ud_embedder_free(e);
}

void test_vectors__init_converts_and_search_uses_them(void)
{
    const char *dir = ud_test_tmpdir();
    const char *json = ud_test_write_file(dir, "vectors.json", GLOVE_JSON, sizeof(GLOVE_JSON) - 1);
    ud_test_write_file(dir, "ws/pets.txt", "Our cat and our dog\n", 20);
    ud_test_write_file(dir, "ws/garage.txt", "The car is parked in the garage\n", 32);
    char *out = NULL;
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= UNIFY_WORD_VECTORS_JSON='%s' %s init "
                                   "--data '%s/data'",
                                   json, ud_test_unify_bin(), dir));
    UD_CHECK_CONTAINS(out, "Converted 6 word vectors");
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s ingest --data '%s/data' '%s/ws'",
                                   ud_test_unify_bin(), dir, dir));
    free(out);
    /* "dog" is not in the garage text, but the pets text is nearest to it
     * and the car text is found by meaning alone in vector mode. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= %s search --data '%s/data' --mode vector "
                                   "--explain --json dog",
                                   ud_test_unify_bin(), dir));
    json_t *root = json_loads(out, 0, NULL);
    json_t *results = json_object_get(root, "results");
    UD_CHECK_EQ_INT(2, json_array_size(results));
    json_t *first = json_array_get(results, 0);
    UD_CHECK_EQ_STR("Our cat and our dog", json_string_value(json_object_get(first, "title")));
    json_t *explain = json_object_get(first, "explain");
    UD_CHECK_EQ_INT(1, json_integer_value(json_object_get(explain, "vector_rank")));
    UD_CHECK(json_is_null(json_object_get(explain, "bm25_rank")));
    json_decref(root);
    free(out);
    /* -not holds in vector mode too. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= %s search --data '%s/data' --mode vector "
                                   "'dog -garage'",
                                   ud_test_unify_bin(), dir));
    UD_CHECK(strstr(out, "garage") == NULL);
    UD_CHECK_CONTAINS(out, "Our cat and our dog");
    free(out);
}

/* The doc ids of a search, in order, joined by spaces. */
static const char *order_of(ud_searcher *searcher, ud_arena *arena, const ud_search_opts *opts,
                            ud_search_hit **out_hits)
{
    ud_search_hit *hits = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_searcher_search(&hits, &count, searcher, arena, "acme", "budget", opts));
    char *order = ud_arena_alloc(arena, 64);
    size_t at = 0;
    for (size_t i = 0; i < count; i++)
        at += (size_t)snprintf(order + at, 64 - at, "%s%s", i ? " " : "", hits[i].doc_id);
    order[at] = '\0';
    *out_hits = hits;
    return order;
}

void test_vectors__source_preference_reorders_results(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collections/acme", ud_test_tmpdir());
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, NULL));
    /* BM25 ranks slack first (the word twice), then gmail, then file. */
    struct {
        const char *id, *text, *source;
    } docs[] = {{"s", "budget budget review", "slack"},
                {"g", "budget review meeting", "gmail"},
                {"f", "budget review meeting notes", "file"}};
    for (int i = 0; i < 3; i++) {
        ud_index_doc doc = {.doc_id = docs[i].id,
                            .title = "",
                            .text = docs[i].text,
                            .source_type = docs[i].source,
                            .acl = EVERYONE,
                            .acl_count = 1};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);
    ud_searcher *searcher = NULL;
    UD_CHECK_OK(ud_searcher_new(&searcher, ud_test_tmpdir(), NULL, NULL));
    ud_arena arena;
    ud_arena_init(&arena);
    ud_search_hit *hits = NULL;
    ud_search_opts opts = {.mode = UD_MODE_BM25};
    UD_CHECK_EQ_STR("s g f", order_of(searcher, &arena, &opts, &hits));
    UD_CHECK_NEAR(1.0, hits[0].factors.source, 0);

    /* A user who prefers email and cares little for chat. */
    const ud_source_weight prefs[] = {{"gmail", 1.5}, {"slack", 0.7}, {"gmail", 0.5}};
    opts.source_weights = prefs;
    opts.source_weight_count = 3;
    UD_CHECK_EQ_STR("g f s", order_of(searcher, &arena, &opts, &hits));
    for (int i = 0; i < 3; i++) {
        const ud_ranked *f = &hits[i].factors;
        double want = strcmp(hits[i].doc_id, "g") == 0   ? 1.5 /* the first entry counts */
                      : strcmp(hits[i].doc_id, "s") == 0 ? 0.7
                                                         : 1.0;
        UD_CHECK_NEAR(want, f->source, 1e-12);
        UD_CHECK_NEAR(f->fused * f->recency * f->phrase * f->source, hits[i].score, 1e-12);
    }
    /* --explain shows the factor. */
    json_t *explain = ud_rank_explain_json(&hits[0].factors);
    UD_CHECK_NEAR(1.5, json_real_value(json_object_get(explain, "source")), 1e-12);
    json_decref(explain);

    /* Multipliers are capped: 0.5..2; not a number is neutral. */
    const ud_source_weight extreme[] = {{"file", 100}, {"slack", 0}, {"gmail", NAN}};
    opts.source_weights = extreme;
    UD_CHECK_EQ_STR("f g s", order_of(searcher, &arena, &opts, &hits));
    UD_CHECK_NEAR(UD_SOURCE_WEIGHT_MAX, hits[0].factors.source, 0);
    UD_CHECK_NEAR(1.0, hits[1].factors.source, 0);
    UD_CHECK_NEAR(UD_SOURCE_WEIGHT_MIN, hits[2].factors.source, 0);
    UD_CHECK_NEAR(1.0, ud_source_factor(extreme, 3, "jira", 4), 0);
    ud_arena_dispose(&arena);
    ud_searcher_free(searcher);
}
