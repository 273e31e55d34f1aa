/*
 * Tests of Fernet: the published vectors of the spec (fernet/spec
 * generate.json, verify.json, invalid.json), tampering with every byte,
 * TTLs, limits, and interoperability in both directions with Python's
 * cryptography.fernet, which these tests require.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/encoding.h"
#include "base/fernet.h"
#include "test.h"

static const char spec_key[] = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
static const char spec_token[] =
    "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuV"
    "UPgJobwOz7JcbmrR64jVmpU4IwqDA==";
#define SPEC_TIME 499162800 /* 1985-10-26T08:20:00Z */

static ud_fernet_key parse_key(const char *text)
{
    ud_fernet_key key;
    UD_CHECK_OK(ud_fernet_key_parse(&key, ud_str_from(text)));
    return key;
}

/* Decrypts and returns the error code, checking the message on failure. */
static int open_token(const ud_fernet_key *key, const char *token, int64_t ttl, int64_t now,
                      const char *message_part)
{
    uint8_t *plain = (uint8_t *)"sentinel";
    size_t len = 12345;
    int rc = ud_fernet_decrypt(&plain, &len, key, ud_str_from(token), ttl, now);
    if (rc == 0) {
        free(plain);
        return 0;
    }
    /* Nothing handed out on failure. */
    UD_CHECK(strcmp((const char *)plain, "sentinel") == 0);
    UD_CHECK_EQ_INT(12345, len);
    if (message_part)
        UD_CHECK_CONTAINS(ud_test_error_message(), message_part);
    return rc;
}

/* Fails the test, loudly, if python3 or its cryptography module is missing:
 * the interoperability tests must not pass by not running. */
static void require_python_fernet(void)
{
    char *out = NULL;
    int status = ud_test_run(&out, "python3 -c 'import cryptography.fernet'");
    if (status != 0)
        ud_test_fail(__FILE__, __LINE__,
                     "python3 with the 'cryptography' module is required for the Fernet "
                     "interoperability tests (apt-get install python3-cryptography, or pip "
                     "install cryptography); 'python3 -c \"import cryptography.fernet\"' exited "
                     "%d: %s",
                     status, out);
    free(out);
}

/* Drops the trailing newline python's print leaves. */
static char *chomp(char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

void test_fernet__spec_generate_vector(void)
{
    ud_fernet_key key = parse_key(spec_key);
    uint8_t iv[UD_FERNET_IV_LEN];
    for (int i = 0; i < UD_FERNET_IV_LEN; i++)
        iv[i] = (uint8_t)i;
    char *token = NULL;
    UD_CHECK_OK(ud_fernet_encrypt_at(&token, &key, "hello", 5, SPEC_TIME, iv));
    UD_CHECK_EQ_STR(spec_token, token);
    UD_CHECK_EQ_INT(strlen(token), ud_fernet_token_len(5));
    free(token);
}

void test_fernet__spec_verify_vector(void)
{
    ud_fernet_key key = parse_key(spec_key);
    uint8_t *plain = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_fernet_decrypt(&plain, &len, &key, ud_str_from(spec_token), 60, SPEC_TIME + 1));
    UD_CHECK_EQ_INT(5, len);
    UD_CHECK_EQ_STR("hello", (const char *)plain); /* NUL-terminated for convenience */
    free(plain);
    ud_fernet_key_wipe(&key);
    uint8_t zero[sizeof(key)] = {0};
    UD_CHECK(memcmp(&key, zero, sizeof(key)) == 0);
}

void test_fernet__spec_invalid_vectors(void)
{
    static const struct {
        const char *token;
        int64_t now;
        const char *why;
    } bad[] = {
        /* incorrect mac */
        {"gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQU"
         "FBQUFBQUFBQQ==",
         SPEC_TIME + 1, "signature"},
        /* too short */
        {"gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==", SPEC_TIME + 1, "too short"},
        /* invalid base64 */
        {"%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRt"
         "fsH-p1YsUD2Q==",
         SPEC_TIME + 1, "base64"},
        /* payload size not multiple of block size */
        {"gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v"
         "7mrfyudzUm",
         SPEC_TIME + 1, "blocks"},
        /* payload padding error */
        {"gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJ"
         "NYIbkuKNqOhw==",
         SPEC_TIME + 1, "padding"},
        /* far-future TS (unacceptable clock skew) */
        {"gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kB"
         "d-iX9b_qXQcw==",
         SPEC_TIME + 1, "future"},
        /* expired TTL */
        {"gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRt"
         "fsH-p1YsUD2Q==",
         SPEC_TIME + 91, "expired"},
        /* incorrect IV (causes padding error) */
        {"gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUE"
         "Z1TIvcZjK1zQ==",
         SPEC_TIME + 1, "padding"},
    };
    ud_fernet_key key = parse_key(spec_key);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, bad[i].token, 60, bad[i].now, bad[i].why));
    /* The expired one opens without a TTL, as in the spec. */
    UD_CHECK_OK(open_token(&key, bad[6].token, 0, SPEC_TIME + 91, NULL));
}

void test_fernet__tampering_with_any_byte_fails(void)
{
    ud_fernet_key key = parse_key(spec_key);
    uint8_t raw[128];
    size_t raw_len = 0;
    UD_CHECK_OK(
        ud_base64_decode(raw, sizeof(raw), &raw_len, ud_str_from(spec_token), UD_BASE64_URL));
    UD_CHECK_EQ_INT(1 + 8 + 16 + 16 + 32, raw_len);
    /* One flipped bit in each byte: version (0), timestamp (1-8), IV (9-24),
     * ciphertext (25-40), HMAC (41-72). */
    for (size_t i = 0; i < raw_len; i++) {
        for (int bit = 0; bit < 8; bit += 7) {
            raw[i] ^= (uint8_t)(1u << bit);
            char text[200];
            UD_CHECK_OK(ud_base64_encode(text, sizeof(text), raw, raw_len, UD_BASE64_URL));
            int rc = open_token(&key, text, 0, 0, NULL);
            if (rc != UD_EAUTH)
                ud_test_fail(__FILE__, __LINE__, "flipping bit %d of byte %zu gave %d", bit, i, rc);
            raw[i] ^= (uint8_t)(1u << bit);
        }
    }
    /* Any changed character of the text, including those that only touch
     * the unused bits of the last group. */
    char text[sizeof(spec_token)];
    for (size_t i = 0; i < strlen(spec_token); i++) {
        memcpy(text, spec_token, sizeof(text));
        text[i] = text[i] == 'B' ? 'C' : 'B';
        UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, text, 0, 0, NULL));
    }
    /* Truncated, extended, cut at the padding. */
    memcpy(text, spec_token, sizeof(text));
    text[strlen(text) - 4] = '\0';
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, text, 0, 0, NULL));
    char longer[sizeof(spec_token) + 4];
    snprintf(longer, sizeof(longer), "%sAAAA", spec_token);
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, longer, 0, 0, NULL));
    memcpy(text, spec_token, sizeof(text));
    text[strlen(text) - 2] = '\0'; /* without "==" */
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, text, 0, 0, "base64"));
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, "", 0, 0, "too short"));
}

void test_fernet__wrong_key_fails(void)
{
    char other_text[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(other_text));
    ud_fernet_key other = parse_key(other_text);
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&other, spec_token, 0, 0, "signature"));
    /* The right key with its halves swapped is a wrong key. */
    ud_fernet_key key = parse_key(spec_key), swapped;
    memcpy(swapped.signing, key.encryption, 16);
    memcpy(swapped.encryption, key.signing, 16);
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&swapped, spec_token, 0, 0, "signature"));
}

void test_fernet__ttl_bounds(void)
{
    ud_fernet_key key = parse_key(spec_key);
    UD_CHECK_OK(open_token(&key, spec_token, 60, SPEC_TIME + 60, NULL)); /* exactly ttl old */
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, spec_token, 60, SPEC_TIME + 61, "expired"));
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, spec_token, 1, INT64_MAX, "expired"));
    UD_CHECK_OK(open_token(&key, spec_token, 0, 4000000000, NULL)); /* no TTL: any age */
    UD_CHECK_OK(open_token(&key, spec_token, -5, 4000000000, NULL));
    /* Up to 60 seconds ahead of our clock is tolerated, as in Python. */
    UD_CHECK_OK(open_token(&key, spec_token, 60, SPEC_TIME - 60, NULL));
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, spec_token, 60, SPEC_TIME - 61, "future"));
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, spec_token, 60, INT64_MIN, "future"));
    UD_CHECK_OK(open_token(&key, spec_token, 0, SPEC_TIME - 1000, NULL));
}

void test_fernet__keys_parse_strictly(void)
{
    char text[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(text));
    UD_CHECK_EQ_INT(44, strlen(text));
    UD_CHECK(text[43] == '=');
    parse_key(text);
    char again[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(again));
    UD_CHECK(strcmp(text, again) != 0);

    static const char *const bad[] = {
        "",
        "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4",   /* padding missing */
        "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4==", /* one pad too many */
        "cw/0x689RpI+jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",  /* standard alphabet */
        "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e5=",  /* stray bits */
        "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4= ", /* whitespace */
        " w_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",
        "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4===", /* 31 bytes */
        "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ud_fernet_key key;
        UD_CHECK_EQ_INT(UD_EINVAL, ud_fernet_key_parse(&key, ud_str_from(bad[i])));
        UD_CHECK_CONTAINS(ud_test_error_message(), "44 characters");
        UD_CHECK(strstr(ud_test_error_message(), "RpI") == NULL); /* never echoes the key */
    }
}

void test_fernet__round_trips_all_sizes(void)
{
    char text[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(text));
    ud_fernet_key key = parse_key(text);
    uint8_t *data = malloc(100000);
    for (size_t i = 0; i < 100000; i++)
        data[i] = (uint8_t)(i * 131 + 7);
    static const size_t sizes[] = {0, 1, 15, 16, 17, 31, 32, 33, 255, 4096, 100000};
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        char *token = NULL;
        UD_CHECK_OK(ud_fernet_encrypt(&token, &key, data, sizes[s]));
        UD_CHECK_EQ_INT(ud_fernet_token_len(sizes[s]), strlen(token));
        uint8_t *plain = NULL;
        size_t len = 0;
        UD_CHECK_OK(ud_fernet_decrypt(&plain, &len, &key, ud_str_from(token), 60, ud_now()));
        UD_CHECK_EQ_INT(sizes[s], len);
        UD_CHECK(memcmp(plain, data, len) == 0);
        UD_CHECK(plain[len] == '\0');
        free(plain);
        /* A fresh IV each time: the same plaintext never gives the same token. */
        char *again = NULL;
        UD_CHECK_OK(ud_fernet_encrypt(&again, &key, data, sizes[s]));
        UD_CHECK(strcmp(token, again) != 0);
        free(again);
        free(token);
    }
    free(data);
}

void test_fernet__size_limits(void)
{
    ud_fernet_key key = parse_key(spec_key);
    /* The largest plaintext whose token fits. */
    size_t max = UD_FERNET_MAX_TOKEN_LEN;
    while (ud_fernet_token_len(max) > UD_FERNET_MAX_TOKEN_LEN)
        max--;
    uint8_t *data = calloc(max + 1, 1);
    char *token = NULL;
    UD_CHECK_OK(ud_fernet_encrypt(&token, &key, data, max));
    uint8_t *plain = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_fernet_decrypt(&plain, &len, &key, ud_str_from(token), 0, 0));
    UD_CHECK_EQ_INT(max, len);
    free(plain);
    free(token);
    token = NULL;
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_fernet_encrypt(&token, &key, data, max + 1));
    UD_CHECK(token == NULL);
    free(data);
    UD_CHECK_EQ_INT(SIZE_MAX, ud_fernet_token_len(SIZE_MAX - 10));

    /* A token one character over the cap is refused before decoding. */
    char *huge = malloc(UD_FERNET_MAX_TOKEN_LEN + 2);
    memset(huge, 'A', UD_FERNET_MAX_TOKEN_LEN + 1);
    huge[UD_FERNET_MAX_TOKEN_LEN + 1] = '\0';
    UD_CHECK_EQ_INT(UD_ELIMIT, open_token(&key, huge, 0, 0, "allowed"));
    free(huge);

    uint8_t iv[UD_FERNET_IV_LEN] = {0};
    UD_CHECK_EQ_INT(UD_EINVAL, ud_fernet_encrypt_at(&token, &key, "x", 1, -1, iv));
}

void test_fernet__c_encrypts_python_decrypts(void)
{
    require_python_fernet();
    char key_text[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(key_text));
    ud_fernet_key key = parse_key(key_text);
    uint8_t message[256 + 9];
    for (int i = 0; i < 256; i++)
        message[i] = (uint8_t)i;
    memcpy(message + 256, " from C!", 9);
    char expected[2 * sizeof(message) + 1];
    ud_hex_encode(expected, message, sizeof(message));

    /* At the current time, under Python's own TTL check. */
    char *token = NULL, *out = NULL;
    UD_CHECK_OK(ud_fernet_encrypt(&token, &key, message, sizeof(message)));
    int status = ud_test_run(&out,
                             "python3 -c 'import sys; from cryptography.fernet import Fernet; "
                             "print(Fernet(sys.argv[1]).decrypt(sys.argv[2], ttl=600).hex())' "
                             "'%s' '%s'",
                             key_text, token);
    UD_CHECK_EQ_INT(0, status);
    UD_CHECK_EQ_STR(expected, chomp(out));
    free(out);
    free(token);

    /* At a fixed time: Python reads our timestamp as we wrote it. */
    uint8_t iv[UD_FERNET_IV_LEN];
    UD_CHECK_OK(ud_random_bytes(iv, sizeof(iv)));
    UD_CHECK_OK(ud_fernet_encrypt_at(&token, &key, message, sizeof(message), 1700000000, iv));
    status = ud_test_run(&out,
                         "python3 -c 'import sys; from cryptography.fernet import Fernet; "
                         "f = Fernet(sys.argv[1]); t = sys.argv[2]; "
                         "print(f.extract_timestamp(t)); "
                         "print(f.decrypt_at_time(t, ttl=100, current_time=1700000100).hex())' "
                         "'%s' '%s'",
                         key_text, token);
    UD_CHECK_EQ_INT(0, status);
    char want[2 * sizeof(message) + 32];
    snprintf(want, sizeof(want), "1700000000\n%s", expected);
    UD_CHECK_EQ_STR(want, chomp(out));
    free(out);

    /* And Python agrees it is expired one second later. */
    status = ud_test_run(&out,
                         "python3 -c 'import sys; from cryptography.fernet import Fernet, "
                         "InvalidToken\ntry:\n  Fernet(sys.argv[1]).decrypt_at_time(sys.argv[2], "
                         "ttl=100, current_time=1700000101)\nexcept InvalidToken:\n  "
                         "print(\"refused\")' '%s' '%s'",
                         key_text, token);
    UD_CHECK_EQ_INT(0, status);
    UD_CHECK_EQ_STR("refused", chomp(out));
    free(out);
    free(token);
}

void test_fernet__python_encrypts_c_decrypts(void)
{
    require_python_fernet();
    /* Python makes the key too, so key parsing is checked against it. */
    char *out = NULL;
    int status = ud_test_run(&out, "python3 -c 'from cryptography.fernet import Fernet; "
                                   "k = Fernet.generate_key(); f = Fernet(k); "
                                   "m = bytes(range(256)) + b\" from Python\"; "
                                   "print(k.decode()); print(f.encrypt(m).decode()); "
                                   "print(f.encrypt_at_time(m, 1700000000).decode()); "
                                   "print(f.encrypt(b\"\").decode())'");
    UD_CHECK_EQ_INT(0, status);
    char *lines[4] = {0};
    char *cursor = out;
    for (int i = 0; i < 4; i++) {
        char *newline = strchr(cursor, '\n');
        if (!newline)
            ud_test_fail(__FILE__, __LINE__, "expected 4 lines from python, got: %s", out);
        *newline = '\0';
        lines[i] = cursor;
        cursor = newline + 1;
    }
    ud_fernet_key key = parse_key(lines[0]);
    uint8_t message[256 + 12];
    for (int i = 0; i < 256; i++)
        message[i] = (uint8_t)i;
    memcpy(message + 256, " from Python", 12);

    uint8_t *plain = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_fernet_decrypt(&plain, &len, &key, ud_str_from(lines[1]), 600, ud_now()));
    UD_CHECK_EQ_INT(sizeof(message), len);
    UD_CHECK(memcmp(plain, message, len) == 0);
    free(plain);

    UD_CHECK_OK(
        ud_fernet_decrypt(&plain, &len, &key, ud_str_from(lines[2]), 100, 1700000000 + 100));
    UD_CHECK_EQ_INT(sizeof(message), len);
    UD_CHECK(memcmp(plain, message, len) == 0);
    free(plain);
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&key, lines[2], 100, 1700000000 + 101, "expired"));

    UD_CHECK_OK(ud_fernet_decrypt(&plain, &len, &key, ud_str_from(lines[3]), 600, ud_now()));
    UD_CHECK_EQ_INT(0, len);
    free(plain);

    /* A token Python made with another key is refused. */
    char other_text[UD_FERNET_KEY_TEXT_LEN + 1];
    UD_CHECK_OK(ud_fernet_key_generate(other_text));
    ud_fernet_key other = parse_key(other_text);
    UD_CHECK_EQ_INT(UD_EAUTH, open_token(&other, lines[1], 0, 0, "signature"));
    free(out);
}
