/*
 * Helpers every caller of an embedder shares: the name a collection records
 * for its vectors, and the vector of a chunk (its title and text together).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

#include "embed/embedder.h"

void ud_embedding_name(char *out, size_t size, const ud_embedder *embedder)
{
    if (embedder)
        snprintf(out, size, "%s/%s/%u", embedder->info.provider, embedder->info.model,
                 embedder->info.dims);
    else if (size)
        out[0] = '\0';
}

const float *ud_chunk_vector(float *out, ud_embedder *embedder, const char *title, const char *text)
{
    if (!embedder)
        return NULL;
    size_t title_len = title ? strlen(title) : 0, text_len = text ? strlen(text) : 0;
    char *both = malloc(title_len + text_len + 2);
    if (!both)
        return NULL;
    memcpy(both, title ? title : "", title_len);
    both[title_len] = '\n';
    memcpy(both + title_len + 1, text ? text : "", text_len);
    bool has = false;
    int rc = ud_embedder_embed(embedder, both, title_len + 1 + text_len, out, &has);
    free(both);
    return rc == 0 && has ? out : NULL;
}

/* The title-and-text copies of a document's chunks are built at most this
 * many bytes at a time, so that they cost a bounded buffer rather than a
 * second copy of the document. */
#define VECTOR_GROUP_BYTES (2u << 20)

int ud_chunk_vectors(float *vectors, bool *has, ud_embedder *embedder, const char *title,
                     const char *const *texts, size_t count, struct ud_arena *arena)
{
    const char **both = ud_arena_alloc(arena, (count ? count : 1) * sizeof(char *));
    size_t *lens = ud_arena_alloc(arena, (count ? count : 1) * sizeof(size_t));
    const char *t = title ? title : "";
    int rc = 0;
    for (size_t first = 0; first < count && rc == 0;) {
        ud_arena group;
        ud_arena_init(&group);
        size_t n = 0, bytes = 0;
        while (first + n < count && (n == 0 || bytes < VECTOR_GROUP_BYTES)) {
            size_t i = first + n++;
            both[i] = ud_arena_sprintf(&group, "%s\n%s", t, texts[i] ? texts[i] : "");
            lens[i] = strlen(both[i]);
            bytes += lens[i];
        }
        rc = ud_embedder_embed_batch(embedder, both + first, lens + first, n,
                                     vectors + first * embedder->info.dims, has + first);
        ud_arena_dispose(&group);
        first += n;
    }
    return rc;
}
