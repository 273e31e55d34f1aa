/*
 * The metadata store: organizations, users, documents, chunks and the rest of
 * the spec's relational schema. One interface, two backends chosen by URL:
 *   sqlite:///absolute/path/meta.db   (embedded default, WAL mode)
 *   postgres://user@host:port/dbname  (production, libpq)
 * All SQL of the program lives in src/store/. Both backends implement the
 * same schema (schema.c, one text for both) and the same
 * migrations, recorded in a schema_migrations table.
 *
 * A ud_meta handle may be shared by threads: it holds a pool of
 * connections (store_pool_size), one per concurrent caller, so readers do
 * not queue behind each other, and on SQLite (WAL) not behind the writer
 * either. Writes a request need not wait for go through a write-behind
 * queue when one runs (meta_queue.h).
 *
 * Rows returned by getters are allocated in the caller's arena.
 * Timestamps are Unix seconds (0 = NULL).
 */
#ifndef UD_STORE_META_H
#define UD_STORE_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "doc/document.h"

typedef struct ud_meta ud_meta;

/* Organizations and users: meta_accounts.h. */
#include "store/meta_accounts.h"

/* A stored document (without its text, which lives in its chunks). */
typedef struct ud_doc_row {
    const char *id; /* UUID */
    const char *org_id;
    /* A document is its source's: (source_id, source_key) is unique in the
     * org, and the same key in two sources is two documents. */
    const char *source_id;  /* the data source; NULL for `unify ingest` files */
    const char *source_key; /* the id in its source, see ud_document */
    const char *source_type;
    const char *title;
    const char *url;
    const char *path;
    const char *author;
    const char *language;
    const char *file_type;
    const char *content_hash;
    const char *metadata_json; /* JSON object text */
    const char *acl_json;      /* JSON array of principals */
    int64_t created_at;
    int64_t updated_at;
    int64_t indexed_at;
    int64_t chunk_count;
    int64_t text_bytes;
} ud_doc_row;

/* A chunk with the fields of its document that search needs. */
typedef struct ud_chunk_row {
    const char *doc_id;
    int64_t chunk_index;
    const char *text;
    int64_t tokens;
    const char *heading_path;
    const char *title;
    const char *source_type;
    const char *url;
    const char *path;
    const char *author;
    const char *acl_json; /* JSON array of principals */
    int64_t updated_at;
} ud_chunk_row;

/* Connections of a store opened by ud_meta_open; store_pool_size sets it
 * for the server and the CLI. */
#define UD_META_POOL_DEFAULT 8
#define UD_META_POOL_MAX 256

/* Opens the store named by `url` (see above) with a pool of up to
 * pool_size connections (1..UD_META_POOL_MAX), of which the first is
 * opened now and the others when concurrent callers need them. Does not
 * migrate. */
int ud_meta_open_pool(ud_meta **out, const char *url, size_t pool_size) UD_MUST_CHECK;
/* The same with UD_META_POOL_DEFAULT connections. */
int ud_meta_open(ud_meta **out, const char *url) UD_MUST_CHECK;
/* Writes what the write-behind queue holds, stops it and closes every
 * connection. No thread may still be using the store. */
void ud_meta_close(ud_meta *meta);
/* Connections open now (idle or in use), at most the pool's size. */
size_t ud_meta_pool_open_count(ud_meta *meta);

/* "sqlite" or "postgres". */
const char *ud_meta_backend(const ud_meta *meta);

/* Applies every migration not yet recorded, in order, each in a transaction.
 * *out_applied (may be NULL) receives how many ran (0 if up to date). */
int ud_meta_migrate(ud_meta *meta, int *out_applied) UD_MUST_CHECK;
/* The same, stopping after migration `target` (the tests of a migration
 * start from the schema before it). */
int ud_meta_migrate_to(ud_meta *meta, int target, int *out_applied) UD_MUST_CHECK;
/* Highest applied migration version, 0 for an empty database. */
int ud_meta_schema_version(ud_meta *meta, int *out) UD_MUST_CHECK;

/* Documents. By key: the document `source_key` of the data source
 * `source_id` (NULL: of no source, the files of `unify ingest`). */
int ud_meta_document_get_by_key(ud_doc_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                                const char *source_id, const char *source_key) UD_MUST_CHECK;
int ud_meta_document_get(ud_doc_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                         const char *id) UD_MUST_CHECK;

/* Inserts or replaces the document with doc->source_key among the org's
 * documents of no source (`unify ingest`), and replaces all its chunks, in
 * one transaction: readers see the old version or the new one, never a
 * mix. *out_id (37 bytes, may be NULL) receives the document's id, which is
 * kept across updates; *out_created whether it was new. Bumps the org's
 * generation. */
int ud_meta_document_put(char out_id[37], bool *out_created, ud_meta *meta, const char *org_id,
                         const ud_document *doc, const ud_chunk *chunks,
                         size_t chunk_count) UD_MUST_CHECK;
/* The same for the document with doc->source_key of the data source
 * `source_id` (NULL: of none), seen by the sync `sync_id` (see
 * meta_sources.h). Another source's document with the same key is never
 * touched. */
int ud_meta_document_put_synced(char out_id[37], bool *out_created, ud_meta *meta,
                                const char *org_id, const char *source_id, const char *sync_id,
                                const ud_document *doc, const ud_chunk *chunks,
                                size_t chunk_count) UD_MUST_CHECK;
/* Deletes a document and its chunks; UD_ENOTFOUND if absent. Bumps the generation. */
int ud_meta_document_delete(ud_meta *meta, const char *org_id, const char *id) UD_MUST_CHECK;
int ud_meta_document_count(ud_meta *meta, const char *org_id, int64_t *out) UD_MUST_CHECK;

/* Calls fn for every chunk of the org, ordered by document id then chunk
 * index. Row strings live until fn returns. A non-zero return from fn stops
 * the scan and is returned. */
typedef int (*ud_chunk_fn)(const ud_chunk_row *row, void *payload);
int ud_meta_chunks_scan(ud_meta *meta, const char *org_id, ud_chunk_fn fn,
                        void *payload) UD_MUST_CHECK;

/* A number that changes whenever the org's documents change (put/delete),
 * so readers can cache what they built from the chunks. */
int ud_meta_generation(ud_meta *meta, const char *org_id, int64_t *out) UD_MUST_CHECK;

#endif
