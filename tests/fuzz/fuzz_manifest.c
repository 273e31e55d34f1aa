/*
 * Fuzz target: a collection as readers open it (src/index/collection.c):
 * the input holds the files of a collection folder (MANIFEST, segments,
 * deletion bitmaps) in the framing of ud_fuzz_split_files; the snapshot is
 * opened and every view walked and searched with its deletions. A damaged
 * collection must give an error, never a crash.
 */
#include <stdio.h>

#include "base/error.h"
#include "fuzz.h"
#include "index/collection.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ud_fuzz_split_files("collection", "MANIFEST", data, size);
    char dir[4200];
    snprintf(dir, sizeof(dir), "%s/collection", ud_fuzz_dir());
    ud_snapshot *snapshot = NULL;
    int rc = ud_snapshot_open(&snapshot, dir);
    if (rc == 0) {
        size_t count = 0;
        const ud_segment_view *views = ud_snapshot_views(snapshot, &count);
        for (size_t i = 0; i < count; i++)
            ud_fuzz_walk_segment(views[i].segment, views[i].deleted);
        static const char *const principals[] = {"org:*", "user:a@b.example"};
        ud_visible *visible = NULL;
        if (ud_snapshot_visible(&visible, snapshot, principals, 2) == 0)
            ud_visible_release(visible);
        (void)ud_snapshot_live_docs(snapshot);
        ud_snapshot_release(snapshot);
    } else {
        UD_FUZZ_ASSERT(rc < 0 && ud_error_last()[0] != '\0');
    }
    ud_error_clear();
    return 0;
}
