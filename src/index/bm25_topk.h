/*
 * BM25 top-k over segments with block-max WAND: documents are visited in
 * order through the query terms' postings, and a document (or a whole run
 * of blocks) is skipped whenever the sum of its terms' score bounds cannot
 * beat the k-th best score so far. Scores are the same as the exact oracle
 * (bm25_exact.h) computes: tf = tf_text + w * tf_title, dl = len_text +
 * w * len_title, Lucene's idf, with N, df and the average length taken
 * over the chunks the caller may read (visible.h), never the whole
 * collection: what a caller may not read changes none of their scores.
 *
 * Filters (the caller's principals, source types, authors, deletions) are a
 * bitmap built per segment before any scoring; dates are checked per
 * candidate. A document that fails them is never scored, never counted and
 * never enters the heap; the walk jumps over runs of chunks the caller may
 * not read without decoding their blocks.
 */
#ifndef UD_INDEX_BM25_TOPK_H
#define UD_INDEX_BM25_TOPK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/bm25_exact.h"
#include "index/query.h"
#include "index/segment.h"

/* A segment as a searcher sees it at one commit. */
typedef struct ud_segment_view {
    const ud_segment *segment;
    const uint8_t *deleted; /* bitmap of deleted docs, NULL if none */
    uint64_t live_docs;
    uint64_t live_len_text;
    uint64_t live_len_title;
} ud_segment_view;

typedef struct ud_index_hit {
    uint32_t view; /* index into the views */
    uint32_t doc;
    double score;
} ud_index_hit;

/* Work done by one search, for tests and --explain. */
typedef struct ud_topk_stats {
    uint64_t scored;   /* documents whose full score was computed */
    uint64_t filtered; /* candidates refused by the filters */
} ud_topk_stats;

/* Whether doc satisfies the boolean part of the query: its required and
 * excluded terms and its phrases (true when it has none). Vector results
 * pass through this, so "+must" and "-not" hold in every mode. */
bool ud_query_matches(const ud_segment_view *view, const ud_query *query, uint32_t doc,
                      ud_arena *arena);

/* Fills the live counts of a view from its deletion bitmap. */
void ud_segment_view_init(ud_segment_view *view, const ud_segment *segment, const uint8_t *deleted);

/* The best top_k hits, best first (ties: earlier view, then earlier doc).
 * With query->visible NULL the visible set is made for this search alone
 * (correct, but each search pays for it: the searcher passes the
 * snapshot's cached one, ud_snapshot_visible). */
int ud_bm25_topk(ud_index_hit **out, size_t *out_count, const ud_segment_view *views,
                 size_t view_count, const ud_query *query, const ud_bm25_params *params,
                 size_t top_k, ud_arena *arena, ud_topk_stats *stats) UD_MUST_CHECK;

#endif
