/*
 * Bump allocator over a list of blocks. Large allocations get a block of
 * their own so a big document does not waste a standard block.
 */
#include "base/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

#define DEFAULT_BLOCK_SIZE (64 * 1024)

struct ud_arena_block {
    ud_arena_block *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
};

struct ud_arena_cleanup {
    ud_arena_cleanup *next;
    void (*fn)(void *payload);
    void *payload;
};

void ud_arena_init(ud_arena *arena)
{
    memset(arena, 0, sizeof(*arena));
    arena->block_size = DEFAULT_BLOCK_SIZE;
}

void ud_arena_dispose(ud_arena *arena)
{
    if (!arena)
        return;
    /* Cleanups are pushed on a list head, so this runs them newest first. */
    for (ud_arena_cleanup *c = arena->cleanups; c; c = c->next)
        c->fn(c->payload);
    ud_arena_block *b = arena->blocks;
    while (b) {
        ud_arena_block *next = b->next;
        free(b);
        b = next;
    }
    arena->blocks = NULL;
    arena->cleanups = NULL;
    arena->total = 0;
}

static size_t round_up(size_t n)
{
    size_t a = alignof(max_align_t);
    return (n + a - 1) & ~(a - 1);
}

void *ud_arena_alloc(ud_arena *arena, size_t size)
{
    size = round_up(size ? size : 1);
    if (size > SIZE_MAX / 2)
        ud_oom(size);
    arena->total += size;
#ifdef UD_ARENA_MALLOC
    /* Debug mode: a block per allocation, so memory tools see each one. */
    ud_arena_block *own = ud_malloc(sizeof(*own) + size);
    own->size = own->used = size;
    own->next = arena->blocks;
    arena->blocks = own;
    memset(own->data, 0, size);
    return own->data;
#else
    ud_arena_block *b = arena->blocks;
    if (b && b->size - b->used >= size) {
        void *p = b->data + b->used;
        b->used += size;
        memset(p, 0, size);
        return p;
    }
    if (size > arena->block_size / 4) {
        /* Big allocation: its own block, linked behind the current one so the
         * current block keeps serving small allocations. */
        ud_arena_block *big = ud_malloc(sizeof(*big) + size);
        big->size = big->used = size;
        if (b) {
            big->next = b->next;
            b->next = big;
        } else {
            big->next = NULL;
            arena->blocks = big;
        }
        memset(big->data, 0, size);
        return big->data;
    }
    ud_arena_block *fresh = ud_malloc(sizeof(*fresh) + arena->block_size);
    fresh->size = arena->block_size;
    fresh->used = size;
    fresh->next = arena->blocks;
    arena->blocks = fresh;
    memset(fresh->data, 0, size);
    return fresh->data;
#endif
}

char *ud_arena_strndup(ud_arena *arena, const char *s, size_t len)
{
    char *p = ud_arena_alloc(arena, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *ud_arena_strdup(ud_arena *arena, const char *s)
{
    if (!s)
        return NULL;
    return ud_arena_strndup(arena, s, strlen(s));
}

char *ud_arena_vsprintf(ud_arena *arena, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *p = ud_arena_alloc(arena, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *ud_arena_sprintf(ud_arena *arena, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = ud_arena_vsprintf(arena, fmt, ap);
    va_end(ap);
    return p;
}

void ud_arena_on_dispose(ud_arena *arena, void (*fn)(void *payload), void *payload)
{
    ud_arena_cleanup *c = ud_arena_alloc(arena, sizeof(*c));
    c->fn = fn;
    c->payload = payload;
    c->next = arena->cleanups;
    arena->cleanups = c;
}
