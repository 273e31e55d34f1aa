/*
 * The searcher (see search.h): a cache of collection snapshots per org,
 * query parsing, the top-k, one result per document, excerpts.
 */
#include "index/search.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "index/analyzer.h"
#include "index/bm25_topk.h"
#include "index/collection.h"
#include "index/excerpt.h"
#include "index/query.h"
#include "index/visible.h"

#define MAX_TOP_K 100
/* Chunks fetched per wanted document before deduplication, and the most
 * fetched in all. */
#define FETCH_FACTOR 3
#define MAX_FETCH 4000

typedef struct org_entry {
    char org_id[64];
    char dir[4200];
    ud_snapshot *snapshot;
    struct org_entry *next;
} org_entry;

struct ud_searcher {
    char data_dir[4096];
    ud_bm25_params params;
    ud_embedder *embedder;
    char embedding[128];  /* "provider/model/dims" of the embedder, "" without */
    pthread_mutex_t lock; /* guards orgs and their snapshot pointers */
    org_entry *orgs;
};

static const char *const DEFAULT_PRINCIPALS[] = {"org:*"};

int ud_searcher_new(ud_searcher **out, const char *data_dir, const ud_bm25_params *params,
                    ud_embedder *embedder)
{
    ud_searcher *s = ud_calloc(1, sizeof(*s));
    s->embedder = embedder;
    if (embedder)
        snprintf(s->embedding, sizeof(s->embedding), "%s/%s/%u", embedder->info.provider,
                 embedder->info.model, embedder->info.dims);
    snprintf(s->data_dir, sizeof(s->data_dir), "%s", data_dir);
    if (params)
        s->params = *params;
    else
        ud_bm25_params_default(&s->params);
    pthread_mutex_init(&s->lock, NULL);
    *out = s;
    return 0;
}

void ud_searcher_free(ud_searcher *s)
{
    if (!s)
        return;
    org_entry *e = s->orgs;
    while (e) {
        org_entry *next = e->next;
        ud_snapshot_release(e->snapshot);
        free(e);
        e = next;
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* The org's current snapshot, retained for the caller. */
static int current_snapshot(ud_snapshot **out, ud_searcher *s, const char *org_id)
{
    if (strlen(org_id) >= sizeof(((org_entry *)0)->org_id) || strchr(org_id, '/') ||
        org_id[0] == '.')
        return ud_error_set(UD_EINVAL, "bad organization id");
    pthread_mutex_lock(&s->lock);
    org_entry *e = s->orgs;
    while (e && strcmp(e->org_id, org_id) != 0)
        e = e->next;
    if (!e) {
        e = ud_calloc(1, sizeof(*e));
        snprintf(e->org_id, sizeof(e->org_id), "%s", org_id);
        snprintf(e->dir, sizeof(e->dir), "%s/collections/%s", s->data_dir, org_id);
        e->next = s->orgs;
        s->orgs = e;
    }
    uint64_t generation = 0;
    int rc = ud_collection_current_generation(&generation, e->dir);
    if (rc == 0 && (!e->snapshot || ud_snapshot_generation(e->snapshot) != generation)) {
        ud_snapshot *fresh = NULL;
        rc = ud_snapshot_open(&fresh, e->dir);
        if (rc == 0) {
            ud_snapshot_release(e->snapshot);
            e->snapshot = fresh;
        }
    }
    if (rc == 0) {
        ud_snapshot_retain(e->snapshot);
        *out = e->snapshot;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Narrows the query's source filters to the ones the caller allows.
 * Returns false if none is left. */
static bool apply_sources(ud_query *q, const ud_search_opts *opts)
{
    if (!opts->source_types || opts->source_type_count == 0)
        return true;
    if (q->source_count == 0) {
        size_t n = opts->source_type_count < UD_QUERY_MAX_FILTERS ? opts->source_type_count
                                                                  : UD_QUERY_MAX_FILTERS;
        for (size_t i = 0; i < n; i++)
            q->sources[i] = opts->source_types[i];
        q->source_count = n;
        return true;
    }
    size_t kept = 0;
    for (size_t i = 0; i < q->source_count; i++)
        for (size_t j = 0; j < opts->source_type_count; j++)
            if (strcmp(q->sources[i], opts->source_types[j]) == 0) {
                q->sources[kept++] = q->sources[i];
                break;
            }
    q->source_count = kept;
    return kept > 0;
}

/* The query's plain words, without its syntax (filters, exclusions,
 * quotes, +): what is embedded and checked for a phrase match. */
static const char *plain_words(ud_arena *arena, const char *text)
{
    size_t len = strlen(text);
    char *out = ud_arena_alloc(arena, len + 2); /* a space after each word, then NUL */
    size_t at = 0;
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        const char *start = p;
        bool in_quote = false;
        while (*p && (in_quote || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r'))) {
            if (*p == '"')
                in_quote = !in_quote;
            p++;
        }
        size_t n = (size_t)(p - start);
        if (n == 0 || start[0] == '-' || memchr(start, ':', n))
            continue;
        for (size_t i = 0; i < n; i++)
            if (start[i] != '"' && start[i] != '+')
                out[at++] = start[i];
        out[at++] = ' ';
    }
    out[at] = '\0';
    return out;
}

static void release_visible(void *visible)
{
    ud_visible_release(visible);
}

static int search_snapshot(ud_search_hit **out, size_t *out_count, ud_searcher *s,
                           ud_snapshot *snap, ud_analyzer *analyzer, ud_arena *arena,
                           const char *query_text, const ud_search_opts *opts)
{
    *out = NULL;
    *out_count = 0;
    ud_query q;
    int rc = ud_query_parse(&q, analyzer, arena, query_text);
    if (rc < 0)
        return rc;
    if (!apply_sources(&q, opts))
        return 0;
    q.principals = opts->principals ? opts->principals : DEFAULT_PRINCIPALS;
    q.principal_count = opts->principals ? opts->principal_count : 1;
    /* What the caller may read, cached with the snapshot: the statistics
     * of every score come from it (visible.h). The arena holds a
     * reference until the results are gone. */
    ud_visible *visible = NULL;
    rc = ud_snapshot_visible(&visible, snap, q.principals, q.principal_count);
    if (rc < 0)
        return rc;
    ud_arena_on_dispose(arena, release_visible, visible);
    q.visible = visible;
    size_t top_k = opts->top_k ? opts->top_k : 10;
    if (top_k > MAX_TOP_K)
        top_k = MAX_TOP_K;
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);

    /* The query's vector, when the collection holds vectors of our kind. */
    float *vector = NULL;
    uint32_t dims = 0;
    const char *plain = plain_words(arena, query_text);
    if (opts->mode != UD_MODE_BM25 && s->embedder &&
        strcmp(ud_snapshot_embedding(snap), s->embedding) == 0) {
        dims = s->embedder->info.dims;
        vector = ud_arena_alloc(arena, dims * sizeof(float));
        bool has = false;
        rc = ud_embedder_embed(s->embedder, plain, strlen(plain), vector, &has);
        if (rc < 0)
            return rc;
        if (!has)
            vector = NULL;
    }
    ud_rank_opts ro;
    ud_rank_opts_default(&ro);
    ro.mode = opts->mode;
    ro.fusion = opts->fusion;
    ro.bm25 = s->params;
    ro.now = ud_now();
    ro.source_weights = opts->source_weights;
    ro.source_weight_count = opts->source_weights ? opts->source_weight_count : 0;

    ud_search_hit *results = ud_arena_alloc(arena, top_k * sizeof(ud_search_hit));
    size_t n = 0;
    ud_excerpt_opts xo = {240, opts->mark_open ? opts->mark_open : "<mark>",
                          opts->mark_close ? opts->mark_close : "</mark>"};
    /* One result per document: fetch more chunks than wanted and keep each
     * document's best; fetch again, more, if duplicates ate the margin. */
    for (size_t fetch = top_k * FETCH_FACTOR;; fetch *= 4) {
        if (fetch > MAX_FETCH)
            fetch = MAX_FETCH;
        ud_ranked *ranked = NULL;
        size_t ranked_count = 0;
        rc = ud_rank(&ranked, &ranked_count, views, view_count, &q, plain, vector, dims, &ro, fetch,
                     analyzer, arena);
        if (rc < 0)
            return rc;
        n = 0;
        for (size_t i = 0; i < ranked_count && n < top_k; i++) {
            ud_stored_doc stored;
            rc = ud_segment_stored(&stored, views[ranked[i].view].segment, arena, ranked[i].doc);
            if (rc < 0)
                return rc;
            bool seen = false;
            for (size_t j = 0; j < n && !seen; j++)
                seen = strcmp(results[j].doc_id, stored.doc_id) == 0;
            if (seen)
                continue;
            results[n] = (ud_search_hit){.doc_id = stored.doc_id,
                                         .chunk_index = stored.chunk_index,
                                         .score = ranked[i].score,
                                         .title = stored.title,
                                         .source_type = stored.source_type,
                                         .url = stored.url[0] ? stored.url : NULL,
                                         .path = stored.path[0] ? stored.path : NULL,
                                         .heading_path = stored.heading_path,
                                         .excerpt = stored.text,
                                         .text = stored.text,
                                         .updated_at = stored.updated_at,
                                         .factors = ranked[i]};
            n++;
        }
        if (n == top_k || ranked_count < fetch || fetch == MAX_FETCH)
            break;
    }
    for (size_t i = 0; i < n; i++) {
        char *excerpt = NULL;
        rc = ud_excerpt_build(&excerpt, analyzer, arena, results[i].excerpt,
                              strlen(results[i].excerpt), query_text, &xo);
        if (rc < 0)
            return rc;
        results[i].excerpt = excerpt;
    }
    *out = results;
    *out_count = n;
    return 0;
}

ud_embedder *ud_searcher_embedder(const ud_searcher *searcher)
{
    return searcher->embedder;
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
    ud_snapshot *snap = NULL;
    int rc = current_snapshot(&snap, searcher, org_id);
    if (rc < 0)
        return rc;
    /* The stemmer keeps state: an analyzer per search. */
    ud_analyzer *analyzer = NULL;
    rc = ud_analyzer_new(&analyzer);
    if (rc == 0)
        rc = search_snapshot(out, out_count, searcher, snap, analyzer, arena, query, opts);
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
    return rc;
}
