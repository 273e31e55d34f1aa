/*
 * unify's side of the benchmark (see scripts/bench.sh):
 *   bench_unify index DATA WORK   index corpus.tsv into WORK/unify
 *   bench_unify query DATA WORK   top-10 latency of queries.tsv, OR and AND,
 *                                 for a caller who reads every chunk and
 *                                 for callers who read 50% and 10% of them
 *   bench_unify ann DATA [R [GRAPH]]
 *                                 HNSW build, recall@10 and queries/s per ef,
 *                                 walking float32 and int8 (R: candidates
 *                                 rescored, 0 or absent: the library's).
 *                                 With GRAPH, a file: the graph is read from
 *                                 it when it exists (no build, no
 *                                 index_build result), else built and saved
 *                                 there, so that iterating on the search
 *                                 costs only the queries
 *   bench_unify crossover DATA [GRAPH]
 *                                 filtered HNSW walk against an exact scan of
 *                                 the allowed vectors, per allowed share,
 *                                 on float32 and on int8 records
 *   bench_unify index-vectors DATA WORK GLOVE [int8|float32 [MAX_CHUNKS]]
 *                                 index corpus.tsv with each chunk's SIF
 *                                 vector (the product's static embedding)
 *                                 into WORK/unify-vectors-STORAGE (the first
 *                                 MAX_CHUNKS of them when given)
 *   bench_unify searcher DATA_DIR ORG_ID THREADS QUERIES [QUERY]
 *                                 queries/s of ud_searcher_search (BM25),
 *                                 the path of the HTTP API and the CLI, on
 *                                 an organization of a data directory
 *                                 (`unify init` + `unify ingest`): THREADS
 *                                 threads each run QUERIES searches, of a
 *                                 few demo questions or all of QUERY (a
 *                                 word no chunk has measures what a search
 *                                 costs besides ranking and excerpts)
 *   bench_unify query-vectors DATA WORK GLOVE [int8|float32]
 *                                 the BM25 queries, then each query as a
 *                                 vector and as a hybrid search, over that
 *                                 collection: latencies and the process's
 *                                 resident memory
 */
#include <dirent.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "bench.h"
#include "embed/embedder.h"
#include "index/bm25_topk.h"
#include "index/collection.h"
#include "index/dot.h"
#include "index/hnsw.h"
#include "index/hybrid.h"
#include "index/quant.h"
#include "index/query.h"
#include "index/search.h"
#include "index/vector_scan.h"
#include "index/vector_search.h"
#include "index/visible.h"

static const char *EVERYONE[] = {"org:*"};
/* The BM25 suite's chunks also name one of these principals each, so that
 * a caller holding one alone reads a share of the collection: every
 * second chunk, every tenth. Shares are drawn by a hash of the chunk's
 * number, not in runs, so no postings block is wholly readable or wholly
 * not (the costly case for the per-caller statistics, docs/search.md). */
static const char *HALF[] = {"bench:half"};
static const char *TENTH[] = {"bench:tenth"};

static const char *const *chunk_acl(long n, size_t *count)
{
    static const char *acls[4][3] = {{"org:*"},
                                     {"org:*", "bench:half"},
                                     {"org:*", "bench:tenth"},
                                     {"org:*", "bench:half", "bench:tenth"}};
    uint32_t h = (uint32_t)n * 2654435761u;
    bool half = (h >> 16) % 2 == 0, tenth = (h >> 8) % 10 == 0;
    int which = (half ? 1 : 0) + (tenth ? 2 : 0);
    *count = (size_t)(which == 0 ? 1 : which == 3 ? 3 : 2);
    return acls[which];
}

static long dir_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    long total = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        char path[4600];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            total += st.st_size;
    }
    if (d)
        closedir(d);
    return total;
}

/* storage: NULL for the BM25 suite's collection (no vectors), else
 * "int8" or "float32" with vectors from the embedder. */
static int index_corpus(const char *data, const char *work, ud_embedder *embedder,
                        const char *storage, long limit)
{
    char path[4200], dir[4200], embedding[128] = "";
    snprintf(path, sizeof(path), "%s/corpus.tsv", data);
    if (storage)
        snprintf(dir, sizeof(dir), "%s/unify-vectors-%s", work, storage);
    else
        snprintf(dir, sizeof(dir), "%s/unify", work);
    FILE *f = fopen(path, "r");
    /* One segment (the buffer holds the whole corpus at these scales), as
     * the other engines end with one optimised index. */
    ud_collection_writer_opts opts = {.max_segments = 1000, .flush_memory_bytes = (size_t)16 << 30};
    if (embedder) {
        ud_embedding_name(embedding, sizeof(embedding), embedder);
        opts.embedding = embedding;
        opts.vector_dims = embedder->info.dims;
        opts.vector_storage =
            strcmp(storage, "float32") == 0 ? UD_VECTORS_FLOAT32 : UD_VECTORS_INT8;
    }
    float *vector = embedder ? malloc(embedder->info.dims * sizeof(float)) : NULL;
    ud_collection_writer *w = NULL;
    if (!f || ud_collection_writer_open(&w, dir, &opts) < 0)
        return 1;
    ud_collection_writer_clear(w);
    double start = bench_now_ms();
    char *line = NULL;
    size_t cap = 0;
    for (long added = 0; (limit <= 0 || added < limit) && getline(&line, &cap, f) > 0; added++) {
        line[strcspn(line, "\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        ud_index_doc doc = {.doc_id = line,
                            .title = "",
                            .text = tab + 1,
                            .source_type = "bench",
                            .acl = EVERYONE,
                            .acl_count = 1};
        if (!storage)
            doc.acl = chunk_acl(added, &doc.acl_count);
        doc.vector = ud_chunk_vector(vector, embedder, "", doc.text);
        if (ud_collection_writer_add(w, &doc) < 0)
            return 1;
    }
    if (ud_collection_writer_commit(w, 1) < 0)
        return 1;
    ud_collection_writer_close(w);
    const char *suite = storage ? "vectors" : "bm25";
    const char *engine = storage && strcmp(storage, "int8") == 0 ? "unify-int8" : "unify";
    bench_result(suite, engine, "index_build", (bench_now_ms() - start) / 1000, "s");
    bench_result(suite, engine, "index_size", (double)dir_bytes(dir) / 1048576.0, "MiB");
    free(vector);
    free(line);
    fclose(f);
    return 0;
}

/* The p50 and p99 of n samples as two results. */
static void latency(const char *suite, const char *engine, const char *name, double *samples,
                    size_t n)
{
    char metric[64];
    snprintf(metric, sizeof(metric), "p50_%s", name);
    bench_result(suite, engine, metric, bench_percentile(samples, n, 50), "ms");
    snprintf(metric, sizeof(metric), "p99_%s", name);
    bench_result(suite, engine, metric, bench_percentile(samples, n, 99), "ms");
}

/* A query process over the collection with vectors: the BM25 queries (OR
 * and AND, as in the bm25 suite), then every query's words as a vector
 * search and as a hybrid one (the product's default ranking, rerank
 * included), top 10. Reports their latencies and the process's peak
 * resident memory: the pages of the mapped segment it touched, plus its
 * heap. */
static int query_vectors(const char *data, const char *work, ud_embedder *embedder,
                         const char *storage)
{
    char path[4200], dir[4200];
    snprintf(path, sizeof(path), "%s/queries.tsv", data);
    snprintf(dir, sizeof(dir), "%s/unify-vectors-%s", work, storage);
    const char *engine = strcmp(storage, "int8") == 0 ? "unify-int8" : "unify";
    ud_snapshot *snap = NULL;
    ud_analyzer *analyzer = NULL;
    if (ud_snapshot_open(&snap, dir) < 0 || ud_analyzer_new(&analyzer) < 0)
        return 1;
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    uint32_t dims = embedder->info.dims;
    float *vector = malloc(dims * sizeof(float));
    ud_rank_opts ro;
    ud_rank_opts_default(&ro);
    ro.now = 1700000000;
    double *samples = malloc(4 * 600 * sizeof(double));
    size_t counts[4] = {0};
    /* 0: BM25 OR, 1: BM25 AND, 2: vector, 3: hybrid */
    for (int kind = 0; kind < 4; kind++) {
        FILE *f = fopen(path, "r");
        char words[512];
        int terms;
        while ((terms = bench_read_query(f, words, sizeof(words))) > 0) {
            if (kind == 1 && terms == 1)
                continue;
            char text[1024] = "";
            if (kind == 1) {
                size_t at = 0;
                char *save = NULL;
                for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
                    at += (size_t)snprintf(text + at, sizeof(text) - at, "+%s ", w);
            } else {
                snprintf(text, sizeof(text), "%s", words);
            }
            ud_arena arena;
            ud_arena_init(&arena);
            double start = bench_now_ms();
            ud_query q;
            if (ud_query_parse(&q, analyzer, &arena, text) < 0)
                return 1;
            q.principals = EVERYONE;
            q.principal_count = 1;
            const float *qv = kind >= 2 ? ud_chunk_vector(vector, embedder, "", text) : NULL;
            int rc = 0;
            size_t count = 0;
            if (kind < 2) {
                ud_index_hit *hits = NULL;
                rc = ud_bm25_topk(&hits, &count, views, view_count, &q, &ro.bm25, 10, &arena, NULL);
            } else if (kind == 2) {
                ud_index_hit *hits = NULL;
                rc = ud_vector_topk(&hits, &count, views, view_count, &q, qv, dims, 10, &arena);
            } else {
                ud_ranked *ranked = NULL;
                rc = ud_rank(&ranked, &count, views, view_count, &q, text, qv, dims, &ro, 10,
                             analyzer, &arena);
            }
            if (rc < 0)
                return 1;
            samples[kind * 600 + counts[kind]++] = bench_now_ms() - start;
            ud_arena_dispose(&arena);
        }
        fclose(f);
    }
    static const char *names[] = {"bm25_or", "bm25_and", "vector", "hybrid"};
    for (int kind = 0; kind < 4; kind++)
        latency("vectors", engine, names[kind], samples + kind * 600, counts[kind]);
    bench_result("vectors", engine, "query_rss", (double)bench_max_rss_kb() / 1024.0, "MiB");
    free(samples);
    free(vector);
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
    return 0;
}

static int run_queries(const char *data, const char *work)
{
    char path[4200], dir[4200];
    snprintf(path, sizeof(path), "%s/queries.tsv", data);
    snprintf(dir, sizeof(dir), "%s/unify", work);
    ud_snapshot *snap = NULL;
    ud_analyzer *analyzer = NULL;
    if (ud_snapshot_open(&snap, dir) < 0 || ud_analyzer_new(&analyzer) < 0)
        return 1;
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(snap, &view_count);
    ud_bm25_params params;
    ud_bm25_params_default(&params);
    /* The callers: every chunk (the metrics' plain names), half, a tenth. */
    static const struct {
        const char *const *principals;
        const char *suffix;
    } callers[] = {{EVERYONE, ""}, {HALF, "_50pct"}, {TENTH, "_10pct"}};
    for (size_t caller = 0; caller < 3; caller++)
        for (int and_mode = 0; and_mode < 2; and_mode++) {
            FILE *f = fopen(path, "r");
            double samples[3][200];
            size_t counts[3] = {0};
            char words[512];
            int terms;
            while ((terms = bench_read_query(f, words, sizeof(words))) > 0) {
                char text[1024] = "";
                if (and_mode) {
                    size_t at = 0;
                    char *save = NULL;
                    for (char *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
                        at += (size_t)snprintf(text + at, sizeof(text) - at, "+%s ", w);
                } else {
                    snprintf(text, sizeof(text), "%s", words);
                }
                ud_arena arena;
                ud_arena_init(&arena);
                double start = bench_now_ms();
                ud_query q;
                ud_index_hit *hits = NULL;
                size_t count = 0;
                if (ud_query_parse(&q, analyzer, &arena, text) == 0) {
                    q.principals = callers[caller].principals;
                    q.principal_count = 1;
                    /* As the searcher does: the caller's visible set from
                     * the snapshot's cache (made by the first query). */
                    if (ud_snapshot_visible(&q.visible, snap, q.principals, 1) < 0)
                        return 1;
                    int rc = ud_bm25_topk(&hits, &count, views, view_count, &q, &params, 10, &arena,
                                          NULL);
                    ud_visible_release(q.visible);
                    if (rc < 0)
                        return 1;
                }
                int slot = terms == 1 ? 0 : terms == 2 ? 1 : 2;
                samples[slot][counts[slot]++] = bench_now_ms() - start;
                ud_arena_dispose(&arena);
            }
            fclose(f);
            for (int s = 0; s < 3; s++) {
                char metric[64];
                int n = s == 0 ? 1 : s == 1 ? 2 : 4;
                if (n == 1 && and_mode)
                    continue;
                snprintf(metric, sizeof(metric), "%dterm_%s%s", n, and_mode ? "and" : "or",
                         callers[caller].suffix);
                latency("bm25", "unify", metric, samples[s], counts[s]);
            }
        }
    bench_result("bm25", "unify", "query_rss", (double)bench_max_rss_kb() / 1024.0, "MiB");
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snap);
    return 0;
}

static float *read_vectors(const char *path, uint32_t *dims, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (!f || fread(dims, 4, 1, f) != 1)
        return NULL;
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f) - 4;
    fseek(f, 4, SEEK_SET);
    *count = (size_t)bytes / (*dims * sizeof(float));
    float *v = malloc((size_t)bytes);
    if (fread(v, 1, (size_t)bytes, f) != (size_t)bytes)
        return NULL;
    fclose(f);
    return v;
}

/* The graph saved at path, appended to out: 1 if read, 0 if there is no
 * such file, -1 on a read error. */
static int read_graph(ud_buf *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char chunk[1 << 16];
    size_t got;
    int rc = 1;
    while (rc == 1 && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (ud_buf_append(out, chunk, got) < 0)
            rc = -1;
    if (ferror(f))
        rc = -1;
    fclose(f);
    return rc;
}

static int write_graph(const ud_buf *graph, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t put = fwrite(graph->ptr, 1, graph->len, f);
    return fclose(f) == 0 && put == graph->len ? 0 : -1;
}

/* rescore: int8 candidates rescored with float32 (0: the default).
 * graph_path: NULL, or where the graph is saved between runs. */
static int ann(const char *data, uint32_t rescore, const char *graph_path)
{
    char path[4200];
    uint32_t dims = 0, qdims = 0;
    size_t n = 0, nq = 0;
    snprintf(path, sizeof(path), "%s/base.f32", data);
    float *base = read_vectors(path, &dims, &n);
    snprintf(path, sizeof(path), "%s/ann_queries.f32", data);
    float *queries = read_vectors(path, &qdims, &nq);
    snprintf(path, sizeof(path), "%s/truth.u32", data);
    FILE *f = fopen(path, "rb");
    uint32_t *truth = malloc(nq * 10 * sizeof(uint32_t));
    if (!base || !queries || !f || fread(truth, sizeof(uint32_t), nq * 10, f) != nq * 10)
        return 1;
    fclose(f);
    uint8_t *has = malloc(n);
    memset(has, 1, n);
    ud_hnsw_params params;
    ud_hnsw_params_default(&params);
    ud_buf graph;
    ud_buf_init(&graph, (size_t)1 << 40);
    double start = bench_now_ms();
    int saved = graph_path ? read_graph(&graph, graph_path) : 0;
    if (saved < 0)
        return 1;
    if (!saved) {
        if (ud_hnsw_build(&graph, base, has, (uint32_t)n, dims, &params) < 0)
            return 1;
        bench_result("ann", "unify", "index_build", (bench_now_ms() - start) / 1000, "s");
        if (graph_path && write_graph(&graph, graph_path) < 0)
            return 1;
    }
    bench_result("ann", "unify", "index_size",
                 (double)(graph.len + n * dims * sizeof(float)) / 1048576.0, "MiB");
    ud_hnsw g;
    if (ud_hnsw_open(&g, graph.ptr, graph.len, (uint32_t)n) < 0)
        return 1;
    /* The same graph walked on float32 and on int8 records (rescored with
     * float32), as segments store them. */
    size_t record = UD_I8_RECORD(dims);
    uint8_t *records = malloc(n * record);
    for (size_t i = 0; i < n; i++)
        ud_i8_encode(records + i * record, &base[i * dims], dims);
    bench_result("ann", "unify-int8", "index_size",
                 (double)(graph.len + n * (dims * sizeof(float) + record)) / 1048576.0, "MiB");
    uint8_t *visited = calloc(n / 8 + 1, 1);
    uint32_t efs[] = {16, 32, 64, 128, 256};
    for (int storage = 0; storage < 2; storage++) {
        ud_hnsw_vectors vectors = {.f32 = base, .i8 = storage ? records : NULL, .dims = dims};
        const char *engine = storage ? "unify-int8" : "unify";
        for (size_t e = 0; e < 5; e++) {
            size_t found = 0;
            start = bench_now_ms();
            for (size_t q = 0; q < nq; q++) {
                ud_hnsw_hit hits[10];
                size_t got = ud_hnsw_search(hits, 10, &g, &queries[q * dims], &vectors, NULL,
                                            efs[e], rescore, visited);
                for (size_t i = 0; i < got; i++)
                    for (int t = 0; t < 10; t++)
                        if (hits[i].node == truth[q * 10 + t]) {
                            found++;
                            break;
                        }
            }
            double seconds = (bench_now_ms() - start) / 1000;
            char metric[64];
            snprintf(metric, sizeof(metric), "recall10_ef%u", efs[e]);
            bench_result("ann", engine, metric, (double)found / (double)(nq * 10), "ratio");
            snprintf(metric, sizeof(metric), "qps_ef%u", efs[e]);
            bench_result("ann", engine, metric, (double)nq / seconds, "queries/s");
        }
    }
    free(records);
    return 0;
}

/* For each share of allowed vectors and each storage: the latency of the
 * filtered walk (ef 64) and of the exact scan, and the walk's recall
 * against the exact (float32) top 10. graph_path: as for ann (the graph
 * the ann suite saved there is reused). */
static int crossover(const char *data, const char *graph_path)
{
    char path[4200];
    uint32_t dims = 0, qdims = 0;
    size_t n = 0, nq = 0;
    snprintf(path, sizeof(path), "%s/base.f32", data);
    float *base = read_vectors(path, &dims, &n);
    snprintf(path, sizeof(path), "%s/ann_queries.f32", data);
    float *queries = read_vectors(path, &qdims, &nq);
    if (!base || !queries)
        return 1;
    if (nq > 300)
        nq = 300;
    uint8_t *has = malloc(n);
    memset(has, 1, n);
    ud_hnsw_params params;
    ud_hnsw_params_default(&params);
    ud_buf graph;
    ud_buf_init(&graph, (size_t)1 << 40);
    ud_hnsw g;
    int saved = graph_path ? read_graph(&graph, graph_path) : 0;
    if (saved < 0 || (!saved && ud_hnsw_build(&graph, base, has, (uint32_t)n, dims, &params) < 0) ||
        (!saved && graph_path && write_graph(&graph, graph_path) < 0) ||
        ud_hnsw_open(&g, graph.ptr, graph.len, (uint32_t)n) < 0)
        return 1;
    size_t record = UD_I8_RECORD(dims);
    uint8_t *records = malloc(n * record);
    for (size_t i = 0; i < n; i++)
        ud_i8_encode(records + i * record, &base[i * dims], dims);
    uint8_t *visited = calloc(n / 8 + 1, 1);
    uint8_t *allowed = calloc(n / 8 + 1, 1);
    double shares[] = {0.5, 1, 2, 5, 10, 20, 50, 100};
    for (int storage = 0; storage < 2; storage++) {
        ud_hnsw_vectors vectors = {.f32 = base, .i8 = storage ? records : NULL, .dims = dims};
        const char *engine = storage ? "unify-int8" : "unify";
        uint64_t rng = 99; /* the same allowed sets for both storages */
        for (size_t s = 0; s < sizeof(shares) / sizeof(shares[0]); s++) {
            memset(allowed, 0, n / 8 + 1);
            for (size_t i = 0; i < n; i++) {
                rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
                if ((double)((rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0 * 100 <
                    shares[s])
                    allowed[i >> 3] |= (uint8_t)(1u << (i & 7));
            }
            double walk_ms = 0, scan_ms = 0;
            size_t found = 0, total = 0;
            for (size_t q = 0; q < nq; q++) {
                const float *qv = &queries[q * dims];
                ud_hnsw_hit hits[10];
                double start = bench_now_ms();
                size_t got =
                    ud_hnsw_search(hits, 10, &g, qv, &vectors, allowed, params.ef, 0, visited);
                walk_ms += bench_now_ms() - start;
                /* The product's scan (vector_scan.h) on the same storage,
                 * and the exact float32 top 10 for the recall. */
                ud_hnsw_hit scanned[10], exact[10];
                ud_arena arena;
                ud_arena_init(&arena);
                start = bench_now_ms();
                (void)ud_vector_scan(scanned, 10, &vectors, (uint32_t)n, allowed, qv, &arena);
                scan_ms += bench_now_ms() - start;
                ud_hnsw_vectors f32 = {.f32 = base, .dims = dims};
                size_t want = ud_vector_scan(exact, 10, &f32, (uint32_t)n, allowed, qv, &arena);
                ud_arena_dispose(&arena);
                uint32_t truth[10];
                for (size_t k = 0; k < 10; k++)
                    truth[k] = k < want ? exact[k].node : UINT32_MAX;
                for (size_t i = 0; i < got; i++)
                    for (int k = 0; k < 10; k++)
                        if (hits[i].node == truth[k]) {
                            found++;
                            break;
                        }
                for (int k = 0; k < 10; k++)
                    total += truth[k] != UINT32_MAX;
            }
            char metric[64];
            snprintf(metric, sizeof(metric), "walk_ms_allowed%g%%", shares[s]);
            bench_result("filter", engine, metric, walk_ms / (double)nq, "ms");
            snprintf(metric, sizeof(metric), "scan_ms_allowed%g%%", shares[s]);
            bench_result("filter", engine, metric, scan_ms / (double)nq, "ms");
            snprintf(metric, sizeof(metric), "walk_recall10_allowed%g%%", shares[s]);
            bench_result("filter", engine, metric, total ? (double)found / (double)total : 0,
                         "ratio");
        }
    }
    free(records);
    free(visited);
    free(allowed);
    free(has);
    return 0;
}

typedef struct searcher_run {
    ud_searcher *searcher;
    const char *org_id;
    const char *query; /* NULL: the demo questions */
    long queries;
    int failed;
} searcher_run;

static void *searcher_thread(void *arg)
{
    static const char *const QUERIES[] = {"parental leave", "database outage",
                                          "renewal quote",  "travel policy",
                                          "robot aisle",    "onboarding checklist"};
    searcher_run *r = arg;
    size_t count_of = r->query ? 1 : sizeof(QUERIES) / sizeof(QUERIES[0]);
    ud_search_opts opts = {.top_k = 10, .mode = UD_MODE_BM25};
    for (long i = 0; i < r->queries && !r->failed; i++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_search_hit *hits = NULL;
        size_t count = 0;
        const char *query = r->query ? r->query : QUERIES[(size_t)i % count_of];
        if (ud_searcher_search(&hits, &count, r->searcher, &arena, r->org_id, query, &opts) < 0)
            r->failed = 1;
        ud_arena_dispose(&arena);
    }
    return NULL;
}

static int searcher_bench(const char *data_dir, const char *org_id, int threads, long queries,
                          const char *query)
{
    ud_searcher *searcher = NULL;
    if (threads < 1 || threads > 64 || ud_searcher_new(&searcher, data_dir, NULL, NULL) < 0)
        return 1;
    searcher_run runs[64];
    pthread_t ids[64];
    double start = bench_now_ms();
    for (int t = 0; t < threads; t++) {
        runs[t] = (searcher_run){searcher, org_id, query, queries, 0};
        pthread_create(&ids[t], NULL, searcher_thread, &runs[t]);
    }
    int failed = 0;
    for (int t = 0; t < threads; t++) {
        pthread_join(ids[t], NULL);
        failed |= runs[t].failed;
    }
    double ms = bench_now_ms() - start;
    ud_searcher_free(searcher);
    if (failed) {
        fprintf(stderr, "search failed: %s\n", ud_error_last());
        return 1;
    }
    double total = (double)threads * (double)queries;
    printf("{\"threads\": %d, \"queries\": %.0f, \"qps\": %.0f, \"mean_us\": %.1f}\n", threads,
           total, total / (ms / 1000.0), ms * 1000.0 * threads / total);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "searcher") == 0)
        return searcher_bench(argv[2], argv[3], (int)strtol(argv[4], NULL, 10),
                              strtol(argv[5], NULL, 10), argc >= 7 ? argv[6] : NULL);
    if (argc >= 3 && strcmp(argv[1], "crossover") == 0)
        return crossover(argv[2], argc >= 4 ? argv[3] : NULL);
    if (argc >= 4 && strcmp(argv[1], "index") == 0)
        return index_corpus(argv[2], argv[3], NULL, NULL, 0);
    if (argc >= 5 &&
        (strcmp(argv[1], "index-vectors") == 0 || strcmp(argv[1], "query-vectors") == 0)) {
        const char *storage = argc >= 6 ? argv[5] : "int8";
        if (strcmp(storage, "int8") != 0 && strcmp(storage, "float32") != 0)
            return 2;
        ud_embedder *embedder = NULL;
        if (ud_embedder_open_static(&embedder, argv[4]) < 0)
            return 1;
        long limit = argc >= 7 ? strtol(argv[6], NULL, 10) : 0;
        int rc = argv[1][0] == 'i' ? index_corpus(argv[2], argv[3], embedder, storage, limit)
                                   : query_vectors(argv[2], argv[3], embedder, storage);
        ud_embedder_free(embedder);
        return rc;
    }
    if (argc >= 4 && strcmp(argv[1], "query") == 0)
        return run_queries(argv[2], argv[3]);
    if (argc >= 3 && strcmp(argv[1], "ann") == 0)
        return ann(argv[2], argc >= 4 ? (uint32_t)strtoul(argv[3], NULL, 10) : 0,
                   argc >= 5 ? argv[4] : NULL);
    fprintf(stderr, "usage: bench_unify index|query DATA WORK | ann DATA [RESCORE [GRAPH]]"
                    " | crossover DATA [GRAPH]"
                    " | index-vectors DATA WORK GLOVE [int8|float32 [MAX_CHUNKS]]"
                    " | query-vectors DATA WORK GLOVE [int8|float32]\n");
    return 2;
}
