/*
 * Retrieval quality metrics with trec_eval's definitions, for `unify eval`:
 * nDCG@k (gain 2^grade - 1, log2(rank + 1) discount, ideal ranking from the
 * judgments), Recall@k (relevant retrieved in the top k over all relevant)
 * and MRR@k (reciprocal rank of the first relevant result in the top k).
 * A document is relevant when its grade is above 0.
 */
#ifndef UD_EVAL_METRICS_H
#define UD_EVAL_METRICS_H

#include <stddef.h>

/* grades[i]: the judged grade of the result at rank i + 1 (0 if unjudged);
 * judged: every grade judged for the query (any order). */
double ud_metric_ndcg(const int *grades, size_t count, const int *judged, size_t judged_count,
                      size_t k);
double ud_metric_recall(const int *grades, size_t count, const int *judged, size_t judged_count,
                        size_t k);
double ud_metric_mrr(const int *grades, size_t count, size_t k);

#endif
