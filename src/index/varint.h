/*
 * LEB128 variable-length integers for postings: 7 bits per byte, low bits
 * first, the high bit set on every byte but the last. Decoding is bounded by
 * the end of the buffer, so a damaged file fails instead of overrunning.
 */
#ifndef UD_INDEX_VARINT_H
#define UD_INDEX_VARINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes v at out (room for 10 bytes); returns the bytes written. */
static inline size_t ud_varint_encode(uint8_t *out, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* Reads one varint at *p, not past end; advances *p. False if the bytes
 * run out or the value has more than 64 bits. */
static inline bool ud_varint_decode(const uint8_t **p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return false;
        uint8_t byte = *(*p)++;
        v |= (uint64_t)(byte & 0x7F) << shift;
        if (!(byte & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

#endif
