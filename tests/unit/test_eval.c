/*
 * Tests of the evaluation metrics (against hand-computed values) and of
 * `unify eval` on a tiny collection written here.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/metrics.h"
#include "test.h"

void test_eval__metrics_follow_trec_eval(void)
{
    /* Ranking: relevant (grade 2), unjudged, relevant (grade 1). Judged:
     * grades 2, 1, 1 (one relevant document not retrieved).
     * DCG = 3/log2(2) + 1/log2(4) = 3.5; IDCG = 3 + 1/log2(3) + 1/log2(4). */
    int grades[] = {2, 0, 1};
    int judged[] = {1, 2, 1};
    double idcg = 3.0 + 1.0 / log2(3.0) + 0.5;
    UD_CHECK_NEAR(3.5 / idcg, ud_metric_ndcg(grades, 3, judged, 3, 10), 1e-12);
    UD_CHECK_NEAR(3.0 / 3.0, ud_metric_ndcg(grades, 3, judged, 3, 1), 1e-12);
    UD_CHECK_NEAR(2.0 / 3.0, ud_metric_recall(grades, 3, judged, 3, 100), 1e-12);
    UD_CHECK_NEAR(1.0 / 3.0, ud_metric_recall(grades, 3, judged, 3, 1), 1e-12);
    UD_CHECK_NEAR(1.0, ud_metric_mrr(grades, 3, 10), 1e-12);
    int late[] = {0, 0, 1};
    UD_CHECK_NEAR(1.0 / 3.0, ud_metric_mrr(late, 3, 10), 1e-12);
    UD_CHECK_NEAR(0.0, ud_metric_mrr(late, 3, 2), 1e-12);
}

void test_eval__unify_eval_scores_a_small_collection(void)
{
    const char *dir = ud_test_tmpdir();
    const char corpus[] =
        "{\"_id\": \"d1\", \"title\": \"Wing flutter\", \"text\": \"flutter of swept wings\"}\n"
        "{\"_id\": \"d2\", \"title\": \"Heat transfer\", \"text\": \"heat transfer in slabs\"}\n"
        "{\"_id\": \"d3\", \"title\": \"Boundary layers\", \"text\": \"laminar boundary layer\"}\n";
    const char queries[] = "{\"_id\": \"q1\", \"text\": \"flutter of wings?\"}\n"
                           "{\"_id\": \"q2\", \"text\": \"heat in \\\"composite\\\" slabs\"}\n"
                           "{\"_id\": \"q3\", \"text\": \"unjudged query\"}\n";
    const char qrels[] = "query-id\tcorpus-id\tscore\nq1\td1\t2\nq2\td3\t1\n";
    ud_test_write_file(dir, "corpus.jsonl", corpus, sizeof(corpus) - 1);
    ud_test_write_file(dir, "queries.jsonl", queries, sizeof(queries) - 1);
    ud_test_write_file(dir, "qrels.tsv", qrels, sizeof(qrels) - 1);
    char *out = NULL;
    char *bin = realpath(ud_test_unify_bin(), NULL);
    UD_CHECK(bin != NULL);
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "cd '%s' && %s eval --json --corpus corpus.jsonl --queries "
                                   "queries.jsonl --qrels qrels.tsv --run run.txt",
                                   dir, bin));
    free(bin);
    /* q1 finds d1 first (nDCG 1, MRR 1); q2 finds d2, not the judged d3
     * (0, 0). Recall: q1 1, q2 0. */
    UD_CHECK_CONTAINS(out, "\"docs\": 3, \"queries\": 2, \"ndcg_at_10\": 0.5000, "
                           "\"recall_at_100\": 0.5000, \"mrr_at_10\": 0.5000");
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "cat '%s/run.txt'", dir));
    UD_CHECK_CONTAINS(out, "q1 Q0 d1 1 ");
    UD_CHECK_CONTAINS(out, "q2 Q0 d2 1 ");
    free(out);
    UD_CHECK_EQ_INT(1, ud_test_run(&out,
                                   "%s eval --json --corpus /nonexistent --queries x "
                                   "--qrels '%s/qrels.tsv'",
                                   ud_test_unify_bin(), dir));
    UD_CHECK_CONTAINS(out, "cannot open /nonexistent");
    free(out);
}
