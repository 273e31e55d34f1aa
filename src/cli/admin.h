/*
 * What the account commands (`unify org`, `unify user`, `unify apikey`,
 * `unify audit`) share: a table of subcommands, the common flags (--data,
 * --org, --json, --help), and a session holding the configuration, the
 * store and the organization acted on. These commands act as the operator
 * of the data directory; their audit entries name the actor "cli".
 */
#ifndef UD_CLI_ADMIN_H
#define UD_CLI_ADMIN_H

#include <getopt.h>
#include <stdbool.h>

#include "cli/cli.h"

typedef struct ud_cli_session {
    ud_config config;
    ud_meta *meta;
    ud_arena arena;
    ud_org org; /* the --org organization (default: the `org` setting) */
    bool json;
} ud_cli_session;

/* Common flags, parsed by ud_cli_common_flag. */
typedef struct ud_cli_flags {
    const char *data;
    const char *org;
    bool json;
    bool help;
} ud_cli_flags;

/* A subcommand's own option: its long name, whether it takes a value, and
 * where the value (or "1" for a switch) goes. */
typedef struct ud_cli_option {
    const char *name;
    bool has_arg;
    const char **value;
} ud_cli_option;

/* Parses the common flags, the subcommand's options (an array ending with
 * {NULL}) and exactly `positional` operands into operands[]. Returns 0 to
 * go on, -1 after printing --help (exit 0), or 2 after printing the usage
 * for a usage error. */
int ud_cli_parse(ud_cli_flags *flags, const ud_cli_option *options, const char **operands,
                 int positional, int argc, char **argv, const char *usage);

/* Loads the config and opens the store; with need_org, also the --org
 * organization. Prints the error and returns 1 on failure. */
int ud_cli_session_open(ud_cli_session *out, const ud_cli_flags *flags, bool need_org);
void ud_cli_session_close(ud_cli_session *s);

/* Appends an audit entry by the actor "cli" (detail: a json_t*, stolen,
 * may be NULL); a failure is printed, not returned. */
void ud_cli_audit(ud_cli_session *s, const char *org_id, const char *action, const char *target,
                  void *detail);

/* Prints a JSON value (stolen) indented, with a newline. */
void ud_cli_print_json(void *json);

typedef struct ud_cli_subcommand {
    const char *name;
    const char *usage; /* the whole --help text */
    int (*run)(int argc, char **argv, const char *usage);
} ud_cli_subcommand;

/* Runs argv[1] from the table, or prints the command's usage. */
int ud_cli_dispatch(const char *command, const char *summary, const ud_cli_subcommand *table,
                    size_t count, int argc, char **argv);

#endif
