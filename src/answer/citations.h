/*
 * Citations of an answer: the markers a generator wrote, matched to the
 * chunks it was given.
 *
 * Markers understood (case-insensitive, anywhere in the text):
 *   [Source: Title]                 the spec's syntax
 *   [Source: Title (source_type)]   the context's own header syntax
 *   [Sources: A; B] [Source: A, B]  several titles in one marker
 *   [n] [n, m] [n-m]                1-based positions in the context
 * A title matches a chunk whose title is the same after case folding,
 * whitespace collapsing and the marker-safe rewriting below; a title that
 * several chunks share names the best ranked of them. A marker part that
 * names no chunk (or a number out of range) is dropped and counted.
 *
 * Titles are written into the context (context.c) and into extractive
 * answers (extractive.c) through ud_citation_title(), so that whatever a
 * title holds, its marker parses back to it here.
 */
#ifndef UD_ANSWER_CITATIONS_H
#define UD_ANSWER_CITATIONS_H

#include <stddef.h>

#include "answer/llm.h"
#include "base/arena.h"
#include "base/error.h"

/* Caps on hostile answers: markers looked at, parts of one marker, bytes
 * of one marker, numbers of one range. Past them the rest is ignored. */
#define UD_CITATION_MAX_MARKERS 1024
#define UD_CITATION_MAX_PARTS 32
#define UD_CITATION_MAX_MARKER_BYTES 2048
#define UD_CITATION_MAX_RANGE 64
/* Characters (code points) of a citation's excerpt before it is cut. */
#define UD_CITATION_EXCERPT_CHARS 200

typedef struct ud_citation {
    const char *title; /* the chunk's own title (borrowed from the chunks) */
    const char *url;   /* NULL when the chunk has none */
    const char *source_type;
    const char *doc_id;
    const char *excerpt; /* in the arena, valid UTF-8 */
    size_t chunk;        /* the cited chunk's position in the chunks given */
} ud_citation;

typedef struct ud_citations {
    ud_citation *items; /* in the arena, in first-cited order, one per document */
    size_t count;
    size_t dropped; /* marker parts that named nothing in the context */
} ud_citations;

/* Finds the markers of answer[0..len) and matches them to chunks (in rank
 * order). Everything out points to lives in the arena or in chunks.
 * UD_EINVAL only for missing arguments: any text parses. */
int ud_citations_extract(ud_citations *out, ud_arena *arena, const char *answer, size_t len,
                         const ud_context_chunk *chunks, size_t chunk_count) UD_MUST_CHECK;

/* The title of a document without one. */
#define UD_CITATION_UNTITLED "Untitled"

/* A title as markers write it: control characters and line breaks become
 * spaces, runs of spaces collapse, "[" and "]" become "(" and ")", invalid
 * UTF-8 becomes U+FFFD; NULL or blank gives UD_CITATION_UNTITLED. In the
 * arena. */
char *ud_citation_title(ud_arena *arena, const char *title);

/* The first ~max_chars characters of text with its whitespace collapsed
 * and Markdown heading marks dropped, cut at a word boundary with "…" when
 * there is more; valid UTF-8. In the arena. */
char *ud_citation_excerpt(ud_arena *arena, const char *text, size_t max_chars);

#endif
