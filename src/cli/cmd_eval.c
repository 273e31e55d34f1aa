/*
 * `unify eval`: retrieval quality on a test collection in BEIR format. Needs
 * no data directory: the corpus is indexed into a temporary collection that
 * is removed afterwards.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "answer/llm.h"
#include "cli/admin.h"
#include "eval/beir.h"

static const char usage[] =
    "usage: unify eval --corpus corpus.jsonl --queries queries.jsonl --qrels qrels.tsv\n"
    "                  [--vectors FILE] [--mode MODE] [--fusion F] [--vector-weight W]\n"
    "                  [--rerank] [--run FILE] [--answers] [--json]\n\n"
    "Indexes the corpus into a temporary collection, runs every judged query as\n"
    "plain words and prints nDCG@10, Recall@100 and MRR@10 (trec_eval's\n"
    "definitions). BM25 uses bm25_k1, bm25_b and title_weight from the\n"
    "environment (UNIFY_BM25_K1, ...) or their defaults.\n\n"
    "  -c, --corpus F        the corpus (BEIR corpus.jsonl)\n"
    "  -q, --queries F       the queries (queries.jsonl)\n"
    "  -r, --qrels F         the judgements (qrels/test.tsv)\n"
    "  -v, --vectors FILE    word vectors converted by `unify init` (DATA/embeddings/\n"
    "                        glove-100d-sif.bin); without them every mode is BM25\n"
    "  -m, --mode MODE       bm25 (default without vectors), vector or hybrid\n"
    "                        (default with them)\n"
    "  -f, --fusion F        weighted (default), weighted-union or rrf, for hybrid\n"
    "  -w, --vector-weight W share of the vector score in weighted fusion, 0..1\n"
    "                        (default 0.1)\n"
    "  -R, --rerank          apply the product's recency and phrase boosts\n"
    "  -o, --run FILE        also write the ranking as a TREC run file\n"
    "  -A, --answers         also ask each query as a question (the extractive\n"
    "                        answerer, top 10 documents as context) and compare its\n"
    "                        first citations with the top results: hit@1 and hit@3\n"
    "  -j, --json            print {\"docs\", \"queries\", \"ndcg_at_10\",\n"
    "                        \"recall_at_100\", \"mrr_at_10\", \"index_seconds\",\n"
    "                        \"search_seconds\"} (with --answers: the hit rates)\n"
    "It needs no data directory (so takes no --data).\n";

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int ud_cmd_eval(int argc, char **argv)
{
    ud_eval_paths paths = {0};
    const char *run_path = NULL, *vectors_path = NULL, *mode_arg = NULL, *fusion_arg = NULL,
               *weight_arg = NULL, *rerank_arg = NULL, *answers_arg = NULL;
    const ud_cli_option options[] = {{"corpus", true, &paths.corpus},
                                     {"queries", true, &paths.queries},
                                     {"qrels", true, &paths.qrels},
                                     {"run", true, &run_path},
                                     {"vectors", true, &vectors_path},
                                     {"mode", true, &mode_arg},
                                     {"fusion", true, &fusion_arg},
                                     {"rerank", false, &rerank_arg},
                                     {"vector-weight", true, &weight_arg},
                                     {"answers", false, &answers_arg},
                                     {NULL, false, NULL}};
    static const ud_cli_alias aliases[] = {
        {'c', "corpus"},        {'q', "queries"}, {'r', "qrels"},  {'o', "run"},
        {'v', "vectors"},       {'m', "mode"},    {'f', "fusion"}, {'R', "rerank"},
        {'w', "vector-weight"}, {'A', "answers"}, {0, NULL}};
    /* No data directory: eval takes --json alone of the common flags. */
    const ud_cli_spec spec = {usage, options, UD_CLI_JSON, 0, 0, aliases};
    ud_cli_flags flags;
    int parsed = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (parsed)
        return parsed < 0 ? 0 : parsed;
    bool json = flags.json, rerank = rerank_arg != NULL, answers = answers_arg != NULL;
    int mode = mode_arg ? ud_search_mode_parse(mode_arg) : -1;
    int fusion = fusion_arg ? ud_fusion_parse(fusion_arg) : UD_FUSION_WEIGHTED;
    double vector_weight = 0.1; /* ud_rank_opts_default's */
    if (weight_arg) {
        char *end = NULL;
        vector_weight = strtod(weight_arg, &end);
        if (end == weight_arg || *end || vector_weight < 0 || vector_weight > 1) {
            fprintf(stderr, "unify: --vector-weight must be a number from 0 to 1\n");
            return 2;
        }
    }
    if ((mode_arg && mode < 0) || fusion < 0) {
        fprintf(stderr, "unify: %s\n",
                fusion < 0 ? "--fusion must be rrf, weighted or weighted-union"
                           : "--mode must be bm25, vector or hybrid");
        return 2;
    }
    if (!paths.corpus || !paths.queries || !paths.qrels) {
        fputs(usage, stderr);
        return 2;
    }
    /* BM25 parameters come from the same table as everywhere else. */
    ud_config config;
    if (ud_cli_load_config(&config, ud_cli_data_dir(NULL)) != 0)
        return 1;
    ud_embedder *embedder = NULL;
    if (vectors_path && ud_embedder_open_static(&embedder, vectors_path) < 0) {
        ud_cli_fail("word vectors");
        return 1;
    }
    ud_rank_opts rank;
    ud_rank_opts_default(&rank);
    rank.bm25 = (ud_bm25_params){config.bm25_k1, config.bm25_b, config.title_weight};
    rank.mode = mode >= 0 ? (ud_search_mode)mode : embedder ? UD_MODE_HYBRID : UD_MODE_BM25;
    rank.fusion = (ud_fusion)fusion;
    rank.rerank = rerank;
    rank.vector_weight = vector_weight;

    const char *tmp = getenv("TMPDIR");
    char work[4096];
    snprintf(work, sizeof(work), "%s/unify-eval-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(work)) {
        fprintf(stderr, "unify: cannot create a temporary directory in %s\n", work);
        return 1;
    }
    paths.work_dir = work;
    FILE *run = NULL;
    if (run_path && !(run = fopen(run_path, "w"))) {
        fprintf(stderr, "unify: cannot write %s\n", run_path);
        rmdir(work);
        ud_embedder_free(embedder);
        return 1;
    }
    ud_eval_result r;
    ud_llm *answerer = NULL;
    ud_llm_config answerer_config = {.kind = "extractive", .embedder = embedder};
    int rc = answers ? ud_llm_new(&answerer, &answerer_config) : 0;
    if (rc == 0)
        rc = answers ? ud_eval_run_answers(&r, &paths, &rank, embedder, run, answerer)
                     : ud_eval_run(&r, &paths, &rank, embedder, run);
    ud_llm_free(answerer);
    ud_embedder_free(embedder);
    if (run && fclose(run) != 0 && rc == 0) {
        fprintf(stderr, "unify: cannot write %s\n", run_path);
        rc = -1;
    }
    nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc < 0) {
        ud_cli_fail("eval");
        return 1;
    }
    if (json && answers)
        printf("{\"docs\": %zu, \"queries\": %zu, \"search_hit_at_1\": %.4f, "
               "\"search_hit_at_3\": %.4f, \"answer_hit_at_1\": %.4f, \"answer_hit_at_3\": %.4f, "
               "\"answer_nothing\": %.4f, \"answer_seconds\": %.3f}\n",
               r.docs, r.queries, r.search_hit_at_1, r.search_hit_at_3, r.answer_hit_at_1,
               r.answer_hit_at_3, r.answer_nothing, r.answer_seconds);
    else if (answers)
        printf("%zu documents, %zu queries: search hit@1 %.3f hit@3 %.3f; answer's citations "
               "hit@1 %.3f hit@3 %.3f, nothing cited %.3f (answering %.2f s)\n",
               r.docs, r.queries, r.search_hit_at_1, r.search_hit_at_3, r.answer_hit_at_1,
               r.answer_hit_at_3, r.answer_nothing, r.answer_seconds);
    else if (json)
        printf("{\"docs\": %zu, \"queries\": %zu, \"ndcg_at_10\": %.4f, \"recall_at_100\": %.4f, "
               "\"mrr_at_10\": %.4f, \"index_seconds\": %.3f, \"search_seconds\": %.3f}\n",
               r.docs, r.queries, r.ndcg_at_10, r.recall_at_100, r.mrr_at_10, r.index_seconds,
               r.search_seconds);
    else
        printf("%zu documents, %zu queries: nDCG@10 %.3f  Recall@100 %.3f  MRR@10 %.3f  "
               "(indexing %.2f s, searching %.2f s)\n",
               r.docs, r.queries, r.ndcg_at_10, r.recall_at_100, r.mrr_at_10, r.index_seconds,
               r.search_seconds);
    return 0;
}
