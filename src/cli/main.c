/*
 * unify: the command-line front of libunify. Each command lives in its own
 * file (cmd_*.c) and is listed in the table below; this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const ud_cli_command commands[] = {
    {"init", "create a data directory (config, database, admin user)", ud_cmd_init},
    {"ingest", "extract, chunk and index files and folders", ud_cmd_ingest},
    {"search", "search the indexed documents", ud_cmd_search},
    {"ask", "answer a question from the documents, with citations", ud_cmd_ask},
    {"reindex", "rebuild the search index from the metadata store", ud_cmd_reindex},
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
    fprintf(out, "\nEvery command takes --data DIR (default: $UNIFY_DATA, else ./unify-data)\n"
                 "and --help. Run `unify COMMAND --help` for its options.\n");
}

int main(int argc, char **argv)
{
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
