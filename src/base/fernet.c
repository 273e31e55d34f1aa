/*
 * Fernet tokens (see fernet.h for the format). AES-128-CBC comes from
 * libcrypto's EVP interface; HMAC, randomness and constant-time comparison
 * from base/crypto.h; base64 from base/encoding.h. Decryption authenticates
 * first and decrypts only a token whose HMAC matched, so a forger never sees
 * how the cipher reacts to its input (no padding oracle).
 */
#include "base/fernet.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/encoding.h"
#include "base/mem.h"

#define VERSION 0x80
#define BLOCK 16
#define HEADER_LEN (1 + 8 + UD_FERNET_IV_LEN) /* version, timestamp, IV */
#define MAC_LEN UD_SHA256_LEN
#define KEY_BYTES 32

int ud_fernet_key_generate(char out[UD_FERNET_KEY_TEXT_LEN + 1])
{
    uint8_t raw[KEY_BYTES];
    int rc = ud_random_bytes(raw, sizeof(raw));
    if (rc == 0)
        rc = ud_base64_encode(out, UD_FERNET_KEY_TEXT_LEN + 1, raw, sizeof(raw), UD_BASE64_URL);
    ud_crypto_wipe(raw, sizeof(raw));
    return rc;
}

int ud_fernet_key_parse(ud_fernet_key *out, ud_str text)
{
    uint8_t raw[KEY_BYTES];
    size_t len = 0;
    int rc = UD_EINVAL;
    if (text.len == UD_FERNET_KEY_TEXT_LEN &&
        ud_base64_decode(raw, sizeof(raw), &len, text, UD_BASE64_URL) == 0 && len == KEY_BYTES) {
        memcpy(out->signing, raw, 16);
        memcpy(out->encryption, raw + 16, 16);
        rc = 0;
    } else {
        /* The text may be a real key with a typo: do not echo it. */
        rc = ud_error_set(UD_EINVAL, "a Fernet key is 32 bytes in URL-safe base64 with padding "
                                     "(44 characters); this one is not");
    }
    ud_crypto_wipe(raw, sizeof(raw));
    return rc;
}

void ud_fernet_key_wipe(ud_fernet_key *key)
{
    if (key)
        ud_crypto_wipe(key, sizeof(*key));
}

/* Bytes of the decoded token for `len` bytes of plaintext, or SIZE_MAX. */
static size_t raw_len_for(size_t len)
{
    size_t blocks = len / BLOCK + 1; /* PKCS#7 always adds 1 to 16 bytes */
    if (blocks > (SIZE_MAX - HEADER_LEN - MAC_LEN) / BLOCK)
        return SIZE_MAX;
    return HEADER_LEN + blocks * BLOCK + MAC_LEN;
}

size_t ud_fernet_token_len(size_t len)
{
    size_t raw = raw_len_for(len);
    if (raw == SIZE_MAX || raw / 3 + 1 > SIZE_MAX / 4)
        return SIZE_MAX;
    return ud_base64_encoded_len(raw, UD_BASE64_URL);
}

/* AES-128-CBC with PKCS#7 padding, one shot. `out` has room for len + BLOCK
 * bytes. Returns false if the cipher fails, which for decryption means the
 * padding was wrong. */
static bool aes_cbc(uint8_t *out, size_t *out_len, const uint8_t key[16], const uint8_t iv[16],
                    const uint8_t *in, size_t len, int encrypt)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        ud_oom(sizeof(void *));
    int head = 0, tail = 0;
    /* len is below UD_FERNET_MAX_TOKEN_LEN, so it fits in an int. */
    bool ok = EVP_CipherInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv, encrypt) == 1 &&
              EVP_CipherUpdate(ctx, out, &head, in, (int)len) == 1 &&
              EVP_CipherFinal_ex(ctx, out + head, &tail) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (ok)
        *out_len = (size_t)head + (size_t)tail;
    return ok;
}

int ud_fernet_encrypt_at(char **out_token, const ud_fernet_key *key, const void *plain, size_t len,
                         int64_t timestamp, const uint8_t iv[UD_FERNET_IV_LEN])
{
    if (timestamp < 0)
        return ud_error_set(UD_EINVAL, "a Fernet timestamp cannot be negative");
    size_t token_len = ud_fernet_token_len(len);
    if (token_len > UD_FERNET_MAX_TOKEN_LEN)
        return ud_error_set(UD_ELIMIT, "%zu bytes are too many to encrypt into one token", len);
    size_t raw_len = raw_len_for(len);
    uint8_t *raw = ud_malloc(raw_len);
    raw[0] = VERSION;
    for (int i = 0; i < 8; i++)
        raw[1 + i] = (uint8_t)((uint64_t)timestamp >> (56 - 8 * i));
    memcpy(raw + 9, iv, UD_FERNET_IV_LEN);
    size_t cipher_len = 0;
    if (!aes_cbc(raw + HEADER_LEN, &cipher_len, key->encryption, iv, plain, len, 1)) {
        free(raw);
        return ud_error_set(UD_EIO, "AES encryption failed");
    }
    /* Padding always gives the length raw_len_for counted. */
    ud_hmac_sha256(raw + HEADER_LEN + cipher_len, key->signing, sizeof(key->signing), raw,
                   HEADER_LEN + cipher_len);
    char *token = ud_malloc(token_len + 1);
    int rc = ud_base64_encode(token, token_len + 1, raw, raw_len, UD_BASE64_URL);
    free(raw);
    if (rc < 0) {
        free(token);
        return rc;
    }
    *out_token = token;
    return 0;
}

int ud_fernet_encrypt(char **out_token, const ud_fernet_key *key, const void *plain, size_t len)
{
    uint8_t iv[UD_FERNET_IV_LEN];
    int rc = ud_random_bytes(iv, sizeof(iv));
    if (rc < 0)
        return rc;
    return ud_fernet_encrypt_at(out_token, key, plain, len, ud_now(), iv);
}

/* The TTL rule of Python's implementation: at most ttl seconds old, and at
 * most UD_FERNET_MAX_CLOCK_SKEW seconds ahead of `now`. */
static int check_age(uint64_t timestamp, int64_t ttl, int64_t now)
{
    if (ttl <= 0)
        return 0;
    /* Compare as int64 without overflow: a timestamp past INT64_MAX is
     * certainly in the future. */
    if (timestamp > (uint64_t)INT64_MAX || (now < INT64_MAX - UD_FERNET_MAX_CLOCK_SKEW &&
                                            (int64_t)timestamp > now + UD_FERNET_MAX_CLOCK_SKEW))
        return ud_error_set(UD_EAUTH, "Fernet token is dated in the future (clock skew?)");
    int64_t ts = (int64_t)timestamp;
    if (now > ts && (uint64_t)now - (uint64_t)ts > (uint64_t)ttl)
        return ud_error_set(UD_EAUTH, "Fernet token expired %lld seconds ago",
                            (long long)((uint64_t)now - (uint64_t)ts - (uint64_t)ttl));
    return 0;
}

int ud_fernet_decrypt(uint8_t **out_plain, size_t *out_len, const ud_fernet_key *key, ud_str token,
                      int64_t ttl, int64_t now)
{
    if (token.len > UD_FERNET_MAX_TOKEN_LEN)
        return ud_error_set(UD_ELIMIT, "Fernet token of %zu characters is over the %u allowed",
                            token.len, UD_FERNET_MAX_TOKEN_LEN);
    size_t raw_cap = ud_base64_decoded_max(token.len);
    uint8_t *raw = ud_malloc(raw_cap ? raw_cap : 1);
    uint8_t *plain = NULL;
    size_t plain_cap = 0, raw_len = 0;
    int rc = 0;
    if (ud_base64_decode(raw, raw_cap, &raw_len, token, UD_BASE64_URL) < 0) {
        rc = ud_error_set(UD_EAUTH, "Fernet token is not URL-safe base64");
        goto done;
    }
    if (raw_len < HEADER_LEN + MAC_LEN) {
        rc = ud_error_set(UD_EAUTH, "Fernet token is too short");
        goto done;
    }
    if (raw[0] != VERSION) {
        rc = ud_error_set(UD_EAUTH, "Fernet token has unknown version 0x%02x", raw[0]);
        goto done;
    }
    size_t cipher_len = raw_len - HEADER_LEN - MAC_LEN;
    if (cipher_len % BLOCK != 0) {
        rc = ud_error_set(UD_EAUTH, "Fernet ciphertext is not a whole number of blocks");
        goto done;
    }
    if (cipher_len == 0) { /* padding makes at least one block */
        rc = ud_error_set(UD_EAUTH, "Fernet token is too short");
        goto done;
    }
    uint8_t mac[MAC_LEN];
    ud_hmac_sha256(mac, key->signing, sizeof(key->signing), raw, HEADER_LEN + cipher_len);
    if (!ud_crypto_equal(mac, raw + HEADER_LEN + cipher_len, MAC_LEN)) {
        rc = ud_error_set(UD_EAUTH, "Fernet token signature does not match: altered, or made "
                                    "with another key");
        goto done;
    }
    uint64_t timestamp = 0;
    for (int i = 0; i < 8; i++)
        timestamp = timestamp << 8 | raw[1 + i];
    rc = check_age(timestamp, ttl, now);
    if (rc < 0)
        goto done;
    plain_cap = cipher_len + BLOCK + 1;
    plain = ud_malloc(plain_cap);
    size_t plain_len = 0;
    if (!aes_cbc(plain, &plain_len, key->encryption, raw + 9, raw + HEADER_LEN, cipher_len, 0)) {
        /* Reachable only with the signing key, so not an oracle. */
        rc = ud_error_set(UD_EAUTH, "Fernet token has bad padding");
        goto done;
    }
    plain[plain_len] = '\0';
    *out_plain = plain;
    *out_len = plain_len;
    plain = NULL;
done:
    if (plain) /* a failed decryption may have left part of a plaintext */
        ud_crypto_wipe(plain, plain_cap);
    free(plain);
    free(raw);
    return rc;
}
