/*
 * Strings: a borrowed slice (ud_str) passed by value, and an owned growable
 * buffer (ud_buf) that always carries a maximum size, so input can never
 * grow it without bound. Parsers advance a slice instead of copying.
 */
#ifndef UD_BASE_STR_H
#define UD_BASE_STR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

typedef struct ud_str {
    const char *ptr;
    size_t len;
} ud_str;

#define UD_STR(lit) ((ud_str){(lit), sizeof(lit) - 1})

ud_str ud_str_from(const char *cstr); /* NULL gives the empty slice */
bool ud_str_eq(ud_str a, ud_str b);
bool ud_str_eq_cstr(ud_str a, const char *b);
bool ud_str_starts_with(ud_str s, const char *prefix);
bool ud_str_ends_with_ci(ud_str s, const char *suffix); /* ASCII case-insensitive */
ud_str ud_str_trim(ud_str s);                           /* ASCII whitespace */

/* Owned, NUL-terminated, growable; appends past `max` fail with UD_ELIMIT and
 * leave the buffer as it was. */
typedef struct ud_buf {
    char *ptr;
    size_t len;
    size_t cap;
    size_t max;
} ud_buf;

void ud_buf_init(ud_buf *buf, size_t max);
void ud_buf_dispose(ud_buf *buf);
void ud_buf_reset(ud_buf *buf);
int ud_buf_append(ud_buf *buf, const void *data, size_t len) UD_MUST_CHECK;
int ud_buf_puts(ud_buf *buf, const char *s) UD_MUST_CHECK;
int ud_buf_putc(ud_buf *buf, char c) UD_MUST_CHECK;
int ud_buf_printf(ud_buf *buf, const char *fmt, ...) UD_PRINTF(2, 3) UD_MUST_CHECK;
int ud_buf_vprintf(ud_buf *buf, const char *fmt, va_list ap) UD_MUST_CHECK;
/* Hands the malloc'd string to the caller (free() it) and empties the buffer. */
char *ud_buf_take(ud_buf *buf);
/* The contents as a slice (borrowed). */
ud_str ud_buf_str(const ud_buf *buf);

#endif
