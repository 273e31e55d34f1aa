/*
 * `unify ingest PATH...`: runs the ingest pipeline over files and folders
 * and reports what was added, updated, unchanged and failed.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/progress.h"
#include "cli/admin.h"
#include "connectors/connector.h"
#include "store/blobs.h"
#include "sync/ingest.h"
#include "sync/job.h"
#include "sync/reindex.h"
#include "sync/sources.h"

static const char usage[] =
    "usage: unify ingest [--data DIR] [--json] PATH...\n\n"
    "Extracts, cleans, chunks and indexes the files under each PATH (.txt .md\n"
    ".html .htm .pdf .docx .eml .json; hidden files and other types are skipped).\n"
    "A file whose SHA-256 is unchanged since the last run is not processed again.\n"
    "Files that cannot be ingested are reported with the reason and skipped.\n"
    "Exits 1 if any file failed, 0 otherwise.\n\n"
    "  -d, --data DIR  data directory (default: $UNIFY_DATA, else ./unify-data)\n"
    "  -j, --json      print the counts and failures as JSON\n";

typedef struct ingest_ui {
    ud_progress progress;
    bool json;
    json_t *failures;
    json_t *exports; /* [{"path", "connector"}] found by the walk */
    bool imports_failed;
} ingest_ui;

static void on_progress(size_t done, size_t total, const char *path, void *payload)
{
    ingest_ui *ui = payload;
    if (ui->progress.total != total)
        ud_progress_begin(&ui->progress, "ingest", total);
    ud_progress_update(&ui->progress, done, path);
}

static void on_failure(const char *path, const char *reason, void *payload)
{
    ingest_ui *ui = payload;
    if (ui->json) {
        json_array_append_new(ui->failures,
                              json_pack("{s:s, s:s}", "path", path, "reason", reason));
        return;
    }
    /* Clear the bar's line so the message is readable, the bar redraws. */
    if (ui->progress.enabled)
        fprintf(stderr, "\r\033[K");
    fprintf(stderr, "failed: %s: %s\n", path, reason);
}

static void on_export(const char *path, const char *connector, void *payload)
{
    ingest_ui *ui = payload;
    json_array_append_new(ui->exports,
                          json_pack("{s:s,s:s}", "path", path, "connector", connector));
}

/* Imports each export through its connector as a data source of the
 * organization; the results go to out as {"path", "connector", "source_id",
 * "status", "summary", ...counts}, and every import's units are added to
 * *counts (an export that cannot be imported at all is one failed unit).
 * Returns non-zero only when the object store cannot be opened. */
static int import_exports(json_t *out, ud_doc_counts *counts, ingest_ui *ui,
                          const ud_config *config, ud_meta *meta, ud_arena *arena,
                          const char *org_id, ud_embedder *embedder)
{
    char url[1200];
    ud_config_objects_url(config, url, sizeof(url));
    ud_blobs *blobs = NULL;
    if (ud_blobs_open(&blobs, url) < 0) {
        ud_cli_fail("object store");
        return 1;
    }
    ud_sync_env env;
    ud_cli_sync_env(&env, config, meta, blobs, embedder);
    size_t i;
    json_t *x;
    json_array_foreach(ui->exports, i, x)
    {
        const char *path = json_string_value(json_object_get(x, "path"));
        const char *connector = json_string_value(json_object_get(x, "connector"));
        ud_sync_result result;
        ud_source_row source;
        int rc = ud_source_import(&result, &source, &env, arena, org_id, connector, path);
        char spelling[64]; /* as people spell it, in the output */
        ud_connector_spelling(spelling, sizeof(spelling), connector);
        json_t *entry = json_pack("{s:s,s:s}", "path", path, "connector", spelling);
        if (rc < 0) {
            ui->imports_failed = true;
            ud_doc_counts_fail(counts);
            json_object_set_new(entry, "status", json_string("failed"));
            json_object_set_new(entry, "summary", json_string(ud_error_last()));
        } else {
            const ud_sync_log *l = &result.log;
            const ud_doc_counts *n = &result.counts;
            bool ok = strcmp(l->status, "completed") == 0;
            ui->imports_failed |= !ok;
            ud_doc_counts_add(counts, n);
            json_object_set_new(entry, "source_id", json_string(source.id));
            json_object_set_new(entry, "status", json_string(l->status));
            json_object_set_new(
                entry, "summary",
                json_string(ud_arena_sprintf(
                    arena,
                    "%s: %lld added, %lld updated, %lld unchanged, %lld deleted, %lld failed%s%s",
                    ok ? "imported" : "import failed", (long long)n->added, (long long)n->updated,
                    (long long)n->unchanged, (long long)l->deleted, (long long)n->failed,
                    l->error_message ? "; " : "", l->error_message ? l->error_message : "")));
            json_object_set_new(entry, "log", ud_sync_log_json(l));
        }
        json_array_append_new(out, entry);
    }
    ud_blobs_free(blobs);
    return 0;
}

int ud_cmd_ingest(int argc, char **argv)
{
    const ud_cli_spec spec = {usage, NULL, UD_CLI_DATA | UD_CLI_JSON, 1, -1, NULL};
    ud_cli_flags flags;
    int parsed = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (parsed)
        return parsed < 0 ? 0 : parsed;
    const char *data = flags.data;
    bool json = flags.json;
    ud_config config;
    if (ud_cli_load_config(&config, ud_cli_data_dir(data)) != 0)
        return 1;
    ud_meta *meta = NULL;
    if (ud_cli_open_store(&meta, &config) != 0)
        return 1;
    ud_arena arena;
    ud_arena_init(&arena);
    int status = 1;
    ud_embedder *embedder = NULL;
    ud_org org;
    if (ud_cli_org(&org, meta, &arena, &config) != 0)
        goto done;

    ingest_ui ui;
    memset(&ui, 0, sizeof(ui));
    ui.json = json;
    ui.failures = json_array();
    ui.exports = json_array();
    ud_ingest_opts opts;
    ud_ingest_opts_default(&opts, org.id);
    opts.chunker.target_tokens = (size_t)config.chunk_tokens;
    opts.chunker.overlap_tokens = (size_t)config.chunk_overlap;
    opts.limits.max_file_bytes = (size_t)config.max_file_mb << 20;
    opts.on_progress = on_progress;
    opts.on_failure = on_failure;
    opts.on_export = on_export;
    opts.payload = &ui;
    if (opts.chunker.overlap_tokens >= opts.chunker.target_tokens) {
        fprintf(stderr, "unify: chunk_overlap must be smaller than chunk_tokens\n");
        json_decref(ui.failures);
        json_decref(ui.exports);
        goto done;
    }

    /* The index is opened (and rebuilt if it fell behind the store) before
     * any file is read. */
    ud_collection_writer *index = NULL;
    bool rebuilt = false;
    if (ud_cli_prepare_vectors(&config, true) != 0 ||
        ud_cli_open_embedder(&embedder, &config) != 0) {
        json_decref(ui.failures);
        json_decref(ui.exports);
        goto done;
    }
    if (ud_index_open_writer(&index, &rebuilt, config.data_dir, meta, org.id, embedder) < 0) {
        ud_cli_fail("index");
        json_decref(ui.failures);
        json_decref(ui.exports);
        goto done;
    }
    opts.embedder = embedder;
    if (rebuilt && !json)
        fprintf(stderr, "unify: the index was behind the metadata store and was rebuilt\n");
    opts.index = index;
    ud_ingest_stats stats;
    int rc = ud_ingest_paths(&stats, meta, flags.operands, flags.operand_count, &opts);
    ud_collection_writer_close(index);
    ud_progress_end(&ui.progress);
    if (rc < 0) {
        ud_cli_fail("ingest stopped");
        json_decref(ui.failures);
        json_decref(ui.exports);
        goto done;
    }
    /* Exports go through their importers, after the files: each is a data
     * source of the organization, synced with the index writer of its own. */
    /* The summary is of everything: the files and every export's units. */
    ud_doc_counts total = stats.counts;
    json_t *imports = json_array();
    if (json_array_size(ui.exports) > 0 &&
        import_exports(imports, &total, &ui, &config, meta, &arena, org.id, embedder) != 0) {
        json_decref(imports);
        json_decref(ui.failures);
        json_decref(ui.exports);
        goto done;
    }
    json_decref(ui.exports);
    if (json) {
        json_t *o = json_pack(
            "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "files", (json_int_t)stats.files, "added",
            (json_int_t)total.added, "updated", (json_int_t)total.updated, "unchanged",
            (json_int_t)total.unchanged, "excluded", (json_int_t)total.excluded, "failed",
            (json_int_t)total.failed, "chunks", (json_int_t)total.chunks, "failures", ui.failures);
        json_object_set_new(o, "exports", imports);
        char *text = json_dumps(o, JSON_INDENT(2));
        puts(text);
        free(text);
        json_decref(o);
    } else {
        json_decref(ui.failures);
        size_t i;
        json_t *x;
        json_array_foreach(imports, i, x)
        {
            printf("%s (%s): %s\n", json_string_value(json_object_get(x, "path")),
                   json_string_value(json_object_get(x, "connector")),
                   json_string_value(json_object_get(x, "summary")));
        }
        json_decref(imports);
        if (total.unchanged > 0 && total.unchanged == total.seen)
            printf("Nothing to do: all %lld documents are unchanged.\n",
                   (long long)total.unchanged);
        else if (total.excluded > 0)
            printf("%lld added, %lld updated, %lld unchanged, %lld excluded, %lld failed (%lld "
                   "chunks written)\n",
                   (long long)total.added, (long long)total.updated, (long long)total.unchanged,
                   (long long)total.excluded, (long long)total.failed, (long long)total.chunks);
        else
            printf("%lld added, %lld updated, %lld unchanged, %lld failed (%lld chunks written)\n",
                   (long long)total.added, (long long)total.updated, (long long)total.unchanged,
                   (long long)total.failed, (long long)total.chunks);
    }
    /* Anything that failed, a file or an export's item, fails the run. */
    status = total.failed > 0 || ui.imports_failed ? 1 : 0;
done:
    ud_embedder_free(embedder);
    ud_arena_dispose(&arena);
    ud_meta_close(meta);
    return status;
}
