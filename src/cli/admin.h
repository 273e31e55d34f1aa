/*
 * What the commands share: the one option parser (the common flags --data,
 * --org, --json, --help and each command's own options), a table of
 * subcommands (`unify org`, `user`, `apikey`, `audit`, `source`), and a
 * session holding the configuration, the store and the organization acted
 * on. The commands act as the operator of the data directory; their audit
 * entries name the actor "cli".
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

/* The common flags, and the operands left after the options (borrowed
 * from argv). */
typedef struct ud_cli_flags {
    const char *data;
    const char *org;
    bool json;
    bool help;
    const char *const *operands;
    size_t operand_count;
} ud_cli_flags;

/* Where a repeatable option's values go: items[count++], at most max. */
typedef struct ud_cli_values {
    const char **items;
    size_t count;
    size_t max;
} ud_cli_values;

#define UD_CLI_REPEATED 2 /* has_arg of an option given any number of times */

/* A command's own option: its long name, whether it takes a value (false,
 * true, or UD_CLI_REPEATED), and where the value (or "1" for a switch)
 * goes: a const char ** , or the ud_cli_values * of a repeated one. */
typedef struct ud_cli_option {
    const char *name;
    int has_arg;
    void *value;
} ud_cli_option;

/* A one-letter form of an own option (-k for --top). */
typedef struct ud_cli_alias {
    char letter;
    const char *name;
} ud_cli_alias;

/* The common flags a command takes (--help always). */
#define UD_CLI_DATA 1u /* --data DIR, -d */
#define UD_CLI_ORG 2u  /* --org SLUG, -O */
#define UD_CLI_JSON 4u /* --json, -j */
#define UD_CLI_COMMON (UD_CLI_DATA | UD_CLI_ORG | UD_CLI_JSON)

/* What one command accepts: its --help text, its own options (an array
 * ending with {NULL}; NULL for none), the common flags it takes and how
 * many operands (max -1: any number), and the letters of its own options. */
typedef struct ud_cli_spec {
    const char *usage;
    const ud_cli_option *options;
    unsigned common;
    int min_operands;
    int max_operands;
    const ud_cli_alias *aliases; /* ends with {0}; NULL for none */
} ud_cli_spec;

/* The one option parser of every command. Options and operands may come in
 * any order (`--` ends the options). Returns 0 to go on, -1 after printing
 * --help on stdout (exit 0), or 2 after printing the usage on stderr for a
 * usage error: an unknown option, a missing value, a repeatable option
 * given more than its max times, too few or too many operands. The global
 * options written before the command (`unify --data DIR search …`) reach
 * it too: main() moves them after the command. */
int ud_cli_parse_spec(ud_cli_flags *flags, const ud_cli_spec *spec, int argc,
                      char **argv) UD_MUST_CHECK;

/* ud_cli_parse_spec with every common flag and exactly `positional`
 * operands, copied into operands[]. */
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

/* The principals of a search or question made as the user with this email
 * (`--as EMAIL`), built as the server builds a signed-in user's
 * (ud_meta_user_principals), in the session's arena. The user must be one
 * of the session's organization; each use is audited (action, e.g.
 * "search_as", with the email and `what`, the query). A NULL email leaves
 * *out NULL (the operator's default, "org:*"). Prints the error and returns
 * 1 on failure. */
int ud_cli_principals_as(const char ***out, size_t *out_count, ud_cli_session *s, const char *email,
                         const char *action, const char *what);

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
