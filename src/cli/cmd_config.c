/*
 * `unify config`: the configuration in force and where each value came from.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/admin.h"

static const char usage[] =
    "usage: unify config [--data DIR] [--json]\n\n"
    "Prints every setting, its value and where it came from (default, file,\n"
    "environment). Settings live in DIR/unify.conf as `name = value` lines and can\n"
    "be overridden by UNIFY_<NAME> environment variables. Passwords in URLs are\n"
    "shown as ***.\n\n"
    "  -d, --data DIR  data directory (default: $UNIFY_DATA, else ./unify-data)\n"
    "  -j, --json      print {\"data_dir\", \"settings\": {name: {\"value\", \"origin\"}}}\n";

static void print_json(const ud_config *config)
{
    size_t count = 0;
    const ud_config_entry *entries = ud_config_entries(&count);
    json_t *settings = json_object();
    for (size_t i = 0; i < count; i++) {
        const ud_config_entry *e = &entries[i];
        const char *field = (const char *)config + e->offset;
        json_t *value;
        if (e->type == UD_CONFIG_STRING) {
            char shown[1100];
            ud_config_display(shown, sizeof(shown), e, field);
            value = json_string(shown);
        } else if (e->type == UD_CONFIG_INT) {
            value = json_integer(*(const long *)field);
        } else {
            value = json_real(*(const double *)field);
        }
        json_object_set_new(settings, e->name,
                            json_pack("{s:o,s:s}", "value", value ? value : json_null(), "origin",
                                      ud_config_origin_name(config->origin[i])));
    }
    json_t *root = json_pack("{s:s,s:o}", "data_dir", config->data_dir, "settings", settings);
    char *text = json_dumps(root, JSON_INDENT(2));
    if (text)
        puts(text);
    free(text);
    json_decref(root);
}

int ud_cmd_config(int argc, char **argv)
{
    const ud_cli_spec spec = {usage, NULL, UD_CLI_DATA | UD_CLI_JSON, 0, 0, NULL};
    ud_cli_flags flags;
    int rc = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;
    const char *data = flags.data;
    bool json = flags.json;
    ud_config config;
    if (ud_cli_load_config(&config, ud_cli_data_dir(data)) != 0)
        return 1;
    if (json) {
        print_json(&config);
        return 0;
    }
    printf("# data directory: %s\n", config.data_dir);
    ud_config_print(&config, stdout);
    return 0;
}
