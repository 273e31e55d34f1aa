/*
 * `unify reindex`: rebuilds the organization's index from the metadata
 * store, which holds every document and chunk. Needed after a change of
 * index format or analyzer settings; `unify ingest` also does it on its own
 * when it finds the index behind the store.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"
#include "cli/admin.h"
#include "sync/reindex.h"

static const char usage[] =
    "usage: unify reindex [--data DIR] [--json]\n\n"
    "Rebuilds the search index of the organization from the metadata store.\n"
    "Searches keep using the previous index until the new one is committed.\n\n"
    "  -d, --data DIR  data directory (default: $UNIFY_DATA, else ./unify-data)\n"
    "  -j, --json      print {\"chunks\", \"seconds\"}\n";

int ud_cmd_reindex(int argc, char **argv)
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
    ud_meta *meta = NULL;
    if (ud_cli_open_store(&meta, &config) != 0)
        return 1;
    ud_arena arena;
    ud_arena_init(&arena);
    int status = 1;
    ud_collection_writer *writer = NULL;
    ud_embedder *embedder = NULL;
    ud_org org;
    if (ud_cli_org(&org, meta, &arena, &config) != 0)
        goto done;
    if (ud_cli_open_embedder(&embedder, &config) != 0)
        goto done;
    char dir[4200];
    ud_collection_dir(dir, sizeof(dir), config.data_dir, org.id);
    char embedding[128];
    ud_embedding_name(embedding, sizeof(embedding), embedder);
    ud_collection_writer_opts wopts = {.embedding = embedding,
                                       .vector_dims = embedder ? embedder->info.dims : 0};
    if (ud_collection_writer_open(&writer, dir, &wopts) < 0) {
        ud_cli_fail("index");
        goto done;
    }
    double start = ud_monotonic_ms();
    size_t chunks = 0;
    if (ud_reindex_org(&chunks, writer, meta, org.id, embedder) < 0) {
        ud_cli_fail("reindex");
        goto done;
    }
    double seconds = (ud_monotonic_ms() - start) / 1000.0;
    if (json)
        printf("{\"chunks\": %zu, \"seconds\": %.3f}\n", chunks, seconds);
    else
        printf("Reindexed %zu chunks in %.2f s.\n", chunks, seconds);
    status = 0;
done:
    ud_collection_writer_close(writer);
    ud_embedder_free(embedder);
    ud_arena_dispose(&arena);
    ud_meta_close(meta);
    return status;
}
