/*
 * The configuration table and its parsers (see config.h). Adding a setting
 * means adding a field to ud_config and a row below; everything else (file,
 * environment, `unify config`, validation) follows from the row.
 */
#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "base/fs.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/str.h"

#define STR(field) UD_CONFIG_STRING, 0, 0, 0
#define SECRET(field) UD_CONFIG_STRING, 0, 0, 1
#define NUM(lo, hi) UD_CONFIG_INT, (lo), (hi), 0
#define DBL(lo, hi) UD_CONFIG_DOUBLE, (lo), (hi), 0
#define AT(field) offsetof(ud_config, field), sizeof(((ud_config *)0)->field)

static const ud_config_entry entries[] = {
    {"store", STR(store), "", AT(store),
     "metadata store URL: sqlite:///path/meta.db or postgres://user@host:port/db "
     "(empty: DATA/meta.db)"},
    {"store_pool_size", NUM(1, 256), "8", AT(store_pool_size),
     "metadata store connections per process (one per concurrent caller; SQLite readers never "
     "wait for its writer)"},
    {"org", STR(org), "default", AT(org),
     "slug of the organization the CLI acts for (--org overrides it)"},
    {"bind", STR(bind), "127.0.0.1", AT(bind), "address the server listens on"},
    {"port", NUM(0, 65535), "8080", AT(port), "port the server listens on (0: any free port)"},
    {"threads", NUM(1, 256), "4", AT(threads),
     "HTTP threads: they read requests, route them and write answers, never waiting on work"},
    {"workers", NUM(0, 1024), "0", AT(workers),
     "worker threads that run the API's handlers (0: 2 per core, at least 4)"},
    {"queue_max", NUM(1, 100000), "256", AT(queue_max),
     "requests that may wait for a worker; more are answered 503 with Retry-After"},
    {"queue_wait_ms", NUM(1, 600000), "5000", AT(queue_wait_ms),
     "longest wait for a worker, in ms; a request that waited longer is answered 503"},
    {"max_body_kb", NUM(1, 65536), "1024", AT(max_body_kb), "largest request body, KiB"},
    {"max_header_kb", NUM(4, 1024), "32", AT(max_header_kb), "memory for a request's headers, KiB"},
    {"max_connections", NUM(1, 100000), "256", AT(max_connections), "concurrent connections"},
    {"timeout_seconds", NUM(1, 3600), "30", AT(timeout_seconds),
     "idle or slow connections are closed after this long"},
    {"log_level", STR(log_level), "info", AT(log_level), "error, warn, info or debug"},
    {"chunk_tokens", NUM(50, 8000), "1000", AT(chunk_tokens), "target chunk size in tokens"},
    {"chunk_overlap", NUM(0, 2000), "100", AT(chunk_overlap),
     "tokens shared by consecutive chunks"},
    {"max_file_mb", NUM(1, 4096), "64", AT(max_file_mb), "larger files are reported and skipped"},
    {"bm25_k1", DBL(0, 10), "0.9", AT(bm25_k1), "BM25 term-frequency saturation"},
    {"bm25_b", DBL(0, 1), "0.4", AT(bm25_b), "BM25 length normalisation"},
    {"title_weight", DBL(0, 100), "1.0", AT(title_weight),
     "how many times a title term counts compared to a body term"},
    {"argon2_memory_kb", NUM(19456, 4194304), "19456", AT(argon2_memory_kb),
     "argon2id memory cost for passwords, KiB (OWASP minimum 19456)"},
    {"argon2_iterations", NUM(2, 100), "2", AT(argon2_iterations), "argon2id time cost"},
    {"secret_key", SECRET(secret_key), "", AT(secret_key),
     "secret (at least 32 characters) that signs access tokens and raw-document links; "
     "`unify init` writes a random one"},
    {"fernet_key", SECRET(fernet_key), "", AT(fernet_key),
     "Fernet key (44 characters of URL-safe base64) that encrypts source credentials; "
     "`unify init` writes a random one"},
    {"counters", STR(counters), "mem:", AT(counters),
     "where rate limits, quotas and login failures are counted (mem: in this process)"},
    {"rate_limit_per_minute", NUM(1, 1000000), "120", AT(rate_limit_per_minute),
     "requests per minute per user or API key and endpoint; more get 429"},
    {"login_slowdown_after", NUM(1, 1000), "3", AT(login_slowdown_after),
     "failed logins (per account or address, 15 minutes) after which each retry must wait, "
     "doubling from 1 s"},
    {"login_lock_after", NUM(1, 1000), "10", AT(login_lock_after),
     "failed logins after which the account or address is locked"},
    {"login_lock_minutes", NUM(1, 10080), "15", AT(login_lock_minutes), "how long a lock lasts"},
    {"access_token_minutes", NUM(1, 1440), "15", AT(access_token_minutes),
     "lifetime of an access token (JWT)"},
    {"refresh_token_days", NUM(1, 365), "30", AT(refresh_token_days),
     "lifetime of a refresh token"},
    {"auth_cache_seconds", NUM(0, 3600), "30", AT(auth_cache_seconds),
     "how long a verified API key or token user is trusted without a store read (0: never); "
     "revocations in this process apply at once, in another within this time"},
    {"answer_provider", STR(answer_provider), "extractive", AT(answer_provider),
     "what writes answers: extractive (no model), anthropic or openai (any compatible API)"},
    {"answer_model", STR(answer_model), "", AT(answer_model),
     "the model of answer_provider (e.g. claude-3-5-sonnet-20250122, gpt-4-turbo-preview)"},
    {"answer_base_url", STR(answer_base_url), "", AT(answer_base_url),
     "its API: https://api.anthropic.com, https://api.openai.com/v1, http://localhost:11434/v1"},
    {"answer_api_key", SECRET(answer_api_key), "", AT(answer_api_key), "its API key"},
    {"answer_cheap_provider", STR(answer_cheap_provider), "", AT(answer_cheap_provider),
     "a cheaper generator for simple questions (empty: none)"},
    {"answer_cheap_model", STR(answer_cheap_model), "", AT(answer_cheap_model),
     "its model (e.g. gpt-3.5-turbo)"},
    {"answer_cheap_base_url", STR(answer_cheap_base_url), "", AT(answer_cheap_base_url), "its API"},
    {"answer_cheap_api_key", SECRET(answer_cheap_api_key), "", AT(answer_cheap_api_key),
     "its API key"},
    {"answer_fallback_provider", STR(answer_fallback_provider), "", AT(answer_fallback_provider),
     "the generator that answers when the chosen one fails before any text (empty: none)"},
    {"answer_fallback_model", STR(answer_fallback_model), "", AT(answer_fallback_model),
     "its model"},
    {"answer_fallback_base_url", STR(answer_fallback_base_url), "", AT(answer_fallback_base_url),
     "its API"},
    {"answer_fallback_api_key", SECRET(answer_fallback_api_key), "", AT(answer_fallback_api_key),
     "its API key"},
    {"answer_timeout_seconds", NUM(1, 600), "60", AT(answer_timeout_seconds),
     "longest wait for a generator, and longest silence in its stream"},
    {"answer_max_tokens", NUM(16, 16384), "1024", AT(answer_max_tokens),
     "longest answer, in tokens"},
    {"context_tokens", NUM(200, 200000), "6000", AT(context_tokens),
     "budget of the retrieved context given to the generator, in tokens"},
    {"llm_prices", STR(llm_prices), "", AT(llm_prices),
     "price overrides, 'model=input,output,cache_read,cache_write; ...' in USD per million "
     "tokens (defaults: the spec's)"},
    {"cost_alert_usd", DBL(0, 1000), "0.10", AT(cost_alert_usd),
     "an answer that costs more is written to the audit log and the log"},
    {"cache", STR(cache), "mem:", AT(cache), "where search results and answers are cached"},
    {"objects", STR(objects), "", AT(objects),
     "object store for raw documents: file:///abs/dir (empty: DATA/objects)"},
    {"sync_workers", NUM(1, 64), "2", AT(sync_workers), "sync jobs `unify serve` runs at once"},
    {"embedding_provider", STR(embedding_provider), "static", AT(embedding_provider),
     "what embeds chunks and questions: static (the GloVe word vectors) or openai (any "
     "OpenAI-compatible /v1/embeddings); changing it means `unify reindex`"},
    {"embedding_model", STR(embedding_model), "text-embedding-3-large", AT(embedding_model),
     "the openai provider's model"},
    {"embedding_base_url", STR(embedding_base_url), "https://api.openai.com/v1",
     AT(embedding_base_url), "the openai provider's API"},
    {"embedding_api_key", SECRET(embedding_api_key), "", AT(embedding_api_key),
     "the openai provider's key (UNIFY_EMBEDDING_API_KEY)"},
    {"embedding_dimensions", NUM(1, 8192), "1536", AT(embedding_dimensions),
     "vector size asked of the openai provider"},
    {"source_paths", STR(source_paths), "", AT(source_paths),
     "directories (colon-separated) under which sources added over the API may read exports "
     "and folders; empty: none (the CLI, run by the operator, may read anywhere)"},
    {"sync_tick_seconds", NUM(0, 86400), "60", AT(sync_tick_seconds),
     "how often `unify serve` looks for sources due a sync (0: only \"sync now\")"},
};

_Static_assert(sizeof(entries) / sizeof(entries[0]) <= sizeof(((ud_config *)0)->origin),
               "ud_config.origin must have a slot per setting");

const ud_config_entry *ud_config_entries(size_t *out_count)
{
    *out_count = sizeof(entries) / sizeof(entries[0]);
    return entries;
}

static const ud_config_entry *find(const char *name, size_t name_len, size_t *out_index)
{
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        if (strlen(entries[i].name) == name_len && strncmp(entries[i].name, name, name_len) == 0) {
            if (out_index)
                *out_index = i;
            return &entries[i];
        }
    }
    return NULL;
}

static int set_entry(ud_config *config, const ud_config_entry *e, const char *value)
{
    char *field = (char *)config + e->offset;
    if (e->type == UD_CONFIG_STRING) {
        size_t n = strlen(value);
        if (n >= e->size)
            return ud_error_set(UD_EINVAL, "%s: value longer than %zu bytes", e->name, e->size - 1);
        memcpy(field, value, n + 1);
        if (strcmp(e->name, "log_level") == 0 && ud_log_level_parse(value) < 0)
            return ud_error_set(UD_EINVAL, "log_level: '%s' is not error, warn, info or debug",
                                value);
        return 0;
    }
    char *end = NULL;
    errno = 0;
    double v = e->type == UD_CONFIG_INT ? (double)strtol(value, &end, 10) : strtod(value, &end);
    while (end && isspace((unsigned char)*end))
        end++;
    if (errno || end == value || (end && *end) || isnan(v))
        return ud_error_set(UD_EINVAL, "%s: '%s' is not a number", e->name, value);
    if (v < e->min || v > e->max)
        return ud_error_set(UD_EINVAL, "%s: %s is outside %g..%g", e->name, value, e->min, e->max);
    if (e->type == UD_CONFIG_INT)
        *(long *)field = (long)v;
    else
        *(double *)field = v;
    return 0;
}

void ud_config_init(ud_config *out, const char *data_dir)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->data_dir, sizeof(out->data_dir), "%s", data_dir);
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        int rc = set_entry(out, &entries[i], entries[i].default_value);
        (void)rc; /* defaults are valid by construction; tests check it */
        out->origin[i] = UD_FROM_DEFAULT;
    }
}

int ud_config_set(ud_config *config, const char *name, const char *value, ud_config_origin origin)
{
    size_t index = 0;
    const ud_config_entry *e = find(name, strlen(name), &index);
    if (!e)
        return ud_error_set(UD_EINVAL, "unknown setting '%s'", name);
    int rc = set_entry(config, e, value);
    if (rc == 0)
        config->origin[index] = (unsigned char)origin;
    return rc;
}

static int load_file(ud_config *config)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", config->data_dir, UD_CONFIG_FILE);
    char *text = NULL;
    size_t len = 0;
    int rc = ud_file_read(&text, &len, path, 1 << 20);
    if (rc == UD_ENOTFOUND)
        return 0;
    if (rc < 0)
        return rc;
    int line_no = 0;
    char *line = text;
    while (line && *line) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        ud_str s = ud_str_trim(ud_str_from(line));
        if (s.len) {
            const char *eq = memchr(s.ptr, '=', s.len);
            if (!eq) {
                rc = ud_error_set(UD_EINVAL, "%s:%d: expected 'name = value'", path, line_no);
                break;
            }
            ud_str name = ud_str_trim((ud_str){s.ptr, (size_t)(eq - s.ptr)});
            ud_str value = ud_str_trim((ud_str){eq + 1, s.len - (size_t)(eq - s.ptr) - 1});
            size_t index = 0;
            const ud_config_entry *e = find(name.ptr, name.len, &index);
            if (!e) {
                rc = ud_error_set(UD_EINVAL, "%s:%d: unknown setting '%.*s'", path, line_no,
                                  (int)name.len, name.ptr);
                break;
            }
            char *v = ud_strndup(value.ptr, value.len);
            rc = set_entry(config, e, v);
            free(v);
            if (rc < 0) {
                char msg[512];
                snprintf(msg, sizeof(msg), "%s", ud_error_last());
                rc = ud_error_set(rc, "%s:%d: %s", path, line_no, msg);
                break;
            }
            config->origin[index] = UD_FROM_FILE;
        }
        line = next;
    }
    free(text);
    return rc;
}

int ud_config_load(ud_config *config)
{
    int rc = load_file(config);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        char env_name[64] = "UNIFY_";
        size_t n = strlen(env_name);
        for (const char *p = entries[i].name; *p && n < sizeof(env_name) - 1; p++)
            env_name[n++] = (char)toupper((unsigned char)*p);
        env_name[n] = '\0';
        const char *value = getenv(env_name);
        if (!value)
            continue;
        rc = set_entry(config, &entries[i], value);
        if (rc < 0) {
            char msg[512];
            snprintf(msg, sizeof(msg), "%s", ud_error_last());
            return ud_error_set(rc, "environment %s: %s", env_name, msg);
        }
        config->origin[i] = UD_FROM_ENV;
    }
    return 0;
}

void ud_config_store_url(const ud_config *config, char *out, size_t size)
{
    if (config->store[0])
        snprintf(out, size, "%s", config->store);
    else if (config->data_dir[0] == '/')
        snprintf(out, size, "sqlite://%s/meta.db", config->data_dir);
    else {
        char cwd[1024];
        if (!getcwd(cwd, sizeof(cwd)))
            snprintf(cwd, sizeof(cwd), ".");
        snprintf(out, size, "sqlite://%s/%s/meta.db", cwd, config->data_dir);
    }
}

void ud_config_objects_url(const ud_config *config, char *out, size_t size)
{
    if (config->objects[0]) {
        snprintf(out, size, "%s", config->objects);
    } else if (config->data_dir[0] == '/') {
        snprintf(out, size, "file://%s/objects", config->data_dir);
    } else {
        char cwd[1024];
        if (!getcwd(cwd, sizeof(cwd)))
            snprintf(cwd, sizeof(cwd), ".");
        snprintf(out, size, "file://%s/%s/objects", cwd, config->data_dir);
    }
}

void ud_config_redact(char *out, size_t size, const char *value)
{
    /* scheme://user:password@host... -> scheme://user:***@host... */
    const char *scheme = strstr(value, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme ? memchr(scheme + 3, ':', at ? (size_t)(at - scheme - 3) : 0) : NULL;
    if (!colon) {
        snprintf(out, size, "%s", value);
        return;
    }
    snprintf(out, size, "%.*s:***%s", (int)(colon - value), value, at);
}

void ud_config_display(char *out, size_t size, const ud_config_entry *e, const char *value)
{
    if (e->secret)
        snprintf(out, size, "%s", value[0] ? "(set)" : "(unset)");
    else
        ud_config_redact(out, size, value);
}

const char *ud_config_origin_name(ud_config_origin origin)
{
    static const char *names[] = {"default", "file", "environment", "flag"};
    return (size_t)origin < sizeof(names) / sizeof(names[0]) ? names[origin] : "unknown";
}

void ud_config_print(const ud_config *config, FILE *out)
{
    static const char *origin_names[] = {"default", "file", "environment", "flag"};
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        const ud_config_entry *e = &entries[i];
        const char *field = (const char *)config + e->offset;
        if (e->type == UD_CONFIG_STRING) {
            char shown[1100];
            ud_config_display(shown, sizeof(shown), e, field);
            fprintf(out, "%-18s = %-28s # %s\n", e->name, shown, origin_names[config->origin[i]]);
        } else if (e->type == UD_CONFIG_INT)
            fprintf(out, "%-18s = %-28ld # %s\n", e->name, *(const long *)field,
                    origin_names[config->origin[i]]);
        else
            fprintf(out, "%-18s = %-28g # %s\n", e->name, *(const double *)field,
                    origin_names[config->origin[i]]);
    }
}

void ud_config_write_template(FILE *out)
{
    fprintf(out, "# unify configuration. Each setting can also be given as the environment\n"
                 "# variable UNIFY_<NAME> (which wins over this file) or a command-line flag.\n\n");
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
        fprintf(out, "# %s\n# %s = %s\n\n", entries[i].doc, entries[i].name,
                entries[i].default_value);
}
