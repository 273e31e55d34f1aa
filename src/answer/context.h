/*
 * Context assembly: the ranked chunks of a question into the text a
 * generator reads, as the spec shows it:
 *
 *   [Source: Title (source_type)]
 *   chunk text
 *
 *   [Source: Title (source_type)]
 *   ...
 *
 * the top chunks in rank order, within a token budget (counted the way the
 * chunker counts, doc/chunker.h). The block that does not fit is cut at a
 * sentence or word boundary, or left out if too little of it would remain;
 * nothing after it is added. Titles and source types go through
 * ud_citation_title() so that the markers a model copies parse back
 * (citations.h).
 */
#ifndef UD_ANSWER_CONTEXT_H
#define UD_ANSWER_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "answer/llm.h"
#include "base/arena.h"
#include "base/error.h"

#define UD_CONTEXT_MAX_CHUNKS 10         /* the spec's top 10 */
#define UD_CONTEXT_DEFAULT_TOKENS 6000   /* budget when the caller gives none */
#define UD_CONTEXT_MIN_PARTIAL_TOKENS 24 /* less than this of a cut block: leave it out */

typedef struct ud_context_opts {
    size_t max_chunks; /* 0: UD_CONTEXT_MAX_CHUNKS */
    size_t max_tokens; /* the whole text's budget; 0: UD_CONTEXT_DEFAULT_TOKENS */
} ud_context_opts;

typedef struct ud_context {
    char *text; /* NUL-terminated, in the arena ("" when nothing fits) */
    size_t len;
    size_t tokens; /* ud_token_count(text), at most the budget */
    /* The chunks the text holds, in its order: copies of the inputs whose
     * strings are borrowed from them, except the text of a block that was
     * cut, which is the part included (in the arena). */
    ud_context_chunk *chunks;
    size_t count;
    bool truncated; /* the last block was cut to fit */
} ud_context;

/* Assembles the context of ranked[0..count) (best first). opts may be NULL.
 * UD_EINVAL for missing arguments; an empty input gives an empty context. */
int ud_context_build(ud_context *out, ud_arena *arena, const ud_context_chunk *ranked, size_t count,
                     const ud_context_opts *opts) UD_MUST_CHECK;

#endif
