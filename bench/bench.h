/*
 * Shared by the benchmark drivers: timing, percentiles, the result line
 * format ({"suite", "engine", "metric", "value", "unit"}, one JSON object
 * per line) and reading the generated corpus and queries.
 */
#ifndef UD_BENCH_BENCH_H
#define UD_BENCH_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline void bench_result(const char *suite, const char *engine, const char *metric,
                                double value, const char *unit)
{
    printf("{\"suite\": \"%s\", \"engine\": \"%s\", \"metric\": \"%s\", \"value\": %.6g, "
           "\"unit\": \"%s\"}\n",
           suite, engine, metric, value, unit);
    fflush(stdout);
}

static inline int bench_compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Sorts the samples and returns the p-th percentile (0..100). */
static inline double bench_percentile(double *samples, size_t n, double p)
{
    if (n == 0)
        return 0;
    qsort(samples, n, sizeof(double), bench_compare_double);
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return samples[i < n ? i : n - 1];
}

static inline long bench_max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* A query line: "<terms>\t<word> <word>...". Returns the number of terms
 * and the words in buf, or -1 at the end. */
static inline int bench_read_query(FILE *f, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, f))
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    int terms = (int)strtol(buf, NULL, 10);
    char *tab = strchr(buf, '\t');
    if (!tab)
        return -1;
    memmove(buf, tab + 1, strlen(tab + 1) + 1);
    return terms;
}

#endif
