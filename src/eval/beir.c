/*
 * BEIR evaluation (see beir.h): judgments in a sorted table, the corpus
 * streamed line by line into a collection, each query through the same
 * top-k the product uses.
 */
#include "eval/beir.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "answer/citations.h"
#include "answer/context.h"
#include "base/clock.h"
#include "base/mem.h"
#include "eval/metrics.h"
#include "index/bm25_topk.h"
#include "index/collection.h"
#include "index/query.h"

#define MAX_LINE_BYTES (16u << 20)
#define RESULTS 100
#define ANSWER_CONTEXT 10 /* documents an answer reads, as the answer pipeline's top_k */
#define ANSWER_CITED 3    /* citations that count */

typedef struct judgment {
    char *query_id;
    char *doc_id;
    int grade;
} judgment;

typedef struct judgments {
    judgment *items;
    size_t count, cap;
} judgments;

static int compare_judgments(const void *a, const void *b)
{
    const judgment *x = a, *y = b;
    int c = strcmp(x->query_id, y->query_id);
    return c ? c : strcmp(x->doc_id, y->doc_id);
}

static void judgments_free(judgments *j)
{
    for (size_t i = 0; i < j->count; i++) {
        free(j->items[i].query_id);
        free(j->items[i].doc_id);
    }
    free(j->items);
}

static int read_qrels(judgments *out, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ud_error_set(UD_EIO, "cannot open qrels %s", path);
    char line[1024];
    size_t number = 0;
    while (fgets(line, sizeof(line), f)) {
        number++;
        char query[256], doc[256];
        int grade;
        if (sscanf(line, "%255s %255s %d", query, doc, &grade) != 3) {
            if (number == 1)
                continue; /* the header line */
            fclose(f);
            return ud_error_set(UD_EINVAL, "%s:%zu: expected query-id, corpus-id, score", path,
                                number);
        }
        if (out->count == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 1024;
            out->items = ud_realloc(out->items, out->cap * sizeof(judgment));
        }
        out->items[out->count++] = (judgment){ud_strdup(query), ud_strdup(doc), grade};
    }
    fclose(f);
    qsort(out->items, out->count, sizeof(judgment), compare_judgments);
    return 0;
}

/* The judgments of one query: a run of the sorted table. */
static const judgment *judged_for(const judgments *j, const char *query_id, size_t *out_count)
{
    size_t lo = 0, hi = j->count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(j->items[mid].query_id, query_id) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < j->count && strcmp(j->items[end].query_id, query_id) == 0)
        end++;
    *out_count = end - lo;
    return j->items + lo;
}

static int grade_of(const judgment *judged, size_t count, const char *doc_id)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(judged[i].doc_id, doc_id) == 0)
            return judged[i].grade;
    return 0;
}

/* Calls fn for every JSON object line of a .jsonl file. */
static int each_line(const char *path, int (*fn)(json_t *obj, void *payload), void *payload)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ud_error_set(UD_EIO, "cannot open %s", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    size_t number = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
        number++;
        if ((size_t)n > MAX_LINE_BYTES) {
            rc = ud_error_set(UD_ELIMIT, "%s:%zu: line longer than 16 MiB", path, number);
            break;
        }
        if (n == 1)
            continue;
        json_error_t error;
        json_t *obj = json_loadb(line, (size_t)n, 0, &error);
        if (!json_is_object(obj)) {
            json_decref(obj);
            rc = ud_error_set(UD_EINVAL, "%s:%zu: not a JSON object", path, number);
            break;
        }
        rc = fn(obj, payload);
        json_decref(obj);
    }
    free(line);
    fclose(f);
    return rc;
}

static const char *string_field(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static const char *const EVERYONE[] = {"org:*"};

typedef struct indexing {
    ud_collection_writer *writer;
    ud_embedder *embedder;
    float *vector;
    size_t docs;
} indexing;

static int index_doc(json_t *obj, void *payload)
{
    indexing *ix = payload;
    const char *id = string_field(obj, "_id");
    if (!id[0])
        return ud_error_set(UD_EINVAL, "a corpus line has no _id");
    ud_index_doc doc = {.doc_id = id,
                        .title = string_field(obj, "title"),
                        .text = string_field(obj, "text"),
                        .source_type = "eval",
                        .acl = EVERYONE,
                        .acl_count = 1};
    doc.vector = ud_chunk_vector(ix->vector, ix->embedder, doc.title, doc.text);
    int rc = ud_collection_writer_add(ix->writer, &doc);
    if (rc == 0)
        ix->docs++;
    return rc;
}

typedef struct querying {
    const judgments *judgments;
    ud_snapshot *snapshot;
    ud_analyzer *analyzer;
    const ud_rank_opts *rank;
    ud_embedder *embedder;
    float *vector;
    FILE *run;
    ud_llm *answerer; /* NULL: rankings only */
    size_t scored;
    double ndcg, recall, mrr;
    double search_hit1, search_hit3, answer_hit1, answer_hit3, nothing, answer_ms;
} querying;

/* Asks the query as a question over its top documents (context[0..count),
 * best first) and counts where the answer's citations are relevant. */
static int answer_query(querying *qy, ud_arena *arena, const char *question,
                        const ud_context_chunk *context, size_t count, const judgment *judged,
                        size_t judged_count)
{
    double start = ud_monotonic_ms();
    ud_context ctx;
    int rc = ud_context_build(&ctx, arena, context, count, NULL);
    if (rc < 0)
        return rc;
    ud_llm_request req = {.question = question,
                          .context = ctx.text,
                          .chunks = ctx.chunks,
                          .chunk_count = ctx.count,
                          .max_tokens = 1024};
    ud_llm_result result;
    rc = ud_llm_generate(qy->answerer, &result, &req, NULL, NULL);
    ud_citations cits = {0};
    if (rc == 0)
        rc =
            ud_citations_extract(&cits, arena, result.text, result.text_len, ctx.chunks, ctx.count);
    ud_llm_result_dispose(&result);
    if (rc < 0)
        return rc;
    qy->nothing += cits.count == 0;
    for (size_t i = 0; i < cits.count && i < ANSWER_CITED; i++) {
        if (grade_of(judged, judged_count, cits.items[i].doc_id) > 0) {
            qy->answer_hit1 += i == 0;
            qy->answer_hit3++;
            break;
        }
    }
    qy->answer_ms += ud_monotonic_ms() - start;
    return 0;
}

static int run_query(json_t *obj, void *payload)
{
    querying *qy = payload;
    const char *qid = string_field(obj, "_id");
    size_t judged_count = 0;
    const judgment *judged = judged_for(qy->judgments, qid, &judged_count);
    size_t relevant = 0;
    for (size_t i = 0; i < judged_count; i++)
        relevant += judged[i].grade > 0;
    if (relevant == 0)
        return 0; /* trec_eval skips queries without relevant documents */
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query q;
    int rc = ud_query_from_words(&q, qy->analyzer, &arena, string_field(obj, "text"));
    q.principals = EVERYONE;
    q.principal_count = 1;
    size_t view_count = 0;
    const ud_segment_view *views = ud_snapshot_views(qy->snapshot, &view_count);
    const char *text = string_field(obj, "text");
    const float *vector = ud_chunk_vector(qy->vector, qy->embedder, "", text);
    uint32_t dims = qy->embedder ? qy->embedder->info.dims : 0;
    ud_ranked *hits = NULL;
    size_t count = 0;
    if (rc == 0)
        rc = ud_rank(&hits, &count, views, view_count, &q, text, vector, dims, qy->rank,
                     RESULTS + 1, qy->analyzer, &arena);
    int grades[RESULTS];
    ud_context_chunk context[ANSWER_CONTEXT];
    size_t ranked = 0;
    for (size_t i = 0; i < count && ranked < RESULTS && rc == 0; i++) {
        ud_stored_doc stored;
        rc = ud_segment_stored(&stored, views[hits[i].view].segment, &arena, hits[i].doc);
        if (rc < 0 || strcmp(stored.doc_id, qid) == 0)
            continue;
        if (ranked < ANSWER_CONTEXT)
            context[ranked] = (ud_context_chunk){stored.doc_id, stored.chunk_index,
                                                 stored.title,  stored.source_type,
                                                 stored.url,    stored.text ? stored.text : "",
                                                 hits[i].score};
        grades[ranked++] = grade_of(judged, judged_count, stored.doc_id);
        if (qy->run)
            fprintf(qy->run, "%s Q0 %s %zu %.6f unify\n", qid, stored.doc_id, ranked,
                    hits[i].score);
    }
    if (rc == 0) {
        int *all = ud_arena_alloc(&arena, judged_count * sizeof(int));
        for (size_t i = 0; i < judged_count; i++)
            all[i] = judged[i].grade;
        qy->ndcg += ud_metric_ndcg(grades, ranked, all, judged_count, 10);
        qy->recall += ud_metric_recall(grades, ranked, all, judged_count, 100);
        qy->mrr += ud_metric_mrr(grades, ranked, 10);
        qy->scored++;
        bool top1 = ranked > 0 && grades[0] > 0, top3 = false;
        for (size_t i = 0; i < ranked && i < ANSWER_CITED; i++)
            top3 = top3 || grades[i] > 0;
        qy->search_hit1 += top1;
        qy->search_hit3 += top3;
    }
    if (rc == 0 && qy->answerer)
        rc = answer_query(qy, &arena, text, context,
                          ranked < ANSWER_CONTEXT ? ranked : ANSWER_CONTEXT, judged, judged_count);
    ud_arena_dispose(&arena);
    return rc;
}

static int evaluate(ud_eval_result *out, const ud_eval_paths *paths, const ud_rank_opts *rank,
                    ud_embedder *embedder, FILE *run, ud_llm *answerer)
{
    judgments j = {0};
    int rc = read_qrels(&j, paths->qrels);
    ud_collection_writer *writer = NULL;
    ud_eval_result result = {0};
    double start = ud_monotonic_ms();
    char embedding[128];
    ud_embedding_name(embedding, sizeof(embedding), embedder);
    ud_collection_writer_opts wopts = {.embedding = embedding,
                                       .vector_dims = embedder ? embedder->info.dims : 0};
    float *vector = embedder ? ud_malloc(embedder->info.dims * sizeof(float)) : NULL;
    if (rc == 0)
        rc = ud_collection_writer_open(&writer, paths->work_dir, &wopts);
    if (rc == 0) {
        ud_collection_writer_clear(writer);
        indexing ix = {writer, embedder, vector, 0};
        rc = each_line(paths->corpus, index_doc, &ix);
        if (rc == 0)
            rc = ud_collection_writer_commit(writer, 1);
        result.docs = ix.docs;
        ud_collection_writer_close(writer);
    }
    result.index_seconds = (ud_monotonic_ms() - start) / 1000.0;
    ud_snapshot *snapshot = NULL;
    if (rc == 0)
        rc = ud_snapshot_open(&snapshot, paths->work_dir);
    ud_analyzer *analyzer = NULL;
    if (rc == 0)
        rc = ud_analyzer_new(&analyzer);
    if (rc == 0) {
        start = ud_monotonic_ms();
        querying qy = {.judgments = &j,
                       .snapshot = snapshot,
                       .analyzer = analyzer,
                       .rank = rank,
                       .embedder = embedder,
                       .vector = vector,
                       .run = run,
                       .answerer = answerer};
        rc = each_line(paths->queries, run_query, &qy);
        result.answer_seconds = qy.answer_ms / 1000.0;
        result.search_seconds = (ud_monotonic_ms() - start) / 1000.0 - result.answer_seconds;
        result.queries = qy.scored;
        if (qy.scored) {
            double n = (double)qy.scored;
            result.ndcg_at_10 = qy.ndcg / n;
            result.recall_at_100 = qy.recall / n;
            result.mrr_at_10 = qy.mrr / n;
            result.search_hit_at_1 = qy.search_hit1 / n;
            result.search_hit_at_3 = qy.search_hit3 / n;
            result.answer_hit_at_1 = qy.answer_hit1 / n;
            result.answer_hit_at_3 = qy.answer_hit3 / n;
            result.answer_nothing = qy.nothing / n;
        }
    }
    free(vector);
    ud_analyzer_free(analyzer);
    ud_snapshot_release(snapshot);
    judgments_free(&j);
    if (rc == 0)
        *out = result;
    return rc;
}

int ud_eval_run(ud_eval_result *out, const ud_eval_paths *paths, const ud_rank_opts *rank,
                ud_embedder *embedder, FILE *run)
{
    return evaluate(out, paths, rank, embedder, run, NULL);
}

int ud_eval_run_answers(ud_eval_result *out, const ud_eval_paths *paths, const ud_rank_opts *rank,
                        ud_embedder *embedder, FILE *run, ud_llm *answerer)
{
    if (!answerer)
        return ud_error_set(UD_EINVAL, "eval: no answerer");
    return evaluate(out, paths, rank, embedder, run, answerer);
}
