/*
 * CRC-32C (Castagnoli), the checksum of segment files and manifests: it
 * catches every burst of up to 32 flipped bits and, on x86-64 with SSE4.2,
 * runs at several GB/s, so `unify check` reads a large segment at disk
 * speed. Other machines use a table (about 400 MB/s).
 */
#ifndef UD_INDEX_CRC32C_H
#define UD_INDEX_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of data continued from crc (0 to start): ud_crc32c(ud_crc32c(0,
 * a), b) is the CRC of a followed by b. */
uint32_t ud_crc32c(uint32_t crc, const void *data, size_t len);

#endif
