/*
 * The tally of a batch of documents: the one place where `unify ingest`
 * (its files), every sync job (a connector's documents and the items it
 * could not read) and the CLI's summary count what happened, so that the
 * figures they print always add up.
 *
 * A unit is everything the batch was given: a document that went through
 * the pipeline, or an item that failed before it became one (a file the
 * walk could not open, a zip member over its cap, a CSV that does not
 * parse). Each unit lands in exactly one outcome:
 *     added + updated + unchanged + excluded + skipped + failed == seen
 * and no count is ever negative.
 */
#ifndef UD_SYNC_COUNTS_H
#define UD_SYNC_COUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/meta_sources.h"
#include "sync/pipeline.h"

typedef struct ud_doc_counts {
    int64_t seen;      /* units given to the batch */
    int64_t added;     /* new documents */
    int64_t updated;   /* documents whose content changed */
    int64_t unchanged; /* same content hash as stored: no work done */
    int64_t excluded;  /* kept out by the sensitive-data filter */
    int64_t skipped;   /* left out on purpose (an export inside a folder) */
    int64_t failed;    /* units that could not be ingested */
    int64_t chunks;    /* chunks written (not a unit) */
} ud_doc_counts;

/* One document through the pipeline with this outcome and chunk count. */
void ud_doc_counts_outcome(ud_doc_counts *c, ud_doc_outcome outcome, size_t chunks);

/* One unit that failed: a document the pipeline refused, or an item that
 * never became a document. */
void ud_doc_counts_fail(ud_doc_counts *c);

/* One unit left out on purpose. */
void ud_doc_counts_skip(ud_doc_counts *c);

/* Adds `part` to `total` (the summary of several batches). */
void ud_doc_counts_add(ud_doc_counts *total, const ud_doc_counts *part);

/* Whether the invariant above holds. */
bool ud_doc_counts_balanced(const ud_doc_counts *c);

/* The counts a sync_logs row keeps: processed = seen, added, updated,
 * failed (deleted and total are the job's own and are left alone; the
 * other outcomes go in its details). */
void ud_doc_counts_to_log(ud_sync_log *log, const ud_doc_counts *c);

#endif
