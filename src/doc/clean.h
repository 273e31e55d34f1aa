/*
 * Text cleaning, after extraction and before chunking: invalid UTF-8 is
 * repaired (each bad byte becomes U+FFFD), text is NFC-normalised with
 * utf8proc, control characters are dropped, runs of spaces and tabs fold to
 * one space, three or more newlines fold to a blank line, trailing spaces go.
 * Markdown structure (headings, lists, tables) survives because lines do.
 */
#ifndef UD_DOC_CLEAN_H
#define UD_DOC_CLEAN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

int ud_clean_text(char **out, size_t *out_len, ud_arena *arena, const char *text,
                  size_t len) UD_MUST_CHECK;

/* Replaces invalid UTF-8 sequences with U+FFFD (EF BF BD). */
int ud_utf8_repair(char **out, size_t *out_len, ud_arena *arena, const char *text,
                   size_t len) UD_MUST_CHECK;

bool ud_utf8_valid(const char *text, size_t len);

#endif
