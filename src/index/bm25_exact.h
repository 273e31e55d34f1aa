/*
 * Exact BM25 by brute force: every document that matches a query term is
 * scored, nothing is pruned. Slow on purpose and simple enough to check by
 * hand; it is the search of the foundation and the test oracle of the real
 * index.
 *
 *   score(d, q) = sum over the query's terms t (a repeated term counts each time) of
 *       idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
 *   idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5))          (Lucene's, never negative)
 *   tf = tf_text + title_weight * tf_title,  dl = len_text + title_weight * len_title
 * With title_weight 1 this is BM25 over title and text concatenated.
 * Ties are broken by insertion order (earlier document first).
 */
#ifndef UD_INDEX_BM25_EXACT_H
#define UD_INDEX_BM25_EXACT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/analyzer.h"

typedef struct ud_bm25_params {
    double k1;           /* 0.9 */
    double b;            /* 0.4 */
    double title_weight; /* 1.0 */
} ud_bm25_params;

void ud_bm25_params_default(ud_bm25_params *out);

/* An in-memory corpus of analyzed documents. Not thread-safe while adding;
 * searching an immutable corpus from many threads is safe if each thread
 * passes its own analyzer. */
typedef struct ud_bm25_corpus ud_bm25_corpus;

int ud_bm25_corpus_new(ud_bm25_corpus **out, const ud_bm25_params *params) UD_MUST_CHECK;
void ud_bm25_corpus_free(ud_bm25_corpus *corpus);

/* Adds a document; `doc` is an opaque caller value returned with hits. */
int ud_bm25_corpus_add(ud_bm25_corpus *corpus, ud_analyzer *analyzer, uint64_t doc,
                       const char *title, size_t title_len, const char *text,
                       size_t text_len) UD_MUST_CHECK;
size_t ud_bm25_corpus_size(const ud_bm25_corpus *corpus);

typedef struct ud_bm25_hit {
    uint64_t doc;
    double score;
} ud_bm25_hit;

/* Scores every document containing at least one query term and returns the
 * best `top_k` (fewer if fewer match), best first, in the arena. */
int ud_bm25_search(ud_bm25_hit **out, size_t *out_count, const ud_bm25_corpus *corpus,
                   ud_analyzer *analyzer, ud_arena *arena, const char *query, size_t query_len,
                   size_t top_k) UD_MUST_CHECK;

#endif
