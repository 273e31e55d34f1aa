/*
 * What one caller may read in a snapshot, and the collection statistics
 * that ranking takes from it. The promise is that a user can never see,
 * count or infer a document they may not read; BM25's statistics (the
 * number of chunks N, each term's document frequency df, the average
 * field lengths) would break it if they counted every chunk: a public
 * chunk's score would fall as private chunks with its words were synced.
 * So every statistic a query uses is taken over the chunks the caller
 * may read: one of their principals in the chunk's ACL, not deleted
 * (docs/search.md, docs/security.md). Source, author and date filters
 * narrow the candidates, not the statistics: they are the query's
 * choice, not a permission.
 *
 * A visible set holds, per segment, that bitmap and a rank directory over
 * it (the set bits before each 64-bit word), so the readable chunks in any
 * range of doc numbers are counted in constant time. A term's visible df
 * walks its postings blocks: a block whose doc range is wholly readable
 * counts its length, one with no readable chunk counts nothing, and only
 * the blocks in between are decoded (their doc numbers, never their
 * frequencies or positions). A segment every chunk of which is readable
 * (the org-wide principal, no deletions) takes the term's stored df as it
 * is, so a caller who reads everything gets the global statistics without
 * any extra work, and exactly the same numbers.
 *
 * Visible sets are cached per snapshot (so per commit generation) and
 * principal set by ud_snapshot_visible (collection.h), and each caches the
 * dfs it has counted, so repeated queries pay for neither again.
 *
 * Thread-safety: a visible set is immutable once made, except its df
 * cache, which one mutex guards; share it between threads freely. It is
 * reference-counted: ud_visible_release drops a reference.
 */
#ifndef UD_INDEX_VISIBLE_H
#define UD_INDEX_VISIBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "index/bm25_topk.h"

typedef struct ud_visible ud_visible;

/* The chunks of each of the views that one of the principals may read
 * (count 0: none, the safe default), deletions excluded. The views are
 * borrowed and must outlive the set (a snapshot's views do, while it is
 * retained). The new set holds one reference. */
int ud_visible_new(ud_visible **out, const ud_segment_view *views, size_t view_count,
                   const char *const *principals, size_t principal_count) UD_MUST_CHECK;
void ud_visible_retain(ud_visible *visible);
/* Drops a reference; frees the set with its last one. NULL does nothing. */
void ud_visible_release(ud_visible *visible);

/* Whether the set was made for exactly these principals (in any order,
 * repeats ignored) over these views. */
bool ud_visible_matches(const ud_visible *visible, const ud_segment_view *views, size_t view_count,
                        const char *const *principals, size_t principal_count);

/* The readable chunks of view `view` (doc_count bits; bits past doc_count
 * are clear), borrowed from the set. */
const uint8_t *ud_visible_bits(const ud_visible *visible, size_t view);
/* Whether every chunk of view `view` is readable (and none deleted). */
bool ud_visible_every_chunk(const ud_visible *visible, size_t view);
/* The first readable doc of view `view` at or after doc, or UD_DOC_END. */
uint32_t ud_visible_next(const ud_visible *visible, size_t view, uint32_t doc);

/* Readable chunks over all views, and their total title and text lengths. */
uint64_t ud_visible_docs(const ud_visible *visible);
void ud_visible_lengths(const ud_visible *visible, uint64_t *out_text, uint64_t *out_title);

/* The readable chunks that hold the term (analyzed text), over all views.
 * Counted once per set and term, then cached. UD_ECORRUPT if a postings
 * list is damaged. */
int ud_visible_df(uint64_t *out, ud_visible *visible, const char *term, size_t len) UD_MUST_CHECK;

/* ---- the cache of a snapshot ----------------------------------------------- */

/* Up to UD_VISIBLE_CACHE_SETS visible sets, least recently used dropped
 * first; a dropped set lives on while a search still holds it. */
#define UD_VISIBLE_CACHE_SETS 32
typedef struct ud_visible_cache ud_visible_cache;

void ud_visible_cache_new(ud_visible_cache **out);
void ud_visible_cache_free(ud_visible_cache *cache);
/* The visible set of the principals over the views (which must be the same
 * for every call on one cache: a snapshot's), from the cache or made and
 * cached; the caller gets a reference of its own. */
int ud_visible_cache_get(ud_visible **out, ud_visible_cache *cache, const ud_segment_view *views,
                         size_t view_count, const char *const *principals,
                         size_t principal_count) UD_MUST_CHECK;

/* Bits set in a 64-bit word (SWAR: without -march there is no popcnt
 * instruction, and the library call is slow). */
static inline unsigned ud_popcount64(uint64_t x)
{
    x -= (x >> 1) & 0x5555555555555555ULL;
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

#endif
