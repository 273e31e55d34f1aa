/*
 * The usage report (usage.h).
 */
#include "answer/usage.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

double ud_quantile(const double *sorted, size_t count, double q)
{
    if (count == 0)
        return 0;
    size_t rank = (size_t)ceil(q * (double)count); /* nearest rank, 1-based */
    if (rank < 1)
        rank = 1;
    if (rank > count)
        rank = count;
    return sorted[rank - 1];
}

static void day_text(char out[16], int64_t day, bool month_only)
{
    time_t t = (time_t)(day * 86400);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, month_only ? "%Y-%m" : "%Y-%m-%d", &tm);
}

static json_t *caller_json(const ud_usage_caller *c)
{
    return json_pack("{s:I,s:I}", "searches", (json_int_t)c->searches, "asks", (json_int_t)c->asks);
}

void *ud_usage_json(const ud_usage *usage, double alert_threshold_usd)
{
    json_t *days = json_array(), *months = json_array();
    json_t *month = NULL;
    char current[16] = "";
    for (size_t i = 0; i < usage->day_count; i++) {
        const ud_usage_day *d = &usage->days[i];
        char date[16], m[16];
        day_text(date, d->day, false);
        day_text(m, d->day, true);
        json_array_append_new(
            days, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:f}", "date", date, "searches",
                            (json_int_t)d->searches, "asks", (json_int_t)d->asks, "input_tokens",
                            (json_int_t)d->input_tokens, "output_tokens",
                            (json_int_t)d->output_tokens, "cache_read_tokens",
                            (json_int_t)d->cache_read_tokens, "cost_usd", d->cost_usd));
        if (strcmp(m, current) != 0) {
            snprintf(current, sizeof(current), "%s", m);
            month = json_pack("{s:s,s:I,s:I,s:f}", "month", m, "searches", (json_int_t)0, "asks",
                              (json_int_t)0, "cost_usd", 0.0);
            json_array_append_new(months, month);
        }
        json_object_set_new(
            month, "searches",
            json_integer(json_integer_value(json_object_get(month, "searches")) + d->searches));
        json_object_set_new(
            month, "asks",
            json_integer(json_integer_value(json_object_get(month, "asks")) + d->asks));
        json_object_set_new(
            month, "cost_usd",
            json_real(json_real_value(json_object_get(month, "cost_usd")) + d->cost_usd));
    }
    double total = 0;
    for (size_t i = 0; i < usage->ask_count; i++)
        total += usage->ask_costs[i];
    size_t n = usage->ask_count;
    json_t *out = json_pack(
        "{s:o,s:o,s:{s:I,s:f,s:f,s:f,s:f},s:f}", "days", days, "months", months, "answers", "count",
        (json_int_t)n, "total_usd", total, "average_usd", n ? total / (double)n : 0.0, "p95_usd",
        ud_quantile(usage->ask_costs, n, 0.95), "p99_usd", ud_quantile(usage->ask_costs, n, 0.99),
        "alert_threshold_usd", alert_threshold_usd);
    json_object_set_new(out, "callers",
                        json_pack("{s:o,s:o,s:o}", UD_CALLER_USER, caller_json(&usage->users),
                                  UD_CALLER_KEY, caller_json(&usage->keys), UD_CALLER_CLI,
                                  caller_json(&usage->cli)));
    return out;
}
