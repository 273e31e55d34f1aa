/*
 * Write-behind for the metadata store: writes that a request need not wait
 * for (search and answer history rows, which are also the usage counts, and
 * API keys' last_used_at) are queued in memory and written by one
 * background thread in batches, one transaction per batch. Started by
 * `unify serve`; a store without a started queue writes them at once (the
 * CLI), so nothing depends on the queue being there.
 *
 * Guarantees: the queue is bounded (max_items); a write that finds it full
 * waits until the writer has taken the queue's contents, so nothing is
 * dropped for lack of room. ud_meta_close (and ud_meta_queue_stop) write
 * everything queued before returning. The store's readers of these rows
 * (history, usage, key lists) call ud_meta_queue_flush first, so a request
 * reads what an earlier request of this process wrote. A queued write that
 * the database refuses even on its own (its user was removed meanwhile) is
 * logged with the reason and left out; the rest of its batch is written.
 */
#ifndef UD_STORE_META_QUEUE_H
#define UD_STORE_META_QUEUE_H

#include <stddef.h>

#include "base/error.h"
#include "store/meta.h"

#define UD_META_QUEUE_DEFAULT_ITEMS 4096

/* Starts the writer thread of the store (once; a second call is
 * UD_EEXISTS). max_items: the bound, at least 1. */
int ud_meta_queue_start(ud_meta *meta, size_t max_items) UD_MUST_CHECK;

/* Writes everything queued, then stops the writer; writes go straight to
 * the database again. Nothing when no queue runs. */
void ud_meta_queue_stop(ud_meta *meta);

/* Returns once everything queued before the call is in the database (or,
 * refused, logged): at once when nothing is queued or no queue runs. */
void ud_meta_queue_flush(ud_meta *meta);

/* Writes queued and not yet written (for tests and metrics). */
size_t ud_meta_queue_pending(ud_meta *meta);

#endif
