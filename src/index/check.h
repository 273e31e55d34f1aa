/*
 * Verifying a collection on disk (`unify check`): the manifest (its
 * checksum, its fields), every segment it names (header checksum, section
 * bounds, the checksum of the whole content, which opening a large
 * segment does not compute; see segment_format.h) and every deletion file,
 * and the live chunks and documents it holds, for comparison with the
 * metadata store. Reads every byte of every segment: as slow as the disk.
 */
#ifndef UD_INDEX_CHECK_H
#define UD_INDEX_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct ud_index_check {
    bool exists;   /* the directory has a manifest */
    bool readable; /* the manifest could be read and parsed */
    uint64_t generation;
    int64_t store_generation;
    size_t segments;
    uint64_t live_chunks;    /* over the segments that could be read */
    uint64_t live_documents; /* distinct doc ids among them */
    size_t problems;         /* damage found: each reported */
    size_t notes;            /* no damage, but worth saying (old formats) */
} ud_index_check;

/* Called for each finding: a problem (damage: the index is not healthy)
 * or a note; message names the file. */
typedef void (*ud_index_check_fn)(bool problem, const char *message, void *payload);

/* Checks the collection in dir, reporting each finding to fn, and fills
 * out. Damage is a finding, not an error: the check goes on past it to
 * the other files. Returns an error only when dir's path is too long. */
int ud_index_check_dir(ud_index_check *out, const char *dir, ud_index_check_fn fn,
                       void *payload) UD_MUST_CHECK;

#endif
