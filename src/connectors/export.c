/*
 * The importers' shared machinery (see export.h): an export as a sorted list
 * of entries over a folder or over zips (libzip), read with caps; the
 * config helpers; the emitter that numbers units, takes checkpoints and
 * resumes; the content hash.
 *
 * A zip is hostile input: a member's declared size is checked before it is
 * read and reading stops at the cap whatever the header claimed, so a zip
 * bomb costs at most the cap. Member names are only ever used as names,
 * never as paths to write to.
 */
#include "connectors/export.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <zip.h>

#include "base/crypto.h"
#include "base/fs.h"
#include "base/mem.h"
#include "base/str.h"
#include "doc/clean.h"
#include "doc/extract/extract_util.h"

#define MAX_FOLDER_DEPTH 32

typedef struct export_entry {
    char *name;
    uint64_t size;
    size_t archive;     /* index in ud_export.archives (zips only) */
    zip_uint64_t index; /* member index in that archive */
} export_entry;

struct ud_export {
    bool zip;
    char *root; /* the folder (folders only) */
    zip_t **archives;
    size_t archive_count;
    export_entry *entries;
    size_t count, cap;
    size_t max_item;
    size_t max_total;
    uint64_t bytes_read; /* over the life of the export, against max_total */
    char fingerprint[17];
};

/* ---- Listing ---------------------------------------------------------------- */

static int add_entry(ud_export *ex, const char *name, uint64_t size, size_t archive,
                     zip_uint64_t index)
{
    if (ex->count >= UD_EXPORT_MAX_ENTRIES)
        return ud_error_set(UD_ELIMIT, "the export has more than %d files", UD_EXPORT_MAX_ENTRIES);
    if (ex->count == ex->cap) {
        ex->cap = ex->cap ? ex->cap * 2 : 64;
        ex->entries = ud_realloc(ex->entries, ex->cap * sizeof(*ex->entries));
    }
    export_entry *e = &ex->entries[ex->count++];
    e->name = ud_strdup(name);
    e->size = size;
    e->archive = archive;
    e->index = index;
    return 0;
}

/* Hidden files, macOS resource forks and folders are not entries. */
static bool skipped_name(const char *name)
{
    if (!name[0] || name[strlen(name) - 1] == '/')
        return true;
    if (strncmp(name, "__MACOSX/", 9) == 0)
        return true;
    for (const char *p = name; p; p = strchr(p, '/')) {
        if (*p == '/')
            p++;
        if (*p == '.')
            return true;
    }
    return false;
}

static int list_folder(ud_export *ex, const char *rel, int depth)
{
    if (depth > MAX_FOLDER_DEPTH)
        return ud_error_set(UD_ELIMIT, "folders nested more than %d deep in the export",
                            MAX_FOLDER_DEPTH);
    size_t n = strlen(ex->root) + strlen(rel) + 2;
    char *path = ud_malloc(n);
    snprintf(path, n, "%s%s%s", ex->root, rel[0] ? "/" : "", rel);
    DIR *dir = opendir(path);
    if (!dir) {
        int rc = ud_error_set(UD_EIO, "cannot open folder %s: %s", path, strerror(errno));
        free(path);
        return rc;
    }
    int rc = 0;
    struct dirent *ent;
    while (rc == 0 && (ent = readdir(dir)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        size_t cn = strlen(rel) + strlen(ent->d_name) + 2;
        char *child = ud_malloc(cn);
        snprintf(child, cn, "%s%s%s", rel, rel[0] ? "/" : "", ent->d_name);
        size_t fn = strlen(ex->root) + cn + 1;
        char *full = ud_malloc(fn);
        snprintf(full, fn, "%s/%s", ex->root, child);
        struct stat st, lst;
        if (stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                /* A linked folder could lead back up: not followed. */
                if (lstat(full, &lst) == 0 && !S_ISLNK(lst.st_mode))
                    rc = list_folder(ex, child, depth + 1);
            } else if (S_ISREG(st.st_mode)) {
                rc = add_entry(ex, child, (uint64_t)st.st_size, 0, 0);
            }
        }
        free(full);
        free(child);
    }
    closedir(dir);
    free(path);
    return rc;
}

static int open_zip_error(const char *what, zip_error_t *error)
{
    int rc = ud_error_set(UD_ECORRUPT, "%s is not a readable zip archive: %s", what,
                          zip_error_strerror(error));
    zip_error_fini(error);
    return rc;
}

static int list_zip(ud_export *ex, size_t archive)
{
    zip_t *za = ex->archives[archive];
    zip_int64_t n = zip_get_num_entries(za, 0);
    if (n < 0)
        return ud_error_set(UD_ECORRUPT, "cannot list the zip archive: %s", zip_strerror(za));
    for (zip_int64_t i = 0; i < n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME))
            continue;
        if (skipped_name(st.name))
            continue;
        uint64_t size = (st.valid & ZIP_STAT_SIZE) ? (uint64_t)st.size : 0;
        int rc = add_entry(ex, st.name, size, archive, (zip_uint64_t)i);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static void add_archive(ud_export *ex, zip_t *za)
{
    ex->archives = ud_realloc(ex->archives, (ex->archive_count + 1) * sizeof(*ex->archives));
    ex->archives[ex->archive_count++] = za;
}

static bool all_zips(const ud_export *ex)
{
    if (ex->count == 0)
        return false;
    for (size_t i = 0; i < ex->count; i++)
        if (!ud_str_ends_with_ci(ud_str_from(ex->entries[i].name), ".zip"))
            return false;
    return true;
}

static void clear_entries(ud_export *ex)
{
    for (size_t i = 0; i < ex->count; i++)
        free(ex->entries[i].name);
    ex->count = 0;
}

/* A zip of part zips: each part is read (capped by the total) and its
 * members become the entries. */
static int open_parts(ud_export *ex)
{
    size_t parts = ex->count;
    export_entry *outer = ud_malloc(parts * sizeof(*outer));
    memcpy(outer, ex->entries, parts * sizeof(*outer));
    ex->count = 0;
    int rc = 0;
    for (size_t i = 0; i < parts && rc == 0; i++) {
        char *data = NULL;
        size_t len = 0;
        /* A part is an archive, not an item: the total cap applies. */
        export_entry e = outer[i];
        zip_file_t *zf = zip_fopen_index(ex->archives[0], e.index, 0);
        if (!zf) {
            rc = ud_error_set(UD_ECORRUPT, "cannot open %s in the zip: %s", e.name,
                              zip_strerror(ex->archives[0]));
        } else {
            size_t cap = 65536;
            data = ud_malloc(cap);
            for (;;) {
                if (len == cap) {
                    if (ex->bytes_read + len > ex->max_total) {
                        rc = ud_error_set(UD_ELIMIT, "%s passes the %zu MiB export limit", e.name,
                                          ex->max_total >> 20);
                        break;
                    }
                    cap *= 2;
                    data = ud_realloc(data, cap);
                }
                zip_int64_t got = zip_fread(zf, data + len, cap - len);
                if (got < 0) {
                    rc = ud_error_set(UD_ECORRUPT, "%s is damaged: %s", e.name,
                                      zip_file_strerror(zf));
                    break;
                }
                if (got == 0)
                    break;
                len += (size_t)got;
            }
            zip_fclose(zf);
        }
        if (rc == 0) {
            ex->bytes_read += len;
            zip_error_t error;
            zip_error_init(&error);
            zip_source_t *src = zip_source_buffer_create(data, len, 1, &error);
            if (!src) {
                free(data);
                rc = open_zip_error(e.name, &error);
            } else {
                zip_t *inner = zip_open_from_source(src, ZIP_RDONLY, &error);
                if (!inner) {
                    zip_source_free(src);
                    rc = open_zip_error(e.name, &error);
                } else {
                    zip_error_fini(&error);
                    add_archive(ex, inner);
                    rc = list_zip(ex, ex->archive_count - 1);
                }
            }
        } else {
            free(data);
        }
    }
    for (size_t i = 0; i < parts; i++)
        free(outer[i].name);
    free(outer);
    return rc;
}

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const export_entry *)a)->name, ((const export_entry *)b)->name);
}

static void finish_listing(ud_export *ex)
{
    if (ex->count > 1) /* an empty listing may have no array: qsort(NULL) is undefined */
        qsort(ex->entries, ex->count, sizeof(*ex->entries), compare_entries);
    /* Parts of one export may repeat a name: the first wins. */
    size_t kept = 0;
    for (size_t i = 0; i < ex->count; i++) {
        if (kept && strcmp(ex->entries[kept - 1].name, ex->entries[i].name) == 0) {
            free(ex->entries[i].name);
            continue;
        }
        ex->entries[kept++] = ex->entries[i];
    }
    ex->count = kept;
    ud_sha256_ctx ctx;
    ud_sha256_begin(&ctx);
    for (size_t i = 0; i < ex->count; i++) {
        char size[32];
        int n = snprintf(size, sizeof(size), "%" PRIu64 "\n", ex->entries[i].size);
        ud_sha256_update(&ctx, ex->entries[i].name, strlen(ex->entries[i].name) + 1);
        ud_sha256_update(&ctx, size, (size_t)n);
    }
    char hex[UD_SHA256_HEX_LEN + 1];
    ud_sha256_end_hex(&ctx, hex);
    memcpy(ex->fingerprint, hex, 16);
    ex->fingerprint[16] = '\0';
}

int ud_export_open(ud_export **out, const char *path, size_t max_item_bytes, size_t max_total_bytes)
{
    struct stat st;
    if (!path || !path[0])
        return ud_error_set(UD_EINVAL, "no export path given");
    if (stat(path, &st) < 0)
        return ud_error_set(errno == ENOENT ? UD_ENOTFOUND : UD_EIO, "%s: %s", path,
                            strerror(errno));
    ud_export *ex = ud_calloc(1, sizeof(*ex));
    ex->max_item = max_item_bytes ? max_item_bytes : UD_EXPORT_DEFAULT_ITEM_BYTES;
    ex->max_total = max_total_bytes ? max_total_bytes : (size_t)UD_EXPORT_DEFAULT_TOTAL_BYTES;
    int rc = 0;
    if (S_ISDIR(st.st_mode)) {
        ex->root = ud_strdup(path);
        size_t n = strlen(ex->root);
        while (n > 1 && ex->root[n - 1] == '/')
            ex->root[--n] = '\0';
        rc = list_folder(ex, "", 0);
    } else if (S_ISREG(st.st_mode)) {
        ex->zip = true;
        int code = 0;
        zip_t *za = zip_open(path, ZIP_RDONLY, &code);
        if (!za) {
            zip_error_t error;
            zip_error_init_with_code(&error, code);
            rc = open_zip_error(path, &error);
        } else {
            add_archive(ex, za);
            rc = list_zip(ex, 0);
            if (rc == 0 && all_zips(ex))
                rc = open_parts(ex);
        }
    } else {
        rc = ud_error_set(UD_EINVAL, "%s is neither a folder nor a zip file", path);
    }
    if (rc == 0) {
        uint64_t declared = 0;
        for (size_t i = 0; i < ex->count; i++)
            declared += ex->entries[i].size;
        if (declared > ex->max_total)
            rc = ud_error_set(UD_ELIMIT,
                              "%s holds %" PRIu64 " MiB, over the %zu MiB limit of an export", path,
                              declared >> 20, ex->max_total >> 20);
    }
    if (rc < 0) {
        ud_export_free(ex);
        return rc;
    }
    finish_listing(ex);
    *out = ex;
    return 0;
}

void ud_export_free(ud_export *ex)
{
    if (!ex)
        return;
    clear_entries(ex);
    free(ex->entries);
    for (size_t i = 0; i < ex->archive_count; i++)
        zip_discard(ex->archives[i]);
    free(ex->archives);
    free(ex->root);
    free(ex);
}

bool ud_export_is_zip(const ud_export *ex)
{
    return ex->zip;
}

size_t ud_export_count(const ud_export *ex)
{
    return ex->count;
}

const char *ud_export_name(const ud_export *ex, size_t i)
{
    return i < ex->count ? ex->entries[i].name : NULL;
}

uint64_t ud_export_size(const ud_export *ex, size_t i)
{
    return i < ex->count ? ex->entries[i].size : 0;
}

size_t ud_export_find(const ud_export *ex, const char *name)
{
    size_t lo = 0, hi = ex->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(ex->entries[mid].name, name);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

const char *ud_export_root(const ud_export *ex)
{
    return ex->zip ? NULL : ex->root;
}

const char *ud_export_fingerprint(const ud_export *ex)
{
    return ex->fingerprint;
}

static int read_member(char **out, size_t *out_len, ud_export *ex, const export_entry *e)
{
    if (e->size > ex->max_item)
        return ud_error_set(UD_ELIMIT, "%s claims %" PRIu64 " bytes, over the %zu KiB item limit",
                            e->name, e->size, ex->max_item >> 10);
    zip_file_t *zf = zip_fopen_index(ex->archives[e->archive], e->index, 0);
    if (!zf)
        return ud_error_set(UD_ECORRUPT, "cannot open %s in the zip: %s", e->name,
                            zip_strerror(ex->archives[e->archive]));
    size_t cap = e->size > 0 ? (size_t)e->size + 1 : 4096;
    char *buf = ud_malloc(cap);
    size_t len = 0;
    int rc = 0;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > ex->max_item) {
                rc = ud_error_set(UD_ELIMIT, "%s is larger than the %zu KiB item limit", e->name,
                                  ex->max_item >> 10);
                break;
            }
            cap *= 2;
            buf = ud_realloc(buf, cap);
        }
        zip_int64_t got = zip_fread(zf, buf + len, cap - len - 1);
        if (got < 0) {
            rc = ud_error_set(UD_ECORRUPT, "%s is damaged in the zip: %s", e->name,
                              zip_file_strerror(zf));
            break;
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len > ex->max_item) {
            rc = ud_error_set(UD_ELIMIT, "%s is larger than the %zu KiB item limit", e->name,
                              ex->max_item >> 10);
            break;
        }
    }
    zip_fclose(zf);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

int ud_export_read(char **out, size_t *out_len, ud_export *ex, size_t i)
{
    if (i >= ex->count)
        return ud_error_set(UD_ENOTFOUND, "no entry %zu in the export", i);
    const export_entry *e = &ex->entries[i];
    char *data = NULL;
    size_t len = 0;
    int rc;
    if (ex->zip) {
        rc = read_member(&data, &len, ex, e);
    } else {
        size_t n = strlen(ex->root) + strlen(e->name) + 2;
        char *path = ud_malloc(n);
        snprintf(path, n, "%s/%s", ex->root, e->name);
        rc = ud_file_read(&data, &len, path, ex->max_item);
        free(path);
    }
    if (rc < 0)
        return rc;
    if (ex->bytes_read + len > ex->max_total) {
        free(data);
        return ud_error_set(UD_ELIMIT, "reading %s passes the %zu MiB limit of an export", e->name,
                            ex->max_total >> 20);
    }
    ex->bytes_read += len;
    *out = data;
    *out_len = len;
    return 0;
}

/* ---- Configuration ---------------------------------------------------------- */

int ud_export_config(json_t **out, const ud_source_config *config)
{
    const char *text = config ? config->config_json : NULL;
    if (!text || !text[0]) {
        *out = json_object();
        return 0;
    }
    json_error_t error;
    json_t *root = json_loads(text, 0, &error);
    if (!root)
        return ud_error_set(UD_EINVAL, "the source config is not valid JSON: %s", error.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return ud_error_set(UD_EINVAL, "the source config must be a JSON object");
    }
    *out = root;
    return 0;
}

size_t ud_export_item_cap(const ud_source_config *config)
{
    return config && config->max_item_bytes ? config->max_item_bytes : UD_EXPORT_DEFAULT_ITEM_BYTES;
}

size_t ud_export_total_cap(const ud_source_config *config)
{
    return config && config->max_total_bytes ? config->max_total_bytes
                                             : (size_t)UD_EXPORT_DEFAULT_TOTAL_BYTES;
}

const char *ud_export_config_string(const json_t *config, const char *key)
{
    const char *s = json_string_value(json_object_get(config, key));
    return s && s[0] ? s : NULL;
}

bool ud_export_config_bool(const json_t *config, const char *key, bool fallback)
{
    json_t *v = json_object_get(config, key);
    return json_is_boolean(v) ? json_is_true(v) : fallback;
}

bool ud_export_config_lists(const json_t *config, const char *key, const char *value,
                            bool *out_present)
{
    json_t *list = json_object_get(config, key);
    if (out_present)
        *out_present = json_is_array(list);
    if (!json_is_array(list) || !value)
        return false;
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *s = json_string_value(item);
        if (s && strcasecmp(s, value) == 0)
            return true;
    }
    return false;
}

static void hash_part(ud_sha256_ctx *ctx, const void *data, size_t len)
{
    uint8_t prefix[8];
    for (int i = 0; i < 8; i++)
        prefix[i] = (uint8_t)((uint64_t)len >> (8 * i));
    ud_sha256_update(ctx, prefix, sizeof(prefix));
    if (len)
        ud_sha256_update(ctx, data, len);
}

static void hash_string(ud_sha256_ctx *ctx, const char *s)
{
    hash_part(ctx, s ? s : "", s ? strlen(s) : 0);
}

/* ---- Emitting ---------------------------------------------------------------- */

void ud_export_emitter_init(ud_export_emitter *em, const ud_sync_sink *sink,
                            const ud_source_config *config, const char *fingerprint)
{
    memset(em, 0, sizeof(*em));
    ud_arena_init(&em->arena);
    em->sink = sink;
    ud_sha256_ctx ctx;
    ud_sha256_begin(&ctx);
    hash_string(&ctx, fingerprint);
    hash_string(&ctx, config ? config->config_json : NULL);
    char hex[UD_SHA256_HEX_LEN + 1];
    ud_sha256_end_hex(&ctx, hex);
    memcpy(em->fingerprint, hex, 16);
    em->fingerprint[16] = '\0';
    const char *checkpoint_json = config ? config->checkpoint_json : NULL;
    if (!checkpoint_json || !checkpoint_json[0])
        return;
    json_t *cp = json_loads(checkpoint_json, 0, NULL);
    json_t *pos = json_object_get(cp, "position");
    const char *fp = json_string_value(json_object_get(cp, "export"));
    /* Only an unfinished checkpoint of this very export and config resumes. */
    if (json_is_integer(pos) && json_integer_value(pos) > 0 && fp &&
        strcmp(fp, em->fingerprint) == 0 && !json_is_true(json_object_get(cp, "complete")))
        em->resume = (size_t)json_integer_value(pos);
    json_decref(cp);
}

static int checkpoint(ud_export_emitter *em, bool complete)
{
    char text[160];
    snprintf(text, sizeof(text), "{\"position\":%zu,\"export\":\"%s\",\"complete\":%s}",
             em->position, em->fingerprint, complete ? "true" : "false");
    int rc = em->sink->checkpoint ? em->sink->checkpoint(text, em->sink->payload) : 0;
    if (em->sink->progress && em->total)
        em->sink->progress(em->position < em->total ? em->position : em->total, em->total,
                           em->sink->payload);
    em->batch = 0;
    /* The batch is committed: its documents are no longer needed. */
    ud_arena_dispose(&em->arena);
    ud_arena_init(&em->arena);
    return rc;
}

int ud_export_next(ud_export_emitter *em)
{
    if (em->batch >= UD_EXPORT_BATCH) {
        int rc = checkpoint(em, false);
        if (rc < 0)
            return rc;
    }
    em->position++;
    return em->position > em->resume ? 1 : 0;
}

int ud_export_emit(ud_export_emitter *em, ud_source_document *doc)
{
    if (!doc->doc.content_hash[0])
        ud_export_hash(doc);
    em->documents++;
    em->batch++;
    return em->sink->document(doc, em->sink->payload);
}

void ud_export_fail(ud_export_emitter *em, const char *item, const char *reason)
{
    em->failures++;
    em->batch++;
    if (em->sink->failed)
        em->sink->failed(item, reason, em->sink->payload);
}

int ud_export_emit_text(ud_export_emitter *em, ud_source_document *doc, const ud_text_out *text,
                        const char *item)
{
    if (text->failed) {
        ud_export_fail(em, item, ud_error_last());
        ud_error_clear();
        return 0;
    }
    doc->doc.text = ud_arena_strndup(&em->arena, text->buf.ptr ? text->buf.ptr : "", text->buf.len);
    doc->doc.text_len = text->buf.len;
    return ud_export_emit(em, doc);
}

int ud_export_finish(ud_export_emitter *em)
{
    return checkpoint(em, true);
}

void ud_export_emitter_dispose(ud_export_emitter *em)
{
    ud_arena_dispose(&em->arena);
}

/* ---- Documents ---------------------------------------------------------------- */

void ud_export_hash(ud_source_document *sd)
{
    const ud_document *d = &sd->doc;
    ud_sha256_ctx ctx;
    ud_sha256_begin(&ctx);
    hash_string(&ctx, "unify-export-document-v1");
    hash_string(&ctx, d->source_key);
    hash_part(&ctx, sd->raw, sd->raw ? sd->raw_len : 0);
    hash_string(&ctx, d->title);
    hash_string(&ctx, d->url);
    hash_string(&ctx, d->path);
    hash_string(&ctx, d->author);
    hash_string(&ctx, d->file_type);
    char times[64];
    snprintf(times, sizeof(times), "%" PRId64 " %" PRId64, d->created_at, d->updated_at);
    hash_string(&ctx, times);
    hash_part(&ctx, d->text, d->text ? d->text_len : 0);
    hash_string(&ctx, d->metadata_json);
    for (size_t i = 0; i < d->acl_count; i++)
        hash_string(&ctx, d->acl[i]);
    ud_sha256_end_hex(&ctx, sd->doc.content_hash);
}

const char *ud_export_raw_id(ud_arena *arena, const char *source_key, const char *ext)
{
    const char *p = strchr(source_key, ':');
    p = p ? p + 1 : source_key;
    size_t n = strlen(p), e = ext ? strlen(ext) : 0;
    char *out = ud_arena_alloc(arena, n + e + 1);
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == ':')
            c = '-';
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-'))
            c = '_';
        out[i] = c;
    }
    if (e)
        memcpy(out + n, ext, e);
    out[n + e] = '\0';
    return out;
}

const char *ud_export_json(ud_arena *arena, json_t *value)
{
    char *text = value ? json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(value);
    if (!text)
        return "{}";
    const char *copy = ud_arena_strdup(arena, text);
    free(text);
    return copy;
}

json_t *ud_export_json_stringn(const char *s, size_t len)
{
    if (!s)
        return json_string("");
    if (ud_utf8_valid(s, len))
        return json_stringn(s, len);
    ud_arena arena;
    ud_arena_init(&arena);
    char *fixed = NULL;
    size_t fixed_len = 0;
    json_t *out = NULL;
    if (ud_utf8_repair(&fixed, &fixed_len, &arena, s, len) == 0)
        out = json_stringn(fixed, fixed_len);
    ud_arena_dispose(&arena);
    return out ? out : json_string("");
}

json_t *ud_export_json_string(const char *s)
{
    return ud_export_json_stringn(s, s ? strlen(s) : 0);
}

int ud_export_parse_json(json_t **out, const char *data, size_t len, const char *name)
{
    json_error_t error;
    json_t *root = json_loadb(data, len, 0, &error);
    if (!root)
        return ud_error_set(UD_ECORRUPT, "%s: invalid JSON at line %d, column %d: %s", name,
                            error.line, error.column, error.text);
    *out = root;
    return 0;
}

const char *ud_export_title(ud_arena *arena, const char *text, size_t len, size_t max)
{
    /* The whole line first (up to 4x the length), then the cut. */
    const char *line = ud_first_line(arena, text, len, max * 4 + 8);
    if (!line || strlen(line) <= max)
        return line;
    size_t cut = max;
    while (cut > max / 2 && line[cut] != ' ')
        cut--;
    if (line[cut] != ' ') {
        cut = max;
        while (cut > 0 && ((unsigned char)line[cut] & 0xC0) == 0x80)
            cut--;
    }
    while (cut > 0 && (line[cut - 1] == ' ' || line[cut - 1] == ',' || line[cut - 1] == ':'))
        cut--;
    return ud_arena_sprintf(arena, "%.*s\xE2\x80\xA6", (int)cut, line);
}

void ud_export_day(char out[11], int64_t unix_seconds)
{
    /* Input times are clamped to years 1970..9999. */
    if (unix_seconds < 0)
        unix_seconds = 0;
    if (unix_seconds > 253402300799)
        unix_seconds = 253402300799;
    time_t t = (time_t)unix_seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(out, 11, "%Y-%m-%d", &tm) != 10)
        memcpy(out, "1970-01-01", 11);
}
