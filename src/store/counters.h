/*
 * Expiring counters: the shape of Redis's INCR + EXPIRE, which is all that
 * rate limits, daily quotas and login throttling need. One interface, chosen
 * by URL: "mem:" is the embedded default (a bounded table in this process);
 * Redis ("redis://...") is the production backend of a later issue and
 * plugs in behind the same table of functions.
 *
 * Keys are short strings such as "rate_limit:{user_id}:{endpoint}:{minute}"
 * (the spec's layout). Thread-safe.
 */
#ifndef UD_STORE_COUNTERS_H
#define UD_STORE_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct ud_counters ud_counters;

/* A clock in Unix seconds; tests pass their own. */
typedef int64_t (*ud_clock_fn)(void *payload);

typedef struct ud_counters_ops {
    /* Adds 1 to the key and returns the new value. A key that does not
     * exist (or has expired) starts at 1 and expires ttl_seconds from now;
     * an existing key keeps its expiry. *out_ttl: seconds left. */
    int (*incr)(ud_counters *self, const char *key, int64_t ttl_seconds, int64_t *out_value,
                int64_t *out_ttl);
    /* The value and seconds left; 0 and 0 for a missing key. */
    int (*get)(ud_counters *self, const char *key, int64_t *out_value, int64_t *out_ttl);
    int (*del)(ud_counters *self, const char *key);
    void (*free)(ud_counters *self);
} ud_counters_ops;

struct ud_counters {
    const ud_counters_ops *ops;
};

/* Opens the backend the URL names: "mem:" (optionally "mem:?max=N" for the
 * table's size, default 100,000 keys). UD_EUNSUPPORTED for others. */
int ud_counters_open(ud_counters **out, const char *url) UD_MUST_CHECK;
/* The in-process table with at most max_keys keys and the given clock
 * (NULL: the real one). When full, expired keys are dropped first, then
 * the key that would expire soonest. */
int ud_counters_mem_new(ud_counters **out, size_t max_keys, ud_clock_fn clock,
                        void *clock_payload) UD_MUST_CHECK;

static inline int ud_counters_incr(ud_counters *c, const char *key, int64_t ttl, int64_t *value,
                                   int64_t *ttl_left)
{
    return c->ops->incr(c, key, ttl, value, ttl_left);
}
static inline int ud_counters_get(ud_counters *c, const char *key, int64_t *value,
                                  int64_t *ttl_left)
{
    return c->ops->get(c, key, value, ttl_left);
}
static inline int ud_counters_del(ud_counters *c, const char *key)
{
    return c->ops->del(c, key);
}
static inline void ud_counters_free(ud_counters *c)
{
    if (c)
        c->ops->free(c);
}

#endif
