/*
 * `unify config`: the configuration in force and where each value came from.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "usage: unify config [--data DIR]\n\n"
    "Prints every setting, its value and where it came from (default, file,\n"
    "environment). Settings live in DIR/unify.conf as `name = value` lines and can\n"
    "be overridden by UNIFY_<NAME> environment variables.\n";

int ud_cmd_config(int argc, char **argv)
{
    static const struct option options[] = {
        {"data", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *data = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
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
    printf("# data directory: %s\n", config.data_dir);
    ud_config_print(&config, stdout);
    return 0;
}
