/*
 * One document through the pipeline (pipeline.h).
 */
#include "sync/pipeline.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "doc/acl.h"
#include "doc/clean.h"
#include "doc/language.h"
#include "index/index_doc.h"
#include "store/meta_sources.h"
#include "sync/reindex.h"

const char *ud_clean_field(ud_arena *arena, const char *value)
{
    if (!value)
        return NULL;
    char *text = NULL;
    size_t len = 0;
    if (ud_clean_text(&text, &len, arena, value, strlen(value)) < 0) {
        ud_error_clear();
        return NULL;
    }
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
            text[i] = ' ';
    return text;
}

/* The title a file has when neither the source nor its content names one:
 * its name without the extension. */
static const char *title_from_path(ud_arena *arena, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return ud_clean_field(arena, ud_arena_strndup(arena, base, len));
}

/* The dates a document states about itself win over those the source
 * gave (for files, the modification time, the last resort): a document
 * that says only one date has it for both, so that a note dated in March
 * is not "updated today" because its file was copied today. Dates outside
 * the plausible window (base/date.h) count as unsaid. */
static void take_dates(ud_document *doc, int64_t created, int64_t updated, int64_t now)
{
    if (!ud_date_plausible(created, now))
        created = 0;
    if (!ud_date_plausible(updated, now))
        updated = 0;
    if (!created && !updated)
        return;
    doc->created_at = created ? created : updated;
    doc->updated_at = updated ? updated : created;
}

/* Extracts the raw bytes when the source gave no text; fills what the
 * bytes know and the source did not say (title, author, dates, metadata). */
static int extract(ud_document *doc, const ud_source_document *source, const ud_doc_pipeline *p,
                   ud_arena *arena, const char **text, size_t *text_len)
{
    if (source->doc.text && source->doc.text_len > 0) {
        *text = source->doc.text;
        *text_len = source->doc.text_len;
        return 0;
    }
    if (!source->raw || source->raw_len == 0)
        return ud_error_set(UD_EINVAL, "empty document");
    ud_format format =
        ud_format_from_path(ud_arena_sprintf(arena, "x.%s", doc->file_type ? doc->file_type : ""));
    if (format == UD_FORMAT_UNKNOWN)
        return ud_error_set(UD_EUNSUPPORTED, "unsupported file type '%s'",
                            doc->file_type ? doc->file_type : "");
    ud_extracted ex;
    int rc = ud_extract(&ex, arena, format, source->raw, source->raw_len,
                        doc->path ? doc->path : doc->source_key, &p->limits);
    if (rc < 0)
        return rc;
    if (!doc->title || !doc->title[0])
        doc->title = ud_clean_field(arena, ex.title);
    if (!doc->author)
        doc->author = ud_clean_field(arena, ex.author);
    take_dates(doc, ex.created_at, ex.updated_at, ud_now());
    if ((!doc->metadata_json || strcmp(doc->metadata_json, "{}") == 0) && ex.metadata_json)
        doc->metadata_json = ex.metadata_json;
    *text = ex.text ? ex.text : "";
    *text_len = ex.text_len;
    return 0;
}

/* Takes a stored copy of an excluded document out of the store and index. */
static int drop_stored(const ud_doc_pipeline *p, ud_arena *arena, const char *source_key)
{
    ud_doc_row row;
    int rc = ud_meta_document_get_by_key(&row, p->meta, arena, p->org_id, p->source_id, source_key);
    if (rc == UD_ENOTFOUND)
        return 0;
    if (rc == 0 && p->index)
        rc = ud_collection_writer_delete(p->index, row.id);
    if (rc == 0)
        rc = ud_meta_document_delete(p->meta, p->org_id, row.id);
    return rc;
}

static int process(ud_doc_outcome *out, size_t *out_chunks, bool *store_failed,
                   const ud_doc_pipeline *p, const ud_source_document *source, ud_arena *arena)
{
    ud_document doc = source->doc;
    if (!doc.source_key || !doc.source_type)
        return ud_error_set(UD_EINVAL, "a document needs a source key and a source type");
    /* Only typed principals enter the store and the index (doc/acl.h).
     * The store refuses such a document too; checking here first fails
     * this document alone, where a store failure would stop the job. */
    int acl_rc = ud_acl_check_list(doc.acl, doc.acl_count);
    if (acl_rc < 0)
        return acl_rc;
    if (!doc.content_hash[0]) {
        const void *basis = source->raw ? source->raw : doc.text;
        size_t len = source->raw ? source->raw_len : doc.text_len;
        ud_sha256_hex(doc.content_hash, basis ? basis : "", basis ? len : 0);
    }
    /* Same version as stored: nothing to do, not even extraction. The
     * stored version is this source's own: the same key in another source
     * is another document (meta.h). */
    ud_doc_row existing;
    int rc = ud_meta_document_get_by_key(&existing, p->meta, arena, p->org_id, p->source_id,
                                         doc.source_key);
    if (rc < 0 && rc != UD_ENOTFOUND) {
        *store_failed = true;
        return rc;
    }
    if (rc == 0 && strcmp(existing.content_hash, doc.content_hash) == 0) {
        if (p->sync_id) {
            rc = ud_meta_document_mark_seen(p->meta, p->org_id, doc.source_key, p->source_id,
                                            p->sync_id);
            if (rc < 0) {
                *store_failed = true;
                return rc;
            }
        }
        *out = UD_DOC_UNCHANGED;
        *out_chunks = 0;
        return 0;
    }
    bool existed = rc == 0;
    if (p->blobs && source->raw && source->raw_id) {
        char key[2048];
        rc = ud_blob_key(key, sizeof(key), p->org_id, p->source_id ? p->source_id : "files",
                         source->raw_id);
        if (rc == 0)
            rc = ud_blobs_put(p->blobs, key, source->raw, source->raw_len);
        if (rc < 0) {
            *store_failed = rc != UD_EINVAL && rc != UD_ELIMIT;
            return rc;
        }
    }
    const char *raw_text = NULL;
    size_t raw_len = 0;
    rc = extract(&doc, source, p, arena, &raw_text, &raw_len);
    if (rc < 0)
        return rc;
    char *text = NULL;
    size_t text_len = 0;
    rc = ud_clean_text(&text, &text_len, arena, raw_text, raw_len);
    if (rc < 0)
        return rc;
    if (text_len == 0)
        return ud_error_set(UD_EINVAL, "no text could be extracted");
    const char *kept = text;
    size_t kept_len = text_len;
    if (p->filter) {
        bool exclude = false;
        rc = p->filter(&kept, &kept_len, &exclude, text, text_len, arena, p->filter_payload);
        if (rc < 0)
            return rc;
        if (exclude) {
            rc = existed ? drop_stored(p, arena, doc.source_key) : 0;
            *store_failed = rc < 0;
            *out = UD_DOC_EXCLUDED;
            *out_chunks = 0;
            return rc;
        }
    }
    doc.text = kept;
    doc.text_len = kept_len;
    if (!doc.language)
        doc.language = ud_language_detect(kept, kept_len);
    doc.title = doc.title && doc.title[0] ? ud_clean_field(arena, doc.title)
                : doc.path                ? title_from_path(arena, doc.path)
                                          : "Untitled";
    if (!doc.metadata_json)
        doc.metadata_json = "{}";
    ud_chunk *chunks = NULL;
    size_t chunk_count = 0;
    rc = ud_chunker_split(&chunks, &chunk_count, arena, kept, kept_len, &p->chunker);
    if (rc < 0)
        return rc;
    /* Embedded in one batch per document, before anything is stored: a
     * provider that fails fails the document, which stays as it was. */
    float *vectors = NULL;
    bool *has = NULL;
    if (p->index && p->embedder && chunk_count > 0) {
        vectors = ud_arena_alloc(arena, chunk_count * p->embedder->info.dims * sizeof(float));
        has = ud_arena_alloc(arena, chunk_count * sizeof(bool));
        const char **texts = ud_arena_alloc(arena, chunk_count * sizeof(char *));
        for (size_t i = 0; i < chunk_count; i++)
            texts[i] = chunks[i].text;
        rc = ud_chunk_vectors(vectors, has, p->embedder, doc.title, texts, chunk_count, arena);
        if (rc < 0)
            return rc;
    }
    bool created = false;
    char doc_id[37];
    rc = ud_meta_document_put_synced(doc_id, &created, p->meta, p->org_id, p->source_id, p->sync_id,
                                     &doc, chunks, chunk_count);
    if (rc < 0) {
        /* A constraint the document broke is the document's problem. */
        *store_failed = rc != UD_EINVAL;
        return rc;
    }
    if (p->index) {
        /* The index is derived from the store: if it fails, the run stops
         * and the next one rebuilds it (see reindex.h). */
        rc = ud_collection_writer_delete(p->index, doc_id);
        if (rc < 0) {
            *store_failed = true;
            return rc;
        }
        for (size_t i = 0; i < chunk_count && rc == 0; i++) {
            ud_index_doc entry = ud_index_doc_from(doc_id, &doc, &chunks[i]);
            entry.vector = vectors && has[i] ? vectors + i * p->embedder->info.dims : NULL;
            rc = ud_collection_writer_add(p->index, &entry);
        }
        if (rc < 0) {
            *store_failed = true;
            return rc;
        }
    }
    *out = created ? UD_DOC_ADDED : UD_DOC_UPDATED;
    *out_chunks = chunk_count;
    return 0;
}

int ud_doc_pipeline_process(ud_doc_outcome *out, size_t *out_chunks, bool *out_store_failed,
                            const ud_doc_pipeline *p, const ud_source_document *source,
                            ud_arena *arena)
{
    bool store_failed = false;
    int rc = process(out, out_chunks, &store_failed, p, source, arena);
    if (out_store_failed)
        *out_store_failed = store_failed;
    return rc;
}
