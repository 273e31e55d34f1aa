/*
 * Search over an organization's collection: parses the query (query.h),
 * applies the caller's principals and filters inside the index, ranks with
 * block-max WAND BM25 (bm25_topk.h) and returns one result per document
 * (its best chunk) with an excerpt. Each organization's snapshot is the
 * one its collection publishes: swapped in by a writer of this process at
 * each commit, or read anew when the manifest's stat shows another
 * process committed.
 */
#ifndef UD_INDEX_SEARCH_H
#define UD_INDEX_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "embed/embedder.h"
#include "index/bm25_exact.h"
#include "index/hybrid.h"

typedef struct ud_search_opts {
    size_t top_k;                    /* default 10, at most 100 */
    const char *const *source_types; /* only these source types; NULL = all */
    size_t source_type_count;
    /* The caller's principals (email, groups, "org:*"); a document is seen
     * only if its ACL names one of them. NULL = {"org:*"}. */
    const char *const *principals;
    size_t principal_count;
    const char *mark_open; /* excerpt markers, default "<mark>" */
    const char *mark_close;
    ud_search_mode mode; /* default hybrid (BM25 alone when there are no vectors) */
    ud_fusion fusion;    /* default the weighted sum (see hybrid.h) */
    /* The user's source preferences: each listed source type's scores are
     * multiplied by its multiplier (0.5..2, 1 neutral; see hybrid.h), after
     * the recency and phrase factors. NULL = none. Borrowed. */
    const ud_source_weight *source_weights;
    size_t source_weight_count;
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
    const char *text; /* the chunk's whole text (what answers are built from) */
    int64_t updated_at;
    ud_ranked factors; /* how the score came about (--explain) */
} ud_search_hit;

/* Thread-safe: searches of any orgs run in parallel, each on the
 * snapshot its org's collection publishes (collection.h), taken with no
 * file read and no lock shared between orgs. */
typedef struct ud_searcher ud_searcher;

/* Collections live in data_dir/collections/<org_id>. The embedder (may be
 * NULL: BM25 only) is borrowed and must outlive the searcher. UD_ELIMIT
 * when data_dir is too long for the index's paths. */
int ud_searcher_new(ud_searcher **out, const char *data_dir, const ud_bm25_params *params,
                    ud_embedder *embedder) UD_MUST_CHECK;
void ud_searcher_free(ud_searcher *searcher);

/* The embedder the searcher was made with (borrowed; NULL for none). */
ud_embedder *ud_searcher_embedder(const ud_searcher *searcher);

/* UD_EINVAL for a query that cannot be parsed (message says why). */
int ud_searcher_search(ud_search_hit **out, size_t *out_count, ud_searcher *searcher,
                       ud_arena *arena, const char *org_id, const char *query,
                       const ud_search_opts *opts) UD_MUST_CHECK;

#endif
