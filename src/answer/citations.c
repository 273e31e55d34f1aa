/*
 * Citation markers of an answer, matched to the chunks of its context
 * (citations.h). The pipeline calls this on every answer, whatever wrote
 * it, so it treats the text as hostile: one pass over it, markers looked at
 * only up to a size, parts and markers counted against caps, and a budget
 * on the bytes normalised for title matching, so that no answer costs more
 * than a bounded amount of work.
 */
#include "answer/citations.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "base/mem.h"
#include "doc/tokens.h"

/* Longest marker-safe title, in bytes of its output. */
#define MAX_TITLE_BYTES 512
/* Adjacent parts of one marker joined back together to match a title that
 * holds commas or semicolons itself ("Outage, 12 March 2025"). */
#define MAX_PARTS_JOINED 6
/* Bytes normalised for matching over one answer, past which parsing stops. */
#define MATCH_WORK_BYTES (8u << 20)
/* Telling apart chunks that share a title: the first QUOTED_WORDS words
 * before the marker, looked for in the first QUOTED_TEXT_BYTES of each
 * chunk, MATCH_COMPARE_BYTES searched in all. */
#define QUOTED_WORDS 24
#define QUOTED_TEXT_BYTES (16u << 10)
#define MATCH_COMPARE_BYTES (4u << 20)

static const char REPLACEMENT[] = "\xEF\xBF\xBD"; /* U+FFFD */

static bool is_space_cp(int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
           cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

static bool is_control_cp(int32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

/* The marker-safe rewriting of text[0..len) into out (room for
 * MAX_TITLE_BYTES + 4 bytes); returns the length written. Idempotent: its
 * output rewrites to itself, which is what lets a title written into a
 * marker match its chunk again. */
static size_t safe_title_into(char *out, const char *text, size_t len)
{
    size_t n = 0;
    bool pending_space = false;
    size_t pos = 0;
    while (pos < len) {
        int32_t cp;
        size_t step = ud_utf8_decode(text + pos, len - pos, &cp);
        bool invalid = cp == 0xFFFD && step == 1;
        if (is_space_cp(cp) || is_control_cp(cp)) {
            pending_space = n > 0;
            pos += step;
            continue;
        }
        const char *bytes = text + pos;
        size_t bytes_len = step;
        if (invalid) {
            bytes = REPLACEMENT;
            bytes_len = 3;
        } else if (cp == '[') {
            bytes = "(";
        } else if (cp == ']') {
            bytes = ")";
        }
        if (n + (pending_space ? 1 : 0) + bytes_len > MAX_TITLE_BYTES)
            break;
        if (pending_space)
            out[n++] = ' ';
        pending_space = false;
        memcpy(out + n, bytes, bytes_len);
        n += bytes_len;
        pos += step;
    }
    out[n] = '\0';
    return n;
}

char *ud_citation_title(ud_arena *arena, const char *title)
{
    char *out = ud_arena_alloc(arena, MAX_TITLE_BYTES + 4);
    size_t n = safe_title_into(out, title ? title : "", title ? strlen(title) : 0);
    if (n == 0)
        return ud_arena_strdup(arena, UD_CITATION_UNTITLED);
    return out;
}

static bool is_wrapper(char c)
{
    return c == '"' || c == '\'' || c == '*' || c == '_' || c == '`';
}

/* Strips ASCII spaces and Markdown/quote wrappers from both ends. */
static void trim_wrappers(const char **text, size_t *len)
{
    const char *p = *text;
    size_t n = *len;
    while (n && (p[0] == ' ' || is_wrapper(p[0]))) {
        p++;
        n--;
    }
    while (n && (p[n - 1] == ' ' || is_wrapper(p[n - 1])))
        n--;
    /* Typographic quotes: “ ” ‘ ’ (E2 80 9C/9D/98/99). */
    while (n >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
           ((unsigned char)p[2] == 0x9C || (unsigned char)p[2] == 0x98)) {
        p += 3;
        n -= 3;
    }
    while (n >= 3 && (unsigned char)p[n - 3] == 0xE2 && (unsigned char)p[n - 2] == 0x80 &&
           ((unsigned char)p[n - 1] == 0x9D || (unsigned char)p[n - 1] == 0x99))
        n -= 3;
    *text = p;
    *len = n;
}

/* The matching key of a title or marker part: marker-safe, case-folded
 * (NFKC), wrappers trimmed. Written to out (MAX_TITLE_BYTES + 4 bytes). */
static size_t match_key(char *out, const char *text, size_t len)
{
    char safe[MAX_TITLE_BYTES + 4];
    size_t n = safe_title_into(safe, text, len);
    bool ascii = true;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)safe[i] >= 0x80)
            ascii = false;
    const char *folded = safe;
    size_t folded_len = n;
    utf8proc_uint8_t *mapped = NULL;
    if (ascii) {
        for (size_t i = 0; i < n; i++)
            if (safe[i] >= 'A' && safe[i] <= 'Z')
                safe[i] = (char)(safe[i] + 32);
    } else {
        utf8proc_ssize_t m =
            utf8proc_map((const utf8proc_uint8_t *)safe, (utf8proc_ssize_t)n, &mapped,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
        if (m > 0) {
            folded = (const char *)mapped;
            folded_len = (size_t)m;
        }
    }
    /* Folding may bring back what the rewriting removes (a full-width
     * bracket folds to "["): rewrite once more. */
    n = safe_title_into(out, folded, folded_len);
    free(mapped);
    const char *p = out;
    trim_wrappers(&p, &n);
    memmove(out, p, n);
    out[n] = '\0';
    return n;
}

typedef struct matcher {
    const ud_context_chunk *chunks;
    size_t chunk_count;
    char **keys; /* match_key of each chunk's title */
    size_t *key_lens;
    ud_citations *out;
    size_t work;     /* bytes normalised so far */
    size_t compared; /* bytes of chunk text searched for quoted words */
    /* The answer's text since the marker before the one being read: what
     * that marker cites. */
    const char *quoted;
    size_t quoted_len;
} matcher;

static void cite(matcher *m, size_t chunk, ud_arena *arena)
{
    const ud_context_chunk *c = &m->chunks[chunk];
    ud_citations *out = m->out;
    for (size_t i = 0; i < out->count; i++) {
        const ud_citation *seen = &out->items[i];
        if (seen->chunk == chunk)
            return;
        if (seen->doc_id && c->doc_id && strcmp(seen->doc_id, c->doc_id) == 0)
            return;
    }
    ud_citation *item = &out->items[out->count++];
    item->title = c->title ? c->title : UD_CITATION_UNTITLED;
    item->url = c->url && c->url[0] ? c->url : NULL;
    item->source_type = c->source_type ? c->source_type : "";
    item->doc_id = c->doc_id;
    item->chunk = chunk;
    item->excerpt = ud_citation_excerpt(arena, c->text ? c->text : "", UD_CITATION_EXCERPT_CHARS);
}

/* How many of the first QUOTED_WORDS words (of 4 bytes or more) of the
 * quoted text occur in the chunk's text. */
static size_t words_shared(matcher *m, const char *text)
{
    size_t text_len = text ? strnlen(text, QUOTED_TEXT_BYTES) : 0;
    size_t shared = 0, words = 0, i = 0;
    while (i < m->quoted_len && words < QUOTED_WORDS) {
        while (i < m->quoted_len && !isalnum((unsigned char)m->quoted[i]) &&
               (unsigned char)m->quoted[i] < 0x80)
            i++;
        size_t start = i;
        while (i < m->quoted_len &&
               (isalnum((unsigned char)m->quoted[i]) || (unsigned char)m->quoted[i] >= 0x80))
            i++;
        if (i - start < 4)
            continue;
        words++;
        m->compared += text_len;
        shared += memmem(text, text_len, m->quoted + start, i - start) != NULL;
    }
    return shared;
}

/* The best ranked chunk whose title has the key, preferring one of the
 * given source type; -1 if none. When chunks of different documents share
 * the title (replies with one subject, untitled pages), the one whose text
 * holds the most of the words quoted before the marker. */
static long find_title(matcher *m, const char *key, size_t key_len, const char *type,
                       size_t type_len)
{
    long first = -1, best = -1;
    size_t best_shared = 0;
    for (size_t i = 0; i < m->chunk_count; i++) {
        if (m->key_lens[i] != key_len || memcmp(m->keys[i], key, key_len) != 0)
            continue;
        if (!type) {
            if (best < 0) {
                best = (long)i;
                best_shared = m->quoted_len ? words_shared(m, m->chunks[i].text) : 0;
                continue;
            }
            const char *a = m->chunks[best].doc_id, *b = m->chunks[i].doc_id;
            if (!a || !b || strcmp(a, b) == 0 || m->compared >= MATCH_COMPARE_BYTES)
                continue;
            size_t shared = words_shared(m, m->chunks[i].text);
            if (shared > best_shared) {
                best = (long)i;
                best_shared = shared;
            }
            continue;
        }
        if (first < 0)
            first = (long)i;
        const char *st = m->chunks[i].source_type ? m->chunks[i].source_type : "";
        if (strlen(st) == type_len && strncasecmp(st, type, type_len) == 0)
            return (long)i;
    }
    return type ? first : best;
}

/* Matches one title as written in a marker ("Title" or "Title (type)"). */
static long match_title(matcher *m, const char *text, size_t len)
{
    char key[MAX_TITLE_BYTES + 4];
    m->work += len;
    size_t key_len = match_key(key, text, len);
    if (key_len == 0)
        return -1;
    long found = find_title(m, key, key_len, NULL, 0);
    if (found >= 0)
        return found;
    /* "Title (type)": the type may also pick among chunks of one title. */
    while (len && text[len - 1] == ' ')
        len--;
    if (len < 3 || text[len - 1] != ')')
        return -1;
    size_t open = len - 1;
    while (open > 0 && text[open] != '(')
        open--;
    if (text[open] != '(' || open == 0)
        return -1;
    const char *type = text + open + 1;
    size_t type_len = len - 1 - (open + 1);
    while (type_len && type[0] == ' ') {
        type++;
        type_len--;
    }
    while (type_len && type[type_len - 1] == ' ')
        type_len--;
    m->work += open;
    key_len = match_key(key, text, open);
    if (key_len == 0)
        return -1;
    return find_title(m, key, key_len, type, type_len);
}

static bool all_digits(const char *text, size_t len)
{
    if (len == 0 || len > 9)
        return false;
    for (size_t i = 0; i < len; i++)
        if (text[i] < '0' || text[i] > '9')
            return false;
    return true;
}

static void cite_number(matcher *m, uint64_t n, ud_arena *arena)
{
    if (n >= 1 && n <= m->chunk_count)
        cite(m, (size_t)(n - 1), arena);
    else
        m->out->dropped++;
}

static void trim_spaces(const char **text, size_t *len)
{
    while (*len &&
           ((*text)[0] == ' ' || (*text)[0] == '\t' || (*text)[0] == '\n' || (*text)[0] == '\r')) {
        (*text)++;
        (*len)--;
    }
    while (*len && ((*text)[*len - 1] == ' ' || (*text)[*len - 1] == '\t' ||
                    (*text)[*len - 1] == '\n' || (*text)[*len - 1] == '\r'))
        (*len)--;
}

/* Length of a "source:" / "sources:" prefix at text (after spaces), or 0. */
static size_t source_prefix(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    if (len - i < 6 || strncasecmp(text + i, "source", 6) != 0)
        return 0;
    i += 6;
    if (i < len && (text[i] == 's' || text[i] == 'S'))
        i++;
    while (i < len && text[i] == ' ')
        i++;
    if (i < len && text[i] == ':')
        return i + 1;
    return 0;
}

typedef struct part {
    size_t start, end; /* within the marker's content */
} part;

/* "[Source: ...]": returns false if content is not such a marker. */
static bool parse_source_marker(matcher *m, const char *content, size_t len, ud_arena *arena)
{
    size_t skip = source_prefix(content, len);
    if (skip == 0)
        return false;
    part parts[UD_CITATION_MAX_PARTS];
    size_t count = 0;
    size_t start = skip;
    for (size_t i = skip; i <= len; i++) {
        if (i < len && content[i] != ';' && content[i] != ',')
            continue;
        if (i < len && count == UD_CITATION_MAX_PARTS - 1)
            continue; /* the last part takes the rest */
        parts[count].start = start;
        parts[count].end = i;
        /* "[Source: A; Source: B]" (the first part's prefix is the
         * marker's own, already skipped) */
        if (count > 0)
            parts[count].start += source_prefix(content + start, i - start);
        count++;
        start = i + 1;
    }
    size_t i = 0;
    while (i < count && m->work < MATCH_WORK_BYTES) {
        size_t last = i + MAX_PARTS_JOINED < count ? i + MAX_PARTS_JOINED : count;
        bool matched = false;
        /* The longest run of parts that names a title wins. */
        for (size_t j = last; j > i && !matched; j--) {
            long found =
                match_title(m, content + parts[i].start, parts[j - 1].end - parts[i].start);
            if (found >= 0) {
                cite(m, (size_t)found, arena);
                i = j;
                matched = true;
            }
        }
        if (matched)
            continue;
        const char *text = content + parts[i].start;
        size_t text_len = parts[i].end - parts[i].start;
        trim_spaces(&text, &text_len);
        if (all_digits(text, text_len)) {
            uint64_t n = 0;
            for (size_t k = 0; k < text_len; k++)
                n = n * 10 + (uint64_t)(text[k] - '0');
            cite_number(m, n, arena);
        } else if (text_len > 0) {
            m->out->dropped++;
        }
        i++;
    }
    return true;
}

/* "[n]", "[n, m]", "[n-m]": returns false if content is not such a marker.
 * Numbers longer than nine digits are out of range by definition. */
static bool parse_number_marker(matcher *m, const char *content, size_t len, ud_arena *arena)
{
    /* Validate first: anything but digits, separators and dashes means this
     * is ordinary bracketed text, not a citation. */
    bool any_digit = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)content[i];
        if (c >= '0' && c <= '9') {
            any_digit = true;
        } else if (c == ' ' || c == ',' || c == ';' || c == '-') {
            continue;
        } else if (c == 0xE2 && i + 2 < len && (unsigned char)content[i + 1] == 0x80 &&
                   (unsigned char)content[i + 2] == 0x93) {
            i += 2; /* en dash */
        } else {
            return false;
        }
    }
    if (!any_digit)
        return false;
    size_t i = 0;
    while (i < len) {
        while (i < len && (content[i] < '0' || content[i] > '9'))
            i++;
        if (i == len)
            break;
        uint64_t first = 0;
        bool huge = false;
        size_t digits = 0;
        while (i < len && content[i] >= '0' && content[i] <= '9') {
            if (++digits > 9)
                huge = true;
            else
                first = first * 10 + (uint64_t)(content[i] - '0');
            i++;
        }
        /* A range? */
        size_t k = i;
        while (k < len && content[k] == ' ')
            k++;
        size_t dash = 0;
        if (k < len && content[k] == '-')
            dash = 1;
        else if (k + 2 < len && (unsigned char)content[k] == 0xE2)
            dash = 3;
        if (dash) {
            k += dash;
            while (k < len && content[k] == ' ')
                k++;
        }
        if (dash && k < len && content[k] >= '0' && content[k] <= '9') {
            uint64_t second = 0;
            size_t digits2 = 0;
            while (k < len && content[k] >= '0' && content[k] <= '9') {
                if (++digits2 > 9)
                    huge = true;
                else
                    second = second * 10 + (uint64_t)(content[k] - '0');
                k++;
            }
            i = k;
            if (huge || second < first || second - first >= UD_CITATION_MAX_RANGE) {
                m->out->dropped++;
                continue;
            }
            for (uint64_t n = first; n <= second; n++)
                cite_number(m, n, arena);
            continue;
        }
        if (huge)
            m->out->dropped++;
        else
            cite_number(m, first, arena);
    }
    return true;
}

int ud_citations_extract(ud_citations *out, ud_arena *arena, const char *answer, size_t len,
                         const ud_context_chunk *chunks, size_t chunk_count)
{
    if (!out || !arena || (!answer && len) || (!chunks && chunk_count))
        return ud_error_set(UD_EINVAL, "citations: missing arguments");
    out->items = ud_arena_alloc(arena, (chunk_count ? chunk_count : 1) * sizeof(ud_citation));
    out->count = 0;
    out->dropped = 0;
    matcher m = {.chunks = chunks, .chunk_count = chunk_count, .out = out};
    m.keys = ud_arena_alloc(arena, (chunk_count ? chunk_count : 1) * sizeof(char *));
    m.key_lens = ud_arena_alloc(arena, (chunk_count ? chunk_count : 1) * sizeof(size_t));
    for (size_t i = 0; i < chunk_count; i++) {
        /* Keys of the titles as the context wrote them. */
        const char *title = ud_citation_title(arena, chunks[i].title);
        m.keys[i] = ud_arena_alloc(arena, MAX_TITLE_BYTES + 4);
        m.key_lens[i] = match_key(m.keys[i], title, strlen(title));
    }
    size_t markers = 0;
    size_t pos = 0, quoted_from = 0;
    while (pos < len && markers < UD_CITATION_MAX_MARKERS && m.work < MATCH_WORK_BYTES) {
        const char *open = memchr(answer + pos, '[', len - pos);
        if (!open)
            break;
        size_t start = (size_t)(open - answer);
        size_t k = start + 1;
        while (k < len && k - start <= UD_CITATION_MAX_MARKER_BYTES && answer[k] != ']' &&
               answer[k] != '[')
            k++;
        if (k >= len || k - start > UD_CITATION_MAX_MARKER_BYTES) {
            /* Unclosed, or too long to be a marker: nothing between start
             * and k opens another, so go on from k. */
            pos = k;
            continue;
        }
        if (answer[k] == '[') {
            pos = k; /* nested: the inner bracket may be a marker */
            continue;
        }
        const char *content = answer + start + 1;
        size_t content_len = k - start - 1;
        m.quoted = answer + quoted_from;
        m.quoted_len = start - quoted_from;
        pos = k + 1;
        if (parse_source_marker(&m, content, content_len, arena) ||
            parse_number_marker(&m, content, content_len, arena)) {
            markers++;
            quoted_from = pos;
        }
    }
    return 0;
}

char *ud_citation_excerpt(ud_arena *arena, const char *text, size_t max_chars)
{
    size_t len = text ? strlen(text) : 0;
    /* At most 4 bytes a character, the ellipsis and the NUL. */
    char *out = ud_arena_alloc(arena, max_chars * 4 + 8);
    size_t n = 0, chars = 0;
    size_t last_space = 0; /* output length at the last space, 0 if none */
    bool pending_space = false, line_start = true, more = false;
    size_t pos = 0;
    while (pos < len) {
        if (line_start) {
            /* A Markdown heading's marks are not part of its text. */
            size_t k = pos;
            while (k < len && (text[k] == ' ' || text[k] == '\t'))
                k++;
            size_t hashes = k;
            while (hashes < len && text[hashes] == '#')
                hashes++;
            if (hashes > k && hashes - k <= 6 && (hashes == len || text[hashes] == ' ')) {
                pos = hashes;
                pending_space = n > 0;
            }
            line_start = false;
            continue;
        }
        int32_t cp;
        size_t step = ud_utf8_decode(text + pos, len - pos, &cp);
        if (cp == '\n')
            line_start = true;
        if (is_space_cp(cp) || is_control_cp(cp)) {
            pending_space = n > 0;
            pos += step;
            continue;
        }
        if (chars == max_chars) {
            more = true;
            break;
        }
        if (pending_space) {
            last_space = n;
            out[n++] = ' ';
            chars++;
            pending_space = false;
            if (chars == max_chars) {
                more = true;
                break;
            }
        }
        if (cp == 0xFFFD && step == 1) {
            memcpy(out + n, REPLACEMENT, 3);
            n += 3;
        } else {
            memcpy(out + n, text + pos, step);
            n += step;
        }
        chars++;
        pos += step;
    }
    if (more) {
        /* Back to the last word boundary, unless that loses most of it. */
        if (last_space > n / 2)
            n = last_space;
        while (n && out[n - 1] == ' ')
            n--;
        memcpy(out + n, "\xE2\x80\xA6", 3); /* … */
        n += 3;
    }
    out[n] = '\0';
    return out;
}
