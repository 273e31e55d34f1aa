/*
 * File helpers with caps: reading a file never takes more memory than the
 * caller allows, and writing a file is atomic (temp + fsync + rename).
 */
#ifndef UD_BASE_FS_H
#define UD_BASE_FS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Reads the whole file into a malloc'd, NUL-terminated buffer. UD_ELIMIT if
 * it is larger than `max` bytes, UD_ENOTFOUND / UD_EFORBIDDEN / UD_EIO with a
 * message naming the file otherwise. */
int ud_file_read(char **out, size_t *out_len, const char *path, size_t max) UD_MUST_CHECK;

/* Writes `data` to `path` atomically: a temp file beside it, fsync, rename,
 * fsync of the directory. */
int ud_file_write_atomic(const char *path, const void *data, size_t len) UD_MUST_CHECK;

/* mkdir -p with mode 0700 for new directories. */
int ud_mkdirs(const char *path) UD_MUST_CHECK;

bool ud_path_exists(const char *path);

#endif
