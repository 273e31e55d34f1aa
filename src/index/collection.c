/*
 * Collections: manifest, snapshots for readers, the single writer with its
 * commit protocol and merge policy (see collection.h).
 */
#include "index/collection.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/mem.h"
#include "index/segment_writer.h"

#define MANIFEST_FORMAT 2
#define MAX_MANIFEST_BYTES (16u << 20)
#define DEL_MAGIC "UDDEL001"
#define OPEN_RETRIES 5

typedef struct seg_entry {
    uint32_t id;
    uint32_t del_gen; /* 0: no deletion file */
    ud_segment *segment;
    uint8_t *deleted; /* malloc'd bitmap or NULL */
    bool dirty;       /* deletions changed since the last commit */
} seg_entry;

typedef struct manifest {
    uint64_t generation;
    uint32_t next_id;
    int64_t store_generation;
    char embedding[128]; /* "provider/model/dims", "" for none */
    seg_entry *segs;
    size_t count;
} manifest;

static void segment_path(char *out, size_t size, const char *dir, uint32_t id)
{
    snprintf(out, size, "%s/seg-%06" PRIu32 ".seg", dir, id);
}

static void deletion_path(char *out, size_t size, const char *dir, uint32_t id, uint32_t gen)
{
    snprintf(out, size, "%s/seg-%06" PRIu32 ".%" PRIu32 ".del", dir, id, gen);
}

static size_t bitmap_bytes(const ud_segment *segment)
{
    return (ud_segment_header(segment)->doc_count + 7) / 8;
}

static void manifest_dispose(manifest *m)
{
    for (size_t i = 0; i < m->count; i++) {
        ud_segment_free(m->segs[i].segment);
        free(m->segs[i].deleted);
    }
    free(m->segs);
    memset(m, 0, sizeof(*m));
}

/* ---- deletion files ------------------------------------------------------ */

static int read_deletions(uint8_t **out, const char *path, const ud_segment *segment)
{
    char *data = NULL;
    size_t len = 0;
    size_t bytes = bitmap_bytes(segment);
    int rc = ud_file_read(&data, &len, path, bytes + 32);
    if (rc < 0)
        return rc;
    uint32_t count;
    uint64_t checksum;
    if (len != 16 + bytes + 8 || memcmp(data, DEL_MAGIC, 8) != 0) {
        free(data);
        return ud_error_set(UD_ECORRUPT, "deletion file %s is damaged", path);
    }
    memcpy(&count, data + 8, 4);
    memcpy(&checksum, data + 16 + bytes, 8);
    if (count != ud_segment_header(segment)->doc_count ||
        checksum != ud_fnv1a64(data + 16, bytes, UD_FNV64_INIT)) {
        free(data);
        return ud_error_set(UD_ECORRUPT, "deletion file %s does not match its segment", path);
    }
    uint8_t *bits = ud_malloc(bytes ? bytes : 1);
    memcpy(bits, data + 16, bytes);
    free(data);
    *out = bits;
    return 0;
}

static int write_deletions(const char *path, const ud_segment *segment, const uint8_t *bits)
{
    size_t bytes = bitmap_bytes(segment);
    uint8_t *data = ud_calloc(1, 16 + bytes + 8);
    memcpy(data, DEL_MAGIC, 8);
    uint32_t count = ud_segment_header(segment)->doc_count;
    memcpy(data + 8, &count, 4);
    memcpy(data + 16, bits, bytes);
    uint64_t checksum = ud_fnv1a64(bits, bytes, UD_FNV64_INIT);
    memcpy(data + 16 + bytes, &checksum, 8);
    int rc = ud_file_write_atomic(path, data, 16 + bytes + 8);
    free(data);
    return rc;
}

/* ---- the manifest -------------------------------------------------------- */

/* Reads dir/MANIFEST into m and opens what it names. No manifest: empty. */
static int manifest_load(manifest *m, const char *dir)
{
    memset(m, 0, sizeof(*m));
    char path[4200];
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    char *text = NULL;
    size_t len = 0;
    int rc = ud_file_read(&text, &len, path, MAX_MANIFEST_BYTES);
    if (rc == UD_ENOTFOUND || (rc < 0 && !ud_path_exists(path))) {
        ud_error_clear();
        m->next_id = 1;
        return 0;
    }
    if (rc < 0)
        return rc;
    json_error_t error;
    json_t *root = json_loadb(text, len, 0, &error);
    free(text);
    json_t *segments = json_object_get(root, "segments");
    json_int_t format = json_integer_value(json_object_get(root, "format"));
    if (root && format > 0 && format < MANIFEST_FORMAT) {
        json_decref(root);
        return ud_error_set(UD_EUNSUPPORTED,
                            "the index in %s has an older format; run `unify reindex`", dir);
    }
    if (!root || format != MANIFEST_FORMAT || !json_is_array(segments)) {
        json_decref(root);
        return ud_error_set(UD_ECORRUPT, "%s is not a valid manifest", path);
    }
    const char *embedding = json_string_value(json_object_get(root, "embedding"));
    snprintf(m->embedding, sizeof(m->embedding), "%s", embedding ? embedding : "");
    m->generation = (uint64_t)json_integer_value(json_object_get(root, "generation"));
    m->next_id = (uint32_t)json_integer_value(json_object_get(root, "next_id"));
    m->store_generation = json_integer_value(json_object_get(root, "store_generation"));
    size_t count = json_array_size(segments);
    m->segs = ud_calloc(count ? count : 1, sizeof(seg_entry));
    for (size_t i = 0; i < count && rc == 0; i++) {
        json_t *item = json_array_get(segments, i);
        seg_entry *e = &m->segs[m->count];
        e->id = (uint32_t)json_integer_value(json_object_get(item, "id"));
        e->del_gen = (uint32_t)json_integer_value(json_object_get(item, "del_gen"));
        char file[4200];
        segment_path(file, sizeof(file), dir, e->id);
        rc = ud_segment_open(&e->segment, file);
        if (rc < 0)
            break;
        m->count++;
        if (e->del_gen) {
            deletion_path(file, sizeof(file), dir, e->id, e->del_gen);
            rc = read_deletions(&e->deleted, file, e->segment);
        }
    }
    json_decref(root);
    if (rc < 0)
        manifest_dispose(m);
    return rc;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return ud_error_set(UD_EIO, "cannot open %s", dir);
    int rc = fsync(fd) == 0 ? 0 : ud_error_set(UD_EIO, "cannot sync %s", dir);
    close(fd);
    return rc;
}

static int manifest_write(const manifest *m, const char *dir)
{
    json_t *segments = json_array();
    for (size_t i = 0; i < m->count; i++) {
        const seg_entry *e = &m->segs[i];
        json_array_append_new(segments,
                              json_pack("{s:I,s:I,s:I}", "id", (json_int_t)e->id, "del_gen",
                                        (json_int_t)e->del_gen, "docs",
                                        (json_int_t)ud_segment_header(e->segment)->doc_count));
    }
    json_t *root =
        json_pack("{s:i,s:I,s:I,s:I,s:s,s:o}", "format", MANIFEST_FORMAT, "generation",
                  (json_int_t)m->generation, "next_id", (json_int_t)m->next_id, "store_generation",
                  (json_int_t)m->store_generation, "embedding", m->embedding, "segments", segments);
    char *text = json_dumps(root, JSON_INDENT(1));
    json_decref(root);
    if (!text)
        return ud_error_set(UD_ENOMEM, "cannot encode the manifest");
    char path[4200];
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    int rc = ud_file_write_atomic(path, text, strlen(text));
    free(text);
    if (rc == 0)
        rc = fsync_dir(dir);
    return rc;
}

/* ---- snapshots ------------------------------------------------------------ */

struct ud_snapshot {
    atomic_int refs;
    manifest m;
    ud_segment_view *views;
    uint64_t live_docs;
};

int ud_snapshot_open(ud_snapshot **out, const char *dir)
{
    ud_snapshot *s = ud_calloc(1, sizeof(*s));
    int rc = 0;
    /* A writer may remove files of an older manifest between our reading
     * the manifest and opening them: read it again. */
    for (int attempt = 0; attempt < OPEN_RETRIES; attempt++) {
        rc = manifest_load(&s->m, dir);
        if (rc != UD_EIO)
            break;
    }
    if (rc < 0) {
        free(s);
        return rc;
    }
    s->views = ud_calloc(s->m.count ? s->m.count : 1, sizeof(ud_segment_view));
    for (size_t i = 0; i < s->m.count; i++) {
        ud_segment_view_init(&s->views[i], s->m.segs[i].segment, s->m.segs[i].deleted);
        s->live_docs += s->views[i].live_docs;
    }
    atomic_init(&s->refs, 1);
    *out = s;
    return 0;
}

void ud_snapshot_retain(ud_snapshot *s)
{
    atomic_fetch_add(&s->refs, 1);
}

void ud_snapshot_release(ud_snapshot *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    manifest_dispose(&s->m);
    free(s->views);
    free(s);
}

uint64_t ud_snapshot_generation(const ud_snapshot *s)
{
    return s->m.generation;
}

int64_t ud_snapshot_store_generation(const ud_snapshot *s)
{
    return s->m.store_generation;
}

const char *ud_snapshot_embedding(const ud_snapshot *s)
{
    return s->m.embedding;
}

uint64_t ud_snapshot_live_docs(const ud_snapshot *s)
{
    return s->live_docs;
}

const ud_segment_view *ud_snapshot_views(const ud_snapshot *s, size_t *out_count)
{
    *out_count = s->m.count;
    return s->views;
}

int ud_collection_current_generation(uint64_t *out, const char *dir)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    char *text = NULL;
    size_t len = 0;
    if (!ud_path_exists(path)) {
        *out = 0;
        return 0;
    }
    int rc = ud_file_read(&text, &len, path, MAX_MANIFEST_BYTES);
    if (rc < 0)
        return rc;
    json_t *root = json_loadb(text, len, 0, NULL);
    free(text);
    if (!root)
        return ud_error_set(UD_ECORRUPT, "%s is not a valid manifest", path);
    *out = (uint64_t)json_integer_value(json_object_get(root, "generation"));
    json_decref(root);
    return 0;
}

/* ---- the writer ------------------------------------------------------------ */

struct ud_collection_writer {
    char dir[4096];
    int lock_fd;
    ud_collection_writer_opts opts;
    manifest m; /* the committed segments plus the ones flushed since */
    size_t committed_count;
    ud_analyzer *analyzer;
    ud_segment_builder *builder;
    char **builder_ids; /* doc_id of each buffered chunk */
    uint8_t *builder_deleted;
    size_t builder_cap;
    bool changed;
    uint32_t vector_dims;
    uint32_t vector_format;
    char embedding[128];
};

static void remove_unreferenced(ud_collection_writer *w);

static uint32_t vector_format_of(ud_vector_storage storage)
{
    /* The default: see UD_VECTORS_DEFAULT in collection.h. */
    return storage == UD_VECTORS_FLOAT32 ? UD_SEG_VECTORS_F32 : UD_SEG_VECTORS_I8;
}

int ud_collection_writer_open(ud_collection_writer **out, const char *dir,
                              const ud_collection_writer_opts *opts)
{
    if (opts && (unsigned)opts->vector_storage > UD_VECTORS_INT8)
        return ud_error_set(UD_EINVAL, "unknown vector storage %d", (int)opts->vector_storage);
    int rc = ud_mkdirs(dir);
    if (rc < 0)
        return rc;
    char path[4200];
    snprintf(path, sizeof(path), "%s/LOCK", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return ud_error_set(UD_EIO, "cannot open %s", path);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return ud_error_set(UD_EAGAIN, "another process is writing to the index in %s", dir);
    }
    ud_collection_writer *w = ud_calloc(1, sizeof(*w));
    snprintf(w->dir, sizeof(w->dir), "%s", dir);
    w->lock_fd = fd;
    w->opts.max_segments = opts && opts->max_segments ? opts->max_segments : 8;
    w->opts.flush_memory_bytes =
        opts && opts->flush_memory_bytes ? opts->flush_memory_bytes : 64u << 20;
    w->vector_format = vector_format_of(opts ? opts->vector_storage : UD_VECTORS_DEFAULT);
    rc = manifest_load(&w->m, dir);
    if (rc == UD_EUNSUPPORTED) {
        /* An index of an older format: start afresh; the store generation
         * no store has makes the caller rebuild it. */
        ud_error_clear();
        memset(&w->m, 0, sizeof(w->m));
        w->m.next_id = 1;
        w->m.store_generation = -1;
        rc = 0;
    }
    if (rc == 0)
        rc = ud_analyzer_new(&w->analyzer);
    if (opts && opts->embedding && opts->vector_dims) {
        w->vector_dims = opts->vector_dims;
        snprintf(w->embedding, sizeof(w->embedding), "%s", opts->embedding);
    }
    /* Vectors of another kind cannot be mixed: the index must be rebuilt. */
    if (rc == 0 && w->m.count > 0 && strcmp(w->m.embedding, w->embedding) != 0)
        w->m.store_generation = -1;
    if (rc < 0) {
        close(fd);
        free(w);
        return rc;
    }
    w->committed_count = w->m.count;
    /* Files a crashed writer left behind are not in the manifest. */
    remove_unreferenced(w);
    *out = w;
    return 0;
}

static void drop_builder(ud_collection_writer *w)
{
    if (w->builder) {
        size_t n = ud_segment_builder_count(w->builder);
        for (size_t i = 0; i < n; i++)
            free(w->builder_ids[i]);
        ud_segment_builder_free(w->builder);
        w->builder = NULL;
    }
    free(w->builder_ids);
    free(w->builder_deleted);
    w->builder_ids = NULL;
    w->builder_deleted = NULL;
    w->builder_cap = 0;
}

/* Removes files no longer named by the committed manifest. Only the writer
 * does this, holding the lock. */
static void remove_unreferenced(ud_collection_writer *w)
{
    DIR *d = opendir(w->dir);
    if (!d)
        return;
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        const char *name = entry->d_name;
        if (strncmp(name, "seg-", 4) != 0)
            continue;
        bool keep = false;
        for (size_t i = 0; i < w->m.count && !keep; i++) {
            char mine[64];
            snprintf(mine, sizeof(mine), "seg-%06" PRIu32 ".seg", w->m.segs[i].id);
            keep = strcmp(name, mine) == 0;
            if (!keep && w->m.segs[i].del_gen) {
                snprintf(mine, sizeof(mine), "seg-%06" PRIu32 ".%" PRIu32 ".del", w->m.segs[i].id,
                         w->m.segs[i].del_gen);
                keep = strcmp(name, mine) == 0;
            }
        }
        if (!keep)
            unlinkat(dirfd(d), name, 0);
    }
    closedir(d);
}

void ud_collection_writer_close(ud_collection_writer *w)
{
    if (!w)
        return;
    drop_builder(w);
    /* Segments flushed but never committed are not named by the manifest. */
    manifest_dispose(&w->m);
    ud_analyzer_free(w->analyzer);
    close(w->lock_fd);
    free(w);
}

int64_t ud_collection_writer_store_generation(const ud_collection_writer *w)
{
    return w->m.store_generation;
}

size_t ud_collection_writer_segment_count(const ud_collection_writer *w)
{
    return w->m.count;
}

static void mark_deleted(seg_entry *e, uint32_t doc)
{
    if (!e->deleted)
        e->deleted = ud_calloc(1, bitmap_bytes(e->segment) ? bitmap_bytes(e->segment) : 1);
    if (!(e->deleted[doc >> 3] & (1u << (doc & 7)))) {
        e->deleted[doc >> 3] |= (uint8_t)(1u << (doc & 7));
        e->dirty = true;
    }
}

int ud_collection_writer_delete(ud_collection_writer *w, const char *doc_id)
{
    for (size_t i = 0; i < w->m.count; i++) {
        seg_entry *e = &w->m.segs[i];
        uint32_t docs[256];
        int found = ud_segment_find_document(e->segment, doc_id, docs, 256);
        if (found < 0)
            return found;
        if (found > 256) {
            /* More chunks than the buffer: mark in rounds. */
            uint32_t *all = ud_malloc((size_t)found * sizeof(uint32_t));
            found = ud_segment_find_document(e->segment, doc_id, all, (size_t)found);
            for (int k = 0; k < found; k++)
                mark_deleted(e, all[k]);
            free(all);
        } else {
            for (int k = 0; k < found; k++)
                mark_deleted(e, docs[k]);
        }
        if (found > 0)
            w->changed = true;
    }
    size_t n = w->builder ? ud_segment_builder_count(w->builder) : 0;
    for (size_t i = 0; i < n; i++)
        if (!w->builder_deleted[i] && strcmp(w->builder_ids[i], doc_id) == 0) {
            w->builder_deleted[i] = 1;
            w->changed = true;
        }
    return 0;
}

void ud_collection_writer_clear(ud_collection_writer *w)
{
    drop_builder(w);
    /* The committed segments stay open until the commit replaces them;
     * everything flushed since is dropped too. */
    for (size_t i = 0; i < w->m.count; i++) {
        ud_segment_free(w->m.segs[i].segment);
        free(w->m.segs[i].deleted);
    }
    w->m.count = 0;
    w->changed = true;
}

/* Writes the buffered chunks as a new (not yet committed) segment. */
static int flush(ud_collection_writer *w)
{
    if (!w->builder || ud_segment_builder_count(w->builder) == 0)
        return 0;
    uint32_t id = w->m.next_id++;
    char path[4200];
    segment_path(path, sizeof(path), w->dir, id);
    int rc = ud_segment_builder_write(w->builder, path);
    ud_segment *segment = NULL;
    if (rc == 0)
        rc = ud_segment_open(&segment, path);
    if (rc < 0)
        return rc;
    w->m.segs = ud_realloc(w->m.segs, (w->m.count + 1) * sizeof(seg_entry));
    seg_entry *e = &w->m.segs[w->m.count++];
    *e = (seg_entry){.id = id, .segment = segment};
    size_t n = ud_segment_builder_count(w->builder);
    for (size_t i = 0; i < n; i++)
        if (w->builder_deleted[i])
            mark_deleted(e, (uint32_t)i);
    drop_builder(w);
    return 0;
}

int ud_collection_writer_add(ud_collection_writer *w, const ud_index_doc *doc)
{
    if (doc->vector && !w->vector_dims)
        return ud_error_set(UD_EINVAL, "this index was opened without vectors");
    if (!w->builder) {
        int rc = ud_segment_builder_new(&w->builder, w->analyzer, w->vector_dims, w->vector_format);
        if (rc < 0)
            return rc;
    }
    size_t n = ud_segment_builder_count(w->builder);
    if (n == w->builder_cap) {
        w->builder_cap = w->builder_cap ? w->builder_cap * 2 : 256;
        w->builder_ids = ud_realloc(w->builder_ids, w->builder_cap * sizeof(char *));
        w->builder_deleted = ud_realloc(w->builder_deleted, w->builder_cap);
    }
    int rc = ud_segment_builder_add(w->builder, doc);
    if (rc < 0)
        return rc;
    w->builder_ids[n] = ud_strdup(doc->doc_id ? doc->doc_id : "");
    w->builder_deleted[n] = 0;
    w->changed = true;
    if (ud_segment_builder_memory(w->builder) > w->opts.flush_memory_bytes)
        return flush(w);
    return 0;
}

/* Writes deletion files and the manifest for the segments in w->m. */
static int write_commit(ud_collection_writer *w, int64_t store_generation)
{
    w->m.generation++;
    for (size_t i = 0; i < w->m.count; i++) {
        seg_entry *e = &w->m.segs[i];
        if (!e->dirty)
            continue;
        char path[4200];
        deletion_path(path, sizeof(path), w->dir, e->id, (uint32_t)w->m.generation);
        int rc = write_deletions(path, e->segment, e->deleted);
        if (rc < 0)
            return rc;
        e->del_gen = (uint32_t)w->m.generation;
        e->dirty = false;
    }
    w->m.store_generation = store_generation;
    snprintf(w->m.embedding, sizeof(w->m.embedding), "%s", w->embedding);
    int rc = manifest_write(&w->m, w->dir);
    if (rc < 0)
        return rc;
    w->committed_count = w->m.count;
    remove_unreferenced(w);
    return 0;
}

/* Rewrites every live chunk into one segment. Re-analysing the stored
 * fields is slower than merging postings but simple, and it drops deleted
 * chunks for good. */
static int merge_all(ud_collection_writer *w)
{
    ud_arena arena;
    ud_arena_init(&arena);
    int rc = ud_segment_builder_new(&w->builder, w->analyzer, w->vector_dims, w->vector_format);
    w->builder_cap = 0;
    for (size_t i = 0; i < w->m.count && rc == 0; i++) {
        seg_entry *e = &w->m.segs[i];
        uint32_t n = ud_segment_header(e->segment)->doc_count;
        for (uint32_t d = 0; d < n && rc == 0; d++) {
            if (e->deleted && (e->deleted[d >> 3] & (1u << (d & 7))))
                continue;
            ud_stored_doc s;
            rc = ud_segment_stored(&s, e->segment, &arena, d);
            if (rc < 0)
                break;
            ud_index_doc doc = {.doc_id = s.doc_id,
                                .chunk_index = s.chunk_index,
                                .title = s.title,
                                .text = s.text,
                                .source_type = s.source_type,
                                .url = s.url,
                                .path = s.path,
                                .heading_path = s.heading_path,
                                .author = s.author,
                                .updated_at = s.updated_at,
                                .acl = s.acl,
                                .acl_count = s.acl_count,
                                .vector = ud_segment_vector(e->segment, d)};
            size_t count = ud_segment_builder_count(w->builder);
            if (count == w->builder_cap) {
                w->builder_cap = w->builder_cap ? w->builder_cap * 2 : 256;
                w->builder_ids = ud_realloc(w->builder_ids, w->builder_cap * sizeof(char *));
                w->builder_deleted = ud_realloc(w->builder_deleted, w->builder_cap);
            }
            rc = ud_segment_builder_add(w->builder, &doc);
            if (rc == 0) {
                w->builder_ids[count] = ud_strdup(s.doc_id);
                w->builder_deleted[count] = 0;
            }
            if ((d & 1023) == 1023) {
                ud_arena_dispose(&arena);
                ud_arena_init(&arena);
            }
        }
    }
    ud_arena_dispose(&arena);
    if (rc < 0) {
        drop_builder(w);
        return rc;
    }
    /* The merged segment replaces all others in the next manifest. */
    manifest old = w->m;
    w->m.segs = NULL;
    w->m.count = 0;
    rc = flush(w);
    for (size_t i = 0; i < old.count; i++) {
        ud_segment_free(old.segs[i].segment);
        free(old.segs[i].deleted);
    }
    free(old.segs);
    return rc;
}

int ud_collection_writer_commit(ud_collection_writer *w, int64_t store_generation)
{
    int rc = flush(w);
    if (rc < 0)
        return rc;
    if (!w->changed && store_generation == w->m.store_generation && w->m.generation > 0)
        return 0;
    rc = write_commit(w, store_generation);
    if (rc < 0)
        return rc;
    w->changed = false;
    if (w->m.count > w->opts.max_segments) {
        rc = merge_all(w);
        if (rc == 0)
            rc = write_commit(w, store_generation);
    }
    return rc;
}
