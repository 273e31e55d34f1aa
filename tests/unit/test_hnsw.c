/*
 * Tests of the HNSW graph: recall against exact search, with and without a
 * filter, inside a segment and through vector search, and damaged graphs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/collection.h"
#include "index/hnsw.h"
#include "index/query.h"
#include "index/vector_search.h"
#include "test.h"

#define DIMS 16

static uint64_t state;
static double uniform(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* Unit vectors around 20 centres, like topics of a corpus. */
static float *clustered(uint32_t n)
{
    float centres[20][DIMS];
    for (int c = 0; c < 20; c++)
        for (int d = 0; d < DIMS; d++)
            centres[c][d] = (float)(uniform() * 2 - 1);
    float *v = malloc((size_t)n * DIMS * sizeof(float));
    for (uint32_t i = 0; i < n; i++) {
        int c = (int)(uniform() * 20);
        double norm = 0;
        for (int d = 0; d < DIMS; d++) {
            float x = centres[c][d] + (float)(uniform() - 0.5) * 0.8f;
            v[i * DIMS + d] = x;
            norm += (double)x * x;
        }
        for (int d = 0; d < DIMS; d++)
            v[i * DIMS + d] = (float)(v[i * DIMS + d] / sqrt(norm));
    }
    return v;
}

static float dot(const float *a, const float *b)
{
    float s = 0;
    for (int d = 0; d < DIMS; d++)
        s += a[d] * b[d];
    return s;
}

/* The exact top k allowed nodes' similarities, best first. */
static void exact(float *out, size_t k, const float *v, uint32_t n, const float *q,
                  const uint8_t *allowed)
{
    for (size_t i = 0; i < k; i++)
        out[i] = -2;
    for (uint32_t i = 0; i < n; i++) {
        if (allowed && !((allowed[i >> 3] >> (i & 7)) & 1))
            continue;
        float s = dot(&v[i * DIMS], q);
        if (s <= out[k - 1])
            continue;
        size_t j = k - 1;
        while (j > 0 && out[j - 1] < s) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = s;
    }
}

void test_hnsw__recall_against_exact_search(void)
{
    state = 5;
    uint32_t n = 4000;
    float *v = clustered(n);
    uint8_t *has = malloc(n);
    memset(has, 1, n);
    has[17] = 0; /* a chunk without a vector is never in the graph */
    ud_hnsw_params params;
    ud_hnsw_params_default(&params);
    ud_buf graph;
    ud_buf_init(&graph, (size_t)1 << 30);
    UD_CHECK_OK(ud_hnsw_build(&graph, v, has, n, DIMS, &params));
    /* ud_buf memory is malloc'd: aligned for the graph's u64 offsets. */
    ud_hnsw g;
    UD_CHECK_OK(ud_hnsw_open(&g, graph.ptr, graph.len, n));
    uint8_t *visited = calloc(n / 8 + 1, 1);
    uint8_t *half = calloc(n / 8 + 1, 1);
    for (uint32_t i = 0; i < n; i += 2)
        half[i >> 3] |= (uint8_t)(1u << (i & 7));
    size_t found_all = 0, found_half = 0, total = 0;
    float *queries = clustered(200);
    for (int qn = 0; qn < 200; qn++) {
        const float *q = &queries[qn * DIMS];
        float truth[10], truth_half[10];
        exact(truth, 10, v, n, q, NULL);
        exact(truth_half, 10, v, n, q, half);
        ud_hnsw_hit hits[10];
        size_t got = ud_hnsw_search(hits, 10, &g, q, DIMS, v, NULL, params.ef, visited);
        UD_CHECK_EQ_INT(10, got);
        for (size_t i = 0; i < got; i++) {
            UD_CHECK(hits[i].node != 17);
            for (size_t j = 0; j < 10; j++)
                if (fabsf(hits[i].similarity - truth[j]) < 1e-6f) {
                    found_all++;
                    break;
                }
        }
        got = ud_hnsw_search(hits, 10, &g, q, DIMS, v, half, params.ef, visited);
        UD_CHECK_EQ_INT(10, got);
        for (size_t i = 0; i < got; i++) {
            UD_CHECK(hits[i].node % 2 == 0); /* the filter holds during the walk */
            for (size_t j = 0; j < 10; j++)
                if (fabsf(hits[i].similarity - truth_half[j]) < 1e-6f) {
                    found_half++;
                    break;
                }
        }
        total += 10;
    }
    double recall = (double)found_all / (double)total;
    double recall_half = (double)found_half / (double)total;
    UD_CHECK(recall >= 0.95);
    UD_CHECK(recall_half >= 0.95);
    /* A damaged graph is refused, not followed. */
    uint32_t *words = (uint32_t *)graph.ptr;
    words[graph.len / 4 - 1] = n + 5; /* a neighbour id past the end */
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_hnsw_open(&g, graph.ptr, graph.len, n));
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_hnsw_open(&g, graph.ptr, 10, n));
    free(queries);
    free(half);
    free(visited);
    ud_buf_dispose(&graph);
    free(has);
    free(v);
}

void test_hnsw__segments_carry_a_graph_and_vector_search_uses_it(void)
{
    state = 11;
    uint32_t n = 3000;
    float *v = clustered(n);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/collection", ud_test_tmpdir());
    ud_collection_writer_opts opts = {.embedding = "test/clustered/16", .vector_dims = DIMS};
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
    static const char *everyone[] = {"org:*"};
    static const char *other[] = {"someone@else.test"};
    for (uint32_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof(id), "d%u", i);
        ud_index_doc doc = {.doc_id = id,
                            .text = "words",
                            .source_type = "file",
                            .acl = i % 3 ? everyone : other,
                            .acl_count = 1,
                            .vector = &v[i * DIMS]};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);
    ud_snapshot *snap = NULL;
    UD_CHECK_OK(ud_snapshot_open(&snap, dir));
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    UD_CHECK_EQ_INT(1, view_count);
    UD_CHECK(ud_segment_graph(views[0].segment) != NULL);
    UD_CHECK_OK(ud_segment_verify(views[0].segment));
    ud_query q = {0};
    q.principals = everyone;
    q.principal_count = 1;
    uint8_t *allowed = calloc(n / 8 + 1, 1);
    for (uint32_t i = 0; i < n; i++)
        if (i % 3)
            allowed[i >> 3] |= (uint8_t)(1u << (i & 7));
    size_t found = 0, total = 0;
    float *queries = clustered(50);
    for (int qn = 0; qn < 50; qn++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_index_hit *hits = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_vector_topk(&hits, &count, views, view_count, &q, &queries[qn * DIMS], DIMS,
                                   10, &arena));
        UD_CHECK_EQ_INT(10, count);
        float truth[10];
        exact(truth, 10, v, n, &queries[qn * DIMS], allowed);
        for (size_t i = 0; i < count; i++) {
            UD_CHECK(hits[i].doc % 3 != 0); /* never another principal's chunk */
            for (size_t j = 0; j < 10; j++)
                if (fabsf((float)hits[i].score - truth[j]) < 1e-6f) {
                    found++;
                    break;
                }
        }
        total += count;
        ud_arena_dispose(&arena);
    }
    UD_CHECK((double)found / (double)total >= 0.95);
    free(queries);
    free(allowed);
    ud_snapshot_release(snap);
    free(v);
}
