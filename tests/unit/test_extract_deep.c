/*
 * Deeply nested HTML: past the depth the extractor keeps structure for,
 * elements are flattened into their text instead of being dropped, and
 * nothing recurses as deep as the file nests (a recursive walk of these
 * files would need far more stack than a thread has).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "doc/extract/extract.h"
#include "test.h"

/* before + `depth` x open + inner + `depth` x close + after, malloc'd. */
static char *nested(size_t *out_len, const char *before, const char *open, size_t depth,
                    const char *inner, const char *close, const char *after)
{
    size_t lo = strlen(open), lc = strlen(close);
    size_t len = strlen(before) + depth * (lo + lc) + strlen(inner) + strlen(after);
    char *html = malloc(len + 1);
    UD_CHECK(html != NULL);
    char *p = html;
    p = stpcpy(p, before);
    for (size_t i = 0; i < depth; i++)
        p = stpcpy(p, open);
    p = stpcpy(p, inner);
    for (size_t i = 0; i < depth; i++)
        p = stpcpy(p, close);
    p = stpcpy(p, after);
    *out_len = (size_t)(p - html);
    UD_CHECK_EQ_INT(len, *out_len);
    return html;
}

static int extract_html(ud_extracted *out, ud_arena *arena, const char *html, size_t len)
{
    memset(out, 0, sizeof(*out));
    return ud_extract(out, arena, UD_FORMAT_HTML, html, len, "deep.html", NULL);
}

void test_extract_deep__200000_nested_divs_keep_their_text(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    size_t len = 0;
    char *html = nested(&len, "<html><body><p>Before the nest.</p>", "<div>", 200000,
                        "The innermost words survive.", "</div>",
                        "<p>After the nest.</p>"
                        "</body></html>");
    ud_extracted ex;
    UD_CHECK_OK(extract_html(&ex, &arena, html, len));
    UD_CHECK_EQ_STR("Before the nest.\n\nThe innermost words survive.\n\nAfter the nest.\n\n",
                    ex.text);
    free(html);

    /* Only the deep text: it was "no text could be extracted". */
    html = nested(&len, "", "<div>", 200000, "Nothing but deep words.", "</div>", "");
    UD_CHECK_OK(extract_html(&ex, &arena, html, len));
    UD_CHECK_EQ_STR("Nothing but deep words.\n\n", ex.text);
    free(html);
    ud_arena_dispose(&arena);
}

void test_extract_deep__text_at_every_level_is_kept_in_order(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_buf html;
    ud_buf_init(&html, 1 << 20);
    const size_t depth = 3000;
    UD_CHECK_OK(ud_buf_puts(&html, "<body>"));
    for (size_t i = 0; i < depth; i++)
        UD_CHECK_OK(ud_buf_printf(&html, "<span>w%zu ", i));
    for (size_t i = 0; i < depth; i++)
        UD_CHECK_OK(ud_buf_puts(&html, "</span>"));
    UD_CHECK_OK(ud_buf_puts(&html, "<p>tail</p></body>"));
    ud_extracted ex;
    UD_CHECK_OK(extract_html(&ex, &arena, html.ptr, html.len));
    /* Each word once, in document order, the deepest included. */
    const char *at = ex.text;
    for (size_t i = 0; i < depth; i++) {
        char word[32];
        snprintf(word, sizeof(word), i + 1 < depth ? "w%zu " : "w%zu\n", i);
        const char *found = strstr(at, word);
        if (!found)
            ud_test_fail(__FILE__, __LINE__, "%s missing after offset %zu", word,
                         (size_t)(at - ex.text));
        at = found + strlen(word);
    }
    UD_CHECK_CONTAINS(at, "tail");
    ud_buf_dispose(&html);
    ud_arena_dispose(&arena);
}

void test_extract_deep__structure_is_kept_above_the_depth_and_flattened_below(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    size_t len = 0;
    /* A table and a list near the top keep their markdown; deep inside,
     * a table, a heading and a script: the text stays (as paragraphs),
     * the script still goes. */
    char *html =
        nested(&len,
               "<body><table><tr><th>Role</th><th>Site</th></tr><tr><td>Engineer</td><td>Lyon</td>"
               "</tr></table><ul><li>First item</li></ul>",
               "<section>", 1000,
               "<h2>Deep heading</h2><table><tr><td>deep cell</td></tr></table>"
               "<script>var hiddenScript = 1;</script><p>Deep paragraph.</p>",
               "</section>", "</body>");
    ud_extracted ex;
    UD_CHECK_OK(extract_html(&ex, &arena, html, len));
    UD_CHECK_CONTAINS(ex.text, "| Role | Site |\n| --- | --- |\n| Engineer | Lyon |");
    UD_CHECK_CONTAINS(ex.text, "- First item");
    UD_CHECK_CONTAINS(ex.text, "\n\nDeep heading\n\ndeep cell\n\nDeep paragraph.");
    UD_CHECK(strstr(ex.text, "hiddenScript") == NULL);
    free(html);
    ud_arena_dispose(&arena);
}

void test_extract_deep__nested_tables_and_lists_within_the_depth(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    /* The walk's frames handle cells inside cells and lists in lists the
     * way the old recursive walk did: an inner table is folded into its
     * cell's line with its pipes escaped. */
    const char *html = "<body><table><tr><td>outer <table><tr><td>in|ner</td></tr></table></td>"
                       "<td>two</td></tr><tr><td>x</td><td>y</td></tr></table>"
                       "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"
                       "<pre>keep   spaces</pre></body>";
    ud_extracted ex;
    UD_CHECK_OK(extract_html(&ex, &arena, html, strlen(html)));
    UD_CHECK_CONTAINS(
        ex.text, "| outer  \\| in\\\\|ner \\| \\| --- \\|   | two |\n| --- | --- |\n| x | y |");
    UD_CHECK_CONTAINS(ex.text, "- a\n  - b\n- c");
    UD_CHECK_CONTAINS(ex.text, "```\nkeep   spaces\n```");
    ud_arena_dispose(&arena);
}
