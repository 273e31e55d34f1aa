/*
 * The unified Document and its Chunks: what every source (a folder of files,
 * and later Slack, Gmail, Notion, Salesforce, Drive) is turned into before it
 * is cleaned, chunked and indexed. All strings are owned by the arena the
 * document was built in.
 */
#ifndef UD_DOC_DOCUMENT_H
#define UD_DOC_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/crypto.h"
#include "doc/acl.h"

typedef struct ud_document {
    /* Stable id: "{source_type}:{object_type}:{external_id}", for example
     * "file:document:hr/leave-policy.md". Unique within its data source:
     * the same key in two sources is two documents (store/meta.h). */
    const char *source_key;
    const char *source_type; /* "file", "slack", "gmail", ... */
    const char *title;
    const char *url;       /* link back to the original, may be NULL */
    const char *path;      /* relative path for files, may be NULL */
    const char *author;    /* name or email, may be NULL */
    const char *language;  /* ISO 639-1 ("en") or NULL when unknown */
    const char *file_type; /* "pdf", "docx", "html", "md", "txt", "eml", "json" */
    int64_t created_at;    /* Unix seconds, 0 when unknown */
    int64_t updated_at;
    const char *text; /* cleaned UTF-8 (NFC), markdown structure kept */
    size_t text_len;
    const char *metadata_json; /* extra fields as a JSON object, never NULL */
    const char **acl;          /* principals allowed to read it (doc/acl.h) */
    size_t acl_count;
    char content_hash[UD_SHA256_HEX_LEN + 1]; /* SHA-256 of the raw bytes */
} ud_document;

typedef struct ud_chunk {
    size_t index;             /* position in the document, from 0 */
    const char *text;         /* NUL-terminated copy of the chunk's text */
    size_t len;               /* bytes */
    size_t tokens;            /* ud_token_count() of text */
    size_t start;             /* byte offset of the chunk in the document text */
    const char *heading_path; /* "Policy > Leave > Eligibility", "" at top */
} ud_chunk;

#endif
