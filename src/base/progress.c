/*
 * Terminal progress bar (see progress.h).
 */
#include "base/progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

void ud_progress_begin(ud_progress *p, const char *label, size_t total)
{
    p->label = label;
    p->total = total;
    p->enabled = isatty(STDERR_FILENO) && total > 0;
    p->last_draw_ms = 0;
    p->start_ms = ud_monotonic_ms();
}

void ud_progress_update(ud_progress *p, size_t done, const char *item)
{
    if (!p->enabled)
        return;
    double now = ud_monotonic_ms();
    if (done < p->total && now - p->last_draw_ms < 100)
        return;
    p->last_draw_ms = now;
    const int width = 30;
    int filled = p->total ? (int)((double)done / (double)p->total * width) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '#' : '.';
    bar[width] = '\0';
    double elapsed_s = (now - p->start_ms) / 1000.0;
    double rate = elapsed_s > 0 ? (double)done / elapsed_s : 0;
    double eta = rate > 0 ? (double)(p->total - done) / rate : 0;
    const char *name = item ? item : "";
    size_t name_len = strlen(name);
    if (name_len > 30)
        name += name_len - 30;
    fprintf(stderr, "\r\033[K%s [%s] %zu/%zu %.0f/s eta %.0fs %s", p->label, bar, done, p->total,
            rate, eta, name);
    fflush(stderr);
}

void ud_progress_end(ud_progress *p)
{
    if (!p->enabled)
        return;
    fprintf(stderr, "\r\033[K");
    fflush(stderr);
}
