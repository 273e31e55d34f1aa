/*
 * Folder walking for `unify ingest` (see folder.h). Loops are detected by
 * the (device, inode) of every folder on the current path from the root.
 */
#include "connectors/folder.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "doc/extract/extract.h"

#define MAX_DEPTH 64

typedef struct walk_state {
    const ud_folder_visitor *visitor;
    dev_t devs[MAX_DEPTH];
    ino_t inos[MAX_DEPTH];
    int depth;
} walk_state;

static void report(walk_state *st, const char *path, const char *reason)
{
    if (st->visitor->on_error)
        st->visitor->on_error(path, reason, st->visitor->payload);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(walk_state *st, const char *path, int is_root);

static int walk_dir(walk_state *st, const char *path, const struct stat *dir_st)
{
    for (int i = 0; i < st->depth; i++) {
        if (st->devs[i] == dir_st->st_dev && st->inos[i] == dir_st->st_ino) {
            report(st, path, "symbolic link loop: leads back into a folder being walked");
            return 0;
        }
    }
    if (st->depth == MAX_DEPTH) {
        report(st, path, "folders nested too deeply (limit 64)");
        return 0;
    }
    DIR *dir = opendir(path);
    if (!dir) {
        char reason[256];
        snprintf(reason, sizeof(reason), "cannot open folder: %s", strerror(errno));
        report(st, path, reason);
        return 0;
    }
    /* Read all names first so entries are visited in a stable order. */
    char **names = NULL;
    size_t count = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(dir)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            names = ud_realloc(names, cap * sizeof(*names));
        }
        names[count++] = ud_strdup(ent->d_name);
    }
    closedir(dir);
    if (count > 1) /* an empty folder leaves names NULL: qsort(NULL, 0) is undefined */
        qsort(names, count, sizeof(*names), compare_names);

    st->devs[st->depth] = dir_st->st_dev;
    st->inos[st->depth] = dir_st->st_ino;
    st->depth++;
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        if (rc == 0) {
            size_t n = strlen(path) + strlen(names[i]) + 2;
            char *child = ud_malloc(n);
            snprintf(child, n, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", names[i]);
            rc = walk(st, child, 0);
            free(child);
        }
        free(names[i]);
    }
    free(names);
    st->depth--;
    return rc;
}

static int walk(walk_state *st, const char *path, int is_root)
{
    struct stat s;
    if (stat(path, &s) < 0) {
        int err = errno;
        struct stat ls;
        if (err == ELOOP)
            report(st, path, "symbolic link loop");
        else if (err == ENOENT && lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode))
            report(st, path, "broken symbolic link");
        else {
            char reason[256];
            snprintf(reason, sizeof(reason), "%s", strerror(err));
            report(st, path, reason);
        }
        return 0;
    }
    int claimed =
        S_ISDIR(s.st_mode) || (S_ISREG(s.st_mode) && ud_format_from_path(path) == UD_FORMAT_UNKNOWN)
            ? (st->visitor->claim
                   ? st->visitor->claim(path, S_ISDIR(s.st_mode), st->visitor->payload)
                   : 0)
            : 0;
    if (claimed != 0)
        return claimed < 0 ? claimed : 0;
    if (S_ISDIR(s.st_mode))
        return walk_dir(st, path, &s);
    if (!S_ISREG(s.st_mode)) {
        if (is_root)
            report(st, path, "not a regular file or folder");
        return 0;
    }
    if (ud_format_from_path(path) == UD_FORMAT_UNKNOWN) {
        if (is_root)
            report(st, path,
                   "unsupported file type (supported: .txt .md .html .htm .pdf "
                   ".docx .eml .json)");
        return 0;
    }
    return st->visitor->on_file(path, st->visitor->payload);
}

int ud_folder_walk(const char *root, const ud_folder_visitor *visitor)
{
    walk_state st;
    memset(&st, 0, sizeof(st));
    st.visitor = visitor;
    return walk(&st, root, 1);
}
