/*
 * `unify ask QUESTION`: an answer with citations from the command line, as
 * POST /v1/ask gives it, streamed to the terminal as it is written. The
 * CLI acts as the operator: it reads what the org-wide principal may read
 * (with --as, what that user may);
 * the answer is counted in the organization's usage as the CLI's.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/cost.h"
#include "answer/pipeline.h"
#include "answer/setup.h"
#include "cli/admin.h"
#include "connectors/connector.h"
#include "store/meta_history.h"

static const char usage[] =
    "usage: unify ask [--data DIR] [--org SLUG] [--top K] [--source TYPE]... [--as EMAIL]\n"
    "                 [--json] QUESTION...\n\n"
    "Answers the question from the organization's documents, citing them. The answer\n"
    "comes from the generator of the answer_* settings (default: extractive, the best\n"
    "sentences of the best documents; anthropic or openai with a model and a key).\n"
    "It reads what everyone in the organization may read (--as: what one user may).\n\n"
    "  -d, --data DIR    data directory (default: $UNIFY_DATA, else ./unify-data)\n"
    "  -O, --org SLUG    organization (default: the `org` setting)\n"
    "  -k, --top K       documents to retrieve (1-50, default 10)\n"
    "  -s, --source TYPE only this source type (repeatable)\n"
    "      --as EMAIL    answer from what this user of the organization may read\n"
    "                    (their groups and their own documents, mail included); audited\n"
    "  -j, --json        print the whole answer as JSON at the end instead of streaming\n";

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
    const char *source_items[MAX_SOURCES];
    ud_cli_values source_list = {source_items, 0, MAX_SOURCES};
    const char *top_arg = NULL, *as = NULL;
    const ud_cli_option options[] = {{"top", true, &top_arg},
                                     {"source", UD_CLI_REPEATED, &source_list},
                                     {"as", true, &as},
                                     {NULL, false, NULL}};
    static const ud_cli_alias aliases[] = {{'k', "top"}, {'s', "source"}, {0, NULL}};
    const ud_cli_spec spec = {usage, options, UD_CLI_COMMON, 1, -1, aliases};
    ud_cli_flags flags;
    int rc = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char **sources = source_items;
    size_t source_count = source_list.count;
    bool json = flags.json;
    long top = 10;
    if (top_arg) {
        char *end = NULL;
        top = strtol(top_arg, &end, 10);
        if (end == top_arg || *end || top < 1 || top > 50) {
            fputs("unify ask: --top must be 1 to 50\n", stderr);
            return 2;
        }
    }
    if (ud_source_types_check(sources, source_count) < 0) {
        fprintf(stderr, "unify ask: --source: %s\n", ud_error_last());
        return 2;
    }
    char question[2001] = "";
    for (size_t i = 0; i < flags.operand_count; i++) {
        const char *word = flags.operands[i];
        size_t used = strlen(question);
        if (used + strlen(word) + 2 > sizeof(question)) {
            fputs("unify ask: the question is longer than 2000 bytes\n", stderr);
            return 2;
        }
        snprintf(question + used, sizeof(question) - used, "%s%s", used ? " " : "", word);
    }
    ud_cli_session session;
    int status = 1;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_embedder *embedder = NULL;
    ud_searcher *searcher = NULL;
    ud_llm *llm = NULL;
    ud_answer answer = {0};
    ud_price_table prices;
    const char **principals = NULL; /* NULL: the operator's, "org:*" */
    size_t principal_count = 0;
    if (ud_cli_session_open(&session, &flags, true) != 0 ||
        ud_cli_principals_as(&principals, &principal_count, &session, as, "ask_as", question) != 0)
        goto done;
    const ud_config *config = &session.config;
    ud_meta *meta = session.meta;
    ud_org org = session.org;
    if (ud_cli_open_embedder(&embedder, config) != 0)
        goto done;
    ud_bm25_params params = {config->bm25_k1, config->bm25_b, config->title_weight};
    if (ud_searcher_new(&searcher, config->data_dir, &params, embedder) < 0 ||
        ud_answer_llm_from_config(&llm, config, embedder) < 0 ||
        ud_price_table_init(&prices, config->llm_prices) < 0) {
        ud_cli_fail("ask");
        goto done;
    }
    ud_answer_opts opts = {.question = question,
                           .search = {.top_k = (size_t)top,
                                      .mode = UD_MODE_HYBRID,
                                      .fusion = UD_FUSION_WEIGHTED,
                                      .source_types = source_count ? sources : NULL,
                                      .source_type_count = source_count,
                                      .principals = principals,
                                      .principal_count = principal_count},
                           .context_tokens = (size_t)config->context_tokens,
                           .max_tokens = (int)config->answer_max_tokens};
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
            /* The fields POST /v1/ask gives each citation (api_ask.c). */
            json_array_append_new(citations,
                                  json_pack("{s:s,s:o,s:s,s:s,s:s}", "title", x->title, "url",
                                            x->url ? json_string(x->url) : json_null(),
                                            "source_type", x->source_type ? x->source_type : "",
                                            "excerpt", x->excerpt ? x->excerpt : "", "document_id",
                                            x->doc_id ? x->doc_id : ""));
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
    ud_cli_session_close(&session);
    return status;
}
