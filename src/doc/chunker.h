/*
 * The recursive splitter of the spec: chunks of at most `target_tokens`
 * tokens with `overlap_tokens` of overlap, splitting on "\n\n", then "\n",
 * then ". ", then " ", then between characters, never inside a UTF-8
 * sequence. Each chunk records the markdown heading path in force where it
 * starts.
 */
#ifndef UD_DOC_CHUNKER_H
#define UD_DOC_CHUNKER_H

#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "doc/document.h"

typedef struct ud_chunker_opts {
    size_t target_tokens;  /* default 1000 */
    size_t overlap_tokens; /* default 100, must be < target_tokens */
} ud_chunker_opts;

void ud_chunker_opts_default(ud_chunker_opts *out);

/* Splits text into chunks allocated in the arena. An empty or all-whitespace
 * text gives zero chunks. */
int ud_chunker_split(ud_chunk **out, size_t *out_count, ud_arena *arena, const char *text,
                     size_t len, const ud_chunker_opts *opts) UD_MUST_CHECK;

/* Number of tokens in text, counted the way the chunker counts them (see
 * tokens.c for the definition). */
size_t ud_token_count(const char *text, size_t len);

#endif
