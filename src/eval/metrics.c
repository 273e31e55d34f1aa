/*
 * nDCG, recall and MRR (see metrics.h).
 */
#include "eval/metrics.h"

#include <math.h>
#include <stdlib.h>

#include "base/mem.h"

static double gain(int grade)
{
    return grade > 0 ? pow(2.0, grade) - 1.0 : 0.0;
}

static int descending(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return y - x;
}

double ud_metric_ndcg(const int *grades, size_t count, const int *judged, size_t judged_count,
                      size_t k)
{
    double dcg = 0;
    for (size_t i = 0; i < count && i < k; i++)
        dcg += gain(grades[i]) / log2((double)i + 2.0);
    int *ideal = ud_malloc((judged_count ? judged_count : 1) * sizeof(int));
    for (size_t i = 0; i < judged_count; i++)
        ideal[i] = judged[i];
    qsort(ideal, judged_count, sizeof(int), descending);
    double idcg = 0;
    for (size_t i = 0; i < judged_count && i < k; i++)
        idcg += gain(ideal[i]) / log2((double)i + 2.0);
    free(ideal);
    return idcg > 0 ? dcg / idcg : 0.0;
}

double ud_metric_recall(const int *grades, size_t count, const int *judged, size_t judged_count,
                        size_t k)
{
    size_t relevant = 0, found = 0;
    for (size_t i = 0; i < judged_count; i++)
        relevant += judged[i] > 0;
    for (size_t i = 0; i < count && i < k; i++)
        found += grades[i] > 0;
    return relevant ? (double)found / (double)relevant : 0.0;
}

double ud_metric_mrr(const int *grades, size_t count, size_t k)
{
    for (size_t i = 0; i < count && i < k; i++)
        if (grades[i] > 0)
            return 1.0 / (double)(i + 1);
    return 0.0;
}
