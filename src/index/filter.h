/*
 * The filter every search path applies before it scores anything: the
 * chunks of a segment the query may see (one of the caller's principals,
 * one of the requested sources and authors, not deleted) as a bitmap, plus
 * the date range checked per chunk. BM25 and vector search share it, so a
 * chunk outside the caller's permissions is never a candidate of either.
 */
#ifndef UD_INDEX_FILTER_H
#define UD_INDEX_FILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "index/bm25_topk.h"
#include "index/query.h"

/* Bitmap of the view's chunks that pass the principal, source, author and
 * deletion filters, in the arena. */
uint8_t *ud_filter_allowed(const ud_segment_view *view, const ud_query *query, ud_arena *arena);

/* Whether doc passes the bitmap and the query's date range. */
bool ud_filter_accepts(const ud_segment_view *view, const ud_query *query, const uint8_t *allowed,
                       uint32_t doc);

#endif
