/*
 * unify: the command-line front of libunify. Each command lives in its own
 * file (cmd_*.c) and is listed in the table below; this file only dispatches.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const ud_cli_command commands[] = {
    {"init", "create a data directory (config, database, admin user)", ud_cmd_init},
    {"ingest", "extract, chunk and index files and folders", ud_cmd_ingest},
    {"search", "search the indexed documents", ud_cmd_search},
    {"ask", "answer a question from the documents, with citations", ud_cmd_ask},
    {"reindex", "rebuild the search index from the metadata store", ud_cmd_reindex},
    {"check", "verify the index files and the metadata store", ud_cmd_check},
    {"eval", "measure retrieval quality on a BEIR test collection", ud_cmd_eval},
    {"serve", "serve the HTTP API", ud_cmd_serve},
    {"config", "show the configuration in force and where each value came from", ud_cmd_config},
    {"org", "organizations: add, list, set-plan, suspend, activate", ud_cmd_org},
    {"user", "users of an organization: add, list, set-role, remove", ud_cmd_user},
    {"apikey", "API keys of an organization: create, list, revoke", ud_cmd_apikey},
    {"audit", "the audit log: list, verify", ud_cmd_audit},
    {"usage", "searches, answers and their cost per day and month", ud_cmd_usage},
    {"source", "data sources: add, list, show, sync, logs, remove", ud_cmd_source},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: unify COMMAND [OPTIONS]\n\n"
                 "UnifyData: all your data, one question away.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nGlobal options, before or after the command: --data DIR (default:\n"
                 "$UNIFY_DATA, else ./unify-data), --org SLUG (search, ask, usage, check\n"
                 "and the account and source commands; default: the `org` setting; check\n"
                 "without it checks every organization), --json\n"
                 "(commands that print).\n"
                 "Run `unify COMMAND --help` for a command's options.\n");
}

/* How many arguments the global option at argv[i] spans (1 or 2), or 0 if
 * argv[i] is not one: --data DIR, --org SLUG (also --data=DIR, -dDIR),
 * --json. */
static int global_option(int argc, char **argv, int i)
{
    static const char *const WITH_VALUE[][2] = {{"--data", "-d"}, {"--org", "-O"}};
    const char *a = argv[i];
    if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0)
        return 1;
    for (size_t k = 0; k < sizeof(WITH_VALUE) / sizeof(WITH_VALUE[0]); k++) {
        const char *name = WITH_VALUE[k][0], *letter = WITH_VALUE[k][1];
        size_t n = strlen(name);
        if (strcmp(a, name) == 0 || strcmp(a, letter) == 0)
            return i + 1 < argc ? 2 : 0;
        if ((strncmp(a, name, n) == 0 && a[n] == '=') ||
            (strncmp(a, letter, 2) == 0 && a[2] != '\0'))
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* Global options before the command are moved after it (before a
     * `--`, if any), where the command's parser reads them with its own:
     * `unify --data DIR search x` is `unify search --data DIR x`. */
    int globals = 1;
    while (globals < argc) {
        int span = global_option(argc, argv, globals);
        if (span == 0)
            break;
        globals += span;
    }
    if (globals > 1) {
        if (globals == argc) {
            usage(stderr);
            return 2;
        }
        char **moved = calloc((size_t)argc + 1, sizeof(char *));
        if (!moved)
            return 1;
        int at = 0, end = globals + 1;
        moved[at++] = argv[0];
        moved[at++] = argv[globals]; /* the command */
        while (end < argc && strcmp(argv[end], "--") != 0)
            moved[at++] = argv[end++];
        for (int i = 1; i < globals; i++)
            moved[at++] = argv[i];
        while (end < argc)
            moved[at++] = argv[end++];
        argv = moved; /* lives as long as the process */
    }
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("unify %s\n", UD_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "unify: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
