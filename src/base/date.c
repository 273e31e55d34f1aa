/*
 * The date parser (date.h). Dates arrive from documents (PDF info, DOCX core
 * properties, HTML meta tags, email headers, JSON fields, front matter) and
 * from queries (after:, before:) in a handful of formats; we accept the
 * common ones exactly and treat anything else as "no date" rather than
 * guessing, so a document whose date we cannot read falls back to the next
 * date it has, and at last to its file's (see docs/ingest.md).
 */
#include "base/date.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

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

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* A calendar date and time of day, and the offset east of UTC it was
 * written in. */
typedef struct civil {
    int year, month, day, hour, minute, second, offset;
} civil;

static bool to_unix(int64_t *out, const civil *c)
{
    /* Second 60 is a leap second: it counts as the next one. */
    if (c->year < 1900 || c->year > 9999 || c->month < 1 || c->month > 12 || c->day < 1 ||
        c->day > days_in_month(c->year, c->month) || c->hour < 0 || c->hour > 23 || c->minute < 0 ||
        c->minute > 59 || c->second < 0 || c->second > 60)
        return false;
    *out = days_from_civil(c->year, c->month, c->day) * 86400 + c->hour * 3600 + c->minute * 60 +
           c->second - c->offset;
    return true;
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

/* `width` digits if the next character is a digit; true when absent. */
static bool optional_digits(const char **p, int width, int *out)
{
    return !isdigit((unsigned char)**p) || digits(p, width, out);
}

/* Spaces, tabs and the line breaks of a folded header. */
static void skip_spaces(const char **p)
{
    while (isspace((unsigned char)**p))
        (*p)++;
}

/* "+hh:mm", "+hhmm", "+hh", "Z", or with `separator` '\'' the PDF form
 * "+hh'mm'"; the offset in seconds east of UTC. */
static bool parse_offset(const char **p, char separator, int *out)
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
    if (*s == separator)
        s++;
    if (!optional_digits(&s, 2, &mm) || hh > 23 || mm > 59)
        return false;
    if (separator == '\'' && *s == '\'')
        s++;
    *p = s;
    *out = sign * (hh * 3600 + mm * 60);
    return true;
}

static bool at_end(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

static bool parse_iso(int64_t *out, const char *s)
{
    civil c = {0};
    if (!digits(&s, 4, &c.year) || *s++ != '-' || !digits(&s, 2, &c.month) || *s++ != '-' ||
        !digits(&s, 2, &c.day))
        return false;
    if ((*s == 'T' || *s == 't' || *s == ' ') && isdigit((unsigned char)s[1])) {
        s++;
        if (!digits(&s, 2, &c.hour) || *s++ != ':' || !digits(&s, 2, &c.minute))
            return false;
        if (*s == ':') {
            s++;
            if (!digits(&s, 2, &c.second))
                return false;
        }
        if (*s == '.' || *s == ',') {
            s++;
            if (!isdigit((unsigned char)*s))
                return false;
            while (isdigit((unsigned char)*s))
                s++;
        }
        /* "2026-01-15 10:30:00 +01:00", as YAML front matter writes it. */
        if (*s == ' ' && (s[1] == '+' || s[1] == '-'))
            s++;
        if (*s && !isspace((unsigned char)*s) && !parse_offset(&s, ':', &c.offset))
            return false;
    }
    return at_end(s) && to_unix(out, &c);
}

static bool parse_pdf(int64_t *out, const char *s)
{
    /* D:YYYYMMDDHHmmSSOHH'mm' with everything after the year optional. */
    if (strncmp(s, "D:", 2) != 0)
        return false;
    s += 2;
    civil c = {.month = 1, .day = 1};
    if (!digits(&s, 4, &c.year) || !optional_digits(&s, 2, &c.month) ||
        !optional_digits(&s, 2, &c.day) || !optional_digits(&s, 2, &c.hour) ||
        !optional_digits(&s, 2, &c.minute) || !optional_digits(&s, 2, &c.second))
        return false;
    if (*s == 'Z') {
        /* Some producers write "Z00'00'". */
        s++;
        while (*s == '0' || *s == '\'')
            s++;
    } else if ((*s == '+' || *s == '-') && !parse_offset(&s, '\'', &c.offset)) {
        return false;
    }
    return at_end(s) && to_unix(out, &c);
}

/* RFC 2822's named zones (section 4.3), hours east of UTC. */
static const struct {
    const char *name;
    int hours;
} ZONES[] = {{"UT", 0},   {"UTC", 0},  {"GMT", 0},  {"Z", 0},    {"EST", -5}, {"EDT", -4},
             {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};

static bool parse_zone(const char **p, int *out)
{
    if (**p == '+' || **p == '-')
        return parse_offset(p, ':', out);
    size_t n = 0;
    while (isalpha((unsigned char)(*p)[n]))
        n++;
    for (size_t i = 0; i < sizeof(ZONES) / sizeof(ZONES[0]); i++)
        if (strlen(ZONES[i].name) == n && strncasecmp(*p, ZONES[i].name, n) == 0) {
            *p += n;
            *out = ZONES[i].hours * 3600;
            return true;
        }
    return false;
}

static bool parse_rfc2822(int64_t *out, const char *s)
{
    static const char *const MONTHS[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    /* Optional "Thu, " day name. */
    if (isalpha((unsigned char)*s)) {
        while (isalpha((unsigned char)*s))
            s++;
        if (*s++ != ',')
            return false;
    }
    skip_spaces(&s);
    civil c = {0};
    if (!digits(&s, 1, &c.day))
        return false;
    if (isdigit((unsigned char)*s))
        c.day = c.day * 10 + (*s++ - '0');
    skip_spaces(&s);
    for (int i = 0; i < 12 && !c.month; i++)
        if (strncasecmp(s, MONTHS[i], 3) == 0 && !isalpha((unsigned char)s[3]))
            c.month = i + 1;
    if (!c.month)
        return false;
    s += 3;
    skip_spaces(&s);
    int year_digits = 0;
    while (isdigit((unsigned char)s[year_digits]))
        year_digits++;
    if (year_digits == 4)
        digits(&s, 4, &c.year);
    else if (year_digits == 2 && digits(&s, 2, &c.year))
        c.year += c.year < 50 ? 2000 : 1900; /* obsolete syntax, RFC 2822 4.3 */
    else
        return false;
    skip_spaces(&s);
    if (isdigit((unsigned char)*s)) {
        if (!digits(&s, 2, &c.hour) || *s++ != ':' || !digits(&s, 2, &c.minute))
            return false;
        if (*s == ':') {
            s++;
            if (!digits(&s, 2, &c.second))
                return false;
        }
        skip_spaces(&s);
        if (*s && *s != '(' && !parse_zone(&s, &c.offset))
            return false;
        skip_spaces(&s);
        /* A comment such as "(CET)"; nothing may follow it. */
        if (*s == '(') {
            const char *close = strchr(s, ')');
            if (!close)
                return false;
            s = close + 1;
        }
    }
    return at_end(s) && to_unix(out, &c);
}

static bool parse_any(int64_t *out, const char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    return parse_iso(out, text) || parse_pdf(out, text) || parse_rfc2822(out, text);
}

int ud_time_parse(int64_t *out, const char *text)
{
    if (!text)
        return ud_error_set(UD_EINVAL, "no date");
    int64_t t;
    if (!parse_any(&t, text))
        return ud_error_set(UD_EINVAL, "unrecognised date '%.40s'", text);
    *out = t;
    return 0;
}

bool ud_date_plausible(int64_t when, int64_t now)
{
    return when > 0 && when <= now + UD_DATE_MAX_AHEAD_SECONDS;
}

int64_t ud_date_from_document(const char *text, int64_t now)
{
    if (!text || strnlen(text, UD_DATE_MAX_TEXT + 1) > UD_DATE_MAX_TEXT)
        return 0;
    /* No error message: a document without a readable date is no error. */
    int64_t when = 0;
    return parse_any(&when, text) && ud_date_plausible(when, now) ? when : 0;
}
