/*
 * The exact scan of a segment's allowed vectors: what a vector search does
 * instead of the HNSW walk when a segment is small or its filter lets few
 * chunks through (vector_search.h). With int8 records the scan compares
 * them and rescores its best UD_HNSW_RESCORE_FACTOR x k with float32, like
 * the walk; otherwise it is exact on float32.
 */
#ifndef UD_INDEX_VECTOR_SCAN_H
#define UD_INDEX_VECTOR_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "index/hnsw.h"

/* Up to k best of the nodes whose bit is set in allowed (n bits; bits past
 * n must be clear; every allowed node must have a vector), best first
 * (higher similarity, then lower node), into out. Returns how many. */
size_t ud_vector_scan(ud_hnsw_hit *out, size_t k, const ud_hnsw_vectors *vectors, uint32_t n,
                      const uint8_t *allowed, const float *query, ud_arena *arena);

#endif
