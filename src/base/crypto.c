/*
 * Thin wrappers over libcrypto so the rest of the code never includes OpenSSL.
 */
#include "base/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>

#include "base/mem.h"

void ud_hex_encode(char *out, const uint8_t *bytes, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

void ud_sha256(uint8_t out[UD_SHA256_LEN], const void *data, size_t len)
{
    unsigned int n = 0;
    if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL))
        ud_oom(len);
}

void ud_sha256_hex(char out[UD_SHA256_HEX_LEN + 1], const void *data, size_t len)
{
    uint8_t digest[UD_SHA256_LEN];
    ud_sha256(digest, data, len);
    ud_hex_encode(out, digest, sizeof(digest));
}

void ud_sha256_begin(ud_sha256_ctx *ctx)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL))
        ud_oom(sizeof(void *));
    ctx->md = md;
}

void ud_sha256_update(ud_sha256_ctx *ctx, const void *data, size_t len)
{
    EVP_DigestUpdate(ctx->md, data, len);
}

void ud_sha256_end_hex(ud_sha256_ctx *ctx, char out[UD_SHA256_HEX_LEN + 1])
{
    uint8_t digest[UD_SHA256_LEN];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx->md, digest, &n);
    EVP_MD_CTX_free(ctx->md);
    ctx->md = NULL;
    ud_hex_encode(out, digest, sizeof(digest));
}

void ud_hmac_sha256(uint8_t out[UD_SHA256_LEN], const void *key, size_t key_len, const void *data,
                    size_t len)
{
    unsigned int n = UD_SHA256_LEN;
    HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n);
}

bool ud_crypto_equal(const void *a, const void *b, size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

void ud_crypto_wipe(void *ptr, size_t len)
{
    OPENSSL_cleanse(ptr, len);
}

int ud_random_bytes(void *out, size_t len)
{
    if (RAND_bytes(out, (int)len) != 1)
        return ud_error_set(UD_EIO, "the system random generator failed");
    return 0;
}

int ud_uuid_v4(char out[UD_UUID_LEN + 1])
{
    uint8_t b[16];
    int rc = ud_random_bytes(b, sizeof(b));
    if (rc < 0)
        return rc;
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, UD_UUID_LEN + 1,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
    return 0;
}
