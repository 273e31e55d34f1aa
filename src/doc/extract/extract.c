/*
 * The extraction dispatcher: file extension to format, the limits every
 * extractor obeys, and one entry point that checks the input size and calls
 * the format's extractor.
 */
#include "doc/extract/extract.h"

#include <string.h>
#include <strings.h>

void ud_extract_limits_default(ud_extract_limits *out)
{
    out->max_file_bytes = 64u << 20;
    out->max_text_bytes = 16u << 20;
    out->max_member_bytes = 64u << 20;
    out->max_pages = 2000;
}

static const struct {
    const char *extension;
    ud_format format;
} EXTENSIONS[] = {
    {".txt", UD_FORMAT_TEXT},  {".md", UD_FORMAT_MARKDOWN}, {".markdown", UD_FORMAT_MARKDOWN},
    {".html", UD_FORMAT_HTML}, {".htm", UD_FORMAT_HTML},    {".pdf", UD_FORMAT_PDF},
    {".docx", UD_FORMAT_DOCX}, {".eml", UD_FORMAT_EMAIL},   {".json", UD_FORMAT_JSON},
};

ud_format ud_format_from_path(const char *path)
{
    const char *dot = strrchr(path, '.');
    const char *slash = strrchr(path, '/');
    if (!dot || (slash && dot < slash))
        return UD_FORMAT_UNKNOWN;
    for (size_t i = 0; i < sizeof(EXTENSIONS) / sizeof(EXTENSIONS[0]); i++)
        if (strcasecmp(dot, EXTENSIONS[i].extension) == 0)
            return EXTENSIONS[i].format;
    return UD_FORMAT_UNKNOWN;
}

const char *ud_format_name(ud_format format)
{
    switch (format) {
    case UD_FORMAT_TEXT: return "txt";
    case UD_FORMAT_MARKDOWN: return "md";
    case UD_FORMAT_HTML: return "html";
    case UD_FORMAT_PDF: return "pdf";
    case UD_FORMAT_DOCX: return "docx";
    case UD_FORMAT_EMAIL: return "eml";
    case UD_FORMAT_JSON: return "json";
    case UD_FORMAT_UNKNOWN: break;
    }
    return "unknown";
}

typedef int (*extractor_fn)(ud_extracted *, ud_arena *, const char *, size_t, const char *,
                            const ud_extract_limits *);

int ud_extract(ud_extracted *out, ud_arena *arena, ud_format format, const char *data, size_t len,
               const char *name, const ud_extract_limits *limits)
{
    ud_extract_limits defaults;
    if (!limits) {
        ud_extract_limits_default(&defaults);
        limits = &defaults;
    }
    if (len > limits->max_file_bytes)
        return ud_error_set(UD_ELIMIT, "file is larger than the %zu MiB limit",
                            limits->max_file_bytes >> 20);
    extractor_fn fn = NULL;
    switch (format) {
    case UD_FORMAT_TEXT: fn = ud_extract_text; break;
    case UD_FORMAT_MARKDOWN: fn = ud_extract_markdown; break;
    case UD_FORMAT_HTML: fn = ud_extract_html; break;
    case UD_FORMAT_PDF: fn = ud_extract_pdf; break;
    case UD_FORMAT_DOCX: fn = ud_extract_docx; break;
    case UD_FORMAT_EMAIL: fn = ud_extract_email; break;
    case UD_FORMAT_JSON: fn = ud_extract_json; break;
    case UD_FORMAT_UNKNOWN: break;
    }
    if (!fn)
        return ud_error_set(UD_EUNSUPPORTED, "unsupported file type");
    ud_extracted result = {0};
    int rc = fn(&result, arena, data, len, name, limits);
    if (rc < 0)
        return rc;
    *out = result;
    return 0;
}
