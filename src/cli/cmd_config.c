/*
 * `unify config`: the configuration in force and where each value came from.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: unify config [--data DIR] [--json]\n\n"
    "Prints every setting, its value and where it came from (default, file,\n"
    "environment). Settings live in DIR/unify.conf as `name = value` lines and can\n"
    "be overridden by UNIFY_<NAME> environment variables. Passwords in URLs are\n"
    "shown as ***.\n\n"
    "  --json   print {\"data_dir\", \"settings\": {name: {\"value\", \"origin\"}}}\n";

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
    static const struct option options[] = {{"data", required_argument, NULL, 'd'},
                                            {"json", no_argument, NULL, 'j'},
                                            {"help", no_argument, NULL, 'h'},
                                            {0, 0, 0, 0}};
    const char *data = NULL;
    bool json = false;
    int c;
    while ((c = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'j': json = true; break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
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
