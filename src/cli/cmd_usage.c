/*
 * `unify usage`: what the organization's searches and answers cost, per
 * day and month, with the average, p95 and p99 cost of an answer (the same
 * report as GET /v1/usage).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "answer/usage.h"
#include "base/clock.h"
#include "cli/admin.h"

static const char usage[] = "usage: unify usage [--data DIR] [--org SLUG] [--days N] [--json]\n\n"
                            "Searches, answers, tokens and spend of the organization over the\n"
                            "last N days (default 30), per day and per month, and the average,\n"
                            "p95 and p99 cost of an answer. Every search and answer counts, by\n"
                            "whom: users, API keys and the CLI.\n";

int ud_cmd_usage(int argc, char **argv)
{
    ud_cli_flags flags;
    const char *days_text = NULL;
    const ud_cli_option options[] = {{"days", true, &days_text}, {NULL, false, NULL}};
    int rc = ud_cli_parse(&flags, options, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    long days = 30;
    if (days_text) {
        char *end = NULL;
        days = strtol(days_text, &end, 10);
        if (end == days_text || *end || days < 1 || days > 366) {
            fputs("unify usage: --days must be 1 to 366\n", stderr);
            return 2;
        }
    }
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    ud_usage report;
    if (ud_meta_usage(&report, s.meta, &s.arena, s.org.id, (ud_now() / 86400 - days + 1) * 86400) <
        0) {
        ud_cli_fail("usage");
        goto done;
    }
    json_t *out = ud_usage_json(&report, s.config.cost_alert_usd);
    if (s.json) {
        ud_cli_print_json(out);
    } else {
        printf("%-10s %9s %9s %12s %12s %10s\n", "DAY", "SEARCHES", "ANSWERS", "TOKENS IN",
               "TOKENS OUT", "COST");
        size_t i;
        json_t *d;
        json_array_foreach(json_object_get(out, "days"), i, d)
        {
            printf("%-10s %9lld %9lld %12lld %12lld %10.4f\n",
                   json_string_value(json_object_get(d, "date")),
                   (long long)json_integer_value(json_object_get(d, "searches")),
                   (long long)json_integer_value(json_object_get(d, "asks")),
                   (long long)json_integer_value(json_object_get(d, "input_tokens")),
                   (long long)json_integer_value(json_object_get(d, "output_tokens")),
                   json_real_value(json_object_get(d, "cost_usd")));
        }
        json_array_foreach(json_object_get(out, "months"), i, d)
        {
            printf("month %s: %lld searches, %lld answers, $%.4f\n",
                   json_string_value(json_object_get(d, "month")),
                   (long long)json_integer_value(json_object_get(d, "searches")),
                   (long long)json_integer_value(json_object_get(d, "asks")),
                   json_real_value(json_object_get(d, "cost_usd")));
        }
        json_t *a = json_object_get(out, "answers");
        printf("answers: %lld, average $%.4f, p95 $%.4f, p99 $%.4f (alert over $%.2f)\n",
               (long long)json_integer_value(json_object_get(a, "count")),
               json_real_value(json_object_get(a, "average_usd")),
               json_real_value(json_object_get(a, "p95_usd")),
               json_real_value(json_object_get(a, "p99_usd")), s.config.cost_alert_usd);
        json_t *who = json_object_get(out, "callers");
        static const char *const callers[][2] = {
            {UD_CALLER_USER, "users"}, {UD_CALLER_KEY, "API keys"}, {UD_CALLER_CLI, "the CLI"}};
        printf("by caller:");
        for (size_t k = 0; k < sizeof(callers) / sizeof(callers[0]); k++) {
            json_t *c = json_object_get(who, callers[k][0]);
            printf("%s %s %lld searches, %lld answers", k ? ";" : "", callers[k][1],
                   (long long)json_integer_value(json_object_get(c, "searches")),
                   (long long)json_integer_value(json_object_get(c, "asks")));
        }
        printf("\n");
        json_decref(out);
    }
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}
