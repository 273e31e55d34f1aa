/*
 * The sync job (job.h).
 *
 * Resuming: the checkpoint stored on the source wraps the connector's own
 * position with the id of the sync that marks documents seen:
 *   {"sync": "<sync id>", "position": <the connector's checkpoint>}
 * A resumed job keeps marking documents with that first id, so that the
 * documents seen before the interruption count as seen when the full sync
 * ends and deletes the rest.
 */
#include "sync/job.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fernet.h"
#include "base/log.h"
#include "connectors/connector.h"
#include "doc/pii.h"
#include "embed/openai_embed.h"
#include "sync/counts.h"
#include "sync/pipeline.h"
#include "sync/reindex.h"

#define MAX_FAILURES_KEPT 100
#define DEFAULT_STALE_SECONDS 300
#define HEARTBEAT_MS 2000.0

const char *ud_sync_worker_name(void)
{
    static __thread char name[300];
    if (!name[0]) {
        char host[256] = "";
        gethostname(host, sizeof(host) - 1);
        snprintf(name, sizeof(name), "%s:%ld", host, (long)getpid());
    }
    return name;
}

typedef struct job {
    const ud_sync_env *env;
    ud_arena *arena;
    const char *org_id;
    const ud_source_row *source;
    ud_sync_log log;
    const char *marking_sync; /* the id documents are marked seen with */
    ud_collection_writer *writer;
    ud_doc_pipeline pipeline;
    json_t *failures; /* [{"item", "reason"}], at most MAX_FAILURES_KEPT */
    json_t *skipped;  /* the same, of items left out on purpose */
    double last_heartbeat;
    int fatal;              /* the store or the index failed: the job stops */
    long batches;           /* committed so far */
    ud_pii_mode pii;        /* the source's "pii" setting */
    ud_pii_counts pii_seen; /* what the detectors found, over the job */
    ud_doc_counts counts;   /* every unit; the log's counts are a copy */
    int64_t tokens_before;  /* the embedding provider's token count at the start */
} job;

static void heartbeat(job *j, bool force)
{
    double now = ud_monotonic_ms();
    if (!force && now - j->last_heartbeat < HEARTBEAT_MS)
        return;
    j->last_heartbeat = now;
    if (ud_meta_sync_progress(j->env->meta, &j->log, ud_now()) < 0)
        UD_LOG(NULL, UD_LOG_WARN, "sync %s: progress not recorded: %s", j->log.id, ud_error_last());
    if (j->env->on_progress)
        j->env->on_progress(&j->log, j->env->payload);
}

/* Keeps {item, reason} in list, up to MAX_FAILURES_KEPT of them. */
static void keep_item(json_t *list, const char *item, const char *reason)
{
    if (json_array_size(list) < MAX_FAILURES_KEPT)
        json_array_append_new(
            list, json_pack("{s:s,s:s}", "item", item ? item : "", "reason", reason ? reason : ""));
}

static void record_failure(job *j, const char *item, const char *reason)
{
    ud_doc_counts_fail(&j->counts);
    ud_doc_counts_to_log(&j->log, &j->counts);
    keep_item(j->failures, item, reason);
    UD_LOG(NULL, UD_LOG_INFO, "sync %s: %s failed: %s", j->log.id, item ? item : "?", reason);
}

/* The sensitive-data step of the pipeline: the source's mode, the counts
 * summed for the sync log. */
static int filter_pii(const char **out_text, size_t *out_len, bool *out_exclude, const char *text,
                      size_t len, ud_arena *arena, void *payload)
{
    job *j = payload;
    ud_pii_result result;
    int rc = ud_pii_apply(&result, arena, j->pii, text, len);
    if (rc < 0)
        return rc;
    ud_pii_counts_add(&j->pii_seen, &result.counts);
    *out_text = result.text;
    *out_len = result.len;
    *out_exclude = result.exclude;
    return 0;
}

static int on_document(const ud_source_document *doc, void *payload)
{
    job *j = payload;
    ud_arena arena; /* one per document: memory bounded by the largest */
    ud_arena_init(&arena);
    ud_doc_outcome outcome = UD_DOC_UNCHANGED;
    size_t chunks = 0;
    bool store_failed = false;
    int rc = ud_doc_pipeline_process(&outcome, &chunks, &store_failed, &j->pipeline, doc, &arena);
    if (rc == 0) {
        ud_doc_counts_outcome(&j->counts, outcome, chunks);
        ud_doc_counts_to_log(&j->log, &j->counts);
    } else if (store_failed) {
        /* The job stops; the document it stopped on counts as failed. */
        ud_doc_counts_fail(&j->counts);
        ud_doc_counts_to_log(&j->log, &j->counts);
        j->fatal = rc;
    } else {
        record_failure(j, doc->doc.source_key, ud_error_last());
        rc = 0;
    }
    ud_arena_dispose(&arena);
    heartbeat(j, false);
    return rc;
}

static int delete_document(job *j, const char *doc_id)
{
    int rc = ud_collection_writer_delete(j->writer, doc_id);
    if (rc == 0)
        rc = ud_meta_document_delete(j->env->meta, j->org_id, doc_id);
    if (rc == UD_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        j->log.deleted++;
    return rc;
}

static int on_deleted(const char *source_key, void *payload)
{
    job *j = payload;
    ud_arena arena;
    ud_arena_init(&arena);
    ud_doc_row row;
    int rc = ud_meta_document_get_by_key(&row, j->env->meta, &arena, j->org_id, j->source->id,
                                         source_key);
    if (rc == 0)
        rc = delete_document(j, row.id);
    else if (rc == UD_ENOTFOUND)
        rc = 0;
    ud_arena_dispose(&arena);
    if (rc < 0)
        j->fatal = rc;
    return rc;
}

/* Commits what the batch indexed, then records where the next one starts. */
static int commit_batch(job *j, const char *position_json)
{
    int64_t generation = 0;
    int rc = ud_meta_generation(j->env->meta, j->org_id, &generation);
    if (rc == 0)
        rc = ud_collection_writer_commit(j->writer, generation);
    if (rc < 0 || !position_json)
        return rc;
    json_t *position = json_loads(position_json, 0, NULL);
    if (!position)
        return ud_error_set(UD_EINVAL, "the connector's checkpoint is not JSON");
    json_t *wrapped = json_pack("{s:s,s:o}", "sync", j->marking_sync, "position", position);
    char *text = json_dumps(wrapped, JSON_COMPACT);
    json_decref(wrapped);
    rc = ud_meta_sync_checkpoint(j->env->meta, &j->log, j->source->id, text, ud_now());
    free(text);
    return rc;
}

/* Fault injection for the crash tests: UNIFY_SYNC_KILL_AFTER_BATCHES=n
 * kills the process (SIGKILL, no cleanup) right after its n-th committed
 * batch, the way a crash or an OOM kill would. */
static void maybe_die(job *j)
{
    const char *n = getenv("UNIFY_SYNC_KILL_AFTER_BATCHES");
    if (n && ++j->batches == strtol(n, NULL, 10))
        kill(getpid(), SIGKILL);
}

static int on_checkpoint(const char *checkpoint_json, void *payload)
{
    job *j = payload;
    int rc = commit_batch(j, checkpoint_json);
    if (rc < 0)
        j->fatal = rc;
    heartbeat(j, true);
    if (rc == 0)
        maybe_die(j);
    return rc;
}

static void on_failed(const char *item, const char *reason, void *payload)
{
    record_failure(payload, item, reason);
}

static void on_skipped(const char *item, const char *reason, void *payload)
{
    job *j = payload;
    ud_doc_counts_skip(&j->counts);
    ud_doc_counts_to_log(&j->log, &j->counts);
    keep_item(j->skipped, item, reason);
    UD_LOG(NULL, UD_LOG_INFO, "sync %s: %s skipped: %s", j->log.id, item ? item : "?", reason);
}

static void on_progress(size_t done, size_t total, void *payload)
{
    job *j = payload;
    (void)done;
    j->log.total = (int64_t)total;
}

/* The decrypted credentials ("{}" when the source has none). */
static int credentials_of(const char **out, const job *j)
{
    const char *token = j->source->credentials_encrypted;
    if (!token || !token[0]) {
        *out = "{}";
        return 0;
    }
    ud_fernet_key key;
    int rc = ud_fernet_key_parse(&key, ud_str_from(j->env->fernet_key));
    if (rc < 0)
        return ud_error_set(UD_EINVAL, "fernet_key is not set or not a Fernet key");
    uint8_t *plain = NULL;
    size_t len = 0;
    rc = ud_fernet_decrypt(&plain, &len, &key, ud_str_from(token), 0, ud_now());
    ud_fernet_key_wipe(&key);
    if (rc < 0)
        return ud_error_set(UD_EAUTH, "the source's credentials cannot be decrypted (was "
                                      "fernet_key changed?)");
    *out = ud_arena_strndup(j->arena, (const char *)plain, len);
    explicit_bzero(plain, len);
    free(plain);
    return 0;
}

/* The connector named by the source's config ("connector"). */
static const ud_connector *connector_of(const ud_source_row *source, ud_arena *arena)
{
    json_t *config = json_loads(source->config_json, 0, NULL);
    const char *name = json_string_value(json_object_get(config, "connector"));
    const ud_connector *c = name ? ud_connector_find(ud_arena_strdup(arena, name)) : NULL;
    json_decref(config);
    return c;
}

/* Runs the connector and the deletions of a full sync. */
static int run_connector(job *j, const ud_connector *connector, const char *resume_position)
{
    const char *credentials = NULL;
    int rc = credentials_of(&credentials, j);
    if (rc < 0)
        return rc;
    ud_source_config config = {.source_id = j->source->id,
                               .org_id = j->org_id,
                               .config_json = j->source->config_json,
                               .credentials_json = credentials,
                               .checkpoint_json = resume_position,
                               .max_item_bytes = j->env->limits.max_file_bytes,
                               .max_total_bytes = (size_t)4 << 30};
    ud_sync_sink sink = {.document = on_document,
                         .deleted = on_deleted,
                         .checkpoint = on_checkpoint,
                         .failed = on_failed,
                         .progress = on_progress,
                         .skipped = on_skipped,
                         .payload = j};
    ud_arena connector_arena;
    ud_arena_init(&connector_arena);
    rc = connector->sync(&config, &connector_arena, &sink);
    ud_arena_dispose(&connector_arena);
    if (j->fatal)
        return j->fatal;
    if (rc < 0)
        return rc;
    rc = commit_batch(j, NULL);
    if (rc < 0 || strcmp(j->log.kind, "full") != 0)
        return rc;
    char **unseen = NULL;
    size_t count = 0;
    rc = ud_meta_documents_unseen(&unseen, &count, j->env->meta, j->arena, j->org_id, j->source->id,
                                  j->marking_sync);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = delete_document(j, unseen[i]);
    if (rc == 0 && count > 0)
        rc = commit_batch(j, NULL);
    return rc;
}

static void finish(job *j, int rc)
{
    j->log.status = rc == 0 ? "completed" : "failed";
    if (rc < 0)
        j->log.error_message = ud_arena_strdup(j->arena, ud_error_last());
    else if (j->counts.failed > 0) /* of the documents: skipped items are none */
        j->log.error_message = ud_arena_sprintf(
            j->arena, "Synced %lld/%lld documents (%lld failed)",
            (long long)(j->counts.seen - j->counts.skipped - j->counts.failed),
            (long long)(j->counts.seen - j->counts.skipped), (long long)j->counts.failed);
    /* Tokens an embedding API counted for this job (0 for word vectors):
     * what its embeddings cost, with the price table. */
    int64_t tokens = ud_embedder_openai_tokens(j->env->embedder) - j->tokens_before;
    json_t *details =
        json_pack("{s:O,s:I,s:O,s:I,s:I,s:I}", "failures", j->failures, "skipped",
                  (json_int_t)j->counts.skipped, "skipped_items", j->skipped, "excluded",
                  (json_int_t)j->counts.excluded, "unchanged", (json_int_t)j->counts.unchanged,
                  "embedding_tokens", (json_int_t)tokens);
    ud_buf pii;
    ud_buf_init(&pii, 4096);
    if (ud_pii_counts_json(&pii, &j->pii_seen) == 0 && pii.ptr)
        json_object_set_new(details, "pii", json_loads(pii.ptr, 0, NULL));
    ud_buf_dispose(&pii);
    char *text = json_dumps(details, JSON_COMPACT);
    json_decref(details);
    j->log.details_json = ud_arena_strdup(j->arena, text ? text : "{}");
    free(text);
    if (ud_meta_sync_finish(j->env->meta, &j->log, j->source->id, ud_now()) < 0)
        UD_LOG(NULL, UD_LOG_ERROR, "sync %s: the result was not recorded: %s", j->log.id,
               ud_error_last());
    if (j->env->cache && ud_cache_drop_org(j->env->cache, j->org_id) < 0)
        UD_LOG(NULL, UD_LOG_WARN, "sync %s: query cache: %s", j->log.id, ud_error_last());
    if (j->env->on_progress)
        j->env->on_progress(&j->log, j->env->payload);
}

int ud_sync_run(ud_sync_result *out, const ud_sync_env *env, ud_arena *arena, const char *org_id,
                const char *source_id)
{
    memset(out, 0, sizeof(*out));
    ud_source_row source;
    int rc = ud_meta_source_get(&source, env->meta, arena, org_id, source_id);
    if (rc < 0)
        return rc;
    const ud_connector *connector = connector_of(&source, arena);
    if (!connector)
        return ud_error_set(UD_EINVAL, "data source %s names no known connector", source_id);
    job j = {.env = env, .arena = arena, .org_id = org_id, .source = &source};
    json_t *config = json_loads(source.config_json, 0, NULL);
    const char *mode = json_string_value(json_object_get(config, "pii"));
    rc = ud_pii_mode_parse(&j.pii, mode ? mode : "off");
    json_decref(config);
    if (rc < 0)
        return rc;
    const char *checkpoint = NULL;
    /* Imports of an export see the whole source each time: always full. */
    rc = ud_meta_source_claim(&j.log, &checkpoint, env->meta, arena, org_id, source_id,
                              ud_sync_worker_name(), "full", ud_now(),
                              env->stale_seconds ? env->stale_seconds : DEFAULT_STALE_SECONDS);
    if (rc < 0)
        return rc;
    const char *resume_position = NULL;
    j.marking_sync = j.log.id;
    if (checkpoint) {
        json_t *saved = json_loads(checkpoint, 0, NULL);
        const char *marking = json_string_value(json_object_get(saved, "sync"));
        json_t *position = json_object_get(saved, "position");
        if (marking && position) {
            j.marking_sync = ud_arena_strdup(arena, marking);
            char *text = json_dumps(position, JSON_COMPACT | JSON_ENCODE_ANY);
            resume_position = ud_arena_strdup(arena, text);
            free(text);
            out->resumed = true;
        }
        json_decref(saved);
    }
    j.failures = json_array();
    j.skipped = json_array();
    j.tokens_before = ud_embedder_openai_tokens(env->embedder);
    rc = ud_index_open_writer(&j.writer, NULL, env->data_dir, env->meta, org_id, env->embedder);
    if (rc == 0) {
        j.pipeline = (ud_doc_pipeline){.meta = env->meta,
                                       .org_id = org_id,
                                       .source_id = source.id,
                                       .sync_id = j.marking_sync,
                                       .blobs = env->blobs,
                                       .index = j.writer,
                                       .embedder = env->embedder,
                                       .chunker = env->chunker,
                                       .limits = env->limits,
                                       .filter = j.pii == UD_PII_OFF ? NULL : filter_pii,
                                       .filter_payload = &j};
        rc = run_connector(&j, connector, resume_position);
    }
    finish(&j, rc);
    ud_collection_writer_close(j.writer);
    json_decref(j.failures);
    json_decref(j.skipped);
    out->log = j.log;
    out->counts = j.counts;
    return 0;
}
