/*
 * The two small files of a collection besides its segments (collection.h):
 *
 *   MANIFEST        the last commit, as JSON: format, generation, next_id,
 *                   store_generation, embedding, and per segment its id,
 *                   the generation of its deletion file (0: none) and its
 *                   chunk count. From format 3 it ends with a line
 *                   "crc32c XXXXXXXX\n" holding the CRC-32C (crc32c.h) of
 *                   every byte before that line. Format 2, written before,
 *                   has no such line: it is still read (and reported by
 *                   `unify check`), and the next commit rewrites it.
 *   seg-N.G.del     a segment's deletion bitmap at generation G: "UDDEL001",
 *                   the chunk count (u32) and 4 zero bytes, the bitmap, then
 *                   FNV-1a 64 of the bitmap.
 *
 * The parsers take a buffer (and the file's name, for their messages), so
 * the fuzz targets of the manifest and deletion readers call them as they
 * are; collection.c reads the files and calls them.
 */
#ifndef UD_INDEX_MANIFEST_H
#define UD_INDEX_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define UD_MANIFEST_FORMAT 3
/* A manifest larger than this, or naming more segments, is damaged: a
 * collection keeps about max_segments (8) of them. */
#define UD_MANIFEST_MAX_BYTES (16u << 20)
#define UD_MANIFEST_MAX_SEGMENTS 100000

typedef struct ud_manifest_entry {
    uint32_t id;
    uint32_t del_gen;   /* 0: no deletion file */
    uint32_t doc_count; /* chunks in the segment, deleted ones included */
} ud_manifest_entry;

typedef struct ud_manifest {
    uint64_t generation;
    uint32_t next_id; /* above every segment id */
    int64_t store_generation;
    char embedding[128];        /* "provider/model/dims", "" for none */
    ud_manifest_entry *entries; /* malloc'd */
    size_t count;
    bool checksummed; /* false for a format 2 manifest (no checksum line) */
} ud_manifest;

/* Parses a manifest's bytes. UD_ECORRUPT naming `name` and what is wrong
 * (checksum, JSON, a field out of range, a segment id not below next_id
 * or named twice); UD_EUNSUPPORTED for a format older than 2, which needs
 * a reindex; UD_EINVAL for a format newer than this program's. On success out owns its entries
 * (ud_manifest_dispose). */
int ud_manifest_parse(ud_manifest *out, const char *text, size_t len,
                      const char *name) UD_MUST_CHECK;
/* The file's bytes for m, checksum line included (malloc'd, NUL-ended). */
char *ud_manifest_encode(const ud_manifest *m, size_t *out_len);
void ud_manifest_dispose(ud_manifest *m);

/* Bytes of a bitmap of doc_count bits. */
size_t ud_deletions_bitmap_bytes(uint32_t doc_count);
/* Parses a deletion file for a segment of doc_count chunks into a
 * malloc'd bitmap. UD_ECORRUPT naming `name` if it is damaged or belongs
 * to a segment of another size. */
int ud_deletions_parse(uint8_t **out, const void *data, size_t len, uint32_t doc_count,
                       const char *name) UD_MUST_CHECK;
/* The file's bytes for a bitmap (malloc'd). */
uint8_t *ud_deletions_encode(const uint8_t *bits, uint32_t doc_count, size_t *out_len);

#endif
