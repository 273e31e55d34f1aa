/*
 * Slices and bounded buffers (see str.h).
 */
#include "base/str.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"

ud_str ud_str_from(const char *cstr)
{
    ud_str s = {cstr ? cstr : "", cstr ? strlen(cstr) : 0};
    return s;
}

bool ud_str_eq(ud_str a, ud_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

bool ud_str_eq_cstr(ud_str a, const char *b)
{
    return ud_str_eq(a, ud_str_from(b));
}

bool ud_str_starts_with(ud_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.ptr, prefix, n) == 0;
}

bool ud_str_ends_with_ci(ud_str s, const char *suffix)
{
    size_t n = strlen(suffix);
    return s.len >= n && strncasecmp(s.ptr + s.len - n, suffix, n) == 0;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

ud_str ud_str_trim(ud_str s)
{
    while (s.len && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}

void ud_buf_init(ud_buf *buf, size_t max)
{
    buf->ptr = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->max = max;
}

void ud_buf_dispose(ud_buf *buf)
{
    free(buf->ptr);
    buf->ptr = NULL;
    buf->len = buf->cap = 0;
}

void ud_buf_reset(ud_buf *buf)
{
    buf->len = 0;
    if (buf->ptr)
        buf->ptr[0] = '\0';
}

static int reserve(ud_buf *buf, size_t extra)
{
    if (extra > buf->max || buf->len > buf->max - extra)
        return ud_error_set(UD_ELIMIT, "buffer limit of %zu bytes reached", buf->max);
    size_t need = buf->len + extra + 1;
    if (need <= buf->cap)
        return 0;
    size_t cap = buf->cap ? buf->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    buf->ptr = ud_realloc(buf->ptr, cap);
    buf->cap = cap;
    return 0;
}

int ud_buf_append(ud_buf *buf, const void *data, size_t len)
{
    int rc = reserve(buf, len);
    if (rc < 0)
        return rc;
    if (len)
        memcpy(buf->ptr + buf->len, data, len);
    buf->len += len;
    buf->ptr[buf->len] = '\0';
    return 0;
}

int ud_buf_puts(ud_buf *buf, const char *s)
{
    return ud_buf_append(buf, s, strlen(s));
}

int ud_buf_putc(ud_buf *buf, char c)
{
    return ud_buf_append(buf, &c, 1);
}

int ud_buf_vprintf(ud_buf *buf, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return ud_error_set(UD_EINVAL, "bad format string");
    int rc = reserve(buf, (size_t)n);
    if (rc < 0)
        return rc;
    vsnprintf(buf->ptr + buf->len, (size_t)n + 1, fmt, ap);
    buf->len += (size_t)n;
    return 0;
}

int ud_buf_printf(ud_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = ud_buf_vprintf(buf, fmt, ap);
    va_end(ap);
    return rc;
}

char *ud_buf_take(ud_buf *buf)
{
    char *p = buf->ptr ? buf->ptr : ud_strdup("");
    buf->ptr = NULL;
    buf->len = buf->cap = 0;
    return p;
}

ud_str ud_buf_str(const ud_buf *buf)
{
    ud_str s = {buf->ptr ? buf->ptr : "", buf->len};
    return s;
}
