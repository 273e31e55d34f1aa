/*
 * HS256 JSON Web Tokens: signing and strict verification (see jwt.h). The
 * header is parsed before the signature is checked only to refuse other
 * algorithms with a precise message; nothing in it changes how the token is
 * checked. Claims are parsed only after the signature matched.
 */
#include "base/jwt.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/crypto.h"
#include "base/encoding.h"
#include "base/mem.h"

static const char header_json[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

#define B64 (UD_BASE64_URL | UD_BASE64_NOPAD)
#define SIG_TEXT_LEN 43 /* unpadded base64url of 32 bytes */

/* Whether a JSON string value is exactly `expected` (no NUL tricks: the
 * length is compared too). */
static bool json_string_is(const json_t *value, const char *expected)
{
    size_t len = strlen(expected);
    return json_is_string(value) && json_string_length(value) == len &&
           memcmp(json_string_value(value), expected, len) == 0;
}

/* Copies at most 32 characters of an untrusted string for an error message,
 * replacing anything but printable ASCII, so a token cannot write into logs. */
static void printable(char out[40], const json_t *value)
{
    const char *s = json_is_string(value) ? json_string_value(value) : "";
    size_t len = json_is_string(value) ? json_string_length(value) : 0, o = 0;
    for (size_t i = 0; i < len && o < 32; i++)
        out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    if (len > 32) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

int ud_jwt_sign(char **out_token, const json_t *claims, const void *key, size_t key_len)
{
    if (key_len < UD_JWT_MIN_KEY_LEN)
        return ud_error_set(UD_EINVAL, "a JWT key needs at least %d bytes, not %zu",
                            UD_JWT_MIN_KEY_LEN, key_len);
    if (!json_is_object(claims))
        return ud_error_set(UD_EINVAL, "JWT claims must be a JSON object");
    if (!json_is_integer(json_object_get(claims, "exp")))
        return ud_error_set(UD_EINVAL, "JWT claims need an integer \"exp\"");
    char *payload = json_dumps(claims, JSON_COMPACT);
    if (!payload)
        return ud_error_set(UD_EINVAL, "JWT claims cannot be written as JSON");
    size_t payload_len = strlen(payload);
    size_t header_text = ud_base64_encoded_len(sizeof(header_json) - 1, B64);
    int rc = 0;
    char *token = NULL;
    if (payload_len > UD_JWT_MAX_LEN) { /* also keeps the sums below small */
        rc = ud_error_set(UD_ELIMIT, "JWT claims of %zu bytes are too long", payload_len);
        goto done;
    }
    size_t payload_text = ud_base64_encoded_len(payload_len, B64);
    size_t total = header_text + 1 + payload_text + 1 + SIG_TEXT_LEN;
    if (total > UD_JWT_MAX_LEN) {
        rc = ud_error_set(UD_ELIMIT, "a JWT of %zu characters is over the %d allowed", total,
                          UD_JWT_MAX_LEN);
        goto done;
    }
    token = ud_malloc(total + 1);
    size_t at = 0;
    rc = ud_base64_encode(token, total + 1, header_json, sizeof(header_json) - 1, B64);
    if (rc < 0)
        goto done;
    at += header_text;
    token[at++] = '.';
    rc = ud_base64_encode(token + at, total + 1 - at, payload, payload_len, B64);
    if (rc < 0)
        goto done;
    at += payload_text;
    uint8_t mac[UD_SHA256_LEN];
    ud_hmac_sha256(mac, key, key_len, token, at);
    token[at++] = '.';
    rc = ud_base64_encode(token + at, total + 1 - at, mac, sizeof(mac), B64);
    if (rc < 0)
        goto done;
    *out_token = token;
    token = NULL;
done:
    free(token);
    free(payload);
    return rc;
}

/* Decodes one base64url part and parses it as a JSON object (duplicate
 * names refused: two "exp" could be read differently by two parsers). */
static int parse_part(json_t **out, ud_str text, const char *what)
{
    uint8_t buf[UD_JWT_MAX_LEN / 4 * 3 + 3];
    size_t len = 0;
    if (ud_base64_decode(buf, sizeof(buf), &len, text, B64) < 0)
        return ud_error_set(UD_EAUTH, "JWT %s is not base64url", what);
    json_error_t error;
    json_t *value = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &error);
    if (!json_is_object(value)) {
        json_decref(value);
        return ud_error_set(UD_EAUTH, "JWT %s is not a JSON object", what);
    }
    *out = value;
    return 0;
}

static int check_header(const json_t *header)
{
    const json_t *alg = json_object_get(header, "alg");
    if (!json_string_is(alg, "HS256")) {
        if (json_is_string(alg) && strcasecmp(json_string_value(alg), "none") == 0)
            return ud_error_set(UD_EAUTH, "JWT with alg \"none\" refused: tokens must be signed");
        if (!json_is_string(alg))
            return ud_error_set(UD_EAUTH, "JWT header has no string \"alg\"");
        char shown[40];
        printable(shown, alg);
        return ud_error_set(UD_EAUTH, "JWT alg \"%s\" refused: only HS256 is accepted", shown);
    }
    const json_t *typ = json_object_get(header, "typ");
    if (typ && !(json_is_string(typ) && strcasecmp(json_string_value(typ), "JWT") == 0 &&
                 json_string_length(typ) == 3))
        return ud_error_set(UD_EAUTH, "JWT header has a \"typ\" other than \"JWT\"");
    /* RFC 7515 4.1.11: extensions listed in crit must be understood; we
     * understand none. */
    if (json_object_get(header, "crit"))
        return ud_error_set(UD_EAUTH, "JWT header has \"crit\" extensions, which are refused");
    return 0;
}

static int check_claims(const json_t *claims, const char *issuer, int64_t now)
{
    const json_t *exp = json_object_get(claims, "exp");
    if (!exp)
        return ud_error_set(UD_EAUTH, "JWT has no \"exp\": tokens must expire");
    if (!json_is_integer(exp))
        return ud_error_set(UD_EAUTH, "JWT \"exp\" is not an integer");
    if (now >= json_integer_value(exp))
        return ud_error_set(UD_EAUTH, "JWT expired %llu seconds ago",
                            (unsigned long long)now - (unsigned long long)json_integer_value(exp));
    const json_t *nbf = json_object_get(claims, "nbf");
    if (nbf && !json_is_integer(nbf))
        return ud_error_set(UD_EAUTH, "JWT \"nbf\" is not an integer");
    if (nbf && now < json_integer_value(nbf))
        return ud_error_set(UD_EAUTH, "JWT is not valid for another %llu seconds (nbf)",
                            (unsigned long long)json_integer_value(nbf) - (unsigned long long)now);
    if (issuer && !json_string_is(json_object_get(claims, "iss"), issuer)) {
        char shown[40];
        printable(shown, json_object_get(claims, "iss"));
        return ud_error_set(UD_EAUTH, "JWT issuer \"%s\" is not the expected one", shown);
    }
    return 0;
}

int ud_jwt_verify(json_t **out_claims, ud_str token, const void *key, size_t key_len,
                  const char *issuer, int64_t now)
{
    if (key_len < UD_JWT_MIN_KEY_LEN)
        return ud_error_set(UD_EINVAL, "a JWT key needs at least %d bytes, not %zu",
                            UD_JWT_MIN_KEY_LEN, key_len);
    if (token.len > UD_JWT_MAX_LEN)
        return ud_error_set(UD_EAUTH, "JWT of %zu characters is over the %d allowed", token.len,
                            UD_JWT_MAX_LEN);
    const char *dot1 = token.len ? memchr(token.ptr, '.', token.len) : NULL;
    const char *end = token.ptr + token.len;
    const char *dot2 = dot1 ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
    if (!dot2 || memchr(dot2 + 1, '.', (size_t)(end - dot2 - 1)))
        return ud_error_set(UD_EAUTH, "JWT must have exactly three parts separated by dots");
    ud_str header_text = {token.ptr, (size_t)(dot1 - token.ptr)};
    ud_str payload_text = {dot1 + 1, (size_t)(dot2 - dot1 - 1)};
    ud_str sig_text = {dot2 + 1, (size_t)(end - dot2 - 1)};
    if (!header_text.len || !payload_text.len || !sig_text.len)
        return ud_error_set(UD_EAUTH, "JWT has an empty part (unsigned tokens are refused)");

    json_t *header = NULL, *claims = NULL;
    int rc = parse_part(&header, header_text, "header");
    if (rc == 0)
        rc = check_header(header);
    json_decref(header);
    if (rc < 0)
        return rc;

    uint8_t sig[UD_SHA256_LEN], mac[UD_SHA256_LEN];
    size_t sig_len = 0;
    if (sig_text.len != SIG_TEXT_LEN ||
        ud_base64_decode(sig, sizeof(sig), &sig_len, sig_text, B64) < 0 || sig_len != sizeof(sig))
        return ud_error_set(UD_EAUTH, "JWT signature is not 32 bytes of base64url");
    ud_hmac_sha256(mac, key, key_len, token.ptr, (size_t)(dot2 - token.ptr));
    if (!ud_crypto_equal(mac, sig, sizeof(mac)))
        return ud_error_set(UD_EAUTH, "JWT signature does not match: altered, or signed with "
                                      "another key");

    rc = parse_part(&claims, payload_text, "claims");
    if (rc == 0)
        rc = check_claims(claims, issuer, now);
    if (rc < 0) {
        json_decref(claims);
        return rc;
    }
    *out_claims = claims;
    return 0;
}
