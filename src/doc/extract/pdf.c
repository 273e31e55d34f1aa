/*
 * PDF with poppler-glib. We chose poppler over mupdf: Debian ships poppler
 * as a shared library (the binary stays small), while its mupdf is static
 * only and adds about 40 MB of fonts to the binary (see docs/ingest.md).
 *
 * Pages are separated by form feeds, which the cleaner turns into blank
 * lines. The document information dictionary gives title, author and dates.
 */
#include <glib.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"

static const char *keep(ud_arena *arena, gchar *value)
{
    const char *result = NULL;
    if (value && value[0])
        result = ud_arena_strdup(arena, value);
    g_free(value);
    return result;
}

int ud_extract_pdf(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                   const char *name, const ud_extract_limits *limits)
{
    if (len < 5 || memcmp(data, "%PDF-", 5) != 0)
        return ud_error_set(UD_ECORRUPT, "not a PDF file (no %%PDF- header)");
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *error = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &error);
    g_bytes_unref(bytes);
    if (!doc) {
        int rc;
        if (error && error->domain == POPPLER_ERROR && error->code == POPPLER_ERROR_ENCRYPTED)
            rc = ud_error_set(UD_EUNSUPPORTED, "the PDF is encrypted");
        else
            rc = ud_error_set(UD_ECORRUPT, "the PDF is damaged: %s",
                              error ? error->message : "unknown error");
        if (error)
            g_error_free(error);
        return rc;
    }
    int pages = poppler_document_get_n_pages(doc);
    if (pages < 0 || (size_t)pages > limits->max_pages) {
        g_object_unref(doc);
        return ud_error_set(UD_ELIMIT, "the PDF has %d pages, more than the limit of %zu", pages,
                            limits->max_pages);
    }
    out->title = keep(arena, poppler_document_get_title(doc));
    out->author = keep(arena, poppler_document_get_author(doc));
    /* poppler reads the Info dictionary's "D:..." dates itself (it has them
     * parsed before we could see the strings); they are held to the window
     * of every document date (base/date.h). -1 means absent. */
    int64_t now = ud_now();
    int64_t created = (int64_t)poppler_document_get_creation_date(doc);
    int64_t modified = (int64_t)poppler_document_get_modification_date(doc);
    out->created_at = ud_date_plausible(created, now) ? created : 0;
    out->updated_at = ud_date_plausible(modified, now) ? modified : 0;
    char meta[64];
    snprintf(meta, sizeof(meta), "{\"pages\": %d}", pages);
    out->metadata_json = ud_arena_strdup(arena, meta);

    ud_text_out t;
    ud_text_out_init(&t, name, limits);
    for (int i = 0; i < pages && !t.failed; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (!page)
            continue;
        gchar *text = poppler_page_get_text(page);
        if (text) {
            ud_text_out_puts(&t, text);
            ud_text_out_append(&t, "\f", 1);
        }
        g_free(text);
        g_object_unref(page);
    }
    g_object_unref(doc);
    int rc = ud_text_out_finish(out, arena, &t);
    ud_text_out_dispose(&t);
    return rc;
}
