/*
 * Pre-signed links (see presign.h): HMAC-SHA256 over "path\nexpires" in
 * hex, checked in constant time.
 */
#include "base/presign.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/mem.h"

int ud_presign_sign(char out[UD_PRESIGN_SIG_LEN + 1], const char *path, int64_t expires,
                    const void *key, size_t key_len)
{
    if (!path || !path[0])
        return ud_error_set(UD_EINVAL, "a pre-signed link needs a path");
    if (expires < 0)
        return ud_error_set(UD_EINVAL, "a pre-signed link cannot expire before 1970");
    if (key_len < UD_PRESIGN_MIN_KEY_LEN)
        return ud_error_set(UD_EINVAL, "a pre-signing key needs at least %d bytes, not %zu",
                            UD_PRESIGN_MIN_KEY_LEN, key_len);
    char suffix[24];
    int suffix_len = snprintf(suffix, sizeof(suffix), "\n%" PRId64, expires);
    size_t path_len = strlen(path);
    char *message = ud_malloc(path_len + (size_t)suffix_len);
    memcpy(message, path, path_len);
    memcpy(message + path_len, suffix, (size_t)suffix_len);
    uint8_t mac[UD_SHA256_LEN];
    ud_hmac_sha256(mac, key, key_len, message, path_len + (size_t)suffix_len);
    free(message);
    ud_hex_encode(out, mac, sizeof(mac));
    return 0;
}

int ud_presign_verify(const char *path, int64_t expires, const char *sig, int64_t now,
                      const void *key, size_t key_len)
{
    if (expires < 0) /* came from the link, so a bad link rather than a bad call */
        return ud_error_set(UD_EAUTH, "the link's expiry is invalid");
    char expected[UD_PRESIGN_SIG_LEN + 1];
    int rc = ud_presign_sign(expected, path, expires, key, key_len);
    if (rc < 0)
        return rc;
    /* The length is public (always 64); only the contents are compared in
     * constant time. */
    if (!sig || strnlen(sig, UD_PRESIGN_SIG_LEN + 1) != UD_PRESIGN_SIG_LEN ||
        !ud_crypto_equal(expected, sig, UD_PRESIGN_SIG_LEN))
        return ud_error_set(UD_EAUTH, "the link's signature does not match");
    if (now >= expires)
        return ud_error_set(UD_EAUTH, "the link expired");
    return 0;
}
