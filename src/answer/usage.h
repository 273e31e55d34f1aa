/*
 * Spend over time, from the history rows (store/meta_history.h): per day,
 * per month (UTC), and the average, p95 and p99 cost of an answer.
 */
#ifndef UD_ANSWER_USAGE_H
#define UD_ANSWER_USAGE_H

#include "store/meta_history.h"

/* The report as JSON (a json_t *, new reference):
 * {"days": [{"date", "searches", "asks", "input_tokens", "output_tokens",
 *            "cache_read_tokens", "cost_usd"}],
 *  "months": [{"month", "searches", "asks", "cost_usd"}],
 *  "answers": {"count", "total_usd", "average_usd", "p95_usd", "p99_usd"},
 *  "alert_threshold_usd",
 *  "callers": {"user"|"key"|"cli": {"searches", "asks"}}: who made them} */
void *ud_usage_json(const ud_usage *usage, double alert_threshold_usd);

/* The q-quantile (0..1) of sorted values by the nearest-rank method; 0
 * for none. */
double ud_quantile(const double *sorted, size_t count, double q);

#endif
