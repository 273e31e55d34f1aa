/*
 * The analyzer: text into index terms, the same way at index and at query
 * time, for the segment index and for its exact BM25 oracle alike.
 *
 *  - Words are maximal runs of letters, marks and digits (Unicode categories
 *    via utf8proc).
 *  - Identifiers survive whole: words joined by - _ . @ / + where the joined
 *    token holds a digit or an @ ("Q4-2025", "ACME-123", "v2.1",
 *    "john@acme.com"). Joined words without one ("state-of-the-art") are
 *    split, so they match their parts.
 *  - Words are NFKC-normalised and case-folded ("ﬁle" and "FILE" are "file").
 *  - Stop words (Lucene's English list by default, configurable) are
 *    dropped but keep their position, so phrases still line up.
 *  - Plain words are stemmed with Snowball English (libstemmer);
 *    identifiers are not.
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
    size_t start;    /* byte offset of the original word in the input */
    size_t end;      /* one past its last byte */
    size_t position; /* word number in the input, stop words counted */
} ud_term;

/* Not thread-safe (the stemmer keeps state): one analyzer per thread. */
typedef struct ud_analyzer ud_analyzer;

int ud_analyzer_new(ud_analyzer **out) UD_MUST_CHECK;
/* With a stop list of its own (case-folded words; count 0 = no stop words). */
int ud_analyzer_new_with_stop_words(ud_analyzer **out, const char *const *stop_words,
                                    size_t count) UD_MUST_CHECK;
void ud_analyzer_free(ud_analyzer *analyzer);

/* Appends the terms of text to a new array in the arena. */
int ud_analyze(ud_term **out, size_t *out_count, ud_analyzer *analyzer, ud_arena *arena,
               const char *text, size_t len) UD_MUST_CHECK;

/* A person's name as the author filter compares it (docs/search.md): its
 * words (runs of letters and digits) NFKC-normalised, case-folded and
 * without accents, joined by single spaces: "Zoë  MÜLLER" is "zoe muller",
 * "j.doe@acme.test" is "j doe acme test". Writes at most size bytes with
 * the NUL; returns the length, 0 when no word is left, the input is not
 * UTF-8 or the result does not fit. */
size_t ud_analyzer_fold_name(char *out, size_t size, const char *name, size_t len);

/* True if the case-folded word is on the default stop list. */
bool ud_analyzer_is_stop(const char *folded, size_t len);

#endif
