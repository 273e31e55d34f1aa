/*
 * Rebuilding and opening an organization's index (see reindex.h).
 */
#include "sync/reindex.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

void ud_collection_dir(char *out, size_t size, const char *data_dir, const char *org_id)
{
    snprintf(out, size, "%s/collections/%s", data_dir, org_id);
}

ud_index_doc ud_index_doc_from(const char *doc_id, const ud_document *doc, const ud_chunk *chunk)
{
    return (ud_index_doc){.doc_id = doc_id,
                          .chunk_index = (uint32_t)chunk->index,
                          .title = doc->title,
                          .text = chunk->text,
                          .source_type = doc->source_type,
                          .url = doc->url,
                          .path = doc->path,
                          .heading_path = chunk->heading_path,
                          .author = doc->author,
                          .updated_at = doc->updated_at,
                          .acl = doc->acl,
                          .acl_count = doc->acl_count};
}

typedef struct rebuild {
    ud_collection_writer *writer;
    ud_embedder *embedder;
    float *vector;
    size_t chunks;
} rebuild;

/* Principals of a stored ACL (a JSON array of strings), at most 64. */
static size_t parse_acl(const char **out, size_t max, json_t **holder, const char *acl_json)
{
    *holder = json_loads(acl_json ? acl_json : "[]", 0, NULL);
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(*holder) && n < max; i++) {
        const char *p = json_string_value(json_array_get(*holder, i));
        if (p)
            out[n++] = p;
    }
    return n;
}

static int add_row(const ud_chunk_row *row, void *payload)
{
    rebuild *r = payload;
    const char *acl[64];
    json_t *holder = NULL;
    size_t acl_count = parse_acl(acl, 64, &holder, row->acl_json);
    ud_index_doc doc = {.doc_id = row->doc_id,
                        .chunk_index = (uint32_t)row->chunk_index,
                        .title = row->title,
                        .text = row->text,
                        .source_type = row->source_type,
                        .url = row->url,
                        .path = row->path,
                        .heading_path = row->heading_path,
                        .author = row->author,
                        .updated_at = row->updated_at,
                        .acl = acl,
                        .acl_count = acl_count,
                        .vector = ud_chunk_vector(r->vector, r->embedder, row->title, row->text)};
    int rc = ud_collection_writer_add(r->writer, &doc);
    json_decref(holder);
    if (rc == 0)
        r->chunks++;
    return rc;
}

int ud_reindex_org(size_t *out_chunks, ud_collection_writer *writer, ud_meta *meta,
                   const char *org_id, ud_embedder *embedder)
{
    /* Read first: if the store moves on during the scan, the next writer
     * sees a mismatch again and rebuilds again. */
    int64_t generation = 0;
    int rc = ud_meta_generation(meta, org_id, &generation);
    if (rc < 0)
        return rc;
    ud_collection_writer_clear(writer);
    rebuild r = {writer, embedder, NULL, 0};
    if (embedder)
        r.vector = ud_malloc(embedder->info.dims * sizeof(float));
    rc = ud_meta_chunks_scan(meta, org_id, add_row, &r);
    free(r.vector);
    if (rc == 0)
        rc = ud_collection_writer_commit(writer, generation);
    if (rc == 0 && out_chunks)
        *out_chunks = r.chunks;
    return rc;
}

int ud_index_open_writer(ud_collection_writer **out, bool *out_rebuilt, const char *data_dir,
                         ud_meta *meta, const char *org_id, ud_embedder *embedder)
{
    char dir[4200];
    ud_collection_dir(dir, sizeof(dir), data_dir, org_id);
    char embedding[128];
    ud_embedding_name(embedding, sizeof(embedding), embedder);
    ud_collection_writer_opts opts = {.embedding = embedding,
                                      .vector_dims = embedder ? embedder->info.dims : 0};
    ud_collection_writer *writer = NULL;
    int rc = ud_collection_writer_open(&writer, dir, &opts);
    if (rc < 0)
        return rc;
    int64_t generation = 0;
    rc = ud_meta_generation(meta, org_id, &generation);
    bool rebuilt = false;
    if (rc == 0 && generation != ud_collection_writer_store_generation(writer)) {
        rc = ud_reindex_org(NULL, writer, meta, org_id, embedder);
        rebuilt = true;
    }
    if (rc < 0) {
        ud_collection_writer_close(writer);
        return rc;
    }
    if (out_rebuilt)
        *out_rebuilt = rebuilt;
    *out = writer;
    return 0;
}
