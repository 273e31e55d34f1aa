/*
 * The spec's recursive splitter. Two passes over byte ranges of the text:
 *
 *  1. split: a range over the token budget is cut after each occurrence of
 *     the first separator it contains ("\n\n", "\n", ". ", " "); pieces still
 *     too big are cut with the next separator, and a range with none of them
 *     is cut between code points at the budget. The result is a sequence of
 *     contiguous pieces, each within the budget.
 *  2. merge: consecutive pieces are packed into chunks up to the budget; the
 *     next chunk starts with the last pieces of the previous one that fit in
 *     the overlap budget.
 *
 * Because pieces are ranges of the original text, every chunk is an exact
 * slice of it (trimmed of surrounding whitespace) and knows its offset, which
 * places it under the right markdown heading.
 */
#include "doc/chunker.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "doc/tokens.h"

static const char *const SEPARATORS[] = {"\n\n", "\n", ". ", " "};
#define SEPARATOR_COUNT (sizeof(SEPARATORS) / sizeof(SEPARATORS[0]))

typedef struct piece {
    size_t start;
    size_t end;
    size_t tokens;
} piece;

typedef struct piece_list {
    piece *items;
    size_t count;
    size_t cap;
} piece_list;

static void pieces_push(piece_list *list, size_t start, size_t end, size_t tokens)
{
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->items = ud_realloc(list->items, list->cap * sizeof(piece));
    }
    list->items[list->count++] = (piece){start, end, tokens};
}

void ud_chunker_opts_default(ud_chunker_opts *out)
{
    out->target_tokens = 1000;
    out->overlap_tokens = 100;
}

/* Cuts [start, end) between code points into pieces of at most `budget`
 * tokens: the last resort for text with no separator at all. */
static void split_by_code_points(piece_list *list, const char *text, size_t start, size_t end,
                                 size_t budget)
{
    ud_token_counter counter;
    ud_token_counter_init(&counter);
    size_t piece_start = start;
    size_t pos = start;
    while (pos < end) {
        int32_t cp;
        size_t n = ud_utf8_decode(text + pos, end - pos, &cp);
        ud_token_counter copy = counter;
        ud_token_counter_feed(&copy, cp);
        if (copy.tokens > budget && pos > piece_start) {
            pieces_push(list, piece_start, pos, counter.tokens);
            piece_start = pos;
            ud_token_counter_init(&counter);
            ud_token_counter_feed(&counter, cp);
        } else {
            counter = copy;
        }
        pos += n;
    }
    if (pos > piece_start)
        pieces_push(list, piece_start, pos, counter.tokens);
}

static const char *find_in_range(const char *text, size_t start, size_t end, const char *sep)
{
    size_t sep_len = strlen(sep);
    if (end - start < sep_len)
        return NULL;
    return memmem(text + start, end - start, sep, sep_len);
}

static void split_range(piece_list *list, const char *text, size_t start, size_t end, size_t level,
                        size_t budget)
{
    size_t tokens = ud_token_count(text + start, end - start);
    if (tokens <= budget) {
        pieces_push(list, start, end, tokens);
        return;
    }
    while (level < SEPARATOR_COUNT && !find_in_range(text, start, end, SEPARATORS[level]))
        level++;
    if (level == SEPARATOR_COUNT) {
        split_by_code_points(list, text, start, end, budget);
        return;
    }
    const char *sep = SEPARATORS[level];
    size_t sep_len = strlen(sep);
    size_t piece_start = start;
    const char *hit;
    while ((hit = find_in_range(text, piece_start, end, sep)) != NULL) {
        size_t piece_end = (size_t)(hit - text) + sep_len;
        split_range(list, text, piece_start, piece_end, level + 1, budget);
        piece_start = piece_end;
    }
    if (piece_start < end)
        split_range(list, text, piece_start, end, level + 1, budget);
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Markdown headings ("# Title" .. "###### Title") with their offsets. */
typedef struct heading {
    size_t offset;
    int level;
    const char *title;
    size_t title_len;
} heading;

static heading *find_headings(size_t *out_count, const char *text, size_t len)
{
    heading *items = NULL;
    size_t count = 0, cap = 0;
    size_t line = 0;
    bool in_fence = false;
    while (line < len) {
        const char *nl = memchr(text + line, '\n', len - line);
        size_t line_end = nl ? (size_t)(nl - text) : len;
        const char *p = text + line;
        size_t n = line_end - line;
        if (n >= 3 && memcmp(p, "```", 3) == 0)
            in_fence = !in_fence;
        int level = 0;
        while ((size_t)level < n && p[level] == '#' && level < 7)
            level++;
        if (!in_fence && level >= 1 && level <= 6 && (size_t)level < n && p[level] == ' ') {
            size_t t = (size_t)level;
            while (t < n && p[t] == ' ')
                t++;
            size_t e = n;
            while (e > t && (is_blank(p[e - 1]) || p[e - 1] == '#'))
                e--;
            if (e > t) {
                if (count == cap) {
                    cap = cap ? cap * 2 : 16;
                    items = ud_realloc(items, cap * sizeof(heading));
                }
                items[count++] = (heading){line, level, p + t, e - t};
            }
        }
        line = line_end + 1;
    }
    *out_count = count;
    return items;
}

/* "A > B > C": the headings in force at `offset` (a heading that starts at
 * `offset` is in force). */
static const char *heading_path_at(ud_arena *arena, const heading *headings, size_t count,
                                   size_t offset)
{
    const heading *stack[6] = {0};
    for (size_t i = 0; i < count && headings[i].offset <= offset; i++) {
        int level = headings[i].level;
        stack[level - 1] = &headings[i];
        for (int deeper = level; deeper < 6; deeper++)
            stack[deeper] = NULL;
    }
    size_t total = 0;
    for (int i = 0; i < 6; i++)
        if (stack[i])
            total += stack[i]->title_len + 3;
    char *path = ud_arena_alloc(arena, total + 1);
    size_t at = 0;
    for (int i = 0; i < 6; i++) {
        if (!stack[i])
            continue;
        if (at) {
            memcpy(path + at, " > ", 3);
            at += 3;
        }
        memcpy(path + at, stack[i]->title, stack[i]->title_len);
        at += stack[i]->title_len;
    }
    path[at] = '\0';
    return path;
}

/* Where the overlap carried into the next chunk begins: the earliest
 * boundary in [from, end) whose tail text[b .. end) has at most `budget`
 * tokens. Sentence ends are preferred, then line ends, then spaces; with no
 * such boundary the overlap is empty (returns end). */
static size_t overlap_start(const char *text, size_t from, size_t end, size_t budget)
{
    if (budget == 0)
        return end;
    static const char *const BOUNDARIES[] = {". ", "\n", " "};
    for (size_t k = 0; k < 3; k++) {
        const char *sep = BOUNDARIES[k];
        size_t sep_len = strlen(sep);
        size_t best = end;
        /* Walk back from the end over candidate boundaries while the tail
         * stays within budget. */
        for (size_t b = end; b > from + sep_len; b--) {
            if (memcmp(text + b - sep_len, sep, sep_len) != 0)
                continue;
            if (ud_token_count(text + b, end - b) > budget)
                break;
            best = b;
        }
        if (best < end)
            return best;
    }
    return end;
}

int ud_chunker_split(ud_chunk **out, size_t *out_count, ud_arena *arena, const char *text,
                     size_t len, const ud_chunker_opts *opts)
{
    ud_chunker_opts defaults;
    if (!opts) {
        ud_chunker_opts_default(&defaults);
        opts = &defaults;
    }
    if (opts->target_tokens == 0 || opts->overlap_tokens >= opts->target_tokens)
        return ud_error_set(UD_EINVAL,
                            "chunk overlap (%zu) must be smaller than the chunk size (%zu)",
                            opts->overlap_tokens, opts->target_tokens);

    piece_list list = {0};
    split_range(&list, text, 0, len, 0, opts->target_tokens);

    size_t heading_count = 0;
    heading *headings = find_headings(&heading_count, text, len);

    ud_chunk *chunks = NULL;
    size_t count = 0, cap = 0;
    size_t next = 0;           /* first piece not yet in any chunk */
    size_t start = 0;          /* where the next chunk starts (overlap included) */
    size_t carried_tokens = 0; /* tokens of text[start .. piece[next].start) */
    if (list.count)
        start = list.items[0].start;
    while (next < list.count) {
        size_t tokens = carried_tokens + list.items[next].tokens;
        size_t last = next;
        while (last + 1 < list.count &&
               tokens + list.items[last + 1].tokens <= opts->target_tokens) {
            last++;
            tokens += list.items[last].tokens;
        }
        size_t end = list.items[last].end;
        size_t s = start, e = end;
        while (s < e && is_blank(text[s]))
            s++;
        while (e > s && is_blank(text[e - 1]))
            e--;
        if (e > s) {
            if (count == cap) {
                cap = cap ? cap * 2 : 16;
                ud_chunk *grown = ud_arena_alloc(arena, cap * sizeof(ud_chunk));
                if (count)
                    memcpy(grown, chunks, count * sizeof(ud_chunk));
                chunks = grown;
            }
            ud_chunk *c = &chunks[count];
            c->index = count;
            c->text = ud_arena_strndup(arena, text + s, e - s);
            c->len = e - s;
            c->tokens = ud_token_count(c->text, c->len);
            c->start = s;
            c->heading_path = heading_path_at(arena, headings, heading_count, s);
            count++;
        }
        next = last + 1;
        if (next >= list.count)
            break;
        size_t room = opts->target_tokens - list.items[next].tokens;
        size_t budget = opts->overlap_tokens < room ? opts->overlap_tokens : room;
        start = overlap_start(text, s, end, budget);
        carried_tokens = ud_token_count(text + start, end - start);
    }
    free(list.items);
    free(headings);
    *out = chunks;
    *out_count = count;
    return 0;
}
