/*
 * Pre-signed links: a path and an expiry time signed with a server key, so
 * a URL like /files/x?expires=...&sig=... can be served without a session
 * and stops working at a known time.
 */
#ifndef UD_BASE_PRESIGN_H
#define UD_BASE_PRESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define UD_PRESIGN_SIG_LEN 64     /* lower-case hex of an HMAC-SHA256 */
#define UD_PRESIGN_MIN_KEY_LEN 32 /* bytes */

/* Writes into out the lower-case hex HMAC-SHA256, under `key`, of the text
 * "<path>\n<expires>" (expires in decimal Unix seconds), and a NUL. The
 * expiry is the suffix after the last newline, so no (path, expires) pair
 * signs the same text as another. UD_EINVAL for a NULL or empty path, a
 * negative expiry or a key shorter than UD_PRESIGN_MIN_KEY_LEN. */
int ud_presign_sign(char out[UD_PRESIGN_SIG_LEN + 1], const char *path, int64_t expires,
                    const void *key, size_t key_len) UD_MUST_CHECK;

/* 0 if `sig` is the signature of (path, expires) under `key` and `now` is
 * before `expires` (a link is dead from second `expires` on). The signature
 * is compared in constant time, and checked before the expiry so that only
 * genuine links are reported as expired. UD_EAUTH for a bad signature
 * (including NULL, wrong length or upper-case hex), a negative expiry or an
 * expired link; UD_EINVAL for a NULL or empty path or a short key. */
int ud_presign_verify(const char *path, int64_t expires, const char *sig, int64_t now,
                      const void *key, size_t key_len) UD_MUST_CHECK;

#endif
