/*
 * The analyzer: text into index terms, the same way at index and at query
 * time. Words are maximal runs of letters and digits (Unicode categories via
 * utf8proc), case-folded, stop words dropped, then stemmed with Snowball
 * English (libstemmer). This is the reference analyzer of the exact BM25
 * oracle; the real index of a later issue extends it (identifiers, NFKC).
 */
#ifndef UD_INDEX_ANALYZER_H
#define UD_INDEX_ANALYZER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

typedef struct ud_term {
    const char *text; /* stemmed, case-folded, NUL-terminated */
    size_t len;
    size_t start; /* byte offset of the original word in the input */
    size_t end;   /* one past its last byte */
} ud_term;

/* Not thread-safe (the stemmer keeps state): one analyzer per thread. */
typedef struct ud_analyzer ud_analyzer;

int ud_analyzer_new(ud_analyzer **out) UD_MUST_CHECK;
void ud_analyzer_free(ud_analyzer *analyzer);

/* Appends the terms of text to a new array in the arena. */
int ud_analyze(ud_term **out, size_t *out_count, ud_analyzer *analyzer, ud_arena *arena,
               const char *text, size_t len) UD_MUST_CHECK;

/* True if the case-folded word is on the stop list. */
bool ud_analyzer_is_stop(const char *folded, size_t len);

#endif
