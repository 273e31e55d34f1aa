/*
 * Configuration: one table of {name, type, min, max, default, doc} drives
 * parsing, validation, `unify config` and the documentation. Values come, in
 * rising precedence, from the defaults, the data directory's unify.conf
 * (`name = value` lines, # comments), UNIFY_<NAME> environment variables and
 * command-line flags.
 */
#ifndef UD_BASE_CONFIG_H
#define UD_BASE_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "base/error.h"

#define UD_CONFIG_FILE "unify.conf"

typedef struct ud_config {
    char data_dir[1024];
    char store[1024]; /* metadata store URL; "" = sqlite in the data dir */
    char org[101];    /* slug of the organization the CLI and server act for */
    char bind[64];
    long port;
    long threads;       /* libmicrohttpd's threads */
    long workers;       /* the handlers' worker pool; 0 = 2 per core, at least 4 */
    long queue_max;     /* requests waiting for a worker */
    long queue_wait_ms; /* longest wait for a worker */
    long max_body_kb;
    long max_header_kb;
    long max_connections;
    long store_pool_size; /* metadata store connections per process */
    long timeout_seconds;
    char log_level[16];
    long chunk_tokens;
    long chunk_overlap;
    long max_file_mb;
    double bm25_k1;
    double bm25_b;
    double title_weight;
    long argon2_memory_kb;
    long argon2_iterations;
    char secret_key[129]; /* signs access tokens and raw-document links; never shown */
    char fernet_key[64];  /* encrypts source credentials (Fernet); never shown */
    char counters[256];   /* rate limits, quotas, login throttling: "mem:" */
    long rate_limit_per_minute;
    long login_slowdown_after;
    long login_lock_after;
    long login_lock_minutes;
    long access_token_minutes;
    long refresh_token_days;
    long auth_cache_seconds; /* verified credentials kept in memory */
    /* Answers: the primary generator, the cheaper one for simple
     * questions, the fallback (answer/llm.h, answer/router.h). */
    char answer_provider[32];
    char answer_model[128];
    char answer_base_url[512];
    char answer_api_key[256];
    char answer_cheap_provider[32];
    char answer_cheap_model[128];
    char answer_cheap_base_url[512];
    char answer_cheap_api_key[256];
    char answer_fallback_provider[32];
    char answer_fallback_model[128];
    char answer_fallback_base_url[512];
    char answer_fallback_api_key[256];
    long answer_timeout_seconds;
    long answer_max_tokens;
    long context_tokens;
    char llm_prices[1024];
    double cost_alert_usd;
    char cache[256];
    char objects[1024]; /* object store URL; "" = file://DATA/objects */
    long sync_workers;
    long sync_tick_seconds;
    char source_paths[1024]; /* where /v1/sources may read exports and folders */
    /* Embeddings: the static word vectors, or an OpenAI-compatible API. */
    char embedding_provider[32];
    char embedding_model[128];
    char embedding_base_url[512];
    char embedding_api_key[256];
    long embedding_dimensions;
    unsigned char origin[64]; /* ud_config_origin of each table row, for `unify config` */
} ud_config;

typedef enum { UD_CONFIG_STRING, UD_CONFIG_INT, UD_CONFIG_DOUBLE } ud_config_type;

/* Where a value came from, for `unify config`. */
typedef enum { UD_FROM_DEFAULT, UD_FROM_FILE, UD_FROM_ENV, UD_FROM_FLAG } ud_config_origin;

typedef struct ud_config_entry {
    const char *name;
    ud_config_type type;
    double min, max; /* numbers only */
    int secret;      /* never printed: `unify config` shows "(set)" or "(unset)" */
    const char *default_value;
    size_t offset;
    size_t size; /* strings: capacity */
    const char *doc;
} ud_config_entry;

const ud_config_entry *ud_config_entries(size_t *out_count);

/* Fills defaults for a data directory. */
void ud_config_init(ud_config *out, const char *data_dir);

/* Sets one value by name from text, validating type and range. */
int ud_config_set(ud_config *config, const char *name, const char *value,
                  ud_config_origin origin) UD_MUST_CHECK;

/* Reads DATA/unify.conf if it exists (a missing file is not an error), then
 * the UNIFY_* environment. Errors name the file and line. */
int ud_config_load(ud_config *config) UD_MUST_CHECK;

/* The object store URL in force (the data dir's objects/ by default). */
void ud_config_objects_url(const ud_config *config, char *out, size_t size);

/* The metadata store URL in force (the data dir's SQLite file by default). */
void ud_config_store_url(const ud_config *config, char *out, size_t size);

/* "default", "file", "environment" or "flag". */
const char *ud_config_origin_name(ud_config_origin origin);

/* Copies a setting's value for display with the password of a URL
 * (scheme://user:password@host) replaced by "***". */
void ud_config_redact(char *out, size_t size, const char *value);

/* A string setting as shown to people: secrets as "(set)"/"(unset)",
 * URL passwords as "***". */
void ud_config_display(char *out, size_t size, const ud_config_entry *entry, const char *value);

/* Writes the effective configuration, one "name = value  # origin" line each
 * (passwords in URLs redacted). */
void ud_config_print(const ud_config *config, FILE *out);

/* The text of a fresh unify.conf with every setting commented out. */
void ud_config_write_template(FILE *out);

#endif
