/*
 * Keeping an organization's collection (the index) in step with the
 * metadata store, which is the source of truth. Every commit of the index
 * records the store generation it reflects; when the two differ (a crash
 * between a store write and the index commit, an index deleted by hand, a
 * format change) the index is rebuilt from the store's chunks.
 */
#ifndef UD_SYNC_REINDEX_H
#define UD_SYNC_REINDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "embed/embedder.h"
#include "index/collection.h"
#include "index/index_doc.h"
#include "store/meta.h"

/* DATA/collections/<org_id> into out. */
void ud_collection_dir(char *out, size_t size, const char *data_dir, const char *org_id);

/* Rebuilds the collection from the store's chunks and commits it.
 * *out_chunks (may be NULL) receives how many were indexed. */
int ud_reindex_org(size_t *out_chunks, ud_collection_writer *writer, ud_meta *meta,
                   const char *org_id, ud_embedder *embedder) UD_MUST_CHECK;

/* Opens the org's collection for writing (with the embedder's vectors, or
 * none when it is NULL) and rebuilds it first if it is behind the store or
 * holds vectors of another kind. *out_rebuilt (may be NULL) tells whether
 * it was. */
int ud_index_open_writer(ud_collection_writer **out, bool *out_rebuilt, const char *data_dir,
                         ud_meta *meta, const char *org_id, ud_embedder *embedder) UD_MUST_CHECK;

/* The chunk of a document as the index takes it. */
ud_index_doc ud_index_doc_from(const char *doc_id, const ud_document *doc, const ud_chunk *chunk);

#endif
