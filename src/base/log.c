/*
 * logfmt lines on stderr: time, level, context, message.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static atomic_int threshold = UD_LOG_INFO;

void ud_log_set_level(ud_log_level level)
{
    atomic_store(&threshold, (int)level);
}

ud_log_level ud_log_get_level(void)
{
    return (ud_log_level)atomic_load(&threshold);
}

int ud_log_level_parse(const char *name)
{
    static const char *names[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

void ud_log_write(const ud_log *log, ud_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"error", "warn", "info", "debug"};
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);

    /* logfmt: the message is one quoted value, so quotes, backslashes and
     * line breaks inside it are escaped (hostile input must not forge
     * fields or lines). */
    char escaped[sizeof(message) * 2];
    size_t at = 0;
    for (const char *p = message; *p && at + 2 < sizeof(escaped); p++) {
        char c = *p;
        if (c == '"' || c == '\\') {
            escaped[at++] = '\\';
            escaped[at++] = c;
        } else if (c == '\n' || c == '\r') {
            escaped[at++] = '\\';
            escaped[at++] = c == '\n' ? 'n' : 'r';
        } else {
            escaped[at++] = c;
        }
    }
    escaped[at] = '\0';

    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);

    /* One fprintf per line so concurrent threads do not interleave within it. */
    fprintf(stderr, "time=%s.%03ldZ level=%s%s%s msg=\"%s\"\n", stamp, ts.tv_nsec / 1000000L,
            names[level], log && log->context ? " " : "", log && log->context ? log->context : "",
            escaped);
}
