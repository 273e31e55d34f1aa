/*
 * Tests of pre-signed links: a known signature, expiry at the boundary, and
 * refusal of any change to the path, the expiry, the signature or the key.
 */
#include <string.h>

#include "base/presign.h"
#include "test.h"

static const char key[] = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"; /* 32 bytes */
#define KEY_LEN (sizeof(key) - 1)
#define EXPIRES 1700000000

void test_presign__known_signature(void)
{
    /* From Python: hmac.new(b"k" * 32, b"/files/report.pdf\n1700000000",
     * hashlib.sha256).hexdigest() */
    char sig[UD_PRESIGN_SIG_LEN + 1];
    UD_CHECK_OK(ud_presign_sign(sig, "/files/report.pdf", EXPIRES, key, KEY_LEN));
    UD_CHECK_EQ_STR("b5460856b27bfb12257750072100277937659eeb8d9c0101147b5c48332903cb", sig);
}

void test_presign__verifies_until_it_expires(void)
{
    char sig[UD_PRESIGN_SIG_LEN + 1];
    UD_CHECK_OK(ud_presign_sign(sig, "/files/report.pdf", EXPIRES, key, KEY_LEN));
    UD_CHECK_OK(ud_presign_verify("/files/report.pdf", EXPIRES, sig, 0, key, KEY_LEN));
    UD_CHECK_OK(ud_presign_verify("/files/report.pdf", EXPIRES, sig, EXPIRES - 1, key, KEY_LEN));
    UD_CHECK_EQ_INT(UD_EAUTH,
                    ud_presign_verify("/files/report.pdf", EXPIRES, sig, EXPIRES, key, KEY_LEN));
    UD_CHECK_CONTAINS(ud_test_error_message(), "expired");
    UD_CHECK_EQ_INT(UD_EAUTH, ud_presign_verify("/files/report.pdf", EXPIRES, sig, EXPIRES + 86400,
                                                key, KEY_LEN));
}

void test_presign__refuses_any_change(void)
{
    char sig[UD_PRESIGN_SIG_LEN + 1];
    const char *path = "/files/report.pdf";
    UD_CHECK_OK(ud_presign_sign(sig, path, EXPIRES, key, KEY_LEN));
    int64_t now = EXPIRES - 10;
#define REFUSED(call)                                                                              \
    do {                                                                                           \
        UD_CHECK_EQ_INT(UD_EAUTH, (call));                                                         \
        UD_CHECK_CONTAINS(ud_test_error_message(), "signature");                                   \
    } while (0)
    REFUSED(ud_presign_verify("/files/report.pdf2", EXPIRES, sig, now, key, KEY_LEN));
    REFUSED(ud_presign_verify("/files/report.pd", EXPIRES, sig, now, key, KEY_LEN));
    REFUSED(ud_presign_verify("/files/other.pdf", EXPIRES, sig, now, key, KEY_LEN));
    /* A later expiry, to stretch the link, is a different signed text. */
    REFUSED(ud_presign_verify(path, EXPIRES + 1, sig, now, key, KEY_LEN));
    static const char other_key[] = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkl";
    REFUSED(ud_presign_verify(path, EXPIRES, sig, now, other_key, KEY_LEN));
    /* Every single changed character of the signature. */
    for (size_t i = 0; i < UD_PRESIGN_SIG_LEN; i++) {
        char changed[UD_PRESIGN_SIG_LEN + 1];
        memcpy(changed, sig, sizeof(changed));
        changed[i] = changed[i] == '0' ? '1' : '0';
        REFUSED(ud_presign_verify(path, EXPIRES, changed, now, key, KEY_LEN));
    }
    /* Upper-case hex, short, long, empty, NULL. */
    char upper[UD_PRESIGN_SIG_LEN + 1];
    for (size_t i = 0; i <= UD_PRESIGN_SIG_LEN; i++)
        upper[i] = (sig[i] >= 'a' && sig[i] <= 'f') ? (char)(sig[i] - 'a' + 'A') : sig[i];
    REFUSED(ud_presign_verify(path, EXPIRES, upper, now, key, KEY_LEN));
    char shorter[UD_PRESIGN_SIG_LEN + 1];
    memcpy(shorter, sig, sizeof(shorter));
    shorter[UD_PRESIGN_SIG_LEN - 1] = '\0';
    REFUSED(ud_presign_verify(path, EXPIRES, shorter, now, key, KEY_LEN));
    char longer[UD_PRESIGN_SIG_LEN + 2];
    memcpy(longer, sig, UD_PRESIGN_SIG_LEN);
    longer[UD_PRESIGN_SIG_LEN] = '0';
    longer[UD_PRESIGN_SIG_LEN + 1] = '\0';
    REFUSED(ud_presign_verify(path, EXPIRES, longer, now, key, KEY_LEN));
    REFUSED(ud_presign_verify(path, EXPIRES, "", now, key, KEY_LEN));
    REFUSED(ud_presign_verify(path, EXPIRES, NULL, now, key, KEY_LEN));
#undef REFUSED
    /* A bad signature on an expired link says "signature", not "expired". */
    UD_CHECK_EQ_INT(UD_EAUTH, ud_presign_verify(path, EXPIRES, shorter, EXPIRES + 5, key, KEY_LEN));
    UD_CHECK_CONTAINS(ud_test_error_message(), "signature");
}

void test_presign__path_and_expiry_cannot_be_shifted(void)
{
    /* "a\n1" expiring at 2 and "a" expiring at 12 must not sign alike, nor
     * must a path that ends in the newline. */
    char one[UD_PRESIGN_SIG_LEN + 1], two[UD_PRESIGN_SIG_LEN + 1];
    UD_CHECK_OK(ud_presign_sign(one, "a\n1", 2, key, KEY_LEN));
    UD_CHECK_OK(ud_presign_sign(two, "a", 12, key, KEY_LEN));
    UD_CHECK(strcmp(one, two) != 0);
    UD_CHECK_EQ_INT(UD_EAUTH, ud_presign_verify("a", 12, one, 0, key, KEY_LEN));
    UD_CHECK_EQ_INT(UD_EAUTH, ud_presign_verify("a\n", 12, one, 0, key, KEY_LEN));
}

void test_presign__refuses_bad_arguments(void)
{
    char sig[UD_PRESIGN_SIG_LEN + 1];
    UD_CHECK_EQ_INT(UD_EINVAL, ud_presign_sign(sig, "", EXPIRES, key, KEY_LEN));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_presign_sign(sig, NULL, EXPIRES, key, KEY_LEN));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_presign_sign(sig, "/x", -1, key, KEY_LEN));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_presign_sign(sig, "/x", EXPIRES, key, 31));
    UD_CHECK_OK(ud_presign_sign(sig, "/x", EXPIRES, key, KEY_LEN));
    UD_CHECK_EQ_INT(UD_EAUTH, ud_presign_verify("/x", -1, sig, 0, key, KEY_LEN));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_presign_verify("/x", EXPIRES, sig, 0, key, 31));
    UD_CHECK_OK(ud_presign_sign(sig, "/x", 0, key, KEY_LEN)); /* expired from the start */
    UD_CHECK_EQ_INT(UD_EAUTH, ud_presign_verify("/x", 0, sig, 0, key, KEY_LEN));
}
