/*
 * Evaluation on a test collection in BEIR format (corpus.jsonl,
 * queries.jsonl, qrels TSV): the corpus is indexed into a collection in a
 * work directory, every judged query is run as plain words (no query
 * syntax), and the ranking is scored with nDCG@10, Recall@100 and MRR@10
 * (metrics.h). As in the reference runs, a document whose id is the
 * query's own id is removed from that query's results.
 */
#ifndef UD_EVAL_BEIR_H
#define UD_EVAL_BEIR_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"
#include "embed/embedder.h"
#include "index/hybrid.h"

typedef struct ud_eval_result {
    size_t docs;
    size_t queries; /* judged queries that were scored */
    double ndcg_at_10;
    double recall_at_100;
    double mrr_at_10;
    double index_seconds;
    double search_seconds;
} ud_eval_result;

typedef struct ud_eval_paths {
    const char *corpus;
    const char *queries;
    const char *qrels;
    const char *work_dir; /* the collection is built here; must be empty or absent */
} ud_eval_paths;

/* Ranks with `rank` (mode, fusion, BM25 parameters, rerank); embedder may be
 * NULL (vector and hybrid modes then fall back to BM25). run (may be NULL)
 * receives a TREC run file: "qid Q0 docid rank score unify". */
int ud_eval_run(ud_eval_result *out, const ud_eval_paths *paths, const ud_rank_opts *rank,
                ud_embedder *embedder, FILE *run) UD_MUST_CHECK;

#endif
