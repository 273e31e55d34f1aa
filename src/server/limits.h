/*
 * Rate limits, daily quotas and login throttling, all counted in the
 * expiring counters of src/store/counters.h (in this process by default,
 * Redis later), under the spec's key layout:
 *   rate_limit:{user or key id}:{endpoint}:{minute}   per-minute rate
 *   quota:{user or key id}:{day}                       queries per day (plan)
 *   login_fail:{account|ip}:{who}                      failures in 15 minutes
 *   login_wait:{account|ip}:{who}, login_lock:...      the slow-down and the lock
 * Every refusal is UD_EAGAIN (HTTP 429) with the seconds to wait.
 */
#ifndef UD_SERVER_LIMITS_H
#define UD_SERVER_LIMITS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "store/counters.h"

typedef struct ud_limits {
    ud_counters *counters;  /* borrowed */
    int64_t per_minute;     /* requests per endpoint per minute */
    int64_t slowdown_after; /* failed logins before each retry must wait */
    int64_t lock_after;     /* failed logins before a lock */
    int64_t lock_seconds;
} ud_limits;

/* Counts one request of `who` to `endpoint`; UD_EAGAIN past the limit. */
int ud_limits_rate(const ud_limits *limits, const char *who, const char *endpoint, int64_t now,
                   int64_t *out_retry_after) UD_MUST_CHECK;

/* Counts one query against the plan's daily quota (UTC days); UD_EAGAIN
 * when it is used up. Unlimited plans only count. */
int ud_limits_quota(const ud_limits *limits, const char *who, const char *plan, int64_t now,
                    int64_t *out_retry_after) UD_MUST_CHECK;

/* Before a login attempt: UD_EAGAIN while the account or the address is
 * locked or must wait. */
int ud_limits_login_check(const ud_limits *limits, const char *email, const char *ip,
                          int64_t *out_retry_after) UD_MUST_CHECK;

/* What a failed login set off. */
typedef struct ud_login_failure {
    bool account_locked; /* this failure locked the account */
    bool address_locked; /* ... or the address */
    int64_t account_failures;
    int64_t address_failures;
} ud_login_failure;

/* Records a failed login for the account and the address. */
int ud_limits_login_failed(ud_login_failure *out, const ud_limits *limits, const char *email,
                           const char *ip) UD_MUST_CHECK;

/* A successful login clears the account's failures (not the address's:
 * one good password must not hide a spray of guesses from that address). */
int ud_limits_login_succeeded(const ud_limits *limits, const char *email) UD_MUST_CHECK;

#endif
