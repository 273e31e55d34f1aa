/*
 * Permission and metadata filters (see filter.h). Principals, sources and
 * authors are indexed as 0x01-prefixed terms, so each value's chunks are a
 * postings list and the bitmap is their union and intersection.
 *
 * Authors are indexed by their whole name (lower-cased ASCII, as every
 * segment version has them) but matched by words: the segment's author
 * terms are a contiguous range of its sorted dictionary, each name is
 * folded (ud_analyzer_fold_name: case, accents) and kept when every word
 * of the filter is one of its words. A segment holds one term per distinct
 * author, so this costs a fold per author, and needs no change to the
 * segment format: segments written before it match the same way.
 */
#include "index/filter.h"

#include <stdbool.h>
#include <string.h>

#include "index/analyzer.h"
#include "index/visible.h"

static void set_term_bits(uint8_t *bits, const ud_segment *seg, const ud_seg_term *t)
{
    uint32_t doc_count = ud_segment_header(seg)->doc_count;
    if (t->df == doc_count) {
        /* Every chunk has it (the org-wide principal, a lone source): no
         * need to walk the postings. Bits past doc_count are never read. */
        memset(bits, 0xFF, (doc_count + 7) / 8);
        return;
    }
    ud_postings p;
    ud_postings_init(&p, seg, t);
    for (; p.doc != UD_DOC_END; ud_postings_next(&p))
        bits[p.doc >> 3] |= (uint8_t)(1u << (p.doc & 7));
}

static void set_bits_of(uint8_t *bits, const ud_segment *seg, const char *prefix, const char *value,
                        ud_arena *arena)
{
    const char *key = ud_arena_sprintf(arena, "%s%s", prefix, value);
    const ud_seg_term *t = ud_segment_term(seg, key, strlen(key));
    if (t)
        set_term_bits(bits, seg, t);
}

/* Whether the word (n bytes) is one of the space-separated words of name. */
static bool has_word(const char *name, const char *word, size_t n)
{
    for (const char *p = name; *p;) {
        const char *end = strchr(p, ' ');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0)
            return true;
        p += len;
        while (*p == ' ')
            p++;
    }
    return false;
}

/* Whether every word of `words` is a word of `name` (both folded). No
 * words match nothing. */
static bool has_words(const char *name, const char *words)
{
    if (!*words)
        return false;
    for (const char *w = words; *w;) {
        const char *end = strchr(w, ' ');
        size_t n = end ? (size_t)(end - w) : strlen(w);
        if (!has_word(name, w, n))
            return false;
        w += n;
        while (*w == ' ')
            w++;
    }
    return true;
}

/* The chunks of the segment whose author has the words of one of the
 * filter's values. */
static void set_author_bits(uint8_t *bits, const ud_segment *seg, const char *const *values,
                            size_t count)
{
    const char *prefix = UD_SEG_FILTER_AUTHOR;
    size_t prefix_len = strlen(prefix);
    size_t first = 0, end = 0;
    ud_segment_term_range(&first, &end, seg, prefix, prefix_len);
    char name[1024];
    for (size_t i = first; i < end; i++) {
        const char *text = NULL;
        size_t len = 0;
        const ud_seg_term *t = ud_segment_term_at(seg, i, &text, &len);
        if (!t ||
            ud_analyzer_fold_name(name, sizeof(name), text + prefix_len, len - prefix_len) == 0)
            continue;
        for (size_t v = 0; v < count; v++)
            if (has_words(name, values[v])) {
                set_term_bits(bits, seg, t);
                break;
            }
    }
}

void ud_filter_principal_bits(uint8_t *bits, const ud_segment_view *view,
                              const char *const *principals, size_t principal_count,
                              ud_arena *arena)
{
    const ud_segment *seg = view->segment;
    size_t bytes = (ud_segment_header(seg)->doc_count + 7) / 8;
    /* No principals: nothing is visible (the safe default). */
    for (size_t i = 0; i < principal_count; i++)
        set_bits_of(bits, seg, UD_SEG_FILTER_PRINCIPAL, principals[i], arena);
    if (view->deleted)
        for (size_t i = 0; i < bytes; i++)
            bits[i] &= (uint8_t)~view->deleted[i];
}

/* Whether the query narrows what the caller may read by source or author. */
static bool narrows(const ud_query *q)
{
    return q->source_count > 0 || q->author_count > 0;
}

uint8_t *ud_filter_allowed(const ud_segment_view *view, size_t view_index, const ud_query *q,
                           ud_arena *arena)
{
    const ud_segment *seg = view->segment;
    size_t bytes = (ud_segment_header(seg)->doc_count + 7) / 8;
    uint8_t *allowed = ud_arena_alloc(arena, bytes ? bytes : 1);
    if (q->visible)
        memcpy(allowed, ud_visible_bits(q->visible, view_index), bytes);
    else
        ud_filter_principal_bits(allowed, view, q->principals, q->principal_count, arena);
    if (!narrows(q))
        return allowed;
    if (q->source_count > 0) {
        uint8_t *some = ud_arena_alloc(arena, bytes ? bytes : 1);
        for (size_t i = 0; i < q->source_count; i++)
            set_bits_of(some, seg, UD_SEG_FILTER_SOURCE, q->sources[i], arena);
        for (size_t i = 0; i < bytes; i++)
            allowed[i] &= some[i];
    }
    if (q->author_count > 0) {
        uint8_t *some = ud_arena_alloc(arena, bytes ? bytes : 1);
        set_author_bits(some, seg, q->authors, q->author_count);
        for (size_t i = 0; i < bytes; i++)
            allowed[i] &= some[i];
    }
    return allowed;
}

const uint8_t *ud_filter_allowed_shared(const ud_segment_view *view, size_t view_index,
                                        const ud_query *q, ud_arena *arena)
{
    if (q->visible && !narrows(q))
        return ud_visible_bits(q->visible, view_index);
    return ud_filter_allowed(view, view_index, q, arena);
}

bool ud_filter_accepts(const ud_segment_view *view, const ud_query *q, const uint8_t *allowed,
                       uint32_t doc)
{
    if (!((allowed[doc >> 3] >> (doc & 7)) & 1))
        return false;
    if (!q->after && !q->before)
        return true;
    int64_t updated = ud_segment_doc(view->segment, doc)->updated_at;
    return !(q->after && updated < q->after) && !(q->before && updated >= q->before);
}
