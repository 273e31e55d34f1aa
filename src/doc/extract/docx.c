/*
 * DOCX: a zip (libzip) holding WordprocessingML (libxml2). word/document.xml
 * becomes markdown: paragraphs styled Title/Heading1..6 become headings,
 * numbered or bulleted paragraphs list items, tables markdown rows.
 * docProps/core.xml gives title, author and dates.
 *
 * A zip is hostile input: a member's declared size is checked against the
 * member limit before anything is read, and reading stops at the limit
 * whatever the header claimed, so a "zip bomb" costs at most the limit.
 * XML is parsed without network access and without entity substitution.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/mem.h"
#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"

#define MAX_DEPTH 256

/* Reads a member into a malloc'd buffer; *out = NULL if the member is absent. */
static int read_member(char **out, size_t *out_len, zip_t *zip, const char *member,
                       size_t max_bytes)
{
    *out = NULL;
    *out_len = 0;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip, member, 0, &st) < 0)
        return 0;
    if ((st.valid & ZIP_STAT_SIZE) && st.size > max_bytes)
        return ud_error_set(UD_ELIMIT, "zip member %s claims %llu bytes, over the %zu MiB limit",
                            member, (unsigned long long)st.size, max_bytes >> 20);
    zip_file_t *file = zip_fopen(zip, member, 0);
    if (!file)
        return ud_error_set(UD_ECORRUPT, "cannot open zip member %s: %s", member,
                            zip_strerror(zip));
    size_t cap = (st.valid & ZIP_STAT_SIZE) && st.size > 0 ? (size_t)st.size + 1 : 65536;
    char *buf = ud_malloc(cap);
    size_t len = 0;
    int rc = 0;
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max_bytes) {
                rc = ud_error_set(UD_ELIMIT, "zip member %s is larger than the %zu MiB limit",
                                  member, max_bytes >> 20);
                break;
            }
            cap *= 2;
            buf = ud_realloc(buf, cap);
        }
        zip_int64_t n = zip_fread(file, buf + len, cap - len - 1);
        if (n < 0) {
            rc = ud_error_set(UD_ECORRUPT, "zip member %s is damaged: %s", member,
                              zip_file_strerror(file));
            break;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (len > max_bytes) {
            rc = ud_error_set(UD_ELIMIT, "zip member %s is larger than the %zu MiB limit", member,
                              max_bytes >> 20);
            break;
        }
    }
    zip_fclose(file);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    return 0;
}

static xmlDocPtr parse_xml(const char *data, size_t len)
{
    if (len > (size_t)INT32_MAX)
        return NULL;
    return xmlReadMemory(data, (int)len, NULL, NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static bool is(const xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

static xmlNode *child(const xmlNode *node, const char *name)
{
    for (xmlNode *c = node->children; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

/* w:val of a property element, or NULL (caller frees with xmlFree). */
static xmlChar *val_of(const xmlNode *node)
{
    xmlChar *v = xmlGetProp(node, (const xmlChar *)"val");
    return v;
}

static void write_runs(ud_text_out *t, xmlNode *node, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is(c, "t")) {
            xmlChar *text = xmlNodeGetContent(c);
            if (text)
                ud_text_out_puts(t, (const char *)text);
            xmlFree(text);
        } else if (is(c, "tab")) {
            ud_text_out_append(t, " ", 1);
        } else if (is(c, "br") || is(c, "cr")) {
            ud_text_out_append(t, "\n", 1);
        } else if (!is(c, "pPr") && !is(c, "rPr") && !is(c, "instrText") && !is(c, "delText")) {
            /* runs, hyperlinks, smart tags, inserted text... */
            write_runs(t, c, depth + 1);
        }
    }
}

/* Heading level of a paragraph style ("Heading2" -> 2, "Title" -> 1), 0 if none. */
static int heading_level(const char *style)
{
    if (strcmp(style, "Title") == 0)
        return 1;
    if (strncmp(style, "Heading", 7) == 0 && style[7] >= '1' && style[7] <= '6' && !style[8])
        return style[7] - '0';
    return 0;
}

static void write_paragraph(ud_text_out *t, xmlNode *p, int depth)
{
    int level = 0;
    bool list_item = false;
    xmlNode *ppr = child(p, "pPr");
    if (ppr) {
        xmlNode *style = child(ppr, "pStyle");
        xmlChar *v = style ? val_of(style) : NULL;
        if (v) {
            level = heading_level((const char *)v);
            list_item = strstr((const char *)v, "List") != NULL;
        }
        xmlFree(v);
        if (child(ppr, "numPr"))
            list_item = true;
    }
    ud_text_out_break(t, level ? 2 : 1);
    size_t before = t->buf.len;
    if (level) {
        for (int i = 0; i < level; i++)
            ud_text_out_append(t, "#", 1);
        ud_text_out_append(t, " ", 1);
    } else if (list_item) {
        ud_text_out_append(t, "- ", 2);
    }
    size_t after_prefix = t->buf.len;
    write_runs(t, p, depth + 1);
    if (t->buf.len == after_prefix && !t->failed) {
        /* Empty paragraph: drop the prefix, keep a paragraph break. */
        t->buf.len = before;
        t->buf.ptr[before] = '\0';
        ud_text_out_break(t, 2);
        return;
    }
    ud_text_out_break(t, level ? 2 : 1);
}

static void write_body(ud_text_out *t, xmlNode *node, int depth);

static void write_table(ud_text_out *t, xmlNode *tbl, int depth)
{
    ud_text_out_break(t, 2);
    bool first = true;
    for (xmlNode *tr = tbl->children; tr; tr = tr->next) {
        if (!is(tr, "tr"))
            continue;
        size_t cells = 0;
        ud_text_out_append(t, "|", 1);
        for (xmlNode *tc = tr->children; tc; tc = tc->next) {
            if (!is(tc, "tc"))
                continue;
            ud_text_out cell;
            ud_extract_limits limits = {.max_text_bytes = 64 * 1024};
            ud_text_out_init(&cell, t->name, &limits);
            for (xmlNode *p = tc->children; p; p = p->next)
                if (is(p, "p")) {
                    if (cell.buf.len)
                        ud_text_out_append(&cell, " ", 1);
                    write_runs(&cell, p, depth + 2);
                }
            ud_text_out_append(t, " ", 1);
            for (size_t i = 0; i < cell.buf.len; i++) {
                char c = cell.buf.ptr[i] == '\n' ? ' ' : cell.buf.ptr[i];
                if (c == '|')
                    ud_text_out_append(t, "\\", 1);
                ud_text_out_append(t, &c, 1);
            }
            ud_text_out_append(t, " |", 2);
            ud_text_out_dispose(&cell);
            cells++;
        }
        ud_text_out_append(t, "\n", 1);
        if (first && cells) {
            ud_text_out_append(t, "|", 1);
            for (size_t i = 0; i < cells; i++)
                ud_text_out_append(t, " --- |", 6);
            ud_text_out_append(t, "\n", 1);
            first = false;
        }
    }
    ud_text_out_break(t, 2);
}

static void write_body(ud_text_out *t, xmlNode *node, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    for (xmlNode *c = node->children; c && !t->failed; c = c->next) {
        if (is(c, "p"))
            write_paragraph(t, c, depth);
        else if (is(c, "tbl"))
            write_table(t, c, depth);
        else if (c->type == XML_ELEMENT_NODE && !is(c, "sectPr"))
            write_body(t, c, depth + 1); /* sdt, customXml, ... */
    }
}

static void read_core_properties(ud_extracted *out, ud_arena *arena, const char *xml, size_t len)
{
    xmlDocPtr doc = parse_xml(xml, len);
    if (!doc)
        return;
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *text = xmlNodeGetContent(c);
        if (text && text[0]) {
            const char *v = (const char *)text;
            if (is(c, "title"))
                out->title = ud_arena_strdup(arena, v);
            else if (is(c, "creator"))
                out->author = ud_arena_strdup(arena, v);
            else if (is(c, "created"))
                out->created_at = ud_parse_date_or_zero(v);
            else if (is(c, "modified"))
                out->updated_at = ud_parse_date_or_zero(v);
        }
        xmlFree(text);
    }
    xmlFreeDoc(doc);
}

int ud_extract_docx(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *source = zip_source_buffer_create(data, len, 0, &zerr);
    if (!source) {
        zip_error_fini(&zerr);
        return ud_error_set(UD_ENOMEM, "cannot read the DOCX buffer");
    }
    zip_t *zip = zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (!zip) {
        int rc = ud_error_set(UD_ECORRUPT, "not a valid DOCX (zip): %s", zip_error_strerror(&zerr));
        zip_source_free(source);
        zip_error_fini(&zerr);
        return rc;
    }
    zip_error_fini(&zerr);

    char *xml = NULL, *core = NULL;
    size_t xml_len = 0, core_len = 0;
    int rc = read_member(&xml, &xml_len, zip, "word/document.xml", limits->max_member_bytes);
    if (rc == 0 && !xml)
        rc = ud_error_set(UD_ECORRUPT, "not a DOCX: word/document.xml is missing");
    if (rc == 0)
        rc = read_member(&core, &core_len, zip, "docProps/core.xml", limits->max_member_bytes);
    zip_discard(zip);
    if (rc < 0) {
        free(xml);
        free(core);
        return rc;
    }
    if (core)
        read_core_properties(out, arena, core, core_len);
    free(core);

    xmlDocPtr doc = parse_xml(xml, xml_len);
    free(xml);
    if (!doc)
        return ud_error_set(UD_ECORRUPT, "word/document.xml is not well-formed XML");
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *body = root ? child(root, "body") : NULL;
    if (!body) {
        xmlFreeDoc(doc);
        return ud_error_set(UD_ECORRUPT, "word/document.xml has no body");
    }
    ud_text_out t;
    ud_text_out_init(&t, name, limits);
    write_body(&t, body, 0);
    xmlFreeDoc(doc);
    rc = ud_text_out_finish(out, arena, &t);
    ud_text_out_dispose(&t);
    return rc;
}
