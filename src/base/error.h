/*
 * Error codes and the thread-local "last error" message.
 *
 * Functions that can fail return 0 or a negative UD_E* code. Where the error
 * is found, ud_error_set() records a one-line message; the edge (CLI command,
 * HTTP handler, job) reads it once with ud_error_last() and logs it.
 */
#ifndef UD_BASE_ERROR_H
#define UD_BASE_ERROR_H

#define UD_MUST_CHECK __attribute__((warn_unused_result))
#define UD_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))

enum {
    UD_OK = 0,
    UD_ENOMEM = -1,        /* allocation failed (normally aborts instead) */
    UD_EINVAL = -2,        /* bad argument or malformed input */
    UD_ENOTFOUND = -3,     /* object does not exist (or is not visible) */
    UD_EEXISTS = -4,       /* object already exists */
    UD_ELIMIT = -5,        /* a size or count cap was reached */
    UD_ETIMEOUT = -6,      /* an operation took longer than allowed */
    UD_EAGAIN = -7,        /* try again later (busy, rate limited) */
    UD_EUPSTREAM = -8,     /* a remote service failed */
    UD_EAUTH = -9,         /* missing or bad credential */
    UD_EFORBIDDEN = -10,   /* credential fine, permission missing */
    UD_ECORRUPT = -11,     /* stored or supplied data is damaged */
    UD_EIO = -12,          /* operating-system I/O error */
    UD_EUNSUPPORTED = -13, /* format or feature we do not handle */
    UD_ECANCELED = -14     /* the caller went away (a client disconnected) */
};

/* Records a one-line message for the calling thread and returns `code`, so
 * callers can write `return ud_error_set(UD_EINVAL, "bad %s", what);`. */
int ud_error_set(int code, const char *fmt, ...) UD_PRINTF(2, 3);

/* Puts a prefix before the calling thread's current message and returns
 * `code`: `return ud_error_prefix(UD_EAUTH, "invalid token: ");`. The only
 * safe way to build a message from the current one: ud_error_set() with
 * ud_error_last() as an argument would format the buffer into itself. */
int ud_error_prefix(int code, const char *fmt, ...) UD_PRINTF(2, 3);

/* Keeps the calling thread's message and gives it another code (an
 * internal failure answered as a refusal, say); returns `code`. */
int ud_error_recode(int code);

/* The calling thread's last message, or the code's generic name if none was
 * set. Borrowed: valid until the next ud_error_set on this thread. */
const char *ud_error_last(void);

/* Forgets the calling thread's message. */
void ud_error_clear(void);

/* Short stable name of a code ("not_found", "invalid", ...), used in JSON. */
const char *ud_error_name(int code);

/* The HTTP status that answers a code: the single mapping of the program. */
int ud_error_http_status(int code);

#endif
