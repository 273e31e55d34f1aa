/*
 * The searcher (see search.h): a collection handle per org, whose
 * published snapshot each search takes (collection.h), query parsing, the
 * top-k, one result per document, excerpts.
 */
#include "index/search.h"

#include <pthread.h>
#include <stdatomic.h>
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
#include "index/filter.h"
#include "index/path.h"
#include "index/query.h"
#include "index/visible.h"

#define MAX_TOP_K 100
/* Chunks fetched per wanted document before deduplication, and the most
 * fetched in all. */
#define FETCH_FACTOR 3
#define MAX_FETCH 4000

/* Buckets of the org table: a power of two. */
#define ORG_BUCKETS 64

/* An org's entry never changes once it is in the table, and stays until
 * the searcher is freed. */
typedef struct org_entry {
    char org_id[64];
    ud_collection *collection; /* the directory's shared handle */
    struct org_entry *next;
} org_entry;

struct ud_searcher {
    char data_dir[UD_INDEX_PATH_MAX];
    ud_bm25_params params;
    ud_embedder *embedder;
    char embedding[128]; /* "provider/model/dims" of the embedder, "" without */
    /* Each bucket's list is read without a lock (entries are immutable
     * and pushed at its head with a release store); `lock` only orders
     * the pushes, so an org gets one entry. */
    pthread_mutex_t lock;
    _Atomic(org_entry *) orgs[ORG_BUCKETS];
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
    int rc = ud_index_path(s->data_dir, sizeof(s->data_dir), "%s", data_dir);
    if (rc < 0) {
        free(s);
        return rc;
    }
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
    for (size_t b = 0; b < ORG_BUCKETS; b++) {
        org_entry *e = atomic_load_explicit(&s->orgs[b], memory_order_relaxed);
        while (e) {
            org_entry *next = e->next;
            ud_collection_release(e->collection);
            free(e);
            e = next;
        }
    }
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static org_entry *find_org(org_entry *e, const char *org_id)
{
    while (e && strcmp(e->org_id, org_id) != 0)
        e = e->next;
    return e;
}

/* The org's entry, added on its first search. */
static int org_of(org_entry **out, ud_searcher *s, const char *org_id)
{
    _Atomic(org_entry *) *bucket =
        &s->orgs[ud_fnv1a64(org_id, strlen(org_id), UD_FNV64_INIT) & (ORG_BUCKETS - 1)];
    org_entry *e = find_org(atomic_load_explicit(bucket, memory_order_acquire), org_id);
    if (e) {
        *out = e;
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    org_entry *head = atomic_load_explicit(bucket, memory_order_acquire);
    e = find_org(head, org_id);
    int rc = 0;
    if (!e) {
        char dir[UD_INDEX_PATH_MAX];
        ud_collection *collection = NULL;
        rc = ud_index_path(dir, sizeof(dir), "%s/collections/%s", s->data_dir, org_id);
        if (rc == 0)
            rc = ud_collection_shared(&collection, dir);
        if (rc == 0) {
            e = ud_calloc(1, sizeof(*e));
            snprintf(e->org_id, sizeof(e->org_id), "%s", org_id);
            e->collection = collection;
            e->next = head;
            atomic_store_explicit(bucket, e, memory_order_release);
        }
    }
    pthread_mutex_unlock(&s->lock);
    if (rc == 0)
        *out = e;
    return rc;
}

/* The org's current snapshot, retained for the caller. */
static int current_snapshot(ud_snapshot **out, ud_searcher *s, const char *org_id)
{
    if (strlen(org_id) >= sizeof(((org_entry *)0)->org_id) || strchr(org_id, '/') ||
        org_id[0] == '.')
        return ud_error_set(UD_EINVAL, "bad organization id");
    org_entry *e = NULL;
    int rc = org_of(&e, s, org_id);
    return rc < 0 ? rc : ud_collection_snapshot(out, e->collection);
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

/* Appends the chunk (doc of view `view`) to results[*n] as its document's
 * result, unless the document has one already (one result per document:
 * the first chunk of it that comes is its best). */
static int add_result(ud_search_hit *results, size_t *n, const ud_segment_view *views,
                      const ud_ranked *factors, ud_arena *arena)
{
    ud_stored_doc stored;
    int rc = ud_segment_stored(&stored, views[factors->view].segment, arena, factors->doc);
    if (rc < 0)
        return rc;
    for (size_t j = 0; j < *n; j++)
        if (strcmp(results[j].doc_id, stored.doc_id) == 0)
            return 0;
    results[(*n)++] = (ud_search_hit){.doc_id = stored.doc_id,
                                      .chunk_index = stored.chunk_index,
                                      .score = factors->score,
                                      .title = stored.title,
                                      .source_type = stored.source_type,
                                      .url = stored.url[0] ? stored.url : NULL,
                                      .path = stored.path[0] ? stored.path : NULL,
                                      .heading_path = stored.heading_path,
                                      .excerpt = stored.text,
                                      .text = stored.text,
                                      .updated_at = stored.updated_at,
                                      .factors = *factors};
    return 0;
}

/* Whether the query has words to rank by: an optional or required term, or
 * a phrase that must appear. Exclusions alone rank nothing. */
static bool has_ranking_words(const ud_query *q)
{
    for (size_t i = 0; i < q->term_count; i++)
        if (q->terms[i].kind == UD_TERM_OPTIONAL || q->terms[i].kind == UD_TERM_REQUIRED)
            return true;
    for (size_t i = 0; i < q->phrase_count; i++)
        if (!q->phrases[i].excluded)
            return true;
    return false;
}

/* A chunk that a filter-only query lists, and the order of the list:
 * newest first, then by view and doc (so ties are stable). */
typedef struct listed {
    int64_t updated_at;
    uint32_t view;
    uint32_t doc;
} listed;

static bool listed_before(const listed *a, const listed *b)
{
    if (a->updated_at != b->updated_at)
        return a->updated_at > b->updated_at;
    if (a->view != b->view)
        return a->view < b->view;
    return a->doc < b->doc;
}

static int compare_listed(const void *a, const void *b)
{
    return listed_before(a, b) ? -1 : listed_before(b, a) ? 1 : 0;
}

/* A heap of the best `cap` chunks, the last of them at the root. */
static void heap_offer(listed *heap, size_t *count, size_t cap, listed item)
{
    size_t i;
    if (*count < cap) {
        i = (*count)++;
        while (i > 0 && listed_before(&heap[(i - 1) / 2], &item)) {
            heap[i] = heap[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        heap[i] = item;
        return;
    }
    if (!listed_before(&item, &heap[0]))
        return;
    i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= *count)
            break;
        if (child + 1 < *count && listed_before(&heap[child], &heap[child + 1]))
            child++;
        if (!listed_before(&item, &heap[child]))
            break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = item;
}

/* A query of filters alone (source:, author:, after:, before:, and maybe
 * exclusions) has nothing to rank by: it lists the chunks the filters let
 * through, newest first, one per document, score 0. The same filter as
 * every search (filter.c over the caller's visible set), so nothing the
 * caller may not read is listed or counted. The best fetch chunks are kept
 * in a heap; when documents with many chunks leave fewer than top_k
 * documents, it is run again with more. */
static int list_filtered(ud_search_hit *results, size_t *out_count, const ud_segment_view *views,
                         size_t view_count, const ud_query *q, size_t top_k, ud_arena *arena)
{
    bool boolean = q->term_count > 0 || q->phrase_count > 0; /* exclusions to check */
    size_t n = 0;
    for (size_t fetch = top_k * FETCH_FACTOR;; fetch *= 4) {
        listed *heap = ud_arena_alloc(arena, fetch * sizeof(listed));
        size_t count = 0;
        uint64_t candidates = 0;
        for (size_t v = 0; v < view_count; v++) {
            const uint8_t *allowed = ud_filter_allowed_shared(&views[v], v, q, arena);
            uint32_t doc_count = ud_segment_header(views[v].segment)->doc_count;
            for (uint32_t doc = 0; doc < doc_count; doc++) {
                if (!allowed[doc >> 3]) {
                    doc |= 7; /* a byte with no allowed chunk */
                    continue;
                }
                if (!ud_filter_accepts(&views[v], q, allowed, doc) ||
                    (boolean && !ud_query_matches(&views[v], q, doc, arena)))
                    continue;
                candidates++;
                listed item = {ud_segment_doc(views[v].segment, doc)->updated_at, (uint32_t)v, doc};
                heap_offer(heap, &count, fetch, item);
            }
        }
        qsort(heap, count, sizeof(listed), compare_listed);
        n = 0;
        for (size_t i = 0; i < count && n < top_k; i++) {
            ud_ranked factors = {
                .view = heap[i].view, .doc = heap[i].doc, .recency = 1, .phrase = 1, .source = 1};
            int rc = add_result(results, &n, views, &factors, arena);
            if (rc < 0)
                return rc;
        }
        if (n == top_k || candidates <= fetch)
            break;
    }
    *out_count = n;
    return 0;
}

/* Replaces each result's text by its excerpt, the words of query_text marked. */
static int build_excerpts(ud_search_hit *results, size_t n, ud_analyzer *analyzer, ud_arena *arena,
                          const char *query_text, const ud_excerpt_opts *xo)
{
    for (size_t i = 0; i < n; i++) {
        char *excerpt = NULL;
        int rc = ud_excerpt_build(&excerpt, analyzer, arena, results[i].excerpt,
                                  strlen(results[i].excerpt), query_text, xo);
        if (rc < 0)
            return rc;
        results[i].excerpt = excerpt;
    }
    return 0;
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
    /* Filters of the query's own, with no words to rank by: a listing. */
    bool listing =
        !has_ranking_words(&q) && (q.source_count || q.author_count || q.after || q.before);
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

    ud_search_hit *results = ud_arena_alloc(arena, top_k * sizeof(ud_search_hit));
    size_t n = 0;
    ud_excerpt_opts xo = {240, opts->mark_open ? opts->mark_open : "<mark>",
                          opts->mark_close ? opts->mark_close : "</mark>"};
    const char *plain = plain_words(arena, query_text);
    if (listing) {
        rc = list_filtered(results, &n, views, view_count, &q, top_k, arena);
        if (rc < 0)
            return rc;
        /* The excerpt marks the plain words only: a filter's value (the
         * "slack" of source:slack) is not a word the user looked for. */
        rc = build_excerpts(results, n, analyzer, arena, plain, &xo);
        if (rc < 0)
            return rc;
        *out = results;
        *out_count = n;
        return 0;
    }

    /* The query's vector, when the collection holds vectors of our kind. */
    float *vector = NULL;
    uint32_t dims = 0;
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
            rc = add_result(results, &n, views, &ranked[i], arena);
            if (rc < 0)
                return rc;
        }
        if (n == top_k || ranked_count < fetch || fetch == MAX_FETCH)
            break;
    }
    rc = build_excerpts(results, n, analyzer, arena, query_text, &xo);
    if (rc < 0)
        return rc;
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
