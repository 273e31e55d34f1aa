/*
 * The parts of a MIME message as a reader sees them, shared by the email
 * extractor (email.c) and the Gmail export importer: forwarded messages
 * are read as body; in multipart/alternative the plain part wins, then a
 * nested multipart, then HTML; a part with a file name or an attachment
 * disposition is an attachment; other text parts are body. Nesting
 * deeper than UD_MIME_MAX_DEPTH is skipped.
 */
#ifndef UD_DOC_EXTRACT_MIME_WALK_H
#define UD_DOC_EXTRACT_MIME_WALK_H

#include <gmime/gmime.h>
#include <stdbool.h>

#define UD_MIME_MAX_DEPTH 32

typedef struct ud_mime_visitor {
    /* A body part; html says whether it is text/html. */
    void (*text)(GMimeTextPart *part, bool html, void *payload);
    void (*attachment)(GMimePart *part, void *payload);
    /* Optional: true ends the walk (say, once the text is over its cap). */
    bool (*stop)(void *payload);
    void *payload;
} ud_mime_visitor;

void ud_mime_walk(GMimeObject *root, const ud_mime_visitor *visitor);

/* Whether obj's content type is type/subtype ("*" matches any subtype). */
bool ud_mime_is_type(GMimeObject *obj, const char *type, const char *subtype);

#endif
