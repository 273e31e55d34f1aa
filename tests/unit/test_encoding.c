/*
 * Tests of base64 (RFC 4648 vectors, the strict decoder's refusals, bounds)
 * and of base62 for API keys.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/encoding.h"
#include "test.h"

static const char *encode(const void *data, size_t len, unsigned flags)
{
    static char out[512];
    UD_CHECK_OK(ud_base64_encode(out, sizeof(out), data, len, flags));
    UD_CHECK_EQ_INT(ud_base64_encoded_len(len, flags), strlen(out));
    return out;
}

/* Decodes into a static buffer, NUL-terminated, or returns the error code
 * through *rc. */
static const char *decode(int *rc, const char *text, unsigned flags)
{
    static uint8_t out[512];
    size_t len = 0;
    *rc = ud_base64_decode(out, sizeof(out) - 1, &len, ud_str_from(text), flags);
    if (*rc < 0)
        return NULL;
    UD_CHECK(len <= ud_base64_decoded_max(strlen(text)));
    out[len] = '\0';
    return (const char *)out;
}

void test_encoding__base64_rfc4648_vectors(void)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const padded[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
                                         "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    static const char *const bare[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        int rc;
        UD_CHECK_EQ_STR(padded[i], encode(plain[i], strlen(plain[i]), 0));
        UD_CHECK_EQ_STR(bare[i], encode(plain[i], strlen(plain[i]), UD_BASE64_NOPAD));
        UD_CHECK_EQ_STR(plain[i], decode(&rc, padded[i], 0));
        UD_CHECK_EQ_STR(plain[i], decode(&rc, padded[i], UD_BASE64_URL));
        UD_CHECK_EQ_STR(plain[i], decode(&rc, bare[i], UD_BASE64_NOPAD));
        UD_CHECK_EQ_STR(plain[i], decode(&rc, bare[i], UD_BASE64_URL | UD_BASE64_NOPAD));
    }
}

void test_encoding__base64_url_alphabet(void)
{
    const uint8_t bytes[] = {0xfb, 0xff, 0xbf};
    UD_CHECK_EQ_STR("+/+/", encode(bytes, 3, 0));
    UD_CHECK_EQ_STR("-_-_", encode(bytes, 3, UD_BASE64_URL));
    UD_CHECK_EQ_STR("-_8", encode(bytes, 2, UD_BASE64_URL | UD_BASE64_NOPAD));
    int rc;
    UD_CHECK(decode(&rc, "-_-_", UD_BASE64_URL) != NULL);
    /* Each alphabet refuses the other's two characters. */
    UD_CHECK(decode(&rc, "+/+/", UD_BASE64_URL) == NULL && rc == UD_EINVAL);
    UD_CHECK(decode(&rc, "-_-_", 0) == NULL && rc == UD_EINVAL);
    UD_CHECK(decode(&rc, "-/+_", UD_BASE64_URL) == NULL && rc == UD_EINVAL);
}

void test_encoding__base64_decoder_is_strict(void)
{
    static const struct {
        const char *text;
        unsigned flags;
    } bad[] = {
        {"Zm9v YmFy", 0},                          /* space */
        {"Zm9v\nYmFy", 0},                         /* newline */
        {"Zm9vYmFy\n", UD_BASE64_NOPAD},           /* trailing newline */
        {"Zm9*", 0},                               /* not in the alphabet */
        {"Zm9\x80", 0},                            /* high byte */
        {"Zg", 0},                                 /* padding missing */
        {"Zg=", 0},                                /* padding short */
        {"Zg==", UD_BASE64_NOPAD},                 /* padding where none is allowed */
        {"Zm8=", UD_BASE64_URL | UD_BASE64_NOPAD}, /* ditto */
        {"Z===", 0},                               /* three pads */
        {"====", 0},                               /* nothing but padding */
        {"Zg==Zg==", 0},                           /* padding inside */
        {"Z=g=", 0},                               /* padding inside a group */
        {"Zh==", 0},                               /* stray bits after "f" */
        {"Zm9=", 0},                               /* stray bits after "fo" */
        {"Zh", UD_BASE64_NOPAD},                   /* stray bits, unpadded */
        {"Zm9vY", UD_BASE64_NOPAD},                /* 1 mod 4: no encoder writes this */
        {"Z", UD_BASE64_NOPAD},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = 0;
        const char *got = decode(&rc, bad[i].text, bad[i].flags);
        if (got || rc != UD_EINVAL)
            ud_test_fail(__FILE__, __LINE__, "\"%s\" (flags %u) gave %d, not UD_EINVAL",
                         bad[i].text, bad[i].flags, rc);
    }
    /* A NUL inside the slice is a bad character too. */
    uint8_t out[8];
    size_t len;
    UD_CHECK_EQ_INT(UD_EINVAL, ud_base64_decode(out, sizeof(out), &len, (ud_str){"Zm\0v", 4}, 0));
}

void test_encoding__base64_respects_output_sizes(void)
{
    uint8_t out[6];
    size_t len = 99;
    UD_CHECK_OK(ud_base64_decode(out, 6, &len, UD_STR("Zm9vYmFy"), 0));
    UD_CHECK_EQ_INT(6, len);
    UD_CHECK(memcmp(out, "foobar", 6) == 0);
    len = 99;
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_base64_decode(out, 5, &len, UD_STR("Zm9vYmFy"), 0));
    UD_CHECK_EQ_INT(99, len); /* untouched on failure */
    UD_CHECK_OK(ud_base64_decode(out, 5, &len, UD_STR("Zm9vYmE="), 0));
    UD_CHECK_EQ_INT(5, len);

    char text[9];
    memset(text, 'x', sizeof(text));
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_base64_encode(text, 8, "foobar", 6, 0)); /* no room for NUL */
    UD_CHECK(text[0] == 'x');
    UD_CHECK_OK(ud_base64_encode(text, 9, "foobar", 6, 0));
    UD_CHECK_EQ_STR("Zm9vYmFy", text);
}

void test_encoding__base64_round_trips_every_length_and_flag(void)
{
    uint8_t data[200], back[200];
    char text[300];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 37 + 11);
    for (unsigned flags = 0; flags < 4; flags++) {
        for (size_t len = 0; len <= sizeof(data); len++) {
            UD_CHECK_OK(ud_base64_encode(text, sizeof(text), data, len, flags));
            size_t got = 0;
            UD_CHECK_OK(ud_base64_decode(back, sizeof(back), &got, ud_str_from(text), flags));
            UD_CHECK_EQ_INT(len, got);
            UD_CHECK(memcmp(data, back, len) == 0);
        }
    }
}

void test_encoding__base62_known_values(void)
{
    char out[100];
    UD_CHECK_OK(ud_base62_encode(out, sizeof(out), (const uint8_t[]){0x00, 0x3d}, 2));
    UD_CHECK_EQ_STR("00z", out); /* 61 */
    UD_CHECK_OK(ud_base62_encode(out, sizeof(out), (const uint8_t[]){0x00, 0x3e}, 2));
    UD_CHECK_EQ_STR("010", out); /* 62 */
    UD_CHECK_OK(ud_base62_encode(out, sizeof(out), (const uint8_t[]){0xff, 0xff}, 2));
    UD_CHECK_EQ_STR("H31", out); /* 65535 = 17*62^2 + 3*62 + 1 */
    /* Bytes 00..1f and ff..ff as 256-bit numbers, written by Python:
     *   n = int.from_bytes(bytes(range(32)), 'big'); s = ''
     *   for _ in range(43): n, r = divmod(n, 62); s = ALPHABET[r] + s */
    uint8_t bytes[32];
    for (int i = 0; i < 32; i++)
        bytes[i] = (uint8_t)i;
    UD_CHECK_OK(ud_base62_encode(out, sizeof(out), bytes, 32));
    UD_CHECK_EQ_STR("003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf", out);
    memset(bytes, 0xff, sizeof(bytes));
    UD_CHECK_OK(ud_base62_encode(out, sizeof(out), bytes, 32));
    UD_CHECK_EQ_STR("yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1", out);
    memset(bytes, 0, sizeof(bytes));
    UD_CHECK_OK(ud_base62_encode(out, sizeof(out), bytes, 32));
    UD_CHECK_EQ_STR("0000000000000000000000000000000000000000000", out);
}

void test_encoding__base62_width_is_exact_for_every_size(void)
{
    UD_CHECK_EQ_INT(43, ud_base62_encoded_len(32));
    UD_CHECK_EQ_INT(0, ud_base62_encoded_len(0));
    UD_CHECK_EQ_INT(0, ud_base62_encoded_len(UD_BASE62_MAX_BYTES + 1));
    uint8_t ones[UD_BASE62_MAX_BYTES];
    memset(ones, 0xff, sizeof(ones));
    char out[128];
    for (size_t n = 1; n <= UD_BASE62_MAX_BYTES; n++) {
        size_t width = ud_base62_encoded_len(n);
        UD_CHECK_OK(ud_base62_encode(out, sizeof(out), ones, n));
        UD_CHECK_EQ_INT(width, strlen(out));
        UD_CHECK(out[0] != '0'); /* no wasted digit: the largest value needs them all */
    }
}

void test_encoding__base62_random_api_keys(void)
{
    char a[8 + 44] = "sk_live_", b[8 + 44] = "sk_live_";
    UD_CHECK_OK(ud_base62_random(a + 8, sizeof(a) - 8, 32));
    UD_CHECK_OK(ud_base62_random(b + 8, sizeof(b) - 8, 32));
    UD_CHECK_EQ_INT(8 + 43, strlen(a));
    UD_CHECK(strspn(a + 8, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == 43);
    UD_CHECK(strcmp(a, b) != 0);
    /* Every digit shows up in the last position over many keys (a modulo
     * bias or a stuck digit would show as missing ones). */
    int seen[62] = {0};
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (int i = 0; i < 2000; i++) {
        UD_CHECK_OK(ud_base62_random(a, sizeof(a), 32));
        seen[strchr(digits, a[42]) - digits]++;
    }
    for (int d = 0; d < 62; d++)
        UD_CHECK(seen[d] > 0);

    UD_CHECK_EQ_INT(UD_ELIMIT, ud_base62_random(a, 43, 32)); /* no room for the NUL */
    UD_CHECK_EQ_INT(UD_EINVAL, ud_base62_random(a, sizeof(a), 0));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_base62_random(a, sizeof(a), UD_BASE62_MAX_BYTES + 1));
}
