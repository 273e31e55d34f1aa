/*
 * Password hashing with argon2id (libargon2), in the PHC string format
 * ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), so parameters can be raised
 * later without invalidating stored hashes.
 */
#ifndef UD_SERVER_PASSWORD_H
#define UD_SERVER_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

typedef struct ud_password_params {
    unsigned memory_kb;  /* OWASP minimum for argon2id: 19456 (19 MiB) */
    unsigned iterations; /* OWASP minimum with 19 MiB: 2 */
    unsigned parallelism;
} ud_password_params;

void ud_password_params_default(ud_password_params *out);

/* Hashes `password` with a fresh random salt into out (at least 128 bytes). */
int ud_password_hash(char *out, size_t out_size, const char *password,
                     const ud_password_params *params) UD_MUST_CHECK;

/* True if password matches the encoded hash. Constant-time in the password. */
bool ud_password_verify(const char *encoded, const char *password);

/* A random password of `len` characters from an unambiguous alphabet. */
int ud_password_generate(char *out, size_t len) UD_MUST_CHECK;

#endif
