/*
 * The in-process counters backend (counters.h): an open-addressing hash
 * table of {key, value, expires_at} under one mutex. The table never grows
 * past its key limit, so a flood of distinct keys (addresses, emails) costs
 * bounded memory: when it is full, expired keys are swept and, if none
 * were, the key closest to expiry is dropped (the one whose limit matters
 * least).
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "store/counters.h"

#define MAX_KEY_BYTES 255
#define DEFAULT_MAX_KEYS 100000

typedef struct slot {
    char *key; /* NULL = empty; TOMBSTONE = deleted */
    int64_t value;
    int64_t expires_at;
} slot;

typedef struct mem_counters {
    ud_counters base;
    pthread_mutex_t lock; /* guards everything below */
    slot *slots;
    size_t capacity; /* a power of two, at least twice max_keys */
    size_t used;     /* live keys */
    size_t tombstones;
    size_t max_keys;
    ud_clock_fn clock;
    void *clock_payload;
} mem_counters;

static char TOMBSTONE_BYTE;
#define TOMBSTONE (&TOMBSTONE_BYTE)

static uint64_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 1099511628211ull;
    return h;
}

static int64_t now_of(mem_counters *m)
{
    return m->clock ? m->clock(m->clock_payload) : ud_now();
}

static bool live(const slot *s, int64_t now)
{
    return s->key && s->key != TOMBSTONE && s->expires_at > now;
}

static void drop(mem_counters *m, slot *s)
{
    free(s->key);
    s->key = TOMBSTONE;
    m->used--;
    m->tombstones++;
}

/* The slot holding key, or NULL. */
static slot *find(mem_counters *m, const char *key)
{
    size_t mask = m->capacity - 1;
    for (size_t i = hash_key(key) & mask, probes = 0; probes < m->capacity;
         i = (i + 1) & mask, probes++) {
        slot *s = &m->slots[i];
        if (!s->key)
            return NULL;
        if (s->key != TOMBSTONE && strcmp(s->key, key) == 0)
            return s;
    }
    return NULL;
}

/* Frees room for one more key: expired keys first, else the soonest to
 * expire. Rehashing is not needed: tombstones keep probe chains intact, and
 * the table is rebuilt when they pile up (see insert). */
static void make_room(mem_counters *m, int64_t now)
{
    slot *soonest = NULL;
    bool swept = false;
    for (size_t i = 0; i < m->capacity; i++) {
        slot *s = &m->slots[i];
        if (!s->key || s->key == TOMBSTONE)
            continue;
        if (s->expires_at <= now) {
            drop(m, s);
            swept = true;
        } else if (!soonest || s->expires_at < soonest->expires_at) {
            soonest = s;
        }
    }
    if (!swept && soonest)
        drop(m, soonest);
}

/* Rebuilds the table without tombstones. */
static void rebuild(mem_counters *m)
{
    slot *old = m->slots;
    m->slots = ud_calloc(m->capacity, sizeof(slot));
    size_t mask = m->capacity - 1;
    for (size_t i = 0; i < m->capacity; i++) {
        if (!old[i].key || old[i].key == TOMBSTONE)
            continue;
        size_t j = hash_key(old[i].key) & mask;
        while (m->slots[j].key)
            j = (j + 1) & mask;
        m->slots[j] = old[i];
    }
    free(old);
    m->tombstones = 0;
}

static slot *insert(mem_counters *m, const char *key, int64_t now)
{
    if (m->used >= m->max_keys)
        make_room(m, now);
    /* Probe chains end at empty slots: keep a quarter of the table empty. */
    if (m->used + m->tombstones >= m->capacity - m->capacity / 4)
        rebuild(m);
    size_t mask = m->capacity - 1;
    size_t i = hash_key(key) & mask;
    while (m->slots[i].key && m->slots[i].key != TOMBSTONE)
        i = (i + 1) & mask;
    slot *s = &m->slots[i];
    if (s->key == TOMBSTONE)
        m->tombstones--;
    s->key = ud_strdup(key);
    m->used++;
    return s;
}

static int check_key(const char *key)
{
    if (!key || !key[0] || strlen(key) > MAX_KEY_BYTES)
        return ud_error_set(UD_EINVAL, "a counter key must be 1-%d bytes", MAX_KEY_BYTES);
    return 0;
}

static int mem_incr(ud_counters *self, const char *key, int64_t ttl, int64_t *out_value,
                    int64_t *out_ttl)
{
    int rc = check_key(key);
    if (rc < 0)
        return rc;
    mem_counters *m = (mem_counters *)self;
    pthread_mutex_lock(&m->lock);
    int64_t now = now_of(m);
    slot *s = find(m, key);
    if (s && !live(s, now)) {
        drop(m, s);
        s = NULL;
    }
    if (!s) {
        s = insert(m, key, now);
        s->value = 0;
        s->expires_at = now + (ttl > 0 ? ttl : 1);
    }
    s->value++;
    *out_value = s->value;
    if (out_ttl)
        *out_ttl = s->expires_at - now;
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static int mem_get(ud_counters *self, const char *key, int64_t *out_value, int64_t *out_ttl)
{
    int rc = check_key(key);
    if (rc < 0)
        return rc;
    mem_counters *m = (mem_counters *)self;
    pthread_mutex_lock(&m->lock);
    int64_t now = now_of(m);
    slot *s = find(m, key);
    bool alive = s && live(s, now);
    *out_value = alive ? s->value : 0;
    if (out_ttl)
        *out_ttl = alive ? s->expires_at - now : 0;
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static int mem_del(ud_counters *self, const char *key)
{
    int rc = check_key(key);
    if (rc < 0)
        return rc;
    mem_counters *m = (mem_counters *)self;
    pthread_mutex_lock(&m->lock);
    slot *s = find(m, key);
    if (s)
        drop(m, s);
    pthread_mutex_unlock(&m->lock);
    return 0;
}

static void mem_free(ud_counters *self)
{
    mem_counters *m = (mem_counters *)self;
    for (size_t i = 0; i < m->capacity; i++)
        if (m->slots[i].key && m->slots[i].key != TOMBSTONE)
            free(m->slots[i].key);
    free(m->slots);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

static const ud_counters_ops MEM_OPS = {mem_incr, mem_get, mem_del, mem_free};

int ud_counters_mem_new(ud_counters **out, size_t max_keys, ud_clock_fn clock, void *clock_payload)
{
    if (max_keys == 0 || max_keys > (1u << 24))
        return ud_error_set(UD_EINVAL, "counters: the key limit must be 1..16777216");
    mem_counters *m = ud_calloc(1, sizeof(*m));
    m->base.ops = &MEM_OPS;
    pthread_mutex_init(&m->lock, NULL);
    m->capacity = 16;
    while (m->capacity < max_keys * 2)
        m->capacity *= 2;
    m->slots = ud_calloc(m->capacity, sizeof(slot));
    m->max_keys = max_keys;
    m->clock = clock;
    m->clock_payload = clock_payload;
    *out = &m->base;
    return 0;
}

int ud_counters_open(ud_counters **out, const char *url)
{
    if (!url || strncmp(url, "mem:", 4) != 0)
        return ud_error_set(UD_EUNSUPPORTED,
                            "counters: unknown backend '%s' (the embedded one is mem:)",
                            url ? url : "");
    size_t max_keys = DEFAULT_MAX_KEYS;
    const char *max = strstr(url, "max=");
    if (max) {
        char *end = NULL;
        unsigned long long n = strtoull(max + 4, &end, 10);
        if (end == max + 4 || *end != '\0')
            return ud_error_set(UD_EINVAL, "counters: bad max in '%s'", url);
        max_keys = (size_t)n;
    }
    return ud_counters_mem_new(out, max_keys, NULL, NULL);
}
