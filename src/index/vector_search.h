/*
 * Nearest chunks to a query vector by cosine similarity (vectors are unit
 * length, so a dot product), over the same filtered chunks as BM25
 * (filter.h). This is an exact scan of the allowed chunks' vectors; the
 * HNSW graph that replaces it above a few thousand vectors per segment is
 * still to come, and this scan will remain its oracle and its path for
 * small or tightly filtered collections.
 */
#ifndef UD_INDEX_VECTOR_SEARCH_H
#define UD_INDEX_VECTOR_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/bm25_topk.h"
#include "index/query.h"

/* The top_k chunks by similarity to vector (dims floats), best first, in
 * ud_index_hit form (score = similarity). Segments whose vectors have other
 * dimensions are skipped. */
int ud_vector_topk(ud_index_hit **out, size_t *out_count, const ud_segment_view *views,
                   size_t view_count, const ud_query *query, const float *vector, uint32_t dims,
                   size_t top_k, ud_arena *arena) UD_MUST_CHECK;

#endif
