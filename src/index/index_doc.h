/*
 * What the index stores for one chunk: its text and title (analyzed and
 * stored), the fields results show, and the fields filters use. Borrowed
 * strings: the index copies what it keeps.
 */
#ifndef UD_INDEX_INDEX_DOC_H
#define UD_INDEX_INDEX_DOC_H

#include <stddef.h>
#include <stdint.h>

typedef struct ud_index_doc {
    const char *doc_id; /* the document's id; all its chunks share it */
    uint32_t chunk_index;
    const char *title;
    const char *text;
    const char *source_type;
    const char *url;
    const char *path;
    const char *heading_path;
    const char *author;
    int64_t updated_at;
    const char *const *acl; /* principals allowed to read it */
    size_t acl_count;
    const float *vector; /* the collection's dims, unit length; NULL = none */
} ud_index_doc;

#endif
