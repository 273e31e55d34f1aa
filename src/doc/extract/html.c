/*
 * HTML with libxml2's forgiving HTML parser. The tree is walked once and
 * written out as markdown: headings as "#", list items as "- ", table rows
 * as "| a | b |", paragraphs as blocks. Scripts, styles and page chrome
 * (navigation, footers, forms) are dropped: they are not the document.
 * Title, author and dates come from <title> and <meta> tags.
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"

/* Nodes nested deeper than this are skipped (libxml2 caps depth too). */
#define MAX_DEPTH 256
#define MAX_TITLE_BYTES 200

static const char *const DROPPED[] = {"script", "style",  "noscript", "template", "nav",
                                      "footer", "aside",  "form",     "iframe",   "svg",
                                      "canvas", "button", "select",   "head",     NULL};
static const char *const BLOCKS[] = {
    "p",  "div", "section", "article", "main", "header", "blockquote", "figure", "figcaption", "dl",
    "dt", "dd",  "address", "hr",      "body", "ul",     "ol",         "table",  NULL};

static bool name_in(const xmlChar *name, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcasecmp((const char *)name, list[i]) == 0)
            return true;
    return false;
}

static bool is(const xmlNode *node, const char *name)
{
    return node->name && strcasecmp((const char *)node->name, name) == 0;
}

typedef struct walker {
    ud_text_out *out;
    int list_depth;
    bool in_pre;
} walker;

static void walk_children(walker *w, xmlNode *node, int depth);

/* Writes one table cell's text with pipes escaped and line breaks folded. */
static void write_cell(walker *w, xmlNode *cell, int depth)
{
    ud_text_out cell_out;
    ud_extract_limits limits = {.max_text_bytes = 64 * 1024};
    ud_text_out_init(&cell_out, w->out->name, &limits);
    walker inner = {&cell_out, 0, false};
    walk_children(&inner, cell, depth + 1);
    ud_text_out_append(w->out, " ", 1);
    for (size_t i = 0; i < cell_out.buf.len; i++) {
        char c = cell_out.buf.ptr[i];
        if (c == '\n')
            c = ' ';
        if (c == '|')
            ud_text_out_append(w->out, "\\", 1);
        ud_text_out_append(w->out, &c, 1);
    }
    ud_text_out_append(w->out, " |", 2);
    ud_text_out_dispose(&cell_out);
}

static void write_row(walker *w, xmlNode *row, int depth, bool *header_done)
{
    size_t cells = 0;
    ud_text_out_break(w->out, 1);
    ud_text_out_append(w->out, "|", 1);
    for (xmlNode *c = row->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !(is(c, "td") || is(c, "th")))
            continue;
        write_cell(w, c, depth);
        cells++;
    }
    ud_text_out_break(w->out, 1);
    /* A markdown table needs a separator after its first row. */
    if (!*header_done && cells > 0) {
        ud_text_out_append(w->out, "|", 1);
        for (size_t i = 0; i < cells; i++)
            ud_text_out_append(w->out, " --- |", 6);
        ud_text_out_break(w->out, 1);
        *header_done = true;
    }
}

static void walk_table(walker *w, xmlNode *node, int depth, bool *header_done)
{
    if (depth > MAX_DEPTH)
        return;
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, "tr"))
            write_row(w, c, depth, header_done);
        else if (is(c, "thead") || is(c, "tbody") || is(c, "tfoot"))
            walk_table(w, c, depth + 1, header_done);
    }
}

static void walk_element(walker *w, xmlNode *node, int depth)
{
    const xmlChar *name = node->name;
    if (name_in(name, DROPPED))
        return;
    ud_text_out *out = w->out;
    if (strlen((const char *)name) == 2 && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' &&
        name[1] <= '6') {
        ud_text_out_break(out, 2);
        for (int i = 0; i < name[1] - '0'; i++)
            ud_text_out_append(out, "#", 1);
        ud_text_out_append(out, " ", 1);
        walk_children(w, node, depth);
        ud_text_out_break(out, 2);
        return;
    }
    if (is(node, "br")) {
        ud_text_out_append(out, "\n", 1);
        return;
    }
    if (is(node, "li")) {
        ud_text_out_break(out, 1);
        for (int i = 1; i < w->list_depth; i++)
            ud_text_out_append(out, "  ", 2);
        ud_text_out_append(out, "- ", 2);
        walk_children(w, node, depth);
        ud_text_out_break(out, 1);
        return;
    }
    if (is(node, "ul") || is(node, "ol")) {
        ud_text_out_break(out, w->list_depth ? 1 : 2);
        w->list_depth++;
        walk_children(w, node, depth);
        w->list_depth--;
        ud_text_out_break(out, w->list_depth ? 1 : 2);
        return;
    }
    if (is(node, "table")) {
        bool header_done = false;
        ud_text_out_break(out, 2);
        walk_table(w, node, depth, &header_done);
        ud_text_out_break(out, 2);
        return;
    }
    if (is(node, "pre")) {
        ud_text_out_break(out, 2);
        ud_text_out_puts(out, "```\n");
        w->in_pre = true;
        walk_children(w, node, depth);
        w->in_pre = false;
        ud_text_out_break(out, 1);
        ud_text_out_puts(out, "```");
        ud_text_out_break(out, 2);
        return;
    }
    bool block = name_in(name, BLOCKS);
    if (block)
        ud_text_out_break(out, 2);
    walk_children(w, node, depth);
    if (block)
        ud_text_out_break(out, 2);
}

static void walk_children(walker *w, xmlNode *node, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (xmlNode *c = node->children; c && !w->out->failed; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            walk_element(w, c, depth + 1);
        } else if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t n = strlen((const char *)c->content);
            if (w->in_pre)
                ud_text_out_append(w->out, (const char *)c->content, n);
            else
                ud_text_out_inline(w->out, (const char *)c->content, n);
        }
    }
}

static xmlNode *find_element(xmlNode *node, const char *name, int depth)
{
    if (depth > MAX_DEPTH)
        return NULL;
    for (xmlNode *c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, name))
            return c;
        xmlNode *found = find_element(c->children, name, depth + 1);
        if (found)
            return found;
    }
    return NULL;
}

static const char *node_text(ud_arena *arena, xmlNode *node)
{
    xmlChar *content = xmlNodeGetContent(node);
    if (!content)
        return NULL;
    ud_str s = ud_str_trim(ud_str_from((const char *)content));
    const char *result = NULL;
    if (s.len > 0) {
        if (s.len > MAX_TITLE_BYTES) {
            s.len = MAX_TITLE_BYTES;
            while (s.len > 0 && ((unsigned char)s.ptr[s.len] & 0xC0) == 0x80)
                s.len--;
        }
        result = ud_arena_strndup(arena, s.ptr, s.len);
    }
    xmlFree(content);
    return result;
}

/* <meta name="author" content="…"> and friends. */
static void read_meta(ud_extracted *out, ud_arena *arena, xmlNode *head)
{
    for (xmlNode *c = head ? head->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !is(c, "meta"))
            continue;
        xmlChar *key = xmlGetProp(c, (const xmlChar *)"name");
        if (!key)
            key = xmlGetProp(c, (const xmlChar *)"property");
        xmlChar *content = xmlGetProp(c, (const xmlChar *)"content");
        if (key && content) {
            const char *k = (const char *)key;
            const char *v = (const char *)content;
            if (!out->author && strcasecmp(k, "author") == 0)
                out->author = ud_arena_strdup(arena, v);
            else if (!out->created_at &&
                     (strcasecmp(k, "date") == 0 || strcasecmp(k, "dcterms.created") == 0 ||
                      strcasecmp(k, "article:published_time") == 0))
                out->created_at = ud_parse_date_or_zero(v);
            else if (!out->updated_at && (strcasecmp(k, "dcterms.modified") == 0 ||
                                          strcasecmp(k, "article:modified_time") == 0))
                out->updated_at = ud_parse_date_or_zero(v);
        }
        xmlFree(key);
        xmlFree(content);
    }
}

int ud_extract_html(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits)
{
    if (len > (size_t)INT32_MAX)
        return ud_error_set(UD_ELIMIT, "HTML file too large");
    htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET);
    if (!doc)
        return ud_error_set(UD_ECORRUPT, "the HTML could not be parsed");
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root) {
        xmlFreeDoc(doc);
        return ud_error_set(UD_ECORRUPT, "the HTML has no content");
    }
    xmlNode *head = find_element(root, "head", 0);
    xmlNode *title = head ? find_element(head->children, "title", 0) : NULL;
    if (title)
        out->title = node_text(arena, title);
    read_meta(out, arena, head);
    if (!out->title) {
        xmlNode *h1 = find_element(root, "h1", 0);
        if (h1)
            out->title = node_text(arena, h1);
    }

    ud_text_out t;
    ud_text_out_init(&t, name, limits);
    walker w = {&t, 0, false};
    xmlNode *body = find_element(root, "body", 0);
    if (body)
        walk_children(&w, body, 0);
    else
        walk_element(&w, root, 0);
    xmlFreeDoc(doc);
    int rc = ud_text_out_finish(out, arena, &t);
    ud_text_out_dispose(&t);
    return rc;
}
