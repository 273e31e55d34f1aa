/*
 * Arenas: one per request, per query and per ingest batch. Everything
 * allocated from an arena dies together in ud_arena_dispose(), which also runs
 * registered cleanup callbacks for things that are not memory (statements,
 * files, library objects) in reverse order of registration.
 *
 * Building with -DUD_ARENA_MALLOC turns every allocation into a real malloc so
 * ASan and valgrind see each one.
 */
#ifndef UD_BASE_ARENA_H
#define UD_BASE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "base/error.h"

typedef struct ud_arena_block ud_arena_block;
typedef struct ud_arena_cleanup ud_arena_cleanup;

/* Not thread-safe: an arena belongs to one thread at a time. */
typedef struct ud_arena {
    ud_arena_block *blocks;
    ud_arena_cleanup *cleanups;
    size_t block_size;
    size_t total; /* bytes handed out, for limits and stats */
} ud_arena;

void ud_arena_init(ud_arena *arena);
void ud_arena_dispose(ud_arena *arena);

/* Zeroed memory aligned for any type; never NULL (aborts on OOM). */
void *ud_arena_alloc(ud_arena *arena, size_t size);
char *ud_arena_strdup(ud_arena *arena, const char *s);
char *ud_arena_strndup(ud_arena *arena, const char *s, size_t len);
char *ud_arena_sprintf(ud_arena *arena, const char *fmt, ...) UD_PRINTF(2, 3);
char *ud_arena_vsprintf(ud_arena *arena, const char *fmt, va_list ap);

/* Runs fn(payload) when the arena is disposed. */
void ud_arena_on_dispose(ud_arena *arena, void (*fn)(void *payload), void *payload);

#endif
