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

typedef struct heap {
    entry *items;
    size_t count, cap;
    bool max_on_top; /* true: best first (candidates); false: worst first (results) */
} heap;

static bool above(const heap *h, const entry *a, const entry *b)
{
    return h->max_on_top ? a->sim > b->sim : a->sim < b->sim;
}

static void heap_push(heap *h, entry e)
{
    if (h->count == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->items = ud_realloc(h->items, h->cap * sizeof(entry));
    }
    size_t i = h->count++;
    h->items[i] = e;
    while (i > 0 && above(h, &h->items[i], &h->items[(i - 1) / 2])) {
        entry t = h->items[i];
        h->items[i] = h->items[(i - 1) / 2];
        h->items[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static entry heap_pop(heap *h)
{
    entry top = h->items[0];
    h->items[0] = h->items[--h->count];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->count && above(h, &h->items[l], &h->items[m]))
            m = l;
        if (r < h->count && above(h, &h->items[r], &h->items[m]))
            m = r;
        if (m == i)
            break;
        entry t = h->items[i];
        h->items[i] = h->items[m];
        h->items[m] = t;
        i = m;
    }
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

/* Neighbours of node at level: a count and the ids. */
typedef const uint32_t *(*neighbours_fn)(const void *graph, uint32_t node, uint32_t level,
                                         uint32_t *out_count);

typedef struct walk {
    const void *graph;
    neighbours_fn neighbours;
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
     * bitmap on a large graph). */
    heap candidates;
    uint32_t *touched;
    size_t touched_count, touched_cap;
} walk;

static bool test_and_set(walk *w, uint32_t node)
{
    uint8_t mask = (uint8_t)(1u << (node & 7));
    if (w->visited[node >> 3] & mask)
        return true;
    w->visited[node >> 3] |= mask;
    if (w->touched_count == w->touched_cap) {
        w->touched_cap = w->touched_cap ? w->touched_cap * 2 : 1024;
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

/* The query's similarity to a node, by whichever vectors the walk uses. */
static inline float node_similarity(const walk *w, uint32_t node)
{
    if (w->query_i8)
        return ud_i8_dot(w->query_i8, w->records + (size_t)node * w->record_bytes);
    return similarity(w->query, &w->vectors[(size_t)node * w->dims], w->dims);
}

static inline void prefetch_node(const walk *w, uint32_t node)
{
    if (w->query_i8) {
        const uint8_t *r = w->records + (size_t)node * w->record_bytes;
        __builtin_prefetch(r);
        __builtin_prefetch(r + 64);
    } else {
        __builtin_prefetch(&w->vectors[(size_t)node * w->dims]);
    }
}

static void walk_dispose(walk *w)
{
    free(w->candidates.items);
    free(w->touched);
}

/* The best `ef` nodes reachable from the entry points at one level, sorted
 * best first into results (a heap's items, caller frees). Similarities are
 * to w->query. */
static void search_layer(heap *results, walk *w, const entry *entries, size_t entry_count,
                         uint32_t ef, uint32_t level)
{
    clear_visited(w);
    heap *candidates = &w->candidates;
    candidates->count = 0;
    candidates->max_on_top = true;
    results->count = 0;
    results->max_on_top = false;
    for (size_t i = 0; i < entry_count; i++) {
        test_and_set(w, entries[i].node);
        heap_push(candidates, entries[i]);
        if (!w->allowed || ((w->allowed[entries[i].node >> 3] >> (entries[i].node & 7)) & 1))
            heap_push(results, entries[i]);
    }
    while (candidates->count > 0) {
        entry c = heap_pop(candidates);
        if (results->count >= ef && c.sim < results->items[0].sim)
            break;
        uint32_t count = 0;
        const uint32_t *nb = w->neighbours(w->graph, c.node, level, &count);
        for (uint32_t i = 0; i < count; i++) {
            uint32_t n = nb[i];
            if (i + 1 < count)
                prefetch_node(w, nb[i + 1]);
            if (test_and_set(w, n))
                continue;
            entry e = {node_similarity(w, n), n};
            if (results->count < ef || e.sim > results->items[0].sim) {
                heap_push(candidates, e);
                if (!w->allowed || ((w->allowed[n >> 3] >> (n & 7)) & 1)) {
                    heap_push(results, e);
                    if (results->count > ef)
                        heap_pop(results);
                }
            }
        }
    }
    qsort(results->items, results->count, sizeof(entry), by_similarity_desc);
}

/* ---- building -------------------------------------------------------------- */

typedef struct builder {
    uint32_t count, dims, m;
    const float *vectors;
    int8_t *level;    /* -1: no vector */
    uint32_t **lists; /* per node: (level + 1) lists of [count, ids...] */
} builder;

static uint32_t capacity(const builder *b, uint32_t level)
{
    return level == 0 ? 2 * b->m : b->m;
}

static const uint32_t *builder_neighbours(const void *graph, uint32_t node, uint32_t level,
                                          uint32_t *out_count)
{
    const builder *b = graph;
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
    walk w = {.graph = &b,
              .neighbours = builder_neighbours,
              .vectors = vectors,
              .dims = dims,
              .visited = visited};
    heap results = {NULL, 0, 0, false};
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
    /* Every list must lie inside `links` and name existing nodes. */
    for (uint32_t i = 0; i < node_count; i++) {
        if (g->levels[i] == 0xFF)
            continue;
        if (g->levels[i] > MAX_LEVEL)
            return ud_error_set(UD_ECORRUPT, "vector graph: bad level");
        uint64_t at = g->offsets[i];
        for (uint32_t l = 0; l <= g->levels[i]; l++) {
            if (at >= g->link_count || g->links[at] > g->link_count - at - 1)
                return ud_error_set(UD_ECORRUPT, "vector graph: list out of range");
            for (uint32_t k = 0; k < g->links[at]; k++)
                if (g->links[at + 1 + k] >= node_count)
                    return ud_error_set(UD_ECORRUPT, "vector graph: bad neighbour");
            at += 1 + g->links[at];
        }
    }
    return 0;
}

static const uint32_t *stored_neighbours(const void *graph, uint32_t node, uint32_t level,
                                         uint32_t *out_count)
{
    const ud_hnsw *g = graph;
    if (g->levels[node] == 0xFF || level > g->levels[node]) {
        *out_count = 0;
        return NULL;
    }
    uint64_t at = g->offsets[node];
    for (uint32_t l = 0; l < level; l++)
        at += 1 + g->links[at];
    *out_count = g->links[at];
    return &g->links[at + 1];
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
    walk w = {.graph = g,
              .neighbours = stored_neighbours,
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
    entry ep = {node_similarity(&w, entry_node), entry_node};
    heap results = {NULL, 0, 0, false};
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
