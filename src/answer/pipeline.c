/*
 * The answer pipeline (pipeline.h).
 */
#include "answer/pipeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/prompt.h"
#include "base/clock.h"
#include "base/mem.h"

#define DEFAULT_TOP_K 10
#define DEFAULT_MAX_TOKENS 1024

void ud_answer_dispose(ud_answer *answer)
{
    if (answer)
        ud_llm_result_dispose(&answer->result);
}

/* The whole answer when there is nothing to answer from. */
static int answer_nothing(ud_answer *out, ud_llm *llm, ud_llm_on_text on_text, void *payload)
{
    size_t len = strlen(UD_ANSWER_NOTHING_FOUND);
    out->result.text = ud_strdup(UD_ANSWER_NOTHING_FOUND);
    out->result.text_len = len;
    snprintf(out->result.provider, sizeof(out->result.provider), "%s", llm->kind);
    snprintf(out->result.route, sizeof(out->result.route), "no-context");
    snprintf(out->result.stop_reason, sizeof(out->result.stop_reason), "no_context");
    if (on_text) {
        out->result.text_sent = true;
        if (on_text(UD_ANSWER_NOTHING_FOUND, len, payload) != 0)
            return ud_error_set(UD_ECANCELED, "the listener went away");
    }
    return 0;
}

int ud_answer_ask(ud_answer *out, ud_searcher *searcher, ud_llm *llm, ud_arena *arena,
                  const char *org_id, const ud_answer_opts *opts, ud_llm_on_text on_text,
                  void *payload)
{
    memset(out, 0, sizeof(*out));
    double started = ud_monotonic_ms();
    if (!opts->question || !opts->question[0])
        return ud_error_set(UD_EINVAL, "no question");
    ud_search_opts search = opts->search;
    if (!search.top_k)
        search.top_k = DEFAULT_TOP_K;
    int rc = ud_searcher_search(&out->hits, &out->hit_count, searcher, arena, org_id,
                                opts->question, &search);
    if (rc < 0)
        return rc;
    ud_context_chunk *ranked =
        ud_arena_alloc(arena, (out->hit_count ? out->hit_count : 1) * sizeof(*ranked));
    for (size_t i = 0; i < out->hit_count; i++) {
        const ud_search_hit *h = &out->hits[i];
        ranked[i] = (ud_context_chunk){.doc_id = h->doc_id,
                                       .chunk_index = h->chunk_index,
                                       .title = h->title,
                                       .source_type = h->source_type,
                                       .url = h->url,
                                       .text = h->text ? h->text : "",
                                       .score = h->score};
    }
    ud_context_opts context_opts = {.max_tokens = opts->context_tokens};
    rc = ud_context_build(&out->context, arena, ranked, out->hit_count, &context_opts);
    if (rc < 0)
        return rc;
    if (out->context.count == 0) {
        rc = answer_nothing(out, llm, on_text, payload);
    } else {
        ud_llm_request request = {.system = ud_answer_system_prompt(),
                                  .question = opts->question,
                                  .context = out->context.text,
                                  .chunks = out->context.chunks,
                                  .chunk_count = out->context.count,
                                  .max_tokens =
                                      opts->max_tokens ? opts->max_tokens : DEFAULT_MAX_TOKENS};
        rc = ud_llm_generate(llm, &out->result, &request, on_text, payload);
    }
    if (rc == 0 && out->result.text)
        rc = ud_citations_extract(&out->citations, arena, out->result.text, out->result.text_len,
                                  out->context.chunks, out->context.count);
    out->took_ms = (int64_t)(ud_monotonic_ms() - started + 0.5);
    return rc;
}
