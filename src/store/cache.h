/*
 * The query cache: answers and search results kept for an hour under the
 * spec's key layout, search:{hash of query, filters and principals}:{org_id}.
 * One interface, chosen by URL: "mem:" is the embedded default (a bounded
 * table in this process); Redis plugs in behind the same functions later.
 *
 * An organization's entries are dropped when its index changes: callers
 * put the index's generation into the hash (so a changed index never hits
 * an old entry) and call drop_org after writing to the index (so memory is
 * given back at once). Thread-safe.
 */
#ifndef UD_STORE_CACHE_H
#define UD_STORE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct ud_cache ud_cache;

typedef struct ud_cache_ops {
    /* A malloc'd copy of the value (*out NULL and 0 returned on a miss). */
    int (*get)(ud_cache *self, const char *key, char **out, size_t *out_len);
    int (*set)(ud_cache *self, const char *key, const char *value, size_t len, int64_t ttl_seconds);
    /* Drops every entry whose key ends with ":{org_id}". */
    int (*drop_org)(ud_cache *self, const char *org_id);
    void (*free)(ud_cache *self);
} ud_cache_ops;

struct ud_cache {
    const ud_cache_ops *ops;
};

#define UD_CACHE_TTL_SECONDS 3600

/* "mem:" (optionally "mem:?max_mb=N", default 64 MiB of values).
 * UD_EUNSUPPORTED for another scheme. */
int ud_cache_open(ud_cache **out, const char *url) UD_MUST_CHECK;

/* The key of a query: search:{sha256 of the parts}:{org_id}. parts are
 * joined with a separator no part can hold (each is length-prefixed). */
void ud_cache_key(char out[160], const char *org_id, const char *const *parts, size_t count);

static inline int ud_cache_get(ud_cache *c, const char *key, char **out, size_t *out_len)
{
    return c->ops->get(c, key, out, out_len);
}
static inline int ud_cache_set(ud_cache *c, const char *key, const char *value, size_t len,
                               int64_t ttl)
{
    return c->ops->set(c, key, value, len, ttl);
}
static inline int ud_cache_drop_org(ud_cache *c, const char *org_id)
{
    return c->ops->drop_org(c, org_id);
}
static inline void ud_cache_free(ud_cache *c)
{
    if (c)
        c->ops->free(c);
}

#endif
