/*
 * Checked path formatting for the index (see path.h).
 */
#include "index/path.h"

#include <stdarg.h>
#include <stdio.h>

int ud_index_path(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < size)
        return 0;
    /* The message shows where the path starts: enough to tell which data
     * directory is too deep, without printing 4 KB. */
    int shown = n < 0 ? 0 : 60;
    int rc = ud_error_set(UD_ELIMIT, "path too long (%d bytes, at most %zu): %.*s...", n,
                          size ? size - 1 : 0, shown, out);
    if (size)
        out[0] = '\0';
    return rc;
}
