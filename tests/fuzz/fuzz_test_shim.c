/*
 * The few functions of the test runner (tests/unit/runner.c) that the
 * API fixture (tests/unit/api_fixture.c) calls, for the HTTP fuzz target,
 * which links that fixture without the runner: a failed check aborts (so
 * libFuzzer keeps the input) and the fixture's files go to the fuzz
 * scratch directory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error.h"
#include "fuzz.h"
#include "test.h"

const char *ud_test_error_message(void)
{
    return ud_error_last();
}

void ud_test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

const char *ud_test_tmpdir(void)
{
    static char dir[4200];
    if (!dir[0])
        ud_fuzz_fresh_dir(dir, sizeof(dir), "http");
    return dir;
}
