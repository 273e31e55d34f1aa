/*
 * The clock: wall-clock and monotonic time, and dates formatted as we
 * store and show them. Parsing dates is date.c's.
 */
#include "base/clock.h"

#include <time.h>

int64_t ud_now(void)
{
    return (int64_t)time(NULL);
}

double ud_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void ud_time_format(char out[32], int64_t unix_seconds)
{
    if (unix_seconds == 0) {
        out[0] = '\0';
        return;
    }
    time_t t = (time_t)unix_seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
