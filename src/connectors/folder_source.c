/*
 * The folder connector (connector.h): a directory of files as a data
 * source, the Drive-like case. Config: {"connector": "folder", "path":
 * "/abs/dir"}. Files come in name order (folder.h), each as its raw bytes
 * for the pipeline to extract, with the same ids `unify ingest` gives them
 * ("file:document:<absolute path>"). Checkpoint: {"position": n}, the
 * number of files emitted.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/crypto.h"
#include "base/fs.h"
#include "base/mem.h"
#include "connectors/connector.h"
#include "connectors/folder.h"
#include "doc/extract/extract.h"

#define BATCH 50

typedef struct file_list {
    char **paths;
    size_t count, cap;
    const ud_sync_sink *sink;
} file_list;

static int collect(const char *path, void *payload)
{
    file_list *list = payload;
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 256;
        list->paths = ud_realloc(list->paths, list->cap * sizeof(char *));
    }
    list->paths[list->count++] = ud_strdup(path);
    return 0;
}

/* An export inside the folder is not read as files (its permissions would
 * be lost): it is reported, to be added as a source of its own. */
static int skip_export(const char *path, bool is_dir, void *payload)
{
    (void)is_dir;
    file_list *list = payload;
    const ud_connector *connector = ud_connector_recognize(path);
    if (!connector)
        return 0;
    char name[64], reason[160];
    ud_connector_spelling(name, sizeof(name), connector->type);
    snprintf(reason, sizeof(reason), "a %s export; add it as a source of its own", name);
    if (list->sink->skipped)
        list->sink->skipped(path, reason, list->sink->payload);
    else
        list->sink->failed(path, reason, list->sink->payload);
    return 1;
}

static void walk_failed(const char *path, const char *reason, void *payload)
{
    file_list *list = payload;
    list->sink->failed(path, reason, list->sink->payload);
}

static int folder_path(const char **out, const ud_source_config *config, ud_arena *arena)
{
    json_t *c = json_loads(config->config_json ? config->config_json : "{}", 0, NULL);
    const char *path = json_string_value(json_object_get(c, "path"));
    *out = path ? ud_arena_strdup(arena, path) : NULL;
    json_decref(c);
    if (!*out || !*out[0])
        return ud_error_set(UD_EINVAL, "a folder source needs a \"path\" in its config");
    return 0;
}

static int folder_test(const ud_source_config *config, char *message, size_t size)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *path = NULL;
    int rc = folder_path(&path, config, &arena);
    struct stat st;
    if (rc == 0 && stat(path, &st) < 0)
        rc = ud_error_set(UD_ENOTFOUND, "%s does not exist", path);
    if (rc == 0)
        snprintf(message, size, "%s is readable", path);
    ud_arena_dispose(&arena);
    return rc;
}

static size_t resume_position(const char *checkpoint_json)
{
    json_t *c = checkpoint_json ? json_loads(checkpoint_json, 0, NULL) : NULL;
    json_int_t n = json_integer_value(json_object_get(c, "position"));
    json_decref(c);
    return n > 0 ? (size_t)n : 0;
}

static int emit_file(const char *path, const ud_source_config *config, const ud_sync_sink *sink,
                     ud_arena *arena)
{
    char *real = realpath(path, NULL);
    if (!real) {
        sink->failed(path, "cannot resolve path", sink->payload);
        return 0;
    }
    const char *abs = ud_arena_strdup(arena, real);
    free(real);
    char *raw = NULL;
    size_t len = 0;
    int rc = ud_file_read(&raw, &len, abs, config->max_item_bytes);
    if (rc < 0) {
        sink->failed(abs, rc == UD_ELIMIT ? "file is larger than max_file_mb" : ud_error_last(),
                     sink->payload);
        return 0;
    }
    ud_arena_on_dispose(arena, free, raw);
    struct stat st;
    /* The dates of last resort: the pipeline puts those the document
     * states about itself over them (sync/pipeline.c, docs/ingest.md). */
    int64_t mtime = stat(abs, &st) == 0 ? (int64_t)st.st_mtime : 0;
    static const char *everyone[] = {UD_ACL_EVERYONE};
    ud_source_document doc = {
        .doc = {.source_key = ud_arena_sprintf(arena, "file:document:%s", abs),
                .source_type = "file",
                .url = ud_arena_sprintf(arena, "file://%s", abs),
                .path = abs,
                .file_type = ud_format_name(ud_format_from_path(abs)),
                .created_at = mtime,
                .updated_at = mtime,
                .acl = everyone,
                .acl_count = 1},
        .raw = raw,
        .raw_len = len,
        .raw_id = abs + 1, /* the path below the root, percent-encoded by the store */
    };
    ud_sha256_hex(doc.doc.content_hash, raw, len);
    return sink->document(&doc, sink->payload);
}

static int folder_sync(const ud_source_config *config, ud_arena *arena, const ud_sync_sink *sink)
{
    const char *path = NULL;
    int rc = folder_path(&path, config, arena);
    if (rc < 0)
        return rc;
    file_list list = {.sink = sink};
    ud_folder_visitor visitor = {collect, walk_failed, skip_export, &list};
    rc = ud_folder_walk(path, &visitor);
    size_t start = resume_position(config->checkpoint_json);
    for (size_t i = start; i < list.count && rc == 0; i++) {
        ud_arena file_arena;
        ud_arena_init(&file_arena);
        rc = emit_file(list.paths[i], config, sink, &file_arena);
        ud_arena_dispose(&file_arena);
        if (sink->progress)
            sink->progress(i + 1, list.count, sink->payload);
        if (rc == 0 && ((i + 1) % BATCH == 0 || i + 1 == list.count)) {
            char position[64];
            snprintf(position, sizeof(position), "{\"position\": %zu}", i + 1);
            rc = sink->checkpoint(position, sink->payload);
        }
    }
    for (size_t i = 0; i < list.count; i++)
        free(list.paths[i]);
    free(list.paths);
    return rc;
}

const ud_connector ud_connector_folder = {
    .type = "folder",
    .data_source_type = "google_drive",
    .source_type = "file",
    .summary = "a folder of files (txt, md, html, pdf, docx, eml, json)",
    .test_connection = folder_test,
    .sync = folder_sync,
    .webhook = NULL,
};
