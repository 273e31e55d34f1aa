/*
 * Tests of the HNSW graph: recall against exact search, with and without a
 * filter, inside a segment and through vector search, and damaged graphs;
 * int8 storage: recall against float32, exact rescored scores, segments
 * that persist it (walked and scanned), and headers that do not add up.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index/collection.h"
#include "index/hnsw.h"
#include "index/quant.h"
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
    ud_hnsw_vectors f32 = {.f32 = v, .dims = DIMS};
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
        size_t got = ud_hnsw_search(hits, 10, &g, q, &f32, NULL, params.ef, 0, visited);
        UD_CHECK_EQ_INT(10, got);
        for (size_t i = 0; i < got; i++) {
            UD_CHECK(hits[i].node != 17);
            for (size_t j = 0; j < 10; j++)
                if (fabsf(hits[i].similarity - truth[j]) < 1e-6f) {
                    found_all++;
                    break;
                }
        }
        got = ud_hnsw_search(hits, 10, &g, q, &f32, half, params.ef, 0, visited);
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

/* The walk follows stored ids without checking a node's level, so opening
 * must refuse a graph whose lists name a node that has no list at that
 * level, or whose entry is not on the top level. */
void test_hnsw__open_refuses_neighbours_without_a_list_at_their_level(void)
{
    state = 7;
    uint32_t n = 3000;
    float *v = clustered(n);
    uint8_t *has = malloc(n);
    memset(has, 1, n);
    has[17] = 0;
    ud_hnsw_params params;
    ud_hnsw_params_default(&params);
    ud_buf graph;
    ud_buf_init(&graph, (size_t)1 << 30);
    UD_CHECK_OK(ud_hnsw_build(&graph, v, has, n, DIMS, &params));
    ud_hnsw g;
    UD_CHECK_OK(ud_hnsw_open(&g, graph.ptr, graph.len, n));
    uint32_t *header = (uint32_t *)graph.ptr;
    uint32_t *links = (uint32_t *)g.links;
    uint64_t at = g.offsets[0]; /* node 0's level-0 list: count, ids */
    UD_CHECK(links[at] > 0);
    uint32_t kept = links[at + 1];

    links[at + 1] = 17; /* a node without a vector */
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_hnsw_open(&g, graph.ptr, graph.len, n));
    links[at + 1] = kept;

    /* A node of level 0 named in a level-1 list. */
    uint32_t upper = UINT32_MAX, flat = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        if (g.levels[i] >= 1 && upper == UINT32_MAX)
            upper = i;
        if (g.levels[i] == 0 && flat == UINT32_MAX)
            flat = i;
    }
    UD_CHECK(upper != UINT32_MAX && flat != UINT32_MAX);
    uint64_t at1 = g.offsets[upper] + 1 + links[g.offsets[upper]];
    UD_CHECK(links[at1] > 0);
    kept = links[at1 + 1];
    links[at1 + 1] = flat;
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_hnsw_open(&g, graph.ptr, graph.len, n));
    links[at1 + 1] = kept;

    header[1] += 1; /* the entry's level is no longer the top one */
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_hnsw_open(&g, graph.ptr, graph.len, n));
    header[1] -= 1;
    UD_CHECK_OK(ud_hnsw_open(&g, graph.ptr, graph.len, n));
    ud_buf_dispose(&graph);
    free(has);
    free(v);
}

void test_hnsw__segments_carry_a_graph_and_vector_search_uses_it(void)
{
    state = 11;
    /* Large enough that the two thirds everyone may read are walked, not
     * scanned (vector_search.h). */
    uint32_t n = 12000;
    UD_CHECK(n / 3 * 2 >= ud_vector_scan_below(n));
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
    /* The walk at ef 64 finds about nine in ten of the exact top 10 of
     * these dense clusters (0.91); a broken walk or filter, far fewer. */
    UD_CHECK((double)found / (double)total >= 0.85);
    free(queries);
    free(allowed);
    ud_snapshot_release(snap);
    free(v);
}

/* Uniform random unit vectors of any length (no clusters: the hard case
 * for a graph, and for int8, whose errors are not hidden by big gaps). */
static float *random_unit(uint32_t n, uint32_t dims)
{
    float *v = malloc((size_t)n * dims * sizeof(float));
    for (uint32_t i = 0; i < n; i++) {
        double norm = 0;
        for (uint32_t d = 0; d < dims; d++) {
            float x = (float)(uniform() * 2 - 1);
            v[(size_t)i * dims + d] = x;
            norm += (double)x * x;
        }
        for (uint32_t d = 0; d < dims; d++)
            v[(size_t)i * dims + d] = (float)(v[(size_t)i * dims + d] / sqrt(norm));
    }
    return v;
}

static float dot_n(const float *a, const float *b, uint32_t dims)
{
    double s = 0;
    for (uint32_t d = 0; d < dims; d++)
        s += (double)a[d] * b[d];
    return (float)s;
}

/* How many of the hits are among the exact top 10 (allowed only). */
static size_t found_in_truth(const ud_hnsw_hit *hits, size_t count, const float *v, uint32_t n,
                             uint32_t dims, const float *q, const uint8_t *allowed)
{
    float truth[10];
    for (int i = 0; i < 10; i++)
        truth[i] = -2;
    for (uint32_t i = 0; i < n; i++) {
        if (allowed && !((allowed[i >> 3] >> (i & 7)) & 1))
            continue;
        float s = dot_n(&v[(size_t)i * dims], q, dims);
        int j = 9;
        if (s <= truth[j])
            continue;
        while (j > 0 && truth[j - 1] < s) {
            truth[j] = truth[j - 1];
            j--;
        }
        truth[j] = s;
    }
    size_t found = 0;
    for (size_t i = 0; i < count; i++)
        found += hits[i].similarity >= truth[9] - 1e-6f;
    return found;
}

void test_hnsw__int8_walk_matches_float32_recall_and_rescores_exactly(void)
{
    state = 23;
    const uint32_t n = 4000, dims = 40; /* 40: the records' padding is used */
    float *v = random_unit(n, dims);
    uint8_t *has = malloc(n);
    memset(has, 1, n);
    ud_hnsw_params params;
    ud_hnsw_params_default(&params);
    ud_buf graph;
    ud_buf_init(&graph, (size_t)1 << 30);
    UD_CHECK_OK(ud_hnsw_build(&graph, v, has, n, dims, &params));
    ud_hnsw g;
    UD_CHECK_OK(ud_hnsw_open(&g, graph.ptr, graph.len, n));
    size_t record = UD_I8_RECORD(dims);
    uint8_t *records = malloc(n * record);
    for (uint32_t i = 0; i < n; i++)
        ud_i8_encode(records + i * record, &v[(size_t)i * dims], dims);
    ud_hnsw_vectors f32 = {.f32 = v, .dims = dims}, i8 = {.f32 = v, .i8 = records, .dims = dims};
    uint8_t *visited = calloc(n / 8 + 1, 1);
    uint8_t *odd = calloc(n / 8 + 1, 1);
    for (uint32_t i = 1; i < n; i += 2)
        odd[i >> 3] |= (uint8_t)(1u << (i & 7));
    float *queries = random_unit(200, dims);
    int16_t codes[48];
    size_t found_f32 = 0, found_i8 = 0, found_i8_odd = 0;
    double worst_error = 0, approx_error = 0;
    for (int qn = 0; qn < 200; qn++) {
        const float *q = &queries[(size_t)qn * dims];
        ud_hnsw_hit hits[10];
        size_t got = ud_hnsw_search(hits, 10, &g, q, &f32, NULL, params.ef, 0, visited);
        UD_CHECK_EQ_INT(10, got);
        found_f32 += found_in_truth(hits, got, v, n, dims, q, NULL);
        got = ud_hnsw_search(hits, 10, &g, q, &i8, NULL, params.ef, 0, visited);
        UD_CHECK_EQ_INT(10, got);
        found_i8 += found_in_truth(hits, got, v, n, dims, q, NULL);
        ud_i8_query qi;
        ud_i8_query_init(&qi, codes, q, dims);
        for (size_t i = 0; i < got; i++) {
            /* Rescored: the float32 similarity, not the int8 estimate. */
            float exact_sim = dot_n(&v[(size_t)hits[i].node * dims], q, dims);
            double error = fabs((double)hits[i].similarity - exact_sim);
            worst_error = error > worst_error ? error : worst_error;
            double approx =
                fabs((double)ud_i8_dot(&qi, records + hits[i].node * record) - exact_sim);
            approx_error = approx > approx_error ? approx : approx_error;
            if (i > 0)
                UD_CHECK(hits[i - 1].similarity >= hits[i].similarity);
        }
        got = ud_hnsw_search(hits, 10, &g, q, &i8, odd, params.ef, 0, visited);
        UD_CHECK_EQ_INT(10, got);
        for (size_t i = 0; i < got; i++)
            UD_CHECK(hits[i].node % 2 == 1); /* the filter holds in the int8 walk */
        found_i8_odd += found_in_truth(hits, got, v, n, dims, q, odd);
    }
    double recall_f32 = (double)found_f32 / 2000, recall_i8 = (double)found_i8 / 2000;
    UD_CHECK(recall_f32 >= 0.9);
    UD_CHECK(recall_i8 >= recall_f32 - 0.02);
    UD_CHECK((double)found_i8_odd / 2000 >= 0.9);
    UD_CHECK(worst_error < 1e-5);
    /* The estimate alone is close, but not exact: rescoring did the work. */
    UD_CHECK(approx_error > 1e-5 && approx_error < 0.02);
    free(queries);
    free(odd);
    free(visited);
    free(records);
    ud_buf_dispose(&graph);
    free(has);
    free(v);
}

/* Writes n chunks with the given vectors into dir, one segment. */
static void write_vectors(const char *dir, const float *v, uint32_t n, ud_vector_storage storage)
{
    ud_collection_writer_opts opts = {
        .embedding = "test/clustered/16", .vector_dims = DIMS, .vector_storage = storage};
    ud_collection_writer *w = NULL;
    UD_CHECK_OK(ud_collection_writer_open(&w, dir, &opts));
    static const char *everyone[] = {"org:*", "rare@acme.test"};
    static const char *other[] = {"someone@else.test"};
    for (uint32_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof(id), "d%u", i);
        /* One chunk in ten is also readable by a user of its own. */
        ud_index_doc doc = {.doc_id = id,
                            .text = "words",
                            .source_type = "file",
                            .acl = i % 3 ? everyone : other,
                            .acl_count = i % 3 && i % 10 == 1 ? 2 : 1,
                            .vector = i == 5 ? NULL : &v[i * DIMS]};
        UD_CHECK_OK(ud_collection_writer_add(w, &doc));
    }
    UD_CHECK_OK(ud_collection_writer_commit(w, 1));
    ud_collection_writer_close(w);
}

static void patch_header(const char *path, uint32_t version, uint32_t vector_format)
{
    FILE *f = fopen(path, "r+b");
    UD_CHECK(f != NULL);
    ud_seg_header h;
    UD_CHECK(fread(&h, sizeof(h), 1, f) == 1);
    h.version = version;
    h.vector_format = vector_format;
    fseek(f, 0, SEEK_SET);
    UD_CHECK(fwrite(&h, sizeof(h), 1, f) == 1);
    fclose(f);
}

void test_hnsw__int8_segments_persist_and_bad_headers_are_refused(void)
{
    state = 31;
    uint32_t n = 3000;
    float *v = clustered(n);
    char dir_i8[600], dir_f32[600], path[700];
    snprintf(dir_i8, sizeof(dir_i8), "%s/int8", ud_test_tmpdir());
    snprintf(dir_f32, sizeof(dir_f32), "%s/float32", ud_test_tmpdir());
    write_vectors(dir_i8, v, n, UD_VECTORS_INT8);
    write_vectors(dir_f32, v, n, UD_VECTORS_FLOAT32);

    ud_snapshot *i8 = NULL, *f32 = NULL;
    UD_CHECK_OK(ud_snapshot_open(&i8, dir_i8));
    UD_CHECK_OK(ud_snapshot_open(&f32, dir_f32));
    size_t count_i8 = 0, count_f32 = 0;
    const ud_segment_view *views_i8 = ud_snapshot_views(i8, &count_i8);
    const ud_segment_view *views_f32 = ud_snapshot_views(f32, &count_f32);
    UD_CHECK_EQ_INT(1, count_i8);
    const ud_segment *seg = views_i8[0].segment;
    UD_CHECK_OK(ud_segment_verify(seg));
    UD_CHECK_EQ_INT(UD_SEG_VECTORS_I8, ud_segment_header(seg)->vector_format);
    UD_CHECK(ud_segment_vectors_i8(views_f32[0].segment) == NULL);
    /* The stored records decode to the vectors, within half a step. */
    const uint8_t *records = ud_segment_vectors_i8(seg);
    UD_CHECK(records != NULL && ud_segment_graph(seg) != NULL);
    for (uint32_t d = 0; d < n; d += 97) {
        const uint8_t *r = records + d * UD_I8_RECORD(DIMS);
        float scale;
        memcpy(&scale, r, sizeof(scale));
        for (uint32_t k = 0; k < DIMS; k++)
            UD_CHECK(fabsf(scale * (float)(int8_t)r[4 + k] - v[d * DIMS + k]) <=
                     scale * 0.5f + 1e-7f);
    }
    UD_CHECK(ud_segment_vector(seg, 5) == NULL); /* no vector: none, in both forms */

    /* Searched through the collection: the same results as float32, with
     * float32 scores, and never another principal's chunk. */
    static const char *everyone[] = {"org:*"};
    ud_query q = {0};
    q.principals = everyone;
    q.principal_count = 1;
    float *queries = clustered(50);
    size_t same = 0;
    for (int qn = 0; qn < 50; qn++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_index_hit *a = NULL, *b = NULL;
        size_t na = 0, nb = 0;
        UD_CHECK_OK(
            ud_vector_topk(&a, &na, views_i8, count_i8, &q, &queries[qn * DIMS], DIMS, 10, &arena));
        UD_CHECK_OK(ud_vector_topk(&b, &nb, views_f32, count_f32, &q, &queries[qn * DIMS], DIMS, 10,
                                   &arena));
        UD_CHECK_EQ_INT(10, na);
        for (size_t i = 0; i < na; i++) {
            UD_CHECK(a[i].doc % 3 != 0);
            UD_CHECK_NEAR(dot(&v[a[i].doc * DIMS], &queries[qn * DIMS]), a[i].score, 1e-6);
            for (size_t j = 0; j < nb; j++)
                if (a[i].doc == b[j].doc) {
                    same++;
                    break;
                }
        }
        ud_arena_dispose(&arena);
    }
    UD_CHECK(same >= 490);
    /* A filter that lets few chunks through: the int8 scan, rescored. */
    static const char *rare[] = {"rare@acme.test"};
    q.principals = rare;
    uint8_t *allowed = calloc(n / 8 + 1, 1);
    for (uint32_t i = 0; i < n; i++)
        if (i % 3 && i % 10 == 1)
            allowed[i >> 3] |= (uint8_t)(1u << (i & 7));
    size_t exact_found = 0;
    for (int qn = 0; qn < 50; qn++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_index_hit *a = NULL;
        size_t na = 0;
        UD_CHECK_OK(
            ud_vector_topk(&a, &na, views_i8, count_i8, &q, &queries[qn * DIMS], DIMS, 10, &arena));
        UD_CHECK_EQ_INT(10, na);
        float truth[10];
        exact(truth, 10, v, n, &queries[qn * DIMS], allowed);
        for (size_t i = 0; i < na; i++) {
            UD_CHECK(a[i].doc % 3 != 0 && a[i].doc % 10 == 1);
            UD_CHECK_NEAR(dot(&v[a[i].doc * DIMS], &queries[qn * DIMS]), a[i].score, 1e-6);
            exact_found += fabsf((float)a[i].score - truth[i]) < 1e-6f;
        }
        ud_arena_dispose(&arena);
    }
    UD_CHECK(exact_found >= 495);
    free(allowed);
    free(queries);
    ud_snapshot_release(i8);
    ud_snapshot_release(f32);

    /* Headers that do not add up are refused (real segments of versions 2
     * and 3 are read in test_index.c): int8 vectors before version 3,
     * versions unknown, a vector format that does not match the sections. */
    snprintf(path, sizeof(path), "%s/seg-000001.seg", dir_f32);
    ud_segment *old = NULL;
    patch_header(path, 2, UD_SEG_VECTORS_I8);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_segment_open(&old, path));
    patch_header(path, 1, 0);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_segment_open(&old, path));
    patch_header(path, UD_SEG_VERSION + 1, 0);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_segment_open(&old, path));
    /* An int8 segment whose header says float32 does not add up. */
    snprintf(path, sizeof(path), "%s/seg-000001.seg", dir_i8);
    patch_header(path, UD_SEG_VERSION, UD_SEG_VECTORS_F32);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_segment_open(&old, path));
    patch_header(path, UD_SEG_VERSION, 7);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_segment_open(&old, path));
    free(v);
}

/* The AVX2 comparison the int8 walk uses where the CPU has it gives the
 * same value as the portable one, bit for bit (same integer sum). */
void test_hnsw__int8_avx2_dot_is_the_portable_one(void)
{
#ifdef UD_I8_AVX2
    if (!ud_i8_have_avx2())
        return;
    state = 41;
    const uint32_t dims_list[] = {1, 16, 40, 100, 384, 700};
    for (size_t d = 0; d < sizeof(dims_list) / sizeof(dims_list[0]); d++) {
        uint32_t dims = dims_list[d];
        float *v = random_unit(50, dims);
        float *q = random_unit(5, dims);
        size_t record = UD_I8_RECORD(dims);
        uint8_t *records = malloc(50 * record);
        int16_t *codes = malloc(UD_I8_PADDED(dims) * sizeof(int16_t));
        for (uint32_t i = 0; i < 50; i++)
            ud_i8_encode(records + i * record, &v[(size_t)i * dims], dims);
        for (uint32_t j = 0; j < 5; j++) {
            ud_i8_query qi;
            ud_i8_query_init(&qi, codes, &q[(size_t)j * dims], dims);
            for (uint32_t i = 0; i < 50; i++) {
                float a = ud_i8_dot(&qi, records + i * record);
                float b = ud_i8_dot_avx2(&qi, records + i * record);
                UD_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
            }
        }
        free(codes);
        free(records);
        free(q);
        free(v);
    }
#endif
}
