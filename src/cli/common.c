/*
 * Helpers shared by the commands (see cli.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/fs.h"
#include "base/log.h"
#include "cli/cli.h"

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
    if (ud_meta_open(&meta, url) < 0) {
        ud_cli_fail("metadata store");
        return 1;
    }
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
