/*
 * Fusion and rerank (see hybrid.h).
 */
#include "index/hybrid.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index/dot.h"
#include "index/vector_search.h"

#define RECENCY_WEIGHT 0.1
#define RECENCY_DAYS 30.0
#define PHRASE_BOOST 1.2
/* Phrase checks need the chunk's text analysed: only the best few. */
#define PHRASE_CHECK_FACTOR 3

static const char *const MODES[] = {"hybrid", "bm25", "vector"};
static const char *const FUSIONS[] = {"weighted", "rrf", "weighted-union"};

int ud_search_mode_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, MODES[i]) == 0)
            return i;
    return -1;
}

int ud_fusion_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (name && strcmp(name, FUSIONS[i]) == 0)
            return i;
    return -1;
}

const char *ud_search_mode_name(ud_search_mode mode)
{
    return MODES[mode];
}

double ud_source_factor(const ud_source_weight *weights, size_t count, const char *source_type,
                        size_t source_type_len)
{
    for (size_t i = 0; i < count; i++) {
        const char *name = weights[i].source_type;
        if (!name || strlen(name) != source_type_len ||
            memcmp(name, source_type, source_type_len) != 0)
            continue;
        double m = weights[i].multiplier;
        if (!isfinite(m))
            return 1;
        return m < UD_SOURCE_WEIGHT_MIN   ? UD_SOURCE_WEIGHT_MIN
               : m > UD_SOURCE_WEIGHT_MAX ? UD_SOURCE_WEIGHT_MAX
                                          : m;
    }
    return 1;
}

void ud_rank_opts_default(ud_rank_opts *out)
{
    memset(out, 0, sizeof(*out));
    out->mode = UD_MODE_HYBRID;
    /* Measured on four test collections (docs/quality.md): the static
     * vectors' own candidates cost more than they find, so the default
     * lets them reorder the BM25 candidates only, with a tenth of the
     * weight: at or above BM25 on every set. Reciprocal rank fusion and
     * equal weights lose. */
    out->fusion = UD_FUSION_WEIGHTED;
    out->candidates = 100;
    out->vector_weight = 0.1;
    out->rrf_k = 60;
    out->rerank = true;
    ud_bm25_params_default(&out->bm25);
}

static ud_ranked *find_or_add(ud_ranked *list, size_t *count, uint32_t view, uint32_t doc)
{
    for (size_t i = 0; i < *count; i++)
        if (list[i].view == view && list[i].doc == doc)
            return &list[i];
    ud_ranked *r = &list[(*count)++];
    memset(r, 0, sizeof(*r));
    r->view = view;
    r->doc = doc;
    return r;
}

static void min_max(const ud_index_hit *hits, size_t n, double *lo, double *hi)
{
    *lo = n ? hits[n - 1].score : 0;
    *hi = n ? hits[0].score : 0;
}

static double normalise(double x, double lo, double hi)
{
    return hi > lo ? (x - lo) / (hi - lo) : 1.0;
}

static int by_similarity_desc(const void *a, const void *b)
{
    const ud_ranked *x = *(const ud_ranked *const *)a, *y = *(const ud_ranked *const *)b;
    if (x->similarity != y->similarity)
        return x->similarity > y->similarity ? -1 : 1;
    return x->bm25_rank < y->bm25_rank ? -1 : x->bm25_rank > y->bm25_rank;
}

/* Weighted fusion within the BM25 candidates: each gets its similarity to
 * the query (from its segment's float32 vector) and that similarity's rank
 * among them; lo and hi span the similarities found. */
static void score_candidates(ud_ranked *list, size_t count, const ud_segment_view *views,
                             const float *vector, uint32_t dims, double *lo, double *hi,
                             ud_arena *arena)
{
    ud_ranked **with = ud_arena_alloc(arena, (count + 1) * sizeof(ud_ranked *));
    size_t n = 0;
    float *x = ud_arena_alloc(arena, dims * sizeof(float));
    for (size_t i = 0; i < count; i++) {
        /* Read, not mapped: see ud_segment_read_vector. */
        const ud_segment *seg = views[list[i].view].segment;
        if (ud_segment_vector_dims(seg) != dims || !ud_segment_read_vector(seg, list[i].doc, x))
            continue;
        list[i].similarity = ud_dot(x, vector, dims);
        with[n++] = &list[i];
    }
    qsort(with, n, sizeof(ud_ranked *), by_similarity_desc);
    for (size_t i = 0; i < n; i++)
        with[i]->vector_rank = (uint32_t)(i + 1);
    *lo = n ? with[n - 1]->similarity : 0;
    *hi = n ? with[0]->similarity : 0;
}

/* The query's words as one phrase, to be checked against the positions in
 * the index (ud_query_matches) rather than by analysing each candidate's
 * stored text again, which was most of a hybrid search's time. NULL when
 * the words cannot make a phrase query (fewer than two, or more than a
 * phrase may hold: a verbatim match of that length is not worth a walk). */
static ud_query *phrase_query(ud_arena *arena, const ud_term *words, size_t count)
{
    if (count < 2 || count > UD_QUERY_MAX_PHRASE_TERMS)
        return NULL;
    ud_query *pq = ud_arena_alloc(arena, sizeof(*pq)); /* zeroed */
    ud_query_phrase *ph = &pq->phrases[0];
    for (size_t j = 0; j < count; j++) {
        size_t t = 0;
        while (t < pq->term_count && strcmp(pq->terms[t].text, words[j].text) != 0)
            t++;
        if (t == pq->term_count)
            pq->terms[pq->term_count++] =
                (ud_query_term){words[j].text, words[j].len, UD_TERM_CHECK_ONLY, 1};
        ph->terms[j] = t;
        ph->offsets[j] = (uint32_t)(words[j].position - words[0].position);
    }
    ph->count = count;
    pq->phrase_count = 1;
    return pq;
}

static int compare_ranked(const void *a, const void *b)
{
    const ud_ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->view != y->view)
        return x->view < y->view ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

int ud_rank(ud_ranked **out, size_t *out_count, const ud_segment_view *views, size_t view_count,
            const ud_query *q, const char *phrase_text, const float *vector, uint32_t dims,
            const ud_rank_opts *opts, size_t top_k, ud_analyzer *analyzer, ud_arena *arena)
{
    *out = NULL;
    *out_count = 0;
    size_t n = opts->candidates > top_k ? opts->candidates : top_k;
    bool use_bm25 = opts->mode != UD_MODE_VECTOR || !vector;
    bool use_vector = opts->mode != UD_MODE_BM25 && vector;
    bool fuse = use_bm25 && use_vector;
    /* Weighted fusion needs no vector list: only the BM25 candidates'. */
    bool within_bm25 = fuse && opts->fusion == UD_FUSION_WEIGHTED;
    ud_index_hit *bm = NULL, *vec = NULL;
    size_t bm_count = 0, vec_count = 0;
    int rc = 0;
    if (use_bm25)
        rc = ud_bm25_topk(&bm, &bm_count, views, view_count, q, &opts->bm25,
                          opts->mode == UD_MODE_BM25 ? top_k : n, arena, NULL);
    if (rc == 0 && use_vector && !within_bm25)
        rc = ud_vector_topk(&vec, &vec_count, views, view_count, q, vector, dims,
                            opts->mode == UD_MODE_VECTOR ? top_k : n, arena);
    if (rc < 0)
        return rc;

    ud_ranked *list = ud_arena_alloc(arena, (bm_count + vec_count + 1) * sizeof(ud_ranked));
    size_t count = 0;
    double bm_lo, bm_hi, vec_lo, vec_hi;
    min_max(bm, bm_count, &bm_lo, &bm_hi);
    min_max(vec, vec_count, &vec_lo, &vec_hi);
    for (size_t i = 0; i < bm_count; i++) {
        ud_ranked *r = find_or_add(list, &count, bm[i].view, bm[i].doc);
        r->bm25 = bm[i].score;
        r->bm25_rank = (uint32_t)(i + 1);
    }
    for (size_t i = 0; i < vec_count; i++) {
        /* Close in meaning is not enough when the query says +must, -not
         * or "a phrase". Ranks stay those of the full vector list. */
        if (!ud_query_matches(&views[vec[i].view], q, vec[i].doc, arena))
            continue;
        ud_ranked *r = find_or_add(list, &count, vec[i].view, vec[i].doc);
        r->similarity = vec[i].score;
        r->vector_rank = (uint32_t)(i + 1);
    }
    if (within_bm25)
        score_candidates(list, count, views, vector, dims, &vec_lo, &vec_hi, arena);
    for (size_t i = 0; i < count; i++) {
        ud_ranked *r = &list[i];
        if (!fuse) {
            r->fused = use_bm25 ? r->bm25 : r->similarity;
        } else if (opts->fusion == UD_FUSION_RRF) {
            r->fused = (r->bm25_rank ? 1.0 / (opts->rrf_k + r->bm25_rank) : 0) +
                       (r->vector_rank ? 1.0 / (opts->rrf_k + r->vector_rank) : 0);
        } else {
            double b = r->bm25_rank ? normalise(r->bm25, bm_lo, bm_hi) : 0;
            double v = r->vector_rank ? normalise(r->similarity, vec_lo, vec_hi) : 0;
            r->fused = (1 - opts->vector_weight) * b + opts->vector_weight * v;
        }
        r->recency = 1;
        r->phrase = 1;
        r->source = 1;
        if (opts->rerank) {
            int64_t updated = ud_segment_doc(views[r->view].segment, r->doc)->updated_at;
            if (updated > 0 && opts->now > 0) {
                double days = (double)(opts->now - updated) / 86400.0;
                if (days < 0)
                    days = 0;
                r->recency = 1 + RECENCY_WEIGHT * exp(-days / RECENCY_DAYS);
            }
            if (opts->source_weight_count) {
                ud_str source;
                rc = ud_segment_source_type(&source, views[r->view].segment, arena, r->doc);
                if (rc < 0)
                    return rc;
                r->source = ud_source_factor(opts->source_weights, opts->source_weight_count,
                                             source.ptr, source.len);
            }
        }
        /* The source preference counts before the phrase check, so that
         * the check looks at the candidates the caller is likeliest to see. */
        r->score = r->fused * r->recency * r->source;
    }
    qsort(list, count, sizeof(ud_ranked), compare_ranked);

    /* Phrase boost on the leading candidates. */
    ud_term *phrase = NULL;
    size_t phrase_count = 0;
    if (opts->rerank && phrase_text)
        rc = ud_analyze(&phrase, &phrase_count, analyzer, arena, phrase_text, strlen(phrase_text));
    if (rc < 0)
        return rc;
    ud_query *pq = phrase_query(arena, phrase, phrase_count);
    if (pq) {
        size_t check = top_k * PHRASE_CHECK_FACTOR < count ? top_k * PHRASE_CHECK_FACTOR : count;
        for (size_t i = 0; i < check; i++) {
            if (ud_query_matches(&views[list[i].view], pq, list[i].doc, arena)) {
                list[i].phrase = PHRASE_BOOST;
                list[i].score *= PHRASE_BOOST;
            }
        }
        qsort(list, check, sizeof(ud_ranked), compare_ranked);
    }
    *out = list;
    *out_count = count < top_k ? count : top_k;
    return 0;
}

void *ud_rank_explain_json(const ud_ranked *r)
{
    return json_pack("{s:f,s:o,s:f,s:o,s:f,s:f,s:f,s:f,s:f}", "bm25", r->bm25, "bm25_rank",
                     r->bm25_rank ? json_integer(r->bm25_rank) : json_null(), "similarity",
                     r->similarity, "vector_rank",
                     r->vector_rank ? json_integer(r->vector_rank) : json_null(), "fused", r->fused,
                     "recency", r->recency, "phrase", r->phrase, "source", r->source, "score",
                     r->score);
}
