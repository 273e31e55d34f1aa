/*
 * Data sources and their sync jobs in the metadata store: the spec's
 * data_sources and sync_logs tables. A data source moves through
 *   pending -> connected -> syncing -> connected | error     (disconnected: switched off)
 * and each sync is one sync_logs row, from 'started' to 'completed' or
 * 'failed', that also holds who runs it (host:pid), a heartbeat, how far
 * it got and what failed.
 *
 * One job per source at a time: a sync starts by claiming the source
 * (ud_meta_source_claim), which only succeeds when no live job holds it. A
 * job whose process died (same host, pid gone) or whose heartbeat is older
 * than the stale limit is taken over, resuming from its checkpoint.
 *
 * Rows are allocated in the caller's arena; times are Unix seconds (0 = NULL).
 */
#ifndef UD_STORE_META_SOURCES_H
#define UD_STORE_META_SOURCES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

typedef struct ud_meta ud_meta;

typedef struct ud_source_row {
    const char *id;
    const char *org_id;
    const char *type; /* salesforce | slack | google_drive | notion | gmail */
    const char *name;
    const char *credentials_encrypted; /* a Fernet token */
    const char *status;                /* pending | connected | syncing | error | disconnected */
    int64_t last_sync_at;
    const char *last_sync_status; /* completed | failed | NULL */
    int64_t sync_frequency_minutes;
    const char *config_json; /* "{}" when unset */
    const char *error_message;
    const char *created_by;
    const char *checkpoint_json; /* NULL unless a sync is unfinished */
    int64_t created_at;
} ud_source_row;

typedef struct ud_sync_log {
    const char *id;
    const char *data_source_id;
    const char *status; /* started | completed | failed */
    const char *kind;   /* full | incremental */
    int64_t processed, added, updated, deleted, failed;
    int64_t total; /* -1 when unknown */
    const char *error_message;
    const char *details_json;
    const char *worker;
    int64_t duration_seconds;
    int64_t started_at, completed_at, heartbeat_at;
} ud_sync_log;

/* Creates a source (status pending). UD_EFORBIDDEN when the organization's
 * plan allows no more sources; UD_EINVAL for an unknown type. */
int ud_meta_source_create(ud_source_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                          const char *type, const char *name, const char *credentials_encrypted,
                          const char *config_json, int64_t frequency_minutes,
                          const char *created_by) UD_MUST_CHECK;
int ud_meta_source_get(ud_source_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                       const char *id) UD_MUST_CHECK;
int ud_meta_source_list(ud_source_row **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                        const char *org_id) UD_MUST_CHECK;
/* Every organization's sources that are due at `now`: connected, pending or
 * error, whose last sync (or creation) is sync_frequency_minutes old, in
 * active organizations. */
int ud_meta_sources_due(ud_source_row **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                        int64_t now) UD_MUST_CHECK;
/* Deletes the source; its documents and logs go with it (CASCADE). */
int ud_meta_source_delete(ud_meta *meta, const char *org_id, const char *id) UD_MUST_CHECK;
/* Changes the status (not to or from syncing: claim and finish do that). */
int ud_meta_source_set_status(ud_meta *meta, const char *org_id, const char *id, const char *status,
                              const char *error_message) UD_MUST_CHECK;

/* Starts a sync of the source: if no live job holds it, sets it syncing,
 * inserts a 'started' sync_logs row for `worker` ("host:pid") and fills
 * *out_log. *out_checkpoint (in the arena) is where an unfinished earlier
 * sync stopped, NULL for a fresh start. UD_EEXISTS when a live job holds it.
 * `stale_seconds`: a heartbeat older than this means the job is dead. */
int ud_meta_source_claim(ud_sync_log *out_log, const char **out_checkpoint, ud_meta *meta,
                         ud_arena *arena, const char *org_id, const char *source_id,
                         const char *worker, const char *kind, int64_t now,
                         int64_t stale_seconds) UD_MUST_CHECK;

/* Progress of a running job: counts, total (-1 unknown), heartbeat. */
int ud_meta_sync_progress(ud_meta *meta, const ud_sync_log *progress, int64_t now) UD_MUST_CHECK;
/* After a committed batch: the counts and the checkpoint, in one
 * transaction, so a resumed job starts exactly after what was committed. */
int ud_meta_sync_checkpoint(ud_meta *meta, const ud_sync_log *progress, const char *source_id,
                            const char *checkpoint_json, int64_t now) UD_MUST_CHECK;
/* Ends the job: the log row (status, counts, error, details, duration) and
 * the source (connected or error, last_sync_at, last_sync_status, the
 * checkpoint cleared on success). */
int ud_meta_sync_finish(ud_meta *meta, const ud_sync_log *result, const char *source_id,
                        int64_t now) UD_MUST_CHECK;

/* The source's sync logs, newest first; UD_ENOTFOUND when the source is
 * not the organization's. */
int ud_meta_sync_logs(ud_sync_log **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                      const char *org_id, const char *source_id, size_t limit) UD_MUST_CHECK;

/* Documents of a sync: mark the source's document `source_key` seen
 * (unchanged documents too; another source's document with that key is
 * not touched), and list the source's documents that the given sync did
 * not see (after a full sync they are gone from the source). */
int ud_meta_document_mark_seen(ud_meta *meta, const char *org_id, const char *source_key,
                               const char *source_id, const char *sync_id) UD_MUST_CHECK;
int ud_meta_documents_unseen(char ***out_ids, size_t *out_count, ud_meta *meta, ud_arena *arena,
                             const char *org_id, const char *source_id,
                             const char *sync_id) UD_MUST_CHECK;
/* Every document of the source (their ids, in the arena): what leaves the
 * index when the source is removed. */
int ud_meta_source_documents(char ***out_ids, size_t *out_count, ud_meta *meta, ud_arena *arena,
                             const char *org_id, const char *source_id) UD_MUST_CHECK;

#endif
