/*
 * HTML with libxml2's forgiving HTML parser. The tree is walked once and
 * written out as markdown: headings as "#", list items as "- ", table rows
 * as "| a | b |", paragraphs as blocks. Scripts, styles and page chrome
 * (navigation, footers, forms) are dropped: they are not the document.
 * Title, author and dates come from <title> and <meta> tags, the date
 * also from the first <time datetime> when no meta tag gives one.
 *
 * Nesting: libxml2 stops parsing at 256 levels unless told otherwise, which
 * loses the rest of the file, so the parser runs with XML_PARSE_HUGE (it
 * keeps the deep nodes; its own parsing and freeing do not recurse) and the
 * walk below neither recurses: past MAX_DEPTH levels elements lose their
 * structure, not their text.
 */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"

/* Elements nested deeper than this keep their text but lose their
 * structure (flattened: see walk()). */
#define MAX_DEPTH 256
#define MAX_TITLE_BYTES 200
#define MAX_CELL_BYTES (64 * 1024)

static const char *const DROPPED[] = {"script", "style",  "noscript", "template", "nav",
                                      "footer", "aside",  "form",     "iframe",   "svg",
                                      "canvas", "button", "select",   "head",     NULL};
static const char *const BLOCKS[] = {
    "p",  "div", "section", "article", "main", "header", "blockquote", "figure", "figcaption", "dl",
    "dt", "dd",  "address", "hr",      "body", "ul",     "ol",         "table",  NULL};
/* Past MAX_DEPTH these still end a paragraph, so flattened text keeps its
 * breaks. */
static const char *const FLAT_BLOCKS[] = {"li",    "pre",   "tr",    "td", "th",
                                          "thead", "tbody", "tfoot", NULL};

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

/* The heading level of h1..h6, else 0. */
static int heading_level(const xmlChar *name)
{
    if (strlen((const char *)name) == 2 && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' &&
        name[1] <= '6')
        return name[1] - '0';
    return 0;
}

/* What an open element is, for writing its end and for reading its
 * children (a table's children are rows and sections, a row's are cells:
 * anything else there is skipped). */
typedef enum {
    FRAME_PLAIN,
    FRAME_BLOCK,
    FRAME_HEADING,
    FRAME_ITEM,
    FRAME_LIST,
    FRAME_PRE,
    FRAME_TABLE,
    FRAME_SECTION, /* thead, tbody, tfoot */
    FRAME_ROW,
    FRAME_CELL,
} frame_kind;

typedef struct frame {
    frame_kind kind;
    int table;        /* SECTION, ROW: the depth of the table's frame */
    bool header_done; /* TABLE: its first row has had its separator */
    size_t cells;     /* ROW: cells written */
    /* CELL: its own text, and what it replaced until it ends. */
    ud_text_out cell;
    ud_text_out *outer;
    int outer_list_depth;
    int outer_pre;
} frame;

/* The walk's state. Only elements at depth 1..MAX_DEPTH have a frame; the
 * frames of the open ancestors of the current node are frames[1..depth-1]. */
typedef struct walker {
    ud_text_out *main;
    ud_text_out *out; /* main, or the cell being written */
    int list_depth;
    int pre; /* open <pre> elements */
    frame *frames;
} walker;

static frame_kind parent_kind(const walker *w, int depth)
{
    return depth - 1 >= 1 && depth - 1 <= MAX_DEPTH ? w->frames[depth - 1].kind : FRAME_PLAIN;
}

/* Whether an element may appear where it is: a table holds rows and
 * sections, a row holds cells; everything else there is not written. */
static bool allowed(const walker *w, const xmlNode *node, int depth)
{
    switch (parent_kind(w, depth)) {
    case FRAME_TABLE:
    case FRAME_SECTION:
        return is(node, "tr") || is(node, "thead") || is(node, "tbody") || is(node, "tfoot");
    case FRAME_ROW: return is(node, "td") || is(node, "th");
    default: return true;
    }
}

static void write_text(walker *w, const xmlNode *node, int depth)
{
    frame_kind parent = parent_kind(w, depth);
    if (parent == FRAME_TABLE || parent == FRAME_SECTION || parent == FRAME_ROW)
        return;
    size_t n = strlen((const char *)node->content);
    if (w->pre)
        ud_text_out_append(w->out, (const char *)node->content, n);
    else
        ud_text_out_inline(w->out, (const char *)node->content, n);
}

/* Opens an element: writes what comes before its children and records
 * what its end needs. Returns false when it is skipped with its subtree
 * (dropped elements, misplaced table parts): then leave() is not called. */
static bool enter(walker *w, xmlNode *node, int depth)
{
    const xmlChar *name = node->name;
    if (name_in(name, DROPPED) || !allowed(w, node, depth))
        return false;
    ud_text_out *out = w->out;
    if (depth > MAX_DEPTH) {
        /* Flattened: the text stays, blocks stay paragraphs. */
        if (is(node, "br"))
            ud_text_out_append(out, "\n", 1);
        else if (heading_level(name) || name_in(name, BLOCKS) || name_in(name, FLAT_BLOCKS))
            ud_text_out_break(out, 2);
        return true;
    }
    /* Every element entered gets its frame: leave() reads it. */
    frame *f = &w->frames[depth];
    memset(f, 0, sizeof(*f));
    f->kind = FRAME_PLAIN;
    if (is(node, "br")) {
        ud_text_out_append(out, "\n", 1);
        return true;
    }
    int level = heading_level(name);
    frame_kind parent = parent_kind(w, depth);
    if (level) {
        f->kind = FRAME_HEADING;
        ud_text_out_break(out, 2);
        for (int i = 0; i < level; i++)
            ud_text_out_append(out, "#", 1);
        ud_text_out_append(out, " ", 1);
    } else if (is(node, "li")) {
        f->kind = FRAME_ITEM;
        ud_text_out_break(out, 1);
        for (int i = 1; i < w->list_depth; i++)
            ud_text_out_append(out, "  ", 2);
        ud_text_out_append(out, "- ", 2);
    } else if (is(node, "ul") || is(node, "ol")) {
        f->kind = FRAME_LIST;
        ud_text_out_break(out, w->list_depth ? 1 : 2);
        w->list_depth++;
    } else if (parent == FRAME_TABLE || parent == FRAME_SECTION) {
        f->table = parent == FRAME_TABLE ? depth - 1 : w->frames[depth - 1].table;
        if (is(node, "tr")) {
            f->kind = FRAME_ROW;
            ud_text_out_break(out, 1);
            ud_text_out_append(out, "|", 1);
        } else {
            f->kind = FRAME_SECTION;
        }
    } else if (parent == FRAME_ROW) {
        f->kind = FRAME_CELL;
        ud_extract_limits limits = {.max_text_bytes = MAX_CELL_BYTES};
        ud_text_out_init(&f->cell, out->name, &limits);
        f->outer = out;
        f->outer_list_depth = w->list_depth;
        f->outer_pre = w->pre;
        w->out = &f->cell;
        w->list_depth = 0;
        w->pre = 0;
    } else if (is(node, "table")) {
        f->kind = FRAME_TABLE;
        ud_text_out_break(out, 2);
    } else if (is(node, "pre")) {
        f->kind = FRAME_PRE;
        ud_text_out_break(out, 2);
        ud_text_out_puts(out, "```\n");
        w->pre++;
    } else if (name_in(name, BLOCKS)) {
        f->kind = FRAME_BLOCK;
        ud_text_out_break(out, 2);
    }
    return true;
}

/* A cell's text into its row: pipes escaped, line breaks folded. */
static void close_cell(walker *w, frame *f)
{
    w->out = f->outer;
    w->list_depth = f->outer_list_depth;
    w->pre = f->outer_pre;
    ud_text_out_append(w->out, " ", 1);
    for (size_t i = 0; i < f->cell.buf.len; i++) {
        char c = f->cell.buf.ptr[i];
        if (c == '\n')
            c = ' ';
        if (c == '|')
            ud_text_out_append(w->out, "\\", 1);
        ud_text_out_append(w->out, &c, 1);
    }
    ud_text_out_append(w->out, " |", 2);
    ud_text_out_dispose(&f->cell);
}

/* Closes an element enter() opened: writes what comes after its children. */
static void leave(walker *w, xmlNode *node, int depth)
{
    ud_text_out *out = w->out;
    if (depth > MAX_DEPTH) {
        if (heading_level(node->name) || name_in(node->name, BLOCKS) ||
            name_in(node->name, FLAT_BLOCKS))
            ud_text_out_break(out, 2);
        return;
    }
    frame *f = &w->frames[depth];
    switch (f->kind) {
    case FRAME_HEADING:
    case FRAME_BLOCK:
    case FRAME_TABLE: ud_text_out_break(out, 2); break;
    case FRAME_ITEM: ud_text_out_break(out, 1); break;
    case FRAME_LIST:
        w->list_depth--;
        ud_text_out_break(out, w->list_depth ? 1 : 2);
        break;
    case FRAME_PRE:
        w->pre--;
        ud_text_out_break(out, 1);
        ud_text_out_puts(out, "```");
        ud_text_out_break(out, 2);
        break;
    case FRAME_ROW: {
        ud_text_out_break(out, 1);
        /* A markdown table needs a separator after its first row. */
        frame *table = &w->frames[f->table];
        if (!table->header_done && f->cells > 0) {
            ud_text_out_append(out, "|", 1);
            for (size_t i = 0; i < f->cells; i++)
                ud_text_out_append(out, " --- |", 6);
            ud_text_out_break(out, 1);
            table->header_done = true;
        }
        break;
    }
    case FRAME_CELL:
        close_cell(w, f);
        w->frames[depth - 1].cells++;
        break;
    case FRAME_PLAIN:
    case FRAME_SECTION: break;
    }
}

/* Writes `top` (with include_top) or its children, in document order.
 * The walk follows the tree's own links (children, next, parent) instead
 * of recursing, so a hostile nesting depth costs no stack; the frames kept
 * are bounded by MAX_DEPTH, past which elements are flattened into their
 * text. */
static void walk(walker *w, xmlNode *top, bool include_top)
{
    xmlNode *node = include_top ? top : top->children;
    int depth = 1;
    while (node && !w->main->failed) {
        bool descend = false;
        if (node->type == XML_ELEMENT_NODE) {
            if (enter(w, node, depth)) {
                if (node->children)
                    descend = true;
                else
                    leave(w, node, depth);
            }
        } else if ((node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) &&
                   node->content) {
            write_text(w, node, depth);
        }
        if (descend) {
            node = node->children;
            depth++;
            continue;
        }
        /* The next node: a sibling, else the next sibling of the nearest
         * ancestor that has one, closing the ancestors on the way up. */
        for (;;) {
            if (include_top && node == top)
                return;
            if (node->next) {
                node = node->next;
                break;
            }
            node = node->parent;
            depth--;
            if (!node || (!include_top && node == top))
                return;
            leave(w, node, depth);
        }
    }
    /* Stopped at the text limit: the cells still open are freed. */
    for (int d = 1; d < depth && d <= MAX_DEPTH; d++)
        if (w->frames[d].kind == FRAME_CELL)
            ud_text_out_dispose(&w->frames[d].cell);
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

/* The <meta> keys (name, property, itemprop or http-equiv) that date a
 * page: when it was written or published, and when it last changed. */
static const char *const CREATED_META[] = {"date",
                                           "dc.date",
                                           "dcterms.date",
                                           "dc.date.created",
                                           "dcterms.created",
                                           "dcterms.issued",
                                           "created",
                                           "pubdate",
                                           "publish-date",
                                           "publication_date",
                                           "datePublished",
                                           "dateCreated",
                                           "article:published_time",
                                           "og:published_time",
                                           NULL};
static const char *const UPDATED_META[] = {
    "dcterms.modified", "dc.date.modified",      "modified",        "revised", "last-modified",
    "dateModified",     "article:modified_time", "og:updated_time", NULL};

static xmlChar *meta_key(xmlNode *meta)
{
    static const char *const ATTRIBUTES[] = {"name", "property", "itemprop", "http-equiv"};
    for (size_t i = 0; i < sizeof(ATTRIBUTES) / sizeof(ATTRIBUTES[0]); i++) {
        xmlChar *key = xmlGetProp(meta, (const xmlChar *)ATTRIBUTES[i]);
        if (key)
            return key;
    }
    return NULL;
}

/* <meta name="author" content="…"> and friends; for each field the first
 * tag with a plausible value wins. */
static void read_meta(ud_extracted *out, ud_arena *arena, xmlNode *head)
{
    for (xmlNode *c = head ? head->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !is(c, "meta"))
            continue;
        xmlChar *key = meta_key(c);
        xmlChar *content = xmlGetProp(c, (const xmlChar *)"content");
        if (key && content) {
            const xmlChar *k = key;
            const char *v = (const char *)content;
            if (!out->author && strcasecmp((const char *)k, "author") == 0)
                out->author = ud_arena_strdup(arena, v);
            else if (!out->created_at && name_in(k, CREATED_META))
                out->created_at = ud_parse_date_or_zero(v);
            else if (!out->updated_at && name_in(k, UPDATED_META))
                out->updated_at = ud_parse_date_or_zero(v);
        }
        xmlFree(key);
        xmlFree(content);
    }
}

/* The first <time datetime="…"> with a plausible date outside the dropped
 * page chrome (a footer's date is not the page's), else 0. */
static int64_t first_time_element(xmlNode *node, int depth)
{
    if (depth > MAX_DEPTH)
        return 0;
    for (xmlNode *c = node; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || name_in(c->name, DROPPED))
            continue;
        int64_t when = 0;
        if (is(c, "time")) {
            xmlChar *value = xmlGetProp(c, (const xmlChar *)"datetime");
            when = ud_parse_date_or_zero((const char *)value);
            xmlFree(value);
        }
        if (!when)
            when = first_time_element(c->children, depth + 1);
        if (when)
            return when;
    }
    return 0;
}

/* libxml2's generic error handler, which HTML_PARSE_NOERROR does not
 * reach: its encoding errors ("input conversion failed") would otherwise go
 * to stderr, one line per bad file, in the middle of a progress bar or a
 * server's log. The document still parses (HTML_PARSE_RECOVER). */
static void ignore_libxml_error(void *context, const char *message, ...)
{
    (void)context;
    (void)message;
}

int ud_extract_html(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits)
{
    if (len > (size_t)INT32_MAX)
        return ud_error_set(UD_ELIMIT, "HTML file too large");
    /* XML_PARSE_HUGE lifts the depth limit (see the top of the file); the
     * input is already capped by max_file_bytes. */
    xmlSetGenericErrorFunc(NULL, ignore_libxml_error); /* per thread in libxml2 */
    htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET | XML_PARSE_HUGE);
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
    if (!out->created_at)
        out->created_at = first_time_element(root, 0);
    if (!out->title) {
        xmlNode *h1 = find_element(root, "h1", 0);
        if (h1)
            out->title = node_text(arena, h1);
    }

    ud_text_out t;
    ud_text_out_init(&t, name, limits);
    walker w = {.main = &t, .out = &t, .frames = ud_calloc(MAX_DEPTH + 1, sizeof(frame))};
    xmlNode *body = find_element(root, "body", 0);
    if (body)
        walk(&w, body, false);
    else
        walk(&w, root, true);
    free(w.frames);
    xmlFreeDoc(doc);
    int rc = ud_text_out_finish(out, arena, &t);
    ud_text_out_dispose(&t);
    return rc;
}
