/*
 * Capped reads and atomic writes (see fs.h).
 */
#include "base/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"

static int errno_code(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR: return UD_ENOTFOUND;
    case EACCES:
    case EPERM: return UD_EFORBIDDEN;
    case ELOOP: return UD_EINVAL;
    default: return UD_EIO;
    }
}

int ud_file_read(char **out, size_t *out_len, const char *path, size_t max)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ud_error_set(errno_code(errno), "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int err = errno;
        close(fd);
        return ud_error_set(UD_EIO, "%s: %s", path, strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return ud_error_set(UD_EINVAL, "%s: not a regular file", path);
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        return ud_error_set(UD_ELIMIT, "%s: %lld bytes is over the %zu-byte limit", path,
                            (long long)st.st_size, max);
    }
    size_t cap = (size_t)st.st_size;
    char *data = ud_malloc(cap + 1);
    size_t len = 0;
    for (;;) {
        if (len == cap) {
            /* All the bytes fstat promised are in: one byte more tells
             * whether the file grew while we read it (then it may grow up
             * to the cap), without doubling the buffer of every file just
             * to see the end. */
            char probe;
            ssize_t extra = read(fd, &probe, 1);
            if (extra < 0) {
                if (errno == EINTR)
                    continue;
                int err = errno;
                free(data);
                close(fd);
                return ud_error_set(errno_code(err), "%s: %s", path, strerror(err));
            }
            if (extra == 0)
                break;
            if (cap >= max) {
                free(data);
                close(fd);
                return ud_error_set(UD_ELIMIT, "%s: over the %zu-byte limit", path, max);
            }
            cap = cap * 2 + 4096 > max ? max : cap * 2 + 4096;
            data = ud_realloc(data, cap + 1);
            data[len++] = probe;
            continue;
        }
        ssize_t n = read(fd, data + len, cap - len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int err = errno;
            free(data);
            close(fd);
            return ud_error_set(errno_code(err), "%s: %s", path, strerror(err));
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    data[len] = '\0';
    *out = data;
    *out_len = len;
    return 0;
}

int ud_file_write_atomic(const char *path, const void *data, size_t len)
{
    size_t plen = strlen(path);
    char *tmp = ud_malloc(plen + 16);
    snprintf(tmp, plen + 16, "%s.tmp%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return ud_error_set(errno_code(err), "%s: %s", path, strerror(err));
    }
    const char *p = data;
    size_t left = len;
    while (left) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int err = errno;
            close(fd);
            unlink(tmp);
            free(tmp);
            return ud_error_set(UD_EIO, "%s: %s", path, strerror(err));
        }
        p += n;
        left -= (size_t)n;
    }
    if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
        int err = errno;
        unlink(tmp);
        free(tmp);
        return ud_error_set(UD_EIO, "%s: %s", path, strerror(err));
    }
    free(tmp);
    /* The rename is durable only once the directory entry is on disk. */
    char *dir_copy = ud_strdup(path);
    int dfd = open(dirname(dir_copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(dir_copy);
    return 0;
}

int ud_mkdirs(const char *path)
{
    char *copy = ud_strdup(path);
    int rc = 0;
    for (char *p = copy + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
                rc = ud_error_set(errno_code(errno), "%s: %s", copy, strerror(errno));
                break;
            }
            *p = saved;
            if (saved == '\0')
                break;
        }
    }
    free(copy);
    return rc;
}

bool ud_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}
