/*
 * Shared pieces of the extractors (see extract_util.h).
 */
#include "doc/extract/extract_util.h"

#include <string.h>

#include "base/clock.h"

void ud_text_out_init(ud_text_out *t, const char *name, const ud_extract_limits *limits)
{
    ud_buf_init(&t->buf, limits->max_text_bytes);
    t->name = name ? name : "input";
    t->max_bytes = limits->max_text_bytes;
    t->failed = 0;
}

void ud_text_out_dispose(ud_text_out *t)
{
    ud_buf_dispose(&t->buf);
}

void ud_text_out_append(ud_text_out *t, const char *text, size_t len)
{
    if (t->failed || len == 0)
        return;
    if (ud_buf_append(&t->buf, text, len) < 0)
        t->failed = ud_error_set(UD_ELIMIT, "extracted text is larger than the %zu MiB limit",
                                 t->max_bytes >> 20);
}

void ud_text_out_puts(ud_text_out *t, const char *text)
{
    ud_text_out_append(t, text, strlen(text));
}

void ud_text_out_break(ud_text_out *t, int n)
{
    if (t->buf.len == 0)
        return;
    int have = 0;
    while (have < n && (size_t)have < t->buf.len && t->buf.ptr[t->buf.len - 1 - have] == '\n')
        have++;
    /* Drop trailing spaces before a line break. */
    if (have == 0)
        while (t->buf.len > 0 && t->buf.ptr[t->buf.len - 1] == ' ')
            t->buf.ptr[--t->buf.len] = '\0';
    for (; have < n; have++)
        ud_text_out_append(t, "\n", 1);
}

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

void ud_text_out_inline(ud_text_out *t, const char *text, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        if (is_ws(text[pos])) {
            while (pos < len && is_ws(text[pos]))
                pos++;
            if (t->buf.len > 0 && !is_ws(t->buf.ptr[t->buf.len - 1]))
                ud_text_out_append(t, " ", 1);
            continue;
        }
        size_t start = pos;
        while (pos < len && !is_ws(text[pos]))
            pos++;
        ud_text_out_append(t, text + start, pos - start);
    }
}

int ud_text_out_finish(ud_extracted *out, ud_arena *arena, ud_text_out *t)
{
    if (t->failed)
        return t->failed;
    out->text = ud_arena_strndup(arena, t->buf.ptr ? t->buf.ptr : "", t->buf.len);
    out->text_len = t->buf.len;
    return 0;
}

const char *ud_first_line(ud_arena *arena, const char *text, size_t len, size_t max_len)
{
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t s = pos, e = end;
        while (s < e && is_ws(text[s]))
            s++;
        while (e > s && is_ws(text[e - 1]))
            e--;
        if (e > s) {
            if (e - s > max_len) {
                e = s + max_len;
                while (e > s && ((unsigned char)text[e] & 0xC0) == 0x80)
                    e--;
            }
            return ud_arena_strndup(arena, text + s, e - s);
        }
        pos = end + 1;
    }
    return NULL;
}

int64_t ud_parse_date_or_zero(const char *text)
{
    return ud_date_from_document(text, ud_now());
}
