/*
 * What the offline importers (slack_export.c, gmail_export.c,
 * notion_export.c, salesforce_export.c) share:
 *
 *   - reading an export: a folder or a zip (part zips inside a zip are
 *     opened too), its entries listed in name order, each read capped at
 *     the source's max_item_bytes and all of them at max_total_bytes;
 *   - the source's config object and its caps;
 *   - emitting documents and failures as units of one deterministic
 *     sequence, with a checkpoint after every batch and at the end, and
 *     resuming after a checkpoint;
 *   - the content hash of a document.
 *
 * The checkpoint every importer writes is
 *     {"position": N, "export": "<fingerprint>", "complete": false}
 * N units (documents, failures and filtered items) of the sequence are done.
 * The fingerprint names the export's entries and sizes and the source's
 * config: a checkpoint taken on another export (the file was replaced) or
 * under another config (other channels selected, so other units) is
 * ignored and the sync starts over, as it does after a complete one
 * ("complete": true), so a full sync never silently emits nothing.
 */
#ifndef UD_CONNECTORS_EXPORT_H
#define UD_CONNECTORS_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"
#include "connectors/connector.h"

/* Caps used when the source config leaves them at 0. */
#define UD_EXPORT_DEFAULT_ITEM_BYTES (64u << 20)
#define UD_EXPORT_DEFAULT_TOTAL_BYTES (4ull << 30)
/* Entries of an export (files of a folder, members of the zips). */
#define UD_EXPORT_MAX_ENTRIES 1000000
/* Documents between two checkpoints. */
#define UD_EXPORT_BATCH 50

/* ---- Reading an export --------------------------------------------------- */

typedef struct ud_export ud_export;

/* Opens `path`: a folder (its regular files, recursively, hidden names and
 * symbolic links to folders skipped) or a zip (directories, hidden names
 * and __MACOSX/ skipped; when the zip holds nothing but .zip members, as a
 * multi-part Notion export does, their members are listed instead). The
 * declared total size is checked against max_total_bytes. UD_ENOTFOUND,
 * UD_ECORRUPT (not a zip), UD_ELIMIT or UD_EIO with a message. Free with
 * ud_export_free. */
int ud_export_open(ud_export **out, const char *path, size_t max_item_bytes,
                   size_t max_total_bytes) UD_MUST_CHECK;
void ud_export_free(ud_export *ex);

bool ud_export_is_zip(const ud_export *ex);
size_t ud_export_count(const ud_export *ex);
/* Entry i's path inside the export, '/'-separated, in strcmp order. */
const char *ud_export_name(const ud_export *ex, size_t i);
uint64_t ud_export_size(const ud_export *ex, size_t i); /* as declared */
/* The index of the entry called `name`, or SIZE_MAX. */
size_t ud_export_find(const ud_export *ex, const char *name);

/* Reads entry i into a malloc'd, NUL-terminated buffer (free() it).
 * UD_ELIMIT when the entry is larger than max_item_bytes or the bytes read
 * from the export so far pass max_total_bytes, whatever the zip header
 * claimed; UD_ECORRUPT for a damaged member. */
int ud_export_read(char **out, size_t *out_len, ud_export *ex, size_t i) UD_MUST_CHECK;

/* The folder of a folder export (entry i is at root/name), NULL for a zip. */
const char *ud_export_root(const ud_export *ex);

/* 16 hex digits naming the entries and their sizes (borrowed). */
const char *ud_export_fingerprint(const ud_export *ex);

/* ---- Configuration --------------------------------------------------------- */

/* The source's config object (a new reference: json_decref it), an empty
 * object for NULL or "". UD_EINVAL with a message if it is not an object. */
int ud_export_config(json_t **out, const ud_source_config *config) UD_MUST_CHECK;
/* config->max_item_bytes / max_total_bytes, or the defaults when 0. */
size_t ud_export_item_cap(const ud_source_config *config);
size_t ud_export_total_cap(const ud_source_config *config);
/* The string at `key`, or NULL when absent or not a non-empty string. */
const char *ud_export_config_string(const json_t *config, const char *key);
/* The boolean at `key`, `fallback` when absent. */
bool ud_export_config_bool(const json_t *config, const char *key, bool fallback);
/* Whether `value` appears in the string array at `key` (case-insensitive);
 * *out_present says whether there is such an array at all. */
bool ud_export_config_lists(const json_t *config, const char *key, const char *value,
                            bool *out_present);

/* ---- Emitting ----------------------------------------------------------------- */

/* Documents, their strings and raw bytes are allocated from `arena`, the
 * batch arena: it is emptied after each checkpoint returns, never sooner,
 * since the job may hold a batch of documents until it commits them. */
typedef struct ud_export_emitter {
    ud_arena arena;
    const ud_sync_sink *sink;
    char fingerprint[17]; /* of the export and the config */
    size_t position;      /* units begun so far */
    size_t resume;        /* units the checkpoint says are done */
    size_t batch;         /* documents and failures since the last checkpoint */
    size_t total;         /* units expected, for progress; 0 when unknown */
    size_t documents;     /* emitted in this run */
    size_t failures;
} ud_export_emitter;

/* Starts the sequence; resumes after config->checkpoint_json when it is a
 * checkpoint of this export (`fingerprint`, from ud_export_fingerprint) and
 * of this config that is not complete. */
void ud_export_emitter_init(ud_export_emitter *em, const ud_sync_sink *sink,
                            const ud_source_config *config, const char *fingerprint);

/* Begins the next unit: 1 when the caller must produce it (emit it, fail
 * it, or drop it as filtered), 0 when it lies before the resume point and
 * must be skipped without work, negative when the sink refused the
 * checkpoint taken first (stop and return it). */
int ud_export_next(ud_export_emitter *em) UD_MUST_CHECK;

/* Sends a document of the current unit. The content hash is computed
 * here (see ud_export_hash) unless doc->doc.content_hash is already set.
 * Returns the sink's code. */
int ud_export_emit(ud_export_emitter *em, ud_source_document *doc) UD_MUST_CHECK;

/* Reports the current unit as failed (item, reason) and goes on. */
void ud_export_fail(ud_export_emitter *em, const char *item, const char *reason);

struct ud_text_out;
/* The end of an importer's unit: doc gets text's bytes as its text (a
 * copy in the batch arena) and is sent, or, when building the text failed,
 * the unit is reported as failed (item, the error text left) and nothing
 * is sent. Returns the sink's code, 0 after a failure. */
int ud_export_emit_text(ud_export_emitter *em, ud_source_document *doc,
                        const struct ud_text_out *text, const char *item) UD_MUST_CHECK;

/* The final checkpoint ("complete": true) and progress. */
int ud_export_finish(ud_export_emitter *em) UD_MUST_CHECK;

/* Frees the batch arena (after finish, or on an early return). */
void ud_export_emitter_dispose(ud_export_emitter *em);

/* ---- Documents ----------------------------------------------------------------- */

/* SHA-256 over everything the document carries (raw bytes, title, url,
 * author, times, text, metadata, ACL), each part length-prefixed: the raw
 * bytes alone would miss what comes from other items (a channel's members,
 * an account's contacts, the config's choices), and a change to any of
 * those must make the document be processed again. */
void ud_export_hash(ud_source_document *doc);

/* An object-store file id from a source key: the "{source_type}:" prefix
 * dropped, ':' turned into '-', bytes outside [A-Za-z0-9._-] into '_', and
 * `ext` (".json") appended. In the arena. */
const char *ud_export_raw_id(ud_arena *arena, const char *source_key, const char *ext);

/* Compact JSON of `value` in the arena (keys in insertion order); steals
 * the reference. "{}" if it cannot be encoded. */
const char *ud_export_json(ud_arena *arena, json_t *value);

/* A JSON string of `s` (NULL gives ""), invalid UTF-8 repaired to U+FFFD
 * first, since jansson refuses it and export text is not always clean. */
json_t *ud_export_json_string(const char *s);
json_t *ud_export_json_stringn(const char *s, size_t len);

/* Parses a JSON entry with the caps of the export: UD_ECORRUPT with the
 * line and column of the error. */
int ud_export_parse_json(json_t **out, const char *data, size_t len,
                         const char *name) UD_MUST_CHECK;

/* A title from text: its first non-empty line, and when that is longer
 * than `max` bytes, cut at the last space before it with "…" added. */
const char *ud_export_title(ud_arena *arena, const char *text, size_t len, size_t max);

/* "YYYY-MM-DD" (UTC) of Unix seconds. */
void ud_export_day(char out[11], int64_t unix_seconds);

#endif
