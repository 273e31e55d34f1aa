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
#include "connectors/connector.h"
#include "connectors/folder.h"
#include "doc/clean.h"
#include "doc/language.h"
#include "sync/pipeline.h"
#include "sync/reindex.h"

void ud_ingest_opts_default(ud_ingest_opts *out, const char *org_id)
{
    memset(out, 0, sizeof(*out));
    out->org_id = org_id;
    ud_chunker_opts_default(&out->chunker);
    ud_extract_limits_default(&out->limits);
}

static int ingest_one(ud_doc_outcome *out_outcome, size_t *out_chunks, bool *store_failed,
                      ud_meta *meta, const char *path, const ud_ingest_opts *opts, ud_arena *arena)
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

    static const char *everyone[] = {UD_ACL_EVERYONE};
    struct stat st;
    /* The dates of last resort: the pipeline puts those the document
     * states about itself over them (sync/pipeline.c, docs/ingest.md). */
    int64_t mtime = stat(abs_path, &st) == 0 ? (int64_t)st.st_mtime : 0;
    /* Keys, titles and paths are text in the store and in JSON: a file name
     * that is not valid UTF-8 is repaired like document text. */
    const char *shown_path = ud_clean_field(arena, abs_path);
    ud_source_document source = {
        .doc = {.source_key =
                    ud_clean_field(arena, ud_arena_sprintf(arena, "file:document:%s", abs_path)),
                .source_type = "file",
                .url = ud_arena_sprintf(arena, "file://%s", shown_path),
                .path = shown_path,
                .file_type = ud_format_name(format),
                .created_at = mtime,
                .updated_at = mtime,
                .acl = everyone,
                .acl_count = 1},
        .raw = raw,
        .raw_len = raw_len,
    };
    ud_sha256_hex(source.doc.content_hash, raw, raw_len);
    ud_doc_pipeline pipeline = {.meta = meta,
                                .org_id = opts->org_id,
                                .index = opts->index,
                                .embedder = opts->embedder,
                                .chunker = opts->chunker,
                                .limits = opts->limits};
    return ud_doc_pipeline_process(out_outcome, out_chunks, store_failed, &pipeline, &source,
                                   arena);
}

int ud_ingest_file(int *out_outcome, size_t *out_chunks, bool *out_store_failed, ud_meta *meta,
                   const char *path, const ud_ingest_opts *opts)
{
    ud_arena arena;
    ud_arena_init(&arena);
    bool store_failed = false;
    ud_doc_outcome outcome = UD_DOC_UNCHANGED;
    int rc = ingest_one(&outcome, out_chunks, &store_failed, meta, path, opts, &arena);
    *out_outcome = (int)outcome;
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
    ud_arena arena; /* messages */
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

static int claim_export(const char *path, bool is_dir, void *payload)
{
    (void)is_dir;
    path_list *list = payload;
    const ud_connector *connector = ud_connector_recognize(path);
    if (!connector)
        return 0;
    if (list->opts->on_export) {
        list->opts->on_export(path, connector->type, list->opts->payload);
    } else {
        ud_doc_counts_fail(&list->stats->counts);
        if (list->opts->on_failure)
            list->opts->on_failure(path,
                                   ud_arena_sprintf(&list->arena,
                                                    "a %s export: add it with "
                                                    "`unify source add`",
                                                    connector->type),
                                   list->opts->payload);
    }
    return 1;
}

static void walk_error(const char *path, const char *reason, void *payload)
{
    path_list *list = payload;
    ud_doc_counts_fail(&list->stats->counts);
    if (list->opts->on_failure)
        list->opts->on_failure(path, reason, list->opts->payload);
}

int ud_ingest_paths(ud_ingest_stats *out, ud_meta *meta, const char *const *paths, size_t count,
                    const ud_ingest_opts *opts)
{
    ud_ingest_stats stats;
    memset(&stats, 0, sizeof(stats));
    path_list list = {NULL, 0, 0, &stats, opts, {0}};
    ud_arena_init(&list.arena);
    ud_folder_visitor visitor = {collect, walk_error, claim_export, &list};
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
            ud_doc_counts_outcome(&stats.counts, (ud_doc_outcome)outcome, chunks);
        } else if (store_failed) {
            /* The store is down or broken: every later file would fail too. */
            ud_doc_counts_fail(&stats.counts);
            rc = file_rc;
        } else {
            ud_doc_counts_fail(&stats.counts);
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
    ud_arena_dispose(&list.arena);
    *out = stats;
    return rc;
}
