/*
 * Building the path of an index file: every file name in src/index is made
 * by this one function, which refuses a path that would not fit its buffer
 * instead of silently cutting it (a cut path names another file: a data
 * directory 4,090 bytes long would turn ".../seg-000012.seg" into
 * ".../seg-0", and a writer could then replace the wrong file).
 */
#ifndef UD_INDEX_PATH_H
#define UD_INDEX_PATH_H

#include <stddef.h>

#include "base/error.h"

/* The longest path an index file may have, terminator included (Linux's
 * PATH_MAX): buffers of this size hold any path the kernel accepts. */
#define UD_INDEX_PATH_MAX 4096

/* Formats a path into out (size bytes). UD_ELIMIT, with a message naming
 * the start of the path, when it does not fit; out is then the empty
 * string, so a caller that ignored the code would open nothing. */
int ud_index_path(char *out, size_t size, const char *fmt, ...) UD_PRINTF(3, 4) UD_MUST_CHECK;

#endif
