/*
 * The credential read cache (meta_cache.h): a small hash table of copies
 * of key, organization and user rows, each with its expiry, behind one
 * mutex held only to look up, insert or drop (never during SQL).
 *
 * A read and an invalidation can cross: a thread reads a row from the
 * database, another commits a revocation and drops the org's rows, then the
 * first caches what it read, now stale. So every drop bumps a generation,
 * and a row read from the database is cached only if no drop happened since
 * the read began.
 */
#include "store/meta_cache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "store/meta_internal.h"

#define BUCKETS 1024
/* The bound: past it, expired rows go, and if none had expired, all. */
#define MAX_ENTRIES 4096
/* The most strings a cached row holds (a user has 8). */
#define MAX_STRINGS 10

typedef enum { KIND_KEY, KIND_ORG, KIND_USER } kind;

typedef struct entry {
    struct entry *next;
    char key[2 + UD_SHA256_HEX_LEN + 1 + UD_UUID_LEN + 1]; /* "k:hash", "o:id", "u:org:id" */
    char org_id[UD_UUID_LEN + 1];
    double expires_ms;
    char *strings[MAX_STRINGS]; /* owned copies the row points to */
    size_t string_count;
    union {
        ud_apikey_row key;
        ud_org org;
        ud_user user;
    } row;
} entry;

struct ud_meta_cache {
    pthread_mutex_t lock; /* guards everything below */
    double ttl_ms;
    uint64_t generation;
    entry *buckets[BUCKETS];
    size_t count;
};

/* ---- copying rows ------------------------------------------------------- */

/* Where copied strings go: the caller's arena, or an entry's own list. */
typedef struct copier {
    ud_arena *arena;
    entry *owner;
} copier;

static const char *copy_text(copier *c, const char *s)
{
    if (!s)
        return NULL;
    if (c->arena)
        return ud_arena_strdup(c->arena, s);
    char *owned = ud_strdup(s);
    c->owner->strings[c->owner->string_count++] = owned;
    return owned;
}

static void copy_key(ud_apikey_row *out, const ud_apikey_row *in, copier *c)
{
    *out = *in;
    out->id = copy_text(c, in->id);
    out->org_id = copy_text(c, in->org_id);
    out->name = copy_text(c, in->name);
    out->key_prefix = copy_text(c, in->key_prefix);
    out->permissions_json = copy_text(c, in->permissions_json);
    out->created_by = copy_text(c, in->created_by);
}

static void copy_org(ud_org *out, const ud_org *in, copier *c)
{
    *out = *in;
    out->id = copy_text(c, in->id);
    out->name = copy_text(c, in->name);
    out->slug = copy_text(c, in->slug);
    out->plan = copy_text(c, in->plan);
    out->status = copy_text(c, in->status);
    out->settings_json = copy_text(c, in->settings_json);
}

static void copy_user(ud_user *out, const ud_user *in, copier *c)
{
    *out = *in;
    out->id = copy_text(c, in->id);
    out->org_id = copy_text(c, in->org_id);
    out->email = copy_text(c, in->email);
    out->password_hash = NULL; /* authentication never needs it: not kept in memory */
    out->role = copy_text(c, in->role);
    out->first_name = copy_text(c, in->first_name);
    out->last_name = copy_text(c, in->last_name);
    out->groups_json = copy_text(c, in->groups_json);
    out->settings_json = copy_text(c, in->settings_json);
}

static void copy_row(kind k, void *out, const void *in, copier *c)
{
    switch (k) {
    case KIND_KEY: copy_key(out, in, c); break;
    case KIND_ORG: copy_org(out, in, c); break;
    case KIND_USER: copy_user(out, in, c); break;
    }
}

static const char *org_of(kind k, const void *row)
{
    switch (k) {
    case KIND_KEY: return ((const ud_apikey_row *)row)->org_id;
    case KIND_ORG: return ((const ud_org *)row)->id;
    case KIND_USER: return ((const ud_user *)row)->org_id;
    }
    return NULL;
}

/* ---- the table ------------------------------------------------------------ */

static void free_entry(entry *e)
{
    for (size_t i = 0; i < e->string_count; i++)
        free(e->strings[i]);
    free(e);
}

static size_t bucket_of(const char *key)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)(h % BUCKETS);
}

/* Drops the entries `drop` selects; the caller holds the lock. */
static void sweep(ud_meta_cache *c, bool (*drop)(const entry *e, const void *arg), const void *arg)
{
    for (size_t b = 0; b < BUCKETS; b++)
        for (entry **p = &c->buckets[b]; *p;) {
            entry *e = *p;
            if (drop(e, arg)) {
                *p = e->next;
                free_entry(e);
                c->count--;
            } else {
                p = &e->next;
            }
        }
}

static bool is_expired(const entry *e, const void *arg)
{
    return e->expires_ms <= *(const double *)arg;
}

static bool is_of_org(const entry *e, const void *arg)
{
    return strcmp(e->org_id, arg) == 0;
}

static bool is_any(const entry *e, const void *arg)
{
    (void)e;
    (void)arg;
    return true;
}

static entry *find(ud_meta_cache *c, const char *key)
{
    for (entry *e = c->buckets[bucket_of(key)]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

/* Puts e in place of any entry with its key; the caller holds the lock. */
static void insert(ud_meta_cache *c, entry *e, double now)
{
    size_t b = bucket_of(e->key);
    for (entry **p = &c->buckets[b]; *p; p = &(*p)->next)
        if (strcmp((*p)->key, e->key) == 0) {
            entry *old = *p;
            *p = old->next;
            free_entry(old);
            c->count--;
            break;
        }
    if (c->count >= MAX_ENTRIES)
        sweep(c, is_expired, &now);
    if (c->count >= MAX_ENTRIES)
        sweep(c, is_any, NULL);
    e->next = c->buckets[b];
    c->buckets[b] = e;
    c->count++;
}

ud_meta_cache *ud_meta_cache_new(void)
{
    ud_meta_cache *c = ud_calloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->ttl_ms = UD_META_CACHE_DEFAULT_SECONDS * 1000.0;
    return c;
}

void ud_meta_cache_free(ud_meta_cache *c)
{
    if (!c)
        return;
    sweep(c, is_any, NULL);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void ud_meta_cache_set_seconds(ud_meta *meta, int64_t seconds)
{
    ud_meta_cache *c = meta->cache;
    pthread_mutex_lock(&c->lock);
    c->ttl_ms = seconds > 0 ? (double)seconds * 1000.0 : 0;
    pthread_mutex_unlock(&c->lock);
    ud_meta_cache_forget_all(meta);
}

void ud_meta_cache_forget_org(ud_meta *meta, const char *org_id)
{
    ud_meta_cache *c = meta->cache;
    if (!org_id)
        return;
    pthread_mutex_lock(&c->lock);
    c->generation++;
    sweep(c, is_of_org, org_id);
    pthread_mutex_unlock(&c->lock);
}

void ud_meta_cache_forget_all(ud_meta *meta)
{
    ud_meta_cache *c = meta->cache;
    pthread_mutex_lock(&c->lock);
    c->generation++;
    sweep(c, is_any, NULL);
    pthread_mutex_unlock(&c->lock);
}

void ud_meta_cache_note_touch(ud_meta *meta, const char *key_id, int64_t when)
{
    ud_meta_cache *c = meta->cache;
    pthread_mutex_lock(&c->lock);
    for (size_t b = 0; b < BUCKETS; b++)
        for (entry *e = c->buckets[b]; e; e = e->next)
            if (e->key[0] == 'k' && strcmp(e->row.key.id, key_id) == 0)
                e->row.key.last_used_at = when;
    pthread_mutex_unlock(&c->lock);
}

/* ---- reading through ------------------------------------------------------ */

typedef int (*load_fn)(void *out, ud_meta *meta, ud_arena *arena, const char *a, const char *b);

static int load_key(void *out, ud_meta *meta, ud_arena *arena, const char *hash, const char *b)
{
    (void)b;
    return ud_meta_apikey_find(out, meta, arena, hash);
}

static int load_org(void *out, ud_meta *meta, ud_arena *arena, const char *id, const char *b)
{
    (void)b;
    return ud_meta_org_get(out, meta, arena, id);
}

static int load_user(void *out, ud_meta *meta, ud_arena *arena, const char *org_id, const char *id)
{
    return ud_meta_user_get(out, meta, arena, org_id, id);
}

static int read_through(void *out, kind k, ud_meta *meta, ud_arena *arena, const char *key,
                        load_fn load, const char *a, const char *b)
{
    ud_meta_cache *c = meta->cache;
    copier to_caller = {.arena = arena};
    double now = ud_monotonic_ms();
    pthread_mutex_lock(&c->lock);
    bool enabled = c->ttl_ms > 0;
    entry *hit = enabled ? find(c, key) : NULL;
    if (hit && hit->expires_ms > now) {
        copy_row(k, out, &hit->row, &to_caller);
        pthread_mutex_unlock(&c->lock);
        return 0;
    }
    uint64_t generation = c->generation;
    double ttl = c->ttl_ms;
    pthread_mutex_unlock(&c->lock);
    int rc = load(out, meta, arena, a, b);
    if (rc < 0 || !enabled)
        return rc;
    entry *e = ud_calloc(1, sizeof(*e));
    snprintf(e->key, sizeof(e->key), "%s", key);
    const char *org = org_of(k, out);
    snprintf(e->org_id, sizeof(e->org_id), "%s", org ? org : "");
    e->expires_ms = now + ttl;
    copier to_entry = {.owner = e};
    copy_row(k, &e->row, out, &to_entry);
    pthread_mutex_lock(&c->lock);
    if (c->generation == generation)
        insert(c, e, now);
    else
        free_entry(e); /* a change was committed meanwhile: what we read may predate it */
    pthread_mutex_unlock(&c->lock);
    return 0;
}

int ud_meta_apikey_find_cached(ud_apikey_row *out, ud_meta *meta, ud_arena *arena,
                               const char *key_hash)
{
    /* Only well-formed keys are cached, so a cache key is never a
     * truncation of some other input. */
    if (!key_hash || strlen(key_hash) != UD_SHA256_HEX_LEN)
        return ud_meta_apikey_find(out, meta, arena, key_hash);
    char key[sizeof(((entry *)0)->key)];
    snprintf(key, sizeof(key), "k:%s", key_hash);
    return read_through(out, KIND_KEY, meta, arena, key, load_key, key_hash, NULL);
}

int ud_meta_org_get_cached(ud_org *out, ud_meta *meta, ud_arena *arena, const char *id)
{
    if (!ud_meta_is_uuid(id))
        return ud_meta_org_get(out, meta, arena, id);
    char key[sizeof(((entry *)0)->key)];
    snprintf(key, sizeof(key), "o:%s", id);
    return read_through(out, KIND_ORG, meta, arena, key, load_org, id, NULL);
}

int ud_meta_user_get_cached(ud_user *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                            const char *id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_meta_user_get(out, meta, arena, org_id, id);
    char key[sizeof(((entry *)0)->key)];
    snprintf(key, sizeof(key), "u:%s:%s", org_id, id);
    int rc = read_through(out, KIND_USER, meta, arena, key, load_user, org_id, id);
    if (rc == 0)
        out->password_hash = NULL; /* the same row from the cache or the database */
    return rc;
}
