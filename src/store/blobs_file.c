/*
 * The file backend of the object store (blobs.h): a directory holding the
 * bucket layout. Writes are atomic (temp file, fsync, rename; base/fs.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/mem.h"
#include "store/blobs.h"

typedef struct file_blobs {
    ud_blobs base;
    char root[1024];
} file_blobs;

/* Keys are made by ud_blob_key: checked again here, since a key that could
 * name a path outside the root must never reach the file system. */
static int check_key(const char *key)
{
    if (!key || !key[0] || key[0] == '/' || strstr(key, "..") || strlen(key) > 1500)
        return ud_error_set(UD_EINVAL, "invalid object key");
    return 0;
}

static int path_of(char *out, size_t size, file_blobs *b, const char *key)
{
    int rc = check_key(key);
    if (rc < 0)
        return rc;
    int n = snprintf(out, size, "%s/%s", b->root, key);
    if (n < 0 || (size_t)n >= size)
        return ud_error_set(UD_ELIMIT, "object key too long");
    return 0;
}

static int file_put(ud_blobs *self, const char *key, const void *data, size_t len)
{
    char path[2600];
    int rc = path_of(path, sizeof(path), (file_blobs *)self, key);
    if (rc < 0)
        return rc;
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rc = ud_mkdirs(path);
    *slash = '/';
    if (rc < 0)
        return rc;
    return ud_file_write_atomic(path, data, len);
}

static int file_get(ud_blobs *self, const char *key, char **out, size_t *out_len, size_t max)
{
    char path[2600];
    int rc = path_of(path, sizeof(path), (file_blobs *)self, key);
    if (rc < 0)
        return rc;
    return ud_file_read(out, out_len, path, max);
}

/* Removes a file or a directory tree. */
static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : ud_error_set(UD_EIO, "cannot stat %s", path);
    if (!S_ISDIR(st.st_mode))
        return unlink(path) < 0 ? ud_error_set(UD_EIO, "cannot remove %s", path) : 0;
    DIR *dir = opendir(path);
    if (!dir)
        return ud_error_set(UD_EIO, "cannot open %s", path);
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char child[4096];
        if (snprintf(child, sizeof(child), "%s/%s", path, e->d_name) >= (int)sizeof(child))
            rc = ud_error_set(UD_ELIMIT, "path too long");
        else
            rc = remove_tree(child);
    }
    closedir(dir);
    if (rc == 0 && rmdir(path) < 0)
        rc = ud_error_set(UD_EIO, "cannot remove %s", path);
    return rc;
}

static int file_remove_prefix(ud_blobs *self, const char *prefix)
{
    char path[2600];
    int rc = path_of(path, sizeof(path), (file_blobs *)self, prefix);
    if (rc < 0)
        return rc;
    size_t n = strlen(path);
    while (n > 0 && path[n - 1] == '/')
        path[--n] = '\0';
    return remove_tree(path);
}

static void file_free(ud_blobs *self)
{
    free(self);
}

static const ud_blobs_ops FILE_OPS = {file_put, file_get, file_remove_prefix, file_free};

int ud_blobs_open(ud_blobs **out, const char *url)
{
    if (!url || strncmp(url, "file://", 7) != 0 || url[7] != '/')
        return ud_error_set(UD_EUNSUPPORTED,
                            "object store: unknown URL '%s' (the embedded one is file:///dir)",
                            url ? url : "");
    file_blobs *b = ud_calloc(1, sizeof(*b));
    b->base.ops = &FILE_OPS;
    snprintf(b->root, sizeof(b->root), "%s", url + 7);
    *out = &b->base;
    return 0;
}

static int append_encoded(char *out, size_t size, size_t *used, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
                     (*p == '.' && p != (const unsigned char *)text && p[-1] != '.');
        size_t need = plain ? 1 : 3;
        if (*used + need + 1 > size)
            return ud_error_set(UD_ELIMIT, "object key too long");
        if (plain) {
            out[(*used)++] = (char)*p;
        } else {
            out[(*used)++] = '%';
            out[(*used)++] = hex[*p >> 4];
            out[(*used)++] = hex[*p & 15];
        }
    }
    out[*used] = '\0';
    return 0;
}

int ud_blob_source_prefix(char *out, size_t size, const char *org_id, const char *source_id)
{
    size_t used = 0;
    int rc = 0;
    const char *parts[] = {"orgs/", org_id, "/sources/", source_id, "/"};
    for (size_t i = 0; i < 5 && rc == 0; i++) {
        if (i % 2 == 0) {
            size_t n = strlen(parts[i]);
            if (used + n + 1 > size)
                return ud_error_set(UD_ELIMIT, "object key too long");
            memcpy(out + used, parts[i], n + 1);
            used += n;
        } else {
            rc = append_encoded(out, size, &used, parts[i] ? parts[i] : "");
        }
    }
    return rc;
}

int ud_blob_key(char *out, size_t size, const char *org_id, const char *source_id,
                const char *file_id)
{
    int rc = ud_blob_source_prefix(out, size, org_id, source_id);
    if (rc < 0)
        return rc;
    size_t used = strlen(out);
    if (used + 5 > size)
        return ud_error_set(UD_ELIMIT, "object key too long");
    memcpy(out + used, "raw/", 5);
    used += 4;
    if (!file_id || !file_id[0])
        return ud_error_set(UD_EINVAL, "a raw file needs an id");
    return append_encoded(out, size, &used, file_id);
}
