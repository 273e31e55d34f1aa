/*
 * Filtered vector search (see vector_search.h): per segment, the HNSW walk
 * or a scan of the allowed chunks, into a bounded min-heap of the best k.
 */
#include "index/vector_search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/dot.h"
#include "index/filter.h"
#include "index/hnsw.h"
#include "index/vector_scan.h"
#include "index/visible.h"

static bool better(const ud_index_hit *a, const ud_index_hit *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->view != b->view)
        return a->view < b->view;
    return a->doc < b->doc;
}

static int compare(const void *a, const void *b)
{
    return better(a, b) ? -1 : better(b, a) ? 1 : 0;
}

/* Min-heap on "better": the root is the worst kept. */
static void push(ud_index_hit *heap, size_t *count, size_t k, ud_index_hit hit)
{
    if (*count == k) {
        if (!better(&hit, &heap[0]))
            return;
        heap[0] = hit;
        size_t i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < *count && better(&heap[m], &heap[l]))
                m = l;
            if (r < *count && better(&heap[m], &heap[r]))
                m = r;
            if (m == i)
                break;
            ud_index_hit t = heap[i];
            heap[i] = heap[m];
            heap[m] = t;
            i = m;
        }
        return;
    }
    size_t i = (*count)++;
    heap[i] = hit;
    while (i > 0 && better(&heap[(i - 1) / 2], &heap[i])) {
        ud_index_hit t = heap[i];
        heap[i] = heap[(i - 1) / 2];
        heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

/* Set bits among the first n of bits; clears those past n. */
static size_t count_bits(uint8_t *bits, uint32_t n)
{
    size_t count = 0, bytes = n / 8, i = 0;
    for (; i + 8 <= bytes; i += 8) {
        uint64_t word;
        memcpy(&word, bits + i, 8);
        count += ud_popcount64(word);
    }
    for (; i < bytes; i++)
        count += ud_popcount64(bits[i]);
    if (n % 8) {
        bits[bytes] &= (uint8_t)((1u << (n % 8)) - 1);
        count += ud_popcount64(bits[bytes]);
    }
    return count;
}

size_t ud_vector_scan_below(uint32_t n)
{
    return (size_t)(UD_VECTOR_SCAN_BELOW * pow((double)n / 100000.0, 0.14));
}

static void vectors_read(uint32_t node, float *out, const void *payload)
{
    /* Every node the walk or the scan returns has a vector. */
    (void)ud_segment_read_vector(payload, node, out);
}

int ud_vector_topk(ud_index_hit **out, size_t *out_count, const ud_segment_view *views,
                   size_t view_count, const ud_query *q, const float *vector, uint32_t dims,
                   size_t top_k, ud_arena *arena)
{
    *out = NULL;
    *out_count = 0;
    if (top_k == 0 || !vector || dims == 0)
        return 0;
    ud_index_hit *heap = ud_arena_alloc(arena, top_k * sizeof(ud_index_hit));
    size_t count = 0;
    for (size_t v = 0; v < view_count; v++) {
        const ud_segment *seg = views[v].segment;
        if (ud_segment_vector_dims(seg) != dims)
            continue;
        uint32_t n = ud_segment_header(seg)->doc_count;
        uint8_t *allowed = ud_filter_allowed(&views[v], v, q, arena);
        /* The walk and the scan need one bitmap: fold the date range and
         * the chunks without a vector into it. Counting its bits is then
         * enough (a loop over every chunk was most of a query's time on a
         * million chunks). */
        /* Dates are looked up for allowed chunks only, a byte of the
         * bitmap at a time, so the others (the caller's hidden ones among
         * them) cost no lookup. */
        if (q->after || q->before)
            for (size_t i = 0; i < ((size_t)n + 7) / 8; i++)
                for (unsigned bits = allowed[i]; bits; bits &= bits - 1) {
                    uint32_t d = (uint32_t)(i * 8 + (unsigned)__builtin_ctz(bits));
                    if (d < n && !ud_filter_accepts(&views[v], q, allowed, d))
                        allowed[i] &= (uint8_t) ~(1u << (d & 7));
                }
        const uint8_t *has = ud_segment_vector_bits(seg);
        for (size_t i = 0; has && i < ((size_t)n + 7) / 8; i++)
            allowed[i] &= has[i];
        size_t allowed_count = count_bits(allowed, n);
        if (allowed_count == 0)
            continue;
        const ud_hnsw *graph = ud_segment_graph(seg);
        ud_hnsw_vectors vectors = {ud_segment_vectors(seg), ud_segment_vectors_i8(seg), dims,
                                   vectors_read, seg};
        ud_hnsw_hit *found = ud_arena_alloc(arena, top_k * sizeof(ud_hnsw_hit));
        size_t got;
        if (graph && allowed_count >= ud_vector_scan_below(n)) {
            ud_hnsw_params hp;
            ud_hnsw_params_default(&hp);
            uint8_t *visited = ud_arena_alloc(arena, (size_t)n / 8 + 1);
            got = ud_hnsw_search(found, top_k, graph, vector, &vectors, allowed,
                                 hp.ef > top_k ? hp.ef : (uint32_t)top_k, 0, visited);
        } else {
            /* Small or tightly filtered: a scan of the allowed chunks. */
            got = ud_vector_scan(found, top_k, &vectors, n, allowed, vector, arena);
        }
        for (size_t i = 0; i < got; i++)
            push(heap, &count, top_k,
                 (ud_index_hit){(uint32_t)v, found[i].node, found[i].similarity});
    }
    qsort(heap, count, sizeof(ud_index_hit), compare);
    *out = heap;
    *out_count = count;
    return 0;
}
