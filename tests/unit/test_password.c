/*
 * Tests of argon2id password hashing.
 */
#include <string.h>

#include "server/password.h"
#include "test.h"

void test_password__hash_verifies_only_the_right_password(void)
{
    ud_password_params params;
    ud_password_params_default(&params);
    char hash[256], again[256];
    UD_CHECK_OK(ud_password_hash(hash, sizeof(hash), "correct horse", &params));
    UD_CHECK(strncmp(hash, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
    UD_CHECK(ud_password_verify(hash, "correct horse"));
    UD_CHECK(!ud_password_verify(hash, "correct horsf"));
    UD_CHECK(!ud_password_verify(hash, ""));
    /* A fresh salt each time. */
    UD_CHECK_OK(ud_password_hash(again, sizeof(again), "correct horse", &params));
    UD_CHECK(strcmp(hash, again) != 0);
    UD_CHECK(!ud_password_verify("not a hash", "correct horse"));
}

void test_password__generated_passwords_use_the_alphabet(void)
{
    char a[21], b[21];
    UD_CHECK_OK(ud_password_generate(a, 20));
    UD_CHECK_OK(ud_password_generate(b, 20));
    UD_CHECK_EQ_INT(20, strlen(a));
    UD_CHECK(strcmp(a, b) != 0);
    UD_CHECK(strpbrk(a, "0O1lI") == NULL);
}
