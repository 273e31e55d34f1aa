/*
 * Collections: manifest, snapshots for readers and their publication per
 * directory, the single writer with its commit protocol and merge policy
 * (see collection.h).
 */
#include "index/collection.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fs.h"
#include "base/mem.h"
#include "index/manifest.h"
#include "index/path.h"
#include "index/segment_writer.h"

#define OPEN_RETRIES 5

typedef struct seg_entry {
    uint32_t id;
    uint32_t del_gen; /* 0: no deletion file */
    uint32_t doc_count;
    ud_segment *segment; /* a reference; NULL in a writer's list of committed entries */
    uint8_t *deleted;    /* malloc'd bitmap or NULL */
    bool dirty;          /* deletions changed since the last commit */
} seg_entry;

typedef struct manifest {
    uint64_t generation;
    uint32_t next_id;
    int64_t store_generation;
    char embedding[128]; /* "provider/model/dims", "" for none */
    seg_entry *segs;
    size_t count;
    bool checksummed; /* read from a manifest with a checksum (or none yet) */
} manifest;

static int segment_path(char *out, size_t size, const char *dir, uint32_t id)
{
    return ud_index_path(out, size, "%s/seg-%06" PRIu32 ".seg", dir, id);
}

static int deletion_path(char *out, size_t size, const char *dir, uint32_t id, uint32_t gen)
{
    return ud_index_path(out, size, "%s/seg-%06" PRIu32 ".%" PRIu32 ".del", dir, id, gen);
}

static int manifest_path(char *out, size_t size, const char *dir)
{
    return ud_index_path(out, size, "%s/MANIFEST", dir);
}

static size_t bitmap_bytes(uint32_t doc_count)
{
    return ud_deletions_bitmap_bytes(doc_count);
}

static uint8_t *bitmap_copy(const uint8_t *bits, uint32_t doc_count)
{
    if (!bits)
        return NULL;
    size_t bytes = bitmap_bytes(doc_count);
    uint8_t *copy = ud_malloc(bytes ? bytes : 1);
    memcpy(copy, bits, bytes);
    return copy;
}

static void entry_dispose(seg_entry *e)
{
    ud_segment_free(e->segment);
    free(e->deleted);
    memset(e, 0, sizeof(*e));
}

static void manifest_dispose(manifest *m)
{
    for (size_t i = 0; i < m->count; i++)
        entry_dispose(&m->segs[i]);
    free(m->segs);
    memset(m, 0, sizeof(*m));
}

/* ---- deletion files ------------------------------------------------------ */

static int read_deletions(uint8_t **out, const char *path, uint32_t doc_count)
{
    char *data = NULL;
    size_t len = 0;
    int rc = ud_file_read(&data, &len, path, bitmap_bytes(doc_count) + 32);
    if (rc == UD_ELIMIT)
        rc = ud_error_set(UD_ECORRUPT, "deletion file %s is damaged: too long", path);
    if (rc == 0)
        rc = ud_deletions_parse(out, data, len, doc_count, path);
    free(data);
    return rc;
}

static int write_deletions(const char *path, uint32_t count, const uint8_t *bits)
{
    size_t len = 0;
    uint8_t *data = ud_deletions_encode(bits, count, &len);
    int rc = ud_file_write_atomic(path, data, len);
    free(data);
    return rc;
}

/* ---- the manifest -------------------------------------------------------- */

/* Which MANIFEST file a snapshot was read from. Commits replace the file
 * by a rename, so a new commit is a new inode; and a snapshot keeps its
 * manifest open, so that inode's number is not given to a later file
 * while the snapshot lives. Size and mtime are compared too, for a file
 * replaced by other means. */
typedef struct manifest_sig {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} manifest_sig;

static manifest_sig sig_of(const struct stat *st)
{
    return (manifest_sig){true, st->st_dev, st->st_ino, st->st_size, st->st_mtim};
}

static bool sig_equal(const manifest_sig *a, const manifest_sig *b)
{
    if (a->exists != b->exists)
        return false;
    return !a->exists ||
           (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
            a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec);
}

/* The signature of the manifest at path now (one stat, no read). */
static manifest_sig sig_now(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return (manifest_sig){.exists = false};
    return sig_of(&st);
}

/* Opens the manifest at path: *out_fd, or -1 when there is none. */
static int manifest_open(int *out_fd, manifest_sig *out_sig, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        *out_fd = -1;
        *out_sig = (manifest_sig){.exists = false};
        return 0;
    }
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        if (fd >= 0)
            close(fd);
        return ud_error_set(UD_EIO, "cannot open %s", path);
    }
    *out_fd = fd;
    *out_sig = sig_of(&st);
    return 0;
}

/* The bytes of an open manifest (malloc'd, NUL-terminated). */
static int manifest_read(char **out, size_t *out_len, int fd, const char *path)
{
    size_t cap = 4096, len = 0;
    char *text = ud_malloc(cap + 1);
    for (;;) {
        if (len == cap) {
            if (cap > UD_MANIFEST_MAX_BYTES) {
                free(text);
                return ud_error_set(UD_ECORRUPT, "manifest %s is damaged: too long", path);
            }
            cap *= 2;
            text = ud_realloc(text, cap + 1);
        }
        ssize_t got = pread(fd, text + len, cap - len, (off_t)len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            free(text);
            return ud_error_set(UD_EIO, "cannot read %s", path);
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    text[len] = '\0';
    *out = text;
    *out_len = len;
    return 0;
}

/* An open segment of `previous` with this id, still the file at path, or
 * NULL. */
static seg_entry *reusable(const manifest *previous, uint32_t id, const char *path)
{
    for (size_t i = 0; previous && i < previous->count; i++) {
        seg_entry *e = &previous->segs[i];
        if (e->id == id && e->segment && ud_segment_is_file(e->segment, path))
            return e;
    }
    return NULL;
}

/* Fills m from the manifest open at fd (-1: none, an empty collection) and
 * opens what it names, sharing the segments and bitmaps `previous` (may be
 * NULL) has open already: after a commit only its new files are read. */
static int manifest_load(manifest *m, const char *dir, int fd, const char *path,
                         const manifest *previous)
{
    memset(m, 0, sizeof(*m));
    m->checksummed = true;
    if (fd < 0) {
        m->next_id = 1;
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    int rc = manifest_read(&text, &len, fd, path);
    ud_manifest parsed = {0};
    if (rc == 0)
        rc = ud_manifest_parse(&parsed, text, len, path);
    free(text);
    if (rc < 0)
        return rc;
    memcpy(m->embedding, parsed.embedding, sizeof(m->embedding));
    m->generation = parsed.generation;
    m->next_id = parsed.next_id;
    m->store_generation = parsed.store_generation;
    m->checksummed = parsed.checksummed;
    m->segs = ud_calloc(parsed.count ? parsed.count : 1, sizeof(seg_entry));
    for (size_t i = 0; i < parsed.count && rc == 0; i++) {
        const ud_manifest_entry *entry = &parsed.entries[i];
        seg_entry *e = &m->segs[m->count];
        e->id = entry->id;
        e->del_gen = entry->del_gen;
        char file[UD_INDEX_PATH_MAX];
        rc = segment_path(file, sizeof(file), dir, e->id);
        if (rc < 0)
            break;
        const seg_entry *old = reusable(previous, e->id, file);
        if (old) {
            ud_segment_retain(old->segment);
            e->segment = old->segment;
        } else {
            rc = ud_segment_open(&e->segment, file);
            if (rc < 0)
                break;
        }
        e->doc_count = ud_segment_header(e->segment)->doc_count;
        m->count++;
        if (e->doc_count != entry->doc_count) {
            rc = ud_error_set(UD_ECORRUPT,
                              "manifest %s is damaged: it gives %" PRIu32
                              " chunks to %s, which holds %" PRIu32,
                              path, entry->doc_count, file, e->doc_count);
            break;
        }
        if (!e->del_gen)
            continue;
        if (old && old->del_gen == e->del_gen) {
            e->deleted = bitmap_copy(old->deleted, e->doc_count);
            continue;
        }
        rc = deletion_path(file, sizeof(file), dir, e->id, e->del_gen);
        if (rc == 0)
            rc = read_deletions(&e->deleted, file, e->doc_count);
    }
    ud_manifest_dispose(&parsed);
    if (rc < 0)
        manifest_dispose(m);
    return rc;
}

/* Reads dir's manifest into m (the writer's way: no snapshot kept). */
static int manifest_load_dir(manifest *m, const char *dir)
{
    char path[UD_INDEX_PATH_MAX];
    int fd = -1;
    manifest_sig sig;
    int rc = manifest_path(path, sizeof(path), dir);
    if (rc == 0)
        rc = manifest_open(&fd, &sig, path);
    if (rc == 0)
        rc = manifest_load(m, dir, fd, path, NULL);
    if (fd >= 0)
        close(fd);
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
    char path[UD_INDEX_PATH_MAX];
    int rc = manifest_path(path, sizeof(path), dir);
    if (rc < 0)
        return rc;
    ud_manifest out = {.generation = m->generation,
                       .next_id = m->next_id,
                       .store_generation = m->store_generation,
                       .count = m->count};
    memcpy(out.embedding, m->embedding, sizeof(out.embedding));
    out.entries = ud_calloc(m->count ? m->count : 1, sizeof(ud_manifest_entry));
    for (size_t i = 0; i < m->count; i++)
        out.entries[i] =
            (ud_manifest_entry){m->segs[i].id, m->segs[i].del_gen, m->segs[i].doc_count};
    size_t len = 0;
    char *text = ud_manifest_encode(&out, &len);
    ud_manifest_dispose(&out);
    rc = ud_file_write_atomic(path, text, len);
    free(text);
    if (rc == 0)
        rc = fsync_dir(dir);
    return rc;
}

/* ---- snapshots ------------------------------------------------------------ */

struct ud_snapshot {
    atomic_int refs;
    manifest m; /* its segments are references of the snapshot's own */
    ud_segment_view *views;
    uint64_t live_docs;
    /* What each recent principal set may read here (visible.h): a
     * snapshot is one generation, so this is the cache per generation. */
    ud_visible_cache *visible;
    manifest_sig sig; /* the manifest it was read from */
    int manifest_fd;  /* held open (see manifest_sig); -1 without one */
};

/* Wraps a loaded manifest (taken over) and the manifest it came from. */
static ud_snapshot *snapshot_make(manifest *m, int manifest_fd, manifest_sig sig)
{
    ud_snapshot *s = ud_calloc(1, sizeof(*s));
    s->m = *m;
    memset(m, 0, sizeof(*m));
    s->views = ud_calloc(s->m.count ? s->m.count : 1, sizeof(ud_segment_view));
    for (size_t i = 0; i < s->m.count; i++) {
        ud_segment_view_init(&s->views[i], s->m.segs[i].segment, s->m.segs[i].deleted);
        s->live_docs += s->views[i].live_docs;
    }
    ud_visible_cache_new(&s->visible);
    s->sig = sig;
    s->manifest_fd = manifest_fd;
    atomic_init(&s->refs, 1);
    return s;
}

/* Opens the last commit in dir, sharing what `previous` (may be NULL) has
 * open. */
static int snapshot_load(ud_snapshot **out, const char *dir, const ud_snapshot *previous)
{
    char path[UD_INDEX_PATH_MAX];
    int rc = manifest_path(path, sizeof(path), dir);
    if (rc < 0)
        return rc;
    /* A writer may remove files of an older manifest between our opening
     * the manifest and opening them: read it again. */
    for (int attempt = 0; attempt < OPEN_RETRIES; attempt++) {
        int fd = -1;
        manifest_sig sig;
        manifest m;
        rc = manifest_open(&fd, &sig, path);
        if (rc == 0)
            rc = manifest_load(&m, dir, fd, path, previous ? &previous->m : NULL);
        if (rc == 0) {
            *out = snapshot_make(&m, fd, sig);
            return 0;
        }
        if (fd >= 0)
            close(fd);
        if (rc != UD_EIO)
            break;
    }
    return rc;
}

int ud_snapshot_open(ud_snapshot **out, const char *dir)
{
    return snapshot_load(out, dir, NULL);
}

void ud_snapshot_retain(ud_snapshot *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void ud_snapshot_release(ud_snapshot *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    ud_visible_cache_free(s->visible);
    manifest_dispose(&s->m);
    free(s->views);
    if (s->manifest_fd >= 0)
        close(s->manifest_fd);
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

bool ud_snapshot_manifest_checksummed(const ud_snapshot *s)
{
    return s->m.checksummed;
}

const ud_segment_view *ud_snapshot_views(const ud_snapshot *s, size_t *out_count)
{
    *out_count = s->m.count;
    return s->views;
}

int ud_snapshot_visible(ud_visible **out, ud_snapshot *s, const char *const *principals,
                        size_t principal_count)
{
    return ud_visible_cache_get(out, s->visible, s->views, s->m.count, principals, principal_count);
}

/* ---- collections: the published snapshot ---------------------------------- */

struct ud_collection {
    char dir[UD_INDEX_PATH_MAX];
    char manifest[UD_INDEX_PATH_MAX];
    /* Held only to copy `current` and take a reference, or to swap it: a
     * search never waits on a file read here. */
    pthread_mutex_t current_lock;
    ud_snapshot *current; /* NULL until the first search */
    /* One load or publication at a time; a publication always comes from
     * a manifest read (or written) while holding it, so what is published
     * is never older than what it replaces. */
    pthread_mutex_t reload_lock;
    atomic_uint_fast64_t reads; /* manifests read by searches of this handle */
    /* Shared handles only (registry below); guarded by registry_lock. */
    bool shared;
    int refs;
    ud_collection *next;
};

/* The shared handle of each directory this process searches: a writer of
 * the same process finds it here to publish its commits, so neither needs
 * the other's address. It holds nothing but mappings of files, which are
 * the process's anyway. Guarded by registry_lock, which is taken to find
 * or drop a handle (once per organization and searcher) and at commits,
 * never by a search. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static ud_collection *registry;

static int collection_new(ud_collection **out, const char *dir)
{
    ud_collection *c = ud_calloc(1, sizeof(*c));
    int rc = ud_index_path(c->dir, sizeof(c->dir), "%s", dir);
    if (rc == 0)
        rc = manifest_path(c->manifest, sizeof(c->manifest), dir);
    if (rc < 0) {
        free(c);
        return rc;
    }
    pthread_mutex_init(&c->current_lock, NULL);
    pthread_mutex_init(&c->reload_lock, NULL);
    *out = c;
    return 0;
}

static void collection_free(ud_collection *c)
{
    ud_snapshot_release(c->current);
    pthread_mutex_destroy(&c->current_lock);
    pthread_mutex_destroy(&c->reload_lock);
    free(c);
}

int ud_collection_open(ud_collection **out, const char *dir)
{
    return collection_new(out, dir);
}

int ud_collection_shared(ud_collection **out, const char *dir)
{
    pthread_mutex_lock(&registry_lock);
    ud_collection *c = registry;
    while (c && strcmp(c->dir, dir) != 0)
        c = c->next;
    int rc = 0;
    if (!c) {
        rc = collection_new(&c, dir);
        if (rc == 0) {
            c->shared = true;
            c->next = registry;
            registry = c;
        }
    }
    if (rc == 0) {
        c->refs++;
        *out = c;
    }
    pthread_mutex_unlock(&registry_lock);
    return rc;
}

void ud_collection_release(ud_collection *c)
{
    if (!c)
        return;
    if (c->shared) {
        pthread_mutex_lock(&registry_lock);
        bool last = --c->refs == 0;
        if (last) {
            ud_collection **at = &registry;
            while (*at != c)
                at = &(*at)->next;
            *at = c->next;
        }
        pthread_mutex_unlock(&registry_lock);
        if (!last)
            return;
    }
    collection_free(c);
}

uint64_t ud_collection_reads(const ud_collection *c)
{
    return atomic_load_explicit(&c->reads, memory_order_relaxed);
}

/* c->current with a reference for the caller (NULL if none yet). */
static ud_snapshot *current_retained(ud_collection *c)
{
    pthread_mutex_lock(&c->current_lock);
    ud_snapshot *s = c->current;
    if (s)
        ud_snapshot_retain(s);
    pthread_mutex_unlock(&c->current_lock);
    return s;
}

/* Makes fresh (taken over) the current snapshot (c->reload_lock held). */
static void publish(ud_collection *c, ud_snapshot *fresh)
{
    pthread_mutex_lock(&c->current_lock);
    ud_snapshot *old = c->current;
    c->current = fresh;
    pthread_mutex_unlock(&c->current_lock);
    /* Searches that still hold the old one keep it (and its mappings)
     * until they release it. */
    ud_snapshot_release(old);
}

int ud_collection_snapshot(ud_snapshot **out, ud_collection *c)
{
    ud_snapshot *s = current_retained(c);
    /* The one check per search that another process has not committed
     * since: a stat, not a read. */
    manifest_sig now = sig_now(c->manifest);
    if (s && sig_equal(&s->sig, &now)) {
        *out = s;
        return 0;
    }
    pthread_mutex_lock(&c->reload_lock);
    /* Another search (or the writer) may have published it meanwhile. */
    ud_snapshot *latest = current_retained(c);
    ud_snapshot_release(s);
    int rc = 0;
    if (latest && sig_equal(&latest->sig, &now)) {
        s = latest;
    } else {
        ud_snapshot *fresh = NULL;
        atomic_fetch_add_explicit(&c->reads, 1, memory_order_relaxed);
        rc = snapshot_load(&fresh, c->dir, latest);
        ud_snapshot_release(latest);
        if (rc == 0) {
            ud_snapshot_retain(fresh);
            publish(c, fresh);
            s = fresh;
        }
    }
    pthread_mutex_unlock(&c->reload_lock);
    if (rc < 0)
        return rc;
    *out = s;
    return 0;
}

/* ---- the writer ------------------------------------------------------------ */

/* A merge the background thread works on: private handles on the source
 * segments and their deletions as committed when it started, so that it
 * needs no lock while it reads them. */
typedef struct merge_job {
    uint32_t out_id;
    size_t count;
    uint32_t *ids;
    ud_segment **segments;
    uint8_t **deleted; /* committed bitmaps at the start (copies), NULL = none */
    ud_segment *merged;
} merge_job;

struct ud_collection_writer {
    char dir[UD_INDEX_PATH_MAX];
    int lock_fd;
    ud_collection_writer_opts opts;
    uint32_t vector_format;
    uint32_t vector_dims;
    char embedding[128];
    /* Used by the caller's thread only. */
    ud_analyzer *analyzer;
    ud_segment_builder *builder;
    char **builder_ids; /* doc_id of each buffered chunk */
    uint8_t *builder_deleted;
    size_t builder_cap;
    /* `lock` guards everything below: the caller's thread holds it in every
     * call, the merge thread while it plans a merge and while it installs
     * one, never while it reads and writes segments. */
    pthread_mutex_t lock;
    pthread_cond_t merge_idle;
    manifest work;      /* committed segments plus the ones flushed since */
    manifest committed; /* what MANIFEST names: no segments open, bitmaps */
    bool changed;
    bool merging;        /* the merge thread runs */
    bool merge_joinable; /* it ran and has not been joined */
    bool stop_merging;   /* closing: finish the current merge, start none */
    pthread_t merge_thread;
    uint32_t merge_out_id; /* the segment a merge is writing, 0 if none */
    int merge_rc;          /* the last failed merge's code, until reported */
    char merge_error[256];
};

static void remove_unreferenced(ud_collection_writer *w);
static ssize_t find_entry(const manifest *m, uint32_t id);

static bool is_deleted(const uint8_t *bits, uint32_t doc)
{
    return bits && (bits[doc >> 3] >> (doc & 7)) & 1;
}

/* The committed view of work's entries: ids, deletion generations and
 * copies of the bitmaps, no segments. */
static void copy_committed(manifest *out, const manifest *work)
{
    *out = *work;
    out->segs = ud_calloc(work->count ? work->count : 1, sizeof(seg_entry));
    for (size_t i = 0; i < work->count; i++) {
        const seg_entry *e = &work->segs[i];
        out->segs[i] = (seg_entry){.id = e->id,
                                   .del_gen = e->del_gen,
                                   .doc_count = e->doc_count,
                                   .deleted = bitmap_copy(e->deleted, e->doc_count)};
    }
}

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
    char path[UD_INDEX_PATH_MAX];
    /* Every file name is checked when it is made; the longest of them
     * (a deletion file's) must fit too, or a commit would fail late. */
    int rc = ud_index_path(path, sizeof(path), "%s/seg-%06" PRIu32 ".%" PRIu32 ".del.tmp", dir,
                           UINT32_MAX, UINT32_MAX);
    if (rc == 0)
        rc = ud_index_path(path, sizeof(path), "%s/LOCK", dir);
    if (rc == 0)
        rc = ud_mkdirs(dir);
    if (rc < 0)
        return rc;
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
    if (opts)
        w->opts = *opts;
    w->opts.max_segments = opts && opts->max_segments ? opts->max_segments : 8;
    w->opts.flush_memory_bytes =
        opts && opts->flush_memory_bytes ? opts->flush_memory_bytes : 64u << 20;
    w->vector_format = vector_format_of(w->opts.vector_storage);
    rc = manifest_load_dir(&w->work, dir);
    if (rc == UD_EUNSUPPORTED || rc == UD_ECORRUPT) {
        /* An index of an older format, or a damaged one (searches and
         * `unify check` name the file): start afresh; the store generation
         * no store has makes the caller rebuild it from the store, which
         * holds everything the index does. */
        ud_error_clear();
        memset(&w->work, 0, sizeof(w->work));
        w->work.next_id = 1;
        w->work.store_generation = -1;
        rc = 0;
    }
    if (rc == 0)
        rc = ud_analyzer_new(&w->analyzer);
    if (opts && opts->embedding && opts->vector_dims) {
        w->vector_dims = opts->vector_dims;
        snprintf(w->embedding, sizeof(w->embedding), "%s", opts->embedding);
    }
    /* Vectors of another kind cannot be mixed: the index must be rebuilt. */
    if (rc == 0 && w->work.count > 0 && strcmp(w->work.embedding, w->embedding) != 0)
        w->work.store_generation = -1;
    if (rc < 0) {
        manifest_dispose(&w->work);
        close(fd);
        free(w);
        return rc;
    }
    w->opts.embedding = NULL; /* borrowed by the caller: copied above */
    copy_committed(&w->committed, &w->work);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->merge_idle, NULL);
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

static bool names_entry(const char *name, const manifest *m)
{
    for (size_t i = 0; i < m->count; i++) {
        char mine[64];
        snprintf(mine, sizeof(mine), "seg-%06" PRIu32 ".seg", m->segs[i].id);
        if (strcmp(name, mine) == 0)
            return true;
        if (m->segs[i].del_gen) {
            snprintf(mine, sizeof(mine), "seg-%06" PRIu32 ".%" PRIu32 ".del", m->segs[i].id,
                     m->segs[i].del_gen);
            if (strcmp(name, mine) == 0)
                return true;
        }
    }
    return false;
}

/* Removes files that neither the committed manifest nor the writer's
 * uncommitted segments nor a running merge use. Only the writer does this,
 * holding the collection's lock (and w->lock once the writer is open). */
static void remove_unreferenced(ud_collection_writer *w)
{
    DIR *d = opendir(w->dir);
    if (!d)
        return;
    char merging[64] = "";
    if (w->merge_out_id)
        snprintf(merging, sizeof(merging), "seg-%06" PRIu32 ".seg", w->merge_out_id);
    struct dirent *entry;
    while ((entry = readdir(d)) != NULL) {
        const char *name = entry->d_name;
        if (strncmp(name, "seg-", 4) != 0)
            continue;
        /* The merge's output, while written (.tmp) and once renamed. */
        if (merging[0] && strncmp(name, merging, strlen(merging)) == 0)
            continue;
        if (!names_entry(name, &w->committed) && !names_entry(name, &w->work))
            unlinkat(dirfd(d), name, 0);
    }
    closedir(d);
}

/* Waits for the merge thread to end; returns (and forgets) the code of the
 * last merge that failed, with its message in `message`. */
static int wait_idle(ud_collection_writer *w, char *message, size_t size)
{
    pthread_mutex_lock(&w->lock);
    while (w->merging)
        pthread_cond_wait(&w->merge_idle, &w->lock);
    bool join = w->merge_joinable;
    w->merge_joinable = false;
    int rc = w->merge_rc;
    w->merge_rc = 0;
    snprintf(message, size, "%s", w->merge_error);
    pthread_mutex_unlock(&w->lock);
    if (join)
        pthread_join(w->merge_thread, NULL);
    return rc;
}

int ud_collection_writer_wait_merges(ud_collection_writer *w)
{
    char message[sizeof(w->merge_error)];
    int rc = wait_idle(w, message, sizeof(message));
    return rc < 0 ? ud_error_set(rc, "%s", message) : 0;
}

void ud_collection_writer_close(ud_collection_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop_merging = true;
    pthread_mutex_unlock(&w->lock);
    /* A merge that fails here leaves the segments as they were. */
    char message[sizeof(w->merge_error)];
    wait_idle(w, message, sizeof(message));
    drop_builder(w);
    /* Segments flushed but never committed are not named by the manifest. */
    manifest_dispose(&w->work);
    manifest_dispose(&w->committed);
    ud_analyzer_free(w->analyzer);
    pthread_cond_destroy(&w->merge_idle);
    pthread_mutex_destroy(&w->lock);
    close(w->lock_fd);
    free(w);
}

int64_t ud_collection_writer_store_generation(const ud_collection_writer *w)
{
    return w->work.store_generation;
}

size_t ud_collection_writer_segment_count(ud_collection_writer *w)
{
    pthread_mutex_lock(&w->lock);
    size_t n = w->work.count;
    pthread_mutex_unlock(&w->lock);
    return n;
}

static void mark_deleted(seg_entry *e, uint32_t doc)
{
    if (!e->deleted)
        e->deleted = ud_calloc(1, bitmap_bytes(e->doc_count) ? bitmap_bytes(e->doc_count) : 1);
    if (!(e->deleted[doc >> 3] & (1u << (doc & 7)))) {
        e->deleted[doc >> 3] |= (uint8_t)(1u << (doc & 7));
        e->dirty = true;
    }
}

static int delete_locked(ud_collection_writer *w, const char *doc_id)
{
    for (size_t i = 0; i < w->work.count; i++) {
        seg_entry *e = &w->work.segs[i];
        uint32_t docs[256];
        int found = ud_segment_find_document(e->segment, doc_id, docs, 256);
        if (found < 0)
            return found;
        if (found > 256) {
            /* More chunks than the buffer: ask again with room for all. */
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

int ud_collection_writer_delete(ud_collection_writer *w, const char *doc_id)
{
    pthread_mutex_lock(&w->lock);
    int rc = delete_locked(w, doc_id);
    pthread_mutex_unlock(&w->lock);
    return rc;
}

void ud_collection_writer_clear(ud_collection_writer *w)
{
    pthread_mutex_lock(&w->lock);
    drop_builder(w);
    /* The committed files stay until the commit replaces them; everything
     * flushed since is dropped too. A running merge finds its sources gone
     * and is abandoned. */
    for (size_t i = 0; i < w->work.count; i++)
        entry_dispose(&w->work.segs[i]);
    w->work.count = 0;
    w->changed = true;
    pthread_mutex_unlock(&w->lock);
}

/* Writes the buffered chunks as a new (not yet committed) segment. */
static int flush(ud_collection_writer *w)
{
    if (!w->builder || ud_segment_builder_count(w->builder) == 0)
        return 0;
    char path[UD_INDEX_PATH_MAX];
    int rc = segment_path(path, sizeof(path), w->dir, w->work.next_id);
    if (rc < 0)
        return rc;
    uint32_t id = w->work.next_id++;
    rc = ud_segment_builder_write(w->builder, path);
    ud_segment *segment = NULL;
    if (rc == 0)
        rc = ud_segment_open(&segment, path);
    if (rc < 0)
        return rc;
    w->work.segs = ud_realloc(w->work.segs, (w->work.count + 1) * sizeof(seg_entry));
    seg_entry *e = &w->work.segs[w->work.count++];
    *e = (seg_entry){
        .id = id, .doc_count = ud_segment_header(segment)->doc_count, .segment = segment};
    size_t n = ud_segment_builder_count(w->builder);
    for (size_t i = 0; i < n; i++)
        if (w->builder_deleted[i])
            mark_deleted(e, (uint32_t)i);
    drop_builder(w);
    return 0;
}

static int add_locked(ud_collection_writer *w, const ud_index_doc *doc)
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

int ud_collection_writer_add(ud_collection_writer *w, const ud_index_doc *doc)
{
    pthread_mutex_lock(&w->lock);
    int rc = add_locked(w, doc);
    pthread_mutex_unlock(&w->lock);
    return rc;
}

/* The segments of the committed entries (w->lock held): the writer's own
 * handles, else those of the published snapshot, else opened. */
static int assemble_committed(manifest *out, ud_collection_writer *w, const ud_snapshot *published)
{
    copy_committed(out, &w->committed);
    out->checksummed = true;
    int rc = 0;
    for (size_t i = 0; i < out->count && rc == 0; i++) {
        seg_entry *e = &out->segs[i];
        ssize_t mine = find_entry(&w->work, e->id);
        char path[UD_INDEX_PATH_MAX];
        rc = segment_path(path, sizeof(path), w->dir, e->id);
        const seg_entry *old = NULL;
        if (rc == 0 && mine >= 0 && w->work.segs[mine].segment) {
            e->segment = w->work.segs[mine].segment;
            ud_segment_retain(e->segment);
        } else if (rc == 0 && (old = reusable(published ? &published->m : NULL, e->id, path))) {
            e->segment = old->segment;
            ud_segment_retain(e->segment);
        } else if (rc == 0) {
            rc = ud_segment_open(&e->segment, path);
        }
    }
    if (rc < 0)
        manifest_dispose(out);
    return rc;
}

/* Hands the commit just written (w->lock held) to the searchers of this
 * process, if the directory has any (a shared handle): they get it
 * without reading a file, from the writer's own open segments. Best
 * effort: if it fails, their next search finds the manifest changed and
 * reads it. */
static void publish_commit(ud_collection_writer *w)
{
    pthread_mutex_lock(&registry_lock);
    ud_collection *c = registry;
    while (c && strcmp(c->dir, w->dir) != 0)
        c = c->next;
    if (c)
        c->refs++;
    pthread_mutex_unlock(&registry_lock);
    if (!c)
        return;
    pthread_mutex_lock(&c->reload_lock);
    ud_snapshot *published = current_retained(c);
    int fd = -1;
    manifest_sig sig;
    manifest m;
    int rc = manifest_open(&fd, &sig, c->manifest);
    if (rc == 0 && fd >= 0 && assemble_committed(&m, w, published) == 0)
        publish(c, snapshot_make(&m, fd, sig));
    else if (fd >= 0)
        close(fd);
    ud_error_clear();
    ud_snapshot_release(published);
    pthread_mutex_unlock(&c->reload_lock);
    ud_collection_release(c);
}

/* Makes work the committed state: deletion files for the entries whose
 * deletions changed, then the manifest. On failure nothing changes. */
static int write_commit(ud_collection_writer *w, int64_t store_generation)
{
    uint32_t generation = (uint32_t)w->committed.generation + 1;
    manifest next;
    copy_committed(&next, &w->work);
    next.generation = generation;
    next.store_generation = store_generation;
    snprintf(next.embedding, sizeof(next.embedding), "%s", w->embedding);
    int rc = 0;
    for (size_t i = 0; i < w->work.count && rc == 0; i++) {
        const seg_entry *e = &w->work.segs[i];
        if (!e->dirty)
            continue;
        char path[UD_INDEX_PATH_MAX];
        rc = deletion_path(path, sizeof(path), w->dir, e->id, generation);
        if (rc == 0)
            rc = write_deletions(path, e->doc_count, e->deleted);
        next.segs[i].del_gen = generation;
    }
    if (rc == 0)
        rc = manifest_write(&next, w->dir);
    if (rc < 0) {
        manifest_dispose(&next);
        return rc;
    }
    for (size_t i = 0; i < w->work.count; i++) {
        seg_entry *e = &w->work.segs[i];
        if (e->dirty)
            e->del_gen = generation;
        e->dirty = false;
    }
    w->work.generation = generation;
    w->work.store_generation = store_generation;
    snprintf(w->work.embedding, sizeof(w->work.embedding), "%s", w->embedding);
    manifest_dispose(&w->committed);
    w->committed = next;
    publish_commit(w);
    remove_unreferenced(w);
    return 0;
}

/* ---- merges ----------------------------------------------------------------- */

static uint64_t live_count(const seg_entry *e)
{
    uint64_t live = e->doc_count;
    if (e->deleted)
        for (uint32_t d = 0; d < e->doc_count; d++)
            live -= is_deleted(e->deleted, d);
    return live;
}

typedef struct by_live {
    uint64_t live;
    size_t index;
} by_live;

static int compare_live(const void *a, const void *b)
{
    const by_live *x = a, *y = b;
    if (x->live != y->live)
        return x->live < y->live ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The merge policy, over committed segments only (flushed ones may still
 * be dropped): when there are more than max_segments, merge the smallest
 * (by live chunks) into one so that about max_segments / 2 remain. Small
 * segments are merged often and large ones rarely, so the work stays close
 * to linear in what is added. NULL when there is nothing to merge. */
static merge_job *plan_merge(ud_collection_writer *w)
{
    const manifest *c = &w->committed;
    if (w->stop_merging || c->count <= w->opts.max_segments)
        return NULL;
    size_t take = c->count - w->opts.max_segments / 2 + 1;
    if (take > c->count)
        take = c->count;
    by_live *order = ud_malloc(c->count * sizeof(by_live));
    for (size_t i = 0; i < c->count; i++)
        order[i] = (by_live){live_count(&c->segs[i]), i};
    qsort(order, c->count, sizeof(by_live), compare_live);
    /* Keep the sources in collection order: the merged segment lists them
     * so, which keeps ties in the order they had. */
    bool *chosen = ud_calloc(c->count, sizeof(bool));
    for (size_t i = 0; i < take; i++)
        chosen[order[i].index] = true;
    free(order);
    merge_job *job = ud_calloc(1, sizeof(*job));
    job->ids = ud_calloc(take, sizeof(uint32_t));
    job->segments = ud_calloc(take, sizeof(ud_segment *));
    job->deleted = ud_calloc(take, sizeof(uint8_t *));
    int rc = 0;
    for (size_t i = 0; i < c->count && rc == 0; i++) {
        if (!chosen[i])
            continue;
        const seg_entry *e = &c->segs[i];
        char path[UD_INDEX_PATH_MAX];
        rc = segment_path(path, sizeof(path), w->dir, e->id);
        if (rc == 0)
            rc = ud_segment_open(&job->segments[job->count], path);
        if (rc == 0) {
            job->ids[job->count] = e->id;
            job->deleted[job->count] = bitmap_copy(e->deleted, e->doc_count);
            job->count++;
        }
    }
    free(chosen);
    if (rc < 0) {
        ud_error_clear();
        for (size_t i = 0; i < job->count; i++) {
            ud_segment_free(job->segments[i]);
            free(job->deleted[i]);
        }
        free(job->ids);
        free(job->segments);
        free(job->deleted);
        free(job);
        return NULL;
    }
    job->out_id = w->work.next_id++;
    w->merge_out_id = job->out_id;
    return job;
}

static void job_free(merge_job *job)
{
    for (size_t i = 0; i < job->count; i++) {
        ud_segment_free(job->segments[i]);
        free(job->deleted[i]);
    }
    ud_segment_free(job->merged);
    free(job->ids);
    free(job->segments);
    free(job->deleted);
    free(job);
}

/* Rewrites the live chunks of the job's segments, in order, into one new
 * segment file and opens it. Re-analysing the stored fields is slower than
 * merging postings but simple, and it drops deleted chunks for good. Runs
 * without the writer's lock: it reads only the job's own handles. */
static int build_merged(merge_job *job, const char *dir, uint32_t vector_dims,
                        uint32_t vector_format)
{
    ud_analyzer *analyzer = NULL;
    ud_segment_builder *builder = NULL;
    int rc = ud_analyzer_new(&analyzer);
    if (rc == 0)
        rc = ud_segment_builder_new(&builder, analyzer, vector_dims, vector_format);
    ud_arena arena;
    ud_arena_init(&arena);
    for (size_t i = 0; i < job->count && rc == 0; i++) {
        const ud_segment *segment = job->segments[i];
        uint32_t n = ud_segment_header(segment)->doc_count;
        bool same_vectors = ud_segment_vector_dims(segment) == vector_dims;
        for (uint32_t d = 0; d < n && rc == 0; d++) {
            if (is_deleted(job->deleted[i], d))
                continue;
            ud_stored_doc s;
            rc = ud_segment_stored(&s, segment, &arena, d);
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
                                .vector = same_vectors ? ud_segment_vector(segment, d) : NULL};
            rc = ud_segment_builder_add(builder, &doc);
            if ((d & 1023) == 1023) {
                ud_arena_dispose(&arena);
                ud_arena_init(&arena);
            }
        }
    }
    ud_arena_dispose(&arena);
    char path[UD_INDEX_PATH_MAX];
    if (rc == 0)
        rc = segment_path(path, sizeof(path), dir, job->out_id);
    if (rc == 0)
        rc = ud_segment_builder_write(builder, path);
    if (rc == 0)
        rc = ud_segment_open(&job->merged, path);
    ud_segment_builder_free(builder);
    ud_analyzer_free(analyzer);
    return rc;
}

static ssize_t find_entry(const manifest *m, uint32_t id)
{
    for (size_t i = 0; i < m->count; i++)
        if (m->segs[i].id == id)
            return (ssize_t)i;
    return -1;
}

/* The merged segment's deletion bitmap from the sources' current ones in m:
 * chunks deleted since the merge started (it skipped those deleted before).
 * NULL when there are none. */
static uint8_t *carry_deletions(const merge_job *job, const manifest *m, uint32_t merged_count)
{
    uint8_t *bits = NULL;
    uint32_t at = 0;
    for (size_t i = 0; i < job->count; i++) {
        const seg_entry *e = &m->segs[find_entry(m, job->ids[i])];
        for (uint32_t d = 0; d < e->doc_count; d++) {
            if (is_deleted(job->deleted[i], d))
                continue;
            if (is_deleted(e->deleted, d) && at < merged_count) {
                if (!bits)
                    bits =
                        ud_calloc(1, bitmap_bytes(merged_count) ? bitmap_bytes(merged_count) : 1);
                bits[at >> 3] |= (uint8_t)(1u << (at & 7));
            }
            at++;
        }
    }
    return bits;
}

/* Replaces the job's sources in m by `merged` (at the first source's
 * place), disposing of them. */
static void replace_sources(manifest *m, const merge_job *job, seg_entry merged)
{
    size_t kept = 0;
    bool placed = false;
    for (size_t i = 0; i < m->count; i++) {
        bool source = false;
        for (size_t j = 0; j < job->count && !source; j++)
            source = m->segs[i].id == job->ids[j];
        if (!source) {
            m->segs[kept++] = m->segs[i];
            continue;
        }
        entry_dispose(&m->segs[i]);
        if (!placed) {
            m->segs[kept++] = merged;
            placed = true;
        }
    }
    m->count = kept;
}

/* Commits a finished merge (w->lock held): the manifest names the merged
 * segment instead of its sources, with the deletions committed since the
 * merge started carried over; everything else is as last committed, so
 * the writer's uncommitted work stays uncommitted. The writer's own list
 * gets the same swap, with its pending deletions carried over too.
 * UD_ENOTFOUND when a source went away meanwhile (a clear): abandoned. */
static int install_merge(ud_collection_writer *w, merge_job *job)
{
    for (size_t i = 0; i < job->count; i++)
        if (find_entry(&w->committed, job->ids[i]) < 0 || find_entry(&w->work, job->ids[i]) < 0)
            return ud_error_set(UD_ENOTFOUND, "the segments merged were dropped meanwhile");
    uint32_t merged_count = ud_segment_header(job->merged)->doc_count;
    uint32_t generation = (uint32_t)w->committed.generation + 1;
    uint8_t *committed_bits = carry_deletions(job, &w->committed, merged_count);
    uint8_t *work_bits = carry_deletions(job, &w->work, merged_count);
    int rc = 0;
    if (committed_bits) {
        char path[UD_INDEX_PATH_MAX];
        rc = deletion_path(path, sizeof(path), w->dir, job->out_id, generation);
        if (rc == 0)
            rc = write_deletions(path, merged_count, committed_bits);
    }
    manifest next;
    copy_committed(&next, &w->committed);
    replace_sources(&next, job,
                    (seg_entry){.id = job->out_id,
                                .del_gen = committed_bits ? generation : 0,
                                .doc_count = merged_count,
                                .deleted = committed_bits});
    next.generation = generation;
    next.next_id = w->work.next_id;
    if (rc == 0)
        rc = manifest_write(&next, w->dir);
    if (rc < 0) {
        manifest_dispose(&next);
        free(work_bits);
        return rc;
    }
    bool dirty = (committed_bits == NULL) != (work_bits == NULL) ||
                 (work_bits && memcmp(committed_bits, work_bits, bitmap_bytes(merged_count)));
    replace_sources(&w->work, job,
                    (seg_entry){.id = job->out_id,
                                .del_gen = committed_bits ? generation : 0,
                                .doc_count = merged_count,
                                .segment = job->merged,
                                .deleted = work_bits,
                                .dirty = dirty});
    job->merged = NULL; /* owned by the writer's list now */
    w->work.generation = generation;
    manifest_dispose(&w->committed);
    w->committed = next;
    publish_commit(w);
    return 0;
}

static void call_hook(ud_collection_writer *w, int stage)
{
    if (w->opts.merge_hook)
        w->opts.merge_hook(stage, w->opts.merge_payload);
}

static void *merge_main(void *arg)
{
    ud_collection_writer *w = arg;
    pthread_mutex_lock(&w->lock);
    merge_job *job;
    while ((job = plan_merge(w)) != NULL) {
        uint32_t dims = w->vector_dims, format = w->vector_format;
        pthread_mutex_unlock(&w->lock);
        call_hook(w, UD_MERGE_STARTED);
        int rc = build_merged(job, w->dir, dims, format);
        if (rc == 0)
            call_hook(w, UD_MERGE_WRITTEN);
        pthread_mutex_lock(&w->lock);
        if (rc == 0)
            rc = install_merge(w, job);
        w->merge_out_id = 0;
        /* The sources, or the merged file when it was not installed. */
        remove_unreferenced(w);
        job_free(job);
        if (rc < 0) {
            w->merge_rc = rc;
            snprintf(w->merge_error, sizeof(w->merge_error), "merge: %s", ud_error_last());
            ud_error_clear();
            break;
        }
        pthread_mutex_unlock(&w->lock);
        call_hook(w, UD_MERGE_COMMITTED);
        pthread_mutex_lock(&w->lock);
    }
    w->merging = false;
    pthread_cond_broadcast(&w->merge_idle);
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Starts the merge thread if the policy wants a merge and none runs
 * (w->lock held). */
static void maybe_start_merge(ud_collection_writer *w)
{
    if (w->merging || w->stop_merging || w->committed.count <= w->opts.max_segments)
        return;
    if (w->merge_joinable) {
        /* It has set `merging` false and only returns now: a short wait. */
        pthread_join(w->merge_thread, NULL);
        w->merge_joinable = false;
    }
    if (pthread_create(&w->merge_thread, NULL, merge_main, w) != 0)
        return; /* no thread: the next commit tries again */
    w->merging = true;
    w->merge_joinable = true;
}

int ud_collection_writer_commit(ud_collection_writer *w, int64_t store_generation)
{
    pthread_mutex_lock(&w->lock);
    int rc = flush(w);
    if (rc == 0 && (w->changed || store_generation != w->committed.store_generation ||
                    w->committed.generation == 0)) {
        rc = write_commit(w, store_generation);
        if (rc == 0)
            w->changed = false;
    }
    if (rc == 0)
        maybe_start_merge(w);
    pthread_mutex_unlock(&w->lock);
    return rc;
}
