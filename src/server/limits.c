/*
 * Rate limits, quotas and login throttling on expiring counters
 * (limits.h). Counting is "increment, then compare": a refused request
 * still counts, so hammering a limit never opens it early.
 *
 * Logins: each failure increments the account's and the address's counter
 * (a 15-minute window). From `slowdown_after` failures on, each further
 * attempt must wait 1, 2, 4 ... seconds (at most 5 minutes); from
 * `lock_after`, the account is locked for `lock_seconds`. An address gets
 * three times those thresholds, since many people can share one.
 */
#include "server/limits.h"

#include <stdio.h>
#include <string.h>

#include "store/meta_accounts.h"

#define LOGIN_WINDOW_SECONDS (15 * 60)
#define MAX_WAIT_SECONDS 300
#define ADDRESS_FACTOR 3

int ud_limits_rate(const ud_limits *limits, const char *who, const char *endpoint, int64_t now,
                   int64_t *out_retry_after)
{
    char key[256];
    snprintf(key, sizeof(key), "rate_limit:%s:%s:%lld", who, endpoint, (long long)(now / 60));
    int64_t count = 0, ttl = 0;
    int rc = ud_counters_incr(limits->counters, key, 60 - now % 60, &count, &ttl);
    if (rc < 0)
        return rc;
    if (count > limits->per_minute) {
        *out_retry_after = ttl > 0 ? ttl : 1;
        return ud_error_set(UD_EAGAIN,
                            "rate limit: at most %lld requests a minute to %s; retry in %lld s",
                            (long long)limits->per_minute, endpoint, (long long)*out_retry_after);
    }
    return 0;
}

int ud_limits_quota(const ud_limits *limits, const char *who, const char *plan, int64_t now,
                    int64_t *out_retry_after)
{
    int64_t day = now / 86400;
    char key[256];
    snprintf(key, sizeof(key), "quota:%s:%lld", who, (long long)day);
    int64_t count = 0, ttl = 0;
    int rc = ud_counters_incr(limits->counters, key, (day + 1) * 86400 - now, &count, &ttl);
    if (rc < 0)
        return rc;
    int64_t quota = ud_plan_daily_queries(plan);
    if (quota >= 0 && count > quota) {
        *out_retry_after = ttl > 0 ? ttl : 1;
        return ud_error_set(UD_EAGAIN,
                            "daily quota used up: the %s plan allows %lld queries per user per "
                            "day; it resets at 00:00 UTC (in %lld s)",
                            plan, (long long)quota, (long long)*out_retry_after);
    }
    return 0;
}

static int blocked(const ud_limits *limits, const char *kind, const char *who, int64_t *retry,
                   const char **why)
{
    char key[320];
    int64_t value = 0, ttl = 0;
    snprintf(key, sizeof(key), "login_lock:%s:%s", kind, who);
    int rc = ud_counters_get(limits->counters, key, &value, &ttl);
    if (rc == 0 && value > 0) {
        *retry = ttl;
        *why = "locked after repeated failed logins";
        return 1;
    }
    snprintf(key, sizeof(key), "login_wait:%s:%s", kind, who);
    if (rc == 0)
        rc = ud_counters_get(limits->counters, key, &value, &ttl);
    if (rc == 0 && value > 0) {
        *retry = ttl;
        *why = "slowed down after failed logins";
        return 1;
    }
    return rc;
}

int ud_limits_login_check(const ud_limits *limits, const char *email, const char *ip,
                          int64_t *out_retry_after)
{
    const char *why = NULL;
    int64_t retry = 0;
    int rc = blocked(limits, "account", email, &retry, &why);
    const char *what = "this account";
    if (rc == 0 && ip && ip[0]) {
        rc = blocked(limits, "ip", ip, &retry, &why);
        what = "this address";
    }
    if (rc < 0)
        return rc;
    if (rc == 1) {
        *out_retry_after = retry > 0 ? retry : 1;
        return ud_error_set(UD_EAGAIN, "%s is %s; retry in %lld s", what, why,
                            (long long)*out_retry_after);
    }
    return 0;
}

/* One failure for one account or address; *out_locked if it set the lock. */
static int fail_one(const ud_limits *limits, const char *kind, const char *who, int64_t factor,
                    int64_t *out_failures, bool *out_locked)
{
    char key[320];
    snprintf(key, sizeof(key), "login_fail:%s:%s", kind, who);
    int64_t failures = 0, ttl = 0, value = 0;
    int rc = ud_counters_incr(limits->counters, key, LOGIN_WINDOW_SECONDS, &failures, &ttl);
    if (rc < 0)
        return rc;
    *out_failures = failures;
    *out_locked = false;
    if (failures >= limits->lock_after * factor) {
        snprintf(key, sizeof(key), "login_lock:%s:%s", kind, who);
        rc = ud_counters_incr(limits->counters, key, limits->lock_seconds, &value, &ttl);
        *out_locked = rc == 0 && value == 1;
    } else if (failures >= limits->slowdown_after * factor) {
        int64_t step = failures - limits->slowdown_after * factor;
        int64_t wait = step >= 9 ? MAX_WAIT_SECONDS : (int64_t)1 << step;
        if (wait > MAX_WAIT_SECONDS)
            wait = MAX_WAIT_SECONDS;
        snprintf(key, sizeof(key), "login_wait:%s:%s", kind, who);
        rc = ud_counters_incr(limits->counters, key, wait, &value, &ttl);
    }
    return rc;
}

int ud_limits_login_failed(ud_login_failure *out, const ud_limits *limits, const char *email,
                           const char *ip)
{
    memset(out, 0, sizeof(*out));
    int rc = fail_one(limits, "account", email, 1, &out->account_failures, &out->account_locked);
    if (rc == 0 && ip && ip[0])
        rc = fail_one(limits, "ip", ip, ADDRESS_FACTOR, &out->address_failures,
                      &out->address_locked);
    return rc;
}

int ud_limits_login_succeeded(const ud_limits *limits, const char *email)
{
    char key[320];
    snprintf(key, sizeof(key), "login_fail:account:%s", email);
    return ud_counters_del(limits->counters, key);
}
