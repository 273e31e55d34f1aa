/*
 * `unify eval`: retrieval quality on a test collection in BEIR format. Needs
 * no data directory: the corpus is indexed into a temporary collection that
 * is removed afterwards.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "eval/beir.h"

static const char usage[] =
    "usage: unify eval --corpus corpus.jsonl --queries queries.jsonl --qrels qrels.tsv\n"
    "                  [--run FILE] [--json]\n\n"
    "Indexes the corpus into a temporary collection, runs every judged query as\n"
    "plain words and prints nDCG@10, Recall@100 and MRR@10 (trec_eval's\n"
    "definitions). BM25 uses bm25_k1, bm25_b and title_weight from the\n"
    "environment (UNIFY_BM25_K1, ...) or their defaults.\n\n"
    "  --run FILE   also write the ranking as a TREC run file\n"
    "  --json       print {\"docs\", \"queries\", \"ndcg_at_10\", \"recall_at_100\",\n"
    "               \"mrr_at_10\", \"index_seconds\", \"search_seconds\"}\n";

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int ud_cmd_eval(int argc, char **argv)
{
    static const struct option options[] = {{"corpus", required_argument, NULL, 'c'},
                                            {"queries", required_argument, NULL, 'q'},
                                            {"qrels", required_argument, NULL, 'r'},
                                            {"run", required_argument, NULL, 'o'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0, 0, 0, 0}};
    ud_eval_paths paths = {0};
    const char *run_path = NULL;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "c:q:r:o:jh", options, NULL)) != -1) {
        switch (c) {
        case 'c': paths.corpus = optarg; break;
        case 'q': paths.queries = optarg; break;
        case 'r': paths.qrels = optarg; break;
        case 'o': run_path = optarg; break;
        case 'j': json = true; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc || !paths.corpus || !paths.queries || !paths.qrels) {
        fputs(usage, stderr);
        return 2;
    }
    /* BM25 parameters come from the same table as everywhere else. */
    ud_config config;
    if (ud_cli_load_config(&config, ud_cli_data_dir(NULL)) != 0)
        return 1;
    ud_bm25_params params = {config.bm25_k1, config.bm25_b, config.title_weight};

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
        return 1;
    }
    ud_eval_result r;
    int rc = ud_eval_run(&r, &paths, &params, run);
    if (run && fclose(run) != 0 && rc == 0) {
        fprintf(stderr, "unify: cannot write %s\n", run_path);
        rc = -1;
    }
    nftw(work, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc < 0) {
        ud_cli_fail("eval");
        return 1;
    }
    if (json)
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
