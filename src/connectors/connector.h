/*
 * The connector interface: what every source (Slack, Gmail, Notion,
 * Salesforce, Google Drive, a folder of files, and each one's export
 * format) implements, and the registry that names them.
 *
 * A connector only produces: source documents (a ud_document whose text
 * the sync job extracts, cleans, chunks and indexes), deletions and
 * checkpoints. It never touches the index, the database, the object store
 * or the cache: the sync job (src/sync/job.c) does, in the spec's order.
 *
 * Documents come in a deterministic order for a given input, and each
 * checkpoint says how far the stream got, so that a job killed at any
 * point resumes after its last committed checkpoint without indexing a
 * document twice or losing one.
 */
#ifndef UD_CONNECTORS_CONNECTOR_H
#define UD_CONNECTORS_CONNECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "doc/document.h"

/* One document as a source gives it. doc.text may be empty when the raw
 * bytes are to be extracted (a PDF attachment, a DOCX in a folder):
 * doc.file_type then names the extractor. doc.content_hash is the
 * SHA-256 of what identifies a version (the raw bytes, or the JSON the
 * document was built from): unchanged hashes are skipped before any
 * extraction or embedding. */
typedef struct ud_source_document {
    ud_document doc;
    const void *raw; /* the original bytes, kept in the object store */
    size_t raw_len;
    const char *raw_id; /* the file id in the object store layout */
} ud_source_document;

/* Where a connector sends what it finds. Each function returns 0 or a
 * negative code that stops the sync (and is returned by it). */
typedef struct ud_sync_sink {
    int (*document)(const ud_source_document *doc, void *payload);
    /* A document that the source says is gone (incremental syncs). After a
     * full sync the job itself deletes whatever was not seen. */
    int (*deleted)(const char *source_key, void *payload);
    /* The position after everything emitted so far: a JSON object of the
     * connector's own making. The job commits the batch, then stores it. */
    int (*checkpoint)(const char *checkpoint_json, void *payload);
    /* One item of the source that could not be read: reported, skipped. */
    void (*failed)(const char *item, const char *reason, void *payload);
    /* Progress, when the connector knows how many items there are. */
    void (*progress)(size_t done, size_t total, void *payload);
    /* One item left out on purpose (an export inside a folder, to be added
     * as a source of its own): reported and counted as skipped, not as a
     * failure. May be NULL: the item is then reported as failed. */
    void (*skipped)(const char *item, const char *reason, void *payload);
    void *payload;
} ud_sync_sink;

/* What a connector is given: the data source's settings (the
 * data_sources row, credentials decrypted). */
typedef struct ud_source_config {
    const char *source_id;
    const char *org_id;
    const char *config_json;      /* the source's config object ("{}" if none) */
    const char *credentials_json; /* decrypted credentials ("{}" for exports) */
    /* Where a sync resumes: the last stored checkpoint, NULL to start from
     * the beginning (a full sync). */
    const char *checkpoint_json;
    /* Caps on what input may make us allocate. */
    size_t max_item_bytes;  /* one file, message or record */
    size_t max_total_bytes; /* a whole export archive */
} ud_source_config;

typedef struct ud_connector {
    /* The connector's name, kept in the source's config as "connector":
     * "slack_export", "gmail_export", "notion_export", "salesforce_export",
     * "folder" (and the live "slack", "gmail", ... later). */
    const char *type;
    /* The spec's data_sources.type it belongs to: salesforce, slack,
     * google_drive, notion or gmail (a folder is the Drive-like case). */
    const char *data_source_type;
    const char *source_type; /* what its documents say: "slack", "gmail", "file", ... */
    const char *summary;     /* one line for `unify source add --help` */
    /* Checks that the source can be read (the export exists and parses,
     * the credentials work); a message for people in `message`. */
    int (*test_connection)(const ud_source_config *config, char *message, size_t size);
    /* Emits the source's documents after config->checkpoint_json (all of
     * them when NULL) to sink. `arena` is for the connector's use; the job
     * disposes it. */
    int (*sync)(const ud_source_config *config, ud_arena *arena, const ud_sync_sink *sink);
    /* Handles a webhook body for this source (live connectors); NULL when
     * the source has none. */
    int (*webhook)(const ud_source_config *config, const char *body, size_t len,
                   const ud_sync_sink *sink);
} ud_connector;

/* The registry: every connector, and the one of a type (NULL if none).
 * People spell a connector with '-' ("slack-export": `unify source add
 * --type`, POST /v1/sources, every message and page); the stored config
 * keeps the type with '_'. ud_connector_find takes either. */
const ud_connector *const *ud_connectors(size_t *out_count);
const ud_connector *ud_connector_find(const char *type);
/* The connector's type as people spell it ("slack-export") into out. */
void ud_connector_spelling(char *out, size_t size, const char *type);
/* "folder, slack-export, ...": every connector, as people spell them. */
void ud_connector_names(char *out, size_t size);

/* Source types are what documents say they come from ("file", "slack",
 * "gmail", "notion", "salesforce": the connectors' source_type), the
 * filter of `unify search --source` and of "source_types" in /v1/search
 * and /v1/ask. Not the connectors above, nor the spec's data_sources.type.
 * ud_source_types_check is UD_EINVAL, with a message that lists the known
 * ones, for any type no connector gives its documents. */
void ud_source_type_names(char *out, size_t size);
int ud_source_types_check(const char *const *types, size_t count) UD_MUST_CHECK;
/* The same for the source: filters written in a query's text
 * ("source:dropbox budget"). A query that does not parse passes: the
 * search reports its mistake as it does for every query. */
int ud_query_source_types_check(const char *query) UD_MUST_CHECK;

/* The importer whose export format `path` is, by its shape alone (NULL if
 * none): a folder with channels.json and users.json (Slack), with
 * Account.csv, Contact.csv, ... or sObject Tree JSON (Salesforce), an .mbox
 * file (Gmail), a zip of "Title <32-hex-id>.md" pages (Notion) or of a
 * Slack export. Cheap: it reads no file contents but zip listings. */
const ud_connector *ud_connector_recognize(const char *path);

#endif
