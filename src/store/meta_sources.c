/*
 * Data sources and sync jobs in the metadata store (meta_sources.h).
 */
#include "store/meta_sources.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "store/meta_internal.h"

#define SOURCE_COLUMNS                                                                             \
    "id, org_id, type, name, credentials_encrypted, status, ud_epoch(last_sync_at), "              \
    "last_sync_status, sync_frequency_minutes, config, error_message, created_by, checkpoint, "    \
    "ud_epoch(created_at)"

static void source_from_row(ud_source_row *out, const ud_sql_rows *rows, size_t row)
{
    const char *const *c = &rows->cells[row * rows->columns];
    *out = (ud_source_row){
        .id = c[0],
        .org_id = c[1],
        .type = c[2],
        .name = c[3],
        .credentials_encrypted = c[4] ? c[4] : "",
        .status = c[5] ? c[5] : "pending",
        .last_sync_at = ud_meta_sql_int(c[6], 0),
        .last_sync_status = c[7],
        .sync_frequency_minutes = ud_meta_sql_int(c[8], 30),
        .config_json = c[9] ? c[9] : "{}",
        .error_message = c[10],
        .created_by = c[11],
        .checkpoint_json = c[12],
        .created_at = ud_meta_sql_int(c[13], 0),
    };
}

static int sources_from(ud_source_row **out, size_t *out_count, const ud_sql_rows *rows,
                        ud_arena *arena)
{
    ud_source_row *list = ud_arena_alloc(arena, (rows->count ? rows->count : 1) * sizeof(*list));
    for (size_t i = 0; i < rows->count; i++)
        source_from_row(&list[i], rows, i);
    *out = list;
    *out_count = rows->count;
    return 0;
}

static bool known_type(const char *type)
{
    static const char *const types[] = {"salesforce", "slack", "google_drive", "notion", "gmail"};
    for (size_t i = 0; type && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i], type) == 0)
            return true;
    return false;
}

/* The insertion, in a transaction with the plan's check. */
static int insert_source(ud_meta *meta, ud_arena *arena, const char *const *params)
{
    ud_sql_rows rows;
    const char *org[] = {params[1]};
    int rc = ud_meta_sql_run(meta, UD_META_LOCK_ORG, org, 1); /* as for users */
    if (rc == 0)
        rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT o.max_data_sources, (SELECT COUNT(*) FROM data_sources s "
                               "WHERE s.org_id = o.id) FROM organizations o WHERE o.id = $1",
                               org, 1);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_EINVAL, "unknown organization '%s'", params[1]);
    int64_t limit = ud_meta_sql_int(ud_sql_cell(&rows, 0, 0), -1);
    int64_t count = ud_meta_sql_int(ud_sql_cell(&rows, 0, 1), 0);
    if (limit >= 0 && count >= limit) /* a plan's refusal: 403, as for users */
        return ud_error_set(UD_EFORBIDDEN,
                            "the organization's plan allows %lld data sources and it has %lld; "
                            "change the plan or remove a source first",
                            (long long)limit, (long long)count);
    return ud_meta_sql_run(
        meta,
        "INSERT INTO data_sources (id, org_id, type, name, credentials_encrypted, "
        "status, sync_frequency_minutes, config, created_by, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, "
        "to_timestamp($9), to_timestamp($9))",
        params, 9);
}

int ud_meta_source_create(ud_source_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                          const char *type, const char *name, const char *credentials_encrypted,
                          const char *config_json, int64_t frequency_minutes,
                          const char *created_by)
{
    if (!ud_meta_is_uuid(org_id))
        return ud_error_set(UD_EINVAL, "unknown organization '%s'", org_id ? org_id : "");
    if (!known_type(type))
        return ud_error_set(UD_EINVAL,
                            "unknown source type '%s' (salesforce, slack, "
                            "google_drive, notion, gmail)",
                            type ? type : "");
    if (!name || !name[0] || strlen(name) > 255)
        return ud_error_set(UD_EINVAL, "a data source needs a name of 1-255 bytes");
    if (frequency_minutes < 1 || frequency_minutes > 525600)
        return ud_error_set(UD_EINVAL, "sync frequency must be 1 minute to a year");
    if (created_by && !ud_meta_is_uuid(created_by))
        created_by = NULL;
    char id[UD_UUID_LEN + 1], now[24], freq[24];
    int rc = ud_uuid_v4(id);
    if (rc < 0)
        return rc;
    ud_meta_sql_format_int(now, ud_now());
    ud_meta_sql_format_int(freq, frequency_minutes);
    const char *params[] = {id,
                            org_id,
                            type,
                            name,
                            credentials_encrypted ? credentials_encrypted : "",
                            freq,
                            config_json ? config_json : "{}",
                            created_by,
                            now};
    rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        rc = insert_source(meta, arena, params);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0) {
            int code = rc;
            ud_meta_sql_rollback(meta);
            rc = code;
        }
    }
    ud_sql_rows rows = {0};
    const char *find[] = {id};
    if (rc == 0)
        rc =
            ud_meta_sql_query(&rows, meta, arena,
                              "SELECT " SOURCE_COLUMNS " FROM data_sources WHERE id = $1", find, 1);
    if (rc < 0)
        return rc;
    if (rows.count != 1)
        return ud_error_set(UD_EIO, "the new data source was not found after insertion");
    source_from_row(out, &rows, 0);
    return 0;
}

int ud_meta_source_get(ud_source_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                       const char *id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no data source '%s'", id ? id : "");
    const char *params[] = {id, org_id};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(
        &rows, meta, arena,
        "SELECT " SOURCE_COLUMNS " FROM data_sources WHERE id = $1 AND org_id = $2", params, 2);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_ENOTFOUND, "no data source '%s'", id);
    source_from_row(out, &rows, 0);
    return 0;
}

int ud_meta_source_list(ud_source_row **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                        const char *org_id)
{
    *out = NULL;
    *out_count = 0;
    if (!ud_meta_is_uuid(org_id))
        return 0;
    const char *params[] = {org_id};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT " SOURCE_COLUMNS
                               " FROM data_sources WHERE org_id = $1 ORDER BY name, id",
                               params, 1);
    return rc < 0 ? rc : sources_from(out, out_count, &rows, arena);
}

int ud_meta_sources_due(ud_source_row **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                        int64_t now)
{
    char now_text[24];
    ud_meta_sql_format_int(now_text, now);
    const char *params[] = {now_text};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(
        &rows, meta, arena,
        "SELECT " SOURCE_COLUMNS " FROM data_sources s WHERE s.status IN ('pending', "
        "'connected', 'error') AND EXISTS (SELECT 1 FROM organizations o WHERE o.id = s.org_id "
        "AND o.status = 'active') AND COALESCE(ud_epoch(s.last_sync_at), 0) + "
        "s.sync_frequency_minutes * 60 <= CAST($1 AS BIGINT) ORDER BY "
        "COALESCE(ud_epoch(s.last_sync_at), 0)",
        params, 1);
    return rc < 0 ? rc : sources_from(out, out_count, &rows, arena);
}

int ud_meta_source_delete(ud_meta *meta, const char *org_id, const char *id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no data source '%s'", id ? id : "");
    const char *params[] = {id, org_id};
    int rc = ud_meta_sql_change_one(
        meta, "DELETE FROM data_sources WHERE id = $1 AND org_id = $2 RETURNING id", params, 2,
        "data source", id);
    if (rc == 0) {
        /* Its documents went with it: the index must follow the store. */
        const char *org[] = {org_id};
        rc = ud_meta_sql_run(meta,
                             "UPDATE org_index_state SET generation = generation + 1 WHERE "
                             "org_id = $1",
                             org, 1);
    }
    return rc;
}

int ud_meta_source_set_status(ud_meta *meta, const char *org_id, const char *id, const char *status,
                              const char *error_message)
{
    static const char *const allowed[] = {"pending", "connected", "error", "disconnected"};
    bool ok = false;
    for (size_t i = 0; status && i < sizeof(allowed) / sizeof(allowed[0]); i++)
        ok |= strcmp(allowed[i], status) == 0;
    if (!ok)
        return ud_error_set(UD_EINVAL, "status must be pending, connected, error or disconnected");
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no data source '%s'", id ? id : "");
    char now[24];
    ud_meta_sql_format_int(now, ud_now());
    const char *params[] = {id, org_id, status, error_message, now};
    return ud_meta_sql_change_one(
        meta,
        "UPDATE data_sources SET status = $3, error_message = $4, updated_at = "
        "to_timestamp($5) WHERE id = $1 AND org_id = $2 AND status <> 'syncing' "
        "RETURNING id",
        params, 5, "data source", id);
}

/* ---- jobs ------------------------------------------------------------------ */

#define LOG_COLUMNS                                                                                \
    "id, data_source_id, status, kind, documents_processed, documents_added, "                     \
    "documents_updated, documents_deleted, documents_failed, documents_total, error_message, "     \
    "details, worker, duration_seconds, ud_epoch(started_at), ud_epoch(completed_at), "            \
    "ud_epoch(heartbeat_at)"

static void log_from_row(ud_sync_log *out, const ud_sql_rows *rows, size_t row)
{
    const char *const *c = &rows->cells[row * rows->columns];
    *out = (ud_sync_log){
        .id = c[0],
        .data_source_id = c[1],
        .status = c[2],
        .kind = c[3] ? c[3] : "full",
        .processed = ud_meta_sql_int(c[4], 0),
        .added = ud_meta_sql_int(c[5], 0),
        .updated = ud_meta_sql_int(c[6], 0),
        .deleted = ud_meta_sql_int(c[7], 0),
        .failed = ud_meta_sql_int(c[8], 0),
        .total = ud_meta_sql_int(c[9], -1),
        .error_message = c[10],
        .details_json = c[11] ? c[11] : "{}",
        .worker = c[12],
        .duration_seconds = ud_meta_sql_int(c[13], 0),
        .started_at = ud_meta_sql_int(c[14], 0),
        .completed_at = ud_meta_sql_int(c[15], 0),
        .heartbeat_at = ud_meta_sql_int(c[16], 0),
    };
}

/* A job is alive when its heartbeat is recent and, on this host, its
 * process exists. */
static bool job_alive(const char *worker, int64_t heartbeat, int64_t now, int64_t stale_seconds)
{
    if (heartbeat + stale_seconds < now)
        return false;
    char host[256] = "";
    gethostname(host, sizeof(host) - 1);
    const char *colon = worker ? strrchr(worker, ':') : NULL;
    if (colon && (size_t)(colon - worker) == strlen(host) &&
        strncmp(worker, host, strlen(host)) == 0) {
        long pid = strtol(colon + 1, NULL, 10);
        if (pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
            return false;
    }
    return true;
}

static int claim_locked(ud_sync_log *out_log, const char **out_checkpoint, ud_meta *meta,
                        ud_arena *arena, const char *org_id, const char *source_id,
                        const char *worker, const char *kind, int64_t now, int64_t stale_seconds)
{
    const char *ids[] = {source_id, org_id};
    ud_sql_rows rows;
    /* The source's row is locked first: of two claims in two connections
     * (PostgreSQL), the second reads the first's committed 'syncing'. */
    int rc = ud_meta_sql_run(
        meta, "UPDATE data_sources SET status = status WHERE id = $1 AND org_id = $2", ids, 2);
    if (rc == 0)
        rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT status, checkpoint FROM data_sources WHERE id = $1 AND "
                               "org_id = $2",
                               ids, 2);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_ENOTFOUND, "no data source '%s'", source_id);
    const char *status = ud_sql_cell(&rows, 0, 0);
    const char *checkpoint = ud_sql_cell(&rows, 0, 1);
    char now_text[24];
    ud_meta_sql_format_int(now_text, now);
    if (status && strcmp(status, "disconnected") == 0)
        return ud_error_set(UD_EINVAL, "the data source is disconnected; connect it first");
    if (status && strcmp(status, "syncing") == 0) {
        /* Held by a job: alive, or dead and to be taken over. */
        ud_sql_rows running;
        rc = ud_meta_sql_query(&running, meta, arena,
                               "SELECT id, worker, ud_epoch(heartbeat_at) FROM sync_logs WHERE "
                               "data_source_id = $1 AND status = 'started'",
                               ids, 1);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < running.count; i++) {
            if (job_alive(ud_sql_cell(&running, i, 1),
                          ud_meta_sql_int(ud_sql_cell(&running, i, 2), 0), now, stale_seconds))
                return ud_error_set(UD_EEXISTS, "a sync of this source is running (%s)",
                                    ud_sql_cell(&running, i, 1));
            const char *dead[] = {ud_sql_cell(&running, i, 0), now_text};
            rc = ud_meta_sql_run(meta,
                                 "UPDATE sync_logs SET status = 'failed', error_message = 'the "
                                 "worker stopped; taken over by a new sync', completed_at = "
                                 "to_timestamp($2) WHERE id = $1",
                                 dead, 2);
            if (rc < 0)
                return rc;
        }
    }
    char id[UD_UUID_LEN + 1];
    rc = ud_uuid_v4(id);
    if (rc < 0)
        return rc;
    const char *job[] = {id, source_id, kind, worker, now_text};
    rc = ud_meta_sql_run(meta,
                         "INSERT INTO sync_logs (id, data_source_id, status, kind, worker, "
                         "started_at, heartbeat_at) VALUES ($1, $2, 'started', $3, $4, "
                         "to_timestamp($5), to_timestamp($5))",
                         job, 5);
    const char *syncing[] = {source_id, now_text};
    if (rc == 0)
        rc = ud_meta_sql_run(meta,
                             "UPDATE data_sources SET status = 'syncing', error_message = NULL, "
                             "updated_at = to_timestamp($2) WHERE id = $1",
                             syncing, 2);
    if (rc < 0)
        return rc;
    *out_log = (ud_sync_log){.id = ud_arena_strdup(arena, id),
                             .data_source_id = ud_arena_strdup(arena, source_id),
                             .status = "started",
                             .kind = kind,
                             .total = -1,
                             .details_json = "{}",
                             .worker = ud_arena_strdup(arena, worker),
                             .started_at = now,
                             .heartbeat_at = now};
    *out_checkpoint = checkpoint ? ud_arena_strdup(arena, checkpoint) : NULL;
    return 0;
}

int ud_meta_source_claim(ud_sync_log *out_log, const char **out_checkpoint, ud_meta *meta,
                         ud_arena *arena, const char *org_id, const char *source_id,
                         const char *worker, const char *kind, int64_t now, int64_t stale_seconds)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(source_id))
        return ud_error_set(UD_ENOTFOUND, "no data source '%s'", source_id ? source_id : "");
    int rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        rc = claim_locked(out_log, out_checkpoint, meta, arena, org_id, source_id, worker, kind,
                          now, stale_seconds);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0) {
            int code = rc;
            ud_meta_sql_rollback(meta);
            rc = code;
        }
    }
    return rc;
}

static void format_counts(char out[7][24], const ud_sync_log *p, int64_t now)
{
    ud_meta_sql_format_int(out[0], p->processed);
    ud_meta_sql_format_int(out[1], p->added);
    ud_meta_sql_format_int(out[2], p->updated);
    ud_meta_sql_format_int(out[3], p->deleted);
    ud_meta_sql_format_int(out[4], p->failed);
    ud_meta_sql_format_int(out[5], p->total);
    ud_meta_sql_format_int(out[6], now);
}

int ud_meta_sync_progress(ud_meta *meta, const ud_sync_log *p, int64_t now)
{
    char n[7][24];
    format_counts(n, p, now);
    const char *params[] = {p->id, n[0], n[1], n[2], n[3], n[4], p->total >= 0 ? n[5] : NULL, n[6]};
    int rc = ud_meta_sql_run(meta,
                             "UPDATE sync_logs SET documents_processed = $2, documents_added = $3, "
                             "documents_updated = $4, documents_deleted = $5, documents_failed = "
                             "$6, documents_total = $7, heartbeat_at = to_timestamp($8) WHERE id = "
                             "$1",
                             params, 8);
    return rc;
}

int ud_meta_sync_checkpoint(ud_meta *meta, const ud_sync_log *p, const char *source_id,
                            const char *checkpoint_json, int64_t now)
{
    char n[7][24];
    format_counts(n, p, now);
    const char *params[] = {p->id, n[0], n[1], n[2], n[3], n[4], p->total >= 0 ? n[5] : NULL, n[6]};
    const char *source[] = {source_id, checkpoint_json};
    int rc = ud_meta_sql_begin(meta);
    if (rc == 0)
        rc = ud_meta_sql_run(meta,
                             "UPDATE sync_logs SET documents_processed = $2, documents_added = "
                             "$3, documents_updated = $4, documents_deleted = $5, "
                             "documents_failed = $6, documents_total = $7, heartbeat_at = "
                             "to_timestamp($8) WHERE id = $1",
                             params, 8);
    if (rc == 0)
        rc = ud_meta_sql_run(meta, "UPDATE data_sources SET checkpoint = $2 WHERE id = $1", source,
                             2);
    if (rc == 0)
        rc = ud_meta_sql_commit(meta);
    else
        ud_meta_sql_rollback(meta);
    return rc;
}

int ud_meta_sync_finish(ud_meta *meta, const ud_sync_log *r, const char *source_id, int64_t now)
{
    bool ok = strcmp(r->status, "completed") == 0;
    char n[7][24], duration[24];
    format_counts(n, r, now);
    ud_meta_sql_format_int(duration, now - r->started_at);
    const char *params[] = {r->id,
                            r->status,
                            n[0],
                            n[1],
                            n[2],
                            n[3],
                            n[4],
                            r->total >= 0 ? n[5] : NULL,
                            n[6],
                            r->error_message,
                            r->details_json ? r->details_json : "{}",
                            duration};
    const char *source[] = {source_id, ok ? "connected" : "error", r->status, n[6],
                            r->error_message};
    int rc = ud_meta_sql_begin(meta);
    if (rc == 0)
        rc = ud_meta_sql_run(meta,
                             "UPDATE sync_logs SET status = $2, documents_processed = $3, "
                             "documents_added = $4, documents_updated = $5, documents_deleted = "
                             "$6, documents_failed = $7, documents_total = $8, completed_at = "
                             "to_timestamp($9), heartbeat_at = to_timestamp($9), error_message = "
                             "$10, details = $11, duration_seconds = $12 WHERE id = $1",
                             params, 12);
    /* A failed sync keeps its checkpoint: the next one resumes there. */
    if (rc == 0)
        rc = ud_meta_sql_run(
            meta,
            ok ? "UPDATE data_sources SET status = $2, last_sync_status = $3, last_sync_at = "
                 "to_timestamp($4), error_message = $5, checkpoint = NULL, updated_at = "
                 "to_timestamp($4) WHERE id = $1"
               : "UPDATE data_sources SET status = $2, last_sync_status = $3, last_sync_at = "
                 "to_timestamp($4), error_message = $5, updated_at = to_timestamp($4) WHERE id = "
                 "$1",
            source, 5);
    if (rc == 0)
        rc = ud_meta_sql_commit(meta);
    else
        ud_meta_sql_rollback(meta);
    return rc;
}

int ud_meta_sync_logs(ud_sync_log **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                      const char *org_id, const char *source_id, size_t limit)
{
    *out = NULL;
    *out_count = 0;
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(source_id))
        return ud_error_set(UD_ENOTFOUND, "no data source '%s'", source_id ? source_id : "");
    char limit_text[24];
    ud_meta_sql_format_int(limit_text, (int64_t)limit);
    const char *params[] = {source_id, org_id, limit_text};
    ud_sql_rows rows, owner;
    /* Another organization's source does not exist, logs or no logs. */
    int rc =
        ud_meta_sql_query(&owner, meta, arena,
                          "SELECT id FROM data_sources WHERE id = $1 AND org_id = $2", params, 2);
    if (rc == 0 && owner.count == 0)
        rc = ud_error_set(UD_ENOTFOUND, "no data source '%s'", source_id);
    if (rc == 0)
        rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT " LOG_COLUMNS " FROM sync_logs l WHERE l.data_source_id = "
                               "$1 AND EXISTS (SELECT 1 FROM data_sources s WHERE s.id = "
                               "l.data_source_id AND s.org_id = $2) ORDER BY l.started_at DESC, "
                               "l.id LIMIT $3",
                               params, 3);
    if (rc < 0)
        return rc;
    ud_sync_log *logs = ud_arena_alloc(arena, (rows.count ? rows.count : 1) * sizeof(*logs));
    for (size_t i = 0; i < rows.count; i++)
        log_from_row(&logs[i], &rows, i);
    *out = logs;
    *out_count = rows.count;
    return 0;
}

int ud_meta_document_mark_seen(ud_meta *meta, const char *org_id, const char *source_key,
                               const char *source_id, const char *sync_id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(sync_id) || !ud_meta_is_uuid(source_id))
        return ud_error_set(UD_EINVAL, "marking a document seen needs an org, a source and a sync");
    const char *params[] = {org_id, source_key, sync_id, source_id};
    /* Only the source's own document: the same key in another source is
     * another document, never taken over. */
    int rc = ud_meta_sql_run(meta,
                             "UPDATE documents SET last_sync_id = $3 WHERE org_id = $1 AND "
                             "source_key = $2 AND data_source_id = $4",
                             params, 4);
    return rc;
}

/* The ids of the first column of a query's rows, in the arena. */
static int query_ids(char ***out_ids, size_t *out_count, ud_meta *meta, ud_arena *arena,
                     const char *sql, const char *const *params, size_t param_count)
{
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena, sql, params, param_count);
    if (rc < 0)
        return rc;
    char **ids = ud_arena_alloc(arena, (rows.count ? rows.count : 1) * sizeof(char *));
    for (size_t i = 0; i < rows.count; i++)
        ids[i] = (char *)ud_sql_cell(&rows, i, 0);
    *out_ids = ids;
    *out_count = rows.count;
    return 0;
}

int ud_meta_documents_unseen(char ***out_ids, size_t *out_count, ud_meta *meta, ud_arena *arena,
                             const char *org_id, const char *source_id, const char *sync_id)
{
    *out_ids = NULL;
    *out_count = 0;
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(source_id) || !ud_meta_is_uuid(sync_id))
        return 0;
    const char *params[] = {org_id, source_id, sync_id};
    return query_ids(out_ids, out_count, meta, arena,
                     "SELECT id FROM documents WHERE org_id = $1 AND data_source_id = $2 AND "
                     "(last_sync_id IS NULL OR last_sync_id <> $3) ORDER BY id",
                     params, 3);
}

int ud_meta_source_documents(char ***out_ids, size_t *out_count, ud_meta *meta, ud_arena *arena,
                             const char *org_id, const char *source_id)
{
    *out_ids = NULL;
    *out_count = 0;
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(source_id))
        return 0;
    const char *params[] = {org_id, source_id};
    return query_ids(out_ids, out_count, meta, arena,
                     "SELECT id FROM documents WHERE org_id = $1 AND data_source_id = $2 ORDER "
                     "BY id",
                     params, 2);
}
