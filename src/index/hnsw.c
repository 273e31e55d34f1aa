/*
 * HNSW graph construction and filtered search (see hnsw.h). Neighbour
 * lists are chosen with the paper's heuristic (a candidate is kept only if
 * it is closer to the node than to every neighbour kept so far, then the
 * list is topped up with the closest of the rest), which keeps the graph
 * navigable on clustered data such as word-vector averages.
 */
#include "index/hnsw.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "index/dot.h"
#include "index/quant.h"

#define MAX_LEVEL 16
#define HEADER_WORDS 6

void ud_hnsw_params_default(ud_hnsw_params *out)
{
    out->m = 16;
    out->ef_construction = 200;
    out->ef = 64;
}

static float similarity(const float *a, const float *b, uint32_t dims)
{
    return ud_dot(a, b, dims);
}

/* ---- heaps of (similarity, node) ----------------------------------------- */

typedef struct entry {
    float sim;
    uint32_t node;
} entry;

/* Two kinds of heap share one struct: the candidates to expand, best on
 * top, and the results so far, worst on top so that it is the one a better
 * node replaces. The kind (max_on_top) is a constant at every call, so
 * each inlined operation compares one way without testing the kind. */
typedef struct heap {
    entry *items;
    size_t count, cap;
} heap;

static inline bool above(bool max_on_top, float a, float b)
{
    return max_on_top ? a > b : a < b;
}

static void heap_reserve(heap *h, size_t cap)
{
    if (h->cap < cap) {
        h->cap = cap;
        h->items = ud_realloc(h->items, h->cap * sizeof(entry));
    }
}

static inline void heap_push(heap *h, entry e, bool max_on_top)
{
    if (h->count == h->cap)
        heap_reserve(h, h->cap ? h->cap * 2 : 64);
    size_t i = h->count++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!above(max_on_top, e.sim, h->items[parent].sim))
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = e;
}

/* Puts e in place of the top and restores the order: a pop and a push in
 * one pass down. */
static inline void heap_replace_top(heap *h, entry e, bool max_on_top)
{
    size_t i = 0, n = h->count;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        float best = e.sim;
        if (l < n && above(max_on_top, h->items[l].sim, best))
            m = l, best = h->items[l].sim;
        if (r < n && above(max_on_top, h->items[r].sim, best))
            m = r;
        if (m == i)
            break;
        h->items[i] = h->items[m];
        i = m;
    }
    h->items[i] = e;
}

static inline entry heap_pop(heap *h, bool max_on_top)
{
    entry top = h->items[0];
    entry last = h->items[--h->count];
    if (h->count > 0)
        heap_replace_top(h, last, max_on_top);
    return top;
}

static int by_similarity_desc(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->sim != y->sim)
        return x->sim > y->sim ? -1 : 1;
    return x->node < y->node ? -1 : x->node > y->node;
}

/* ---- graph access shared by build and search ------------------------------ */

typedef struct builder builder;

typedef struct walk {
    /* One of the two graphs: the one being built, or a stored one. */
    const builder *building;
    const ud_hnsw *stored;
    const float *vectors;
    uint32_t dims;
    const float *query;
    /* When set, the walk compares the int8 query with int8 records. */
    const ud_i8_query *query_i8;
    const uint8_t *records;
    size_t record_bytes;
    const uint8_t *allowed; /* NULL: every node may be a result */
    uint8_t *visited;       /* node_count bits, zeroed between layers */
    /* Reused across layers and calls: the candidates heap and the nodes
     * marked visited (cleared one by one: cheaper than clearing the whole
     * bitmap on a large graph; a bitmap rather than hnswlib's u16 tags
     * because it stays in the L2 cache: 128 KiB for a million nodes). */
    heap candidates;
    uint32_t *touched;
    size_t touched_count, touched_cap;
} walk;

static inline const uint32_t *builder_neighbours(const builder *b, uint32_t node, uint32_t level,
                                                 uint32_t *out_count);

/* Neighbours of node at level: a count and the ids. ud_hnsw_open checked
 * that every neighbour at a level has a list at that level, and the walk
 * starts from the entry node, which has one at every level, so the stored
 * lists are reached without checking the node's level. */
static inline const uint32_t *neighbours(const walk *w, uint32_t node, uint32_t level,
                                         uint32_t *out_count)
{
    if (w->building)
        return builder_neighbours(w->building, node, level, out_count);
    const ud_hnsw *g = w->stored;
    uint64_t at = g->offsets[node];
    for (uint32_t l = 0; l < level; l++)
        at += 1 + g->links[at];
    *out_count = g->links[at];
    return &g->links[at + 1];
}

/* Asks for where a stored node's lists start, so that finding its list
 * when it is expanded costs one miss, not two. */
static inline void prefetch_offset(const walk *w, uint32_t node)
{
    if (w->stored)
        __builtin_prefetch(&w->stored->offsets[node]);
}

/* Asks for a stored node's list at level 0 (the upper levels are few). */
static inline void prefetch_list(const walk *w, uint32_t node, uint32_t level)
{
    if (w->stored && level == 0)
        __builtin_prefetch(&w->stored->links[w->stored->offsets[node]]);
}

/* Marks node visited; true if it already was. */
static inline bool test_and_set(walk *w, uint32_t node)
{
    uint8_t mask = (uint8_t)(1u << (node & 7));
    if (w->visited[node >> 3] & mask)
        return true;
    w->visited[node >> 3] |= mask;
    if (w->touched_count == w->touched_cap) {
        w->touched_cap = w->touched_cap ? w->touched_cap * 2 : 4096;
        w->touched = ud_realloc(w->touched, w->touched_cap * sizeof(uint32_t));
    }
    w->touched[w->touched_count++] = node;
    return false;
}

static void clear_visited(walk *w)
{
    for (size_t i = 0; i < w->touched_count; i++)
        w->visited[w->touched[i] >> 3] = 0;
    w->touched_count = 0;
}

/* The query's similarity to a node, by whichever vectors the walk uses.
 * avx2 is a constant wherever this is inlined (see search_layer). */
static inline __attribute__((always_inline)) float node_similarity(const walk *w, uint32_t node,
                                                                   bool avx2)
{
    if (w->query_i8) {
        const uint8_t *record = w->records + (size_t)node * w->record_bytes;
#ifdef UD_I8_AVX2
        if (avx2)
            return ud_i8_dot_avx2(w->query_i8, record);
#endif
        return ud_i8_dot(w->query_i8, record);
    }
    (void)avx2;
    return similarity(w->query, &w->vectors[(size_t)node * w->dims], w->dims);
}

/* Asks for every cache line of a node's vector. An int8 record of 100
 * dimensions is 116 bytes at a 116-byte stride, so most records straddle
 * three lines, not two. */
static inline void prefetch_node(const walk *w, uint32_t node)
{
    const uint8_t *p;
    size_t bytes;
    if (w->query_i8) {
        p = w->records + (size_t)node * w->record_bytes;
        bytes = w->record_bytes;
    } else {
        p = (const uint8_t *)&w->vectors[(size_t)node * w->dims];
        bytes = (size_t)w->dims * sizeof(float);
    }
    for (size_t at = 0; at < bytes; at += 64)
        __builtin_prefetch(p + at);
    __builtin_prefetch(p + bytes - 1);
}

static void walk_dispose(walk *w)
{
    free(w->candidates.items);
    free(w->touched);
}

static inline bool is_allowed(const walk *w, uint32_t node)
{
    return !w->allowed || ((w->allowed[node >> 3] >> (node & 7)) & 1);
}

/* Neighbours looked at in one batch: the vectors of the unvisited ones
 * are all asked for (every cache line) before the first is compared, so
 * that their misses overlap instead of following each other; on a graph
 * larger than the caches the walk is bound by memory latency. Stored lists
 * hold at most 2M ids (32 by default), so one batch is the usual case. */
#define BATCH 64

/* The best `ef` nodes reachable from the entry points at one level, sorted
 * best first into results (a heap's items, caller frees). Similarities are
 * to w->query. Compiled twice (below): avx2 says which. */
static inline __attribute__((always_inline)) void search_layer_with(heap *results, walk *w,
                                                                    const entry *entries,
                                                                    size_t entry_count, uint32_t ef,
                                                                    uint32_t level, bool avx2)
{
    clear_visited(w);
    heap *candidates = &w->candidates;
    candidates->count = 0;
    results->count = 0;
    heap_reserve(results, (size_t)ef + 1);
    for (size_t i = 0; i < entry_count; i++) {
        test_and_set(w, entries[i].node);
        heap_push(candidates, entries[i], true);
        if (is_allowed(w, entries[i].node)) {
            if (results->count < ef)
                heap_push(results, entries[i], false);
            else if (entries[i].sim > results->items[0].sim)
                heap_replace_top(results, entries[i], false);
        }
    }
    while (candidates->count > 0) {
        entry c = heap_pop(candidates, true);
        if (results->count >= ef && c.sim < results->items[0].sim)
            break;
        /* The next candidate is likely the one on top now: ask for its
         * list while this one's neighbours are compared. */
        if (candidates->count > 0)
            prefetch_list(w, candidates->items[0].node, level);
        uint32_t count = 0;
        const uint32_t *nb = neighbours(w, c.node, level, &count);
        for (uint32_t from = 0; from < count; from += BATCH) {
            uint32_t fresh[BATCH], fresh_count = 0;
            uint32_t to = count - from < BATCH ? count : from + BATCH;
            for (uint32_t i = from; i < to; i++) {
                uint32_t n = nb[i];
                if (test_and_set(w, n))
                    continue;
                prefetch_node(w, n);
                prefetch_offset(w, n);
                fresh[fresh_count++] = n;
            }
            for (uint32_t i = 0; i < fresh_count; i++) {
                entry e = {node_similarity(w, fresh[i], avx2), fresh[i]};
                if (results->count >= ef && e.sim <= results->items[0].sim)
                    continue;
                heap_push(candidates, e, true);
                prefetch_list(w, e.node, level);
                if (!is_allowed(w, e.node))
                    continue;
                if (results->count < ef)
                    heap_push(results, e, false);
                else
                    heap_replace_top(results, e, false);
            }
        }
    }
    qsort(results->items, results->count, sizeof(entry), by_similarity_desc);
}

static void search_layer_sse2(heap *results, walk *w, const entry *entries, size_t entry_count,
                              uint32_t ef, uint32_t level)
{
    search_layer_with(results, w, entries, entry_count, ef, level, false);
}

#ifdef UD_I8_AVX2
/* The int8 walk with ud_i8_dot_avx2 inlined: once the records' misses
 * overlap, the comparisons are most of its time, and this copy answers
 * 1.7-2.1x as many queries (docs/performance.md). Float32 walks keep the
 * portable loop (an AVX2 copy of it was not measured). */
__attribute__((target("avx2"))) static void search_layer_avx2(heap *results, walk *w,
                                                              const entry *entries,
                                                              size_t entry_count, uint32_t ef,
                                                              uint32_t level)
{
    search_layer_with(results, w, entries, entry_count, ef, level, true);
}
#endif

static void search_layer(heap *results, walk *w, const entry *entries, size_t entry_count,
                         uint32_t ef, uint32_t level)
{
#ifdef UD_I8_AVX2
    if (w->query_i8 && ud_i8_have_avx2()) {
        search_layer_avx2(results, w, entries, entry_count, ef, level);
        return;
    }
#endif
    search_layer_sse2(results, w, entries, entry_count, ef, level);
}

/* ---- building -------------------------------------------------------------- */

struct builder {
    uint32_t count, dims, m;
    const float *vectors;
    int8_t *level;    /* -1: no vector */
    uint32_t **lists; /* per node: (level + 1) lists of [count, ids...] */
};

static uint32_t capacity(const builder *b, uint32_t level)
{
    return level == 0 ? 2 * b->m : b->m;
}

static inline const uint32_t *builder_neighbours(const builder *b, uint32_t node, uint32_t level,
                                                 uint32_t *out_count)
{
    const uint32_t *list = b->lists[node] + (size_t)level * (2 * b->m + 2);
    *out_count = list[0];
    return list + 1;
}

static uint32_t *list_of(builder *b, uint32_t node, uint32_t level)
{
    return b->lists[node] + (size_t)level * (2 * b->m + 2);
}

/* The paper's neighbour selection from candidates sorted best first. */
static size_t select_neighbours(uint32_t *out, const builder *b, const entry *candidates,
                                size_t count, uint32_t max)
{
    size_t kept = 0;
    bool taken_small[128] = {0};
    bool *taken = count <= 128 ? taken_small : ud_calloc(count, sizeof(bool));
    for (size_t i = 0; i < count && kept < max; i++) {
        const float *v = &b->vectors[(size_t)candidates[i].node * b->dims];
        bool diverse = true;
        for (size_t j = 0; j < kept && diverse; j++)
            diverse =
                candidates[i].sim > similarity(v, &b->vectors[(size_t)out[j] * b->dims], b->dims);
        if (diverse) {
            out[kept++] = candidates[i].node;
            taken[i] = true;
        }
    }
    for (size_t i = 0; i < count && kept < max; i++)
        if (!taken[i])
            out[kept++] = candidates[i].node;
    if (taken != taken_small)
        free(taken);
    return kept;
}

/* Adds `to` to node's list at level, re-selecting when it overflows. */
static void connect(builder *b, uint32_t node, uint32_t to, uint32_t level)
{
    uint32_t *list = list_of(b, node, level);
    uint32_t max = capacity(b, level);
    if (list[0] < max) {
        list[1 + list[0]++] = to;
        return;
    }
    const float *v = &b->vectors[(size_t)node * b->dims];
    entry *all = ud_malloc((max + 1) * sizeof(entry));
    for (uint32_t i = 0; i < list[0]; i++)
        all[i] = (entry){similarity(v, &b->vectors[(size_t)list[1 + i] * b->dims], b->dims),
                         list[1 + i]};
    all[max] = (entry){similarity(v, &b->vectors[(size_t)to * b->dims], b->dims), to};
    qsort(all, max + 1, sizeof(entry), by_similarity_desc);
    list[0] = (uint32_t)select_neighbours(list + 1, b, all, max + 1, max);
    free(all);
}

int ud_hnsw_build(ud_buf *out, const float *vectors, const uint8_t *has, uint32_t count,
                  uint32_t dims, const ud_hnsw_params *params)
{
    builder b = {count, dims, params->m, vectors, NULL, NULL};
    b.level = ud_malloc((count ? count : 1) * sizeof(int8_t));
    b.lists = ud_calloc(count ? count : 1, sizeof(uint32_t *));
    double ml = 1.0 / log((double)params->m);
    uint64_t rng = 0x9E3779B97F4A7C15ULL ^ count;
    int32_t entry_node = -1, max_level = -1;
    uint8_t *visited = ud_calloc((count + 7) / 8 + 1, 1);
    walk w = {.building = &b, .vectors = vectors, .dims = dims, .visited = visited};
    heap results = {NULL, 0, 0};
    for (uint32_t i = 0; i < count; i++) {
        b.level[i] = -1;
        if (!has[i])
            continue;
        rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
        double u = (double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
        int level = (int)floor(-log(u > 0 ? u : 1e-300) * ml);
        if (level > MAX_LEVEL)
            level = MAX_LEVEL;
        b.level[i] = (int8_t)level;
        b.lists[i] = ud_calloc((size_t)(level + 1) * (2 * b.m + 2), sizeof(uint32_t));
        if (entry_node < 0) {
            entry_node = (int32_t)i;
            max_level = level;
            continue;
        }
        const float *q = &vectors[(size_t)i * dims];
        w.query = q;
        entry ep = {similarity(q, &vectors[(size_t)entry_node * dims], dims), (uint32_t)entry_node};
        for (int l = max_level; l > level; l--) {
            search_layer(&results, &w, &ep, 1, 1, (uint32_t)l);
            if (results.count)
                ep = results.items[0];
        }
        entry *eps = ud_malloc(sizeof(entry));
        eps[0] = ep;
        size_t ep_count = 1;
        for (int l = level < max_level ? level : max_level; l >= 0; l--) {
            search_layer(&results, &w, eps, ep_count, params->ef_construction, (uint32_t)l);
            uint32_t *mine = list_of(&b, i, (uint32_t)l);
            mine[0] = (uint32_t)select_neighbours(mine + 1, &b, results.items, results.count,
                                                  capacity(&b, (uint32_t)l));
            for (uint32_t j = 0; j < mine[0]; j++)
                connect(&b, mine[1 + j], i, (uint32_t)l);
            eps = ud_realloc(eps, (results.count ? results.count : 1) * sizeof(entry));
            memcpy(eps, results.items, results.count * sizeof(entry));
            ep_count = results.count ? results.count : ep_count;
        }
        free(eps);
        if (level > max_level) {
            max_level = level;
            entry_node = (int32_t)i;
        }
    }
    free(results.items);
    walk_dispose(&w);
    free(visited);

    /* Serialise: header, levels, offsets, links. */
    uint32_t header[HEADER_WORDS] = {count,
                                     (uint32_t)(max_level < 0 ? 0 : max_level),
                                     entry_node < 0 ? UINT32_MAX : (uint32_t)entry_node,
                                     b.m,
                                     params->ef_construction,
                                     0};
    int rc = ud_buf_append(out, header, sizeof(header));
    size_t levels_bytes = ((size_t)count + 3) / 4 * 4;
    uint8_t *levels = ud_calloc(levels_bytes ? levels_bytes : 1, 1);
    for (uint32_t i = 0; i < count; i++)
        levels[i] = b.level[i] < 0 ? 0xFF : (uint8_t)b.level[i];
    if (rc == 0)
        rc = ud_buf_append(out, levels, levels_bytes);
    free(levels);
    uint64_t offset = 0;
    for (uint32_t i = 0; i < count && rc == 0; i++) {
        rc = ud_buf_append(out, &offset, sizeof(offset));
        for (int l = 0; l <= b.level[i]; l++)
            offset += 1 + list_of(&b, i, (uint32_t)l)[0];
    }
    for (uint32_t i = 0; i < count && rc == 0; i++)
        for (int l = 0; l <= b.level[i] && rc == 0; l++) {
            const uint32_t *list = list_of(&b, i, (uint32_t)l);
            rc = ud_buf_append(out, list, (1 + list[0]) * sizeof(uint32_t));
        }
    for (uint32_t i = 0; i < count; i++)
        free(b.lists[i]);
    free(b.lists);
    free(b.level);
    return rc;
}

/* ---- reading and searching ------------------------------------------------- */

int ud_hnsw_open(ud_hnsw *g, const void *data, size_t len, uint32_t node_count)
{
    const uint8_t *p = data;
    size_t levels_bytes = ((size_t)node_count + 3) / 4 * 4;
    size_t fixed = HEADER_WORDS * 4 + levels_bytes + (size_t)node_count * 8;
    if (len < fixed || (len - fixed) % 4 || ((uintptr_t)p % 8))
        return ud_error_set(UD_ECORRUPT, "vector graph: wrong size");
    g->header = (const uint32_t *)p;
    g->levels = p + HEADER_WORDS * 4;
    g->offsets = (const uint64_t *)(p + HEADER_WORDS * 4 + levels_bytes);
    g->links = (const uint32_t *)(p + fixed);
    g->link_count = (len - fixed) / 4;
    g->node_count = node_count;
    if (g->header[0] != node_count || g->header[1] > MAX_LEVEL ||
        (g->header[2] != UINT32_MAX && g->header[2] >= node_count))
        return ud_error_set(UD_ECORRUPT, "vector graph: bad header");
    if (g->header[2] != UINT32_MAX && g->levels[g->header[2]] != g->header[1])
        return ud_error_set(UD_ECORRUPT, "vector graph: the entry is not on the top level");
    /* Every list must lie inside `links` and name existing nodes that have
     * a list at that level, so that the search follows ids without
     * checking them (a neighbour at level l is a node of level >= l). */
    for (uint32_t i = 0; i < node_count; i++) {
        if (g->levels[i] == 0xFF)
            continue;
        if (g->levels[i] > MAX_LEVEL)
            return ud_error_set(UD_ECORRUPT, "vector graph: bad level");
        uint64_t at = g->offsets[i];
        for (uint32_t l = 0; l <= g->levels[i]; l++) {
            if (at >= g->link_count || g->links[at] > g->link_count - at - 1)
                return ud_error_set(UD_ECORRUPT, "vector graph: list out of range");
            for (uint32_t k = 0; k < g->links[at]; k++) {
                uint32_t to = g->links[at + 1 + k];
                if (to >= node_count || g->levels[to] == 0xFF || g->levels[to] < l)
                    return ud_error_set(UD_ECORRUPT, "vector graph: bad neighbour");
            }
            at += 1 + g->links[at];
        }
    }
    return 0;
}

size_t ud_hnsw_search(ud_hnsw_hit *out, size_t k, const ud_hnsw *g, const float *query,
                      const ud_hnsw_vectors *vectors, const uint8_t *allowed, uint32_t ef,
                      uint32_t rescore, uint8_t *scratch_bits)
{
    if (g->header[2] == UINT32_MAX || k == 0)
        return 0;
    if (ef < k)
        ef = (uint32_t)k;
    uint32_t dims = vectors->dims;
    walk w = {.stored = g,
              .vectors = vectors->f32,
              .dims = dims,
              .query = query,
              .visited = scratch_bits};
    ud_i8_query query_i8;
    int16_t *codes = NULL;
    if (vectors->i8) {
        codes = ud_malloc(UD_I8_PADDED(dims) * sizeof(int16_t));
        ud_i8_query_init(&query_i8, codes, query, dims);
        w.query_i8 = &query_i8;
        w.records = vectors->i8;
        w.record_bytes = UD_I8_RECORD(dims);
    }
    uint32_t entry_node = g->header[2];
    entry ep = {node_similarity(&w, entry_node, false), entry_node};
    heap results = {NULL, 0, 0};
    for (int l = (int)g->header[1]; l > 0; l--) {
        search_layer(&results, &w, &ep, 1, 1, (uint32_t)l);
        if (results.count)
            ep = results.items[0];
    }
    w.allowed = allowed;
    search_layer(&results, &w, &ep, 1, ef, 0);
    clear_visited(&w); /* the caller's bitmap comes back zeroed */
    if (vectors->i8) {
        /* The int8 order is close to the true one: the true top k are
         * among the walk's first few k, rescored exactly. */
        size_t n = rescore ? rescore : (size_t)UD_HNSW_RESCORE_FACTOR * k;
        if (n < k)
            n = k;
        if (n > results.count)
            n = results.count;
        float *exact = vectors->read ? ud_malloc(dims * sizeof(float)) : NULL;
        for (size_t i = 0; i < n; i++) {
            uint32_t node = results.items[i].node;
            const float *v = &vectors->f32[(size_t)node * dims];
            if (exact) {
                vectors->read(node, exact, vectors->payload);
                v = exact;
            }
            results.items[i].sim = similarity(query, v, dims);
        }
        free(exact);
        qsort(results.items, n, sizeof(entry), by_similarity_desc);
        results.count = n;
    }
    size_t n = results.count < k ? results.count : k;
    for (size_t i = 0; i < n; i++)
        out[i] = (ud_hnsw_hit){results.items[i].node, results.items[i].sim};
    free(results.items);
    free(codes);
    walk_dispose(&w);
    return n;
}
