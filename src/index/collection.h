/*
 * A collection: one organization's index in a directory of its own
 * (DATA/collections/<org_id>/), so no index file ever holds two orgs.
 *
 *   MANIFEST            the last commit: segments, their deletion files,
 *                       a generation number, the store generation indexed
 *   seg-NNNNNN.seg      immutable segments (segment_format.h)
 *   seg-NNNNNN.G.del    the deletion bitmap of a segment at generation G
 *   LOCK                held (flock) by the one writer
 *
 * Commit protocol: new segment and deletion files are written and fsynced,
 * then the manifest is replaced with write-temp + fsync + rename, then the
 * directory is fsynced. The rename is the commit point: a crash at any
 * instant leaves the previous manifest or the new one, and every file the
 * surviving manifest names is complete. Files no manifest names are removed
 * when a writer opens.
 *
 * Readers open a snapshot of the last commit (mmapped segments, deletion
 * bitmaps) and keep using it while a writer commits; old files stay
 * readable through their mappings after they are unlinked. A snapshot is
 * immutable and reference-counted; the last reference unmaps what no
 * other snapshot shares (segments are shared between the snapshots that
 * name them, so a new commit opens only its new files).
 *
 * A collection handle (ud_collection) publishes the current snapshot of
 * a directory, RCU-style: a search takes a reference to it under a lock
 * held only for that pointer copy, with no file read; the one check per
 * search is a stat of the MANIFEST, which tells whether another process
 * has committed since (then the first search to see it reads the new
 * manifest, sharing the old snapshot's segments, and publishes it). A
 * writer in the same process publishes each of its commits and merges
 * itself, from its own open segments, to the directory's shared handle
 * (ud_collection_shared), so its searchers never read the manifest back.
 *
 * Merges run on a thread of the writer, so commits return without waiting
 * for one: when a commit leaves more than max_segments committed segments,
 * the thread rewrites the smallest of them into one new segment (without
 * the writer's lock: the sources are immutable, and it reads them through
 * handles of its own), then swaps it in with a manifest of its own: the
 * last commit with the sources replaced, and with the deletions committed
 * to them in the meantime carried over to the merged chunks. The writer's
 * uncommitted work (new segments, pending deletions, which it also carries
 * over) is not part of that manifest. A crash during a merge leaves the
 * previous manifest and a stray file the next writer removes.
 */
#ifndef UD_INDEX_COLLECTION_H
#define UD_INDEX_COLLECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/analyzer.h"
#include "index/bm25_topk.h"
#include "index/index_doc.h"
#include "index/segment.h"
#include "index/visible.h"

/* ---- reading ------------------------------------------------------------- */

typedef struct ud_snapshot ud_snapshot;

/* Opens the last commit of the collection in dir. A directory without a
 * manifest is an empty collection. */
int ud_snapshot_open(ud_snapshot **out, const char *dir) UD_MUST_CHECK;
/* Drops a reference; the snapshot is freed with its last one. */
void ud_snapshot_release(ud_snapshot *snapshot);
void ud_snapshot_retain(ud_snapshot *snapshot);

uint64_t ud_snapshot_generation(const ud_snapshot *snapshot);
/* The store generation the commit reflects (see ud_meta_generation). */
int64_t ud_snapshot_store_generation(const ud_snapshot *snapshot);
uint64_t ud_snapshot_live_docs(const ud_snapshot *snapshot);
/* "provider/model/dims" of the commit's vectors, "" when it has none. */
const char *ud_snapshot_embedding(const ud_snapshot *snapshot);
const ud_segment_view *ud_snapshot_views(const ud_snapshot *snapshot, size_t *out_count);
/* What the principals may read in the snapshot (visible.h), for
 * ud_query.visible: cached per snapshot and principal set, with the dfs
 * counted for it. The caller gets a reference (ud_visible_release) and
 * keeps the snapshot retained while it uses it. */
int ud_snapshot_visible(ud_visible **out, ud_snapshot *snapshot, const char *const *principals,
                        size_t principal_count) UD_MUST_CHECK;

/* False when the snapshot was read from a manifest without a checksum
 * (format 2, written before manifests had one). */
bool ud_snapshot_manifest_checksummed(const ud_snapshot *snapshot);

/* ---- publishing ---------------------------------------------------------- */

/* Thread-safe: any number of threads take snapshots of one handle while a
 * writer publishes to it. */
typedef struct ud_collection ud_collection;

/* The process's shared handle of dir (made on first use, then counted):
 * the one a writer of the same process publishes its commits to. Release
 * it with ud_collection_release. UD_ELIMIT when dir is too long. */
int ud_collection_shared(ud_collection **out, const char *dir) UD_MUST_CHECK;
/* A handle of dir of its own, which no writer publishes to: it sees
 * commits as one in another process would, by the manifest's stat. */
int ud_collection_open(ud_collection **out, const char *dir) UD_MUST_CHECK;
void ud_collection_release(ud_collection *collection);

/* The current snapshot, retained for the caller (ud_snapshot_release).
 * One stat of the manifest; reads it only when it changed since the
 * published snapshot (another process committed), then publishes what it
 * read. An empty collection (no manifest) gives an empty snapshot. A
 * damaged manifest or segment gives UD_ECORRUPT naming the file. */
int ud_collection_snapshot(ud_snapshot **out, ud_collection *collection) UD_MUST_CHECK;
/* How many times ud_collection_snapshot has read a manifest (the cost a
 * published snapshot saves; for tests and measurements). */
uint64_t ud_collection_reads(const ud_collection *collection);

/* ---- writing ------------------------------------------------------------- */

typedef struct ud_collection_writer ud_collection_writer;

/* How new segments store their vectors. int8 (the default) keeps float32
 * as well, for rescoring and merges, and walks the graph on int8: recall
 * as float32, more queries per second and fewer pages touched
 * (docs/performance.md). Each segment records its own, so a collection may
 * mix them; merges write the writer's. */
typedef enum {
    UD_VECTORS_DEFAULT,
    UD_VECTORS_FLOAT32,
    UD_VECTORS_INT8,
} ud_vector_storage;

/* The stages a background merge reports to merge_hook. */
enum {
    UD_MERGE_STARTED,   /* the segments to merge are chosen */
    UD_MERGE_WRITTEN,   /* the merged segment is written, not yet committed */
    UD_MERGE_COMMITTED, /* the manifest names it */
};

typedef struct ud_collection_writer_opts {
    size_t max_segments;       /* merge when a commit leaves more; default 8 */
    size_t flush_memory_bytes; /* write a segment when the buffer passes this; 64 MiB */
    /* The vectors chunks will carry: "provider/model/dims" and dims; NULL
     * and 0 for none. A collection built with other vectors reports itself
     * behind its store (store generation -1), so it gets rebuilt. */
    const char *embedding;
    uint32_t vector_dims;
    ud_vector_storage vector_storage;
    /* Called on the merge thread, without locks held, at each stage of a
     * merge (tests use it to stop a merge where they want). NULL: none. */
    void (*merge_hook)(int stage, void *payload);
    void *merge_payload;
} ud_collection_writer_opts;

/* Takes the collection's lock (UD_EAGAIN if another process holds it),
 * creating the directory if needed. A collection of an older format, or a
 * damaged one (a manifest or segment that fails its checks), is started
 * afresh with store generation -1, so the caller rebuilds it from the
 * store (`unify ingest` and `unify reindex` do). */
int ud_collection_writer_open(ud_collection_writer **out, const char *dir,
                              const ud_collection_writer_opts *opts) UD_MUST_CHECK;
/* Drops uncommitted work and releases the lock, after waiting for a
 * running merge to finish (it is committed; no new one starts). */
void ud_collection_writer_close(ud_collection_writer *writer);

/* The store generation of the last commit (to detect a collection that
 * fell behind its store after a crash). */
int64_t ud_collection_writer_store_generation(const ud_collection_writer *writer);

/* Deletes every chunk of the document (committed or added since). */
int ud_collection_writer_delete(ud_collection_writer *writer, const char *doc_id) UD_MUST_CHECK;
/* Drops every document: the next commit starts the collection afresh. */
void ud_collection_writer_clear(ud_collection_writer *writer);
int ud_collection_writer_add(ud_collection_writer *writer, const ud_index_doc *doc) UD_MUST_CHECK;
/* Makes everything since the last commit durable and visible, recording
 * the store generation it reflects. If that leaves too many segments, a
 * background merge starts (see above); the commit does not wait for it. */
int ud_collection_writer_commit(ud_collection_writer *writer,
                                int64_t store_generation) UD_MUST_CHECK;
/* Waits until no merge runs. Returns the error of the last merge that
 * failed since the previous call (its segments stay as they were), or 0. */
int ud_collection_writer_wait_merges(ud_collection_writer *writer) UD_MUST_CHECK;
/* Segments of the writer's view: committed, flushed since, merged. */
size_t ud_collection_writer_segment_count(ud_collection_writer *writer);

#endif
