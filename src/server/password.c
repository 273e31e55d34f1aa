/*
 * argon2id password hashes (see password.h).
 */
#include "server/password.h"

#include <argon2.h>
#include <string.h>

#include "base/crypto.h"

#define SALT_LEN 16
#define HASH_LEN 32

void ud_password_params_default(ud_password_params *out)
{
    out->memory_kb = 19456;
    out->iterations = 2;
    out->parallelism = 1;
}

int ud_password_hash(char *out, size_t out_size, const char *password,
                     const ud_password_params *params)
{
    unsigned char salt[SALT_LEN];
    int rc = ud_random_bytes(salt, sizeof(salt));
    if (rc < 0)
        return rc;
    int arc =
        argon2id_hash_encoded(params->iterations, params->memory_kb, params->parallelism, password,
                              strlen(password), salt, sizeof(salt), HASH_LEN, out, out_size);
    if (arc != ARGON2_OK)
        return ud_error_set(UD_EINVAL, "password hashing failed: %s", argon2_error_message(arc));
    return 0;
}

bool ud_password_verify(const char *encoded, const char *password)
{
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

int ud_password_generate(char *out, size_t len)
{
    /* No 0/O, 1/l/I: the password is read off a terminal once. */
    static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    unsigned char bytes[256];
    if (len == 0 || len >= sizeof(bytes))
        return ud_error_set(UD_EINVAL, "password length must be 1..255");
    int rc = ud_random_bytes(bytes, len);
    if (rc < 0)
        return rc;
    /* 56 symbols: reject bytes >= 224 (4 * 56) so each symbol is equally likely. */
    for (size_t i = 0; i < len; i++) {
        while (bytes[i] >= 224) {
            rc = ud_random_bytes(&bytes[i], 1);
            if (rc < 0)
                return rc;
        }
        out[i] = alphabet[bytes[i] % 56];
    }
    out[len] = '\0';
    return 0;
}
