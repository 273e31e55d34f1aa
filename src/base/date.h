/*
 * Dates as documents and queries write them: the one parser every
 * extractor, connector and the query language use, and the window a date
 * a document states about itself must fall in to be believed.
 */
#ifndef UD_BASE_DATE_H
#define UD_BASE_DATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

/* A document may be dated at most this far after the moment it is read
 * (clocks of other machines, time zones); later dates are not believed. */
#define UD_DATE_MAX_AHEAD_SECONDS (2 * 86400)
/* A longer text is not a date, whatever it starts with. */
#define UD_DATE_MAX_TEXT 128

/* Parses, into Unix seconds (UTC):
 *   ISO 8601 / RFC 3339: "2026-01-15", "2026-01-15T10:30", "2026-01-15T10:30:00Z",
 *     "2026-01-15 10:30:00.25 +02:00" (fraction ignored, offset +hh:mm, +hhmm, +hh or Z;
 *     no offset is UTC);
 *   RFC 2822 (email): "Thu, 15 Jan 2026 10:30:00 +0000", day name and seconds optional,
 *     zones UT, GMT, Z and the North American names (EST ... PDT), a trailing comment,
 *     two-digit years of the obsolete syntax;
 *   PDF: "D:20260115103000+01'00'", everything after the year optional.
 * Days are checked against their month (no 30 February). UD_EINVAL if none fits. */
int ud_time_parse(int64_t *out, const char *text) UD_MUST_CHECK;

/* Whether a date a document states is believable when read at `now`:
 * after 1970-01-01T00:00:00Z (0 means "no date" everywhere) and at most
 * UD_DATE_MAX_AHEAD_SECONDS after now. */
bool ud_date_plausible(int64_t when, int64_t now);

/* A date a document states about itself (a metadata field, a header):
 * parsed with ud_time_parse and kept if plausible at `now`; 0 when the text
 * is NULL, longer than UD_DATE_MAX_TEXT, not a date or not plausible. Never
 * sets an error. */
int64_t ud_date_from_document(const char *text, int64_t now);

#endif
