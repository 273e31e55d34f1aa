/*
 * Helpers shared by the extractors: the capped text buffer they write into
 * and the conversion of its contents into an ud_extracted result.
 */
#ifndef UD_DOC_EXTRACT_UTIL_H
#define UD_DOC_EXTRACT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/str.h"
#include "doc/extract/extract.h"

/* The output text of one extraction: a buffer capped at the text limit. */
typedef struct ud_text_out {
    ud_buf buf;
    const char *name; /* file name for messages */
    size_t max_bytes;
    int failed; /* first error (sticky), 0 while all is well */
} ud_text_out;

void ud_text_out_init(ud_text_out *t, const char *name, const ud_extract_limits *limits);
void ud_text_out_dispose(ud_text_out *t);
/* Appends; past the limit records UD_ELIMIT with a message. Later appends
 * are ignored once an append has failed, so callers check only at the end. */
void ud_text_out_append(ud_text_out *t, const char *text, size_t len);
void ud_text_out_puts(ud_text_out *t, const char *text);
/* Makes sure the text ends with n newlines (n = 1: new line, 2: new block),
 * unless it is empty. */
void ud_text_out_break(ud_text_out *t, int n);
/* Appends text with runs of whitespace folded to one space; a space at the
 * start is dropped when the text already ends in whitespace. */
void ud_text_out_inline(ud_text_out *t, const char *text, size_t len);

/* Moves the text into the arena and fills out->text/text_len; returns the
 * sticky error if there was one. */
int ud_text_out_finish(ud_extracted *out, ud_arena *arena, ud_text_out *t) UD_MUST_CHECK;

/* The first non-empty line of text, trimmed, at most max_len bytes (cut at a
 * UTF-8 boundary), in the arena; NULL if there is none. */
const char *ud_first_line(ud_arena *arena, const char *text, size_t len, size_t max_len);

/* A date the document states about itself, in any format ud_time_parse
 * knows; 0 if it cannot be read or is not plausible now (before 1970, or
 * in the future: base/date.h), so that the caller falls back to the next
 * date the document has. */
int64_t ud_parse_date_or_zero(const char *text);

#endif
