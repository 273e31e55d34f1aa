/*
 * The in-house test runner's API. A test is a function
 *     void test_<suite>__<name>(void)
 * in any tests/unit/test_*.c file; the build finds them by that pattern and
 * registers them. Each test runs in a forked child so that a crash fails that
 * test alone. Run one suite with `build/unify-tests -s suite` or one test with
 * `-s suite::name`.
 */
#ifndef UD_TEST_H
#define UD_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Prototypes of every registered test (generated from the test sources). */
#define UD_TEST(fn) void fn(void);
#include "tests.inc"
#undef UD_TEST

void ud_test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
/* What the report of a test that dies with no message of its own (a
 * crash, a sanitizer's exit) says it was doing, e.g. the input it was on;
 * a later note or failure replaces it. Prints nothing. */
void ud_test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define UD_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ud_test_fail(__FILE__, __LINE__, "check failed: %s", #cond);                           \
    } while (0)

/* Checks a call returned 0, showing the error message if not. */
#define UD_CHECK_OK(call)                                                                          \
    do {                                                                                           \
        int ud_check_rc_ = (call);                                                                 \
        if (ud_check_rc_ != 0)                                                                     \
            ud_test_fail(__FILE__, __LINE__, "%s returned %d: %s", #call, ud_check_rc_,            \
                         ud_test_error_message());                                                 \
    } while (0)

#define UD_CHECK_EQ_INT(expected, actual)                                                          \
    do {                                                                                           \
        long long ud_e_ = (long long)(expected), ud_a_ = (long long)(actual);                      \
        if (ud_e_ != ud_a_)                                                                        \
            ud_test_fail(__FILE__, __LINE__, "%s: expected %lld, got %lld", #actual, ud_e_,        \
                         ud_a_);                                                                   \
    } while (0)

#define UD_CHECK_EQ_STR(expected, actual)                                                          \
    do {                                                                                           \
        const char *ud_e_ = (expected), *ud_a_ = (actual);                                         \
        if (!ud_e_ || !ud_a_ || strcmp(ud_e_, ud_a_) != 0)                                         \
            ud_test_fail(__FILE__, __LINE__, "%s: expected \"%s\", got \"%s\"", #actual,           \
                         ud_e_ ? ud_e_ : "(null)", ud_a_ ? ud_a_ : "(null)");                      \
    } while (0)

#define UD_CHECK_NEAR(expected, actual, tolerance)                                                 \
    do {                                                                                           \
        double ud_e_ = (expected), ud_a_ = (actual);                                               \
        if (!(ud_e_ - ud_a_ <= (tolerance) && ud_a_ - ud_e_ <= (tolerance)))                       \
            ud_test_fail(__FILE__, __LINE__, "%s: expected %.9g, got %.9g", #actual, ud_e_,        \
                         ud_a_);                                                                   \
    } while (0)

#define UD_CHECK_CONTAINS(haystack, needle)                                                        \
    do {                                                                                           \
        const char *ud_h_ = (haystack), *ud_n_ = (needle);                                         \
        if (!ud_h_ || !strstr(ud_h_, ud_n_))                                                       \
            ud_test_fail(__FILE__, __LINE__, "%s does not contain \"%s\": \"%.300s\"", #haystack,  \
                         ud_n_, ud_h_ ? ud_h_ : "(null)");                                         \
    } while (0)

/* The message of the last ud_error_set on this thread (for failure output). */
const char *ud_test_error_message(void);

/* A fresh empty directory for this test, removed after the run. */
const char *ud_test_tmpdir(void);

/* Writes `len` bytes to dir/name (creating parent directories) and returns
 * the full path (static storage per call site is NOT used: the string is
 * malloc'd and freed at exit). */
const char *ud_test_write_file(const char *dir, const char *name, const void *data, size_t len);

/* Path of the built `unify` binary (UNIFY_BIN, else build/unify). */
const char *ud_test_unify_bin(void);

/* Runs a shell command line, captures stdout+stderr (up to 1 MB) into a
 * malloc'd string, returns the exit status (or -1 if it did not exit). */
int ud_test_run(char **out_output, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The metadata store URLs every store test runs against: a fresh SQLite file
 * and, when UNIFY_TEST_PG is set (make test always sets it), a fresh
 * PostgreSQL database created for this test. Returns the count (1 or 2). */
size_t ud_test_store_urls(const char *out[2]);

#endif
