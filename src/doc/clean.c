/*
 * Text cleaning between extraction and chunking (see clean.h for what is
 * done). Each step is a pass over the text, in this order: repair UTF-8,
 * drop control characters and normalise line ends, NFC with utf8proc, fold
 * whitespace.
 *
 * Memory: a document can be 16 MiB of text, so no pass makes a copy it
 * does not need. A pass that would change nothing (valid UTF-8, no
 * controls, pure ASCII for NFC) is skipped; the passes in between write
 * into malloc'd buffers sized exactly, each freed once the next pass has
 * read it; NFC runs piece by piece so that utf8proc's four bytes per code
 * point are spent on 64 KiB at a time. Only the result is in the arena:
 * at the peak the input, two temporaries and the result are alive.
 */
#include "doc/clean.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/mem.h"

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if the bytes
 * there are not one: overlong forms, surrogates and code points past
 * U+10FFFF are invalid. */
static size_t valid_sequence_length(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c < 0x80)
        return 1;
    size_t need;
    uint32_t min, cp;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need;
}

bool ud_utf8_valid(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t pos = 0;
    while (pos < len) {
        size_t n = valid_sequence_length(s + pos, len - pos);
        if (n == 0)
            return false;
        pos += n;
    }
    return true;
}

/* Bytes that are not part of a valid sequence: each becomes U+FFFD. */
static size_t invalid_bytes(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t bad = 0;
    for (size_t pos = 0; pos < len;) {
        size_t n = valid_sequence_length(s + pos, len - pos);
        if (n == 0) {
            bad++;
            n = 1;
        }
        pos += n;
    }
    return bad;
}

/* Writes text with each invalid byte replaced into dst (room for len + 2
 * bytes per invalid one); returns the length written. */
static size_t repair_into(char *dst, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t at = 0;
    for (size_t pos = 0; pos < len;) {
        size_t n = valid_sequence_length(s + pos, len - pos);
        if (n == 0) {
            memcpy(dst + at, "\xEF\xBF\xBD", 3);
            at += 3;
            pos++;
            continue;
        }
        memcpy(dst + at, text + pos, n);
        at += n;
        pos += n;
    }
    return at;
}

int ud_utf8_repair(char **out, size_t *out_len, ud_arena *arena, const char *text, size_t len)
{
    char *result = ud_arena_alloc(arena, len + invalid_bytes(text, len) * 2 + 1);
    size_t at = repair_into(result, text, len);
    result[at] = '\0';
    *out = result;
    *out_len = at;
    return 0;
}

/* Whether strip_controls would change text, and the form feeds in it
 * (each one grows the text by a byte). */
static bool has_controls(size_t *out_form_feeds, const char *text, size_t len)
{
    bool any = false;
    size_t form_feeds = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
            any = true;
            form_feeds += c == '\f';
        }
    }
    *out_form_feeds = form_feeds;
    return any;
}

/* CR LF and lone CR become LF, form feeds (PDF page breaks) a blank line,
 * other C0 controls and DEL go; tabs stay for the folding pass. */
static size_t strip_controls(char *dst, const char *src, size_t len)
{
    size_t at = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '\r') {
            dst[at++] = '\n';
            if (i + 1 < len && src[i + 1] == '\n')
                i++;
        } else if (c == '\f') {
            dst[at++] = '\n';
            dst[at++] = '\n';
        } else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7F)) {
            dst[at++] = (char)c;
        }
    }
    return at;
}

static bool is_fold_space(const char *s, size_t left, size_t *out_bytes)
{
    if (s[0] == ' ' || s[0] == '\t') {
        *out_bytes = 1;
        return true;
    }
    /* U+00A0 no-break space and U+202F narrow no-break space. */
    if (left >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
        *out_bytes = 2;
        return true;
    }
    if (left >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        (unsigned char)s[2] == 0xAF) {
        *out_bytes = 3;
        return true;
    }
    return false;
}

/* Leading indentation (kept, so nested lists and code survive) is capped at
 * this many spaces; tabs count as four. */
#define MAX_INDENT 16

static size_t fold_whitespace(char *dst, const char *src, size_t len)
{
    size_t at = 0;
    size_t newlines = 0; /* consecutive newlines just written */
    size_t pos = 0;
    bool wrote_any = false; /* leading blank lines are dropped */
    while (pos < len) {
        /* One line: src[pos .. line_end). */
        const char *nl = memchr(src + pos, '\n', len - pos);
        size_t line_end = nl ? (size_t)(nl - src) : len;
        size_t indent = 0;
        size_t p = pos;
        size_t n;
        while (p < line_end && is_fold_space(src + p, line_end - p, &n)) {
            indent += src[p] == '\t' ? 4 : 1;
            p += n;
        }
        if (p < line_end) {
            if (indent > MAX_INDENT)
                indent = MAX_INDENT;
            memset(dst + at, ' ', indent);
            at += indent;
            bool pending_space = false;
            while (p < line_end) {
                if (is_fold_space(src + p, line_end - p, &n)) {
                    pending_space = true;
                    p += n;
                    continue;
                }
                if (pending_space)
                    dst[at++] = ' ';
                pending_space = false;
                dst[at++] = src[p++];
            }
            wrote_any = true;
            newlines = 0;
        }
        if (nl && wrote_any && newlines < 2) {
            dst[at++] = '\n';
            newlines++;
        }
        pos = line_end + 1;
    }
    while (at > 0 && dst[at - 1] == '\n')
        at--;
    return at;
}

/* NFC is computed on pieces of about this many bytes. */
#define NFC_PIECE_BYTES (64 * 1024)

/* Whether NFC may cut text just before s[0]: nothing before an ASCII
 * character or a CJK ideograph (U+4000..U+9FFF) composes with it or
 * reorders across it, so NFC(a b) = NFC(a) NFC(b) there. */
static bool nfc_boundary(unsigned char c)
{
    return c < 0x80 || (c >= 0xE4 && c <= 0xE9);
}

static bool all_ascii(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80)
            return false;
    return true;
}

/* NFC of valid UTF-8 into a malloc'd buffer, piece by piece. */
static int nfc_pieces(char **out, size_t *out_len, const char *text, size_t len)
{
    size_t cap = len + len / 16 + 64, at = 0;
    char *result = ud_malloc(cap);
    for (size_t pos = 0; pos < len;) {
        size_t end = pos + NFC_PIECE_BYTES < len ? pos + NFC_PIECE_BYTES : len;
        while (end < len && !nfc_boundary((unsigned char)text[end]))
            end++;
        utf8proc_uint8_t *nfc = NULL;
        utf8proc_ssize_t n =
            utf8proc_map((const utf8proc_uint8_t *)text + pos, (utf8proc_ssize_t)(end - pos), &nfc,
                         UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        if (n < 0) {
            free(result);
            return ud_error_set(UD_ECORRUPT, "text normalisation failed: %s", utf8proc_errmsg(n));
        }
        if (at + (size_t)n + 1 > cap) {
            while (at + (size_t)n + 1 > cap)
                cap += cap / 2;
            result = ud_realloc(result, cap);
        }
        memcpy(result + at, nfc, (size_t)n);
        at += (size_t)n;
        free(nfc);
        pos = end;
    }
    *out = result;
    *out_len = at;
    return 0;
}

int ud_clean_text(char **out, size_t *out_len, ud_arena *arena, const char *text, size_t len)
{
    /* `cur` is the latest pass's text; `owned` is it when it is ours. */
    const char *cur = text;
    size_t cur_len = len;
    char *owned = NULL;

    size_t bad = invalid_bytes(cur, cur_len);
    if (bad > 0) {
        char *repaired = ud_malloc(cur_len + bad * 2 + 1);
        cur_len = repair_into(repaired, cur, cur_len);
        cur = owned = repaired;
    }

    size_t form_feeds = 0;
    if (has_controls(&form_feeds, cur, cur_len)) {
        char *plain = ud_malloc(cur_len + form_feeds + 1);
        cur_len = strip_controls(plain, cur, cur_len);
        free(owned);
        cur = owned = plain;
    }

    if (!all_ascii(cur, cur_len)) {
        char *nfc = NULL;
        size_t nfc_len = 0;
        int rc = nfc_pieces(&nfc, &nfc_len, cur, cur_len);
        if (rc < 0) {
            free(owned);
            return rc;
        }
        free(owned);
        cur = owned = nfc;
        cur_len = nfc_len;
    }

    /* A tab of indentation becomes up to four spaces; nothing else grows. */
    size_t tabs = 0;
    for (size_t i = 0; i < cur_len; i++)
        tabs += cur[i] == '\t';
    char *folded = ud_arena_alloc(arena, cur_len + tabs * 3 + 1);
    size_t folded_len = fold_whitespace(folded, cur, cur_len);
    folded[folded_len] = '\0';
    free(owned);
    *out = folded;
    *out_len = folded_len;
    return 0;
}
