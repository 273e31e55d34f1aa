/*
 * The object store for raw documents, in the spec's bucket layout:
 *   orgs/{org_id}/sources/{source_id}/raw/{file_id}
 * One interface chosen by URL: "file:///abs/dir" is the embedded default
 * (a directory with that layout); S3 ("s3://bucket/prefix") plugs in behind
 * the same functions later.
 */
#ifndef UD_STORE_BLOBS_H
#define UD_STORE_BLOBS_H

#include <stddef.h>

#include "base/error.h"

typedef struct ud_blobs ud_blobs;

typedef struct ud_blobs_ops {
    /* Stores the bytes under key, replacing what was there, atomically. */
    int (*put)(ud_blobs *self, const char *key, const void *data, size_t len);
    /* The bytes under key (malloc'd); UD_ENOTFOUND, UD_ELIMIT past max. */
    int (*get)(ud_blobs *self, const char *key, char **out, size_t *out_len, size_t max);
    /* Removes every object whose key starts with prefix. */
    int (*remove_prefix)(ud_blobs *self, const char *prefix);
    void (*free)(ud_blobs *self);
} ud_blobs_ops;

struct ud_blobs {
    const ud_blobs_ops *ops;
};

int ud_blobs_open(ud_blobs **out, const char *url) UD_MUST_CHECK;

/* The key of a raw file: orgs/{org}/sources/{source}/raw/{file_id}, with
 * every byte of file_id outside [A-Za-z0-9._-] percent-encoded, so that an
 * id from a source can never climb out of its folder. UD_ELIMIT if it does
 * not fit in size. */
int ud_blob_key(char *out, size_t size, const char *org_id, const char *source_id,
                const char *file_id) UD_MUST_CHECK;
/* The prefix of a source's objects: orgs/{org}/sources/{source}/. */
int ud_blob_source_prefix(char *out, size_t size, const char *org_id,
                          const char *source_id) UD_MUST_CHECK;

static inline int ud_blobs_put(ud_blobs *b, const char *key, const void *data, size_t len)
{
    return b->ops->put(b, key, data, len);
}
static inline int ud_blobs_get(ud_blobs *b, const char *key, char **out, size_t *out_len,
                               size_t max)
{
    return b->ops->get(b, key, out, out_len, max);
}
static inline int ud_blobs_remove_prefix(ud_blobs *b, const char *prefix)
{
    return b->ops->remove_prefix(b, prefix);
}
static inline void ud_blobs_free(ud_blobs *b)
{
    if (b)
        b->ops->free(b);
}

#endif
