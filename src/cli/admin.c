/*
 * Shared plumbing of the account commands (admin.h).
 */
#include "cli/admin.h"

#include <assert.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/meta_audit.h"

#define MAX_OPTIONS 24
#define FIRST_OWN_OPTION 256 /* getopt values of a command's own long-only options */

/* The own option that the letter c stands for, or -1. */
static int own_letter(const ud_cli_spec *spec, size_t count, int c)
{
    for (const ud_cli_alias *a = spec->aliases; a && a->letter; a++)
        if (a->letter == c)
            for (size_t i = 0; i < count; i++)
                if (strcmp(spec->options[i].name, a->name) == 0)
                    return (int)i;
    return -1;
}

int ud_cli_parse_spec(ud_cli_flags *flags, const ud_cli_spec *spec, int argc, char **argv)
{
    static const struct {
        unsigned flag;
        struct option option;
        const char *shorts;
    } COMMON[] = {{UD_CLI_DATA, {"data", required_argument, NULL, 'd'}, "d:"},
                  {UD_CLI_ORG, {"org", required_argument, NULL, 'O'}, "O:"},
                  {UD_CLI_JSON, {"json", no_argument, NULL, 'j'}, "j"}};
    const ud_cli_option *own = spec->options;
    struct option options[MAX_OPTIONS + 5];
    char shorts[3 * (MAX_OPTIONS + 4) + 1];
    size_t count = 0, s = 0;
    for (size_t i = 0; i < sizeof(COMMON) / sizeof(COMMON[0]); i++)
        if (spec->common & COMMON[i].flag) {
            options[count++] = COMMON[i].option;
            for (const char *p = COMMON[i].shorts; *p; p++)
                shorts[s++] = *p;
        }
    options[count++] = (struct option){"help", no_argument, NULL, 'h'};
    shorts[s++] = 'h';
    size_t own_count = 0;
    for (; own && own[own_count].name; own_count++) {
        assert(own_count < MAX_OPTIONS);
        const ud_cli_option *o = &own[own_count];
        options[count++] = (struct option){o->name, o->has_arg ? required_argument : no_argument,
                                           NULL, (int)(FIRST_OWN_OPTION + own_count)};
    }
    for (const ud_cli_alias *a = spec->aliases; a && a->letter; a++) {
        assert(s + 2 < sizeof(shorts));
        int index = own_letter(spec, own_count, a->letter);
        assert(index >= 0); /* an alias names one of the options */
        shorts[s++] = a->letter;
        if (index >= 0 && own[index].has_arg)
            shorts[s++] = ':';
    }
    options[count] = (struct option){0, 0, 0, 0};
    shorts[s] = '\0';
    memset(flags, 0, sizeof(*flags));
    optind = 0; /* a fresh scan of this argv */
    int c;
    while ((c = getopt_long(argc, argv, shorts, options, NULL)) != -1) {
        int index = c >= FIRST_OWN_OPTION ? c - FIRST_OWN_OPTION : own_letter(spec, own_count, c);
        if (index >= 0 && (size_t)index < own_count) {
            const ud_cli_option *o = &own[index];
            if (o->has_arg == UD_CLI_REPEATED) {
                ud_cli_values *list = o->value;
                if (list->count == list->max) {
                    fprintf(stderr, "unify: at most %zu --%s\n", list->max, o->name);
                    return 2;
                }
                list->items[list->count++] = optarg;
            } else {
                *(const char **)o->value = o->has_arg ? optarg : "1";
            }
            continue;
        }
        switch (c) {
        case 'd': flags->data = optarg; break;
        case 'O': flags->org = optarg; break;
        case 'j': flags->json = true; break;
        case 'h': flags->help = true; break;
        default: fputs(spec->usage, stderr); return 2;
        }
    }
    if (flags->help) {
        fputs(spec->usage, stdout);
        return -1;
    }
    int operands = argc - optind;
    if (operands < spec->min_operands ||
        (spec->max_operands >= 0 && operands > spec->max_operands)) {
        fputs(spec->usage, stderr);
        return 2;
    }
    flags->operands = (const char *const *)argv + optind;
    flags->operand_count = (size_t)operands;
    return 0;
}

int ud_cli_parse(ud_cli_flags *flags, const ud_cli_option *own, const char **operands,
                 int positional, int argc, char **argv, const char *usage)
{
    ud_cli_spec spec = {usage, own, UD_CLI_COMMON, positional, positional, NULL};
    int rc = ud_cli_parse_spec(flags, &spec, argc, argv);
    for (int i = 0; rc == 0 && i < positional; i++)
        operands[i] = flags->operands[i];
    return rc;
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

int ud_cli_principals_as(const char ***out, size_t *out_count, ud_cli_session *s, const char *email,
                         const char *action, const char *what)
{
    *out = NULL;
    *out_count = 0;
    if (!email)
        return 0;
    ud_user user;
    int rc = ud_meta_user_get_by_email(&user, s->meta, &s->arena, email);
    /* Only a user of this organization: one of another is as unknown. */
    if (rc == UD_ENOTFOUND || (rc == 0 && strcmp(user.org_id, s->org.id) != 0)) {
        fprintf(stderr, "unify: --as: no user %s in organization '%s' (see `unify user list`)\n",
                email, s->org.slug);
        return 1;
    }
    if (rc < 0) {
        ud_cli_fail("--as");
        return 1;
    }
    if (ud_meta_user_principals(out, out_count, &s->arena, &user) < 0) {
        ud_cli_fail("--as");
        return 1;
    }
    ud_cli_audit(s, s->org.id, action, user.id,
                 json_pack("{s:s,s:s}", "as", user.email, "query", what ? what : ""));
    return 0;
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
