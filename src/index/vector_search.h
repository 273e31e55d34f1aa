/*
 * Nearest chunks to a query vector by cosine similarity (vectors are unit
 * length, so a dot product), over the same filtered chunks as BM25
 * (filter.h). A segment with an HNSW graph (hnsw.h) is searched through it
 * with the filter applied during the walk; a segment without one (fewer
 * than UD_SEG_GRAPH_MIN_VECTORS vectors), or whose filter lets through
 * fewer chunks than ud_vector_scan_below() says, is scanned exactly.
 * A segment that stores int8 vectors is walked, or scanned, on them, and
 * its best UD_HNSW_RESCORE_FACTOR x k candidates are rescored with their
 * float32 vectors (hnsw.h), read with pread rather than mapped. Either way
 * the scores returned are float32 similarities; the scan of a float32
 * segment is exact.
 */
#ifndef UD_INDEX_VECTOR_SEARCH_H
#define UD_INDEX_VECTOR_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/bm25_topk.h"
#include "index/query.h"

/* Below how many allowed chunks a segment of n vectors is scanned rather
 * than walked. Measured (docs/performance.md, filter suite): the filtered
 * walk (ef 64) overtakes the scan at about 10% allowed of 100K vectors and
 * 3.6% of 331K, on float32 and int8 alike, that is at 10,000 and 11,900
 * allowed chunks: about UD_VECTOR_SCAN_BELOW, growing as n^0.14 (a fit
 * to those two sizes). */
#define UD_VECTOR_SCAN_BELOW 10000
size_t ud_vector_scan_below(uint32_t n);

/* The top_k chunks by similarity to vector (dims floats), best first, in
 * ud_index_hit form (score = similarity). Segments whose vectors have other
 * dimensions are skipped. */
int ud_vector_topk(ud_index_hit **out, size_t *out_count, const ud_segment_view *views,
                   size_t view_count, const ud_query *query, const float *vector, uint32_t dims,
                   size_t top_k, ud_arena *arena) UD_MUST_CHECK;

#endif
