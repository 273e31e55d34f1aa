/*
 * Fuzz target: the segment reader (src/index/segment.c). The input is a
 * segment file; when it opens, everything it offers is read and searched
 * (ud_fuzz_walk_segment). A damaged file must give UD_ECORRUPT, never a
 * crash. The content checksum is put right before the file is written,
 * when the input is long enough to have a header, so that mutations of the
 * content reach the readers instead of stopping at ud_segment_verify.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "fuzz.h"
#include "index/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    if (size >= sizeof(ud_seg_header)) {
        uint64_t sum =
            ud_fnv1a64(copy + sizeof(ud_seg_header), size - sizeof(ud_seg_header), UD_FNV64_INIT);
        memcpy(copy + offsetof(ud_seg_header, checksum), &sum, sizeof(sum));
    }
    char path[4200];
    ud_fuzz_write(path, sizeof(path), "seg-000001.seg", copy, size);
    free(copy);
    ud_segment *segment = NULL;
    int rc = ud_segment_open(&segment, path);
    if (rc == 0) {
        ud_fuzz_walk_segment(segment, NULL);
        ud_segment_free(segment);
    } else {
        UD_FUZZ_ASSERT(rc == UD_ECORRUPT || rc == UD_EUNSUPPORTED || rc == UD_EIO);
    }
    ud_error_clear();
    return 0;
}
