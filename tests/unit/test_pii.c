/*
 * Tests of the PII detectors and the redact / exclude step: true positives
 * for each detector in realistic sentences, the look-alikes that must not
 * match (dates, versions, order numbers, UUIDs, hashes, ISBNs, failing
 * checksums, placeholders), exact redaction output around UTF-8, and hostile
 * input. The keys below are made up, and split into pieces so that secret
 * scanners do not flag this file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "doc/pii.h"
#include "test.h"

/* The matches of text as "kind:matched text" joined by " | ", in a static
 * buffer (one call at a time). */
static const char *found(const char *text)
{
    static char out[4096];
    ud_pii_match m[32];
    size_t n = ud_pii_scan(m, 32, text, strlen(text)), w = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && i < 32; i++) {
        int k = snprintf(out + w, sizeof(out) - w, "%s%s:%.*s", i ? " | " : "",
                         ud_pii_kind_name(m[i].kind), (int)m[i].len, text + m[i].offset);
        if (k < 0 || (size_t)k >= sizeof(out) - w)
            break;
        w += (size_t)k;
    }
    return out;
}

static void check_none(const char *file, int line, const char *text)
{
    const char *f = found(text);
    if (f[0])
        ud_test_fail(file, line, "expected no PII in \"%s\", found %s", text, f);
}
#define CHECK_NONE(text) check_none(__FILE__, __LINE__, text)

static const char *redact(ud_arena *arena, const char *text)
{
    ud_pii_result r;
    UD_CHECK_OK(ud_pii_apply(&r, arena, UD_PII_REDACT, text, strlen(text)));
    UD_CHECK_EQ_INT(strlen(r.text), r.len);
    UD_CHECK(!r.exclude);
    return r.text;
}

void test_pii__ssn(void)
{
    UD_CHECK_EQ_STR("ssn:123-45-6789", found("Employee SSN: 123-45-6789 (on file)."));
    UD_CHECK_EQ_STR("ssn:512 34 6789", found("her social security number is 512 34 6789"));
    UD_CHECK_EQ_STR("ssn:078-05-1120", found("SSN:078-05-1120"));
    UD_CHECK_EQ_STR("ssn:219-09-9999", found("a,b,219-09-9999,c"));
    /* never issued: area 000, 666, 9xx; group 00; serial 0000 */
    CHECK_NONE("000-12-3456 666-12-3456 900-12-3456 987-65-4321 123-00-4567 123-45-0000");
    /* a bare 9-digit number is not an SSN, nor part of a longer one */
    CHECK_NONE("Tracking number 123456789 shipped.");
    CHECK_NONE("ref 1123-45-6789, 123-45-67890, 123-45-6789-2, x123-45-6789, 123-45-6789x");
    /* mixed separators */
    CHECK_NONE("123-45 6789 and 123 45-6789");
}

void test_pii__credit_card(void)
{
    UD_CHECK_EQ_STR("credit_card:4111 1111 1111 1111",
                    found("Please charge my Visa 4111 1111 1111 1111, exp 12/27."));
    UD_CHECK_EQ_STR("credit_card:5555-5555-5555-4444", found("MC: 5555-5555-5555-4444"));
    UD_CHECK_EQ_STR("credit_card:378282246310005", found("Amex 378282246310005 on file"));
    UD_CHECK_EQ_STR("credit_card:3782 822463 10005", found("Amex 3782 822463 10005."));
    UD_CHECK_EQ_STR("credit_card:6011111111111117", found("Discover card 6011111111111117"));
    UD_CHECK_EQ_STR("credit_card:2223 0031 2200 3222", found("new MC 2223 0031 2200 3222"));
    UD_CHECK_EQ_STR("credit_card:3530111333300000", found("JCB 3530111333300000"));
    UD_CHECK_EQ_STR("credit_card:3056 930902 5904", found("Diners 3056 930902 5904"));
    UD_CHECK_EQ_STR("credit_card:4222222222222", found("old 13-digit Visa 4222222222222"));
    /* 16 digits that fail the Luhn check */
    CHECK_NONE("card 4111 1111 1111 1112 declined; 4000123412341235 too");
    /* numbers passing Luhn but no network's IIN, or its wrong length */
    CHECK_NONE("account 1234567890123452 and 0000 0000 0000 0000 and 411111111111111");
    /* inside longer digit runs, or oddly grouped */
    CHECK_NONE("id 41111111111111110000 and 4111 1111 1111 1111 1 and 41 1111 1111 1111 11");
    CHECK_NONE("4111-1111 1111-1111");
    /* millisecond timestamps and ISBN-13s are 13 digits */
    CHECK_NONE("created 1705312800000, ISBN 9780306406157");
}

void test_pii__phone(void)
{
    UD_CHECK_EQ_STR("phone:(415) 555-2671", found("Call me at (415) 555-2671 tomorrow."));
    UD_CHECK_EQ_STR("phone:415-555-2671", found("cell: 415-555-2671"));
    UD_CHECK_EQ_STR("phone:415.555.2671", found("Phone 415.555.2671."));
    UD_CHECK_EQ_STR("phone:(415)555-2671", found("fax:(415)555-2671"));
    UD_CHECK_EQ_STR("phone:415 555 2671", found("mobile 415 555 2671\n"));
    UD_CHECK_EQ_STR("phone:+1 415 555 2671", found("US office +1 415 555 2671"));
    UD_CHECK_EQ_STR("phone:+1 (415) 555-2671", found("Tel: +1 (415) 555-2671"));
    UD_CHECK_EQ_STR("phone:+14155552671", found("E.164: +14155552671"));
    UD_CHECK_EQ_STR("phone:1-800-555-0199", found("toll free 1-800-555-0199"));
    UD_CHECK_EQ_STR("phone:+44 20 7946 0958", found("London: +44 20 7946 0958, ext 12"));
    UD_CHECK_EQ_STR("phone:+44 (0)20 7946 0958", found("or +44 (0)20 7946 0958"));
    UD_CHECK_EQ_STR("phone:+33 1 42 68 53 00", found("Paris +33 1 42 68 53 00."));
    UD_CHECK_EQ_STR("phone:+81 3-1234-5678", found("Tokyo (+81 3-1234-5678)"));
    UD_CHECK_EQ_STR("phone:415-555-2671", found("dial 415-555-2671 2 times"));
    UD_CHECK_EQ_STR("phone:415-555-2671 | phone:(650) 555-0100",
                    found("Bob (415-555-2671), Ann (650) 555-0100"));
    /* dates, times, versions, IPs */
    CHECK_NONE("On 2025-01-15 at 10:30, or 01/15/2025 14:05:59, or 15.01.2025");
    CHECK_NONE("upgrade to v2.1.3, build 10.0.19045.2965, host 192.168.100.200");
    /* order and invoice numbers */
    CHECK_NONE("Order #112-4827391-5528314, invoice INV-2025-004512, ref INV-415-555-2671");
    /* not NANP: area or exchange starting with 0/1, N11 and N9X codes */
    CHECK_NONE("123-456-7890 415-055-2671 911-555-1234 415-411-2671 295-555-2671");
    /* bare digit strings are not phones */
    CHECK_NONE("account 4155552671 and 14155552671");
    /* numeric ranges in a table */
    CHECK_NONE("| 2019-2021 | 100-250 | 1200-1500 |\n| 415-555 | 555-2671 | 0-100 ms |");
    CHECK_NONE("| 12 415 555 2671 | 415 555 2671 12 |");
    /* SSNs and card numbers are not phones (and count once, as themselves) */
    UD_CHECK_EQ_STR("ssn:123-45-6789 | credit_card:4111-1111-1111-1111",
                    found("123-45-6789 4111-1111-1111-1111"));
    CHECK_NONE("4111-1111-1111-1112");
    /* too short or too long for E.164, or country code 0 */
    CHECK_NONE("+12 345, +0 20 7946 0958, +44 20 7946 0958 1234 5678 9");
}

void test_pii__email(void)
{
    UD_CHECK_EQ_STR("email:jane.doe@example.com", found("Write to jane.doe@example.com."));
    UD_CHECK_EQ_STR("email:first_last+tag@mail.example.co.uk",
                    found("<first_last+tag@mail.example.co.uk>"));
    UD_CHECK_EQ_STR("email:4155552671@vtext.com", found("text 4155552671@vtext.com"));
    UD_CHECK_EQ_STR("email:J.Smith@Example.ORG", found("mailto:J.Smith@Example.ORG?subject=hi"));
    UD_CHECK_EQ_STR("email:x@b.xn--p1ai", found("x@b.xn--p1ai"));
    /* no TLD, no local part, a numeric or one-letter TLD, file names */
    CHECK_NONE("user@localhost admin@server @channel foo@bar.c a@b.12 user@example");
    CHECK_NONE("icon@2x.png logo@3x.JPG npm i lodash@4.17.21 @types/node@20.1.0");
    /* bad local parts and domains */
    CHECK_NONE(".@example.com a.@example.com x@-example.com x@example-.com x@.com");
    CHECK_NONE("x@example.com_old");
}

void test_pii__iban(void)
{
    UD_CHECK_EQ_STR("iban:DE89 3704 0044 0532 0130 00",
                    found("Bitte an DE89 3704 0044 0532 0130 00 überweisen."));
    UD_CHECK_EQ_STR("iban:DE89370400440532013000", found("IBAN:DE89370400440532013000"));
    UD_CHECK_EQ_STR("iban:GB82 WEST 1234 5698 7654 32", found("pay GB82 WEST 1234 5698 7654 32"));
    UD_CHECK_EQ_STR("iban:FR14 2004 1010 0505 0001 3M02 606",
                    found("RIB FR14 2004 1010 0505 0001 3M02 606 EUR"));
    UD_CHECK_EQ_STR("iban:NL91ABNA0417164300", found("NL91ABNA0417164300"));
    UD_CHECK_EQ_STR("iban:CH9300762011623852957", found("CH: CH9300762011623852957"));
    /* bad checksum, wrong length for the country, unknown country */
    CHECK_NONE("DE89 3704 0044 0532 0130 01 and DE89370400440532013001");
    CHECK_NONE("DE8937040044053201300 DE893704004405320130000 ZZ89370400440532013000");
    CHECK_NONE("DE89 3704 0044 0532 0130 00X and DE89 37040044 0532 0130 00");
}

void test_pii__api_key(void)
{
    char text[512];
    /* AWS, GitHub, Slack, Stripe, our own, Google, OpenAI, Anthropic */
    static const char *const KEYS[] = {
        "AKIA"
        "IOSFODNN7EXAMPLE",
        "ASIA"
        "Y34FZKBOKMUTVV7A",
        "ghp_"
        "wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx",
        "github_pat_"
        "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL",
        "xoxb-"
        "1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        "sk_live_"
        "51H8cRfLkQwErTyUiOpAsDfGhJkL",
        "rk_live_"
        "51H8cRfLkQwErTyUiOpAsDfGhJkL",
        "sk_live_"
        "3kTz9QmW2xVb7RnY4pLc8HdF6gJs1aEo5uKi0wNtXyZ",
        "AIza"
        "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
        "sk-"
        "proj-Abc123dEf456GhI789jKl012MnO345pQr678",
        "sk-"
        "ant-api03-Xy7Zq2Wv9Tu4Rs1Pq8On5Ml3Kj6Ih0Gf",
        "sk-"
        "4fGh7Jk2Lm9Np3Qr6St8Vw1Xy5Za0Bc",
    };
    for (size_t i = 0; i < sizeof(KEYS) / sizeof(KEYS[0]); i++) {
        snprintf(text, sizeof(text), "export TOKEN=%s\n", KEYS[i]);
        char want[256];
        snprintf(want, sizeof(want), "api_key:%s", KEYS[i]);
        UD_CHECK_EQ_STR(want, found(text));
        snprintf(text, sizeof(text), "Authorization: Bearer %s.", KEYS[i]);
        UD_CHECK_EQ_STR(want, found(text));
    }
    /* a JWT (jwt.io's sample) */
    const char *jwt = "eyJ"
                      "hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
                      ".eyJ"
                      "zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
                      ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    snprintf(text, sizeof(text), "cookie session=%s; path=/", jwt);
    char want[512];
    snprintf(want, sizeof(want), "api_key:%s", jwt);
    UD_CHECK_EQ_STR(want, found(text));

    /* a private key block, whole, and one cut off after its base64 */
    const char *pem = "-----BEGIN RSA PRIVATE KEY-----\n"
                      "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
                      "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n"
                      "-----END RSA PRIVATE KEY-----";
    snprintf(text, sizeof(text), "key.pem:\n%s\nthanks", pem);
    snprintf(want, sizeof(want), "api_key:%s", pem);
    UD_CHECK_EQ_STR(want, found(text));
    UD_CHECK_EQ_STR("api_key:-----BEGIN PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcN",
                    found("-----BEGIN PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcN\n\n"));
    UD_CHECK_EQ_STR(
        "api_key:-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----",
        found("id_ed25519: -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
              "-----END OPENSSH PRIVATE KEY----- (rotate it)"));
    /* the header alone in prose, and public material */
    CHECK_NONE("the file must start with -----BEGIN PRIVATE KEY----- and a newline");
    CHECK_NONE("-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD9\n"
               "-----END PUBLIC KEY-----");

    /* prefixes in prose, placeholders, and look-alikes */
    CHECK_NONE("Live keys start with sk_live_ followed by 43 characters; see sk_live_YOUR_KEY.");
    CHECK_NONE("AKIA"
               "XXXXXXXXXXXXXXXX, sk_live_"
               "000000000000000000000000000, ghp_"
               "...");
    CHECK_NONE("xoxb-your-token-here, sk-learn-is-a-python-machine-learning-library");
    CHECK_NONE("AKIA"
               "IOSFODNN7EXAMPL (15), AKIA"
               "IOSFODNN7EXAMPLE1 (17), xAKIA"
               "IOSFODNN7EXAMPLE");
    CHECK_NONE("eyJhbGciOiJIUzI1NiJ9 alone, and eyJ.eyJ.x");
}

void test_pii__lookalikes_in_realistic_text(void)
{
    CHECK_NONE(
        "Release notes for v2.1.3 (2025-01-15): fixed #4521, merged a94a8fe5ccb19ba61c4c0873d"
        "391e987982fbbd3 and 3f2a1b9; see UUID 550e8400-e29b-41d4-a716-446655440000 and "
        "12345678-1234-5234-8234-123456789012.");
    CHECK_NONE("ISBN 978-0-306-40615-7, ISBN-10 0-306-40615-2, 0306406152.");
    CHECK_NONE("Total $1,234.56 (EUR 4.155,55; JPY 415,555,2671) due 01/15/2025 at 10:30:45.");
    CHECK_NONE("| Region | Q1 | Q2 |\n|---|---|---|\n| West | 415-555 | 2671-2680 |\n"
               "| East | 100 200 300 | 4000 5000 6000 |");
    CHECK_NONE("PO 4500012345, SKU 0012-3456-7890, case 00123456, ticket JIRA-4155");
    CHECK_NONE("commit 4155552671a94a8fe5ccb19ba61c4c0873d391e9 and 2671-555-415");
}

void test_pii__several_in_one_text(void)
{
    UD_CHECK_EQ_STR("email:ana@example.com | phone:+1 415 555 2671 | ssn:123-45-6789 | "
                    "credit_card:4111111111111111 | iban:DE89370400440532013000",
                    found("From: ana@example.com\nPhone: +1 415 555 2671\nSSN 123-45-6789\n"
                          "Card 4111111111111111 / IBAN DE89370400440532013000\n"));
}

void test_pii__redact_is_exact_around_utf8(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    UD_CHECK_EQ_STR("Zo\xC3\xAB\xE2\x80\x99s SSN is [REDACTED:ssn] \xE2\x80\x94 caf\xC3\xA9 "
                    "\xE2\x98\x95 at [REDACTED:phone].",
                    redact(&arena, "Zo\xC3\xAB\xE2\x80\x99s SSN is 123-45-6789 \xE2\x80\x94 "
                                   "caf\xC3\xA9 \xE2\x98\x95 at +1 415 555 2671."));
    /* a match right after and right before multi-byte characters */
    UD_CHECK_EQ_STR("\xC3\xA9\x63rire \xC3\xA0[REDACTED:email]\xE2\x80\xA6",
                    redact(&arena, "\xC3\xA9\x63rire \xC3\xA0jean@example.fr\xE2\x80\xA6"));
    UD_CHECK_EQ_STR("[REDACTED:credit_card]\xE2\x82\xAC",
                    redact(&arena, "4111 1111 1111 1111\xE2\x82\xAC"));
    UD_CHECK_EQ_STR("IBAN [REDACTED:iban], key [REDACTED:api_key]\n",
                    redact(&arena, "IBAN GB82 WEST 1234 5698 7654 32, key AKIA"
                                   "IOSFODNN7EXAMPLE\n"));
    /* nothing to redact: an identical copy */
    const char *plain = "Nothing here: v2.1.3 on 2025-01-15, \xE6\x97\xA5\xE6\x9C\xAC.";
    UD_CHECK_EQ_STR(plain, redact(&arena, plain));
    UD_CHECK_EQ_STR("", redact(&arena, ""));
    ud_arena_dispose(&arena);
}

void test_pii__exclude_and_off(void)
{
    const char *text = "Reach me at jane@example.com or 415-555-2671, jane@example.org.";
    ud_pii_result r;
    UD_CHECK_OK(ud_pii_apply(&r, NULL, UD_PII_EXCLUDE, text, strlen(text)));
    UD_CHECK(r.exclude);
    UD_CHECK(r.text == text);
    UD_CHECK_EQ_INT(strlen(text), r.len);
    UD_CHECK_EQ_INT(2, r.counts.by_kind[UD_PII_EMAIL]);
    UD_CHECK_EQ_INT(1, r.counts.by_kind[UD_PII_PHONE]);
    UD_CHECK_EQ_INT(3, ud_pii_counts_total(&r.counts));

    const char *clean = "Nothing sensitive, version 1.2.3.";
    UD_CHECK_OK(ud_pii_apply(&r, NULL, UD_PII_EXCLUDE, clean, strlen(clean)));
    UD_CHECK(!r.exclude);
    UD_CHECK(r.text == clean);
    UD_CHECK_EQ_INT(0, ud_pii_counts_total(&r.counts));

    /* off scans nothing: no counts, the text as it was */
    UD_CHECK_OK(ud_pii_apply(&r, NULL, UD_PII_OFF, text, strlen(text)));
    UD_CHECK(!r.exclude);
    UD_CHECK(r.text == text);
    UD_CHECK_EQ_INT(0, ud_pii_counts_total(&r.counts));

    /* bad arguments */
    UD_CHECK_EQ_INT(UD_EINVAL, ud_pii_apply(&r, NULL, UD_PII_REDACT, text, strlen(text)));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_pii_apply(&r, NULL, UD_PII_EXCLUDE, NULL, 3));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_pii_apply(&r, NULL, (ud_pii_mode)7, text, 3));
    UD_CHECK_OK(ud_pii_apply(&r, NULL, UD_PII_EXCLUDE, NULL, 0));
    UD_CHECK(!r.exclude);
    /* over the limit: refused before a byte is read */
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_pii_apply(&r, NULL, UD_PII_EXCLUDE, text, UD_PII_MAX_TEXT + 1));
    UD_CHECK_CONTAINS(ud_error_last(), "limit");
}

void test_pii__counts_and_json(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_pii_result r;
    const char *text = "SSN 123-45-6789; cards 4111111111111111 and 5555 5555 5555 4444.";
    UD_CHECK_OK(ud_pii_apply(&r, &arena, UD_PII_REDACT, text, strlen(text)));
    UD_CHECK_EQ_STR("SSN [REDACTED:ssn]; cards [REDACTED:credit_card] and "
                    "[REDACTED:credit_card].",
                    r.text);

    ud_buf json;
    ud_buf_init(&json, 1024);
    UD_CHECK_OK(ud_pii_counts_json(&json, &r.counts));
    UD_CHECK_EQ_STR("{\"ssn\": 1, \"credit_card\": 2}", json.ptr);

    /* a sync job sums its documents */
    ud_pii_counts sum = {{0}};
    ud_pii_counts_add(&sum, &r.counts);
    ud_pii_counts_add(&sum, &r.counts);
    const char *other = "mail bob@example.com, key AKIA"
                        "IOSFODNN7EXAMPLE";
    UD_CHECK_OK(ud_pii_apply(&r, &arena, UD_PII_EXCLUDE, other, strlen(other)));
    ud_pii_counts_add(&sum, &r.counts);
    ud_buf_reset(&json);
    UD_CHECK_OK(ud_pii_counts_json(&json, &sum));
    UD_CHECK_EQ_STR("{\"ssn\": 2, \"credit_card\": 4, \"email\": 1, \"api_key\": 1}", json.ptr);
    UD_CHECK_EQ_INT(8, ud_pii_counts_total(&sum));

    ud_pii_counts none = {{0}};
    ud_buf_reset(&json);
    UD_CHECK_OK(ud_pii_counts_json(&json, &none));
    UD_CHECK_EQ_STR("{}", json.ptr);
    ud_buf_dispose(&json);

    /* a buffer too small fails and keeps what it had */
    ud_buf small;
    ud_buf_init(&small, 12);
    UD_CHECK_OK(ud_buf_puts(&small, "x="));
    UD_CHECK_EQ_INT(UD_ELIMIT, ud_pii_counts_json(&small, &sum));
    UD_CHECK_EQ_STR("x=", small.ptr);
    ud_buf_dispose(&small);

    UD_CHECK_EQ_STR("ssn", ud_pii_kind_name(UD_PII_SSN));
    UD_CHECK_EQ_STR("api_key", ud_pii_kind_name(UD_PII_API_KEY));
    ud_arena_dispose(&arena);
}

void test_pii__mode_names(void)
{
    ud_pii_mode mode = UD_PII_OFF;
    UD_CHECK_OK(ud_pii_mode_parse(&mode, "redact"));
    UD_CHECK_EQ_INT(UD_PII_REDACT, mode);
    UD_CHECK_OK(ud_pii_mode_parse(&mode, "exclude"));
    UD_CHECK_EQ_INT(UD_PII_EXCLUDE, mode);
    UD_CHECK_OK(ud_pii_mode_parse(&mode, "off"));
    UD_CHECK_EQ_INT(UD_PII_OFF, mode);
    const char *bad[] = {"Redact", "", "redact ", "mask"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        mode = UD_PII_EXCLUDE;
        UD_CHECK_EQ_INT(UD_EINVAL, ud_pii_mode_parse(&mode, bad[i]));
        UD_CHECK_EQ_INT(UD_PII_EXCLUDE, mode); /* untouched on failure */
        UD_CHECK_CONTAINS(ud_error_last(), "expected redact, exclude or off");
    }
    UD_CHECK_EQ_INT(UD_EINVAL, ud_pii_mode_parse(&mode, NULL));
    UD_CHECK_EQ_STR("redact", ud_pii_mode_name(UD_PII_REDACT));
    UD_CHECK_EQ_STR("exclude", ud_pii_mode_name(UD_PII_EXCLUDE));
    UD_CHECK_EQ_STR("off", ud_pii_mode_name(UD_PII_OFF));
}

void test_pii__scan_caps_the_matches_it_stores(void)
{
    const char *text = "a@example.com b@example.com c@example.com d@example.com e@example.com";
    ud_pii_match m[3];
    memset(m, 0xAB, sizeof(m));
    UD_CHECK_EQ_INT(5, ud_pii_scan(m, 2, text, strlen(text)));
    UD_CHECK_EQ_INT(0, m[0].offset);
    UD_CHECK_EQ_INT(13, m[0].len);
    UD_CHECK_EQ_INT(UD_PII_EMAIL, m[1].kind);
    UD_CHECK_EQ_INT(14, m[1].offset);
    UD_CHECK_EQ_INT(0xABABABABABABABABull, m[2].offset); /* not written */
    UD_CHECK_EQ_INT(5, ud_pii_scan(NULL, 0, text, strlen(text)));
    UD_CHECK_EQ_INT(0, ud_pii_scan(NULL, 0, NULL, 10));
}

/* Invalid UTF-8 and NUL bytes are separators like any other non-ASCII or
 * control byte, and come through redaction unchanged. */
void test_pii__invalid_utf8_and_nuls(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    static const char text[] = "\xFF\xFE"
                               "123-45-6789\0\x80 jane@example.com\xC3\0"
                               "4111111111111111\xED\xA0\x80";
    static const char want[] = "\xFF\xFE[REDACTED:ssn]\0\x80 [REDACTED:email]\xC3\0"
                               "[REDACTED:credit_card]\xED\xA0\x80";
    ud_pii_result r;
    UD_CHECK_OK(ud_pii_apply(&r, &arena, UD_PII_REDACT, text, sizeof(text) - 1));
    UD_CHECK_EQ_INT(sizeof(want) - 1, r.len);
    UD_CHECK(memcmp(want, r.text, r.len) == 0);
    UD_CHECK_EQ_INT(3, ud_pii_counts_total(&r.counts));
    ud_arena_dispose(&arena);
}

/* Fills buf with `unit` repeated to len bytes. */
static char *repeat(const char *unit, size_t len)
{
    char *buf = malloc(len + 1);
    size_t n = strlen(unit);
    for (size_t i = 0; i < len; i++)
        buf[i] = unit[i % n];
    buf[len] = '\0';
    return buf;
}

/* Megabytes of each pattern that makes a scanner walk or backtrack: all
 * finish (in linear time) and find only what is really there. */
void test_pii__hostile_input(void)
{
    static const char *const UNITS[] = {
        "1",     "1 ",    "1-",    "12-",   "+1 ",  "(1",   "a.", "a@",
        "a@b.",  "a.b@c", "sk-",   "sk-1",  "eyJ-", "eyJa", "-",  "-----BEGIN PRIVATE KEY-----\n",
        "xoxb-", "AKIA",  "DE89 ", "4111 ", ".eyJ", "\xFF", "\0",
    };
    const size_t len = 2 << 20;
    for (size_t i = 0; i < sizeof(UNITS) / sizeof(UNITS[0]); i++) {
        char *text = repeat(UNITS[i][0] ? UNITS[i] : "x", len);
        if (!UNITS[i][0]) /* the "\0" unit */
            memset(text, 0, len);
        /* a real SSN after the noise is still found */
        memcpy(text + len - 14, " 123-45-6789 ", 13);
        ud_pii_match m[4];
        size_t n = ud_pii_scan(m, 4, text, len);
        if (n != 1 || m[0].kind != UD_PII_SSN || m[0].offset != len - 13)
            ud_test_fail(__FILE__, __LINE__, "unit %zu: %zu matches, the first %s at %zu", i, n,
                         n ? ud_pii_kind_name(m[0].kind) : "-", n ? m[0].offset : 0);
        free(text);
    }
    /* a long local part: only the last 64 characters before the @ can be one */
    char *text = repeat("a.", 1 << 20);
    memcpy(text + (1 << 20) - 13, "a@example.com", 13);
    ud_pii_match m;
    UD_CHECK_EQ_INT(1, ud_pii_scan(&m, 1, text, 1 << 20));
    UD_CHECK_EQ_INT(UD_PII_EMAIL, m.kind);
    UD_CHECK(m.len <= 64 + 12);
    UD_CHECK_EQ_INT(1 << 20, m.offset + m.len);
    free(text);
}

/* A document with more matches than redaction keeps from its first pass
 * (a dump of a customer table): the second pass redacts the rest the same. */
void test_pii__many_matches(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *line = "Call 415-555-2671 or mail u@example.com, ok.\n";
    const char *redacted_line = "Call [REDACTED:phone] or mail [REDACTED:email], ok.\n";
    size_t lines = 6000;
    ud_buf in, want;
    ud_buf_init(&in, 1 << 20);
    ud_buf_init(&want, 1 << 20);
    for (size_t i = 0; i < lines; i++) {
        UD_CHECK_OK(ud_buf_puts(&in, line));
        UD_CHECK_OK(ud_buf_puts(&want, redacted_line));
    }
    ud_pii_result r;
    UD_CHECK_OK(ud_pii_apply(&r, &arena, UD_PII_REDACT, in.ptr, in.len));
    UD_CHECK_EQ_INT(want.len, r.len);
    UD_CHECK(memcmp(want.ptr, r.text, r.len) == 0);
    UD_CHECK_EQ_INT(lines, r.counts.by_kind[UD_PII_PHONE]);
    UD_CHECK_EQ_INT(lines, r.counts.by_kind[UD_PII_EMAIL]);
    UD_CHECK_EQ_INT(2 * lines, ud_pii_scan(NULL, 0, in.ptr, in.len));
    ud_buf_dispose(&in);
    ud_buf_dispose(&want);
    ud_arena_dispose(&arena);
}
