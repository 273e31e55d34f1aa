/*
 * Text encodings of binary data for tokens and keys: base64 (standard and
 * URL-safe, padded or not) with a strict decoder, and fixed-width base62 of
 * random numbers (API keys).
 */
#ifndef UD_BASE_ENCODING_H
#define UD_BASE_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/str.h"

/* Flags of the base64 functions; 0 is standard base64 (RFC 4648 section 4)
 * with '=' padding. */
enum {
    UD_BASE64_URL = 1,  /* '-' and '_' instead of '+' and '/' (RFC 4648 section 5) */
    UD_BASE64_NOPAD = 2 /* no '=' padding: omitted by the encoder, refused by the decoder */
};

/* Characters of the encoding of `len` bytes, without the NUL. */
size_t ud_base64_encoded_len(size_t len, unsigned flags);

/* At most how many bytes a base64 text of `text_len` characters decodes to
 * (exact for valid unpadded text, may overcount padded text by 2). */
size_t ud_base64_decoded_max(size_t text_len);

/* Writes the base64 of data[0..len) and a NUL into out. UD_ELIMIT if out_size
 * is less than ud_base64_encoded_len(len, flags) + 1 (out is then untouched). */
int ud_base64_encode(char *out, size_t out_size, const void *data, size_t len,
                     unsigned flags) UD_MUST_CHECK;

/* Decodes `text` into out[0..out_size) and sets *out_len. Strict: only the
 * alphabet chosen by `flags` (no whitespace, no mixing '+' with '-'), padding
 * exactly when UD_BASE64_NOPAD is not given, no length that no encoder
 * produces, and the unused low bits of the last character must be zero, so
 * every byte string has exactly one accepted text. UD_EINVAL for bad text,
 * UD_ELIMIT if the result does not fit in out_size. Nothing is promised about
 * out's contents after an error. */
int ud_base64_decode(uint8_t *out, size_t out_size, size_t *out_len, ud_str text,
                     unsigned flags) UD_MUST_CHECK;

/* Largest number of bytes the base62 functions take. */
#define UD_BASE62_MAX_BYTES 64

/* Characters of the base62 of a `bytes`-byte number: the least w with
 * 62^w >= 256^bytes (43 for 32 bytes). 0 for more than UD_BASE62_MAX_BYTES. */
size_t ud_base62_encoded_len(size_t bytes);

/* Writes the big-endian number bytes[0..len) in base62 (digits 0-9, A-Z, a-z,
 * so text order is numeric order) as exactly ud_base62_encoded_len(len)
 * characters, leading zeros included, and a NUL. The map is one-to-one, so
 * uniform random bytes give a string carrying all their entropy (unlike
 * taking each byte modulo 62). UD_EINVAL for len 0 or above
 * UD_BASE62_MAX_BYTES, UD_ELIMIT if out_size is too small. */
int ud_base62_encode(char *out, size_t out_size, const uint8_t *bytes, size_t len) UD_MUST_CHECK;

/* Draws `bytes` bytes from the CSPRNG and writes their base62 as above. For
 * an API key, write the prefix ("sk_live_") and call this with bytes = 32
 * after it. Errors as ud_base62_encode, and UD_EIO if the CSPRNG fails. */
int ud_base62_random(char *out, size_t out_size, size_t bytes) UD_MUST_CHECK;

#endif
