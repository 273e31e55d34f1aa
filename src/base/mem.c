/*
 * The one place where allocation failure is handled: we abort, because a
 * server that half-works after OOM corrupts more than it saves.
 */
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void ud_oom(size_t size)
{
    fprintf(stderr, "unify: out of memory allocating %zu bytes\n", size);
    abort();
}

void *ud_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        ud_oom(size);
    return p;
}

void *ud_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        ud_oom(count * size);
    return p;
}

void *ud_realloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
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
