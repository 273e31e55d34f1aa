/*
 * One document through the spec's pipeline, the same for every source:
 *   unchanged (same content hash)? mark it seen and stop
 *   -> raw bytes to the object store -> extract (when the source gave bytes,
 *   not text) -> clean -> language -> sensitive-data filter -> chunk ->
 *   store (document + chunks in one transaction) -> index (the org's
 *   collection; the caller commits)
 * `unify ingest` (files) and sync jobs (every connector) both use it.
 */
#ifndef UD_SYNC_PIPELINE_H
#define UD_SYNC_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "connectors/connector.h"
#include "doc/chunker.h"
#include "doc/extract/extract.h"
#include "embed/embedder.h"
#include "index/collection.h"
#include "store/blobs.h"
#include "store/meta.h"

/* The sensitive-data step: given a document's clean text, sets *out_text
 * (maybe the same pointer) and *out_exclude. NULL: none. */
typedef int (*ud_text_filter_fn)(const char **out_text, size_t *out_len, bool *out_exclude,
                                 const char *text, size_t len, ud_arena *arena, void *payload);

typedef struct ud_doc_pipeline {
    ud_meta *meta;
    const char *org_id;
    const char *source_id;       /* the data source, NULL for `unify ingest` */
    const char *sync_id;         /* the sync marking documents seen, NULL for none */
    ud_blobs *blobs;             /* where raw bytes go, NULL for nowhere */
    ud_collection_writer *index; /* NULL: the store only */
    ud_embedder *embedder;       /* chunk vectors, NULL for none */
    ud_chunker_opts chunker;
    ud_extract_limits limits;
    ud_text_filter_fn filter;
    void *filter_payload;
} ud_doc_pipeline;

typedef enum {
    UD_DOC_UNCHANGED = 0,
    UD_DOC_ADDED = 1,
    UD_DOC_UPDATED = 2,
    UD_DOC_EXCLUDED = 3, /* the filter kept it out (and removed a stored copy) */
} ud_doc_outcome;

/* Processes one document. Returns 0, or an error of the document (bad
 * bytes, nothing extracted, too large: the caller reports and goes on), or
 * with *out_store_failed set an error of the store or the index (the
 * caller stops). */
int ud_doc_pipeline_process(ud_doc_outcome *out, size_t *out_chunks, bool *out_store_failed,
                            const ud_doc_pipeline *p, const ud_source_document *source,
                            ud_arena *arena) UD_MUST_CHECK;

/* A metadata string (title, author, path) as one line of valid UTF-8, or
 * NULL. */
const char *ud_clean_field(ud_arena *arena, const char *value);

#endif
