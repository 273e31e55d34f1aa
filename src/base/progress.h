/*
 * A one-line progress bar on stderr, drawn only when stderr is a terminal,
 * redrawn at most ten times a second so it costs nothing on fast work.
 */
#ifndef UD_BASE_PROGRESS_H
#define UD_BASE_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ud_progress {
    const char *label;
    size_t total;
    bool enabled;
    double last_draw_ms;
    double start_ms;
} ud_progress;

void ud_progress_begin(ud_progress *p, const char *label, size_t total);
void ud_progress_update(ud_progress *p, size_t done, const char *item);
/* Clears the line so the next output starts clean. */
void ud_progress_end(ud_progress *p);

#endif
