/*
 * The answer pipeline, the spec's step 5: retrieve (hybrid, with the
 * caller's permissions inside the index) -> assemble the context (top 10,
 * "[Source: Title (type)]" blocks within a token budget) -> generate (a
 * generator of llm.h, usually the router) -> extract the citations. What
 * to record (history, cost) is the caller's: the pipeline never touches
 * the store.
 */
#ifndef UD_ANSWER_PIPELINE_H
#define UD_ANSWER_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "answer/citations.h"
#include "answer/context.h"
#include "answer/llm.h"
#include "base/arena.h"
#include "index/search.h"

typedef struct ud_answer_opts {
    const char *question;
    /* Retrieval: top_k (default 10), source types, the caller's principals,
     * source weights and mode, exactly as for a search. */
    ud_search_opts search;
    size_t context_tokens; /* the context's budget; 0: UD_CONTEXT_DEFAULT_TOKENS */
    int max_tokens;        /* of the answer; 0: 1024 */
} ud_answer_opts;

typedef struct ud_answer {
    ud_llm_result result; /* text, usage, provider, model, route (ud_answer_dispose) */
    ud_citations citations;
    ud_search_hit *hits; /* what retrieval found (in the arena) */
    size_t hit_count;
    ud_context context;
    int64_t took_ms;
} ud_answer;

/* The statement of an answer when retrieval finds nothing the caller may
 * read: no generator is called (nothing to answer from, nothing to pay). */
#define UD_ANSWER_NOTHING_FOUND "I could not find anything about that in your connected sources."

/* Answers the question for org_id. Text deltas go to on_text as they come
 * (may be NULL); a non-zero return from it cancels (UD_ECANCELED). On an
 * error out->result still holds what was generated. */
int ud_answer_ask(ud_answer *out, ud_searcher *searcher, ud_llm *llm, ud_arena *arena,
                  const char *org_id, const ud_answer_opts *opts, ud_llm_on_text on_text,
                  void *payload) UD_MUST_CHECK;

void ud_answer_dispose(ud_answer *answer);

#endif
