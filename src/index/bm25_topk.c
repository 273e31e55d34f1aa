/*
 * Block-max WAND (Ding and Suel, 2011) over each segment in turn, sharing
 * one heap so that later segments start with the threshold the earlier ones
 * reached. See bm25_topk.h for the contract.
 */
#include "index/bm25_topk.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "index/filter.h"
#include "index/visible.h"

/* Bounds are nudged up so that rounding never makes a bound smaller than
 * the score it bounds. */
#define BOUND_SLACK (1.0 + 1e-9)
#define MAX_POSITIONS 1024

typedef struct scoring {
    double k1, b, w, avgdl;
} scoring;

static double term_score(const scoring *s, double idf, double tf, double dl)
{
    if (tf <= 0)
        return 0;
    double norm = s->k1 * (1.0 - s->b + s->b * dl / s->avgdl);
    return idf * tf * (s->k1 + 1.0) / (tf + norm);
}

static double block_bound(const scoring *s, double idf, const ud_seg_block *blk)
{
    double tf = blk->max_tf_text + s->w * blk->max_tf_title;
    double dl = blk->min_len_text + s->w * blk->min_len_title;
    return term_score(s, idf, tf, dl) * BOUND_SLACK;
}

typedef struct cursor {
    ud_postings postings;
    const ud_query_term *term;
    double idf;
    double bound; /* over all its blocks in this segment */
    bool scoring;
} cursor;

/* ---- the heap of the best k --------------------------------------------- */

typedef struct heap {
    ud_index_hit *items;
    size_t count;
    size_t k;
} heap;

/* a is worse than b: lower score, or equal score and later. */
static bool worse(const ud_index_hit *a, const ud_index_hit *b)
{
    if (a->score != b->score)
        return a->score < b->score;
    if (a->view != b->view)
        return a->view > b->view;
    return a->doc > b->doc;
}

static void heap_push(heap *h, ud_index_hit hit)
{
    if (h->count == h->k) {
        if (!worse(&h->items[0], &hit))
            return;
        h->items[0] = hit; /* replace the worst, sift down */
        size_t i = 0;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < h->count && worse(&h->items[l], &h->items[m]))
                m = l;
            if (r < h->count && worse(&h->items[r], &h->items[m]))
                m = r;
            if (m == i)
                break;
            ud_index_hit t = h->items[i];
            h->items[i] = h->items[m];
            h->items[m] = t;
            i = m;
        }
        return;
    }
    size_t i = h->count++;
    h->items[i] = hit;
    while (i > 0 && worse(&h->items[i], &h->items[(i - 1) / 2])) {
        ud_index_hit t = h->items[i];
        h->items[i] = h->items[(i - 1) / 2];
        h->items[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

static double threshold(const heap *h)
{
    return h->count == h->k ? h->items[0].score : -1.0;
}

static int compare_hits(const void *a, const void *b)
{
    const ud_index_hit *x = a, *y = b;
    if (worse(x, y))
        return 1;
    if (worse(y, x))
        return -1;
    return 0;
}

/* ---- phrases ------------------------------------------------------------- */

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Whether the phrase occurs in doc: every term at its offset from the
 * first. Cursors of the phrase's terms are advanced to doc. The first
 * term's positions are the candidate starts; each other term's positions
 * are read once and keep the starts they continue. */
static bool phrase_matches(const ud_query_phrase *ph, cursor *cursors, uint32_t doc,
                           uint32_t *starts, uint32_t *other)
{
    for (size_t j = 0; j < ph->count; j++) {
        ud_postings *p = &cursors[ph->terms[j]].postings;
        ud_postings_advance(p, doc);
        if (p->doc != doc)
            return false;
    }
    int n_first = ud_postings_positions(&cursors[ph->terms[0]].postings, starts, MAX_POSITIONS);
    if (n_first <= 0)
        return false;
    size_t live = (size_t)n_first < MAX_POSITIONS ? (size_t)n_first : MAX_POSITIONS;
    for (size_t j = 1; j < ph->count && live > 0; j++) {
        int n = ud_postings_positions(&cursors[ph->terms[j]].postings, other, MAX_POSITIONS);
        if (n <= 0)
            return false;
        size_t m = (size_t)n < MAX_POSITIONS ? (size_t)n : MAX_POSITIONS;
        size_t kept = 0;
        for (size_t i = 0; i < live; i++) {
            uint32_t want = starts[i] + ph->offsets[j];
            if (bsearch(&want, other, m, sizeof(uint32_t), compare_u32))
                starts[kept++] = starts[i];
        }
        live = kept;
    }
    return live > 0;
}

/* ---- one segment ---------------------------------------------------------- */

typedef struct segment_search {
    const ud_segment_view *view;
    uint32_t view_index;
    const ud_query *q;
    const scoring *s;
    cursor *cursors; /* one per query term */
    size_t cursor_count;
    cursor **order; /* scoring cursors, sorted by current doc */
    size_t order_count;
    const uint8_t *allowed;
    heap *heap;
    ud_topk_stats *stats;
    uint32_t *pos_a, *pos_b;
    bool corrupt;
} segment_search;

/* Insertion sort of the scoring cursors (few, and nearly sorted from one
 * step of WAND to the next) by current doc, or by length for the
 * conjunction. */
static inline uint32_t sort_key(const cursor *c, bool by_doc)
{
    return by_doc ? c->postings.doc : c->postings.block_count;
}

static inline void sort_order(segment_search *ss, bool by_doc)
{
    for (size_t i = 1; i < ss->order_count; i++) {
        cursor *c = ss->order[i];
        size_t j = i;
        while (j > 0 && sort_key(ss->order[j - 1], by_doc) > sort_key(c, by_doc)) {
            ss->order[j] = ss->order[j - 1];
            j--;
        }
        ss->order[j] = c;
    }
}

/* An upper bound of doc's score from what the postings already hold: the
 * term frequencies of the cursors sitting on it, with the shortest field
 * lengths of their blocks (a score only falls as a document grows). It
 * spares the document table, a cache miss per candidate on a large
 * segment, for most of the candidates that the block maxima let through. */
static double candidate_bound(segment_search *ss, uint32_t doc)
{
    double bound = 0;
    for (size_t i = 0; i < ss->cursor_count; i++) {
        cursor *c = &ss->cursors[i];
        if (!c->scoring || c->postings.doc != doc)
            continue;
        const ud_seg_block *blk = &c->postings.blocks[c->postings.block];
        double tf =
            ud_postings_tf_text(&c->postings) + ss->s->w * ud_postings_tf_title(&c->postings);
        double dl = blk->min_len_text + ss->s->w * blk->min_len_title;
        bound += c->term->weight * term_score(ss->s, c->idf, tf, dl);
    }
    return bound * BOUND_SLACK;
}

/* Full evaluation of one candidate that all scoring cursors up to the
 * pivot sit on. */
static void evaluate(segment_search *ss, uint32_t doc)
{
    const ud_query *q = ss->q;
    double theta = threshold(ss->heap);
    if (theta >= 0 && candidate_bound(ss, doc) <= theta)
        return;
    if (!ud_filter_accepts(ss->view, q, ss->allowed, doc)) {
        ss->stats->filtered++;
        return;
    }
    const ud_seg_doc *d = ud_segment_doc(ss->view->segment, doc);
    for (size_t i = 0; i < ss->cursor_count; i++) {
        cursor *c = &ss->cursors[i];
        if (c->term->kind == UD_TERM_REQUIRED || c->term->kind == UD_TERM_EXCLUDED) {
            ud_postings_advance(&c->postings, doc);
            bool present = c->postings.doc == doc;
            if (present != (c->term->kind == UD_TERM_REQUIRED))
                return;
        }
    }
    for (size_t i = 0; i < q->phrase_count; i++)
        if (phrase_matches(&q->phrases[i], ss->cursors, doc, ss->pos_a, ss->pos_b) ==
            q->phrases[i].excluded)
            return;
    double dl = d->len_text + ss->s->w * d->len_title;
    double score = 0;
    for (size_t i = 0; i < ss->cursor_count; i++) {
        cursor *c = &ss->cursors[i];
        if (!c->scoring || c->postings.doc != doc)
            continue;
        double tf =
            ud_postings_tf_text(&c->postings) + ss->s->w * ud_postings_tf_title(&c->postings);
        score += c->term->weight * term_score(ss->s, c->idf, tf, dl);
    }
    ss->stats->scored++;
    heap_push(ss->heap, (ud_index_hit){ss->view_index, doc, score});
}

/* Every scoring term is required: leapfrog over the postings instead of
 * visiting the union. The rarest term proposes each candidate; it is first
 * checked against the maxima of the blocks that would hold it, without
 * decoding them, and skipped with the shortest of those blocks when they
 * cannot beat the heap; only then are the other cursors moved to it, and
 * the first that overshoots names the next candidate. */
static void run_conjunction(segment_search *ss)
{
    /* Rarest first: a common term's cursor is moved (and a block of it
     * decoded) only for the rare term's documents. */
    sort_order(ss, false);
    ud_postings *rarest = &ss->order[0]->postings;
    uint32_t target = 0;
    for (;;) {
        ud_postings_advance(rarest, target);
        if (rarest->corrupt) {
            ss->corrupt = true;
            return;
        }
        if (rarest->doc == UD_DOC_END)
            return;
        target = rarest->doc;
        /* Past the chunks the caller may not read without looking at
         * them, so their number does not show in the time taken. */
        uint32_t readable = ud_visible_next(ss->q->visible, ss->view_index, target);
        if (readable != target) {
            if (readable == UD_DOC_END)
                return;
            target = readable;
            continue;
        }
        double theta = threshold(ss->heap);
        if (theta >= 0) {
            double block_sum = 0;
            uint64_t next = UINT64_MAX;
            for (size_t i = 0; i < ss->order_count; i++) {
                const ud_seg_block *blk = ud_postings_block_for(&ss->order[i]->postings, target);
                if (!blk)
                    return;
                block_sum +=
                    ss->order[i]->term->weight * block_bound(ss->s, ss->order[i]->idf, blk);
                if ((uint64_t)blk->last_doc + 1 < next)
                    next = (uint64_t)blk->last_doc + 1;
            }
            if (block_sum <= theta) {
                if (next >= UD_DOC_END)
                    return;
                target = (uint32_t)next;
                continue;
            }
        }
        bool aligned = true;
        for (size_t i = 1; i < ss->order_count && aligned; i++) {
            ud_postings *p = &ss->order[i]->postings;
            ud_postings_advance(p, target);
            if (p->corrupt) {
                ss->corrupt = true;
                return;
            }
            if (p->doc == UD_DOC_END)
                return;
            if (p->doc != target) {
                target = p->doc;
                aligned = false;
            }
        }
        if (!aligned)
            continue;
        evaluate(ss, target);
        for (size_t i = 0; i < ss->order_count; i++)
            if (ss->order[i]->postings.corrupt) {
                ss->corrupt = true;
                return;
            }
        target++;
    }
}

static void run_wand(segment_search *ss)
{
    for (;;) {
        sort_order(ss, true);
        double theta = threshold(ss->heap);
        /* Pivot: the first cursor at which the bounds so far beat theta. */
        double acc = 0;
        size_t pivot = ss->order_count;
        for (size_t i = 0; i < ss->order_count; i++) {
            if (ss->order[i]->postings.doc == UD_DOC_END)
                break;
            acc += ss->order[i]->bound;
            if (acc > theta) {
                pivot = i;
                break;
            }
        }
        if (pivot == ss->order_count)
            return;
        uint32_t pivot_doc = ss->order[pivot]->postings.doc;
        /* Cursors past the pivot that sit on the same doc count too. */
        while (pivot + 1 < ss->order_count && ss->order[pivot + 1]->postings.doc == pivot_doc)
            pivot++;
        /* Nothing before pivot_doc can beat theta, and nothing from it up
         * to the next chunk the caller may read is a result: the cursors
         * up to the pivot jump there (over whole blocks, undecoded), so a
         * word's hidden chunks cost neither scoring nor decoding. */
        uint32_t readable = ud_visible_next(ss->q->visible, ss->view_index, pivot_doc);
        if (readable != pivot_doc) {
            for (size_t i = 0; i <= pivot; i++)
                ud_postings_advance(&ss->order[i]->postings, readable);
            for (size_t i = 0; i <= pivot; i++)
                if (ss->order[i]->postings.corrupt)
                    ss->corrupt = true;
            if (ss->corrupt)
                return;
            continue;
        }
        /* Block-max check: the blocks holding pivot_doc. */
        double block_sum = 0;
        uint64_t next = UINT64_MAX;
        for (size_t i = 0; i <= pivot; i++) {
            const ud_seg_block *blk = ud_postings_block_for(&ss->order[i]->postings, pivot_doc);
            if (!blk)
                continue;
            block_sum += ss->order[i]->term->weight * block_bound(ss->s, ss->order[i]->idf, blk);
            if ((uint64_t)blk->last_doc + 1 < next)
                next = (uint64_t)blk->last_doc + 1;
        }
        if (block_sum <= theta) {
            /* Nothing up to the end of the shortest of those blocks can
             * win; nor before the next cursor past the pivot. */
            if (pivot + 1 < ss->order_count && ss->order[pivot + 1]->postings.doc < next)
                next = ss->order[pivot + 1]->postings.doc;
            if (next <= pivot_doc)
                next = (uint64_t)pivot_doc + 1;
            uint32_t target = next >= UD_DOC_END ? UD_DOC_END : (uint32_t)next;
            for (size_t i = 0; i <= pivot; i++)
                ud_postings_advance(&ss->order[i]->postings, target);
        } else if (ss->order[0]->postings.doc == pivot_doc) {
            evaluate(ss, pivot_doc);
            for (size_t i = 0; i < ss->order_count; i++)
                if (ss->order[i]->postings.doc == pivot_doc)
                    ud_postings_next(&ss->order[i]->postings);
        } else {
            for (size_t i = 0; i < pivot; i++)
                if (ss->order[i]->postings.doc < pivot_doc)
                    ud_postings_advance(&ss->order[i]->postings, pivot_doc);
        }
        for (size_t i = 0; i < ss->order_count; i++)
            if (ss->order[i]->postings.corrupt)
                ss->corrupt = true;
        if (ss->corrupt)
            return;
    }
}

bool ud_query_matches(const ud_segment_view *view, const ud_query *q, uint32_t doc, ud_arena *arena)
{
    bool boolean = q->phrase_count > 0;
    for (size_t i = 0; i < q->term_count && !boolean; i++)
        boolean = q->terms[i].kind == UD_TERM_REQUIRED || q->terms[i].kind == UD_TERM_EXCLUDED;
    if (!boolean)
        return true;
    cursor *cursors = ud_arena_alloc(arena, q->term_count * sizeof(cursor));
    for (size_t i = 0; i < q->term_count; i++) {
        const ud_seg_term *t = ud_segment_term(view->segment, q->terms[i].text, q->terms[i].len);
        ud_postings_init(&cursors[i].postings, view->segment, t);
        cursors[i].term = &q->terms[i];
        if (q->terms[i].kind == UD_TERM_REQUIRED || q->terms[i].kind == UD_TERM_EXCLUDED) {
            ud_postings_advance(&cursors[i].postings, doc);
            bool present = cursors[i].postings.doc == doc;
            if (present != (q->terms[i].kind == UD_TERM_REQUIRED))
                return false;
        }
    }
    uint32_t *pos_a = ud_arena_alloc(arena, MAX_POSITIONS * sizeof(uint32_t));
    uint32_t *pos_b = ud_arena_alloc(arena, MAX_POSITIONS * sizeof(uint32_t));
    for (size_t i = 0; i < q->phrase_count; i++)
        if (phrase_matches(&q->phrases[i], cursors, doc, pos_a, pos_b) == q->phrases[i].excluded)
            return false;
    return true;
}

void ud_segment_view_init(ud_segment_view *view, const ud_segment *segment, const uint8_t *deleted)
{
    const ud_seg_header *h = ud_segment_header(segment);
    view->segment = segment;
    view->deleted = deleted;
    view->live_docs = h->doc_count;
    view->live_len_text = h->total_len_text;
    view->live_len_title = h->total_len_title;
    if (!deleted)
        return;
    for (uint32_t d = 0; d < h->doc_count; d++) {
        if (!((deleted[d >> 3] >> (d & 7)) & 1))
            continue;
        const ud_seg_doc *doc = ud_segment_doc(segment, d);
        view->live_docs--;
        view->live_len_text -= doc->len_text;
        view->live_len_title -= doc->len_title;
    }
}

int ud_bm25_topk(ud_index_hit **out, size_t *out_count, const ud_segment_view *views,
                 size_t view_count, const ud_query *query, const ud_bm25_params *params,
                 size_t top_k, ud_arena *arena, ud_topk_stats *stats)
{
    ud_topk_stats local = {0};
    if (!stats)
        stats = &local;
    *out = NULL;
    *out_count = 0;
    if (top_k == 0 || query->term_count == 0)
        return 0;

    /* Without a visible set from the snapshot's cache, one for this
     * search: the statistics must be the caller's either way. */
    const ud_query *q = query;
    ud_visible *own = NULL;
    int rc = 0;
    if (!q->visible) {
        rc = ud_visible_new(&own, views, view_count, q->principals, q->principal_count);
        if (rc < 0)
            return rc;
        ud_query *with = ud_arena_alloc(arena, sizeof(*with));
        *with = *q;
        with->visible = own;
        q = with;
    }

    /* Collection statistics over the chunks the caller may read (visible.h):
     * N, the field lengths and each scoring term's df. */
    uint64_t n = ud_visible_docs(q->visible), len_text = 0, len_title = 0;
    ud_visible_lengths(q->visible, &len_text, &len_title);
    if (n == 0)
        goto done;
    scoring s = {params->k1, params->b, params->title_weight, 0};
    s.avgdl = ((double)len_text + s.w * (double)len_title) / (double)n;
    if (s.avgdl <= 0)
        s.avgdl = 1;
    double *idf = ud_arena_alloc(arena, q->term_count * sizeof(double));
    for (size_t i = 0; i < q->term_count; i++) {
        if (q->terms[i].kind != UD_TERM_OPTIONAL && q->terms[i].kind != UD_TERM_REQUIRED)
            continue; /* never scores */
        uint64_t df = 0;
        rc = ud_visible_df(&df, q->visible, q->terms[i].text, q->terms[i].len);
        if (rc < 0)
            goto done;
        double dfd = df < n ? (double)df : (double)n;
        idf[i] = log(1.0 + ((double)n - dfd + 0.5) / (dfd + 0.5));
    }

    heap h = {ud_arena_alloc(arena, top_k * sizeof(ud_index_hit)), 0, top_k};
    cursor *cursors = ud_arena_alloc(arena, q->term_count * sizeof(cursor));
    cursor **order = ud_arena_alloc(arena, q->term_count * sizeof(cursor *));
    uint32_t *pos_a = ud_arena_alloc(arena, MAX_POSITIONS * sizeof(uint32_t));
    uint32_t *pos_b = ud_arena_alloc(arena, MAX_POSITIONS * sizeof(uint32_t));
    bool corrupt = false;
    for (size_t v = 0; v < view_count && !corrupt; v++) {
        const ud_segment *seg = views[v].segment;
        segment_search ss = {&views[v], (uint32_t)v, q,  &s,    cursors, q->term_count, order,
                             0,         NULL,        &h, stats, pos_a,   pos_b,         false};
        bool has_scoring = false;
        for (size_t i = 0; i < q->term_count; i++) {
            cursor *c = &cursors[i];
            const ud_seg_term *t = ud_segment_term(seg, q->terms[i].text, q->terms[i].len);
            ud_postings_init(&c->postings, seg, t);
            c->term = &q->terms[i];
            c->idf = idf[i];
            c->scoring =
                q->terms[i].kind == UD_TERM_OPTIONAL || q->terms[i].kind == UD_TERM_REQUIRED;
            c->bound = 0;
            if (c->scoring) {
                order[ss.order_count++] = c;
                has_scoring |= t != NULL;
            }
            if (c->postings.corrupt)
                corrupt = true;
            /* A required term this segment lacks: nothing here matches. */
            if (!t && q->terms[i].kind == UD_TERM_REQUIRED)
                has_scoring = false, i = q->term_count;
        }
        if (!has_scoring || corrupt)
            continue;
        ss.allowed = ud_filter_allowed_shared(&views[v], v, q, arena);
        bool conjunctive = ss.order_count > 0;
        for (size_t i = 0; i < ss.order_count; i++)
            conjunctive &= ss.order[i]->term->kind == UD_TERM_REQUIRED;
        if (conjunctive) {
            run_conjunction(&ss);
        } else {
            /* WAND's pivot needs each term's bound over all its blocks
             * (the conjunction only looks at the blocks it visits). */
            for (size_t i = 0; i < ss.order_count; i++) {
                cursor *c = ss.order[i];
                for (uint32_t b = 0; b < c->postings.block_count; b++) {
                    double bb = c->term->weight * block_bound(&s, c->idf, &c->postings.blocks[b]);
                    if (bb > c->bound)
                        c->bound = bb;
                }
            }
            run_wand(&ss);
        }
        corrupt |= ss.corrupt;
    }
    if (corrupt) {
        rc = ud_error_set(UD_ECORRUPT, "an index segment is damaged; run `unify reindex`");
        goto done;
    }
    qsort(h.items, h.count, sizeof(ud_index_hit), compare_hits);
    *out = h.items;
    *out_count = h.count;
done:
    ud_visible_release(own);
    return rc;
}
