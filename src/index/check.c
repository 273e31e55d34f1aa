/*
 * The collection check (see check.h).
 */
#include "index/check.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/fs.h"
#include "base/mem.h"
#include "index/manifest.h"
#include "index/path.h"
#include "index/segment.h"

typedef struct checker {
    ud_index_check *out;
    ud_index_check_fn fn;
    void *payload;
    /* Hashes of the doc ids seen (open addressing, 0 = empty slot): a
     * document's chunks may span segments. */
    uint64_t *docs;
    size_t docs_cap;
} checker;

static void report(checker *c, bool problem, const char *fmt, ...) UD_PRINTF(3, 4);

static void report(checker *c, bool problem, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    if (problem)
        c->out->problems++;
    else
        c->out->notes++;
    c->fn(problem, message, c->payload);
}

static void add_document(checker *c, uint64_t hash)
{
    hash |= 1; /* never 0, the empty slot */
    if ((c->out->live_documents + 1) * 2 > c->docs_cap) {
        size_t cap = c->docs_cap ? c->docs_cap * 2 : 1024;
        uint64_t *grown = ud_calloc(cap, sizeof(uint64_t));
        for (size_t i = 0; i < c->docs_cap; i++)
            if (c->docs[i])
                for (size_t at = c->docs[i] & (cap - 1);; at = (at + 1) & (cap - 1))
                    if (!grown[at]) {
                        grown[at] = c->docs[i];
                        break;
                    }
        free(c->docs);
        c->docs = grown;
        c->docs_cap = cap;
    }
    for (size_t at = hash & (c->docs_cap - 1);; at = (at + 1) & (c->docs_cap - 1)) {
        if (c->docs[at] == hash)
            return;
        if (!c->docs[at]) {
            c->docs[at] = hash;
            c->out->live_documents++;
            return;
        }
    }
}

/* The deletion bitmap of an entry (NULL: none), or false after reporting
 * why it cannot be read. */
static bool read_deletions(checker *c, uint8_t **out, const char *dir, const ud_manifest_entry *e)
{
    *out = NULL;
    if (!e->del_gen)
        return true;
    char path[UD_INDEX_PATH_MAX];
    int rc = ud_index_path(path, sizeof(path), "%s/seg-%06" PRIu32 ".%" PRIu32 ".del", dir, e->id,
                           e->del_gen);
    char *data = NULL;
    size_t len = 0;
    if (rc == 0)
        rc = ud_file_read(&data, &len, path, ud_deletions_bitmap_bytes(e->doc_count) + 32);
    if (rc == 0)
        rc = ud_deletions_parse(out, data, len, e->doc_count, path);
    free(data);
    if (rc < 0) {
        report(c, true, "%s", ud_error_last());
        ud_error_clear();
        return false;
    }
    return true;
}

/* Counts the segment's live chunks and their documents. */
static void count_live(checker *c, const ud_segment *segment, const uint8_t *deleted)
{
    uint32_t n = ud_segment_header(segment)->doc_count;
    ud_arena arena;
    ud_arena_init(&arena);
    for (uint32_t d = 0; d < n; d++) {
        if (deleted && (deleted[d >> 3] >> (d & 7)) & 1)
            continue;
        ud_stored_doc stored;
        if (ud_segment_stored(&stored, segment, &arena, d) < 0) {
            report(c, true, "%s", ud_error_last());
            ud_error_clear();
            break;
        }
        c->out->live_chunks++;
        add_document(c, ud_fnv1a64(stored.doc_id, strlen(stored.doc_id), UD_FNV64_INIT));
        if ((d & 1023) == 1023) {
            ud_arena_dispose(&arena);
            ud_arena_init(&arena);
        }
    }
    ud_arena_dispose(&arena);
}

static void check_segment(checker *c, const char *dir, const ud_manifest_entry *e)
{
    char path[UD_INDEX_PATH_MAX];
    if (ud_index_path(path, sizeof(path), "%s/seg-%06" PRIu32 ".seg", dir, e->id) < 0) {
        report(c, true, "%s", ud_error_last());
        return;
    }
    ud_segment *segment = NULL;
    if (ud_segment_open(&segment, path) < 0 || ud_segment_verify(segment) < 0) {
        report(c, true, "%s", ud_error_last());
        ud_error_clear();
        ud_segment_free(segment);
        return;
    }
    const ud_seg_header *h = ud_segment_header(segment);
    if (!ud_segment_header_checked(segment))
        report(c, false,
               "segment %s has format %" PRIu32 ", whose header has no checksum (its content's "
               "was verified); the next merge or `unify reindex` rewrites it",
               path, h->version);
    if (h->doc_count != e->doc_count)
        report(c, true, "segment %s holds %" PRIu32 " chunks, the manifest says %" PRIu32, path,
               h->doc_count, e->doc_count);
    uint8_t *deleted = NULL;
    if (read_deletions(c, &deleted, dir, e) && h->doc_count == e->doc_count)
        count_live(c, segment, deleted);
    free(deleted);
    ud_segment_free(segment);
}

int ud_index_check_dir(ud_index_check *out, const char *dir, ud_index_check_fn fn, void *payload)
{
    memset(out, 0, sizeof(*out));
    checker c = {.out = out, .fn = fn, .payload = payload};
    char path[UD_INDEX_PATH_MAX];
    int rc = ud_index_path(path, sizeof(path), "%s/MANIFEST", dir);
    if (rc < 0)
        return rc;
    if (!ud_path_exists(path))
        return 0;
    out->exists = true;
    char *text = NULL;
    size_t len = 0;
    ud_manifest m = {0};
    rc = ud_file_read(&text, &len, path, UD_MANIFEST_MAX_BYTES);
    if (rc == UD_ELIMIT)
        rc = ud_error_set(UD_ECORRUPT, "manifest %s is damaged: too long", path);
    if (rc == 0)
        rc = ud_manifest_parse(&m, text, len, path);
    free(text);
    if (rc < 0) {
        report(&c, true, "%s", ud_error_last());
        ud_error_clear();
        return 0;
    }
    out->readable = true;
    out->generation = m.generation;
    out->store_generation = m.store_generation;
    out->segments = m.count;
    if (!m.checksummed)
        report(&c, false,
               "manifest %s has format 2, without a checksum; the next commit rewrites it", path);
    for (size_t i = 0; i < m.count; i++)
        check_segment(&c, dir, &m.entries[i]);
    ud_manifest_dispose(&m);
    free(c.docs);
    return 0;
}
