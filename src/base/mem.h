/*
 * Allocation that never returns NULL: out-of-memory goes through one hook
 * that logs and aborts, so callers do not carry impossible error paths.
 */
#ifndef UD_BASE_MEM_H
#define UD_BASE_MEM_H

#include <stddef.h>

void *ud_malloc(size_t size);
void *ud_calloc(size_t count, size_t size);
void *ud_realloc(void *ptr, size_t size);
char *ud_strdup(const char *s);
char *ud_strndup(const char *s, size_t len);

/* Called when an allocation fails; never returns. */
_Noreturn void ud_oom(size_t size);

#endif
