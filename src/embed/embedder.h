/*
 * Embedding providers: text in, a unit-length vector out. One interface
 * (a table of functions, chosen by configuration) with the `static`
 * provider, SIF-weighted GloVe word vectors (glove.h, sif.h), and the
 * `openai` provider, any OpenAI-compatible /v1/embeddings (openai_embed.h).
 * A collection records the provider, model and dimensions it was built
 * with and refuses vectors of another kind.
 */
#ifndef UD_EMBED_EMBEDDER_H
#define UD_EMBED_EMBEDDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct ud_embedder_info {
    const char *provider; /* "static", "openai" */
    const char *model;    /* "glove-100d-sif" */
    uint32_t dims;
} ud_embedder_info;

typedef struct ud_embedder_ops {
    /* Writes info.dims floats to out and sets *out_has to true, or sets it
     * to false when the text gives no vector (no known word). */
    int (*embed)(void *self, const char *text, size_t len, float *out, bool *out_has);
    void (*free)(void *self);
    /* Optional (NULL: one embed call per text). Embeds count texts at once:
     * text i into out + i * info.dims, out_has[i] as for embed. Remote
     * providers send them in as few requests as their limits allow. */
    int (*embed_batch)(void *self, const char *const *texts, const size_t *lens, size_t count,
                       float *out, bool *out_has);
} ud_embedder_ops;

typedef struct ud_embedder {
    const ud_embedder_ops *ops;
    void *self;
    ud_embedder_info info;
} ud_embedder;

/* The static provider over a converted GloVe file (see glove.h).
 * Thread-safe: the file is read-only and embedding keeps no state. */
int ud_embedder_open_static(ud_embedder **out, const char *path) UD_MUST_CHECK;
void ud_embedder_free(ud_embedder *embedder);

/* "provider/model/dims" of an embedder, "" for NULL. */
void ud_embedding_name(char *out, size_t size, const ud_embedder *embedder);

/* Embeds a chunk (its title and text) into out (embedder dims floats);
 * returns out, or NULL when the text gives no vector or there is no
 * embedder. */
const float *ud_chunk_vector(float *out, ud_embedder *embedder, const char *title,
                             const char *text);

/* Embeds the chunks of one document (each as its title and text) in
 * batches of about 2 MiB of text: vectors[i * dims] and has[i] for chunk i
 * (has false when it gives no vector). The batches' texts are built and
 * freed one batch at a time; `arena` holds two pointers per chunk. A
 * provider's failure is returned (the document fails, rather than being
 * indexed without its vectors). */
struct ud_arena;
int ud_chunk_vectors(float *vectors, bool *has, ud_embedder *embedder, const char *title,
                     const char *const *texts, size_t count, struct ud_arena *arena) UD_MUST_CHECK;

static inline int ud_embedder_embed(ud_embedder *e, const char *text, size_t len, float *out,
                                    bool *out_has)
{
    return e->ops->embed(e->self, text, len, out, out_has);
}

/* Embeds count texts (see embed_batch), through the provider's batch op
 * when it has one. */
static inline int ud_embedder_embed_batch(ud_embedder *e, const char *const *texts,
                                          const size_t *lens, size_t count, float *out,
                                          bool *out_has)
{
    if (e->ops->embed_batch)
        return e->ops->embed_batch(e->self, texts, lens, count, out, out_has);
    for (size_t i = 0; i < count; i++) {
        int rc = e->ops->embed(e->self, texts[i], lens[i], out + i * e->info.dims, &out_has[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

#endif
