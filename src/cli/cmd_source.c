/*
 * `unify source add|list|show|sync|logs|remove`: the data sources of an
 * organization and their syncs. `sync` runs the job in this process, in
 * the foreground, with a progress bar on a terminal; `unify serve` runs
 * them on its own schedule.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/progress.h"
#include "cli/admin.h"
#include "connectors/connector.h"
#include "sync/job.h"
#include "sync/sources.h"

/* Opens the object store of the data directory (objects setting). */
static int open_blobs(ud_blobs **out, const ud_config *config)
{
    char url[1200];
    ud_config_objects_url(config, url, sizeof(url));
    if (ud_blobs_open(out, url) < 0) {
        ud_cli_fail("object store");
        return 1;
    }
    return 0;
}

static int source_add(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *type = NULL, *name = NULL, *path = NULL, *config = NULL, *pii = NULL,
               *frequency = NULL, *credentials = NULL;
    const ud_cli_option options[] = {{"type", true, &type},
                                     {"name", true, &name},
                                     {"path", true, &path},
                                     {"config", true, &config},
                                     {"credentials", true, &credentials},
                                     {"pii", true, &pii},
                                     {"frequency", true, &frequency},
                                     {NULL, false, NULL}};
    int rc = ud_cli_parse(&flags, options, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!type) {
        fputs("unify source add: --type is required\n", stderr);
        return 2;
    }
    const ud_connector *connector = NULL;
    if (ud_source_connector(&connector, type) < 0) {
        fprintf(stderr, "unify source add: --type: %s\n", ud_error_last());
        return 2;
    }
    long minutes = 30;
    if (frequency) {
        char *end = NULL;
        minutes = strtol(frequency, &end, 10);
        if (end == frequency || *end || minutes < 1 || minutes > 525600) {
            fputs("unify source add: --frequency must be 1 to 525600 minutes\n", stderr);
            return 2;
        }
    }
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    ud_source_spec spec = {.connector = type,
                           .name = name,
                           .path = path,
                           .config_json = config,
                           .credentials_json = credentials,
                           .pii = pii,
                           .frequency_minutes = minutes};
    ud_source_row row;
    char message[512] = "";
    if (ud_source_add(&row, message, sizeof(message), s.meta, &s.arena, s.org.id, &spec,
                      s.config.fernet_key) < 0) {
        ud_cli_fail("source add");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "source_add", row.id,
                 json_pack("{s:s,s:s}", "type", row.type, "name", row.name));
    if (s.json)
        ud_cli_print_json(ud_source_json(&row, NULL, ud_now()));
    else
        printf("Added source '%s' (%s, id %s): %s.\nSync it with `unify source sync %s`.\n",
               row.name, row.type, row.id, message, row.id);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

/* The newest sync log of a source, or NULL. */
static const ud_sync_log *latest_log(ud_cli_session *s, const char *source_id)
{
    ud_sync_log *logs = NULL;
    size_t count = 0;
    if (ud_meta_sync_logs(&logs, &count, s->meta, &s->arena, s->org.id, source_id, 1) < 0 ||
        count == 0)
        return NULL;
    return &logs[0];
}

static int source_list(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    int rc = ud_cli_parse(&flags, NULL, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    ud_source_row *rows = NULL;
    size_t count = 0;
    if (ud_meta_source_list(&rows, &count, s.meta, &s.arena, s.org.id) < 0) {
        ud_cli_fail("source list");
        goto done;
    }
    int64_t now = ud_now();
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(list, ud_source_json(&rows[i], latest_log(&s, rows[i].id), now));
    if (s.json) {
        ud_cli_print_json(json_pack("{s:s,s:o}", "org", s.org.slug, "sources", list));
        status = 0;
        goto done;
    }
    printf("%-36s %-13s %-12s %-20s %s\n", "ID", "TYPE", "STATUS", "LAST SYNC", "NAME / PROGRESS");
    size_t i;
    json_t *o;
    json_array_foreach(list, i, o)
    {
        const char *last = json_string_value(json_object_get(o, "last_sync_at"));
        printf("%-36s %-13s %-12s %-20s %s", json_string_value(json_object_get(o, "id")),
               json_string_value(json_object_get(o, "type")),
               json_string_value(json_object_get(o, "status")), last ? last : "never",
               json_string_value(json_object_get(o, "name")));
        json_t *p = json_object_get(o, "progress");
        if (json_is_object(p)) {
            printf("  [%lld", (long long)json_integer_value(json_object_get(p, "processed")));
            if (json_is_integer(json_object_get(p, "total")))
                printf("/%lld", (long long)json_integer_value(json_object_get(p, "total")));
            printf(" documents, %.1f/s", json_real_value(json_object_get(p, "rate_per_second")));
            if (json_is_integer(json_object_get(p, "eta_seconds")))
                printf(", ETA %lld s",
                       (long long)json_integer_value(json_object_get(p, "eta_seconds")));
            printf("]");
        }
        printf("\n");
    }
    json_decref(list);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int source_show(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *id = NULL;
    int rc = ud_cli_parse(&flags, NULL, &id, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    ud_source_row row;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    if (ud_meta_source_get(&row, s.meta, &s.arena, s.org.id, id) < 0) {
        ud_cli_fail("source show");
        goto done;
    }
    json_t *o = ud_source_json(&row, latest_log(&s, row.id), ud_now());
    ud_cli_print_json(o); /* the same view as text and JSON: it is a record */
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

typedef struct sync_view {
    ud_progress bar;
    bool started;
} sync_view;

static void show_progress(const ud_sync_log *log, void *payload)
{
    sync_view *v = payload;
    if (!v->started && log->total > 0) {
        ud_progress_begin(&v->bar, "syncing", (size_t)log->total);
        v->started = true;
    }
    if (v->started)
        ud_progress_update(&v->bar, (size_t)log->processed, NULL);
}

/* The {item, reason} list of a sync's details, one per line. */
static void print_items(const json_t *items, const char *what)
{
    size_t i;
    json_t *f;
    json_array_foreach(items, i, f)
    {
        printf("  %s %s: %s\n", what, json_string_value(json_object_get(f, "item")),
               json_string_value(json_object_get(f, "reason")));
    }
}

static int source_sync(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *id = NULL;
    int rc = ud_cli_parse(&flags, NULL, &id, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    ud_blobs *blobs = NULL;
    ud_embedder *embedder = NULL;
    if (ud_cli_session_open(&s, &flags, true) != 0 || open_blobs(&blobs, &s.config) != 0 ||
        ud_cli_open_embedder(&embedder, &s.config) != 0)
        goto done;
    sync_view view = {0};
    ud_sync_env env;
    ud_cli_sync_env(&env, &s.config, s.meta, blobs, embedder);
    env.on_progress = show_progress;
    env.payload = &view;
    ud_sync_result result;
    rc = ud_sync_run(&result, &env, &s.arena, s.org.id, id);
    if (view.started)
        ud_progress_end(&view.bar);
    if (rc < 0) {
        ud_cli_fail("source sync");
        goto done;
    }
    const ud_sync_log *l = &result.log;
    if (s.json) {
        json_t *o = ud_sync_log_json(l);
        json_object_set_new(o, "resumed", json_boolean(result.resumed));
        ud_cli_print_json(o);
    } else {
        json_t *details = json_loads(l->details_json, 0, NULL);
        json_int_t skipped = json_integer_value(json_object_get(details, "skipped"));
        char also[64] = "";
        if (skipped > 0)
            snprintf(also, sizeof(also), ", %lld skipped", (long long)skipped);
        printf("%s: %lld processed, %lld added, %lld updated, %lld deleted%s, %lld failed%s.\n",
               strcmp(l->status, "completed") == 0 ? "Synced" : "Sync failed",
               (long long)l->processed, (long long)l->added, (long long)l->updated,
               (long long)l->deleted, also, (long long)l->failed,
               result.resumed ? " (resumed from a checkpoint)" : "");
        if (l->error_message)
            printf("%s\n", l->error_message);
        print_items(json_object_get(details, "skipped_items"), "skipped");
        print_items(json_object_get(details, "failures"), "failed");
        json_decref(details);
    }
    status = strcmp(l->status, "completed") == 0 ? 0 : 1;
done:
    ud_embedder_free(embedder);
    ud_blobs_free(blobs);
    ud_cli_session_close(&s);
    return status;
}

static int source_logs(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *id = NULL, *limit_text = NULL;
    const ud_cli_option options[] = {{"limit", true, &limit_text}, {NULL, false, NULL}};
    int rc = ud_cli_parse(&flags, options, &id, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    long limit = limit_text ? strtol(limit_text, NULL, 10) : 20;
    if (limit < 1 || limit > 1000) {
        fputs("unify source logs: --limit must be 1 to 1000\n", stderr);
        return 2;
    }
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    ud_sync_log *logs = NULL;
    size_t count = 0;
    if (ud_meta_sync_logs(&logs, &count, s.meta, &s.arena, s.org.id, id, (size_t)limit) < 0) {
        ud_cli_fail("source logs");
        goto done;
    }
    if (s.json) {
        json_t *list = json_array();
        for (size_t i = 0; i < count; i++)
            json_array_append_new(list, ud_sync_log_json(&logs[i]));
        ud_cli_print_json(json_pack("{s:o}", "logs", list));
    } else {
        printf("%-20s %-10s %9s %6s %8s %8s %7s %6s  %s\n", "STARTED", "STATUS", "PROCESSED",
               "ADDED", "UPDATED", "DELETED", "FAILED", "SECS", "MESSAGE");
        for (size_t i = 0; i < count; i++) {
            char at[32];
            ud_time_format(at, logs[i].started_at);
            printf("%-20s %-10s %9lld %6lld %8lld %8lld %7lld %6lld  %s\n", at, logs[i].status,
                   (long long)logs[i].processed, (long long)logs[i].added,
                   (long long)logs[i].updated, (long long)logs[i].deleted,
                   (long long)logs[i].failed, (long long)logs[i].duration_seconds,
                   logs[i].error_message ? logs[i].error_message : "");
        }
    }
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int source_remove(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *id = NULL;
    int rc = ud_cli_parse(&flags, NULL, &id, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    ud_blobs *blobs = NULL;
    ud_embedder *embedder = NULL; /* the index's vectors: a writer opens with them */
    ud_source_row row;
    if (ud_cli_session_open(&s, &flags, true) != 0 || open_blobs(&blobs, &s.config) != 0 ||
        ud_cli_open_embedder(&embedder, &s.config) != 0)
        goto done;
    ud_sync_env env;
    ud_cli_sync_env(&env, &s.config, s.meta, blobs, embedder);
    if (ud_meta_source_get(&row, s.meta, &s.arena, s.org.id, id) < 0 ||
        ud_source_remove(&env, &s.arena, s.org.id, id) < 0) {
        ud_cli_fail("source remove");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "source_remove", row.id, json_pack("{s:s}", "name", row.name));
    if (s.json)
        ud_cli_print_json(json_pack("{s:s,s:b}", "id", row.id, "removed", 1));
    else
        printf("Removed source '%s' with its documents; they are out of search now.\n", row.name);
    status = 0;
done:
    ud_embedder_free(embedder);
    ud_blobs_free(blobs);
    ud_cli_session_close(&s);
    return status;
}

static const ud_cli_subcommand SUBCOMMANDS[] = {
    {"add",
     "add --type TYPE [--path P] [--name N] [--config JSON] [--credentials JSON]\n"
     "    [--pii off|redact|exclude] [--frequency MINUTES]\n\n"
     "Adds a data source after checking it can be read. TYPE, its connector: folder,\n"
     "slack-export, gmail-export, notion-export, salesforce-export. --path: the export or\n"
     "folder.\n"
     "--config: the connector's settings as JSON (e.g. {\"include_private\": true} for Slack,\n"
     "{\"owner\": \"ann@acme.com\", \"full_content\": true} for Gmail). --credentials are\n"
     "encrypted (Fernet) before they are stored. --pii: what to do with SSNs, card numbers,\n"
     "IBANs, phone numbers, emails and API keys found in documents (default off).\n",
     source_add},
    {"list",
     "list\n\nThe sources with their status, last sync and the progress of a running one.\n",
     source_list},
    {"show", "show ID\n\nOne source and its last sync.\n", source_show},
    {"sync",
     "sync ID\n\nSyncs the source now, in this process (full the first time, then only what\n"
     "changed is processed again); an interrupted sync resumes from its last checkpoint.\n"
     "Exits 1 if the sync failed.\n",
     source_sync},
    {"logs", "logs ID [--limit N]\n\nThe source's syncs, newest first.\n", source_logs},
    {"remove",
     "remove ID\n\nRemoves the source with its documents and raw files; its documents leave\n"
     "search and answers at once. Exits 1, removing nothing, while a sync or an ingest\n"
     "of the organization is writing its index.\n",
     source_remove},
};

int ud_cmd_source(int argc, char **argv)
{
    return ud_cli_dispatch("source", "Data sources and their syncs.", SUBCOMMANDS,
                           sizeof(SUBCOMMANDS) / sizeof(SUBCOMMANDS[0]), argc, argv);
}
