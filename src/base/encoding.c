/*
 * Base64 and base62 for the identity layer: Fernet tokens and keys, JWT
 * parts, API keys. The base64 decoder is strict (one accepted text per byte
 * string) so that a token cannot be altered into another text that still
 * verifies, and it decodes without branching on the characters, because
 * keys and signatures pass through it.
 */
#include "base/encoding.h"

#include <stdbool.h>
#include <string.h>

#include "base/crypto.h"

static const char std_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
static const char base62_digits[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

size_t ud_base64_encoded_len(size_t len, unsigned flags)
{
    size_t full = len / 3, rest = len % 3;
    if (flags & UD_BASE64_NOPAD)
        return full * 4 + (rest ? rest + 1 : 0);
    return (full + (rest ? 1 : 0)) * 4;
}

size_t ud_base64_decoded_max(size_t text_len)
{
    return text_len / 4 * 3 + text_len % 4 * 3 / 4;
}

int ud_base64_encode(char *out, size_t out_size, const void *data, size_t len, unsigned flags)
{
    if (len > (SIZE_MAX - 4) / 4 * 3 || out_size < ud_base64_encoded_len(len, flags) + 1)
        return ud_error_set(UD_ELIMIT, "base64 of %zu bytes does not fit in %zu bytes", len,
                            out_size);
    const char *alphabet = (flags & UD_BASE64_URL) ? url_alphabet : std_alphabet;
    const uint8_t *in = data;
    size_t o = 0, i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        if (!(flags & UD_BASE64_NOPAD)) {
            out[o++] = '=';
            out[o++] = '=';
        }
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        if (!(flags & UD_BASE64_NOPAD))
            out[o++] = '=';
    }
    out[o] = '\0';
    return 0;
}

/* All ones if lo <= c <= hi, else 0, without a branch on c (0 <= c < 256). */
static uint32_t in_range(uint32_t c, uint32_t lo, uint32_t hi)
{
    /* Both differences wrap to a value with the top bit set exactly when
     * c is inside the range. */
    uint32_t inside = ((lo - 1 - c) & (c - hi - 1)) >> 31;
    return 0u - inside;
}

/* The 6-bit value of a base64 character, or 0x100 (bit 8 set) if the
 * character is not in the alphabet. */
static uint32_t digit_value(unsigned char ch, unsigned flags)
{
    uint32_t c = ch;
    uint32_t c62 = (flags & UD_BASE64_URL) ? '-' : '+';
    uint32_t c63 = (flags & UD_BASE64_URL) ? '_' : '/';
    uint32_t m, v = 0, found = 0;
    m = in_range(c, 'A', 'Z');
    v |= m & (c - 'A');
    found |= m;
    m = in_range(c, 'a', 'z');
    v |= m & (c - 'a' + 26);
    found |= m;
    m = in_range(c, '0', '9');
    v |= m & (c - '0' + 52);
    found |= m;
    m = in_range(c, c62, c62);
    v |= m & 62;
    found |= m;
    m = in_range(c, c63, c63);
    v |= m & 63;
    found |= m;
    return v | (~found & 0x100);
}

int ud_base64_decode(uint8_t *out, size_t out_size, size_t *out_len, ud_str text, unsigned flags)
{
    size_t data_len = text.len;
    if (!(flags & UD_BASE64_NOPAD)) {
        if (text.len % 4 != 0)
            return ud_error_set(UD_EINVAL, "padded base64 must be a multiple of 4 characters");
        /* Up to two '=' at the end. Padding is public structure, so this may
         * branch; a '=' anywhere else fails below as a bad character. */
        for (int pad = 0; pad < 2 && data_len > 0 && text.ptr[data_len - 1] == '='; pad++)
            data_len--;
    }
    size_t rest = data_len % 4;
    if (rest == 1)
        return ud_error_set(UD_EINVAL, "base64 of %zu characters is truncated", data_len);
    size_t need = data_len / 4 * 3 + (rest ? rest - 1 : 0);
    if (need > out_size)
        return ud_error_set(UD_ELIMIT, "base64 decodes to %zu bytes, more than the %zu allowed",
                            need, out_size);

    const unsigned char *in = (const unsigned char *)text.ptr;
    uint32_t bad = 0; /* bit 8: a character outside the alphabet; bits 9-12: stray bits */
    size_t o = 0, i = 0;
    for (; i + 4 <= data_len; i += 4) {
        uint32_t a = digit_value(in[i], flags), b = digit_value(in[i + 1], flags),
                 c = digit_value(in[i + 2], flags), d = digit_value(in[i + 3], flags);
        bad |= (a | b | c | d) & 0x100;
        uint32_t v = (a & 63) << 18 | (b & 63) << 12 | (c & 63) << 6 | (d & 63);
        out[o++] = (uint8_t)(v >> 16);
        out[o++] = (uint8_t)(v >> 8);
        out[o++] = (uint8_t)v;
    }
    if (rest == 2) {
        uint32_t a = digit_value(in[i], flags), b = digit_value(in[i + 1], flags);
        bad |= (a | b) & 0x100;
        bad |= (b & 0x0f) << 9; /* bits past the last byte must be zero */
        out[o++] = (uint8_t)((a & 63) << 2 | (b & 63) >> 4);
    } else if (rest == 3) {
        uint32_t a = digit_value(in[i], flags), b = digit_value(in[i + 1], flags),
                 c = digit_value(in[i + 2], flags);
        bad |= (a | b | c) & 0x100;
        bad |= (c & 0x03) << 9;
        out[o++] = (uint8_t)((a & 63) << 2 | (b & 63) >> 4);
        out[o++] = (uint8_t)((b & 0x0f) << 4 | (c & 63) >> 2);
    }
    if (bad & 0x100)
        return ud_error_set(UD_EINVAL, "base64 text has a character outside its alphabet");
    if (bad)
        return ud_error_set(UD_EINVAL, "base64 text is not canonical (stray bits at the end)");
    *out_len = o;
    return 0;
}

/* Divides the big-endian number num[0..len) by 62 in place and returns the
 * remainder. */
static unsigned div62(uint8_t *num, size_t len)
{
    unsigned rem = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned cur = rem << 8 | num[i];
        num[i] = (uint8_t)(cur / 62);
        rem = cur % 62;
    }
    return rem;
}

static bool is_zero(const uint8_t *num, size_t len)
{
    uint8_t any = 0;
    for (size_t i = 0; i < len; i++)
        any |= num[i];
    return any == 0;
}

size_t ud_base62_encoded_len(size_t bytes)
{
    if (bytes == 0 || bytes > UD_BASE62_MAX_BYTES)
        return 0;
    /* The digits of the largest value, 256^bytes - 1: exact, unlike a
     * floating-point logarithm. */
    uint8_t num[UD_BASE62_MAX_BYTES];
    memset(num, 0xff, bytes);
    size_t digits = 0;
    while (!is_zero(num, bytes)) {
        (void)div62(num, bytes);
        digits++;
    }
    return digits;
}

int ud_base62_encode(char *out, size_t out_size, const uint8_t *bytes, size_t len)
{
    if (len == 0 || len > UD_BASE62_MAX_BYTES)
        return ud_error_set(UD_EINVAL, "base62 takes 1 to %d bytes, not %zu", UD_BASE62_MAX_BYTES,
                            len);
    size_t width = ud_base62_encoded_len(len);
    if (out_size < width + 1)
        return ud_error_set(UD_ELIMIT, "base62 of %zu bytes needs %zu bytes of room, not %zu", len,
                            width + 1, out_size);
    uint8_t num[UD_BASE62_MAX_BYTES];
    memcpy(num, bytes, len);
    /* Least significant digit first, from the right end. */
    for (size_t i = width; i > 0; i--)
        out[i - 1] = base62_digits[div62(num, len)];
    out[width] = '\0';
    ud_crypto_wipe(num, sizeof(num));
    return 0;
}

int ud_base62_random(char *out, size_t out_size, size_t bytes)
{
    if (bytes == 0 || bytes > UD_BASE62_MAX_BYTES)
        return ud_error_set(UD_EINVAL, "base62 takes 1 to %d bytes, not %zu", UD_BASE62_MAX_BYTES,
                            bytes);
    uint8_t random[UD_BASE62_MAX_BYTES];
    int rc = ud_random_bytes(random, bytes);
    if (rc == 0)
        rc = ud_base62_encode(out, out_size, random, bytes);
    ud_crypto_wipe(random, sizeof(random));
    return rc;
}
