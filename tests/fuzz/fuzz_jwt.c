/*
 * Fuzz target: JWT verification (src/base/jwt.c). The first byte picks how
 * the rest becomes a token: 0 as it is; 1 as "header.payload" (base64url
 * parts) to which a valid signature is appended; 2 as a header JSON, a
 * newline and a claims JSON, encoded and signed here. Signing ourselves
 * gets past the signature check to the header and claims checks, which
 * random bytes would never reach.
 */
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/encoding.h"
#include "base/error.h"
#include "base/jwt.h"
#include "fuzz.h"

static const char key[] = "a-fuzzing-key-of-more-than-32-bytes!";
#define NOW 1750000000

/* base64url (unpadded) of data into out at *len. */
static void append_b64(char *out, size_t *len, size_t size, const void *data, size_t n)
{
    if (ud_base64_encode(out + *len, size - *len, data, n, UD_BASE64_URL | UD_BASE64_NOPAD) == 0)
        *len += strlen(out + *len);
}

static void append_signature(char *token, size_t *len, size_t size)
{
    uint8_t mac[UD_SHA256_LEN];
    ud_hmac_sha256(mac, key, sizeof(key) - 1, token, *len);
    if (*len + 1 < size)
        token[(*len)++] = '.';
    token[*len] = '\0';
    append_b64(token, len, size, mac, sizeof(mac));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 3 * UD_JWT_MAX_LEN)
        return 0;
    size_t cap = 4 * size + 128;
    char *token = malloc(cap);
    if (!token)
        abort();
    size_t len = 0;
    const char *rest = (const char *)data + 1;
    size_t rest_len = size - 1;
    switch (data[0] % 3) {
    case 0:
        memcpy(token, rest, rest_len);
        len = rest_len;
        token[len] = '\0';
        break;
    case 1:
        memcpy(token, rest, rest_len);
        len = rest_len;
        token[len] = '\0';
        append_signature(token, &len, cap);
        break;
    default: {
        const char *nl = memchr(rest, '\n', rest_len);
        size_t header_len = nl ? (size_t)(nl - rest) : rest_len;
        token[0] = '\0';
        append_b64(token, &len, cap, rest, header_len);
        token[len++] = '.';
        token[len] = '\0';
        if (nl)
            append_b64(token, &len, cap, nl + 1, rest_len - header_len - 1);
        append_signature(token, &len, cap);
    }
    }
    json_t *claims = NULL;
    int rc = ud_jwt_verify(&claims, (ud_str){token, len}, key, sizeof(key) - 1, "unify", NOW);
    if (rc == 0) {
        UD_FUZZ_ASSERT(json_is_object(claims));
        json_int_t exp = json_integer_value(json_object_get(claims, "exp"));
        UD_FUZZ_ASSERT(exp > NOW);
        /* What verifies signs again. */
        char *again = NULL;
        if (ud_jwt_sign(&again, claims, key, sizeof(key) - 1) == 0) {
            json_t *back = NULL;
            UD_FUZZ_ASSERT(
                ud_jwt_verify(&back, ud_str_from(again), key, sizeof(key) - 1, "unify", NOW) == 0);
            json_decref(back);
            free(again);
        }
        json_decref(claims);
    } else {
        UD_FUZZ_ASSERT(rc == UD_EAUTH);
    }
    ud_error_clear();
    free(token);
    return 0;
}
