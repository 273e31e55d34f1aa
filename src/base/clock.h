/*
 * Time: wall-clock seconds, monotonic milliseconds, and ISO 8601 / RFC 3339
 * formatting (all timestamps we store are UTC); parsing is in date.h.
 */
#ifndef UD_BASE_CLOCK_H
#define UD_BASE_CLOCK_H

#include <stdint.h>

/* ud_time_parse, the date parser, is declared there: its callers read and
 * format dates alike. */
#include "base/date.h"

int64_t ud_now(void);         /* Unix seconds */
double ud_monotonic_ms(void); /* for durations only */

/* "2026-01-15T10:30:00Z" into out (at least 21 bytes); empty string for 0. */
void ud_time_format(char out[32], int64_t unix_seconds);

#endif
