/*
 * JSON Web Tokens (RFC 7519) signed with HMAC-SHA256 (HS256) only: the
 * session tokens the server issues and checks itself. No other algorithm is
 * accepted, least of all "none", so a token's header cannot choose how it
 * is checked.
 */
#ifndef UD_BASE_JWT_H
#define UD_BASE_JWT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/str.h"

/* Longest token signed or verified, in characters. */
#define UD_JWT_MAX_LEN 8192
/* Shortest key accepted: HS256 keys must be at least as long as the hash
 * (RFC 7518 section 3.2). */
#define UD_JWT_MIN_KEY_LEN 32

/* Signs `claims` (a JSON object, borrowed) as header.payload.signature with
 * the header {"alg":"HS256","typ":"JWT"} and the claims as compact JSON in
 * their insertion order. The claims must hold an integer "exp", since
 * ud_jwt_verify refuses tokens without one. On success *out_token is a
 * malloc'd NUL-terminated string the caller frees. UD_EINVAL for claims that
 * are not an object, lack an integer exp, or a key shorter than
 * UD_JWT_MIN_KEY_LEN; UD_ELIMIT if the token would be longer than
 * UD_JWT_MAX_LEN. */
int ud_jwt_sign(char **out_token, const json_t *claims, const void *key,
                size_t key_len) UD_MUST_CHECK;

/* Verifies `token` and returns its claims in *out_claims (a new reference
 * the caller json_decref's). Checks, in order: length at most UD_JWT_MAX_LEN;
 * exactly three non-empty unpadded base64url parts; a header that is a JSON
 * object with "alg" exactly "HS256", "typ" absent or "JWT", and no "crit";
 * the signature, compared in constant time; claims that are a JSON object
 * without duplicate names; an integer "exp" with now < exp; an "nbf", if
 * present, that is an integer <= now; and, if `issuer` is not NULL, an "iss"
 * equal to it. `now` is Unix seconds (pass ud_now()). Every refusal is
 * UD_EAUTH with a message saying which check failed (for logs, not for the
 * client); UD_EINVAL only for a key shorter than UD_JWT_MIN_KEY_LEN. */
int ud_jwt_verify(json_t **out_claims, ud_str token, const void *key, size_t key_len,
                  const char *issuer, int64_t now) UD_MUST_CHECK;

#endif
