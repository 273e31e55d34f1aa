/*
 * Hashes and randomness from OpenSSL's libcrypto: SHA-256 (content hashes,
 * key hashes), HMAC-SHA256, the CSPRNG, and random UUIDs.
 */
#ifndef UD_BASE_CRYPTO_H
#define UD_BASE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define UD_SHA256_LEN 32
#define UD_SHA256_HEX_LEN 64
#define UD_UUID_LEN 36

void ud_sha256(uint8_t out[UD_SHA256_LEN], const void *data, size_t len);
/* Lower-case hex, NUL-terminated (65 bytes). */
void ud_sha256_hex(char out[UD_SHA256_HEX_LEN + 1], const void *data, size_t len);
void ud_hex_encode(char *out, const uint8_t *bytes, size_t len); /* out: 2*len+1 */

/* Incremental SHA-256 for streams (large files). */
typedef struct ud_sha256_ctx {
    void *md; /* EVP_MD_CTX */
} ud_sha256_ctx;
void ud_sha256_begin(ud_sha256_ctx *ctx);
void ud_sha256_update(ud_sha256_ctx *ctx, const void *data, size_t len);
void ud_sha256_end_hex(ud_sha256_ctx *ctx, char out[UD_SHA256_HEX_LEN + 1]);

void ud_hmac_sha256(uint8_t out[UD_SHA256_LEN], const void *key, size_t key_len, const void *data,
                    size_t len);

/* Whether a[0..len) equals b[0..len), in time that depends on len only, so
 * comparing a secret (a MAC, a signature) leaks nothing about where it
 * differs. The length itself is not secret. */
bool ud_crypto_equal(const void *a, const void *b, size_t len);

/* Overwrites len bytes with zeros in a way the compiler cannot drop (for keys
 * and plaintext that are about to be freed). */
void ud_crypto_wipe(void *ptr, size_t len);

/* Cryptographically secure random bytes; UD_EIO if the CSPRNG fails. */
int ud_random_bytes(void *out, size_t len) UD_MUST_CHECK;

/* A random (version 4) UUID, lower-case, NUL-terminated (37 bytes). */
int ud_uuid_v4(char out[UD_UUID_LEN + 1]) UD_MUST_CHECK;

#endif
