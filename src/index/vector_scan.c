/*
 * The exact scan (see vector_scan.h). It visits only the set bits of the
 * allowed bitmap, a 64-bit word at a time: testing each chunk's bit was a
 * branch the processor could not predict on a bitmap of random
 * permissions, and cost more than the dot products between 10% and 50%
 * allowed (docs/performance.md).
 */
#include "index/vector_scan.h"

#include <stdbool.h>
#include <string.h>

#include "index/dot.h"
#include "index/quant.h"

static bool better(const ud_hnsw_hit *a, const ud_hnsw_hit *b)
{
    if (a->similarity != b->similarity)
        return a->similarity > b->similarity;
    return a->node < b->node;
}

/* A min-heap on "better" of at most k hits: the root is the worst kept. */
static void keep(ud_hnsw_hit *heap, size_t *count, size_t k, ud_hnsw_hit hit)
{
    size_t i;
    if (*count == k) {
        if (!better(&hit, &heap[0]))
            return;
        i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            const ud_hnsw_hit *worst = &hit;
            if (l < *count && better(worst, &heap[l]))
                m = l, worst = &heap[l];
            if (r < *count && better(worst, &heap[r]))
                m = r;
            if (m == i)
                break;
            heap[i] = heap[m];
            i = m;
        }
        heap[i] = hit;
        return;
    }
    i = (*count)++;
    while (i > 0 && better(&heap[(i - 1) / 2], &hit)) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = hit;
}

/* Sorts the heap's hits best first (the heap is small: insertion sort). */
static void sort_best_first(ud_hnsw_hit *hits, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        ud_hnsw_hit h = hits[i];
        size_t j = i;
        while (j > 0 && better(&h, &hits[j - 1])) {
            hits[j] = hits[j - 1];
            j--;
        }
        hits[j] = h;
    }
}

/* The set bits of the first n of a bitmap, in order, a word at a time. */
typedef struct set_bits {
    const uint8_t *bits;
    uint32_t n;
    uint32_t base; /* the bit number of word's lowest bit */
    uint64_t word; /* the bits not yet returned */
} set_bits;

static void set_bits_init(set_bits *it, const uint8_t *bits, uint32_t n)
{
    *it = (set_bits){bits, n, 0, 0};
    uint32_t bytes = n >= 64 ? 8 : (n + 7) / 8;
    memcpy(&it->word, bits, bytes);
}

static inline bool set_bits_next(set_bits *it, uint32_t *node)
{
    while (it->word == 0) {
        it->base += 64;
        if (it->base >= it->n)
            return false;
        uint32_t left = it->n - it->base;
        it->word = 0;
        memcpy(&it->word, it->bits + it->base / 8, left >= 64 ? 8 : (left + 7) / 8);
    }
    *node = it->base + (uint32_t)__builtin_ctzll(it->word);
    it->word &= it->word - 1;
    return true;
}

/* The best `want` allowed records by their int8 similarity, into
 * candidates. Compiled twice (below): avx2 says which comparison. */
static inline __attribute__((always_inline)) void
scan_records_with(ud_hnsw_hit *candidates, size_t *found, size_t want, const uint8_t *records,
                  size_t record, const uint8_t *allowed, uint32_t n, const ud_i8_query *qi,
                  bool avx2)
{
    set_bits it;
    set_bits_init(&it, allowed, n);
    for (uint32_t node; set_bits_next(&it, &node);) {
        const uint8_t *r = records + (size_t)node * record;
        float sim;
#ifdef UD_I8_AVX2
        if (avx2)
            sim = ud_i8_dot_avx2(qi, r);
        else
#endif
            sim = ud_i8_dot(qi, r);
        keep(candidates, found, want, (ud_hnsw_hit){node, sim});
    }
    (void)avx2;
}

static void scan_records_sse2(ud_hnsw_hit *candidates, size_t *found, size_t want,
                              const uint8_t *records, size_t record, const uint8_t *allowed,
                              uint32_t n, const ud_i8_query *qi)
{
    scan_records_with(candidates, found, want, records, record, allowed, n, qi, false);
}

#ifdef UD_I8_AVX2
/* With ud_i8_dot_avx2 inlined, as the walk does (hnsw.c). */
__attribute__((target("avx2"))) static void
scan_records_avx2(ud_hnsw_hit *candidates, size_t *found, size_t want, const uint8_t *records,
                  size_t record, const uint8_t *allowed, uint32_t n, const ud_i8_query *qi)
{
    scan_records_with(candidates, found, want, records, record, allowed, n, qi, true);
}
#endif

size_t ud_vector_scan(ud_hnsw_hit *out, size_t k, const ud_hnsw_vectors *vectors, uint32_t n,
                      const uint8_t *allowed, const float *query, ud_arena *arena)
{
    size_t count = 0;
    uint32_t dims = vectors->dims;
    if (k == 0)
        return 0;
    if (!vectors->i8) {
        set_bits it;
        set_bits_init(&it, allowed, n);
        for (uint32_t node; set_bits_next(&it, &node);)
            keep(out, &count, k,
                 (ud_hnsw_hit){node, ud_dot(&vectors->f32[(size_t)node * dims], query, dims)});
        sort_best_first(out, count);
        return count;
    }
    /* int8: the best few by their records, then their float32 vectors. */
    size_t want = k * UD_HNSW_RESCORE_FACTOR, found = 0;
    ud_hnsw_hit *candidates = ud_arena_alloc(arena, want * sizeof(ud_hnsw_hit));
    ud_i8_query qi;
    ud_i8_query_init(&qi, ud_arena_alloc(arena, UD_I8_PADDED(dims) * sizeof(int16_t)), query, dims);
    size_t record = UD_I8_RECORD(dims);
#ifdef UD_I8_AVX2
    if (ud_i8_have_avx2())
        scan_records_avx2(candidates, &found, want, vectors->i8, record, allowed, n, &qi);
    else
#endif
        scan_records_sse2(candidates, &found, want, vectors->i8, record, allowed, n, &qi);
    float *exact = ud_arena_alloc(arena, dims * sizeof(float));
    for (size_t i = 0; i < found; i++) {
        uint32_t node = candidates[i].node;
        const float *v = &vectors->f32[(size_t)node * dims];
        if (vectors->read) {
            vectors->read(node, exact, vectors->payload);
            v = exact;
        }
        keep(out, &count, k, (ud_hnsw_hit){node, ud_dot(v, query, dims)});
    }
    sort_best_first(out, count);
    return count;
}
