/*
 * The in-process query cache (cache.h): a list of entries under one mutex,
 * bounded by the bytes of its values. Entries are few (answers of the last
 * hour) and large, so a linear scan per lookup costs less than the JSON it
 * saves; when the bound is reached the oldest entries go first.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "store/cache.h"

#define DEFAULT_MAX_BYTES (64u << 20)
#define MAX_ENTRIES 4096
#define MAX_KEY_BYTES 200

typedef struct entry {
    char key[MAX_KEY_BYTES + 1];
    char *value;
    size_t len;
    int64_t expires_at;
    uint64_t stored; /* insertion order, for eviction */
} entry;

typedef struct mem_cache {
    ud_cache base;
    pthread_mutex_t lock; /* guards everything below */
    entry *entries;
    size_t count;
    size_t bytes;
    size_t max_bytes;
    uint64_t clock;
} mem_cache;

static void remove_at(mem_cache *m, size_t i)
{
    m->bytes -= m->entries[i].len;
    free(m->entries[i].value);
    m->entries[i] = m->entries[--m->count];
}

static int find(mem_cache *m, const char *key)
{
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->entries[i].key, key) == 0)
            return (int)i;
    return -1;
}

static int mem_get(ud_cache *self, const char *key, char **out, size_t *out_len)
{
    mem_cache *m = (mem_cache *)self;
    *out = NULL;
    *out_len = 0;
    pthread_mutex_lock(&m->lock);
    int i = find(m, key);
    if (i >= 0 && m->entries[i].expires_at <= ud_now()) {
        remove_at(m, (size_t)i);
        i = -1;
    }
    if (i >= 0) {
        *out = ud_malloc(m->entries[i].len + 1);
        memcpy(*out, m->entries[i].value, m->entries[i].len);
        (*out)[m->entries[i].len] = '\0';
        *out_len = m->entries[i].len;
    }
    pthread_mutex_unlock(&m->lock);
    return 0;
}

/* Drops expired entries, then the oldest, until `need` more bytes and one
 * more entry fit. */
static void make_room(mem_cache *m, size_t need)
{
    int64_t now = ud_now();
    for (size_t i = 0; i < m->count;)
        if (m->entries[i].expires_at <= now)
            remove_at(m, i);
        else
            i++;
    while (m->count > 0 && (m->bytes + need > m->max_bytes || m->count == MAX_ENTRIES)) {
        size_t oldest = 0;
        for (size_t i = 1; i < m->count; i++)
            if (m->entries[i].stored < m->entries[oldest].stored)
                oldest = i;
        remove_at(m, oldest);
    }
}

static int mem_set(ud_cache *self, const char *key, const char *value, size_t len, int64_t ttl)
{
    mem_cache *m = (mem_cache *)self;
    if (!key || strlen(key) > MAX_KEY_BYTES)
        return ud_error_set(UD_EINVAL, "cache keys are at most %d bytes", MAX_KEY_BYTES);
    if (len > m->max_bytes / 4)
        return 0; /* too large to be worth keeping; not an error */
    pthread_mutex_lock(&m->lock);
    int i = find(m, key);
    if (i >= 0)
        remove_at(m, (size_t)i);
    make_room(m, len);
    entry *e = &m->entries[m->count++];
    snprintf(e->key, sizeof(e->key), "%s", key);
    e->value = ud_malloc(len ? len : 1);
    memcpy(e->value, value, len);
    e->len = len;
    e->expires_at = ud_now() + (ttl > 0 ? ttl : UD_CACHE_TTL_SECONDS);
    e->stored = ++m->clock;
    m->bytes += len;
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static int mem_drop_org(ud_cache *self, const char *org_id)
{
    mem_cache *m = (mem_cache *)self;
    char suffix[64];
    snprintf(suffix, sizeof(suffix), ":%s", org_id ? org_id : "");
    size_t n = strlen(suffix);
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->count;) {
        size_t k = strlen(m->entries[i].key);
        if (k >= n && strcmp(m->entries[i].key + k - n, suffix) == 0)
            remove_at(m, i);
        else
            i++;
    }
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static void mem_free(ud_cache *self)
{
    mem_cache *m = (mem_cache *)self;
    for (size_t i = 0; i < m->count; i++)
        free(m->entries[i].value);
    free(m->entries);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static const ud_cache_ops MEM_OPS = {mem_get, mem_set, mem_drop_org, mem_free};

int ud_cache_open(ud_cache **out, const char *url)
{
    if (!url || strncmp(url, "mem:", 4) != 0)
        return ud_error_set(UD_EUNSUPPORTED,
                            "cache: unknown backend '%s' (the embedded one is mem:)",
                            url ? url : "");
    size_t max_bytes = DEFAULT_MAX_BYTES;
    const char *max = strstr(url, "max_mb=");
    if (max) {
        char *end = NULL;
        unsigned long long mb = strtoull(max + 7, &end, 10);
        if (end == max + 7 || *end != '\0' || mb == 0 || mb > 65536)
            return ud_error_set(UD_EINVAL, "cache: bad max_mb in '%s'", url);
        max_bytes = (size_t)mb << 20;
    }
    mem_cache *m = ud_calloc(1, sizeof(*m));
    m->base.ops = &MEM_OPS;
    pthread_mutex_init(&m->lock, NULL);
    m->entries = ud_calloc(MAX_ENTRIES, sizeof(entry));
    m->max_bytes = max_bytes;
    *out = &m->base;
    return 0;
}

void ud_cache_key(char out[160], const char *org_id, const char *const *parts, size_t count)
{
    ud_sha256_ctx ctx;
    ud_sha256_begin(&ctx);
    for (size_t i = 0; i < count; i++) {
        char prefix[24];
        size_t len = parts[i] ? strlen(parts[i]) : 0;
        snprintf(prefix, sizeof(prefix), "%zu:", len);
        ud_sha256_update(&ctx, prefix, strlen(prefix));
        if (len)
            ud_sha256_update(&ctx, parts[i], len);
    }
    char hash[UD_SHA256_HEX_LEN + 1];
    ud_sha256_end_hex(&ctx, hash);
    snprintf(out, 160, "search:%s:%s", hash, org_id ? org_id : "");
}
