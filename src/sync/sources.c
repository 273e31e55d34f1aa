/*
 * Managing data sources (sources.h).
 */
#include "sync/sources.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/fernet.h"
#include "base/fs.h"
#include "connectors/connector.h"
#include "sync/job.h"
#include "sync/reindex.h"

static int encrypt(const char **out, ud_arena *arena, const char *credentials, const char *key)
{
    if (!credentials || !credentials[0]) {
        *out = "";
        return 0;
    }
    json_t *check = json_loads(credentials, 0, NULL);
    bool ok = json_is_object(check);
    json_decref(check);
    if (!ok)
        return ud_error_set(UD_EINVAL, "credentials must be a JSON object");
    ud_fernet_key k;
    if (ud_fernet_key_parse(&k, ud_str_from(key)) < 0)
        return ud_error_set(UD_EINVAL, "fernet_key is not set or not a Fernet key (run `unify "
                                       "init`, or set UNIFY_FERNET_KEY)");
    char *token = NULL;
    int rc = ud_fernet_encrypt(&token, &k, credentials, strlen(credentials));
    ud_fernet_key_wipe(&k);
    if (rc < 0)
        return rc;
    *out = ud_arena_strdup(arena, token);
    free(token);
    return 0;
}

int ud_source_connector(const ud_connector **out, const char *type)
{
    const ud_connector *connector = ud_connector_find(type);
    if (!connector) {
        char names[256];
        ud_connector_names(names, sizeof(names));
        return ud_error_set(UD_EINVAL, "unknown data source type '%s'; the types are %s",
                            type ? type : "", names);
    }
    *out = connector;
    return 0;
}

int ud_source_add(ud_source_row *out, char *out_message, size_t message_size, ud_meta *meta,
                  ud_arena *arena, const char *org_id, const ud_source_spec *spec,
                  const char *fernet_key)
{
    const ud_connector *connector = NULL;
    int rc = ud_source_connector(&connector, spec->connector);
    if (rc < 0)
        return rc;
    char spelling[64];
    ud_connector_spelling(spelling, sizeof(spelling), connector->type);
    json_t *config =
        json_loads(spec->config_json && spec->config_json[0] ? spec->config_json : "{}", 0, NULL);
    if (!json_is_object(config)) {
        json_decref(config);
        return ud_error_set(UD_EINVAL, "the source's config must be a JSON object");
    }
    json_object_set_new(config, "connector", json_string(connector->type));
    if (spec->path) {
        char *real = realpath(spec->path, NULL);
        json_object_set_new(config, "path", json_string(real ? real : spec->path));
        free(real);
    }
    const char *pii = spec->pii ? spec->pii : json_string_value(json_object_get(config, "pii"));
    if (pii && strcmp(pii, "off") != 0 && strcmp(pii, "redact") != 0 &&
        strcmp(pii, "exclude") != 0) {
        json_decref(config);
        return ud_error_set(UD_EINVAL, "pii must be off, redact or exclude");
    }
    json_object_set_new(config, "pii", json_string(pii ? pii : "off"));
    char *config_text = json_dumps(config, JSON_COMPACT | JSON_SORT_KEYS);
    const char *name = spec->name;
    if (!name || !name[0]) {
        const char *path = json_string_value(json_object_get(config, "path"));
        const char *base = path ? strrchr(path, '/') : NULL;
        name = ud_arena_sprintf(arena, "%s %s", spelling, base ? base + 1 : "source");
    }
    json_decref(config);
    const char *saved = ud_arena_strdup(arena, config_text);
    free(config_text);

    ud_source_config probe = {.org_id = org_id,
                              .config_json = saved,
                              .credentials_json =
                                  spec->credentials_json ? spec->credentials_json : "{}",
                              .max_item_bytes = 64u << 20,
                              .max_total_bytes = (size_t)4 << 30};
    char message[512] = "";
    rc = connector->test_connection(&probe, message, sizeof(message));
    if (rc < 0) {
        char reason[512];
        snprintf(reason, sizeof(reason), "%s", ud_error_last());
        return ud_error_set(UD_EINVAL, "%s cannot read this source: %s", spelling, reason);
    }
    const char *credentials = NULL;
    rc = encrypt(&credentials, arena, spec->credentials_json, fernet_key);
    if (rc < 0)
        return rc;
    rc = ud_meta_source_create(
        out, meta, arena, org_id, connector->data_source_type, name, credentials, saved,
        spec->frequency_minutes ? spec->frequency_minutes : 30, spec->created_by);
    if (rc == 0 && out_message)
        snprintf(out_message, message_size, "%s", message);
    return rc;
}

int ud_source_remove(const ud_sync_env *env, ud_arena *arena, const char *org_id,
                     const char *source_id)
{
    ud_source_row row;
    int rc = ud_meta_source_get(&row, env->meta, arena, org_id, source_id);
    if (rc < 0)
        return rc;
    /* The writer first: when another holds it, nothing is removed. */
    ud_collection_writer *writer = NULL;
    rc = ud_index_open_writer(&writer, NULL, env->data_dir, env->meta, org_id, env->embedder);
    if (rc == UD_EAGAIN)
        return ud_error_prefix(UD_EAGAIN, "the source stays, try again when the running sync "
                                          "or ingest is done: ");
    if (rc < 0)
        return rc;
    char **ids = NULL;
    size_t count = 0;
    rc = ud_meta_source_documents(&ids, &count, env->meta, arena, org_id, source_id);
    if (rc == 0)
        rc = ud_meta_source_delete(env->meta, org_id, source_id);
    /* From here the store has no such documents. Should the index not
     * follow, its generation stays behind the store's and the next writer
     * rebuilds it from the store. */
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = ud_collection_writer_delete(writer, ids[i]);
    int64_t generation = 0;
    if (rc == 0)
        rc = ud_meta_generation(env->meta, org_id, &generation);
    if (rc == 0)
        rc = ud_collection_writer_commit(writer, generation);
    ud_collection_writer_close(writer);
    if (rc == 0 && env->cache)
        (void)ud_cache_drop_org(env->cache, org_id);
    if (rc < 0 || !env->blobs)
        return rc;
    char prefix[512];
    rc = ud_blob_source_prefix(prefix, sizeof(prefix), org_id, source_id);
    return rc == 0 ? ud_blobs_remove_prefix(env->blobs, prefix) : rc;
}

/* Keys a connector's config might hold secrets under: never shown. */
static void strip_secrets(json_t *config)
{
    static const char *const secret[] = {"token", "password", "secret", "api_key"};
    for (size_t i = 0; json_is_object(config) && i < sizeof(secret) / sizeof(secret[0]); i++)
        json_object_del(config, secret[i]);
}

static json_t *time_or_null(int64_t when)
{
    if (!when)
        return json_null();
    char text[32];
    ud_time_format(text, when);
    return json_string(text);
}

static json_t *text_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

void *ud_sync_log_json(const ud_sync_log *l)
{
    return json_pack(
        "{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:I,s:o,s:o,s:o}", "id", l->id, "status",
        l->status, "kind", l->kind, "documents_processed", (json_int_t)l->processed,
        "documents_added", (json_int_t)l->added, "documents_updated", (json_int_t)l->updated,
        "documents_deleted", (json_int_t)l->deleted, "documents_failed", (json_int_t)l->failed,
        "documents_total", l->total >= 0 ? json_integer(l->total) : json_null(), "error_message",
        text_or_null(l->error_message), "details",
        json_loads(l->details_json ? l->details_json : "{}", 0, NULL), "duration_seconds",
        (json_int_t)l->duration_seconds, "started_at", time_or_null(l->started_at), "completed_at",
        time_or_null(l->completed_at), "worker", text_or_null(l->worker));
}

void *ud_source_json(const ud_source_row *s, const ud_sync_log *latest, int64_t now)
{
    json_t *config = json_loads(s->config_json ? s->config_json : "{}", 0, NULL);
    char connector[64] = "";
    const char *stored = json_string_value(json_object_get(config, "connector"));
    if (stored) {
        ud_connector_spelling(connector, sizeof(connector), stored);
        json_object_set_new(config, "connector", json_string(connector));
    }
    strip_secrets(config);
    json_t *out = json_pack(
        "{s:s,s:s,s:o,s:s,s:s,s:o,s:o,s:o,s:I,s:o,s:b,s:o}", "id", s->id, "type", s->type,
        "connector", text_or_null(stored ? connector : NULL), "name", s->name, "status", s->status,
        "config", config ? config : json_object(), "last_sync_at", time_or_null(s->last_sync_at),
        "last_sync_status", text_or_null(s->last_sync_status), "sync_frequency_minutes",
        (json_int_t)s->sync_frequency_minutes, "error_message", text_or_null(s->error_message),
        "has_credentials", s->credentials_encrypted && s->credentials_encrypted[0], "created_at",
        time_or_null(s->created_at));
    json_t *progress = json_null();
    if (latest && strcmp(latest->status, "started") == 0) {
        double elapsed =
            (double)((latest->heartbeat_at > latest->started_at ? latest->heartbeat_at : now) -
                     latest->started_at);
        double rate = elapsed > 0 ? (double)latest->processed / elapsed : 0;
        json_t *eta = json_null();
        if (latest->total >= 0 && rate > 0)
            eta = json_integer(
                (json_int_t)((double)(latest->total - latest->processed) / rate + 0.5));
        progress =
            json_pack("{s:s,s:I,s:o,s:I,s:f,s:o}", "sync_id", latest->id, "processed",
                      (json_int_t)latest->processed, "total",
                      latest->total >= 0 ? json_integer(latest->total) : json_null(), "failed",
                      (json_int_t)latest->failed, "rate_per_second", rate, "eta_seconds", eta);
    }
    json_object_set_new(out, "progress", progress);
    json_object_set_new(out, "last_sync", latest ? ud_sync_log_json(latest) : json_null());
    return out;
}

/* The mailbox owner of an mbox: its first Delivered-To address. */
static const char *mbox_owner(ud_arena *arena, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char line[1024];
    const char *owner = NULL;
    for (int i = 0; !owner && i < 20000 && fgets(line, sizeof(line), f); i++)
        if (strncasecmp(line, "Delivered-To:", 13) == 0) {
            char *v = line + 13;
            while (*v == ' ' || *v == '\t')
                v++;
            v[strcspn(v, " \t\r\n<>")] = '\0';
            if (strchr(v, '@'))
                owner = ud_arena_strdup(arena, v);
        }
    fclose(f);
    return owner;
}

/* The organization's source of this connector reading this path. */
static int find_source(ud_source_row *out, bool *found, ud_meta *meta, ud_arena *arena,
                       const char *org_id, const char *connector, const char *path)
{
    ud_source_row *rows = NULL;
    size_t count = 0;
    *found = false;
    int rc = ud_meta_source_list(&rows, &count, meta, arena, org_id);
    for (size_t i = 0; rc == 0 && i < count && !*found; i++) {
        json_t *config = json_loads(rows[i].config_json, 0, NULL);
        const char *c = json_string_value(json_object_get(config, "connector"));
        const char *p = json_string_value(json_object_get(config, "path"));
        if (c && p && strcmp(c, connector) == 0 && strcmp(p, path) == 0) {
            *out = rows[i];
            *found = true;
        }
        json_decref(config);
    }
    return rc;
}

int ud_source_import(struct ud_sync_result *out, ud_source_row *out_source,
                     const struct ud_sync_env *env, ud_arena *arena, const char *org_id,
                     const char *connector, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return ud_error_set(UD_ENOTFOUND, "%s does not exist", path);
    const char *abs = ud_arena_strdup(arena, real);
    free(real);
    bool found = false;
    int rc = find_source(out_source, &found, env->meta, arena, org_id, connector, abs);
    if (rc == 0 && !found) {
        const char *config = "{}";
        if (strcmp(connector, "gmail_export") == 0) {
            const char *owner = mbox_owner(arena, abs);
            if (!owner)
                return ud_error_set(UD_EINVAL,
                                    "%s has no Delivered-To header to tell whose mailbox it is; "
                                    "add it with `unify source add --type gmail-export --config "
                                    "'{\"owner\": \"EMAIL\"}'`",
                                    abs);
            config = ud_arena_sprintf(arena, "{\"owner\": \"%s\"}", owner);
        }
        const char *base = strrchr(abs, '/');
        char spelling[64];
        ud_connector_spelling(spelling, sizeof(spelling), connector);
        ud_source_spec spec = {
            .connector = connector,
            .path = abs,
            .config_json = config,
            .name = ud_arena_sprintf(arena, "%s %s", spelling, base ? base + 1 : abs)};
        char message[512];
        rc = ud_source_add(out_source, message, sizeof(message), env->meta, arena, org_id, &spec,
                           env->fernet_key);
    }
    if (rc < 0)
        return rc;
    return ud_sync_run(out, env, arena, org_id, out_source->id);
}
