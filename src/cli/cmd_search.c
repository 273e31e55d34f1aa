/*
 * `unify search QUERY`: ranked results with an excerpt, matched words marked.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/str.h"
#include "cli/admin.h"
#include "connectors/connector.h"
#include "index/search.h"
#include "store/meta_history.h"

static const char usage[] =
    "usage: unify search [--data DIR] [--org SLUG] [--top K] [--source TYPE]...\n"
    "                    [--mode MODE] [--fusion F] [--explain] [--as EMAIL] [--json]\n"
    "                    QUERY...\n\n"
    "Ranks the organization's documents for QUERY, one result per document, best\n"
    "first. The query language (\"phrases\", +must, -not, source:, author:, after:,\n"
    "before:) is described in docs/search.md; a query of filters alone lists the\n"
    "documents they let through, newest first. The CLI searches as the operator:\n"
    "what everyone in the organization may read, no one's mail (--as to see what\n"
    "one person sees).\n\n"
    "  -d, --data DIR    data directory (default: $UNIFY_DATA, else ./unify-data)\n"
    "  -O, --org SLUG    organization (default: the `org` setting)\n"
    "  -k, --top K       number of results, 1..100 (default 10)\n"
    "  -s, --source TYPE only documents of this source type (repeatable), e.g. file\n"
    "  -m, --mode MODE   bm25, vector or hybrid (default; BM25 alone when the data\n"
    "                    directory has no word vectors)\n"
    "  -f, --fusion F    how hybrid combines the lists: weighted (default),\n"
    "                    weighted-union or rrf\n"
    "  -x, --explain     show each factor of each result's score\n"
    "      --as EMAIL    search as this user of the organization would (their\n"
    "                    groups and their own documents, mail included); audited\n"
    "  -j, --json        print results as JSON, excerpts marked with <mark>\n";

#define MAX_SOURCES 16

static json_t *hits_json(const ud_search_hit *hits, size_t count, double took_ms, bool explain)
{
    json_t *results = json_array();
    for (size_t i = 0; i < count; i++) {
        const ud_search_hit *h = &hits[i];
        char updated[32];
        ud_time_format(updated, h->updated_at);
        json_array_append_new(results,
                              json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s, s:I, s:f, s:s, s:s?}",
                                        "document_id", h->doc_id, "title", h->title, "source_type",
                                        h->source_type, "url", h->url, "path", h->path,
                                        "heading_path", h->heading_path, "chunk_index",
                                        (json_int_t)h->chunk_index, "score", h->score, "excerpt",
                                        h->excerpt, "updated_at", updated[0] ? updated : NULL));
        if (explain)
            json_object_set_new(json_array_get(results, i), "explain",
                                ud_rank_explain_json(&h->factors));
    }
    return json_pack("{s:o, s:I, s:f}", "results", results, "total", (json_int_t)count, "took_ms",
                     took_ms);
}

int ud_cmd_search(int argc, char **argv)
{
    const char *source_items[MAX_SOURCES];
    ud_cli_values source_list = {source_items, 0, MAX_SOURCES};
    const char *top_arg = NULL, *mode_arg = NULL, *fusion_arg = NULL, *explain_arg = NULL,
               *as = NULL;
    const ud_cli_option options[] = {{"top", true, &top_arg},
                                     {"source", UD_CLI_REPEATED, &source_list},
                                     {"mode", true, &mode_arg},
                                     {"fusion", true, &fusion_arg},
                                     {"explain", false, &explain_arg},
                                     {"as", true, &as},
                                     {NULL, false, NULL}};
    static const ud_cli_alias aliases[] = {{'k', "top"},    {'s', "source"},  {'m', "mode"},
                                           {'f', "fusion"}, {'x', "explain"}, {0, NULL}};
    const ud_cli_spec spec = {usage, options, UD_CLI_COMMON, 1, -1, aliases};
    ud_cli_flags flags;
    int rc = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;
    int mode = mode_arg ? ud_search_mode_parse(mode_arg) : UD_MODE_HYBRID;
    int fusion = fusion_arg ? ud_fusion_parse(fusion_arg) : UD_FUSION_WEIGHTED;
    bool explain = explain_arg != NULL, json = flags.json;
    const char **sources = source_items;
    size_t source_count = source_list.count;
    long top = 10;
    if (top_arg) {
        char *end = NULL;
        top = strtol(top_arg, &end, 10);
        if (end == top_arg || *end || top < 1 || top > 100) {
            fprintf(stderr, "unify: --top must be a number from 1 to 100\n");
            return 2;
        }
    }
    if (mode < 0 || fusion < 0) {
        fprintf(stderr, "unify: %s\n",
                mode < 0 ? "--mode must be bm25, vector or hybrid"
                         : "--fusion must be rrf, weighted or weighted-union");
        return 2;
    }
    if (ud_source_types_check(sources, source_count) < 0) {
        fprintf(stderr, "unify search: --source: %s\n", ud_error_last());
        return 2;
    }
    /* The words of the query may come as separate arguments. */
    ud_buf qbuf;
    ud_buf_init(&qbuf, 4096);
    for (size_t i = 0; i < flags.operand_count; i++) {
        if ((i > 0 && ud_buf_putc(&qbuf, ' ') < 0) || ud_buf_puts(&qbuf, flags.operands[i]) < 0) {
            fprintf(stderr, "unify: the query is longer than 4096 bytes\n");
            ud_buf_dispose(&qbuf);
            return 2;
        }
    }
    char *query = ud_buf_take(&qbuf);
    if (ud_query_source_types_check(query) < 0) {
        fprintf(stderr, "unify search: %s\n", ud_error_last());
        free(query);
        return 2;
    }

    int status = 1;
    ud_cli_session session;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_searcher *searcher = NULL;
    ud_embedder *embedder = NULL;
    const char **principals = NULL; /* NULL: the operator's, "org:*" */
    size_t principal_count = 0;
    if (ud_cli_session_open(&session, &flags, true) != 0 ||
        ud_cli_principals_as(&principals, &principal_count, &session, as, "search_as", query) != 0)
        goto done;
    const ud_config *config = &session.config;
    ud_meta *meta = session.meta;
    ud_org org = session.org;
    ud_bm25_params params = {config->bm25_k1, config->bm25_b, config->title_weight};
    if (ud_cli_open_embedder(&embedder, config) != 0)
        goto done;
    if (ud_searcher_new(&searcher, config->data_dir, &params, embedder) < 0) {
        ud_cli_fail("search");
        goto done;
    }
    bool tty = isatty(STDOUT_FILENO);
    ud_search_opts opts = {.top_k = (size_t)top,
                           .source_types = sources,
                           .source_type_count = source_count,
                           .mark_open = json  ? "<mark>"
                                        : tty ? "\033[1m"
                                              : "**",
                           .mark_close = json  ? "</mark>"
                                         : tty ? "\033[0m"
                                               : "**",
                           .principals = principals,
                           .principal_count = principal_count,
                           .mode = (ud_search_mode)mode,
                           .fusion = (ud_fusion)fusion};
    double start = ud_monotonic_ms();
    ud_search_hit *hits = NULL;
    size_t count = 0;
    if (ud_searcher_search(&hits, &count, searcher, &arena, org.id, query, &opts) < 0) {
        ud_cli_fail("search");
        goto done;
    }
    double took = ud_monotonic_ms() - start;
    ud_history_entry entry = {.caller = UD_CALLER_CLI,
                              .query = query,
                              .results_count = (int64_t)count,
                              .response_time_ms = (int64_t)(took + 0.5)};
    for (size_t i = 0; i < count; i++)
        ud_history_add_source(&entry, hits[i].source_type);
    if (ud_meta_history_add(&entry, meta, &arena, org.id) < 0) /* usage undercounts; go on */
        fprintf(stderr, "unify: the search is not counted in usage: %s\n", ud_error_last());
    if (json) {
        json_t *o = hits_json(hits, count, took, explain);
        char *text = json_dumps(o, JSON_INDENT(2));
        puts(text);
        free(text);
        json_decref(o);
    } else if (count == 0) {
        printf("No results for \"%s\".\n", query);
    } else {
        for (size_t i = 0; i < count; i++) {
            const ud_search_hit *h = &hits[i];
            printf("%zu. %s  [%s]  score %.3f\n", i + 1, h->title, h->source_type, h->score);
            printf("   %s%s%s\n",
                   h->path  ? h->path
                   : h->url ? h->url
                            : "",
                   h->heading_path[0] ? " > " : "", h->heading_path);
            printf("   %s\n", h->excerpt);
            if (explain) {
                const ud_ranked *f = &h->factors;
                printf("   bm25 %.3f", f->bm25);
                if (f->bm25_rank)
                    printf(" (#%u)", f->bm25_rank);
                printf(" | vector %.3f", f->similarity);
                if (f->vector_rank)
                    printf(" (#%u)", f->vector_rank);
                printf(" | fused %.4f | recency x%.3f | phrase x%.1f | source x%.2f\n", f->fused,
                       f->recency, f->phrase, f->source);
            }
            printf("\n");
        }
        printf("%zu result%s in %.1f ms\n", count, count == 1 ? "" : "s", took);
    }
    status = 0;
done:
    ud_searcher_free(searcher);
    ud_embedder_free(embedder);
    ud_arena_dispose(&arena);
    ud_cli_session_close(&session);
    free(query);
    return status;
}
