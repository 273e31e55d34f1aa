/*
 * Tests of the extractors: each format on a small file, metadata included,
 * and hostile input failing with a clear error instead of crashing or
 * exhausting memory. Binary fixtures are in tests/fixtures (see
 * make_fixtures.py there).
 */
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "doc/extract/extract.h"
#include "test.h"

static int extract(ud_extracted *out, ud_arena *arena, ud_format format, const char *data,
                   size_t len)
{
    memset(out, 0, sizeof(*out));
    return ud_extract(out, arena, format, data, len, "test", NULL);
}

static int extract_file(ud_extracted *out, ud_arena *arena, const char *path)
{
    char *data = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_file_read(&data, &len, path, 1 << 20));
    ud_arena_on_dispose(arena, free, data);
    return extract(out, arena, ud_format_from_path(path), data, len);
}

void test_extract__formats_come_from_extensions(void)
{
    UD_CHECK_EQ_INT(UD_FORMAT_MARKDOWN, ud_format_from_path("/a/b/Notes.MD"));
    UD_CHECK_EQ_INT(UD_FORMAT_HTML, ud_format_from_path("x.htm"));
    UD_CHECK_EQ_INT(UD_FORMAT_EMAIL, ud_format_from_path("mail.eml"));
    UD_CHECK_EQ_INT(UD_FORMAT_UNKNOWN, ud_format_from_path("archive.tar.gz"));
    UD_CHECK_EQ_INT(UD_FORMAT_UNKNOWN, ud_format_from_path("dir.md/file"));
    UD_CHECK_EQ_STR("docx", ud_format_name(UD_FORMAT_DOCX));
}

void test_extract__markdown_front_matter_title_author_and_date(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    const char *md = "# Leave Policy\nAuthor: Zoë Müller\nDate: 2025-04-01\n\nBody text.\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_MARKDOWN, md, strlen(md)));
    UD_CHECK_EQ_STR("Leave Policy", ex.title);
    UD_CHECK_EQ_STR("Zoë Müller", ex.author);
    UD_CHECK_EQ_INT(1743465600, ex.created_at);
    UD_CHECK_CONTAINS(ex.text, "Body text.");

    const char *fm = "---\ntitle: \"Travel Rules\"\nauthor: Ann\n---\n# Heading\nText\n";
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_MARKDOWN, fm, strlen(fm)));
    UD_CHECK_EQ_STR("Travel Rules", ex.title);
    UD_CHECK_EQ_STR("Ann", ex.author);
    UD_CHECK(strstr(ex.text, "title:") == NULL); /* front matter is not text */

    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_TEXT, "\n  First line  \nsecond\n", 22));
    UD_CHECK_EQ_STR("First line", ex.title);
    ud_arena_dispose(&arena);
}

void test_extract__html_keeps_structure_and_drops_scripts(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *html =
        "<!doctype html><html><head><title>Careers at Northwind</title>"
        "<meta name=\"author\" content=\"Web Team\"><style>body{color:red}</style>"
        "<script>var trackingPixel = 1;</script></head><body>"
        "<nav><a href=\"/\">Home navigation</a></nav><main><h1>Open roles</h1>"
        "<p>We are   hiring <b>robotics</b> engineers.</p><h2>Benefits</h2>"
        "<ul><li>Sixteen weeks leave</li><li>Stock &amp; options</li></ul>"
        "<table><tr><th>Role</th><th>Site</th></tr><tr><td>Engineer</td><td>Lyon</td></tr>"
        "</table></main><footer>Copyright footer</footer>"
        "<script>trackingPixel()</script></body></html>";
    ud_extracted ex;
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_HTML, html, strlen(html)));
    UD_CHECK_EQ_STR("Careers at Northwind", ex.title);
    UD_CHECK_EQ_STR("Web Team", ex.author);
    UD_CHECK_CONTAINS(ex.text, "# Open roles");
    UD_CHECK_CONTAINS(ex.text, "We are hiring robotics engineers.");
    UD_CHECK_CONTAINS(ex.text, "## Benefits");
    UD_CHECK_CONTAINS(ex.text, "- Stock & options");
    UD_CHECK_CONTAINS(ex.text, "| Role | Site |\n| --- | --- |\n| Engineer | Lyon |");
    UD_CHECK(strstr(ex.text, "trackingPixel") == NULL);
    UD_CHECK(strstr(ex.text, "color") == NULL);
    UD_CHECK(strstr(ex.text, "navigation") == NULL);
    UD_CHECK(strstr(ex.text, "footer") == NULL);
    ud_arena_dispose(&arena);
}

void test_extract__pdf_text_pages_and_info(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    UD_CHECK_OK(extract_file(&ex, &arena, "tests/fixtures/sample.pdf"));
    UD_CHECK_EQ_STR("Widget 9000 Specification", ex.title);
    UD_CHECK_EQ_STR("Zoë Tester", ex.author);
    UD_CHECK_EQ_INT(1741608000, ex.created_at); /* 2025-03-10T12:00:00Z */
    UD_CHECK_CONTAINS(ex.text, "battery lasts");
    UD_CHECK_CONTAINS(ex.text, "warranty of three years"); /* on the last page */
    UD_CHECK_CONTAINS(ex.text, "\f");                      /* page break */
    UD_CHECK_CONTAINS(ex.metadata_json, "\"pages\": 3");
    ud_arena_dispose(&arena);
}

void test_extract__docx_headings_lists_tables_and_core_properties(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    UD_CHECK_OK(extract_file(&ex, &arena, "tests/fixtures/sample.docx"));
    UD_CHECK_EQ_STR("Widget 9000 Specification", ex.title);
    UD_CHECK_EQ_STR("Zoë Tester", ex.author);
    UD_CHECK_EQ_INT(1741608000, ex.created_at);
    UD_CHECK_CONTAINS(ex.text, "# Widget 9000 Specification\n\nThe Widget 9000");
    UD_CHECK_CONTAINS(ex.text, "## Safety");
    UD_CHECK_CONTAINS(ex.text, "- Automatic shutdown above 60 degrees Celsius.");
    UD_CHECK_CONTAINS(ex.text, "| Part | Price |\n| --- | --- |\n| Battery | 120 EUR |");
    UD_CHECK_CONTAINS(ex.text, "| Charger \\| fast | 45 EUR |");
    ud_arena_dispose(&arena);
}

void test_extract__email_headers_plain_body_and_attachments(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *eml = "From: =?UTF-8?Q?Jos=C3=A9_Pe=C3=B1a?= <jose@example.com>\r\n"
                      "To: Support <support@northwind.example>\r\n"
                      "Cc: ann@example.com\r\n"
                      "Subject: Battery question\r\n"
                      "Date: Mon, 10 Mar 2025 12:00:00 +0000\r\n"
                      "Message-ID: <abc@example.com>\r\n"
                      "MIME-Version: 1.0\r\n"
                      "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
                      "--outer\r\n"
                      "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n"
                      "--inner\r\n"
                      "Content-Type: text/plain; charset=utf-8\r\n"
                      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                      "How long does the battery last? Caf=C3=A9 question.\r\n"
                      "--inner\r\n"
                      "Content-Type: text/html; charset=utf-8\r\n\r\n"
                      "<p>HTML copy of the same body</p>\r\n"
                      "--inner--\r\n"
                      "--outer\r\n"
                      "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
                      "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
                      "Content-Transfer-Encoding: base64\r\n\r\n"
                      "JVBERi0xLjQK\r\n"
                      "--outer--\r\n";
    ud_extracted ex;
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_EMAIL, eml, strlen(eml)));
    UD_CHECK_EQ_STR("Battery question", ex.title);
    UD_CHECK_EQ_STR("José Peña", ex.author);
    UD_CHECK_EQ_INT(1741608000, ex.created_at);
    UD_CHECK_CONTAINS(ex.text, "Subject: Battery question");
    UD_CHECK_CONTAINS(ex.text, "To: Support <support@northwind.example>");
    UD_CHECK_CONTAINS(ex.text, "How long does the battery last? Café question.");
    UD_CHECK(strstr(ex.text, "HTML copy") == NULL); /* the plain alternative wins */
    UD_CHECK_CONTAINS(ex.text, "Attachments: report.pdf");
    UD_CHECK_CONTAINS(ex.metadata_json, "\"attachments\":[\"report.pdf\"]");
    UD_CHECK_CONTAINS(ex.metadata_json, "\"message_id\":\"abc@example.com\"");
    ud_arena_dispose(&arena);
}

void test_extract__json_is_rendered_as_readable_lines(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *json = "{\"title\": \"Ticket 42\", \"author\": {\"name\": \"Ann\"}, "
                       "\"created_at\": \"2025-01-15T10:30:00Z\", \"priority\": 2, "
                       "\"tags\": [\"battery\", \"urgent\"], \"customer\": {\"name\": \"Acme\"}}";
    ud_extracted ex;
    UD_CHECK_OK(extract(&ex, &arena, UD_FORMAT_JSON, json, strlen(json)));
    UD_CHECK_EQ_STR("Ticket 42", ex.title);
    UD_CHECK_EQ_STR("Ann", ex.author);
    UD_CHECK_EQ_INT(1736937000, ex.created_at);
    UD_CHECK_CONTAINS(ex.text, "title: Ticket 42\n");
    UD_CHECK_CONTAINS(ex.text, "priority: 2\n");
    UD_CHECK_CONTAINS(ex.text, "tags:\n  - battery\n  - urgent\n");
    UD_CHECK_CONTAINS(ex.text, "customer:\n  name: Acme\n");
    ud_arena_dispose(&arena);
}

void test_extract__hostile_input_fails_cleanly(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_extracted ex;
    UD_CHECK_EQ_INT(UD_ECORRUPT, extract(&ex, &arena, UD_FORMAT_PDF, "%PDF-1.4\n1 0 obj <<", 19));
    UD_CHECK_EQ_INT(UD_ECORRUPT, extract(&ex, &arena, UD_FORMAT_PDF, "hello", 5));
    UD_CHECK_EQ_INT(UD_ECORRUPT, extract(&ex, &arena, UD_FORMAT_DOCX, "PK\3\4garbage", 11));
    UD_CHECK_EQ_INT(UD_ECORRUPT, extract(&ex, &arena, UD_FORMAT_JSON, "{\"a\": ", 6));
    UD_CHECK_EQ_INT(UD_ECORRUPT, extract(&ex, &arena, UD_FORMAT_EMAIL, "just words\n", 11));
    /* A member that declares 10 GB is refused before anything is inflated. */
    UD_CHECK_EQ_INT(UD_ELIMIT, extract_file(&ex, &arena, "tests/fixtures/claims-10gb.docx"));
    UD_CHECK_CONTAINS(ud_test_error_message(), "10737418240 bytes");
    /* One that lies about its size is cut off at the member limit. */
    ud_extract_limits limits;
    ud_extract_limits_default(&limits);
    limits.max_member_bytes = 8 << 20;
    char *data = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_file_read(&data, &len, "tests/fixtures/lying-size.docx", 1 << 20));
    int rc = ud_extract(&ex, &arena, UD_FORMAT_DOCX, data, len, "lying", &limits);
    UD_CHECK(rc == UD_ELIMIT || rc == UD_ECORRUPT);
    free(data);
    /* Text over the text limit. */
    limits.max_text_bytes = 10;
    UD_CHECK_EQ_INT(UD_ELIMIT,
                    ud_extract(&ex, &arena, UD_FORMAT_TEXT, "0123456789ABC", 13, "t", &limits));
    UD_CHECK_EQ_INT(UD_EUNSUPPORTED, extract(&ex, &arena, UD_FORMAT_UNKNOWN, "x", 1));
    /* Deeply nested HTML and JSON do not overflow the stack. */
    size_t depth = 100000;
    char *deep = malloc(depth * 5 + 1);
    for (size_t i = 0; i < depth; i++)
        memcpy(deep + i * 5, "<div>", 5);
    deep[depth * 5] = '\0';
    UD_CHECK(extract(&ex, &arena, UD_FORMAT_HTML, deep, depth * 5) <= 0);
    memset(deep, '[', depth);
    UD_CHECK_EQ_INT(UD_ECORRUPT, extract(&ex, &arena, UD_FORMAT_JSON, deep, depth));
    free(deep);
    ud_arena_dispose(&arena);
}
