/*
 * Sensitive-data filtering (the spec's PII step), run on a document's
 * cleaned text before it is chunked and indexed. Six detectors find US SSNs,
 * payment-card numbers (IIN and Luhn checked), phone numbers (NANP and
 * E.164), email addresses, IBANs (per-country length and mod-97 checked) and
 * API keys or private-key blocks. A source's `pii` setting then decides what
 * happens: `redact` replaces each match with "[REDACTED:<detector>]",
 * `exclude` drops the whole document, `off` does not scan. The counts per
 * detector go to the sync log.
 *
 * Matches contain ASCII bytes only and never start or end inside a UTF-8
 * sequence, so redaction leaves the rest of the text byte-identical and
 * valid UTF-8 stays valid. The scanner reads any bytes (invalid UTF-8, NULs)
 * in time linear in the length.
 */
#ifndef UD_DOC_PII_H
#define UD_DOC_PII_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "base/str.h"

/* The detectors, in the order the counts JSON lists them. */
typedef enum ud_pii_kind {
    UD_PII_SSN,
    UD_PII_CREDIT_CARD,
    UD_PII_PHONE,
    UD_PII_EMAIL,
    UD_PII_IBAN,
    UD_PII_API_KEY,
    UD_PII_KIND_COUNT
} ud_pii_kind;

typedef enum ud_pii_mode { UD_PII_OFF, UD_PII_REDACT, UD_PII_EXCLUDE } ud_pii_mode;

/* Texts longer than this are refused (UD_ELIMIT) rather than scanned. */
#define UD_PII_MAX_TEXT ((size_t)256 << 20)

typedef struct ud_pii_match {
    ud_pii_kind kind;
    size_t offset; /* bytes from the start of the text */
    size_t len;
} ud_pii_match;

/* Matches per detector; a plain value that sync jobs sum over documents. */
typedef struct ud_pii_counts {
    size_t by_kind[UD_PII_KIND_COUNT];
} ud_pii_counts;

typedef struct ud_pii_result {
    /* The text to index: for `redact` a NUL-terminated copy in the arena
     * with each match replaced; for `off` and `exclude` the input itself
     * (borrowed). */
    const char *text;
    size_t len;
    /* `exclude` mode and at least one match: the caller drops the document. */
    bool exclude;
    ud_pii_counts counts; /* all zero for `off` */
} ud_pii_result;

/* The detector's name as used in placeholders and JSON ("ssn",
 * "credit_card", "phone", "email", "iban", "api_key"). */
const char *ud_pii_kind_name(ud_pii_kind kind);

/* "off" | "redact" | "exclude" (exactly). UD_EINVAL with a message naming the
 * accepted values otherwise; *out is set only on success. */
int ud_pii_mode_parse(ud_pii_mode *out, const char *name) UD_MUST_CHECK;
const char *ud_pii_mode_name(ud_pii_mode mode);

/* Finds the PII in text[0..len): leftmost-longest, non-overlapping, in
 * offset order. Stores the first `max` matches in out (which may be NULL
 * when max is 0) and returns how many there are in all, which may be more
 * than max. Texts over UD_PII_MAX_TEXT are scanned up to that length. */
size_t ud_pii_scan(ud_pii_match *out, size_t max, const char *text, size_t len);

/* Applies a source's PII mode to one document's text; see ud_pii_result for
 * what *out holds in each mode. `off` reads nothing; `exclude` scans the
 * whole text so that the counts are complete. The arena (needed for `redact`
 * only, may be NULL otherwise) owns the redacted copy, which is less than 3
 * times as long as the input. UD_EINVAL for a NULL text with a length, an
 * unknown mode or a missing arena, UD_ELIMIT for a text over
 * UD_PII_MAX_TEXT; *out is set only on success. */
int ud_pii_apply(ud_pii_result *out, ud_arena *arena, ud_pii_mode mode, const char *text,
                 size_t len) UD_MUST_CHECK;

/* Adds `more` into `into`, detector by detector. */
void ud_pii_counts_add(ud_pii_counts *into, const ud_pii_counts *more);
size_t ud_pii_counts_total(const ud_pii_counts *counts);

/* Appends the counts as a JSON object of the detectors that matched, in
 * ud_pii_kind order: {"ssn": 1, "credit_card": 2}, or {} when none did.
 * Errors are those of ud_buf_append (UD_ELIMIT past the buffer's maximum). */
int ud_pii_counts_json(ud_buf *out, const ud_pii_counts *counts) UD_MUST_CHECK;

#endif
