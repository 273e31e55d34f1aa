/*
 * Ranking as the product does it: BM25 top-N and vector top-N, fused
 * (reciprocal rank fusion or a normalised weighted sum), then the spec's
 * rerank: a recency boost 1 + 0.1 exp(-days / 30), a boost of 1.2 when the
 * query's words appear as a phrase in the chunk, and the caller's
 * preference for the chunk's source type (a multiplier from the user's
 * settings). Every factor is kept with the result, so `--explain` can show
 * how a score came about.
 */
#ifndef UD_INDEX_HYBRID_H
#define UD_INDEX_HYBRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/analyzer.h"
#include "index/bm25_topk.h"
#include "index/query.h"

/* Zero is the default of each. Fusions:
 *   weighted        the BM25 candidates, each scored by a weighted sum of
 *                   its min-max normalised BM25 score and similarity to the
 *                   query: the vectors reorder the lexical candidates but
 *                   bring in none of their own (measured best with the
 *                   static vectors, docs/quality.md)
 *   rrf             reciprocal rank fusion of the BM25 and vector lists
 *   weighted-union  the weighted sum over both lists, a chunk missing
 *                   from one scoring 0 there */
typedef enum { UD_MODE_HYBRID, UD_MODE_BM25, UD_MODE_VECTOR } ud_search_mode;
typedef enum { UD_FUSION_WEIGHTED, UD_FUSION_RRF, UD_FUSION_WEIGHTED_UNION } ud_fusion;

/* "bm25" | "vector" | "hybrid" and "weighted" | "rrf" | "weighted-union";
 * -1 if unknown. */
int ud_search_mode_parse(const char *name);
int ud_fusion_parse(const char *name);
const char *ud_search_mode_name(ud_search_mode mode);

/* A preference for one source type: the scores of its chunks are
 * multiplied by `multiplier`, clamped to [UD_SOURCE_WEIGHT_MIN,
 * UD_SOURCE_WEIGHT_MAX] so that a preference reorders results without
 * burying the others; 1 is neutral, and so is a source not listed (or a
 * multiplier that is not a finite number). When a source is listed twice,
 * the first entry counts. */
typedef struct ud_source_weight {
    const char *source_type; /* "slack", "gmail", "file", ... */
    double multiplier;
} ud_source_weight;

#define UD_SOURCE_WEIGHT_MIN 0.5
#define UD_SOURCE_WEIGHT_MAX 2.0

/* The factor a list of weights gives a source type (see above). */
double ud_source_factor(const ud_source_weight *weights, size_t count, const char *source_type,
                        size_t source_type_len);

typedef struct ud_rank_opts {
    ud_search_mode mode;
    ud_fusion fusion;
    size_t candidates;    /* from each list; default 100 */
    double vector_weight; /* weighted fusions: share of the vector score, default 0.1 */
    double rrf_k;         /* default 60 */
    bool rerank;          /* apply the recency, phrase and source factors */
    int64_t now;          /* for recency; Unix seconds */
    ud_bm25_params bm25;
    /* The caller's source preferences (borrowed), applied with the rerank. */
    const ud_source_weight *source_weights;
    size_t source_weight_count;
} ud_rank_opts;

void ud_rank_opts_default(ud_rank_opts *out);

typedef struct ud_ranked {
    uint32_t view;
    uint32_t doc;
    double bm25;        /* 0 if not in the BM25 list */
    uint32_t bm25_rank; /* 1-based, 0 if absent */
    double similarity;  /* cosine, 0 if not in the vector list */
    /* 1-based, 0 if absent; in weighted fusion, the rank of the similarity
     * among the BM25 candidates (0 for a chunk without a vector). */
    uint32_t vector_rank;
    double fused;
    double recency; /* factor, 1 without rerank */
    double phrase;  /* factor, 1 or 1.2 */
    double source;  /* factor of the caller's source preference, 1 without one */
    double score;   /* fused x recency x phrase x source */
} ud_ranked;

/* Ranks the candidates of the query (and of `vector`, the query's embedding,
 * NULL when there is none: hybrid then falls back to BM25). phrase_text is
 * the query's plain words, for the phrase boost. Results best first. */
int ud_rank(ud_ranked **out, size_t *out_count, const ud_segment_view *views, size_t view_count,
            const ud_query *query, const char *phrase_text, const float *vector, uint32_t dims,
            const ud_rank_opts *opts, size_t top_k, ud_analyzer *analyzer,
            ud_arena *arena) UD_MUST_CHECK;

/* The factors of one result as a JSON object (a json_t *, new reference):
 * {"bm25", "bm25_rank", "similarity", "vector_rank", "fused", "recency",
 * "phrase", "source", "score"}; ranks are null when the result was not in
 * that list. */
void *ud_rank_explain_json(const ud_ranked *ranked);

#endif
