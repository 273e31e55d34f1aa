/*
 * int8 quantisation of vectors and queries (see quant.h).
 */
#include "index/quant.h"

#include <math.h>

void ud_i8_encode(uint8_t *out, const float *v, uint32_t dims)
{
    float peak = 0;
    for (uint32_t i = 0; i < dims; i++)
        if (fabsf(v[i]) > peak)
            peak = fabsf(v[i]);
    float scale = peak > 0 ? peak / 127.0f : 0;
    memcpy(out, &scale, sizeof(scale));
    int8_t *codes = (int8_t *)(out + 4);
    size_t padded = UD_I8_PADDED(dims);
    for (uint32_t i = 0; i < dims; i++) {
        long code = scale > 0 ? lrintf(v[i] / scale) : 0;
        codes[i] = (int8_t)(code > 127 ? 127 : code < -127 ? -127 : code);
    }
    memset(codes + dims, 0, padded - dims);
}

void ud_i8_query_init(ud_i8_query *q, int16_t *codes, const float *query, uint32_t dims)
{
    size_t padded = UD_I8_PADDED(dims);
    int32_t max = ud_i8_query_max(padded);
    float peak = 0;
    for (uint32_t i = 0; i < dims; i++)
        if (fabsf(query[i]) > peak)
            peak = fabsf(query[i]);
    q->scale = peak > 0 ? peak / (float)max : 0;
    for (uint32_t i = 0; i < dims; i++) {
        long code = q->scale > 0 ? lrintf(query[i] / q->scale) : 0;
        codes[i] = (int16_t)(code > max ? max : code < -max ? -max : code);
    }
    for (size_t i = dims; i < padded; i++)
        codes[i] = 0;
    q->codes = codes;
    q->padded = (uint32_t)padded;
}
