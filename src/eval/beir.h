/*
 * Evaluation on a test collection in BEIR format (corpus.jsonl,
 * queries.jsonl, qrels TSV): the corpus is indexed into a collection in a
 * work directory, every judged query is run as plain words (no query
 * syntax), and the ranking is scored with nDCG@10, Recall@100 and MRR@10
 * (metrics.h). As in the reference runs, a document whose id is the
 * query's own id is removed from that query's results.
 *
 * With an answerer (ud_eval_run_answers) every judged query is also asked
 * as a question: the top 10 documents become the answer's context, as the
 * answer pipeline assembles it (answer/context.h), and the answer's
 * citations are scored against the judgments next to the search's own
 * ranking (is a relevant document among the first three citations, among
 * the top three results).
 */
#ifndef UD_EVAL_BEIR_H
#define UD_EVAL_BEIR_H

#include <stddef.h>
#include <stdio.h>

#include "answer/llm.h"
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
    /* ud_eval_run_answers only: shares of the scored queries. */
    double search_hit_at_1; /* the top result is relevant */
    double search_hit_at_3; /* a relevant document among the top three results */
    double answer_hit_at_1; /* the answer's first citation is relevant */
    double answer_hit_at_3; /* a relevant document among its first three citations */
    double answer_nothing;  /* answers that cite nothing */
    double answer_seconds;
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

/* ud_eval_run, and each query also answered by answerer (borrowed; usually
 * the extractive generator) from the top 10 documents: fills the search_
 * and answer_ shares of out. */
int ud_eval_run_answers(ud_eval_result *out, const ud_eval_paths *paths, const ud_rank_opts *rank,
                        ud_embedder *embedder, FILE *run, ud_llm *answerer) UD_MUST_CHECK;

#endif
