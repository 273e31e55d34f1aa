/*
 * The one place where allocation failure is handled: we abort, because a
 * server that half-works after OOM corrupts more than it saves.
 *
 * It is also where the tests make allocations fail on purpose (mem.h): a
 * counter and the number of the allocation that must fail, both atomic so
 * that allocations on any thread count. Off (as always outside tests), the
 * cost is one relaxed atomic load per allocation.
 */
#include "base/mem.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 0: the environment was not read yet; 1: off; 2: armed; 3: counting only. */
static atomic_int fault_state;
static atomic_uint_fast64_t fault_count;
static atomic_uint_fast64_t fault_at;
static atomic_int fault_kind;
static atomic_bool fault_hit;
static void (*_Atomic oom_handler)(size_t);

void ud_mem_set_oom_handler(void (*handler)(size_t size))
{
    atomic_store(&oom_handler, handler);
}

_Noreturn void ud_oom(size_t size)
{
    void (*handler)(size_t) = atomic_load(&oom_handler);
    if (handler)
        handler(size);
    fprintf(stderr, "unify: out of memory allocating %zu bytes\n", size);
    abort();
}

void ud_mem_fail_at(uint64_t n, ud_mem_kind kind)
{
    /* Off while the fields change (an explicit setting also wins over the
     * environment), then armed or counting. */
    atomic_store(&fault_state, 1);
    atomic_store(&fault_kind, (int)kind);
    atomic_store(&fault_count, 0);
    atomic_store(&fault_hit, false);
    atomic_store(&fault_at, n);
    atomic_store(&fault_state, n ? 2 : 3);
}

void ud_mem_fail_off(void)
{
    atomic_store(&fault_state, 1);
}

uint64_t ud_mem_count(void)
{
    return atomic_load(&fault_count);
}

bool ud_mem_failed(void)
{
    return atomic_load(&fault_hit);
}

/* UNIFY_FAIL_ALLOC=N, read once, unless ud_mem_fail_at came first. */
static void read_environment(void)
{
    const char *env = getenv("UNIFY_FAIL_ALLOC");
    char *end = NULL;
    unsigned long long n = env ? strtoull(env, &end, 10) : 0;
    int expected = 0;
    if (n && end && *end == '\0') {
        atomic_store(&fault_at, (uint64_t)n);
        atomic_compare_exchange_strong(&fault_state, &expected, 2);
    } else {
        atomic_compare_exchange_strong(&fault_state, &expected, 1);
    }
}

bool ud_mem_fault(ud_mem_kind kind)
{
    int state = atomic_load_explicit(&fault_state, memory_order_relaxed);
    if (state == 0) {
        read_environment();
        state = atomic_load(&fault_state);
    }
    if (state == 1 || kind < (ud_mem_kind)atomic_load_explicit(&fault_kind, memory_order_relaxed))
        return false;
    uint64_t n = atomic_fetch_add(&fault_count, 1) + 1;
    if (state != 2 || n != atomic_load(&fault_at))
        return false;
    atomic_store(&fault_hit, true);
    return true;
}

void *ud_malloc(size_t size)
{
    void *p = ud_mem_fault(UD_MEM_ANY) ? NULL : malloc(size ? size : 1);
    if (!p)
        ud_oom(size);
    return p;
}

void *ud_calloc(size_t count, size_t size)
{
    void *p = ud_mem_fault(UD_MEM_ANY) ? NULL : calloc(count ? count : 1, size ? size : 1);
    if (!p)
        ud_oom(count * size);
    return p;
}

void *ud_realloc(void *ptr, size_t size)
{
    void *p = ud_mem_fault(UD_MEM_ANY) ? NULL : realloc(ptr, size ? size : 1);
    if (!p)
        ud_oom(size);
    return p;
}

char *ud_strndup(const char *s, size_t len)
{
    char *p = ud_malloc(len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *ud_strdup(const char *s)
{
    return ud_strndup(s, strlen(s));
}
