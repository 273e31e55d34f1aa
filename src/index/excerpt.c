/*
 * Excerpts for result lists (see excerpt.h). The text is analyzed with the
 * query's analyzer so that "policies" in the text lights up for "policy" in
 * the query; the window that holds the most distinct query terms wins, is
 * widened to word boundaries, and newlines inside it become spaces.
 */
#include "index/excerpt.h"

#include <stdbool.h>
#include <string.h>

#include "base/str.h"

/* Bytes of context kept before the first match of the window. */
#define LEAD_BYTES 60
#define MAX_EXCERPT_BYTES 65536

static bool same_term(const ud_term *a, const ud_term *b)
{
    return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

/* Index of the query term that `t` matches, or -1. */
static int query_index(const ud_term *t, const ud_term *query, size_t query_count)
{
    for (size_t i = 0; i < query_count; i++)
        if (same_term(t, &query[i]))
            return (int)i;
    return -1;
}

static bool is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

static size_t back_to_boundary(const char *text, size_t pos)
{
    while (pos > 0 && is_continuation((unsigned char)text[pos]))
        pos--;
    return pos;
}

int ud_excerpt_build(char **out, ud_analyzer *analyzer, ud_arena *arena, const char *text,
                     size_t len, const char *query, const ud_excerpt_opts *opts)
{
    size_t max_bytes = opts && opts->max_bytes ? opts->max_bytes : 240;
    if (max_bytes > MAX_EXCERPT_BYTES)
        max_bytes = MAX_EXCERPT_BYTES;
    const char *open = opts && opts->open ? opts->open : "<mark>";
    const char *close = opts && opts->close ? opts->close : "</mark>";

    ud_term *qterms, *terms;
    size_t qcount, count;
    int rc = ud_analyze(&qterms, &qcount, analyzer, arena, query, strlen(query));
    if (rc == 0)
        rc = ud_analyze(&terms, &count, analyzer, arena, text, len);
    if (rc < 0)
        return rc;

    /* Matching terms of the text and which query term each matches. */
    size_t *match_at = ud_arena_alloc(arena, (count ? count : 1) * sizeof(size_t));
    int *match_query = ud_arena_alloc(arena, (count ? count : 1) * sizeof(int));
    size_t match_count = 0;
    for (size_t i = 0; i < count; i++) {
        int q = query_index(&terms[i], qterms, qcount);
        if (q >= 0) {
            match_at[match_count] = i;
            match_query[match_count++] = q;
        }
    }

    /* The window starting at a match that covers the most distinct query
     * terms; the first such window on ties. */
    size_t window_start = 0;
    if (match_count > 0) {
        bool *seen = ud_arena_alloc(arena, qcount ? qcount : 1);
        size_t best = 0;
        size_t best_start = terms[match_at[0]].start;
        for (size_t i = 0; i < match_count; i++) {
            memset(seen, 0, qcount);
            size_t start = terms[match_at[i]].start;
            size_t distinct = 0;
            for (size_t j = i; j < match_count; j++) {
                if (terms[match_at[j]].end > start + max_bytes - LEAD_BYTES)
                    break;
                if (!seen[match_query[j]]) {
                    seen[match_query[j]] = true;
                    distinct++;
                }
            }
            if (distinct > best) {
                best = distinct;
                best_start = start;
            }
        }
        window_start = best_start > LEAD_BYTES ? best_start - LEAD_BYTES : 0;
        /* Start at a word: after the nearest space before the window. */
        if (window_start > 0) {
            size_t s = window_start;
            while (s < best_start && text[s - 1] != ' ' && text[s - 1] != '\n')
                s++;
            window_start = s;
        }
    }
    size_t window_end = window_start + max_bytes;
    if (window_end >= len) {
        window_end = len;
    } else {
        size_t e = window_end;
        while (e > window_start && text[e] != ' ' && text[e] != '\n')
            e--;
        window_end = e > window_start ? e : back_to_boundary(text, window_end);
    }

    ud_buf buf;
    ud_buf_init(&buf, MAX_EXCERPT_BYTES * 4);
    if (window_start > 0)
        rc = ud_buf_puts(&buf, "…");
    size_t next_match = 0;
    while (next_match < match_count && terms[match_at[next_match]].start < window_start)
        next_match++;
    bool last_was_space = true;
    for (size_t pos = window_start; pos < window_end && rc == 0;) {
        if (next_match < match_count && terms[match_at[next_match]].start == pos) {
            const ud_term *t = &terms[match_at[next_match++]];
            size_t end = t->end < window_end ? t->end : window_end;
            rc = ud_buf_puts(&buf, open);
            if (rc == 0)
                rc = ud_buf_append(&buf, text + pos, end - pos);
            if (rc == 0)
                rc = ud_buf_puts(&buf, close);
            pos = end;
            last_was_space = false;
            continue;
        }
        char c = text[pos++];
        bool space = c == '\n' || c == '\t' || c == ' ' || c == '\r';
        if (space) {
            if (!last_was_space)
                rc = ud_buf_putc(&buf, ' ');
            last_was_space = true;
        } else {
            rc = ud_buf_putc(&buf, c);
            last_was_space = false;
        }
    }
    if (rc == 0 && window_end < len)
        rc = ud_buf_puts(&buf, "…");
    if (rc < 0) {
        ud_buf_dispose(&buf);
        return rc;
    }
    *out = ud_arena_strndup(arena, buf.ptr ? buf.ptr : "", buf.len);
    ud_buf_dispose(&buf);
    return 0;
}
