/*
 * Tests of HS256 JWTs: round trips, tokens computed independently (RFC 7515
 * appendix A.1, and Python's hmac/hashlib/base64), and every refusal the
 * verifier must make.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/encoding.h"
#include "base/jwt.h"
#include "test.h"

static const char key[] = "unify-test-key-0123456789abcdef!"; /* 32 bytes */
#define KEY_LEN (sizeof(key) - 1)
#define NOW 1800000000

/* A signed token with exactly this header and payload text, for the cases
 * ud_jwt_sign would never produce. NULL key: an empty signature. */
static char *make_token(const char *header, const char *payload, const char *with_key)
{
    enum { FLAGS = UD_BASE64_URL | UD_BASE64_NOPAD };
    size_t cap = 4 * (strlen(header) + strlen(payload)) + 128;
    char *token = malloc(cap);
    UD_CHECK_OK(ud_base64_encode(token, cap, header, strlen(header), FLAGS));
    size_t at = strlen(token);
    token[at++] = '.';
    UD_CHECK_OK(ud_base64_encode(token + at, cap - at, payload, strlen(payload), FLAGS));
    at += strlen(token + at);
    uint8_t mac[UD_SHA256_LEN];
    ud_hmac_sha256(mac, with_key ? with_key : "", with_key ? strlen(with_key) : 0, token, at);
    token[at++] = '.';
    if (with_key)
        UD_CHECK_OK(ud_base64_encode(token + at, cap - at, mac, sizeof(mac), FLAGS));
    else
        token[at] = '\0';
    return token;
}

/* Verifies with the test key at NOW, expecting issuer "unify"; returns the
 * code and checks the message (on failure) and that nothing was handed out. */
static int verify(const char *token, const char *message_part)
{
    json_t *claims = (json_t *)"sentinel";
    int rc = ud_jwt_verify(&claims, ud_str_from(token), key, KEY_LEN, "unify", NOW);
    if (rc == 0) {
        UD_CHECK(json_is_object(claims));
        json_decref(claims);
        return 0;
    }
    UD_CHECK(claims == (json_t *)"sentinel");
    if (message_part)
        UD_CHECK_CONTAINS(ud_test_error_message(), message_part);
    return rc;
}

static const char good_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
static const char good_claims[] = "{\"sub\":\"u1\",\"iss\":\"unify\",\"exp\":1800000600}";

static char *sign_claims(const char *claims_json)
{
    json_error_t error;
    json_t *claims = json_loads(claims_json, 0, &error);
    UD_CHECK(claims != NULL);
    char *token = NULL;
    UD_CHECK_OK(ud_jwt_sign(&token, claims, key, KEY_LEN));
    json_decref(claims);
    return token;
}

void test_jwt__round_trip_returns_the_claims(void)
{
    json_t *claims = json_pack("{s:s, s:s, s:I, s:I, s:[s,s], s:s}", "sub", "user-42", "iss",
                               "unify", "exp", (json_int_t)NOW + 3600, "nbf", (json_int_t)NOW,
                               "roles", "admin", "viewer", "name", "Zoë \"quoted\" / slash");
    char *token = NULL;
    UD_CHECK_OK(ud_jwt_sign(&token, claims, key, KEY_LEN));
    UD_CHECK(strncmp(token, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.", 37) == 0);
    UD_CHECK(strchr(token, '=') == NULL);
    json_t *back = NULL;
    UD_CHECK_OK(ud_jwt_verify(&back, ud_str_from(token), key, KEY_LEN, "unify", NOW));
    UD_CHECK(json_equal(claims, back));
    json_decref(back);
    /* No issuer expected: not checked. */
    UD_CHECK_OK(ud_jwt_verify(&back, ud_str_from(token), key, KEY_LEN, NULL, NOW));
    json_decref(back);
    free(token);
    json_decref(claims);
}

void test_jwt__rfc7515_example_verifies(void)
{
    /* RFC 7515 appendix A.1: an HS256 JWS whose header and payload contain
     * CRLF line breaks, with a 64-byte key given as a JWK. Its exp is
     * 1300819380. */
    static const char key_b64[] =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
    static const char token[] =
        "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQo"
        "gImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_"
        "wW1gFWFOEjXk";
    uint8_t rfc_key[64];
    size_t rfc_key_len = 0;
    UD_CHECK_OK(ud_base64_decode(rfc_key, sizeof(rfc_key), &rfc_key_len, UD_STR(key_b64),
                                 UD_BASE64_URL | UD_BASE64_NOPAD));
    UD_CHECK_EQ_INT(64, rfc_key_len);
    json_t *claims = NULL;
    UD_CHECK_OK(ud_jwt_verify(&claims, UD_STR(token), rfc_key, rfc_key_len, "joe", 1300819379));
    UD_CHECK(json_is_true(json_object_get(claims, "http://example.com/is_root")));
    json_decref(claims);
    UD_CHECK_EQ_INT(UD_EAUTH,
                    ud_jwt_verify(&claims, UD_STR(token), rfc_key, rfc_key_len, "joe", 1300819380));
    UD_CHECK_CONTAINS(ud_test_error_message(), "expired");
}

void test_jwt__matches_a_token_computed_by_python(void)
{
    char *token = sign_claims("{\"sub\":\"user-42\",\"iss\":\"unify\",\"exp\":2000000000,"
                              "\"org\":\"acme\",\"n\":[1,2,{\"k\":null}]}");
    char *out = NULL;
    int status = ud_test_run(
        &out,
        "python3 -c 'import base64, hashlib, hmac, json, sys\n"
        "b = lambda x: base64.urlsafe_b64encode(x).rstrip(b\"=\").decode()\n"
        "j = lambda o: json.dumps(o, separators=(\",\", \":\")).encode()\n"
        "s = b(j({\"alg\": \"HS256\", \"typ\": \"JWT\"})) + \".\" + b(j({\"sub\": \"user-42\", "
        "\"iss\": \"unify\", \"exp\": 2000000000, \"org\": \"acme\", \"n\": [1, 2, {\"k\": "
        "None}]}))\n"
        "print(s + \".\" + b(hmac.new(sys.argv[1].encode(), s.encode(), hashlib.sha256).digest()), "
        "end=\"\")' '%s'",
        key);
    if (status != 0)
        ud_test_fail(__FILE__, __LINE__, "python3 is required to compute the expected token: %s",
                     out);
    UD_CHECK_EQ_STR(out, token);
    free(out);
    free(token);
}

void test_jwt__refuses_other_algorithms(void)
{
    static const struct {
        const char *header, *why;
    } bad[] = {
        {"{\"alg\":\"none\",\"typ\":\"JWT\"}", "\"none\""},
        {"{\"alg\":\"None\"}", "\"none\""},
        {"{\"alg\":\"NONE\"}", "\"none\""},
        {"{\"alg\":\"HS512\",\"typ\":\"JWT\"}", "HS512"},
        {"{\"alg\":\"HS384\"}", "HS384"},
        {"{\"alg\":\"RS256\"}", "RS256"},
        {"{\"alg\":\"ES256\"}", "ES256"},
        {"{\"alg\":\"HS256 \"}", "HS256 "},
        {"{\"alg\":\" HS256\"}", "only HS256"},
        {"{\"alg\":\"hs256\"}", "hs256"},
        {"{\"alg\":\"HS256\\u0000\"}", "JSON object"}, /* jansson refuses NUL in strings */
        {"{\"alg\":\"HS2\\n56\"}", "HS2?56"},          /* control characters not echoed */
        {"{\"typ\":\"JWT\"}", "no string \"alg\""},
        {"{\"alg\":256}", "no string \"alg\""},
        {"{\"alg\":null}", "no string \"alg\""},
        {"{\"alg\":[\"HS256\"]}", "no string \"alg\""},
        {"{\"alg\":\"HS256\",\"alg\":\"none\"}", "JSON object"}, /* duplicate names */
        {"{\"alg\":\"HS256\",\"typ\":\"JWS\"}", "typ"},
        {"{\"alg\":\"HS256\",\"typ\":7}", "typ"},
        {"{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", "crit"},
        {"not json", "JSON object"},
        {"[\"HS256\"]", "JSON object"},
        {"\"HS256\"", "JSON object"},
        {"{\"alg\":\"HS256\"", "JSON object"},
        {"{\"alg\":\"HS256\"} {}", "JSON object"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* Properly HMAC'd with the right key: only the header is wrong. */
        char *token = make_token(bad[i].header, good_claims, key);
        int rc = verify(token, bad[i].why);
        if (rc != UD_EAUTH)
            ud_test_fail(__FILE__, __LINE__, "header %s gave %d", bad[i].header, rc);
        free(token);
    }
    /* typ is optional and case-insensitive. */
    char *token = make_token("{\"alg\":\"HS256\"}", good_claims, key);
    UD_CHECK_OK(verify(token, NULL));
    free(token);
    token = make_token("{\"typ\":\"jwt\",\"alg\":\"HS256\",\"kid\":\"k1\"}", good_claims, key);
    UD_CHECK_OK(verify(token, NULL));
    free(token);
}

void test_jwt__refuses_unsigned_tokens(void)
{
    /* The classic attack: re-sign with alg none and an empty signature. */
    char *token = make_token("{\"alg\":\"none\",\"typ\":\"JWT\"}", good_claims, NULL);
    UD_CHECK(token[strlen(token) - 1] == '.');
    UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "unsigned"));
    free(token);
    /* Our own header, signature dropped. */
    token = make_token(good_header, good_claims, NULL);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "unsigned"));
    free(token);
}

void test_jwt__refuses_bad_signatures(void)
{
    char *token = make_token(good_header, good_claims, key);
    UD_CHECK_OK(verify(token, NULL));
    size_t len = strlen(token);
    const char *sig = strrchr(token, '.') + 1;
    size_t sig_at = (size_t)(sig - token);

    /* Flip bits in the signature bytes. */
    for (size_t byte = 0; byte < 32; byte += 31) {
        uint8_t raw[32];
        size_t raw_len = 0;
        UD_CHECK_OK(ud_base64_decode(raw, sizeof(raw), &raw_len, ud_str_from(sig),
                                     UD_BASE64_URL | UD_BASE64_NOPAD));
        raw[byte] ^= 1;
        char *flipped = strdup(token);
        UD_CHECK_OK(ud_base64_encode(flipped + sig_at, len - sig_at + 1, raw, raw_len,
                                     UD_BASE64_URL | UD_BASE64_NOPAD));
        UD_CHECK_EQ_INT(UD_EAUTH, verify(flipped, "signature does not match"));
        free(flipped);
    }
    /* Any changed character anywhere in the token. */
    for (size_t i = 0; i < len; i++) {
        if (token[i] == '.')
            continue;
        char *changed = strdup(token);
        changed[i] = changed[i] == 'A' ? 'B' : 'A';
        UD_CHECK_EQ_INT(UD_EAUTH, verify(changed, NULL));
        free(changed);
    }
    /* Padded, truncated or lengthened signatures. */
    char *padded = malloc(len + 2);
    snprintf(padded, len + 2, "%s=", token);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(padded, "32 bytes"));
    padded[len - 1] = '\0';
    UD_CHECK_EQ_INT(UD_EAUTH, verify(padded, "32 bytes"));
    snprintf(padded, len + 2, "%sA", token);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(padded, "32 bytes"));
    free(padded);

    /* The wrong key. */
    json_t *claims = NULL;
    static const char other[] = "another-key-0123456789abcdefghij";
    UD_CHECK_EQ_INT(UD_EAUTH, ud_jwt_verify(&claims, ud_str_from(token), other, sizeof(other) - 1,
                                            "unify", NOW));
    UD_CHECK_CONTAINS(ud_test_error_message(), "signature does not match");
    free(token);
}

void test_jwt__checks_time_claims(void)
{
    char claims[256];
    /* exp: valid up to exp - 1, refused from exp on. */
    snprintf(claims, sizeof(claims), "{\"iss\":\"unify\",\"exp\":%d}", NOW + 1);
    char *token = make_token(good_header, claims, key);
    UD_CHECK_OK(verify(token, NULL));
    free(token);
    snprintf(claims, sizeof(claims), "{\"iss\":\"unify\",\"exp\":%d}", NOW);
    token = make_token(good_header, claims, key);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "expired 0 seconds ago"));
    free(token);
    snprintf(claims, sizeof(claims), "{\"iss\":\"unify\",\"exp\":%d}", NOW - 1000);
    token = make_token(good_header, claims, key);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "expired 1000 seconds ago"));
    free(token);
    token = make_token(good_header, "{\"iss\":\"unify\",\"exp\":-9223372036854775807}", key);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "expired"));
    free(token);

    /* exp missing or not an integer. */
    static const char *const bad_exp[] = {
        "{\"iss\":\"unify\"}",
        "{\"iss\":\"unify\",\"exp\":null}",
        "{\"iss\":\"unify\",\"exp\":\"2000000000\"}",
        "{\"iss\":\"unify\",\"exp\":2000000000.5}",
        "{\"iss\":\"unify\",\"exp\":true}",
        "{\"iss\":\"unify\",\"exp\":2000000000,\"exp\":1}", /* duplicate: refused outright */
    };
    for (size_t i = 0; i < sizeof(bad_exp) / sizeof(bad_exp[0]); i++) {
        token = make_token(good_header, bad_exp[i], key);
        UD_CHECK_EQ_INT(UD_EAUTH, verify(token, i == 0 ? "no \"exp\"" : NULL));
        free(token);
    }

    /* nbf: refused while in the future, accepted from nbf on. */
    snprintf(claims, sizeof(claims), "{\"iss\":\"unify\",\"exp\":%d,\"nbf\":%d}", NOW + 60,
             NOW + 1);
    token = make_token(good_header, claims, key);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "nbf"));
    free(token);
    snprintf(claims, sizeof(claims), "{\"iss\":\"unify\",\"exp\":%d,\"nbf\":%d}", NOW + 60, NOW);
    token = make_token(good_header, claims, key);
    UD_CHECK_OK(verify(token, NULL));
    free(token);
    snprintf(claims, sizeof(claims), "{\"iss\":\"unify\",\"exp\":%d,\"nbf\":\"soon\"}", NOW + 60);
    token = make_token(good_header, claims, key);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "nbf"));
    free(token);
}

void test_jwt__checks_the_issuer(void)
{
    static const char *const bad[] = {
        "{\"iss\":\"evil\",\"exp\":1800000600}",  "{\"iss\":\"unify \",\"exp\":1800000600}",
        "{\"iss\":\"Unify\",\"exp\":1800000600}", "{\"iss\":\"unifyx\",\"exp\":1800000600}",
        "{\"iss\":\"unif\",\"exp\":1800000600}",  "{\"iss\":7,\"exp\":1800000600}",
        "{\"iss\":null,\"exp\":1800000600}",      "{\"exp\":1800000600}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *token = make_token(good_header, bad[i], key);
        UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "issuer"));
        free(token);
    }
    char *token = make_token(good_header, bad[0], key);
    json_t *claims = NULL;
    UD_CHECK_OK(ud_jwt_verify(&claims, ud_str_from(token), key, KEY_LEN, "evil", NOW));
    json_decref(claims);
    free(token);
}

void test_jwt__refuses_malformed_tokens(void)
{
    static const struct {
        const char *token, *why;
    } bad[] = {
        {"", "three parts"},
        {"garbage", "three parts"},
        {"a.b", "three parts"},
        {"...", "three parts"},
        {"a.b.c.d", "three parts"},
        {"..", "empty part"},
        {".b.c", "empty part"},
        {"a..c", "empty part"},
        {"!!!.b.c", "header is not base64url"},
        {"eyJhbGciOiJIUzI1NiJ9=.b.c", "header is not base64url"},
        {" eyJhbGciOiJIUzI1NiJ9.b.c", "header is not base64url"},
        {"Bearer eyJhbGciOiJIUzI1NiJ9.b.c", "header is not base64url"},
        {"eyJhbGciOiJIUzI1NiJ9.b.c", "32 bytes"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = verify(bad[i].token, bad[i].why);
        if (rc != UD_EAUTH)
            ud_test_fail(__FILE__, __LINE__, "\"%s\" gave %d", bad[i].token, rc);
    }
    /* Claims that are not a JSON object, correctly signed: refused after
     * the signature matched. */
    static const char *const bad_claims[] = {"not json", "[1,2]", "{\"exp\":1800000600", "null"};
    for (size_t i = 0; i < sizeof(bad_claims) / sizeof(bad_claims[0]); i++) {
        char *token = make_token(good_header, bad_claims[i], key);
        UD_CHECK_EQ_INT(UD_EAUTH, verify(token, "claims is not a JSON object"));
        free(token);
    }
    char *token = sign_claims(good_claims);
    size_t len = strlen(token);
    char *spaced = malloc(len + 2);
    snprintf(spaced, len + 2, "%s ", token);
    UD_CHECK_EQ_INT(UD_EAUTH, verify(spaced, NULL));
    free(spaced);
    free(token);
}

void test_jwt__length_caps(void)
{
    /* A token just over the cap is refused before any parsing. */
    char *huge = malloc(UD_JWT_MAX_LEN + 2);
    memset(huge, 'a', UD_JWT_MAX_LEN + 1);
    huge[100] = '.';
    huge[200] = '.';
    huge[UD_JWT_MAX_LEN + 1] = '\0';
    UD_CHECK_EQ_INT(UD_EAUTH, verify(huge, "8192"));
    free(huge);

    /* Signing refuses what verifying would refuse; at the cap it works. */
    json_t *claims =
        json_pack("{s:s, s:I, s:s}", "iss", "unify", "exp", (json_int_t)NOW + 60, "pad", "");
    char *token = NULL;
    UD_CHECK_OK(ud_jwt_sign(&token, claims, key, KEY_LEN));
    size_t base = strlen(token);
    free(token);
    /* Grow the claims a byte at a time until signing refuses: the last token
     * signed is within 4 characters of the cap and verifies. */
    size_t pad_len = (UD_JWT_MAX_LEN - base) / 4 * 3 - 8;
    char *pad = malloc(UD_JWT_MAX_LEN);
    memset(pad, 'x', UD_JWT_MAX_LEN);
    int rc = 0;
    for (; pad_len < UD_JWT_MAX_LEN; pad_len++) {
        json_object_set_new(claims, "pad", json_stringn(pad, pad_len));
        token = NULL;
        rc = ud_jwt_sign(&token, claims, key, KEY_LEN);
        if (rc < 0)
            break;
        UD_CHECK(strlen(token) <= UD_JWT_MAX_LEN);
        UD_CHECK_OK(verify(token, NULL));
        base = strlen(token);
        free(token);
    }
    UD_CHECK_EQ_INT(UD_ELIMIT, rc);
    UD_CHECK(token == NULL);
    UD_CHECK(base > UD_JWT_MAX_LEN - 4);
    free(pad);
    json_decref(claims);
}

void test_jwt__sign_refuses_bad_input(void)
{
    char *token = NULL;
    json_t *array = json_array();
    UD_CHECK_EQ_INT(UD_EINVAL, ud_jwt_sign(&token, array, key, KEY_LEN));
    json_decref(array);
    json_t *claims = json_pack("{s:s}", "sub", "u1");
    UD_CHECK_EQ_INT(UD_EINVAL, ud_jwt_sign(&token, claims, key, KEY_LEN));
    UD_CHECK_CONTAINS(ud_test_error_message(), "exp");
    json_object_set_new(claims, "exp", json_string("tomorrow"));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_jwt_sign(&token, claims, key, KEY_LEN));
    json_object_set_new(claims, "exp", json_integer(NOW + 60));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_jwt_sign(&token, claims, key, 31)); /* short key */
    UD_CHECK_OK(ud_jwt_sign(&token, claims, key, KEY_LEN));
    json_t *back = NULL;
    UD_CHECK_EQ_INT(UD_EINVAL, ud_jwt_verify(&back, ud_str_from(token), key, 31, NULL, NOW));
    UD_CHECK(back == NULL);
    free(token);
    json_decref(claims);
}
