/*
 * Excerpts for result lists: the window of a chunk that holds the most
 * distinct query terms, cut at word boundaries (never inside a UTF-8
 * sequence), with each matching word wrapped in caller-chosen markers
 * ("<mark>"/"</mark>" for JSON, ANSI bold for a terminal).
 */
#ifndef UD_INDEX_EXCERPT_H
#define UD_INDEX_EXCERPT_H

#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/analyzer.h"

typedef struct ud_excerpt_opts {
    size_t max_bytes;  /* of source text shown, default 240 */
    const char *open;  /* marker before a match */
    const char *close; /* marker after a match */
} ud_excerpt_opts;

int ud_excerpt_build(char **out, ud_analyzer *analyzer, ud_arena *arena, const char *text,
                     size_t len, const char *query, const ud_excerpt_opts *opts) UD_MUST_CHECK;

#endif
