/*
 * Text extraction: raw bytes of a file in one of the supported formats into
 * markdown-flavoured UTF-8 text plus the metadata the file itself carries.
 * The result is not yet cleaned (see clean.h). Each format lives in its own
 * file (text.c, html.c, pdf.c, docx.c, email.c, json.c); this header is the
 * dispatcher's.
 */
#ifndef UD_DOC_EXTRACT_H
#define UD_DOC_EXTRACT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

typedef enum {
    UD_FORMAT_UNKNOWN = 0,
    UD_FORMAT_TEXT,
    UD_FORMAT_MARKDOWN,
    UD_FORMAT_HTML,
    UD_FORMAT_PDF,
    UD_FORMAT_DOCX,
    UD_FORMAT_EMAIL,
    UD_FORMAT_JSON
} ud_format;

/* What an extractor found. Strings live in the arena passed in; any may be
 * NULL when the file does not say. The text of plain text and Markdown is
 * not copied: it points into the data given to the extractor (its whole or
 * the part after the front matter), so it lives as long as that does, and
 * it is text_len bytes, NUL-terminated only when the data is. */
typedef struct ud_extracted {
    const char *text;
    size_t text_len;
    const char *title;
    const char *author;
    int64_t created_at; /* Unix seconds, 0 if unknown */
    int64_t updated_at;
    const char
        *metadata_json; /* format-specific extras (email headers, ...), JSON object or NULL */
} ud_extracted;

/* Limits applied to every extraction; input beyond them fails with UD_ELIMIT. */
typedef struct ud_extract_limits {
    size_t max_file_bytes;   /* raw input size */
    size_t max_text_bytes;   /* extracted text size */
    size_t max_member_bytes; /* one decompressed zip member (DOCX) */
    size_t max_pages;        /* PDF pages */
} ud_extract_limits;

void ud_extract_limits_default(ud_extract_limits *out);

/* The format a file name's extension names (".md" -> MARKDOWN), or UNKNOWN. */
ud_format ud_format_from_path(const char *path);
const char *ud_format_name(ud_format format); /* "md", "pdf", ... */

/* Extracts `data` (the whole file, `len` bytes) of the given format.
 * `name` is used in error messages only. On failure returns UD_ECORRUPT,
 * UD_ELIMIT, UD_EUNSUPPORTED or UD_EINVAL with a message; *out is untouched. */
int ud_extract(ud_extracted *out, ud_arena *arena, ud_format format, const char *data, size_t len,
               const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;

/* One function per format, same contract as ud_extract. */
int ud_extract_text(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;
int ud_extract_markdown(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                        const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;
int ud_extract_html(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;
int ud_extract_pdf(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                   const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;
int ud_extract_docx(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;
int ud_extract_email(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                     const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;
int ud_extract_json(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits) UD_MUST_CHECK;

#endif
