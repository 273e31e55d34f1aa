/*
 * Logging: one logfmt line per event on stderr. The level is checked before
 * any formatting happens. A log handle carries context (request id, org,
 * job) that is written on every line.
 */
#ifndef UD_BASE_LOG_H
#define UD_BASE_LOG_H

#include "base/error.h"

typedef enum { UD_LOG_ERROR = 0, UD_LOG_WARN, UD_LOG_INFO, UD_LOG_DEBUG } ud_log_level;

typedef struct ud_log {
    const char *context; /* e.g. "req=42 org=acme"; may be NULL */
} ud_log;

/* Process-wide threshold; set once at start-up from config or UNIFY_LOG. */
void ud_log_set_level(ud_log_level level);
ud_log_level ud_log_get_level(void);
/* Parses "error", "warn", "info", "debug"; returns -1 if unknown. */
int ud_log_level_parse(const char *name);

void ud_log_write(const ud_log *log, ud_log_level level, const char *fmt, ...) UD_PRINTF(3, 4);

#define UD_LOG(log, level, ...)                                                                    \
    do {                                                                                           \
        if ((level) <= ud_log_get_level())                                                         \
            ud_log_write((log), (level), __VA_ARGS__);                                             \
    } while (0)

#endif
