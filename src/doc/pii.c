/*
 * The PII detectors and the redact / exclude step of a sync job (pii.h).
 *
 * Hand-written scanners rather than regexes: one forward pass over the bytes
 * tries the detectors only where a match can start (the first byte of a word,
 * '(' or '+' for phones, '-' for a PEM block) and skips the rest of each word,
 * so plain prose costs about two byte reads per byte. Each detector is a row
 * of DETECTORS: a scanner that recognises the shape (digit groups and their
 * separators, the characters of a key's body) and a validator that checks
 * what a shape cannot (SSN ranges, card IINs and Luhn, NANP area codes,
 * IBAN mod-97, a key body that is not a placeholder). Where several detectors
 * match at one position the longest match wins; the scan then resumes after
 * it.
 *
 * False positives are what makes such a filter unusable, so the number
 * detectors insist on boundaries: a match never starts or ends inside a
 * longer run of digits or letters, nor right after "1." / "ab-" / "12:" /
 * "3/" (versions, codes, times, dates), nor right before ".5" / "-7" / "/2";
 * numbers grouped with spaces also refuse a neighbouring space-separated
 * number (a row of a table). Bare 9- and 10-digit numbers are never SSNs or
 * phones; only the written forms (123-45-6789, (415) 555-2671, +44 20 ...).
 *
 * A match starts and ends on ASCII bytes, and every byte >= 0x80 counts as
 * a separator, so UTF-8 sequences (valid or not) are never cut. Every run a
 * scanner walks is either capped or remembered (the memo fields of the
 * scanner), so hostile input (megabytes of digits, "a.a.a.", "sk-sk-sk-",
 * PEM headers without an end) still scans in linear time.
 *
 * Throughput, measured with ud_pii_scan on texts of 2.5-8 MB (-O2, one core of a
 * shared 2-core VM, so +-30%): 240 MB/s on English abstracts (the CISI and
 * CACM corpora), 300 MB/s on generated prose with dates and versions,
 * 950 MB/s on Slack API JSON, 840 MB/s on CJK/Cyrillic text, 150 MB/s on
 * numeric CSV rows, 140-190 MB/s on prose with three matches per 190-byte
 * line (redaction of it 80-120 MB/s: past 4096 matches it scans twice). A
 * bare loop that only splits the text into words runs at 430 MB/s on the
 * same machine. The worst hostile input measured ("1 1 1 ...") scans at
 * 25 MB/s.
 */
#include "doc/pii.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* ---- byte classes (ASCII only: bytes >= 0x80 are separators) ---- */

enum {
    C_DIGIT = 1,
    C_UPPER = 2,
    C_LOWER = 4,
    C_UNDERSCORE = 8,
    C_LOCAL_PUNCT = 16, /* . % + - in an email's local part */
    C_TRIGGER = 32,     /* ( + - can start a phone or a PEM block */
    C_KEY_START = 64,   /* the first letter of a key prefix (A g x s r e) */
    C_ALNUM = C_DIGIT | C_UPPER | C_LOWER,
    C_WORD = C_ALNUM | C_UNDERSCORE
};

/* A table rather than comparisons: the main loop reads one entry per byte. */
#define CLASS_OF(c)                                                                                \
    ((c) == 'A' || (c) == 'g' || (c) == 'x' || (c) == 's' || (c) == 'r' || (c) == 'e'              \
         ? C_KEY_START | ((c) == 'A' ? C_UPPER : C_LOWER)                                          \
     : (c) >= '0' && (c) <= '9' ? C_DIGIT                                                          \
     : (c) >= 'A' && (c) <= 'Z' ? C_UPPER                                                          \
     : (c) >= 'a' && (c) <= 'z' ? C_LOWER                                                          \
     : (c) == '_'               ? C_UNDERSCORE                                                     \
     : (c) == '-' || (c) == '+' ? C_LOCAL_PUNCT | C_TRIGGER                                        \
     : (c) == '.' || (c) == '%' ? C_LOCAL_PUNCT                                                    \
     : (c) == '('               ? C_TRIGGER                                                        \
                                : 0)
#define CLASS4(c) CLASS_OF(c), CLASS_OF((c) + 1), CLASS_OF((c) + 2), CLASS_OF((c) + 3)
#define CLASS16(c) CLASS4(c), CLASS4((c) + 4), CLASS4((c) + 8), CLASS4((c) + 12)
#define CLASS64(c) CLASS16(c), CLASS16((c) + 16), CLASS16((c) + 32), CLASS16((c) + 48)
static const unsigned char CLASSES[256] = {CLASS64(0), CLASS64(64), CLASS64(128), CLASS64(192)};

static bool is_digit(unsigned char c)
{
    return CLASSES[c] & C_DIGIT;
}

static bool is_upper(unsigned char c)
{
    return CLASSES[c] & C_UPPER;
}

static bool is_lower(unsigned char c)
{
    return CLASSES[c] & C_LOWER;
}

static bool is_alnum(unsigned char c)
{
    return CLASSES[c] & C_ALNUM;
}

static bool is_word(unsigned char c)
{
    return CLASSES[c] & C_WORD;
}

static bool is_upper_digit(unsigned char c)
{
    return is_upper(c) || is_digit(c);
}

static bool is_b64url(unsigned char c)
{
    return is_word(c) || c == '-';
}

static bool is_slack(unsigned char c)
{
    return is_alnum(c) || c == '-';
}

/* What an email's local part may hold (the common subset of RFC 5322). */
static bool is_local(unsigned char c)
{
    return CLASSES[c] & (C_WORD | C_LOCAL_PUNCT);
}

static bool is_label(unsigned char c)
{
    return is_alnum(c) || c == '-';
}

static bool is_pem_body(unsigned char c)
{
    return is_alnum(c) || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r';
}

/* ---- the scanner ---- */

/* A run of characters of one class already walked, [from, end): the scan
 * only moves forward, so a later start inside it can jump to its end instead
 * of walking it again. */
typedef struct run_memo {
    size_t from, end;
} run_memo;

typedef struct scanner {
    const unsigned char *t;
    size_t len;
    size_t pos; /* where next_match() looks next */
    /* Runs of local-part, base64url and Slack-body characters walked. */
    run_memo local_run;
    run_memo b64_run;
    run_memo slack_run;
    /* The first '@' at or after next_at_from, SIZE_MAX when none. */
    size_t next_at_from;
    size_t next_at;
    /* The last '@' whose domain was parsed, and the domain's end (0 when it
     * was not a domain): several word starts of one local part share it. */
    size_t at_pos;
    size_t at_domain_end;
    /* The first "-----END " at or after pem_from, SIZE_MAX when none. */
    size_t pem_from;
    size_t pem_end;
    /* The last ".eyJ" parsed as a JWT's payload and signature, and its end
     * (0 when it was not one). */
    size_t jwt_dot;
    size_t jwt_end;
} scanner;

static void scanner_init(scanner *s, const char *text, size_t len, size_t pos)
{
    memset(s, 0, sizeof(*s));
    s->t = (const unsigned char *)text;
    s->len = len;
    s->pos = pos;
    s->next_at_from = SIZE_MAX;
    s->at_pos = SIZE_MAX;
    s->pem_from = SIZE_MAX;
    s->jwt_dot = SIZE_MAX;
}

/* Digits from p, counting at most max + 1 so that "more than max" shows. */
static size_t digits(const scanner *s, size_t p, size_t max)
{
    size_t n = 0;
    while (p + n < s->len && n <= max && is_digit(s->t[p + n]))
        n++;
    return n;
}

/* End of the run of `pred` characters from p, jumping to the end of the
 * run in *memo when p is inside it. */
static size_t walk(const scanner *s, size_t p, bool (*pred)(unsigned char), run_memo *memo)
{
    size_t q = p;
    if (p >= memo->from && p < memo->end)
        q = memo->end;
    else
        memo->from = p;
    while (q < s->len && pred(s->t[q]))
        q++;
    memo->end = q;
    return q;
}

static bool has_prefix(const scanner *s, size_t pos, const char *prefix)
{
    size_t n = strlen(prefix);
    return s->len - pos >= n && memcmp(s->t + pos, prefix, n) == 0;
}

/* May a number start at pos? Not inside a word or a longer number, and not
 * as the tail of "2.1.", "10:", "01/" (versions, times, dates) or "INV-",
 * "abc-" (order numbers, UUIDs). */
static bool number_left_ok(const scanner *s, size_t pos)
{
    if (pos == 0)
        return true;
    unsigned char p = s->t[pos - 1];
    if (is_word(p))
        return false;
    if (pos < 2)
        return true;
    unsigned char pp = s->t[pos - 2];
    if ((p == '.' || p == ':' || p == '/') && is_digit(pp))
        return false;
    return !(p == '-' && is_alnum(pp));
}

/* A number grouped with spaces must not follow another number and a space:
 * "12 415 555 2671" is a row of figures, not a phone. */
static bool spaced_left_ok(const scanner *s, size_t pos)
{
    return !(pos >= 2 && s->t[pos - 1] == ' ' && is_digit(s->t[pos - 2]));
}

/* May a number that used separator `sep` (0 for none) end at end? Not
 * before a word character, nor before ".5", "-7", "/2", ":3" or, for a
 * space-grouped number, " 9": those continue it. */
static bool number_right_ok(const scanner *s, size_t end, unsigned char sep)
{
    if (end >= s->len)
        return true;
    unsigned char n = s->t[end];
    if (is_word(n))
        return false;
    if (end + 1 < s->len && is_digit(s->t[end + 1]))
        return !(n == '.' || n == '-' || n == '/' || n == ':' || (sep != 0 && n == sep));
    return true;
}

static unsigned number(const unsigned char *m, size_t n)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (unsigned)(m[i] - '0');
    return v;
}

/* The digits of a candidate, at most max of them; returns their count. */
static size_t collect_digits(char *out, size_t max, const unsigned char *m, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n && count < max; i++)
        if (is_digit(m[i]))
            out[count++] = (char)m[i];
    return count;
}

/* ---- ssn: 123-45-6789 or 123 45 6789 ---- */

static size_t scan_ssn(scanner *s, size_t pos)
{
    static const unsigned char DIGIT_AT[] = {0, 1, 2, 4, 5, 7, 8, 9, 10};
    const unsigned char *t = s->t + pos;
    if (s->len - pos < 11)
        return 0;
    unsigned char sep = t[3];
    if ((sep != '-' && sep != ' ') || t[6] != sep)
        return 0;
    for (size_t i = 0; i < sizeof(DIGIT_AT); i++)
        if (!is_digit(t[DIGIT_AT[i]]))
            return 0;
    if (!number_right_ok(s, pos + 11, sep) || (sep == ' ' && !spaced_left_ok(s, pos)))
        return 0;
    return 11;
}

/* The SSA never issues area 000, 666 or 900-999, group 00 or serial 0000. */
static bool valid_ssn(const unsigned char *m, size_t n)
{
    (void)n;
    unsigned area = number(m, 3), group = number(m + 4, 2), serial = number(m + 7, 4);
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

/* ---- credit_card: 13-19 digits, plain or in the printed groupings ---- */

static const unsigned char CARD_GROUPINGS[][6] = {
    {4, 4, 4, 4, 3}, /* 19 digits */
    {4, 4, 4, 4},    /* most cards */
    {4, 6, 5},       /* American Express */
    {4, 6, 4},       /* Diners Club */
};

static size_t scan_card(scanner *s, size_t pos)
{
    size_t run = digits(s, pos, 19);
    if (run >= 13 && run <= 19)
        return number_right_ok(s, pos + run, 0) ? run : 0;
    if (run != 4 || pos + 4 >= s->len)
        return 0;
    unsigned char sep = s->t[pos + 4];
    if ((sep != ' ' && sep != '-') || (sep == ' ' && !spaced_left_ok(s, pos)))
        return 0;
    for (size_t g = 0; g < sizeof(CARD_GROUPINGS) / sizeof(CARD_GROUPINGS[0]); g++) {
        size_t p = pos;
        bool ok = true;
        for (size_t i = 0; ok && i < 6 && CARD_GROUPINGS[g][i]; i++) {
            size_t want = CARD_GROUPINGS[g][i];
            if (i > 0)
                ok = p < s->len && s->t[p++] == sep;
            ok = ok && digits(s, p, want) == want;
            p += want;
        }
        if (ok && number_right_ok(s, p, sep))
            return p - pos;
    }
    return 0;
}

/* The IIN ranges of the major networks, with the lengths each issues. */
static bool card_network_ok(const char *d, size_t n)
{
    unsigned p2 = number((const unsigned char *)d, 2), p3 = number((const unsigned char *)d, 3);
    unsigned p4 = number((const unsigned char *)d, 4);
    if (d[0] == '4') /* Visa */
        return n == 13 || n == 16 || n == 19;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) /* Mastercard */
        return n == 16;
    if (p2 == 34 || p2 == 37) /* American Express */
        return n == 15;
    if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || p2 == 62) /* Discover, UnionPay */
        return n >= 16 && n <= 19;
    if (p4 >= 3528 && p4 <= 3589) /* JCB */
        return n >= 16 && n <= 19;
    if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) /* Diners Club */
        return n >= 14 && n <= 19;
    return false;
}

static bool luhn_ok(const char *d, size_t n)
{
    unsigned sum = 0;
    bool twice = false;
    for (size_t i = n; i-- > 0;) {
        unsigned v = (unsigned)(d[i] - '0');
        if (twice && (v *= 2) > 9)
            v -= 9;
        sum += v;
        twice = !twice;
    }
    return sum % 10 == 0;
}

static bool valid_card(const unsigned char *m, size_t n)
{
    char d[19];
    size_t count = collect_digits(d, sizeof(d), m, n);
    return count >= 13 && card_network_ok(d, count) && luhn_ok(d, count);
}

/* ---- phone: NANP and E.164 ---- */

#define PHONE_MAX_GROUPS 8

/* The digit groups of a phone-like candidate: "+1 (415) 555-2671" is the
 * groups 1, (415), 555 and 2671 with the separators ' ', ' ' and '-'. */
typedef struct phone_shape {
    bool plus;
    int paren; /* index of the parenthesised group, -1 for none */
    size_t count;
    size_t size[PHONE_MAX_GROUPS];
    size_t end[PHONE_MAX_GROUPS];        /* offset just after group i */
    unsigned char sep[PHONE_MAX_GROUPS]; /* separator before group i, 0 for none */
} phone_shape;

static bool is_phone_sep(unsigned char c)
{
    return c == ' ' || c == '-' || c == '.';
}

static void phone_groups(phone_shape *ps, const scanner *s, size_t pos)
{
    const unsigned char *t = s->t;
    size_t p = pos, total = 0;
    unsigned char sep = 0;
    ps->plus = false;
    ps->count = 0;
    ps->paren = -1;
    if (t[p] == '+') {
        ps->plus = true;
        p++;
    }
    while (ps->count < PHONE_MAX_GROUPS) {
        size_t g, next;
        if (p < s->len && t[p] == '(') {
            g = digits(s, p + 1, 4);
            if (ps->paren >= 0 || g == 0 || g > 4 || p + 1 + g >= s->len || t[p + 1 + g] != ')')
                break;
            ps->paren = (int)ps->count;
            next = p + g + 2;
        } else {
            g = digits(s, p, 15);
            if (g == 0)
                break;
            next = p + g;
        }
        if (total + g > 15) /* E.164 numbers have at most 15 digits */
            break;
        total += g;
        ps->size[ps->count] = g;
        ps->end[ps->count] = next;
        ps->sep[ps->count] = sep;
        ps->count++;
        p = next;
        sep = p < s->len && is_phone_sep(t[p]) ? t[p] : 0;
        size_t q = p + (sep != 0);
        if (q >= s->len || !(is_digit(t[q]) || t[q] == '('))
            break;
        p = q;
    }
}

static bool sizes_are(const phone_shape *ps, size_t k, size_t a, size_t b, size_t c, size_t d)
{
    size_t want[4] = {a, b, c, d};
    for (size_t i = 0; i < k; i++)
        if (ps->size[i] != want[i])
            return false;
    return true;
}

/* Is the first k groups of ps a way phone numbers are written? */
static bool phone_layout_ok(const phone_shape *ps, size_t k, unsigned char first_digit)
{
    int paren = ps->paren >= (int)k ? -1 : ps->paren;
    if (!ps->plus) {
        /* 415-555-2671, 415.555.2671, 415 555 2671, (415) 555-2671 */
        if (k == 3 && sizes_are(ps, 3, 3, 3, 4, 0))
            return paren == 0 || (paren < 0 && ps->sep[1] == ps->sep[2]);
        /* 1-800-555-0199, 1 (800) 555-0199 */
        if (k == 4 && first_digit == '1' && sizes_are(ps, 4, 1, 3, 3, 4))
            return paren == 1 ||
                   (paren < 0 && ps->sep[1] == ps->sep[2] && ps->sep[2] == ps->sep[3]);
        return false;
    }
    if (first_digit == '1') { /* +14155552671, +1 415 555 2671, +1 (415) 555-2671 */
        if (k == 1)
            return ps->size[0] == 11;
        if (k == 2)
            return sizes_are(ps, 2, 1, 10, 0, 0);
        return k == 4 && sizes_are(ps, 4, 1, 3, 3, 4) &&
               (paren == 1 || (paren < 0 && ps->sep[2] == ps->sep[3]));
    }
    /* Elsewhere: a country code of 1-3 digits, then groups of two or more
     * digits with at most one single digit (+33 1 42 68 53 00, the (0) of
     * +44 (0)20 ...); or the whole number unbroken (+442079460958). */
    if (k == 1)
        return paren < 0;
    if (paren == 0 || ps->size[0] > 3)
        return false;
    size_t singles = 0;
    for (size_t i = 1; i < k; i++)
        singles += ps->size[i] == 1;
    return singles <= 1;
}

/* NANP: the area code and the exchange start with 2-9 and are not N11
 * (service codes); N9X area codes are reserved. */
static bool nanp_ok(const char *d)
{
    return d[0] >= '2' && !(d[1] == '1' && d[2] == '1') && d[1] != '9' && d[3] >= '2' &&
           !(d[4] == '1' && d[5] == '1');
}

static bool valid_phone(const unsigned char *m, size_t n)
{
    char d[15] = {0};
    size_t count = collect_digits(d, sizeof(d), m, n);
    bool plus = n > 0 && m[0] == '+';
    if (count == 10 && !plus)
        return nanp_ok(d);
    if (count == 11 && d[0] == '1')
        return nanp_ok(d + 1);
    return plus && d[0] != '0' && d[0] != '1' && count >= 9 && count <= 15;
}

/* The longest run of groups that is laid out like a phone number, ends at a
 * boundary and holds a valid number: "415-555-2671 2 lines" stops after
 * 2671. */
static size_t scan_phone(scanner *s, size_t pos)
{
    const unsigned char *t = s->t;
    /* Without a '+', a phone starts with its 3-digit area code, or a 1 and
     * a separator before the area code. */
    if (is_digit(t[pos])) {
        size_t run = digits(s, pos, 3);
        if (run != 3 && !(run == 1 && t[pos] == '1' && s->len - pos > 5 &&
                          is_phone_sep(t[pos + 1]) && (is_digit(t[pos + 2]) || t[pos + 2] == '(')))
            return 0;
    }
    phone_shape ps;
    phone_groups(&ps, s, pos);
    if (ps.count == 0)
        return 0;
    unsigned char first = t[pos + ps.plus + (ps.paren == 0)];
    for (size_t k = ps.count; k > 0; k--) {
        size_t end = ps.end[k - 1];
        unsigned char style = ps.sep[k - 1];
        if (!phone_layout_ok(&ps, k, first) || !number_right_ok(s, end, style))
            continue;
        bool spaced = false;
        for (size_t i = 1; i < k; i++)
            spaced |= ps.sep[i] == ' ';
        if (!ps.plus && spaced && !spaced_left_ok(s, pos))
            continue;
        if (valid_phone(t + pos, end - pos))
            return end - pos;
    }
    return 0;
}

/* ---- email ---- */

static bool tld_ok(const unsigned char *tld, size_t n)
{
    /* File names such as icon@2x.png look like addresses. */
    static const char *const NOT_TLDS[] = {"png", "jpg", "jpeg", "gif",  "svg", "webp",
                                           "bmp", "ico", "tif",  "tiff", "pdf"};
    if (n >= 5 && memcmp(tld, "xn--", 4) == 0)
        return true; /* an internationalised TLD */
    if (n < 2 || n > 24)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_upper(tld[i]) && !is_lower(tld[i]))
            return false;
    for (size_t i = 0; i < sizeof(NOT_TLDS) / sizeof(NOT_TLDS[0]); i++) {
        size_t len = strlen(NOT_TLDS[i]), j = 0;
        while (j < len && j < n && (tld[j] | 0x20) == NOT_TLDS[i][j])
            j++;
        if (j == len && len == n)
            return false;
    }
    return true;
}

/* End of the domain after the '@' at `at`, 0 if there is none: two or more
 * labels of letters, digits and inner hyphens, the last a TLD. A final '.'
 * (the end of a sentence) is not part of it. */
static size_t parse_domain(const scanner *s, size_t at)
{
    const unsigned char *t = s->t;
    size_t p = at + 1, labels = 0, last = 0;
    for (;;) {
        size_t start = p;
        while (p < s->len && is_label(t[p]) && p - start <= 63)
            p++;
        if (p == start || p - start > 63 || t[start] == '-' || t[p - 1] == '-')
            return 0;
        labels++;
        last = start;
        if (p - at > 254)
            return 0;
        if (p + 1 < s->len && t[p] == '.' && is_label(t[p + 1])) {
            p++;
            continue;
        }
        break;
    }
    if (labels < 2 || (p < s->len && (is_word(t[p]) || t[p] == '@')))
        return 0;
    return tld_ok(t + last, p - last) ? p : 0;
}

/* Is there an '@' close enough after pos to end a local part (at most 64
 * characters)? memchr finds the next one fast, so prose costs next to
 * nothing. */
static bool at_sign_near(scanner *s, size_t pos)
{
    if (s->next_at_from == SIZE_MAX || s->next_at < pos) {
        const unsigned char *a = memchr(s->t + pos, '@', s->len - pos);
        s->next_at_from = pos;
        s->next_at = a ? (size_t)(a - s->t) : SIZE_MAX;
    }
    return s->next_at != SIZE_MAX && s->next_at - pos <= 64;
}

static size_t scan_email(scanner *s, size_t pos)
{
    const unsigned char *t = s->t;
    if (!at_sign_near(s, pos))
        return 0;
    size_t at = walk(s, pos, is_local, &s->local_run);
    if (at >= s->len || t[at] != '@')
        return 0;
    size_t local = at - pos;
    if (local > 64 || t[at - 1] == '.' || memmem(t + pos, local, "..", 2))
        return 0;
    if (s->at_pos != at) {
        s->at_pos = at;
        s->at_domain_end = parse_domain(s, at);
    }
    return s->at_domain_end ? s->at_domain_end - pos : 0;
}

/* ---- iban ---- */

/* The IBAN length of each country of the IBAN registry. */
static const struct {
    char country[3];
    unsigned char len;
} IBAN_LENGTHS[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
    {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20},
    {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MD", 24},
    {"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"SA", 24}, {"SC", 31},
    {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24},
    {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20},
};

static size_t iban_length(const unsigned char *country)
{
    for (size_t i = 0; i < sizeof(IBAN_LENGTHS) / sizeof(IBAN_LENGTHS[0]); i++)
        if ((unsigned char)IBAN_LENGTHS[i].country[0] == country[0] &&
            (unsigned char)IBAN_LENGTHS[i].country[1] == country[1])
            return IBAN_LENGTHS[i].len;
    return 0;
}

/* DE89370400440532013000 or, printed, DE89 3704 0044 0532 0130 00. */
static size_t scan_iban(scanner *s, size_t pos)
{
    const unsigned char *t = s->t;
    if (s->len - pos < 15 || !is_upper(t[pos + 1]) || !is_digit(t[pos + 2]) ||
        !is_digit(t[pos + 3]))
        return 0;
    size_t want = iban_length(t + pos);
    if (want == 0)
        return 0;
    size_t p = pos + 4, n = 4;
    if (t[p] != ' ') {
        while (p < s->len && n < want && is_upper_digit(t[p])) {
            p++;
            n++;
        }
    } else {
        while (n < want) {
            if (p >= s->len || t[p] != ' ')
                return 0;
            p++;
            size_t g = 0;
            while (g < 4 && n < want && p < s->len && is_upper_digit(t[p])) {
                p++;
                g++;
                n++;
            }
            if (g == 0 || (g < 4 && n < want))
                return 0;
        }
    }
    if (n != want || (p < s->len && is_word(t[p])))
        return 0;
    return p - pos;
}

/* ISO 13616: the country code and check digits moved to the end, letters
 * as 10-35, the whole number modulo 97 is 1. */
static bool valid_iban(const unsigned char *m, size_t n)
{
    unsigned check = number(m + 2, 2), rem = 0;
    if (check < 2 || check > 98)
        return false;
    for (size_t i = 4; i < n + 4; i++) {
        unsigned char c = m[i < n ? i : i - n];
        if (c == ' ')
            continue;
        if (is_digit(c))
            rem = (rem * 10 + (unsigned)(c - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
    }
    return rem == 1;
}

/* ---- api_key ---- */

/* A key format: a literal prefix and a body of `body` characters, between
 * min and max of them. need_digit keeps prose ("sk-learn-is-a-...") out. */
typedef struct key_format {
    const char *prefix;
    size_t prefix_len;
    bool (*body)(unsigned char);
    run_memo *(*memo)(scanner *s); /* for bodies that can contain '-' */
    unsigned short min, max;
    bool need_digit;
} key_format;

static run_memo *b64_memo(scanner *s)
{
    return &s->b64_run;
}

static run_memo *slack_memo(scanner *s)
{
    return &s->slack_run;
}

#define KEY_PREFIX(p) p, sizeof(p) - 1
static const key_format KEY_FORMATS[] = {
    {KEY_PREFIX("AKIA"), is_upper_digit, NULL, 16, 16, false}, /* AWS access key id */
    {KEY_PREFIX("ASIA"), is_upper_digit, NULL, 16, 16, false}, /* AWS temporary key id */
    {KEY_PREFIX("AIza"), is_b64url, b64_memo, 35, 35, false},  /* Google API key */
    {KEY_PREFIX("ghp_"), is_alnum, NULL, 36, 255, false},      /* GitHub tokens */
    {KEY_PREFIX("gho_"), is_alnum, NULL, 36, 255, false},
    {KEY_PREFIX("ghs_"), is_alnum, NULL, 36, 255, false},
    {KEY_PREFIX("ghu_"), is_alnum, NULL, 36, 255, false},
    {KEY_PREFIX("ghr_"), is_alnum, NULL, 36, 255, false},
    {KEY_PREFIX("github_pat_"), is_word, NULL, 22, 255, false},
    {KEY_PREFIX("xoxb-"), is_slack, slack_memo, 10, 255, true}, /* Slack tokens */
    {KEY_PREFIX("xoxp-"), is_slack, slack_memo, 10, 255, true},
    {KEY_PREFIX("xoxa-"), is_slack, slack_memo, 10, 255, true},
    {KEY_PREFIX("xoxr-"), is_slack, slack_memo, 10, 255, true},
    {KEY_PREFIX("sk_live_"), is_alnum, NULL, 24, 255, false}, /* Stripe, and our own keys */
    {KEY_PREFIX("rk_live_"), is_alnum, NULL, 24, 255, false},
    {KEY_PREFIX("sk-"), is_b64url, b64_memo, 20, 255,
     true}, /* OpenAI sk-, sk-proj-; Anthropic sk-ant- */
};

static size_t scan_key_format(scanner *s, size_t pos, const key_format *f)
{
    size_t from = pos + f->prefix_len, end = from;
    if (f->memo)
        end = walk(s, from, f->body, f->memo(s));
    else
        while (end < s->len && end - from <= f->max && f->body(s->t[end]))
            end++;
    if (end - from < f->min || end - from > f->max || (end < s->len && is_word(s->t[end])))
        return 0;
    if (f->need_digit) {
        size_t i = from;
        while (i < end && !is_digit(s->t[i]))
            i++;
        if (i == end)
            return 0;
    }
    return end - pos;
}

/* header.payload.signature, the first two base64url JSON ("eyJ" is '{"'). */
static size_t scan_jwt(scanner *s, size_t pos)
{
    size_t dot = walk(s, pos, is_b64url, &s->b64_run);
    if (dot - pos < 10 || dot - pos > 1024 || !has_prefix(s, dot, ".eyJ"))
        return 0;
    if (s->jwt_dot != dot) {
        size_t p = dot + 1;
        while (p < s->len && is_b64url(s->t[p]))
            p++;
        s->jwt_dot = dot;
        s->jwt_end = 0;
        if (p - dot - 1 >= 10 && p < s->len && s->t[p] == '.') {
            size_t sig_end = p + 1;
            while (sig_end < s->len && is_b64url(s->t[sig_end]))
                sig_end++;
            if (sig_end >= s->len || s->t[sig_end] != '.')
                s->jwt_end = sig_end;
        }
    }
    return s->jwt_end ? s->jwt_end - pos : 0;
}

/* "-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED ]PRIVATE KEY-----" through its
 * "-----END ...-----" line (up to 64 KiB on), or through the base64 lines
 * after it when the block was cut off. */
#define PEM_MAX_BODY ((size_t)64 << 10)

static size_t scan_pem(scanner *s, size_t pos)
{
    const unsigned char *t = s->t;
    if (s->len - pos < 11 || t[pos + 4] != '-' || !has_prefix(s, pos, "-----BEGIN "))
        return 0;
    size_t p = pos + 11;
    while (p < s->len && p - pos < 80 && (is_upper_digit(t[p]) || t[p] == ' '))
        p++;
    if (p - pos < 11 + 11 || !has_prefix(s, p, "-----") ||
        memcmp(t + p - 11, "PRIVATE KEY", 11) != 0)
        return 0;
    size_t body = p + 5;
    if (s->pem_from == SIZE_MAX || body < s->pem_from ||
        (s->pem_end != SIZE_MAX && s->pem_end < body)) {
        const unsigned char *e = memmem(t + body, s->len - body, "-----END ", 9);
        s->pem_from = body;
        s->pem_end = e ? (size_t)(e - t) : SIZE_MAX;
    }
    if (s->pem_end != SIZE_MAX && s->pem_end - body <= PEM_MAX_BODY) {
        size_t q = s->pem_end + 9;
        while (q < s->len && q - s->pem_end < 80 && (is_upper_digit(t[q]) || t[q] == ' '))
            q++;
        if (has_prefix(s, q, "-----"))
            return q + 5 - pos;
    }
    size_t q = body;
    while (q < s->len && is_pem_body(t[q]))
        q++;
    while (q > body && (t[q - 1] == '\n' || t[q - 1] == '\r'))
        q--;
    return q - body >= 16 ? q - pos : 0;
}

static size_t scan_api_key(scanner *s, size_t pos)
{
    const unsigned char *t = s->t;
    unsigned char c = t[pos];
    if (c == '-')
        return scan_pem(s, pos);
    /* Most words start with none of the prefixes' first two letters. */
    if (s->len - pos < 3)
        return 0;
    if (c == 'e')
        return t[pos + 1] == 'y' && t[pos + 2] == 'J' ? scan_jwt(s, pos) : 0;
    if (c != 'A' && c != 'g' && c != 'x' && c != 's' && c != 'r')
        return 0;
    for (size_t i = 0; i < sizeof(KEY_FORMATS) / sizeof(KEY_FORMATS[0]); i++) {
        const key_format *f = &KEY_FORMATS[i];
        if ((unsigned char)f->prefix[0] == c && (unsigned char)f->prefix[1] == t[pos + 1] &&
            s->len - pos >= f->prefix_len && memcmp(t + pos, f->prefix, f->prefix_len) == 0)
            return scan_key_format(s, pos, f);
    }
    return 0;
}

/* A real key is random: fewer than 10 distinct characters means a
 * placeholder such as AKIAXXXXXXXXXXXXXXXX or sk_live_0000.... */
static bool valid_key(const unsigned char *m, size_t n)
{
    bool seen[128] = {false};
    size_t distinct = 0;
    for (size_t i = 0; i < n && distinct < 10; i++)
        if (m[i] < 128 && !seen[m[i]]) {
            seen[m[i]] = true;
            distinct++;
        }
    return distinct >= 10;
}

/* ---- the table and the driver ---- */

typedef struct detector {
    const char *name;
    const char *placeholder;
    size_t placeholder_len;
    /* The length of the candidate of this shape that starts at pos, 0 if
     * none. Called only where a match can start (see next_match): at the
     * first character of a word, at '(' and '+' for phones, '-' for PEM;
     * for the number detectors only where number_left_ok() holds. */
    size_t (*scan)(scanner *s, size_t pos);
    /* Whether the candidate m[0..n) is a real one (ranges, checksums). */
    bool (*validate)(const unsigned char *m, size_t n);
} detector;

#define DETECTOR(name, scan, validate)                                                             \
    {                                                                                              \
        name, "[REDACTED:" name "]", sizeof("[REDACTED:" name "]") - 1, scan, validate             \
    }

static const detector DETECTORS[UD_PII_KIND_COUNT] = {
    [UD_PII_SSN] = DETECTOR("ssn", scan_ssn, valid_ssn),
    [UD_PII_CREDIT_CARD] = DETECTOR("credit_card", scan_card, valid_card),
    [UD_PII_PHONE] = DETECTOR("phone", scan_phone, valid_phone),
    [UD_PII_EMAIL] = DETECTOR("email", scan_email, NULL),
    [UD_PII_IBAN] = DETECTOR("iban", scan_iban, valid_iban),
    [UD_PII_API_KEY] = DETECTOR("api_key", scan_api_key, valid_key),
};

/* The detectors that can start with each kind of byte. */
#define BIT(kind) (1u << (kind))
static const unsigned START_DIGIT =
    BIT(UD_PII_SSN) | BIT(UD_PII_CREDIT_CARD) | BIT(UD_PII_PHONE) | BIT(UD_PII_EMAIL);
static const unsigned START_UPPER = BIT(UD_PII_IBAN) | BIT(UD_PII_API_KEY) | BIT(UD_PII_EMAIL);
static const unsigned START_LOWER = BIT(UD_PII_API_KEY) | BIT(UD_PII_EMAIL);
/* The detectors of numbers, tried only where number_left_ok() holds. */
static const unsigned NUMBERS = BIT(UD_PII_SSN) | BIT(UD_PII_CREDIT_CARD) | BIT(UD_PII_PHONE);

/* The next match at or after s->pos; false at the end of the text. */
static bool next_match(scanner *s, ud_pii_match *out)
{
    const unsigned char *t = s->t;
    size_t pos = s->pos;
    while (pos < s->len) {
        while (pos < s->len && !(CLASSES[t[pos]] & (C_ALNUM | C_TRIGGER)))
            pos++;
        if (pos == s->len)
            break;
        unsigned char c = t[pos], cls = CLASSES[c];
        unsigned starts;
        bool word = cls & C_ALNUM;
        if (word) {
            if (pos > 0 && is_word(t[pos - 1])) {
                pos++;
                continue;
            }
            starts = cls & C_DIGIT ? START_DIGIT : cls & C_UPPER ? START_UPPER : START_LOWER;
            if (!(cls & C_KEY_START))
                starts &= ~BIT(UD_PII_API_KEY);
            if (!at_sign_near(s, pos))
                starts &= ~BIT(UD_PII_EMAIL);
        } else {
            starts = c == '-' ? BIT(UD_PII_API_KEY) : BIT(UD_PII_PHONE);
        }
        if ((starts & NUMBERS) && !number_left_ok(s, pos))
            starts &= ~NUMBERS;
        size_t best = 0;
        ud_pii_kind best_kind = UD_PII_SSN;
        for (unsigned k = 0; starts && k < UD_PII_KIND_COUNT; k++) {
            if (!(starts & BIT(k)))
                continue;
            const detector *d = &DETECTORS[k];
            size_t n = d->scan(s, pos);
            if (n > best && (!d->validate || d->validate(t + pos, n))) {
                best = n;
                best_kind = (ud_pii_kind)k;
            }
        }
        if (best) {
            out->kind = best_kind;
            out->offset = pos;
            out->len = best;
            s->pos = pos + best;
            return true;
        }
        pos++;
        if (word) /* nothing starts inside a word */
            while (pos < s->len && is_word(t[pos]))
                pos++;
    }
    s->pos = s->len;
    return false;
}

/* ---- the API ---- */

static const char *const MODE_NAMES[] = {
    [UD_PII_OFF] = "off", [UD_PII_REDACT] = "redact", [UD_PII_EXCLUDE] = "exclude"};

const char *ud_pii_kind_name(ud_pii_kind kind)
{
    return (unsigned)kind < UD_PII_KIND_COUNT ? DETECTORS[kind].name : "unknown";
}

int ud_pii_mode_parse(ud_pii_mode *out, const char *name)
{
    for (size_t i = 0; i < sizeof(MODE_NAMES) / sizeof(MODE_NAMES[0]); i++)
        if (name && strcmp(name, MODE_NAMES[i]) == 0) {
            *out = (ud_pii_mode)i;
            return 0;
        }
    return ud_error_set(UD_EINVAL, "unknown PII mode \"%.40s\": expected redact, exclude or off",
                        name ? name : "");
}

const char *ud_pii_mode_name(ud_pii_mode mode)
{
    return (unsigned)mode < sizeof(MODE_NAMES) / sizeof(MODE_NAMES[0]) ? MODE_NAMES[mode]
                                                                       : "unknown";
}

size_t ud_pii_scan(ud_pii_match *out, size_t max, const char *text, size_t len)
{
    if (!text)
        return 0;
    scanner s;
    scanner_init(&s, text, len < UD_PII_MAX_TEXT ? len : UD_PII_MAX_TEXT, 0);
    size_t total = 0;
    ud_pii_match m;
    while (next_match(&s, &m)) {
        if (total < max)
            out[total] = m;
        total++;
    }
    return total;
}

/* Redaction keeps this many matches from the counting pass; a document with
 * more (a dump of a customer table) is scanned a second time past them
 * rather than holding a list as long as the text. */
#define REDACT_KEPT_MAX 4096

typedef struct redactor {
    const char *text;
    char *dst;
    size_t from; /* input consumed so far */
    size_t written;
} redactor;

static void redact_match(redactor *r, const ud_pii_match *m)
{
    const detector *d = &DETECTORS[m->kind];
    memcpy(r->dst + r->written, r->text + r->from, m->offset - r->from);
    r->written += m->offset - r->from;
    memcpy(r->dst + r->written, d->placeholder, d->placeholder_len);
    r->written += d->placeholder_len;
    r->from = m->offset + m->len;
}

int ud_pii_apply(ud_pii_result *out, ud_arena *arena, ud_pii_mode mode, const char *text,
                 size_t len)
{
    if (!out || (!text && len) || (unsigned)mode > UD_PII_EXCLUDE ||
        (mode == UD_PII_REDACT && !arena))
        return ud_error_set(UD_EINVAL, "PII filter: bad arguments");
    if (len > UD_PII_MAX_TEXT)
        return ud_error_set(UD_ELIMIT, "PII filter: a text of %zu bytes is over the limit of %zu",
                            len, UD_PII_MAX_TEXT);
    if (!text)
        text = "";
    ud_pii_result r = {.text = text, .len = len};
    if (mode == UD_PII_OFF) {
        *out = r;
        return 0;
    }

    scanner s;
    scanner_init(&s, text, len, 0);
    ud_pii_match m, *kept = NULL;
    size_t kept_count = 0, kept_cap = 0, total = 0, out_len = len;
    while (next_match(&s, &m)) {
        r.counts.by_kind[m.kind]++;
        total++;
        /* Never below zero: the matches are disjoint parts of the input. */
        out_len = out_len - m.len + DETECTORS[m.kind].placeholder_len;
        if (mode != UD_PII_REDACT || kept_count == REDACT_KEPT_MAX)
            continue;
        if (kept_count == kept_cap) {
            kept_cap = kept_cap ? kept_cap * 2 : 16;
            kept = ud_realloc(kept, kept_cap * sizeof(*kept));
        }
        kept[kept_count++] = m;
    }
    if (mode == UD_PII_EXCLUDE) {
        r.exclude = total > 0;
        *out = r;
        return 0;
    }

    redactor red = {.text = text, .dst = ud_arena_alloc(arena, out_len + 1)};
    for (size_t i = 0; i < kept_count; i++)
        redact_match(&red, &kept[i]);
    free(kept);
    if (total > kept_count) {
        /* Scanning from the end of a match finds what the first pass found. */
        scanner_init(&s, text, len, red.from);
        while (next_match(&s, &m))
            redact_match(&red, &m);
    }
    memcpy(red.dst + red.written, text + red.from, len - red.from);
    red.written += len - red.from;
    assert(red.written == out_len);
    red.dst[out_len] = '\0';
    r.text = red.dst;
    r.len = out_len;
    *out = r;
    return 0;
}

void ud_pii_counts_add(ud_pii_counts *into, const ud_pii_counts *more)
{
    for (size_t k = 0; k < UD_PII_KIND_COUNT; k++)
        into->by_kind[k] += more->by_kind[k];
}

size_t ud_pii_counts_total(const ud_pii_counts *counts)
{
    size_t total = 0;
    for (size_t k = 0; k < UD_PII_KIND_COUNT; k++)
        total += counts->by_kind[k];
    return total;
}

int ud_pii_counts_json(ud_buf *out, const ud_pii_counts *counts)
{
    size_t start = out->len;
    int rc = ud_buf_putc(out, '{');
    const char *comma = "";
    for (size_t k = 0; rc == 0 && k < UD_PII_KIND_COUNT; k++) {
        if (!counts->by_kind[k])
            continue;
        rc = ud_buf_printf(out, "%s\"%s\": %zu", comma, DETECTORS[k].name, counts->by_kind[k]);
        comma = ", ";
    }
    if (rc == 0)
        rc = ud_buf_putc(out, '}');
    if (rc != 0 && out->ptr) { /* leave the buffer as it was */
        out->len = start;
        out->ptr[start] = '\0';
    }
    return rc;
}
