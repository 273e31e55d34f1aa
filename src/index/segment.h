/*
 * Reading a segment file (format: segment_format.h): it is memory-mapped,
 * its header and section bounds are checked when it is opened, and every
 * varint is decoded within its section, so a damaged file gives UD_ECORRUPT
 * instead of a crash. A segment is immutable and may be read by many
 * threads at once; each thread uses its own postings cursors.
 */
#ifndef UD_INDEX_SEGMENT_H
#define UD_INDEX_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/str.h"
#include "index/hnsw.h"
#include "index/segment_format.h"

#define UD_DOC_END UINT32_MAX

typedef struct ud_segment ud_segment;

/* Maps the segment file at path and checks it: magic, version, the
 * header's checksum (version 5 on), every section's bounds, and the whole
 * content's checksum when the file is at most UD_SEG_VERIFY_AT_OPEN bytes.
 * UD_ECORRUPT naming the file and what is wrong, UD_EIO when it cannot be
 * read. The fuzz target of the segment reader calls this on a file it
 * writes, then reads everything the handle offers. The handle holds one
 * reference. */
int ud_segment_open(ud_segment **out, const char *path) UD_MUST_CHECK;
/* Another reference: snapshots share the segments they have in common. */
void ud_segment_retain(ud_segment *segment);
/* Drops a reference; the last one unmaps the file. NULL does nothing. */
void ud_segment_free(ud_segment *segment);
/* Recomputes the checksum of the whole content (slow for a large segment:
 * reads every byte). UD_ECORRUPT naming the file on a mismatch. */
int ud_segment_verify(const ud_segment *segment) UD_MUST_CHECK;
/* Whether the header has a checksum of its own (version 5 on). */
bool ud_segment_header_checked(const ud_segment *segment);
/* Whether path names the file the segment was opened from (the same
 * inode): a snapshot reuses the segments of the previous one only then,
 * so a directory removed and rebuilt, whose seg-000001.seg is another
 * file, is read anew. */
bool ud_segment_is_file(const ud_segment *segment, const char *path);
/* The path the segment was opened from (borrowed). */
const char *ud_segment_path(const ud_segment *segment);

const ud_seg_header *ud_segment_header(const ud_segment *segment);
/* Length of the segment's vectors (0: none), and a chunk's vector or NULL. */
uint32_t ud_segment_vector_dims(const ud_segment *segment);
const float *ud_segment_vector(const ud_segment *segment, uint32_t doc);
/* The bitmap of the chunks that have a vector (doc_count bits), or NULL
 * when the segment has no vectors. */
const uint8_t *ud_segment_vector_bits(const ud_segment *segment);
/* All vectors (doc_count x dims, zeros where none) and the HNSW graph over
 * them, or NULL when the segment is too small to have one. */
const float *ud_segment_vectors(const ud_segment *segment);
/* The int8 records of every doc (quant.h), or NULL when the segment stores
 * float32 only. */
const uint8_t *ud_segment_vectors_i8(const ud_segment *segment);
/* Copies a chunk's float32 vector into out (dims floats) with pread(2)
 * rather than through the mapping; returns 1, or 0 when the chunk has no
 * vector. Query paths that look at a few float32 vectors of an int8
 * segment (rescoring) read them so: a page fault on the mapping would map
 * the pages around it too, and over many queries the whole float32
 * section, four times the int8 one, would become resident. */
int ud_segment_read_vector(const ud_segment *segment, uint32_t doc, float *out);
const ud_hnsw *ud_segment_graph(const ud_segment *segment);
const ud_seg_doc *ud_segment_doc(const ud_segment *segment, uint32_t doc);

/* The term's entry, or NULL when the segment does not have it. */
const ud_seg_term *ud_segment_term(const ud_segment *segment, const char *term, size_t len);

/* The dictionary entries whose bytes start with prefix: indexes
 * [*out_first, *out_end) of the sorted term table (empty when none). */
void ud_segment_term_range(size_t *out_first, size_t *out_end, const ud_segment *segment,
                           const char *prefix, size_t len);
/* Entry i of the term table and its bytes (borrowed, not NUL-terminated),
 * or NULL when i is out of range or the entry is damaged. */
const ud_seg_term *ud_segment_term_at(const ud_segment *segment, size_t i, const char **out_text,
                                      size_t *out_len);

/* A chunk's stored fields, copied into the arena. */
typedef struct ud_stored_doc {
    const char *doc_id;
    uint32_t chunk_index;
    const char *title;
    const char *text;
    const char *source_type;
    const char *url;
    const char *path;
    const char *heading_path;
    const char *author;
    const char **acl;
    size_t acl_count;
    int64_t updated_at;
} ud_stored_doc;

int ud_segment_stored(ud_stored_doc *out, const ud_segment *segment, ud_arena *arena,
                      uint32_t doc) UD_MUST_CHECK;

/* A chunk's source type (in the arena): cheaper than ud_segment_stored when
 * a rerank needs only that field. Both read the chunk's record with
 * pread(2), not through the mapping, for the reason ud_segment_read_vector
 * gives. */
int ud_segment_source_type(ud_str *out, const ud_segment *segment, ud_arena *arena,
                           uint32_t doc) UD_MUST_CHECK;

/* The segment's chunks of one document: up to max doc numbers into out.
 * Returns how many there are (may exceed max), or a negative code. */
int ud_segment_find_document(const ud_segment *segment, const char *doc_id, uint32_t *out,
                             size_t max);

/* A cursor over one term's postings. `doc` is the current document, or
 * UD_DOC_END past the last one. */
typedef struct ud_postings {
    const ud_segment *segment;
    const ud_seg_block *blocks;
    uint32_t block_count;
    uint32_t block; /* current block index */
    uint32_t docs[UD_SEG_BLOCK_SIZE];
    uint16_t tf_text[UD_SEG_BLOCK_SIZE];
    uint16_t tf_title[UD_SEG_BLOCK_SIZE];
    uint32_t count; /* postings decoded in the current block */
    uint32_t index; /* position in it */
    /* The (tf_text, tf_title) pairs are decoded only as far as a scored
     * posting needs them: a conjunction tests most blocks for one
     * candidate and moves on. */
    const uint8_t *pairs;   /* the next pair not yet decoded */
    uint32_t pairs_decoded; /* pairs decoded in the current block */
    /* Positions are read with pread(2) through a small window, not through
     * the mapping, for the reason given at ud_segment_read_vector: a phrase
     * check reads a few scattered postings, and faults on the mapping would
     * make the whole positions section resident over some thousand
     * queries. */
    bool positions_found;     /* the block's positions have been located */
    uint32_t positions_index; /* posting whose positions the window reads next */
    uint64_t window_next;     /* offset in the postings section of window[window_len] */
    uint32_t window_at, window_len;
    uint8_t window[512];
    bool decoded;
    bool corrupt;
    uint32_t doc;
} ud_postings;

void ud_postings_init(ud_postings *p, const ud_segment *segment, const ud_seg_term *term);
/* Moves to the next posting. */
void ud_postings_next(ud_postings *p);
/* Moves to the first posting with doc >= target. */
void ud_postings_advance(ud_postings *p, uint32_t target);
/* Decodes block `block` (an index below block_count) and puts the cursor
 * on its first posting: its documents are then docs[0..count). False if
 * the data is damaged (which also ends the cursor). */
bool ud_postings_read_block(ud_postings *p, uint32_t block);
/* The block that would hold target, without decoding it (block-max WAND's
 * shallow advance). NULL when target is past the last posting. */
const ud_seg_block *ud_postings_block_for(ud_postings *p, uint32_t target);
/* The current posting's term frequencies (0 if the data is damaged, which
 * also ends the cursor). */
uint32_t ud_postings_tf_text(ud_postings *p);
uint32_t ud_postings_tf_title(ud_postings *p);
/* The current posting's positions (sorted) into out; returns how many
 * there are (may exceed max), or -1 if the data is damaged. */
int ud_postings_positions(ud_postings *p, uint32_t *out, size_t max);

#endif
