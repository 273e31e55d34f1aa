/*
 * Visible sets and their statistics (see visible.h): per segment the
 * caller's bitmap and its rank directory, the readable chunks' counts and
 * lengths, a df cache per term, and the per-snapshot cache of sets.
 */
#include "index/visible.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "index/filter.h"

/* Terms whose df a set keeps; past this, dfs are counted every time (the
 * cost stays that of one count, the memory stays bounded). */
#define MAX_CACHED_TERMS 65536

typedef struct visible_segment {
    uint64_t *words; /* doc_count bits, bit d of the bitmap is bit d % 64 of word d / 64 */
    uint32_t *rank;  /* rank[w]: set bits in words[0..w); word_count + 1 entries */
    size_t word_count;
    uint32_t doc_count;
    uint64_t docs;    /* set bits */
    bool every_chunk; /* docs == doc_count: no deletion, every ACL readable */
} visible_segment;

typedef struct df_entry {
    char *term; /* NULL: free slot */
    size_t len;
    uint64_t df;
} df_entry;

struct ud_visible {
    atomic_int refs;
    const ud_segment_view *views;
    size_t view_count;
    visible_segment *segments;
    uint64_t docs, len_text, len_title;
    /* The principal set, sorted and without repeats, each followed by a
     * NUL: the set's identity. */
    char *key;
    size_t key_len;
    pthread_mutex_t lock; /* guards the df table */
    df_entry *table;
    size_t table_size; /* a power of two, or 0 */
    size_t table_used;
};

/* ---- identity -------------------------------------------------------------- */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The principals sorted and deduplicated, NUL after each, in a malloc'd
 * buffer. */
static char *principals_key(size_t *out_len, const char *const *principals, size_t count)
{
    const char **sorted = ud_calloc(count ? count : 1, sizeof(char *));
    size_t bytes = 1;
    for (size_t i = 0; i < count; i++) {
        sorted[i] = principals[i];
        bytes += strlen(principals[i]) + 1;
    }
    qsort(sorted, count, sizeof(char *), compare_strings);
    char *key = ud_malloc(bytes);
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        if (i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0)
            continue;
        size_t n = strlen(sorted[i]);
        memcpy(key + at, sorted[i], n + 1);
        at += n + 1;
    }
    free(sorted);
    *out_len = at;
    return key;
}

bool ud_visible_matches(const ud_visible *v, const ud_segment_view *views, size_t view_count,
                        const char *const *principals, size_t principal_count)
{
    if (v->views != views || v->view_count != view_count)
        return false;
    size_t len = 0;
    char *key = principals_key(&len, principals, principal_count);
    bool same = len == v->key_len && memcmp(key, v->key, len) == 0;
    free(key);
    return same;
}

/* ---- making a set ------------------------------------------------------------ */

/* Set bits in [0, doc) of a segment's bitmap. */
static uint64_t rank_at(const visible_segment *vs, uint64_t doc)
{
    uint64_t w = doc >> 6;
    uint64_t r = vs->rank[w];
    if (doc & 63)
        r += ud_popcount64(vs->words[w] & ((1ULL << (doc & 63)) - 1));
    return r;
}

static void segment_init(visible_segment *vs, uint64_t *len_text, uint64_t *len_title,
                         const ud_segment_view *view, const char *const *principals,
                         size_t principal_count)
{
    const ud_segment *seg = view->segment;
    const ud_seg_header *h = ud_segment_header(seg);
    vs->doc_count = h->doc_count;
    vs->word_count = ((size_t)h->doc_count + 63) / 64;
    vs->words = ud_calloc(vs->word_count ? vs->word_count : 1, sizeof(uint64_t));
    vs->rank = ud_calloc(vs->word_count + 1, sizeof(uint32_t));
    ud_arena arena;
    ud_arena_init(&arena);
    /* The bitmap is read as little-endian words: byte i holds docs 8i..8i+7
     * in either reading (the segment format is little-endian too). */
    ud_filter_principal_bits((uint8_t *)vs->words, view, principals, principal_count, &arena);
    ud_arena_dispose(&arena);
    if (h->doc_count % 64) /* the org-wide fast path fills whole bytes */
        vs->words[vs->word_count - 1] &= (1ULL << (h->doc_count % 64)) - 1;
    for (size_t w = 0; w < vs->word_count; w++)
        vs->rank[w + 1] = vs->rank[w] + ud_popcount64(vs->words[w]);
    vs->docs = vs->rank[vs->word_count];
    vs->every_chunk = vs->docs == h->doc_count;
    if (vs->every_chunk) {
        *len_text += h->total_len_text;
        *len_title += h->total_len_title;
        return;
    }
    if (vs->docs == view->live_docs) { /* every live chunk */
        *len_text += view->live_len_text;
        *len_title += view->live_len_title;
        return;
    }
    for (size_t w = 0; w < vs->word_count; w++)
        for (uint64_t bits = vs->words[w]; bits; bits &= bits - 1) {
            const ud_seg_doc *d =
                ud_segment_doc(seg, (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits)));
            *len_text += d->len_text;
            *len_title += d->len_title;
        }
}

int ud_visible_new(ud_visible **out, const ud_segment_view *views, size_t view_count,
                   const char *const *principals, size_t principal_count)
{
    ud_visible *v = ud_calloc(1, sizeof(*v));
    atomic_init(&v->refs, 1);
    v->views = views;
    v->view_count = view_count;
    v->segments = ud_calloc(view_count ? view_count : 1, sizeof(visible_segment));
    v->key = principals_key(&v->key_len, principals, principal_count);
    pthread_mutex_init(&v->lock, NULL);
    for (size_t i = 0; i < view_count; i++) {
        segment_init(&v->segments[i], &v->len_text, &v->len_title, &views[i], principals,
                     principal_count);
        v->docs += v->segments[i].docs;
    }
    *out = v;
    return 0;
}

void ud_visible_retain(ud_visible *v)
{
    atomic_fetch_add(&v->refs, 1);
}

void ud_visible_release(ud_visible *v)
{
    if (!v || atomic_fetch_sub(&v->refs, 1) != 1)
        return;
    for (size_t i = 0; i < v->view_count; i++) {
        free(v->segments[i].words);
        free(v->segments[i].rank);
    }
    for (size_t i = 0; i < v->table_size; i++)
        free(v->table[i].term);
    free(v->table);
    free(v->segments);
    free(v->key);
    pthread_mutex_destroy(&v->lock);
    free(v);
}

/* ---- reading it ----------------------------------------------------------------- */

const uint8_t *ud_visible_bits(const ud_visible *v, size_t view)
{
    return (const uint8_t *)v->segments[view].words;
}

bool ud_visible_every_chunk(const ud_visible *v, size_t view)
{
    return v->segments[view].every_chunk;
}

uint32_t ud_visible_next(const ud_visible *v, size_t view, uint32_t doc)
{
    const visible_segment *vs = &v->segments[view];
    if (doc >= vs->doc_count)
        return UD_DOC_END;
    size_t w = doc >> 6;
    uint64_t bits = vs->words[w] & (~0ULL << (doc & 63));
    while (!bits) {
        if (++w >= vs->word_count)
            return UD_DOC_END;
        bits = vs->words[w];
    }
    return (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits));
}

uint64_t ud_visible_docs(const ud_visible *v)
{
    return v->docs;
}

void ud_visible_lengths(const ud_visible *v, uint64_t *out_text, uint64_t *out_title)
{
    *out_text = v->len_text;
    *out_title = v->len_title;
}

/* The readable postings of one term in one segment. */
static int segment_df(uint64_t *out, const visible_segment *vs, const ud_segment *seg,
                      const ud_seg_term *t)
{
    *out = 0;
    if (vs->every_chunk) {
        *out = t->df;
        return 0;
    }
    if (vs->docs == 0)
        return 0;
    ud_postings p;
    ud_postings_init(&p, seg, t);
    uint64_t df = 0;
    for (uint32_t b = 0; b < p.block_count; b++) {
        const ud_seg_block *blk = &p.blocks[b];
        /* The block's postings lie in [lo, hi]: past the previous block's
         * last doc, up to its own. */
        uint64_t lo = b ? (uint64_t)p.blocks[b - 1].last_doc + 1 : 0;
        uint64_t hi = blk->last_doc;
        if (hi >= vs->doc_count || lo > hi)
            return ud_error_set(UD_ECORRUPT, "an index segment is damaged; run `unify reindex`");
        uint64_t readable = rank_at(vs, hi + 1) - rank_at(vs, lo);
        if (readable == 0)
            continue;
        if (readable == hi + 1 - lo) {
            df += blk->count;
            continue;
        }
        if (!ud_postings_read_block(&p, b))
            return ud_error_set(UD_ECORRUPT, "an index segment is damaged; run `unify reindex`");
        for (uint32_t i = 0; i < p.count; i++) {
            uint32_t d = p.docs[i];
            df += (vs->words[d >> 6] >> (d & 63)) & 1;
        }
    }
    *out = df;
    return 0;
}

static uint64_t hash_term(const char *term, size_t len)
{
    return ud_fnv1a64(term, len, UD_FNV64_INIT);
}

/* The slot of term in the table (its own, or the free one it would take).
 * The table is never full (see insert). */
static df_entry *find_slot(const ud_visible *v, const char *term, size_t len)
{
    size_t mask = v->table_size - 1;
    for (size_t i = (size_t)hash_term(term, len) & mask;; i = (i + 1) & mask) {
        df_entry *e = &v->table[i];
        if (!e->term || (e->len == len && memcmp(e->term, term, len) == 0))
            return e;
    }
}

static void insert(ud_visible *v, const char *term, size_t len, uint64_t df)
{
    if (v->table_used >= MAX_CACHED_TERMS)
        return;
    if (2 * (v->table_used + 1) > v->table_size) {
        df_entry *old = v->table;
        size_t old_size = v->table_size;
        v->table_size = old_size ? old_size * 2 : 64;
        v->table = ud_calloc(v->table_size, sizeof(df_entry));
        for (size_t i = 0; i < old_size; i++)
            if (old[i].term)
                *find_slot(v, old[i].term, old[i].len) = old[i];
        free(old);
    }
    df_entry *e = find_slot(v, term, len);
    if (e->term)
        return; /* another thread counted it meanwhile */
    e->term = ud_strndup(term, len);
    e->len = len;
    e->df = df;
    v->table_used++;
}

int ud_visible_df(uint64_t *out, ud_visible *v, const char *term, size_t len)
{
    pthread_mutex_lock(&v->lock);
    df_entry *cached = v->table_size ? find_slot(v, term, len) : NULL;
    bool hit = cached && cached->term;
    uint64_t df = hit ? cached->df : 0;
    pthread_mutex_unlock(&v->lock);
    if (hit) {
        *out = df;
        return 0;
    }
    /* Counted without the lock: two threads may count the same term, and
     * the second finds the first's entry when it inserts. */
    for (size_t i = 0; i < v->view_count; i++) {
        const ud_seg_term *t = ud_segment_term(v->views[i].segment, term, len);
        if (!t)
            continue;
        uint64_t n = 0;
        int rc = segment_df(&n, &v->segments[i], v->views[i].segment, t);
        if (rc < 0)
            return rc;
        df += n;
    }
    pthread_mutex_lock(&v->lock);
    insert(v, term, len, df);
    pthread_mutex_unlock(&v->lock);
    *out = df;
    return 0;
}

/* ---- the cache of a snapshot ------------------------------------------------------- */

struct ud_visible_cache {
    pthread_mutex_t lock;                    /* guards sets and count */
    ud_visible *sets[UD_VISIBLE_CACHE_SETS]; /* most recently used first */
    size_t count;
};

void ud_visible_cache_new(ud_visible_cache **out)
{
    ud_visible_cache *c = ud_calloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
}

void ud_visible_cache_free(ud_visible_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->count; i++)
        ud_visible_release(c->sets[i]);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* The cached set for key, moved to the front and retained, or NULL. */
static ud_visible *lookup(ud_visible_cache *c, const char *key, size_t key_len)
{
    for (size_t i = 0; i < c->count; i++) {
        ud_visible *v = c->sets[i];
        if (v->key_len != key_len || memcmp(v->key, key, key_len) != 0)
            continue;
        memmove(&c->sets[1], &c->sets[0], i * sizeof(ud_visible *));
        c->sets[0] = v;
        ud_visible_retain(v);
        return v;
    }
    return NULL;
}

int ud_visible_cache_get(ud_visible **out, ud_visible_cache *c, const ud_segment_view *views,
                         size_t view_count, const char *const *principals, size_t principal_count)
{
    size_t key_len = 0;
    char *key = principals_key(&key_len, principals, principal_count);
    pthread_mutex_lock(&c->lock);
    ud_visible *v = lookup(c, key, key_len);
    pthread_mutex_unlock(&c->lock);
    if (v) {
        free(key);
        *out = v;
        return 0;
    }
    /* Made without the lock (it reads every segment's bitmap); a thread
     * that made the same set meanwhile wins, and ours is dropped. */
    ud_visible *fresh = NULL;
    int rc = ud_visible_new(&fresh, views, view_count, principals, principal_count);
    if (rc < 0) {
        free(key);
        return rc;
    }
    pthread_mutex_lock(&c->lock);
    v = lookup(c, key, key_len);
    if (!v) {
        if (c->count == UD_VISIBLE_CACHE_SETS)
            ud_visible_release(c->sets[--c->count]);
        memmove(&c->sets[1], &c->sets[0], c->count * sizeof(ud_visible *));
        c->sets[0] = fresh;
        c->count++;
        ud_visible_retain(fresh);
        v = fresh;
        fresh = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    ud_visible_release(fresh);
    free(key);
    *out = v;
    return 0;
}
