/*
 * Time: wall-clock seconds, monotonic milliseconds, and ISO 8601 / RFC 3339
 * formatting and parsing (all timestamps we store are UTC).
 */
#ifndef UD_BASE_CLOCK_H
#define UD_BASE_CLOCK_H

#include <stdint.h>

#include "base/error.h"

int64_t ud_now(void);         /* Unix seconds */
double ud_monotonic_ms(void); /* for durations only */

/* "2026-01-15T10:30:00Z" into out (at least 21 bytes); empty string for 0. */
void ud_time_format(char out[32], int64_t unix_seconds);

/* Parses ISO 8601 dates and date-times ("2026-01-15", "2026-01-15T10:30:00Z",
 * "2026-01-15 10:30:00", with optional fraction and +hh:mm offset), RFC 2822
 * dates ("Thu, 15 Jan 2026 10:30:00 +0000") and PDF dates
 * ("D:20260115103000Z"). UD_EINVAL if none fits. */
int ud_time_parse(int64_t *out, const char *text) UD_MUST_CHECK;

#endif
