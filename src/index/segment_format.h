/*
 * The on-disk layout of a BM25 segment (one file, little-endian, written
 * once and never changed; see segment_writer.c and segment.c).
 *
 *   header        struct ud_seg_header, 144 bytes
 *   docs          doc_count x struct ud_seg_doc: field lengths, updated_at,
 *                 offset of the doc's stored fields
 *   stored        per doc, varint-length-prefixed strings: doc_id,
 *                 chunk_index (varint), title, text, source_type, url,
 *                 path, heading_path, author, acl_count (varint), principals
 *   terms         term_count x struct ud_seg_term, sorted by term bytes
 *   term_bytes    the terms' bytes, concatenated
 *   blocks        every term's postings blocks (struct ud_seg_block), each
 *                 term's blocks contiguous and in doc order
 *   postings      first the positions of every block: per posting a
 *                 position count and position deltas; then per block its
 *                 doc deltas, its (tf_text, tf_title) pairs and the offset
 *                 of its positions from the start of the section. All
 *                 varints. Ranking reads only the second part, so the
 *                 positions (over 40% of the bytes) stay out of the pages
 *                 it touches until a phrase needs them.
 *   keys          doc_count x struct ud_seg_key sorted by hash of doc_id,
 *                 to find a document's chunks when it is deleted
 *   vectors       when vector_dims > 0: a bitmap of the docs that have a
 *                 vector (padded to 8 bytes), then doc_count x vector_dims
 *                 float32 (zeros where there is none)
 *   int8 vectors  when vector_format is UD_SEG_VECTORS_I8: 8-byte aligned
 *                 after the float32 ones, doc_count int8 records of
 *                 UD_I8_RECORD(vector_dims) bytes (quant.h: a float32 scale,
 *                 then the codes zero-padded to a multiple of 16; all zeros
 *                 where there is no vector). The HNSW walk reads these; the
 *                 float32 vectors stay for rescoring its best candidates,
 *                 for the exact scan and for merges.
 *   graph         when the segment has at least UD_SEG_GRAPH_MIN_VECTORS
 *                 vectors: their HNSW graph (hnsw.h), 8-byte aligned
 *
 * Versions: 3 added vector_format (and with it the int8 section) in what
 * was a reserved, zero, header field; 4 moved the positions out of the
 * blocks' bytes (before, each block's positions followed its pairs, and a
 * block had no positions offset); 5 changed the checksum (below).
 * Versions 2 to 4 are still read (2 as a float32 segment); writers always
 * write the current version, so merges rewrite old segments in it.
 *
 * The checksum: from version 5, the header's `checksum` holds two CRC-32C
 * (crc32c.h): the high 32 bits cover the header itself (its 144 bytes with
 * `checksum` zero), the low 32 bits every byte after the header. Opening a
 * segment checks the header's (a flipped bit in an offset is named as
 * such, not found later as a strange section), and the content's too when
 * the file is small (UD_SEG_VERIFY_AT_OPEN); `unify check` checks every
 * segment's content. Before version 5 it was FNV-1a 64 of the bytes after
 * the header, and the header had none: those segments still open, and
 * `unify check` verifies their content and reports the header unchecked.
 *
 * Fixed-size sections start at 8-byte-aligned offsets. Filter values (source type, ACL principals,
 * author) are indexed as terms with a leading 0x01 byte, which the analyzer
 * never produces, so they cannot collide with words.
 */
#ifndef UD_INDEX_SEGMENT_FORMAT_H
#define UD_INDEX_SEGMENT_FORMAT_H

#include <stdint.h>

#define UD_SEG_MAGIC "UDSEG\0\0\1"
#define UD_SEG_VERSION 5
/* The oldest version the reader still opens. */
#define UD_SEG_VERSION_MIN 2
/* The first version whose header carries CRC-32Cs (see above). */
#define UD_SEG_VERSION_CRC 5
/* Segments up to this size have their whole content verified when they
 * are opened: it costs well under a millisecond, and a snapshot opens a
 * segment once, sharing it with the next. Larger ones are verified by
 * `unify check` only: reading every byte of a GB-sized segment at every
 * start would also make it all resident, which the readers avoid
 * (segment.h, ud_segment_read_vector). */
#define UD_SEG_VERIFY_AT_OPEN (8u << 20)
#define UD_SEG_BLOCK_SIZE 128
/* Below this many vectors a segment has no graph: an exact scan is faster. */
#define UD_SEG_GRAPH_MIN_VECTORS 2048
/* Text positions start after the title's plus this gap, so that a phrase
 * never spans the title and the text. */
#define UD_SEG_TITLE_GAP 16

/* header.vector_format */
#define UD_SEG_VECTORS_F32 0u
#define UD_SEG_VECTORS_I8 1u

#define UD_SEG_FILTER_SOURCE "\x01s:"
#define UD_SEG_FILTER_PRINCIPAL "\x01p:"
#define UD_SEG_FILTER_AUTHOR                                                                       \
    "\x01"                                                                                         \
    "a:"

typedef struct ud_seg_header {
    char magic[8];
    uint32_t version;
    uint32_t doc_count;
    uint64_t term_count;
    uint64_t block_count;
    uint64_t total_len_text;
    uint64_t total_len_title;
    uint64_t off_docs;
    uint64_t off_stored;
    uint64_t off_terms;
    uint64_t off_term_bytes;
    uint64_t off_blocks;
    uint64_t off_postings;
    uint64_t off_keys;
    uint64_t off_vectors; /* == file_len when there are none */
    uint64_t file_len;
    uint64_t checksum; /* the header's and the content's CRC-32C (above) */
    uint32_t vector_dims;
    uint32_t vector_format; /* UD_SEG_VECTORS_*; a reserved zero before version 3 */
    uint64_t off_graph;     /* the HNSW graph (hnsw.h); == file_len when there is none */
} ud_seg_header;

typedef struct ud_seg_doc {
    uint32_t len_text;  /* terms in the text */
    uint32_t len_title; /* terms in the title */
    int64_t updated_at;
    uint64_t stored_offset; /* from off_stored */
} ud_seg_doc;

typedef struct ud_seg_term {
    uint64_t bytes_offset; /* from off_term_bytes */
    uint32_t bytes_len;
    uint32_t df;
    uint64_t first_block; /* index into blocks */
    uint32_t block_count;
    uint32_t reserved;
} ud_seg_term;

typedef struct ud_seg_block {
    uint32_t last_doc;
    uint16_t count;
    uint16_t max_tf_text; /* saturating at 65535 */
    uint16_t max_tf_title;
    uint16_t reserved;
    uint32_t min_len_text; /* smallest field lengths of the block's docs */
    uint32_t min_len_title;
    uint32_t reserved2;
    uint64_t postings_offset; /* from off_postings */
} ud_seg_block;

typedef struct ud_seg_key {
    uint64_t hash; /* FNV-1a 64 of doc_id */
    uint32_t doc;
    uint32_t reserved;
} ud_seg_key;

_Static_assert(sizeof(ud_seg_header) == 144, "segment header is 144 bytes");
_Static_assert(sizeof(ud_seg_doc) == 24, "doc entries are 24 bytes");
_Static_assert(sizeof(ud_seg_term) == 32, "term entries are 32 bytes");
_Static_assert(sizeof(ud_seg_block) == 32, "block entries are 32 bytes");
_Static_assert(sizeof(ud_seg_key) == 16, "key entries are 16 bytes");

static inline uint64_t ud_fnv1a64(const void *data, uint64_t len, uint64_t h)
{
    const uint8_t *p = data;
    for (uint64_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}
#define UD_FNV64_INIT 1469598103934665603ULL

#endif
