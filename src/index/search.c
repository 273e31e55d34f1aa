/*
 * The foundation's search: an exact BM25 corpus per organization, built from
 * the metadata store's chunks and rebuilt when the org's generation moves.
 * Brute force on purpose (see bm25_exact.h); the segment index of the
 * retrieval engine replaces it and keeps this as its oracle.
 *
 * Concurrency: one mutex guards the cache, the analyzer and every search.
 * Searches are therefore serial, which is fine for a brute-force scorer.
 */
#include "index/search.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "index/analyzer.h"
#include "index/excerpt.h"

#define MAX_TOP_K 100

typedef struct chunk_info {
    const char *doc_id;
    int64_t chunk_index;
    const char *text;
    size_t text_len;
    const char *title;
    const char *source_type;
    const char *url;
    const char *path;
    const char *heading_path;
    int64_t updated_at;
} chunk_info;

/* What we built for one org; everything lives in `arena`. */
typedef struct org_corpus {
    char org_id[64];
    int64_t generation;
    ud_bm25_corpus *corpus;
    chunk_info *chunks;
    size_t count;
    size_t capacity;
    ud_arena arena;
    struct org_corpus *next;
} org_corpus;

struct ud_searcher {
    ud_meta *meta;
    ud_bm25_params params;
    ud_analyzer *analyzer;
    pthread_mutex_t lock; /* guards everything below and every search */
    org_corpus *orgs;
};

int ud_searcher_new(ud_searcher **out, ud_meta *meta, const ud_bm25_params *params)
{
    ud_searcher *s = ud_calloc(1, sizeof(*s));
    s->meta = meta;
    if (params)
        s->params = *params;
    else
        ud_bm25_params_default(&s->params);
    int rc = ud_analyzer_new(&s->analyzer);
    if (rc < 0) {
        free(s);
        return rc;
    }
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return 0;
}

static void org_corpus_free(org_corpus *oc)
{
    ud_bm25_corpus_free(oc->corpus);
    free(oc->chunks);
    ud_arena_dispose(&oc->arena);
    free(oc);
}

void ud_searcher_free(ud_searcher *searcher)
{
    if (!searcher)
        return;
    org_corpus *oc = searcher->orgs;
    while (oc) {
        org_corpus *next = oc->next;
        org_corpus_free(oc);
        oc = next;
    }
    ud_analyzer_free(searcher->analyzer);
    pthread_mutex_destroy(&searcher->lock);
    free(searcher);
}

typedef struct build_state {
    org_corpus *oc;
    ud_analyzer *analyzer;
} build_state;

static const char *keep(ud_arena *arena, const char *s)
{
    return s ? ud_arena_strdup(arena, s) : NULL;
}

static int add_chunk(const ud_chunk_row *row, void *payload)
{
    build_state *st = payload;
    org_corpus *oc = st->oc;
    if (oc->count == oc->capacity) {
        oc->capacity = oc->capacity ? oc->capacity * 2 : 256;
        oc->chunks = ud_realloc(oc->chunks, oc->capacity * sizeof(chunk_info));
    }
    chunk_info *ci = &oc->chunks[oc->count];
    ci->doc_id = keep(&oc->arena, row->doc_id);
    ci->chunk_index = row->chunk_index;
    ci->text = keep(&oc->arena, row->text);
    ci->text_len = strlen(ci->text);
    ci->title = keep(&oc->arena, row->title ? row->title : "");
    ci->source_type = keep(&oc->arena, row->source_type);
    ci->url = keep(&oc->arena, row->url);
    ci->path = keep(&oc->arena, row->path);
    ci->heading_path = keep(&oc->arena, row->heading_path ? row->heading_path : "");
    ci->updated_at = row->updated_at;
    int rc = ud_bm25_corpus_add(oc->corpus, st->analyzer, oc->count, ci->title, strlen(ci->title),
                                ci->text, ci->text_len);
    if (rc < 0)
        return rc;
    oc->count++;
    return 0;
}

/* Returns the org's corpus at the store's current generation, building it if
 * the cached one is missing or stale. Called with the lock held. */
static int corpus_for(org_corpus **out, ud_searcher *s, const char *org_id)
{
    int64_t generation = 0;
    int rc = ud_meta_generation(s->meta, org_id, &generation);
    if (rc < 0)
        return rc;
    org_corpus **link = &s->orgs;
    for (org_corpus *oc = s->orgs; oc; link = &oc->next, oc = oc->next) {
        if (strcmp(oc->org_id, org_id) != 0)
            continue;
        if (oc->generation == generation) {
            *out = oc;
            return 0;
        }
        *link = oc->next; /* stale: drop and rebuild below */
        org_corpus_free(oc);
        break;
    }
    org_corpus *oc = ud_calloc(1, sizeof(*oc));
    snprintf(oc->org_id, sizeof(oc->org_id), "%s", org_id);
    oc->generation = generation;
    ud_arena_init(&oc->arena);
    rc = ud_bm25_corpus_new(&oc->corpus, &s->params);
    if (rc < 0) {
        ud_arena_dispose(&oc->arena);
        free(oc);
        return rc;
    }
    build_state st = {oc, s->analyzer};
    rc = ud_meta_chunks_scan(s->meta, org_id, add_chunk, &st);
    if (rc < 0) {
        org_corpus_free(oc);
        return rc;
    }
    oc->next = s->orgs;
    s->orgs = oc;
    *out = oc;
    return 0;
}

static bool source_allowed(const ud_search_opts *opts, const char *source_type)
{
    if (!opts->source_types || opts->source_type_count == 0)
        return true;
    for (size_t i = 0; i < opts->source_type_count; i++)
        if (source_type && strcmp(opts->source_types[i], source_type) == 0)
            return true;
    return false;
}

static int search_locked(ud_search_hit **out, size_t *out_count, ud_searcher *s, ud_arena *arena,
                         const char *org_id, const char *query, const ud_search_opts *opts)
{
    org_corpus *oc = NULL;
    int rc = corpus_for(&oc, s, org_id);
    if (rc < 0)
        return rc;
    size_t top_k = opts->top_k ? opts->top_k : 10;
    if (top_k > MAX_TOP_K)
        top_k = MAX_TOP_K;

    /* Every matching chunk, best first: we keep one chunk per document and
     * apply the source filter, so we cannot stop at top_k chunks. */
    ud_bm25_hit *hits = NULL;
    size_t hit_count = 0;
    rc = ud_bm25_search(&hits, &hit_count, oc->corpus, s->analyzer, arena, query, strlen(query),
                        oc->count ? oc->count : 1);
    if (rc < 0)
        return rc;

    ud_search_hit *results = ud_arena_alloc(arena, top_k * sizeof(*results));
    size_t n = 0;
    ud_excerpt_opts xo = {240, opts->mark_open ? opts->mark_open : "<mark>",
                          opts->mark_close ? opts->mark_close : "</mark>"};
    for (size_t i = 0; i < hit_count && n < top_k; i++) {
        const chunk_info *ci = &oc->chunks[hits[i].doc];
        if (!source_allowed(opts, ci->source_type))
            continue;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(results[j].doc_id, ci->doc_id) == 0;
        if (seen)
            continue;
        ud_search_hit *h = &results[n];
        h->doc_id = ud_arena_strdup(arena, ci->doc_id);
        h->chunk_index = ci->chunk_index;
        h->score = hits[i].score;
        h->title = ud_arena_strdup(arena, ci->title);
        h->source_type = ud_arena_strdup(arena, ci->source_type);
        h->url = ci->url ? ud_arena_strdup(arena, ci->url) : NULL;
        h->path = ci->path ? ud_arena_strdup(arena, ci->path) : NULL;
        h->heading_path = ud_arena_strdup(arena, ci->heading_path);
        h->updated_at = ci->updated_at;
        char *excerpt = NULL;
        rc = ud_excerpt_build(&excerpt, s->analyzer, arena, ci->text, ci->text_len, query, &xo);
        if (rc < 0)
            return rc;
        h->excerpt = excerpt;
        n++;
    }
    *out = results;
    *out_count = n;
    return 0;
}

int ud_searcher_search(ud_search_hit **out, size_t *out_count, ud_searcher *searcher,
                       ud_arena *arena, const char *org_id, const char *query,
                       const ud_search_opts *opts)
{
    ud_search_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    if (!query)
        return ud_error_set(UD_EINVAL, "no query");
    pthread_mutex_lock(&searcher->lock);
    int rc = search_locked(out, out_count, searcher, arena, org_id, query, opts);
    pthread_mutex_unlock(&searcher->lock);
    return rc;
}
