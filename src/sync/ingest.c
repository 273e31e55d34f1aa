/*
 * The ingest pipeline for files (see ingest.h). One arena per file keeps
 * memory bounded by the largest single file, whatever the batch size.
 */
#include "sync/ingest.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/arena.h"
#include "base/crypto.h"
#include "base/fs.h"
#include "base/mem.h"
#include "connectors/folder.h"
#include "doc/clean.h"
#include "doc/language.h"
#include "sync/reindex.h"

void ud_ingest_opts_default(ud_ingest_opts *out, const char *org_id)
{
    memset(out, 0, sizeof(*out));
    out->org_id = org_id;
    ud_chunker_opts_default(&out->chunker);
    ud_extract_limits_default(&out->limits);
}

/* The title a file has when its content names none: its name without the
 * extension. */
static const char *title_from_path(ud_arena *arena, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return ud_arena_strndup(arena, base, len);
}

/* Sets *store_failed when the error came from the metadata store rather than
 * from the file, so the caller can stop the run instead of blaming the file. */
/* A metadata string (title, author, path) as one line of valid UTF-8, or
 * NULL. */
static const char *clean_field(ud_arena *arena, const char *value)
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
        if (text[i] == '\n')
            text[i] = ' ';
    return text;
}

static int ingest_one(int *out_outcome, size_t *out_chunks, bool *store_failed, ud_meta *meta,
                      const char *path, const ud_ingest_opts *opts, ud_arena *arena)
{
    char *real = realpath(path, NULL);
    if (!real)
        return ud_error_set(UD_ENOTFOUND, "cannot resolve path");
    const char *abs_path = ud_arena_strdup(arena, real);
    free(real);

    ud_format format = ud_format_from_path(abs_path);
    if (format == UD_FORMAT_UNKNOWN)
        return ud_error_set(UD_EUNSUPPORTED, "unsupported file type");

    char *raw = NULL;
    size_t raw_len = 0;
    int rc = ud_file_read(&raw, &raw_len, abs_path, opts->limits.max_file_bytes);
    if (rc == UD_ELIMIT)
        return ud_error_set(UD_ELIMIT, "file is larger than the %zu MiB limit (max_file_mb)",
                            opts->limits.max_file_bytes >> 20);
    if (rc == UD_EFORBIDDEN)
        return ud_error_set(rc, "permission denied");
    if (rc < 0)
        return rc;
    ud_arena_on_dispose(arena, free, raw);
    if (raw_len == 0)
        return ud_error_set(UD_EINVAL, "empty file");

    ud_document doc;
    memset(&doc, 0, sizeof(doc));
    ud_sha256_hex(doc.content_hash, raw, raw_len);
    /* Keys, titles and paths are text in the store and in JSON: a file name
     * that is not valid UTF-8 is repaired like document text. */
    doc.source_key = clean_field(arena, ud_arena_sprintf(arena, "file:document:%s", abs_path));

    /* Same bytes as stored: nothing to do, not even extraction. */
    ud_doc_row existing;
    rc = ud_meta_document_get_by_key(&existing, meta, arena, opts->org_id, doc.source_key);
    if (rc == 0 && strcmp(existing.content_hash, doc.content_hash) == 0) {
        *out_outcome = 0;
        *out_chunks = 0;
        return 0;
    }
    if (rc < 0 && rc != UD_ENOTFOUND) {
        *store_failed = true;
        return rc;
    }

    ud_extracted ex;
    rc = ud_extract(&ex, arena, format, raw, raw_len, abs_path, &opts->limits);
    if (rc < 0)
        return rc;
    char *text = NULL;
    size_t text_len = 0;
    rc = ud_clean_text(&text, &text_len, arena, ex.text ? ex.text : "", ex.text_len);
    if (rc < 0)
        return rc;
    if (text_len == 0)
        return ud_error_set(UD_EINVAL, "no text could be extracted");

    ud_chunk *chunks = NULL;
    size_t chunk_count = 0;
    rc = ud_chunker_split(&chunks, &chunk_count, arena, text, text_len, &opts->chunker);
    if (rc < 0)
        return rc;

    struct stat st;
    int64_t mtime = stat(abs_path, &st) == 0 ? (int64_t)st.st_mtime : 0;
    static const char *everyone[] = {UD_ACL_EVERYONE};
    doc.source_type = "file";
    const char *shown_path = clean_field(arena, abs_path);
    const char *title = clean_field(arena, ex.title);
    doc.title = title && *title ? title : clean_field(arena, title_from_path(arena, abs_path));
    doc.url = ud_arena_sprintf(arena, "file://%s", shown_path);
    doc.path = shown_path;
    doc.author = clean_field(arena, ex.author);
    doc.language = ud_language_detect(text, text_len);
    doc.file_type = ud_format_name(format);
    doc.created_at = ex.created_at ? ex.created_at : mtime;
    doc.updated_at = ex.updated_at ? ex.updated_at : mtime;
    doc.text = text;
    doc.text_len = text_len;
    doc.metadata_json = ex.metadata_json ? ex.metadata_json : "{}";
    doc.acl = everyone;
    doc.acl_count = 1;

    bool created = false;
    char doc_id[37];
    rc = ud_meta_document_put(doc_id, &created, meta, opts->org_id, &doc, chunks, chunk_count);
    if (rc < 0) {
        /* A constraint the document broke is the document's problem. */
        *store_failed = rc != UD_EINVAL;
        return rc;
    }
    if (opts->index) {
        /* The index is derived from the store: if it fails, the run stops
         * and the next one rebuilds it (see reindex.h). */
        rc = ud_collection_writer_delete(opts->index, doc_id);
        float *vector = opts->embedder
                            ? ud_arena_alloc(arena, opts->embedder->info.dims * sizeof(float))
                            : NULL;
        for (size_t i = 0; i < chunk_count && rc == 0; i++) {
            ud_index_doc entry = ud_index_doc_from(doc_id, &doc, &chunks[i]);
            entry.vector = ud_chunk_vector(vector, opts->embedder, doc.title, chunks[i].text);
            rc = ud_collection_writer_add(opts->index, &entry);
        }
        if (rc < 0) {
            *store_failed = true;
            return rc;
        }
    }
    *out_outcome = created ? 1 : 2;
    *out_chunks = chunk_count;
    return 0;
}

int ud_ingest_file(int *out_outcome, size_t *out_chunks, bool *out_store_failed, ud_meta *meta,
                   const char *path, const ud_ingest_opts *opts)
{
    ud_arena arena;
    ud_arena_init(&arena);
    bool store_failed = false;
    int rc = ingest_one(out_outcome, out_chunks, &store_failed, meta, path, opts, &arena);
    if (out_store_failed)
        *out_store_failed = store_failed;
    ud_arena_dispose(&arena);
    return rc;
}

/* The walk collects paths first so the progress bar knows the total. */
typedef struct path_list {
    char **items;
    size_t count, cap;
    ud_ingest_stats *stats;
    const ud_ingest_opts *opts;
} path_list;

static int collect(const char *path, void *payload)
{
    path_list *list = payload;
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 256;
        list->items = ud_realloc(list->items, list->cap * sizeof(char *));
    }
    list->items[list->count++] = ud_strdup(path);
    return 0;
}

static void walk_error(const char *path, const char *reason, void *payload)
{
    path_list *list = payload;
    list->stats->failed++;
    if (list->opts->on_failure)
        list->opts->on_failure(path, reason, list->opts->payload);
}

int ud_ingest_paths(ud_ingest_stats *out, ud_meta *meta, const char *const *paths, size_t count,
                    const ud_ingest_opts *opts)
{
    ud_ingest_stats stats;
    memset(&stats, 0, sizeof(stats));
    path_list list = {NULL, 0, 0, &stats, opts};
    ud_folder_visitor visitor = {collect, walk_error, &list};
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = ud_folder_walk(paths[i], &visitor);
    stats.files = list.count;

    for (size_t i = 0; i < list.count && rc == 0; i++) {
        int outcome = 0;
        size_t chunks = 0;
        bool store_failed = false;
        int file_rc = ud_ingest_file(&outcome, &chunks, &store_failed, meta, list.items[i], opts);
        if (file_rc == 0) {
            stats.added += outcome == 1;
            stats.updated += outcome == 2;
            stats.unchanged += outcome == 0;
            stats.chunks += chunks;
        } else if (store_failed) {
            /* The store is down or broken: every later file would fail too. */
            rc = file_rc;
        } else {
            stats.failed++;
            if (opts->on_failure)
                opts->on_failure(list.items[i], ud_error_last(), opts->payload);
        }
        if (opts->on_progress)
            opts->on_progress(i + 1, list.count, list.items[i], opts->payload);
    }
    if (rc == 0 && opts->index) {
        int64_t generation = 0;
        rc = ud_meta_generation(meta, opts->org_id, &generation);
        if (rc == 0)
            rc = ud_collection_writer_commit(opts->index, generation);
    }
    for (size_t i = 0; i < list.count; i++)
        free(list.items[i]);
    free(list.items);
    *out = stats;
    return rc;
}
