/*
 * A sync job: one data source brought up to date, in the spec's 13 steps.
 *   1. load the source and decrypt its credentials (Fernet)
 *   2. full sync the first time, incremental after (exports: always full);
 *      an unfinished earlier sync is resumed from its checkpoint
 *   3. claim the source (one job per source), status syncing, a sync_logs row
 *   4. the connector emits documents; for each one:
 *   5.   unchanged (same hash)? skip before extraction and embedding
 *   6.   raw bytes to the object store (orgs/{org}/sources/{source}/raw/{id})
 *   7.   extract, clean, detect the language, filter sensitive data
 *   8.   chunk, embed
 *   9.   store the document and its chunks, index them
 *  10. after each batch: commit the index, then store the checkpoint and
 *      the counts, so a job killed at any point resumes where it stopped
 *  11. after a full sync: delete the documents it did not see
 *  12. the sync_logs row (processed, added, updated, deleted, failed,
 *      duration, failures with reasons, PII counts) and the source's status
 *  13. drop the organization's query cache
 * One failing document does not fail the job; the store or the index
 * failing does.
 */
#ifndef UD_SYNC_JOB_H
#define UD_SYNC_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "doc/chunker.h"
#include "doc/extract/extract.h"
#include "embed/embedder.h"
#include "store/blobs.h"
#include "store/cache.h"
#include "store/meta.h"
#include "store/meta_sources.h"
#include "sync/counts.h"

typedef struct ud_sync_env {
    ud_meta *meta;
    ud_blobs *blobs;        /* the object store */
    ud_cache *cache;        /* the query cache to drop, NULL for none */
    const char *data_dir;   /* for the index: DATA/collections/<org> */
    ud_embedder *embedder;  /* chunk vectors, NULL for none */
    const char *fernet_key; /* decrypts credentials */
    ud_chunker_opts chunker;
    ud_extract_limits limits;
    int64_t stale_seconds; /* a job silent this long is dead (default 300) */
    /* Called after each batch and at the end (from the job's thread). */
    void (*on_progress)(const ud_sync_log *progress, void *payload);
    void *payload;
} ud_sync_env;

typedef struct ud_sync_result {
    ud_sync_log log;      /* the final counts and status (strings in the arena) */
    ud_doc_counts counts; /* every unit of this run, by outcome (counts.h) */
    bool resumed;         /* it continued an unfinished sync */
} ud_sync_result;

/* Runs one sync of the source to its end. Returns 0 when the sync ran
 * (completed, or failed with its reason recorded in the log and on the
 * source: out->log.status says which), UD_EEXISTS when another job holds
 * the source, or another code when it could not start. */
int ud_sync_run(ud_sync_result *out, const ud_sync_env *env, ud_arena *arena, const char *org_id,
                const char *source_id) UD_MUST_CHECK;

/* "host:pid" of this process, the worker name of its jobs. */
const char *ud_sync_worker_name(void);

#endif
