/*
 * HNSW (Malkov and Yashunin, 2018): a layered proximity graph over a
 * segment's vectors, built when the segment is written and stored in it,
 * so it is memory-mapped like the rest. Similarity is the dot product of
 * unit vectors (cosine). Parameters: M neighbours per node (2M on the
 * bottom layer), efConstruction while building, ef while searching;
 * defaults 16, 200, 64.
 *
 * Searching applies the query's filter while walking: every node guides the
 * walk, only allowed nodes enter the results, so a refused chunk is never a
 * result and the walk still reaches the allowed ones through it.
 *
 * The graph is always built on the float32 vectors. A search walks either
 * them or their int8 copies (quant.h); with int8, the best candidates the
 * walk found are rescored with float32, so results carry exact similarities
 * and only those few float32 vectors are read.
 *
 * The walk is bound by memory latency on graphs larger than the caches:
 * for each expanded node it asks for every cache line of all its unvisited
 * neighbours' vectors before comparing the first, and for the lists of the
 * candidates it will likely expand next. Where the CPU has AVX2, the int8
 * walk runs a copy of its loop with AVX2 comparisons (ud_i8_dot_avx2, the
 * same sums bit for bit), chosen at run time.
 *
 * Graph layout (all little-endian u32 unless said):
 *   header   {node_count, max_level, entry, m, ef_construction, pad}
 *   levels   node_count x u8 (padded to 4 bytes)
 *   offsets  node_count x u64: where each node's lists start in `links`
 *   links    per node, per level 0..its level: count, then `count` ids
 *
 * ud_hnsw_open checks that every id names a node that has a list at that
 * level (a neighbour at level l is a node of level >= l) and that the entry
 * is on the top level, so the walk follows ids without checking levels.
 */
#ifndef UD_INDEX_HNSW_H
#define UD_INDEX_HNSW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/str.h"

typedef struct ud_hnsw_params {
    uint32_t m;               /* 16 */
    uint32_t ef_construction; /* 200 */
    uint32_t ef;              /* 64 */
} ud_hnsw_params;

void ud_hnsw_params_default(ud_hnsw_params *out);

/* Builds the graph over the nodes with a vector (has[i]) and appends its
 * bytes to out. vectors: count x dims floats. Deterministic for a given
 * input. */
int ud_hnsw_build(ud_buf *out, const float *vectors, const uint8_t *has, uint32_t count,
                  uint32_t dims, const ud_hnsw_params *params) UD_MUST_CHECK;

/* A stored graph, read in place. */
typedef struct ud_hnsw {
    const uint32_t *header;
    const uint8_t *levels;
    const uint64_t *offsets;
    const uint32_t *links;
    uint64_t link_count;
    uint32_t node_count;
} ud_hnsw;

/* Checks the bytes and points g into them. UD_ECORRUPT if they do not hold
 * a graph of node_count nodes. */
int ud_hnsw_open(ud_hnsw *g, const void *data, size_t len, uint32_t node_count) UD_MUST_CHECK;

typedef struct ud_hnsw_hit {
    uint32_t node;
    float similarity;
} ud_hnsw_hit;

/* The vectors a search reads: f32 always (node_count x dims floats), i8
 * when the walk should use int8 records instead (node_count records of
 * UD_I8_RECORD(dims) bytes, quant.h). With i8, `read` (when set) copies a
 * node's float32 vector into out for rescoring, in place of reading f32
 * (see ud_segment_read_vector). */
typedef struct ud_hnsw_vectors {
    const float *f32;
    const uint8_t *i8; /* NULL: walk the float32 vectors */
    uint32_t dims;
    void (*read)(uint32_t node, float *out, const void *payload);
    const void *payload;
} ud_hnsw_vectors;

/* With int8 records, how many of the walk's best candidates are rescored
 * with float32 by default: max(UD_HNSW_RESCORE_FACTOR x k, ...) capped by
 * ef (measured in docs/performance.md). */
#define UD_HNSW_RESCORE_FACTOR 4

/* Up to k nearest allowed nodes (allowed: bitmap, NULL = all), best first,
 * into out (k entries). Returns how many were found. With int8 records the
 * best `rescore` candidates of the walk (0: UD_HNSW_RESCORE_FACTOR x k; at
 * most ef) are re-ranked by their float32 similarity, which is what out
 * holds. scratch_bits: node_count bits of zeroed memory for the visited
 * set, zeroed again on return. */
size_t ud_hnsw_search(ud_hnsw_hit *out, size_t k, const ud_hnsw *g, const float *query,
                      const ud_hnsw_vectors *vectors, const uint8_t *allowed, uint32_t ef,
                      uint32_t rescore, uint8_t *scratch_bits);

#endif
