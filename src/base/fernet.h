/*
 * Fernet authenticated encryption (https://github.com/fernet/spec), byte for
 * byte compatible with Python's cryptography.fernet: for secrets kept at rest
 * (connector credentials) and opaque tokens handed to clients.
 *
 * A token is URL-safe base64, with padding, of
 *     0x80 | timestamp (64-bit big-endian Unix seconds) | IV (16 bytes)
 *     | AES-128-CBC ciphertext with PKCS#7 padding | HMAC-SHA256 (32 bytes)
 * where the HMAC covers everything before it. A key is 32 bytes written as
 * 44 characters of URL-safe base64: the first 16 bytes sign, the last 16
 * encrypt.
 *
 * Every failure to open a token (malformed, altered, wrong key, expired,
 * dated in the future) is UD_EAUTH: the token is a credential that did not
 * check out, and its holder learns nothing more from the code. The message
 * says which check failed, for logs. A caller that decrypts its own stored
 * data may report UD_EAUTH as corruption.
 */
#ifndef UD_BASE_FERNET_H
#define UD_BASE_FERNET_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/str.h"

#define UD_FERNET_KEY_TEXT_LEN 44 /* characters of a key, without the NUL */
#define UD_FERNET_IV_LEN 16
/* Longest token accepted or produced, in characters (about 786 KB of
 * plaintext). Past it: UD_ELIMIT. */
#define UD_FERNET_MAX_TOKEN_LEN (1u << 20)
/* How far in the future a token's timestamp may be when a TTL is checked,
 * as in Python's implementation. */
#define UD_FERNET_MAX_CLOCK_SKEW 60

/* A parsed key. Holds secrets: ud_fernet_key_wipe() it when done. */
typedef struct ud_fernet_key {
    uint8_t signing[16];
    uint8_t encryption[16];
} ud_fernet_key;

/* Writes a new random key as 44 characters and a NUL. UD_EIO if the CSPRNG
 * fails. */
int ud_fernet_key_generate(char out[UD_FERNET_KEY_TEXT_LEN + 1]) UD_MUST_CHECK;

/* Parses a key in its text form (exactly 44 characters of URL-safe base64
 * with padding, no surrounding whitespace). UD_EINVAL for anything else; the
 * message never repeats the key. */
int ud_fernet_key_parse(ud_fernet_key *out, ud_str text) UD_MUST_CHECK;

/* Overwrites the key's bytes. */
void ud_fernet_key_wipe(ud_fernet_key *key);

/* Characters of the token for a plaintext of `len` bytes (SIZE_MAX if that
 * does not fit in a size_t). */
size_t ud_fernet_token_len(size_t len);

/* Encrypts plain[0..len) at the current time with a random IV. On success
 * *out_token is a malloc'd NUL-terminated token the caller frees. UD_ELIMIT
 * if the token would be longer than UD_FERNET_MAX_TOKEN_LEN, UD_EIO if the
 * CSPRNG fails. */
int ud_fernet_encrypt(char **out_token, const ud_fernet_key *key, const void *plain,
                      size_t len) UD_MUST_CHECK;

/* ud_fernet_encrypt with the timestamp and IV given: for test vectors only.
 * Reusing an IV with one key gives away whether two plaintexts share a
 * prefix, so real callers use ud_fernet_encrypt. UD_EINVAL for a negative
 * timestamp. */
int ud_fernet_encrypt_at(char **out_token, const ud_fernet_key *key, const void *plain, size_t len,
                         int64_t timestamp, const uint8_t iv[UD_FERNET_IV_LEN]) UD_MUST_CHECK;

/* Verifies and decrypts `token`. With ttl > 0, the token must be at most ttl
 * seconds old at time `now` (Unix seconds; pass ud_now()) and not more than
 * UD_FERNET_MAX_CLOCK_SKEW seconds in its future; with ttl <= 0 its time is
 * not checked and `now` is unused. The HMAC is checked (in constant time)
 * before anything is decrypted. On success *out_plain is a malloc'd buffer
 * of *out_len bytes followed by a NUL (not counted), which the caller frees;
 * on failure nothing is returned. UD_EAUTH for any token that does not open
 * (see the top of this file), UD_ELIMIT for one longer than
 * UD_FERNET_MAX_TOKEN_LEN. */
int ud_fernet_decrypt(uint8_t **out_plain, size_t *out_len, const ud_fernet_key *key, ud_str token,
                      int64_t ttl, int64_t now) UD_MUST_CHECK;

#endif
