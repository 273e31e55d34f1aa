/*
 * Search over an organization's chunks for the foundation: loads the chunks
 * from the metadata store into an exact BM25 corpus (rebuilt only when the
 * org's generation changes) and ranks them. One result per document: the
 * best-scoring chunk stands for it.
 */
#ifndef UD_INDEX_SEARCH_H
#define UD_INDEX_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/bm25_exact.h"
#include "store/meta.h"

typedef struct ud_search_opts {
    size_t top_k;                    /* default 10, at most 100 */
    const char *const *source_types; /* only these source types; NULL = all */
    size_t source_type_count;
    const char *mark_open; /* excerpt markers, default "<mark>" */
    const char *mark_close;
} ud_search_opts;

typedef struct ud_search_hit {
    const char *doc_id;
    int64_t chunk_index;
    double score;
    const char *title;
    const char *source_type;
    const char *url;
    const char *path;
    const char *heading_path;
    const char *excerpt;
    int64_t updated_at;
} ud_search_hit;

/* A searcher caches one corpus per org. Thread-safe (one mutex). */
typedef struct ud_searcher ud_searcher;

int ud_searcher_new(ud_searcher **out, ud_meta *meta, const ud_bm25_params *params) UD_MUST_CHECK;
void ud_searcher_free(ud_searcher *searcher);

int ud_searcher_search(ud_search_hit **out, size_t *out_count, ud_searcher *searcher,
                       ud_arena *arena, const char *org_id, const char *query,
                       const ud_search_opts *opts) UD_MUST_CHECK;

#endif
