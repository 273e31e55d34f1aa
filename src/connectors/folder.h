/*
 * The folder connector: walks files and folders and lists the files of the
 * formats we extract. Symbolic links are followed, but a link that leads
 * back into a folder being walked (a loop), a dangling link and an
 * unreadable folder are reported and skipped, never followed forever.
 */
#ifndef UD_CONNECTORS_FOLDER_H
#define UD_CONNECTORS_FOLDER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

typedef struct ud_folder_visitor {
    /* A supported file (path as reached, realpath-free). */
    int (*on_file)(const char *path, void *payload);
    /* A path that could not be walked, with the reason. */
    void (*on_error)(const char *path, const char *reason, void *payload);
    /* Optional: offered every folder (before it is walked) and every file
     * of a format we do not extract. Returns 1 when it takes the path as a
     * whole (an export of a source: it is then not walked or reported), 0
     * to go on as usual, or a negative code that stops the walk. */
    int (*claim)(const char *path, bool is_dir, void *payload);
    void *payload;
} ud_folder_visitor;

/* Walks `root` (a file or a folder). Entries are visited in name order;
 * hidden entries (".name") are skipped. Files whose extension is not a
 * supported format are skipped silently inside folders; a root file of an
 * unsupported format is reported. A non-zero return of on_file stops the
 * walk and is returned. */
int ud_folder_walk(const char *root, const ud_folder_visitor *visitor) UD_MUST_CHECK;

#endif
