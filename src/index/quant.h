/*
 * int8 vectors: the compact copy of a segment's vectors that the HNSW walk
 * reads instead of the float32 ones (a quarter of the bytes, so a quarter
 * of the pages a walk touches), before the best candidates are rescored
 * with float32 (hnsw.h).
 *
 * Quantisation is per vector: x[i] ~ scale * code[i], with
 * scale = max |x[i]| / 127 and code[i] = round(x[i] / scale), so every
 * vector uses the full int8 range whatever its spread. A record is
 *
 *   scale   float32
 *   codes   dims int8, zero-padded to a multiple of 16
 *
 * (UD_I8_RECORD(dims) bytes; records follow each other without gaps). The
 * query stays more precise: int16 codes with one scale of its own, so a
 * similarity is q_scale * x_scale * sum(q16[i] * x8[i]), an integer dot
 * product that SSE2's pmaddwd does eight lanes at a time. The query's
 * codes are kept within +-ud_i8_query_max(padded) so that the int32 sum of
 * the products cannot overflow: 32,767 up to 516 dimensions, fewer bits of
 * query precision beyond.
 */
#ifndef UD_INDEX_QUANT_H
#define UD_INDEX_QUANT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* ud_i8_dot_avx2 exists (call it only where ud_i8_have_avx2() is true),
 * unless the build asks for the portable code alone (-DUD_I8_NO_AVX2, to
 * measure it). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(UD_I8_NO_AVX2)
#include <immintrin.h>
#define UD_I8_AVX2 1
#endif

/* Codes per record, rounded up so the dot product needs no tail loop. */
#define UD_I8_PADDED(dims) (((size_t)(dims) + 15) / 16 * 16)
#define UD_I8_RECORD(dims) (4 + UD_I8_PADDED(dims))
/* The largest query code for records of `padded` codes (see above). */
static inline int32_t ud_i8_query_max(size_t padded)
{
    uint64_t limit = 2147483647ull / ((uint64_t)(padded ? padded : 1) * 127);
    return limit >= 32767 ? 32767 : (int32_t)limit;
}

/* Writes the record of v (dims floats) to out (UD_I8_RECORD(dims) bytes). */
void ud_i8_encode(uint8_t *out, const float *v, uint32_t dims);

/* A query prepared for int8 records: UD_I8_PADDED(dims) int16 codes,
 * zero-padded (the caller provides the storage). */
typedef struct ud_i8_query {
    int16_t *codes;
    float scale;
    uint32_t padded;
} ud_i8_query;

/* Fills q from the float query (dims floats); codes has room for
 * UD_I8_PADDED(dims) values. */
void ud_i8_query_init(ud_i8_query *q, int16_t *codes, const float *query, uint32_t dims);

/* The approximate similarity of the query and one record. */
static inline float ud_i8_dot(const ud_i8_query *q, const uint8_t *record)
{
    float scale;
    memcpy(&scale, record, sizeof(scale));
    const int8_t *x = (const int8_t *)(record + 4);
#ifdef __SSE2__
    __m128i acc0 = _mm_setzero_si128(), acc1 = _mm_setzero_si128();
    for (uint32_t i = 0; i < q->padded; i += 16) {
        __m128i codes = _mm_loadu_si128((const __m128i *)(x + i));
        /* Sign-extend the bytes to int16: put each in the high half of a
         * lane, then shift it down arithmetically. */
        __m128i lo = _mm_srai_epi16(_mm_unpacklo_epi8(_mm_setzero_si128(), codes), 8);
        __m128i hi = _mm_srai_epi16(_mm_unpackhi_epi8(_mm_setzero_si128(), codes), 8);
        acc0 = _mm_add_epi32(acc0,
                             _mm_madd_epi16(lo, _mm_loadu_si128((const __m128i *)(q->codes + i))));
        acc1 = _mm_add_epi32(
            acc1, _mm_madd_epi16(hi, _mm_loadu_si128((const __m128i *)(q->codes + i + 8))));
    }
    acc0 = _mm_add_epi32(acc0, acc1);
    int32_t lanes[4];
    _mm_storeu_si128((__m128i *)lanes, acc0);
    int32_t sum = lanes[0] + lanes[1] + lanes[2] + lanes[3];
#else
    int32_t sum = 0;
    for (uint32_t i = 0; i < q->padded; i++)
        sum += (int32_t)q->codes[i] * x[i];
#endif
    return (float)sum * q->scale * scale;
}

#ifdef UD_I8_AVX2
/* The same sum with AVX2 (the build targets plain x86-64, so it is
 * compiled for AVX2 alone and chosen at run time): each step sign-extends
 * 16 codes to 16 lanes with one instruction and multiplies them with the
 * query's in one more, where SSE2 needs six. The integer sum, hence the
 * result, is the same bit for bit. Inline only into functions compiled for
 * AVX2 too. */
__attribute__((target("avx2"))) static inline float ud_i8_dot_avx2(const ud_i8_query *q,
                                                                   const uint8_t *record)
{
    float scale;
    memcpy(&scale, record, sizeof(scale));
    const int8_t *x = (const int8_t *)(record + 4);
    __m256i acc = _mm256_setzero_si256();
    for (uint32_t i = 0; i < q->padded; i += 16) {
        __m256i codes = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(x + i)));
        acc = _mm256_add_epi32(
            acc, _mm256_madd_epi16(codes, _mm256_loadu_si256((const __m256i *)(q->codes + i))));
    }
    __m128i sum4 = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
    sum4 = _mm_add_epi32(sum4, _mm_shuffle_epi32(sum4, 0x4E));
    sum4 = _mm_add_epi32(sum4, _mm_shuffle_epi32(sum4, 0xB1));
    return (float)_mm_cvtsi128_si32(sum4) * q->scale * scale;
}

/* Whether this CPU runs ud_i8_dot_avx2. */
static inline int ud_i8_have_avx2(void)
{
    return __builtin_cpu_supports("avx2");
}
#endif

#endif
