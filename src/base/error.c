/*
 * Thread-local error messages: set where an error is found, read once at the
 * edge. Keeps error reporting out of every function signature.
 */
#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[512];
static _Thread_local int last_code;

int ud_error_set(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    last_code = code;
    return code;
}

int ud_error_prefix(int code, const char *fmt, ...)
{
    char current[sizeof(last_message)];
    snprintf(current, sizeof(current), "%s", ud_error_last());
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(last_message, sizeof(last_message), fmt, ap);
    va_end(ap);
    if (n >= 0 && (size_t)n < sizeof(last_message))
        snprintf(last_message + n, sizeof(last_message) - (size_t)n, "%s", current);
    last_code = code;
    return code;
}

int ud_error_recode(int code)
{
    if (last_message[0] == '\0')
        snprintf(last_message, sizeof(last_message), "%s", ud_error_name(last_code));
    last_code = code;
    return code;
}

const char *ud_error_last(void)
{
    if (last_message[0] == '\0')
        return ud_error_name(last_code);
    return last_message;
}

void ud_error_clear(void)
{
    last_message[0] = '\0';
    last_code = 0;
}

const char *ud_error_name(int code)
{
    switch (code) {
    case UD_OK: return "ok";
    case UD_ENOMEM: return "out_of_memory";
    case UD_EINVAL: return "invalid";
    case UD_ENOTFOUND: return "not_found";
    case UD_EEXISTS: return "exists";
    case UD_ELIMIT: return "limit";
    case UD_ETIMEOUT: return "timeout";
    case UD_EAGAIN: return "try_again";
    case UD_EUPSTREAM: return "upstream";
    case UD_EAUTH: return "unauthorized";
    case UD_EFORBIDDEN: return "forbidden";
    case UD_ECORRUPT: return "corrupt";
    case UD_EIO: return "io";
    case UD_EUNSUPPORTED: return "unsupported";
    case UD_ECANCELED: return "canceled";
    default: return "error";
    }
}

int ud_error_http_status(int code)
{
    switch (code) {
    case UD_OK: return 200;
    case UD_EINVAL: return 400;
    case UD_EAUTH: return 401;
    case UD_EFORBIDDEN: return 403;
    case UD_ENOTFOUND: return 404;
    case UD_EEXISTS: return 409;
    case UD_ELIMIT: return 413;
    case UD_EUNSUPPORTED: return 415;
    case UD_EAGAIN: return 429;
    case UD_EUPSTREAM: return 502;
    case UD_ETIMEOUT: return 504;
    case UD_ECANCELED: return 499; /* nginx's "client closed request"; never reaches a client */
    default: return 500;
    }
}
