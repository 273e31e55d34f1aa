/*
 * Shared plumbing of the account commands (admin.h).
 */
#include "cli/admin.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/meta_audit.h"

#define MAX_OPTIONS 16
#define FIRST_OWN_OPTION 256 /* getopt values of a subcommand's own options */

int ud_cli_parse(ud_cli_flags *flags, const ud_cli_option *own, const char **operands,
                 int positional, int argc, char **argv, const char *usage)
{
    struct option options[MAX_OPTIONS + 5] = {
        {"data", required_argument, NULL, 'd'},
        {"org", required_argument, NULL, 'O'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
    };
    size_t count = 4;
    for (size_t i = 0; own && own[i].name && i < MAX_OPTIONS; i++, count++)
        options[count] =
            (struct option){own[i].name, own[i].has_arg ? required_argument : no_argument, NULL,
                            (int)(FIRST_OWN_OPTION + i)};
    memset(flags, 0, sizeof(*flags));
    int c;
    while ((c = getopt_long(argc, argv, "d:O:jh", options, NULL)) != -1) {
        switch (c) {
        case 'd': flags->data = optarg; break;
        case 'O': flags->org = optarg; break;
        case 'j': flags->json = true; break;
        case 'h': flags->help = true; break;
        default:
            if (c >= FIRST_OWN_OPTION && c < FIRST_OWN_OPTION + (int)(count - 4)) {
                const ud_cli_option *o = &own[c - FIRST_OWN_OPTION];
                *o->value = o->has_arg ? optarg : "1";
                break;
            }
            fputs(usage, stderr);
            return 2;
        }
    }
    if (flags->help) {
        fputs(usage, stdout);
        return -1;
    }
    if (argc - optind != positional) {
        fputs(usage, stderr);
        return 2;
    }
    for (int i = 0; i < positional; i++)
        operands[i] = argv[optind + i];
    return 0;
}

int ud_cli_session_open(ud_cli_session *out, const ud_cli_flags *flags, bool need_org)
{
    memset(out, 0, sizeof(*out));
    ud_arena_init(&out->arena);
    out->json = flags->json;
    if (ud_cli_load_config(&out->config, ud_cli_data_dir(flags->data)) != 0)
        return 1;
    if (flags->org && ud_config_set(&out->config, "org", flags->org, UD_FROM_FLAG) < 0) {
        ud_cli_fail("--org");
        return 1;
    }
    if (ud_cli_open_store(&out->meta, &out->config) != 0)
        return 1;
    if (need_org && ud_cli_org(&out->org, out->meta, &out->arena, &out->config) != 0)
        return 1;
    return 0;
}

void ud_cli_session_close(ud_cli_session *s)
{
    ud_meta_close(s->meta);
    s->meta = NULL;
    ud_arena_dispose(&s->arena);
}

void ud_cli_audit(ud_cli_session *s, const char *org_id, const char *action, const char *target,
                  void *detail)
{
    json_t *value = detail;
    char *text = value ? json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(value);
    if (ud_meta_audit_append(s->meta, org_id, "cli", action, target, text) < 0)
        ud_cli_fail("audit log");
    free(text);
}

void ud_cli_print_json(void *json)
{
    char *text = json ? json_dumps(json, JSON_INDENT(2)) : NULL;
    json_decref(json);
    if (text)
        puts(text);
    free(text);
}

static void usage_of(FILE *out, const char *command, const char *summary,
                     const ud_cli_subcommand *table, size_t count)
{
    fprintf(out, "usage: unify %s SUBCOMMAND [OPTIONS]\n\n%s\n\nsubcommands:\n", command, summary);
    for (size_t i = 0; i < count; i++) {
        /* The first line of a subcommand's usage is its synopsis. */
        const char *u = table[i].usage;
        const char *nl = strchr(u, '\n');
        fprintf(out, "  %.*s\n", (int)(nl ? nl - u : (long)strlen(u)), u);
    }
    fprintf(out, "\nEvery subcommand takes --data DIR, --org SLUG (default: the `org` setting),\n"
                 "--json and --help.\n");
}

int ud_cli_dispatch(const char *command, const char *summary, const ud_cli_subcommand *table,
                    size_t count, int argc, char **argv)
{
    if (argc < 2) {
        usage_of(stderr, command, summary, table, count);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage_of(stdout, command, summary, table, count);
        return 0;
    }
    for (size_t i = 0; i < count; i++)
        if (strcmp(argv[1], table[i].name) == 0) {
            char *usage = NULL;
            if (asprintf(&usage,
                         "usage: unify %s %s\nAlso --data DIR, --org SLUG (default: the `org` "
                         "setting), --json.\n",
                         command, table[i].usage) < 0)
                return 1;
            int rc = table[i].run(argc - 1, argv + 1, usage);
            free(usage);
            return rc;
        }
    fprintf(stderr, "unify %s: unknown subcommand '%s'\n\n", command, argv[1]);
    usage_of(stderr, command, summary, table, count);
    return 2;
}
