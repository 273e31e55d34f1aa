/*
 * Token counting (see tokens.c for the rules) and the incremental counter
 * the chunker uses to cut an unbroken run of text at a token budget.
 */
#ifndef UD_DOC_TOKENS_H
#define UD_DOC_TOKENS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { UD_TOKEN_SPACE, UD_TOKEN_LETTER, UD_TOKEN_DIGIT, UD_TOKEN_SINGLE } ud_token_class;

typedef struct ud_token_counter {
    ud_token_class run_class; /* class of the previous code point */
    size_t run_length;        /* code points in the current letter/digit run */
    size_t tokens;            /* total so far */
} ud_token_counter;

void ud_token_counter_init(ud_token_counter *counter);
/* Adds one code point; returns how many tokens it started (0 or 1). */
size_t ud_token_counter_feed(ud_token_counter *counter, int32_t cp);

/* Decodes one code point at text (len > 0 bytes left). Returns its length in
 * bytes; an invalid byte decodes as U+FFFD of length 1. */
size_t ud_utf8_decode(const char *text, size_t len, int32_t *out_cp);

#endif
