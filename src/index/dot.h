/*
 * Dot product of float vectors, the inner loop of vector search and HNSW.
 * Written with GCC/Clang vector extensions (four lanes, two accumulators)
 * so it compiles to SSE on any x86-64 without -march flags or -ffast-math;
 * the lanes change the order of the additions, which moves the result by
 * at most a few ulps.
 */
#ifndef UD_INDEX_DOT_H
#define UD_INDEX_DOT_H

#include <stdint.h>
#include <string.h>

typedef float ud_v4sf __attribute__((vector_size(16)));

static inline float ud_dot(const float *a, const float *b, uint32_t n)
{
    ud_v4sf s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    uint32_t i = 0;
    for (; i + 8 <= n; i += 8) {
        ud_v4sf a0, a1, b0, b1;
        memcpy(&a0, a + i, 16);
        memcpy(&a1, a + i + 4, 16);
        memcpy(&b0, b + i, 16);
        memcpy(&b1, b + i + 4, 16);
        s0 += a0 * b0;
        s1 += a1 * b1;
    }
    s0 += s1;
    float s = s0[0] + s0[1] + s0[2] + s0[3];
    for (; i < n; i++)
        s += a[i] * b[i];
    return s;
}

#endif
