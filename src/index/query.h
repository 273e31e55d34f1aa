/*
 * A parsed search query (the query language is in docs/search.md):
 *
 *   parental leave            optional terms, BM25 over all of them
 *   "exact phrase"            terms that must appear in this order
 *   +required  -excluded      a term that must / must not appear
 *   source:slack              only these source types (several: any of them)
 *   author:"Zoë Müller"       only documents by one of these authors (each
 *                             word of the value is a word of the author's
 *                             name, in any case, with or without accents)
 *   after:2025-01-01          updated on or after (before: strictly before)
 *
 * The caller's principals are not part of the text: the server adds them
 * from the credential, so a query can never widen its own permissions.
 */
#ifndef UD_INDEX_QUERY_H
#define UD_INDEX_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/analyzer.h"

#define UD_QUERY_MAX_TERMS 256
#define UD_QUERY_MAX_PHRASE_TERMS 32
#define UD_QUERY_MAX_PHRASES 8
#define UD_QUERY_MAX_FILTERS 16

/* Ordered by strictness: a term used twice keeps its stricter kind. */
typedef enum {
    UD_TERM_CHECK_ONLY, /* a word of an excluded phrase: never scores */
    UD_TERM_OPTIONAL,
    UD_TERM_REQUIRED,
    UD_TERM_EXCLUDED
} ud_term_kind;

typedef struct ud_query_term {
    const char *text; /* analyzed */
    size_t len;
    ud_term_kind kind;
    uint32_t weight; /* times it occurs in the query: its score counts that often */
} ud_query_term;

typedef struct ud_query_phrase {
    size_t terms[UD_QUERY_MAX_TERMS];     /* indexes into ud_query.terms */
    uint32_t offsets[UD_QUERY_MAX_TERMS]; /* word offset of each from the first */
    size_t count;
    bool excluded;
} ud_query_phrase;

typedef struct ud_query {
    ud_query_term terms[UD_QUERY_MAX_TERMS]; /* distinct */
    size_t term_count;
    ud_query_phrase phrases[UD_QUERY_MAX_PHRASES];
    size_t phrase_count;
    const char *sources[UD_QUERY_MAX_FILTERS];
    size_t source_count;
    const char *authors[UD_QUERY_MAX_FILTERS]; /* ud_analyzer_fold_name'd words */
    size_t author_count;
    int64_t after;                 /* 0 = none */
    int64_t before;                /* 0 = none */
    const char *const *principals; /* the caller's; the document needs one of them */
    size_t principal_count;
    /* What the principals may read over the views searched (visible.h),
     * borrowed: the statistics and the permission bitmaps come from it.
     * NULL: made for the one search (the same results, without the
     * cache). It must be the principals' own: ud_visible_matches. */
    struct ud_visible *visible;
} ud_query;

/* Parses text into q (strings in the arena). UD_EINVAL with a message for a
 * query that cannot mean anything: an unclosed quote, a bad date, more
 * terms than UD_QUERY_MAX_TERMS. A query of stop words only parses to no
 * terms (and finds nothing). */
int ud_query_parse(ud_query *q, ud_analyzer *analyzer, ud_arena *arena,
                   const char *text) UD_MUST_CHECK;

/* Every word of text as an optional term, with no query syntax at all (for
 * natural-language questions and evaluation sets). */
int ud_query_from_words(ud_query *q, ud_analyzer *analyzer, ud_arena *arena,
                        const char *text) UD_MUST_CHECK;

#endif
