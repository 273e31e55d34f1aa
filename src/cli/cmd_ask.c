/*
 * `unify ask QUESTION`: an answer with citations from the command line, as
 * POST /v1/ask gives it, streamed to the terminal as it is written. The
 * CLI acts as the operator: it reads what the org-wide principal may read;
 * the answer is counted in the organization's usage as the CLI's.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/cost.h"
#include "answer/pipeline.h"
#include "answer/setup.h"
#include "cli/cli.h"
#include "connectors/connector.h"
#include "store/meta_history.h"

static const char usage[] =
    "usage: unify ask [--data DIR] [--top K] [--source TYPE]... [--json] QUESTION...\n\n"
    "Answers the question from the organization's documents, citing them. The answer\n"
    "comes from the generator of the answer_* settings (default: extractive, the best\n"
    "sentences of the best documents; anthropic or openai with a model and a key).\n\n"
    "  --top K         documents to retrieve (1-50, default 10)\n"
    "  --source TYPE   only this source type (repeatable)\n"
    "  --json          print the whole answer as JSON at the end instead of streaming\n";

#define MAX_SOURCES 16

static int print_delta(const char *delta, size_t len, void *payload)
{
    (void)payload;
    fwrite(delta, 1, len, stdout);
    fflush(stdout);
    return 0;
}

int ud_cmd_ask(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, 'd'},   {"top", required_argument, NULL, 'k'},
        {"source", required_argument, NULL, 's'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0}};
    const char *data = NULL;
    const char *sources[MAX_SOURCES];
    size_t source_count = 0;
    long top = 10;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "d:k:s:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'k': {
            char *end = NULL;
            top = strtol(optarg, &end, 10);
            if (end == optarg || *end || top < 1 || top > 50) {
                fputs("unify ask: --top must be 1 to 50\n", stderr);
                return 2;
            }
            break;
        }
        case 's':
            if (source_count == MAX_SOURCES) {
                fprintf(stderr, "unify ask: at most %d --source\n", MAX_SOURCES);
                return 2;
            }
            sources[source_count++] = optarg;
            break;
        case 'j': json = true; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind >= argc) {
        fputs(usage, stderr);
        return 2;
    }
    if (ud_source_types_check(sources, source_count) < 0) {
        fprintf(stderr, "unify ask: --source: %s\n", ud_error_last());
        return 2;
    }
    char question[2001] = "";
    for (int i = optind; i < argc; i++) {
        size_t used = strlen(question);
        if (used + strlen(argv[i]) + 2 > sizeof(question)) {
            fputs("unify ask: the question is longer than 2000 bytes\n", stderr);
            return 2;
        }
        snprintf(question + used, sizeof(question) - used, "%s%s", used ? " " : "", argv[i]);
    }
    ud_config config;
    if (ud_cli_load_config(&config, ud_cli_data_dir(data)) != 0)
        return 1;
    ud_meta *meta = NULL;
    if (ud_cli_open_store(&meta, &config) != 0)
        return 1;
    int status = 1;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_embedder *embedder = NULL;
    ud_searcher *searcher = NULL;
    ud_llm *llm = NULL;
    ud_answer answer = {0};
    ud_price_table prices;
    ud_org org;
    if (ud_cli_org(&org, meta, &arena, &config) != 0 ||
        ud_cli_open_embedder(&embedder, &config) != 0)
        goto done;
    ud_bm25_params params = {config.bm25_k1, config.bm25_b, config.title_weight};
    if (ud_searcher_new(&searcher, config.data_dir, &params, embedder) < 0 ||
        ud_answer_llm_from_config(&llm, &config, embedder) < 0 ||
        ud_price_table_init(&prices, config.llm_prices) < 0) {
        ud_cli_fail("ask");
        goto done;
    }
    ud_answer_opts opts = {.question = question,
                           .search = {.top_k = (size_t)top,
                                      .mode = UD_MODE_HYBRID,
                                      .fusion = UD_FUSION_WEIGHTED,
                                      .source_types = source_count ? sources : NULL,
                                      .source_type_count = source_count},
                           .context_tokens = (size_t)config.context_tokens,
                           .max_tokens = (int)config.answer_max_tokens};
    if (ud_answer_ask(&answer, searcher, llm, &arena, org.id, &opts, json ? NULL : print_delta,
                      NULL) < 0) {
        if (!json)
            putchar('\n');
        ud_cli_fail("ask");
        goto done;
    }
    double cost = ud_answer_cost(&prices, answer.result.model, &answer.result.usage);
    ud_history_entry entry = {.caller = UD_CALLER_CLI,
                              .kind = "ask",
                              .query = question,
                              .results_count = (int64_t)answer.citations.count,
                              .response_time_ms = answer.took_ms,
                              .provider = answer.result.provider,
                              .model = answer.result.model,
                              .route = answer.result.route,
                              .input_tokens = answer.result.usage.input_tokens,
                              .output_tokens = answer.result.usage.output_tokens,
                              .cache_read_tokens = answer.result.usage.cache_read_tokens,
                              .cache_write_tokens = answer.result.usage.cache_write_tokens,
                              .cost_usd = cost,
                              .citations_dropped = (int64_t)answer.citations.dropped};
    for (size_t i = 0; i < answer.citations.count; i++)
        ud_history_add_source(&entry, answer.citations.items[i].source_type);
    if (ud_meta_history_add(&entry, meta, &arena, org.id) < 0) /* usage undercounts; go on */
        fprintf(stderr, "unify: the answer is not counted in usage: %s\n", ud_error_last());
    if (json) {
        json_t *citations = json_array();
        for (size_t i = 0; i < answer.citations.count; i++) {
            const ud_citation *x = &answer.citations.items[i];
            json_array_append_new(citations,
                                  json_pack("{s:s,s:s,s:s,s:s}", "title", x->title, "source_type",
                                            x->source_type ? x->source_type : "", "url",
                                            x->url ? x->url : "", "excerpt", x->excerpt));
        }
        json_t *out =
            json_pack("{s:s,s:o,s:I,s:s,s:s,s:s,s:{s:I,s:I,s:I,s:I},s:f,s:I}", "answer",
                      answer.result.text, "citations", citations, "dropped_citations",
                      (json_int_t)answer.citations.dropped, "provider", answer.result.provider,
                      "model", answer.result.model, "route", answer.result.route, "usage",
                      "input_tokens", (json_int_t)answer.result.usage.input_tokens, "output_tokens",
                      (json_int_t)answer.result.usage.output_tokens, "cache_read_tokens",
                      (json_int_t)answer.result.usage.cache_read_tokens, "cache_write_tokens",
                      (json_int_t)answer.result.usage.cache_write_tokens, "cost_usd", cost,
                      "took_ms", (json_int_t)answer.took_ms);
        char *text = json_dumps(out, JSON_INDENT(2));
        puts(text);
        free(text);
        json_decref(out);
    } else {
        printf("\n\n");
        for (size_t i = 0; i < answer.citations.count; i++) {
            const ud_citation *x = &answer.citations.items[i];
            printf("[%zu] %s (%s)%s%s\n", i + 1, x->title, x->source_type ? x->source_type : "",
                   x->url ? "  " : "", x->url ? x->url : "");
        }
        printf("\n%s%s%s, %lld ms, $%.4f\n", answer.result.provider,
               answer.result.model[0] ? " " : "", answer.result.model, (long long)answer.took_ms,
               cost);
    }
    status = 0;
done:
    ud_answer_dispose(&answer);
    ud_llm_free(llm);
    ud_searcher_free(searcher);
    ud_embedder_free(embedder);
    ud_arena_dispose(&arena);
    ud_meta_close(meta);
    return status;
}
