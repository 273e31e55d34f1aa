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
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "index/bm25_topk.h"
#include "index/query.h"

/* Sets the bits of the view's chunks that one of the principals may read
 * and clears the deleted ones (bits: (doc_count + 7) / 8 bytes, zeroed).
 * The one definition of "may read" that every path shares (visible.h).
 * The org-wide fast path sets whole bytes: bits past doc_count may be set. */
void ud_filter_principal_bits(uint8_t *bits, const ud_segment_view *view,
                              const char *const *principals, size_t principal_count,
                              ud_arena *arena);

/* Bitmap of the view's chunks that pass the principal, source, author and
 * deletion filters, in the arena (the caller may change it). view_index is
 * the view's place among the views the query's visible set (query.h) was
 * made over; with one, its bitmap is the start instead of the principals'
 * postings. */
uint8_t *ud_filter_allowed(const ud_segment_view *view, size_t view_index, const ud_query *query,
                           ud_arena *arena);
/* The same bitmap, read-only: the visible set's own when the query narrows
 * it by neither source nor author, so that nothing is copied. */
const uint8_t *ud_filter_allowed_shared(const ud_segment_view *view, size_t view_index,
                                        const ud_query *query, ud_arena *arena);

/* Whether doc passes the bitmap and the query's date range. */
bool ud_filter_accepts(const ud_segment_view *view, const ud_query *query, const uint8_t *allowed,
                       uint32_t doc);

#endif
