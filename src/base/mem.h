/*
 * Allocation that never returns NULL: out-of-memory goes through one hook
 * that logs and aborts, so callers do not carry impossible error paths.
 *
 * For tests, allocations can be made to fail on purpose (SQLite's and
 * curl's fault injection): the Nth allocation counted from the moment a
 * failure is armed fails, once. ud_malloc and its siblings (and the arena,
 * which allocates through them) count, and so does any allocator routed
 * here through ud_mem_fault() — the test suite routes the libraries that
 * report a failed allocation instead of aborting (jansson, SQLite,
 * libxml2), whose failures our code must turn into a clean error. A failed
 * ud_malloc still ends in ud_oom: that is the policy being kept.
 */
#ifndef UD_BASE_MEM_H
#define UD_BASE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *ud_malloc(size_t size);
void *ud_calloc(size_t count, size_t size);
void *ud_realloc(void *ptr, size_t size);
char *ud_strdup(const char *s);
char *ud_strndup(const char *s, size_t len);

/* Called when an allocation fails; never returns. It calls the handler set
 * with ud_mem_set_oom_handler (which must not return either: the tests'
 * ends the process quietly), or logs and aborts. */
_Noreturn void ud_oom(size_t size);
void ud_mem_set_oom_handler(void (*handler)(size_t size));

/* ---- Failure injection (tests) ----------------------------------------------- */

/* What counts towards the failure: every allocation, or only those of the
 * routed libraries (ud_mem_fault(UD_MEM_LIBRARY)), whose failures are
 * errors to handle rather than aborts. */
typedef enum { UD_MEM_ANY = 0, UD_MEM_LIBRARY = 1 } ud_mem_kind;

/* Arms a failure: the nth allocation of `kind` from now fails (n >= 1);
 * n = 0 only counts. Resets the count. The environment variable
 * UNIFY_FAIL_ALLOC=N arms n = N of UD_MEM_ANY at the first allocation of a
 * process that has armed nothing. Thread-safe. */
void ud_mem_fail_at(uint64_t n, ud_mem_kind kind);
/* Stops failing and counting (the state outside tests). */
void ud_mem_fail_off(void);
/* Allocations of the armed kind counted since ud_mem_fail_at. */
uint64_t ud_mem_count(void);
/* Whether the armed failure has happened. */
bool ud_mem_failed(void);
/* Counts one allocation; true when it is the one that must fail. Routed
 * library allocators pass UD_MEM_LIBRARY; ud_malloc and its siblings count
 * as UD_MEM_ANY, which a failure armed for UD_MEM_LIBRARY does not count. */
bool ud_mem_fault(ud_mem_kind kind);

#endif
