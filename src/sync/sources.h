/*
 * Data sources as people manage them, shared by `unify source` and
 * /v1/sources: adding one (its connector checked, its settings completed,
 * its credentials encrypted with Fernet before they reach the store), and
 * the view of a source with the progress of its current sync (documents
 * done, rate, ETA).
 */
#ifndef UD_SYNC_SOURCES_H
#define UD_SYNC_SOURCES_H

#include <stdint.h>

#include "base/arena.h"
#include "store/blobs.h"
#include "store/meta.h"
#include "store/meta_sources.h"

typedef struct ud_source_spec {
    const char *connector;        /* "slack-export", "folder", ... ('_' taken for '-') */
    const char *name;             /* NULL: from the connector and the path */
    const char *path;             /* the export or folder (made absolute); may be NULL */
    const char *config_json;      /* more settings, merged ("{}" or NULL) */
    const char *credentials_json; /* encrypted before storing; NULL for none */
    const char *pii;              /* "off" (default), "redact" or "exclude" */
    int64_t frequency_minutes;    /* 0: 30 */
    const char *created_by;       /* a user id or NULL */
} ud_source_spec;

/* The connector of a data source's type ("slack-export" or "slack_export").
 * UD_EINVAL, with a message that lists the known types, if there is none. */
struct ud_connector;
int ud_source_connector(const struct ud_connector **out, const char *type) UD_MUST_CHECK;

/* Checks the connector can read the source (test_connection), then stores
 * the source. *out_message says what the check found. UD_EINVAL for an
 * unknown connector or bad settings, UD_EFORBIDDEN past the plan's limit. */
int ud_source_add(ud_source_row *out, char *out_message, size_t message_size, ud_meta *meta,
                  ud_arena *arena, const char *org_id, const ud_source_spec *spec,
                  const char *fernet_key) UD_MUST_CHECK;

/* Imports an export found by `unify ingest` (connector.h's
 * ud_connector_recognize): syncs the organization's source of that
 * connector and path, adding it first when there is none. A Gmail mbox
 * without an owner in its config is owned by its first Delivered-To
 * address. */
struct ud_sync_env;
struct ud_sync_result;
int ud_source_import(struct ud_sync_result *out, ud_source_row *out_source,
                     const struct ud_sync_env *env, ud_arena *arena, const char *org_id,
                     const char *connector, const char *path) UD_MUST_CHECK;

/* Removes a source with its documents and raw files, and takes the
 * documents out of search at once: they are deleted in the organization's
 * index, which is committed at the store's new generation, and its query
 * cache (env->cache, may be NULL) is dropped. It takes the index's writer
 * (the collection's LOCK) to do so: UD_EAGAIN, with nothing removed, while
 * another holds it (a sync or an ingest of the organization in another
 * process); in `unify serve` call it through ud_scheduler_exclusive, so
 * that no sync job of the organization holds it. env->blobs NULL: the raw
 * files stay. UD_ENOTFOUND for another organization's source. */
int ud_source_remove(const struct ud_sync_env *env, ud_arena *arena, const char *org_id,
                     const char *source_id) UD_MUST_CHECK;

/* The source as JSON (a json_t *, new reference), never its credentials
 * (nor config keys named token, password, secret or api_key):
 * {"id", "type", "connector", "name", "status", "config", "last_sync_at",
 *  "last_sync_status", "sync_frequency_minutes", "error_message",
 *  "progress": null | {"sync_id", "processed", "total", "failed",
 *  "rate_per_second", "eta_seconds"}, "last_sync": null | {sync log}} */
void *ud_source_json(const ud_source_row *source, const ud_sync_log *latest, int64_t now);
void *ud_sync_log_json(const ud_sync_log *log);

#endif
