/*
 * A document's dates come from the document when it states them (PDF Info,
 * DOCX core properties, HTML meta and <time>, front matter and Date: lines,
 * the email Date header, JSON fields), the file's modification time only
 * when it states none it can be believed about: the date parser, each
 * extractor, and ingest + after:/before: search through the real binary.
 * Every fixture is written by the test itself.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <zip.h>

#include "base/clock.h"
#include "base/date.h"
#include "base/fs.h"
#include "doc/extract/extract.h"
#include "test.h"

/* Unix seconds of the dates used below (computed independently). */
#define T_2025_03_10_1200 1741608000 /* the PDF's and DOCX's creation */
#define T_2025_03_11_0800 1741680000
#define T_2025_03_19 1742342400
#define T_2025_04_02_0930 1743586200
#define T_2025_06_10_1400 1749564000
#define T_2025_07_01_1345 1751377500
#define T_2025_08_01_0900 1754038800
#define T_2025_09_15_1620 1757953200
#define T_2025_02_01 1738368000
#define T_2025_05_01 1746057600
#define T_2021_05_05_1000 1620208800
#define T_2020_01_15_1000 1579082400
#define T_2025_12_01_1000 1764583200

static int extract(ud_extracted *out, ud_arena *arena, ud_format format, const char *data,
                   size_t len)
{
    memset(out, 0, sizeof(*out));
    return ud_extract(out, arena, format, data, len, "test", NULL);
}

static int64_t parsed(const char *text)
{
    int64_t t = 0;
    UD_CHECK_OK(ud_time_parse(&t, text));
    return t;
}

void test_doc_dates__parser_reads_iso_rfc2822_and_pdf_forms(void)
{
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("2025-03-10T12:00:00Z"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("2025-03-10T13:00:00.250+01:00"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("2025-03-10 13:00:00 +0100"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("2025-03-10T14:00+02"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("  2025-03-10T12:00:00  "));
    /* RFC 2822: numeric and named zones, a comment, no day name, folding,
     * the obsolete two-digit year. */
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("Mon, 10 Mar 2025 12:00:00 +0000"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("Mon, 10 Mar 2025 08:00:00 EDT"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("10 Mar 2025 13:00:00 +0100 (CET)"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("Mon, 10 Mar\r\n 2025 12:00:00 GMT"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("Mon, 10 Mar 25 12:00 +0000"));
    /* PDF: offset with apostrophes, Z with trailing zeros, only a date. */
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("D:20250310130000+01'00'"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, parsed("D:20250310120000Z00'00'"));
    UD_CHECK_EQ_INT(T_2025_03_10_1200 - 12 * 3600, parsed("D:20250310"));

    /* Not dates: no guessing. */
    static const char *const BAD[] = {"2025-02-30",
                                      "2024-02-30",
                                      "2025-03-10T24:00:00Z",
                                      "2025-03-10T12:00:00+25:00",
                                      "2025-03-10 and then some",
                                      "Mon, 10 Mar 2025 12:00:00 +0000 trailing words",
                                      "Mon, 10 Foo 2025 12:00:00 +0000",
                                      "Mon, 10 Mar 2025 12:00:00 XYZ",
                                      "D:2025031",
                                      "D:20251310",
                                      "10/03/2025",
                                      "yesterday",
                                      ""};
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        int64_t t = 0;
        if (ud_time_parse(&t, BAD[i]) != UD_EINVAL)
            ud_test_fail(__FILE__, __LINE__, "'%s' read as a date (%lld)", BAD[i], (long long)t);
    }
    int64_t leap = 0;
    UD_CHECK_OK(ud_time_parse(&leap, "2024-02-29"));
}

void test_doc_dates__document_dates_are_bounded(void)
{
    int64_t now = T_2025_12_01_1000;
    UD_CHECK_EQ_INT(T_2025_03_19, ud_date_from_document("2025-03-19", now));
    /* Before 1970 and 0 itself are no date. */
    UD_CHECK_EQ_INT(0, ud_date_from_document("1969-12-31T23:59:59Z", now));
    UD_CHECK_EQ_INT(0, ud_date_from_document("1970-01-01T00:00:00Z", now));
    UD_CHECK_EQ_INT(1, ud_date_from_document("1970-01-01T00:00:01Z", now));
    /* Up to two days ahead of now (other clocks, time zones), not more. */
    UD_CHECK_EQ_INT(now + 2 * 86400, ud_date_from_document("2025-12-03T10:00:00Z", now));
    UD_CHECK_EQ_INT(0, ud_date_from_document("2025-12-03T10:00:01Z", now));
    UD_CHECK_EQ_INT(0, ud_date_from_document("2999-01-01", now));
    UD_CHECK_EQ_INT(0, ud_date_from_document("not a date", now));
    UD_CHECK_EQ_INT(0, ud_date_from_document(NULL, now));
    /* A long text is not a date, even if it starts like one. */
    char padded[UD_DATE_MAX_TEXT + 16];
    memset(padded, ' ', sizeof(padded) - 1);
    padded[sizeof(padded) - 1] = '\0';
    memcpy(padded, "2025-03-19", 10);
    UD_CHECK_EQ_INT(0, ud_date_from_document(padded, now));
    padded[UD_DATE_MAX_TEXT] = '\0';
    UD_CHECK_EQ_INT(T_2025_03_19, ud_date_from_document(padded, now));
    UD_CHECK(!ud_date_plausible(0, now));
    UD_CHECK(ud_date_plausible(now, now));
}

void test_doc_dates__markdown_and_text_header_lines_and_front_matter(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    const char *fm = "---\ntitle: Review\ndate: 2025-03-10 13:00:00 +01:00\n"
                     "lastmod: 2025-04-02T09:30:00Z\n---\n# Review\nBody.\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_MARKDOWN, fm, strlen(fm)));
    UD_CHECK_EQ_INT(T_2025_03_10_1200, ex.created_at);
    UD_CHECK_EQ_INT(T_2025_04_02_0930, ex.updated_at);

    const char *bold = "# Postmortem\n**Author:** Tom\n**Date:** 2025-03-19\n\nText.\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_MARKDOWN, bold, strlen(bold)));
    UD_CHECK_EQ_INT(T_2025_03_19, ex.created_at);
    UD_CHECK_EQ_INT(0, ex.updated_at);

    /* Plain text: a Date: and an Updated: line near the top. */
    const char *txt = "Q1 summary\nDate: 2025-03-19\nUpdated: 2025-04-02T09:30:00Z\n\nRevenue.\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_TEXT, txt, strlen(txt)));
    UD_CHECK_EQ_STR("Q1 summary", ex.title);
    UD_CHECK_EQ_INT(T_2025_03_19, ex.created_at);
    UD_CHECK_EQ_INT(T_2025_04_02_0930, ex.updated_at);

    /* Only near the top: a Date: line deep in the text dates nothing. */
    char deep[512];
    size_t n = (size_t)snprintf(deep, sizeof(deep), "Log\n");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "entry %d\n", i);
    snprintf(deep + n, sizeof(deep) - n, "Date: 2025-03-19\n");
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_TEXT, deep, strlen(deep)));
    UD_CHECK_EQ_INT(0, ex.created_at);
    ud_arena_dispose(&arena);
}

void test_doc_dates__malformed_dates_fall_back_to_the_next_one(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    /* Front matter's date unreadable: the Date: line below is used. */
    const char *md = "---\ndate: 31/02/2025\n---\n# Notes\nDate: 2025-03-19\n\nText.\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_MARKDOWN, md, strlen(md)));
    UD_CHECK_EQ_INT(T_2025_03_19, ex.created_at);
    /* A date far in the future is no date. */
    const char *future = "# Plan\nDate: 2999-01-01\n\nText.\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_MARKDOWN, future, strlen(future)));
    UD_CHECK_EQ_INT(0, ex.created_at);
    /* JSON: an unreadable created_at gives way to a readable date. */
    const char *json = "{\"title\": \"T\", \"created_at\": \"last week\", \"date\": "
                       "\"2025-03-19\", \"updated_at\": \"1969-07-20\"}";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_JSON, json, strlen(json)));
    UD_CHECK_EQ_INT(T_2025_03_19, ex.created_at);
    UD_CHECK_EQ_INT(0, ex.updated_at);
    /* HTML: an unreadable meta date gives way to the <time> element. */
    const char *html = "<html><head><title>T</title><meta name=\"date\" content=\"soon\">"
                       "</head><body><p>Posted <time datetime=\"2025-03-19\">19 March</time>"
                       "</p></body></html>";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_HTML, html, strlen(html)));
    UD_CHECK_EQ_INT(T_2025_03_19, ex.created_at);
    /* Email: a Date header that is not a date is no date. */
    const char *eml = "From: a@example.com\r\nSubject: Hi\r\nDate: sometime soon\r\n\r\nBody\r\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_EMAIL, eml, strlen(eml)));
    UD_CHECK_EQ_INT(0, ex.created_at);
    ud_arena_dispose(&arena);
}

void test_doc_dates__html_meta_tags_and_time_element(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    const char *html =
        "<html><head><title>Post</title>"
        "<meta property=\"article:published_time\" content=\"2025-06-10T16:00:00+02:00\">"
        "<meta property=\"article:modified_time\" content=\"2025-07-01T13:45:00Z\">"
        "</head><body><time datetime=\"2024-01-01\">old</time></body></html>";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_HTML, html, strlen(html)));
    UD_CHECK_EQ_INT(T_2025_06_10_1400, ex.created_at); /* meta wins over <time> */
    UD_CHECK_EQ_INT(T_2025_07_01_1345, ex.updated_at);

    const char *dc = "<html><head><meta name=\"DCTERMS.date\" content=\"2025-03-19\">"
                     "<meta itemprop=\"dateModified\" content=\"2025-04-02T09:30:00Z\">"
                     "</head><body><p>x</p></body></html>";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_HTML, dc, strlen(dc)));
    UD_CHECK_EQ_INT(T_2025_03_19, ex.created_at);
    UD_CHECK_EQ_INT(T_2025_04_02_0930, ex.updated_at);

    /* No meta date: the first <time datetime> outside the page chrome. */
    const char *timed = "<html><body><nav><time datetime=\"2020-01-01\">nav</time></nav>"
                        "<main><p>By Ann, <time>yesterday</time> "
                        "<time datetime=\"2025-03-19\">19 March 2025</time></p></main>"
                        "<footer><time datetime=\"2026-01-01\">f</time></footer></body></html>";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_HTML, timed, strlen(timed)));
    UD_CHECK_EQ_INT(T_2025_03_19, ex.created_at);
    UD_CHECK_EQ_INT(0, ex.updated_at);
    UD_CHECK_CONTAINS(ex.text, "19 March 2025");
    ud_arena_dispose(&arena);
}

void test_doc_dates__email_date_header(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    const char *eml = "From: Ann <ann@example.com>\r\nTo: b@example.com\r\nSubject: Outage\r\n"
                      "Date: Tue, 1 Jul 2025 09:45:00 EDT\r\n\r\nThe outage is over.\r\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_EMAIL, eml, strlen(eml)));
    UD_CHECK_EQ_INT(T_2025_07_01_1345, ex.created_at);
    UD_CHECK_EQ_INT(T_2025_07_01_1345, ex.updated_at);
    ud_arena_dispose(&arena);
}

/* Appends to a fixed buffer (the PDF below is small). */
static void put(char *buf, size_t *len, size_t cap, const char *text)
{
    size_t n = strlen(text);
    UD_CHECK(*len + n < cap);
    memcpy(buf + *len, text, n + 1);
    *len += n;
}

/* A one-page PDF saying `text`, with the Info dates given (NULL: absent).
 * The cross-reference table is computed, so poppler reads it as is. */
static size_t make_pdf(char *out, size_t cap, const char *text, const char *created,
                       const char *modified)
{
    char stream[256], info[256], obj[512];
    snprintf(stream, sizeof(stream), "BT /F1 12 Tf 72 720 Td (%s) Tj ET", text);
    snprintf(info, sizeof(info), "<< /Title (Review)%s%s%s%s%s%s >>",
             created ? " /CreationDate (" : "", created ? created : "", created ? ")" : "",
             modified ? " /ModDate (" : "", modified ? modified : "", modified ? ")" : "");
    const char *objects[6];
    char content[320];
    snprintf(content, sizeof(content), "<< /Length %zu >>\nstream\n%s\nendstream",
             strlen(stream) + 1, stream);
    objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
    objects[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
    objects[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << "
                 "/F1 5 0 R >> >> /Contents 4 0 R >>";
    objects[3] = content;
    objects[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
    objects[5] = info;
    size_t len = 0, offsets[6];
    put(out, &len, cap, "%PDF-1.4\n");
    for (int i = 0; i < 6; i++) {
        offsets[i] = len;
        snprintf(obj, sizeof(obj), "%d 0 obj\n%s\nendobj\n", i + 1, objects[i]);
        put(out, &len, cap, obj);
    }
    size_t xref = len;
    put(out, &len, cap, "xref\n0 7\n0000000000 65535 f \n");
    for (int i = 0; i < 6; i++) {
        snprintf(obj, sizeof(obj), "%010zu 00000 n \n", offsets[i]);
        put(out, &len, cap, obj);
    }
    snprintf(obj, sizeof(obj),
             "trailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    put(out, &len, cap, obj);
    return len;
}

void test_doc_dates__pdf_info_dates(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    char pdf[4096];
    size_t len =
        make_pdf(pdf, sizeof(pdf), "Outage review", "D:20250310130000+01'00'", "D:20250411093000Z");
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_PDF, pdf, len));
    UD_CHECK_CONTAINS(ex.text, "Outage review");
    UD_CHECK_EQ_INT(T_2025_03_10_1200, ex.created_at);
    UD_CHECK_EQ_INT(T_2025_04_02_0930 + 9 * 86400, ex.updated_at);
    /* A creation date far in the future is not believed; none is none. */
    len = make_pdf(pdf, sizeof(pdf), "Outage review", "D:29990101000000Z", NULL);
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_PDF, pdf, len));
    UD_CHECK_EQ_INT(0, ex.created_at);
    UD_CHECK_EQ_INT(0, ex.updated_at);
    ud_arena_dispose(&arena);
}

/* A minimal DOCX at dir/name saying `text`, with core.xml dates; its path,
 * malloc'd. */
static char *make_docx(const char *dir, const char *name, const char *text, const char *created,
                       const char *modified)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    char *document = NULL, *core = NULL;
    UD_CHECK(asprintf(&document,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://"
                      "schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r>"
                      "<w:t>%s</w:t></w:r></w:p></w:body></w:document>",
                      text) > 0);
    UD_CHECK(asprintf(&core,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><cp:coreProperties "
                      "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
                      "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
                      "xmlns:dcterms=\"http://purl.org/dc/terms/\"><dc:title>Plan</dc:title>"
                      "<dcterms:created>%s</dcterms:created><dcterms:modified>%s"
                      "</dcterms:modified></cp:coreProperties>",
                      created, modified) > 0);
    int error = 0;
    zip_t *zip = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error);
    UD_CHECK(zip != NULL);
    zip_source_t *doc_source = zip_source_buffer(zip, document, strlen(document), 0);
    zip_source_t *core_source = zip_source_buffer(zip, core, strlen(core), 0);
    UD_CHECK(zip_file_add(zip, "word/document.xml", doc_source, ZIP_FL_OVERWRITE) >= 0);
    UD_CHECK(zip_file_add(zip, "docProps/core.xml", core_source, ZIP_FL_OVERWRITE) >= 0);
    UD_CHECK(zip_close(zip) == 0);
    free(document);
    free(core);
    return strdup(path);
}

void test_doc_dates__docx_core_properties(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *dir = ud_test_tmpdir();
    char *path = make_docx(dir, "plan.docx", "Outage plan", "2025-08-01T09:00:00Z",
                           "2025-09-15T18:20:00+02:00");
    char *data = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_file_read(&data, &len, path, 1 << 20));
    ud_extracted ex;
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_DOCX, data, len));
    UD_CHECK_CONTAINS(ex.text, "Outage plan");
    UD_CHECK_EQ_INT(T_2025_08_01_0900, ex.created_at);
    UD_CHECK_EQ_INT(T_2025_09_15_1620, ex.updated_at);
    free(data);
    free(path);
    ud_arena_dispose(&arena);
}

/* Sets a file's modification time, the date of last resort. */
static void set_mtime(const char *path, int64_t when)
{
    struct timeval times[2] = {{.tv_sec = (time_t)when}, {.tv_sec = (time_t)when}};
    UD_CHECK(utimes(path, times) == 0);
}

static const char *write_dated(const char *dir, const char *name, const char *text, int64_t mtime)
{
    const char *path = ud_test_write_file(dir, name, text, strlen(text));
    set_mtime(path, mtime);
    return path;
}

/* The results of `unify search --json QUERY` on the data directory. */
static json_t *search(const char *data, const char *query)
{
    char *out = NULL;
    UD_CHECK_EQ_INT(0,
                    ud_test_run(&out, "env UNIFY_STORE= %s search --data '%s' --top 50 --json '%s'",
                                ud_test_unify_bin(), data, query));
    json_error_t error;
    json_t *root = json_loads(out, 0, &error);
    if (!root)
        ud_test_fail(__FILE__, __LINE__, "not JSON: %s", out);
    free(out);
    return root;
}

/* updated_at of the first result whose path ends in "/name", else NULL. */
static const char *updated_of(json_t *root, const char *name)
{
    size_t i;
    json_t *hit;
    json_array_foreach(json_object_get(root, "results"), i, hit)
    {
        const char *path = json_string_value(json_object_get(hit, "path"));
        size_t n = path ? strlen(path) : 0, m = strlen(name);
        if (n > m && path[n - m - 1] == '/' && strcmp(path + n - m, name) == 0)
            return json_string_value(json_object_get(hit, "updated_at"));
    }
    return NULL;
}

static void init_data(char *data, size_t size)
{
    snprintf(data, size, "%s/data", ud_test_tmpdir());
    char *out = NULL;
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= UNIFY_WORD_VECTORS_JSON=none %s init "
                                   "--data '%s'",
                                   ud_test_unify_bin(), data));
    free(out);
}

/* Every format through `unify ingest`, files whose modification times
 * disagree with what they say: after: and before: go by the document's own
 * dates, and by the file's only where the document says nothing
 * believable. */
void test_doc_dates__ingest_and_search_go_by_the_documents_dates(void)
{
    char data[600];
    init_data(data, sizeof(data));
    char dir[700];
    snprintf(dir, sizeof(dir), "%s/docs", ud_test_tmpdir());

    /* Dated before April 2025 by themselves, touched later or earlier. */
    write_dated(dir, "postmortem.md",
                "# Outage postmortem\nDate: 2025-03-19\n\nThe database outage lasted two hours.\n",
                T_2025_12_01_1000);
    char pdf[4096];
    size_t pdf_len = make_pdf(pdf, sizeof(pdf), "Outage review for the board",
                              "D:20250310130000+01'00'", "D:20250311090000+01'00'");
    set_mtime(ud_test_write_file(dir, "review.pdf", pdf, pdf_len), T_2025_12_01_1000);
    /* Saying nothing, or nothing believable: the file's time. */
    write_dated(dir, "notes.txt", "Outage notes\n\nWe restarted the outage bridge.\n",
                T_2020_01_15_1000);
    write_dated(dir, "future.md", "# Outage drill\nDate: 2999-01-01\n\nA planned outage drill.\n",
                T_2021_05_05_1000);
    /* Dated after April 2025 by themselves, files touched long before. */
    write_dated(dir, "followup.html",
                "<html><head><title>Outage follow-up</title><meta property="
                "\"article:published_time\" content=\"2025-06-10T16:00:00+02:00\"></head>"
                "<body><p>What we changed after the outage.</p></body></html>",
                T_2020_01_15_1000);
    write_dated(dir, "mail.eml",
                "From: Ann <ann@example.com>\r\nTo: b@example.com\r\nSubject: Outage over\r\n"
                "Date: Tue, 1 Jul 2025 09:45:00 EDT\r\n\r\nThe outage is over.\r\n",
                T_2020_01_15_1000);
    write_dated(dir, "tracker.json",
                "{\"title\": \"Outage tracker\", \"created_at\": \"2025-02-01T00:00:00Z\", "
                "\"updated_at\": \"2025-05-01T00:00:00Z\", \"status\": \"outage closed\"}",
                T_2020_01_15_1000);
    char *docx = make_docx(dir, "plan.docx", "Outage plan for the next quarter",
                           "2025-08-01T09:00:00Z", "2025-09-15T18:20:00+02:00");
    set_mtime(docx, T_2020_01_15_1000);
    free(docx);

    char *out = NULL;
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s ingest --data '%s' '%s'",
                                   ud_test_unify_bin(), data, dir));
    UD_CHECK_CONTAINS(out, "8 added");
    free(out);

    /* Each file's updated_at, and whether that is before April 2025. */
    static const struct {
        const char *name;
        const char *updated;
    } EXPECTED[] = {
        {"postmortem.md", "2025-03-19T00:00:00Z"}, /* Date: line, not the December mtime */
        {"review.pdf", "2025-03-11T08:00:00Z"},    /* ModDate, not the mtime */
        {"notes.txt", "2020-01-15T10:00:00Z"},     /* no date: the mtime */
        {"future.md", "2021-05-05T10:00:00Z"},     /* 2999 is not believed: the mtime */
        {"followup.html", "2025-06-10T14:00:00Z"}, /* the older mtimes lose */
        {"mail.eml", "2025-07-01T13:45:00Z"},      {"tracker.json", "2025-05-01T00:00:00Z"},
        {"plan.docx", "2025-09-15T16:20:00Z"},
    };
    json_t *before = search(data, "before:2025-04-01 outage");
    json_t *after = search(data, "after:2025-04-01 outage");
    for (size_t i = 0; i < sizeof(EXPECTED) / sizeof(EXPECTED[0]); i++) {
        bool early = strcmp(EXPECTED[i].updated, "2025-04-01") < 0;
        const char *found = updated_of(early ? before : after, EXPECTED[i].name);
        const char *wrong = updated_of(early ? after : before, EXPECTED[i].name);
        if (!found || strcmp(found, EXPECTED[i].updated) != 0 || wrong)
            ud_test_fail(__FILE__, __LINE__, "%s: expected %s %s April, found %s, other side %s",
                         EXPECTED[i].name, EXPECTED[i].updated, early ? "before" : "after",
                         found ? found : "(none)", wrong ? wrong : "(none)");
    }
    json_decref(before);
    json_decref(after);
}

/* The demo workspace carries its own dates: in a fresh clone every file's
 * time is the clone's, yet the March 2025 postmortem is found before April. */
void test_doc_dates__demo_postmortem_is_found_before_april_2025(void)
{
    char data[600];
    init_data(data, sizeof(data));
    char *out = NULL;
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s ingest --data '%s' demo",
                                   ud_test_unify_bin(), data));
    free(out);
    const char *postmortem = "2025-03-12-database-outage-postmortem.md";
    json_t *before = search(data, "before:2025-04-01 outage");
    UD_CHECK_EQ_STR("2025-03-19T00:00:00Z", updated_of(before, postmortem));
    json_decref(before);
    json_t *after = search(data, "after:2025-04-01 outage");
    UD_CHECK(updated_of(after, postmortem) == NULL);
    json_decref(after);
}
