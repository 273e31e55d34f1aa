/*
 * Ingesting files: the pipeline of the spec for the folder source.
 *   walk -> read (capped) -> SHA-256 -> unchanged? stop : extract -> clean
 *   -> language -> chunk -> store (document + chunks in one transaction)
 *   -> index (the org's collection, committed at the end of the batch)
 * A failing file is reported with its reason and skipped; the batch goes on.
 */
#ifndef UD_SYNC_INGEST_H
#define UD_SYNC_INGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "doc/chunker.h"
#include "doc/extract/extract.h"
#include "embed/embedder.h"
#include "index/collection.h"
#include "store/meta.h"
#include "sync/counts.h"

typedef struct ud_ingest_opts {
    const char *org_id;
    /* The org's index; each stored document replaces its chunks there and
     * the batch commits at the end. NULL: the store only. */
    ud_collection_writer *index;
    /* Chunk vectors for the index; NULL for none. */
    ud_embedder *embedder;
    ud_chunker_opts chunker;
    ud_extract_limits limits;
    /* Optional callbacks, called on the ingesting thread. */
    void (*on_progress)(size_t done, size_t total, const char *path, void *payload);
    void (*on_failure)(const char *path, const char *reason, void *payload);
    /* An export of a source found under the paths (a Slack export folder,
     * an mbox, a Notion zip, Salesforce CSVs: connector.h's
     * ud_connector_recognize). It is not read as files, which would lose its
     * permissions: the caller imports it through its connector. NULL: it is
     * reported as a failure instead. */
    void (*on_export)(const char *path, const char *connector, void *payload);
    void *payload;
} ud_ingest_opts;

void ud_ingest_opts_default(ud_ingest_opts *out, const char *org_id);

typedef struct ud_ingest_stats {
    size_t files; /* supported files found */
    /* Each file is a unit, and so is each path the walk could not read
     * and each export found when no on_export takes it (counts.h). */
    ud_doc_counts counts;
} ud_ingest_stats;

/* Ingests every supported file under the given paths into the org. Returns
 * 0 even when some files failed (they are counted and reported); a negative
 * code only when the store itself fails, which stops the run. */
int ud_ingest_paths(ud_ingest_stats *out, ud_meta *meta, const char *const *paths, size_t count,
                    const ud_ingest_opts *opts) UD_MUST_CHECK;

/* Ingests one file as a document (exposed for tests and importers).
 * *out_outcome: 0 unchanged, 1 added, 2 updated. On failure,
 * *out_store_failed (may be NULL) tells whether the store, not the file, failed. */
int ud_ingest_file(int *out_outcome, size_t *out_chunks, bool *out_store_failed, ud_meta *meta,
                   const char *path, const ud_ingest_opts *opts) UD_MUST_CHECK;

#endif
