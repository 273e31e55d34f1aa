/*
 * Clock and date parsing. Dates arrive from documents (PDF info, email
 * headers, JSON fields, front matter) in a handful of formats; we accept the
 * common ones and treat anything else as "no date" rather than guessing.
 */
#include "base/clock.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
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

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Reads exactly `width` digits. */
static bool digits(const char **p, int width, int *out)
{
    int v = 0;
    for (int i = 0; i < width; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += width;
    *out = v;
    return true;
}

static bool valid_fields(int y, int mo, int d, int h, int mi, int s)
{
    return y >= 1900 && y <= 9999 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 &&
           h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60;
}

/* "+hh:mm", "+hhmm", "-hh", "Z"; returns offset seconds east of UTC. */
static bool parse_offset(const char **p, int *out)
{
    const char *s = *p;
    if (*s == 'Z' || *s == 'z') {
        *p = s + 1;
        *out = 0;
        return true;
    }
    if (*s != '+' && *s != '-')
        return false;
    int sign = *s == '-' ? -1 : 1;
    s++;
    int hh = 0, mm = 0;
    if (!digits(&s, 2, &hh))
        return false;
    if (*s == ':')
        s++;
    if (isdigit((unsigned char)*s) && !digits(&s, 2, &mm))
        return false;
    *p = s;
    *out = sign * (hh * 3600 + mm * 60);
    return true;
}

static bool parse_iso(int64_t *out, const char *s)
{
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    if (!digits(&s, 4, &y) || *s++ != '-' || !digits(&s, 2, &mo) || *s++ != '-' ||
        !digits(&s, 2, &d))
        return false;
    if (*s == 'T' || *s == 't' || *s == ' ') {
        s++;
        if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
            return false;
        if (*s == ':') {
            s++;
            if (!digits(&s, 2, &sec))
                return false;
        }
        if (*s == '.' || *s == ',') {
            s++;
            while (isdigit((unsigned char)*s))
                s++;
        }
        if (*s && !parse_offset(&s, &off))
            return false;
    }
    while (isspace((unsigned char)*s))
        s++;
    if (*s || !valid_fields(y, mo, d, h, mi, sec))
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return true;
}

static bool parse_pdf(int64_t *out, const char *s)
{
    /* D:YYYYMMDDHHmmSSOHH'mm' with everything after the year optional. */
    if (strncmp(s, "D:", 2) != 0)
        return false;
    s += 2;
    int y, mo = 1, d = 1, h = 0, mi = 0, sec = 0, off = 0;
    if (!digits(&s, 4, &y))
        return false;
    if (isdigit((unsigned char)*s) && !digits(&s, 2, &mo))
        return false;
    if (isdigit((unsigned char)*s) && !digits(&s, 2, &d))
        return false;
    if (isdigit((unsigned char)*s) && !digits(&s, 2, &h))
        return false;
    if (isdigit((unsigned char)*s) && !digits(&s, 2, &mi))
        return false;
    if (isdigit((unsigned char)*s) && !digits(&s, 2, &sec))
        return false;
    if (*s == '+' || *s == '-') {
        int sign = *s == '-' ? -1 : 1;
        s++;
        int hh = 0, mm = 0;
        if (!digits(&s, 2, &hh))
            return false;
        if (*s == '\'')
            s++;
        if (isdigit((unsigned char)*s) && !digits(&s, 2, &mm))
            return false;
        off = sign * (hh * 3600 + mm * 60);
        if (*s == '\'')
            s++;
    } else if (*s == 'Z') {
        s++;
    }
    if (*s || !valid_fields(y, mo, d, h, mi, sec))
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return true;
}

static bool parse_rfc2822(int64_t *out, const char *s)
{
    static const char *months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    /* Optional "Thu, " day name. */
    const char *comma = strchr(s, ',');
    if (comma && comma - s <= 9)
        s = comma + 1;
    while (*s == ' ')
        s++;
    int d = 0;
    if (!isdigit((unsigned char)*s))
        return false;
    while (isdigit((unsigned char)*s))
        d = d * 10 + (*s++ - '0');
    while (*s == ' ')
        s++;
    int mo = 0;
    for (int i = 0; i < 12; i++)
        if (strncasecmp(s, months[i], 3) == 0)
            mo = i + 1;
    if (!mo)
        return false;
    s += 3;
    while (*s == ' ')
        s++;
    int y, h = 0, mi = 0, sec = 0, off = 0;
    if (!digits(&s, 4, &y))
        return false;
    while (*s == ' ')
        s++;
    if (isdigit((unsigned char)*s)) {
        if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
            return false;
        if (*s == ':') {
            s++;
            if (!digits(&s, 2, &sec))
                return false;
        }
        while (*s == ' ')
            s++;
        if (*s == '+' || *s == '-')
            parse_offset(&s, &off);
    }
    if (!valid_fields(y, mo, d, h, mi, sec))
        return false;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    return true;
}

int ud_time_parse(int64_t *out, const char *text)
{
    if (!text)
        return ud_error_set(UD_EINVAL, "no date");
    while (isspace((unsigned char)*text))
        text++;
    int64_t t;
    if (parse_iso(&t, text) || parse_pdf(&t, text) || parse_rfc2822(&t, text)) {
        *out = t;
        return 0;
    }
    return ud_error_set(UD_EINVAL, "unrecognised date '%.40s'", text);
}
