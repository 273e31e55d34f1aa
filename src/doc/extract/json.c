/*
 * JSON documents (exported records, tickets, CRM objects): parsed with
 * jansson and rendered as readable "key: value" lines, nested objects as
 * indented blocks and arrays item by item, so that both search and an LLM
 * can read them. Well-known keys give the title, author and dates.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"

/* Deeper structures are flattened no further (jansson itself refuses nesting
 * past 2048 levels while parsing). */
#define MAX_RENDER_DEPTH 16

static const char *const TITLE_KEYS[] = {"title", "name", "subject", "summary", NULL};
static const char *const AUTHOR_KEYS[] = {"author",    "owner", "created_by",
                                          "createdBy", "from",  NULL};
static const char *const CREATED_KEYS[] = {"created_at", "createdAt",   "created",
                                           "date",       "CreatedDate", NULL};
static const char *const UPDATED_KEYS[] = {"updated_at", "updatedAt",        "modified",
                                           "updated",    "LastModifiedDate", NULL};

static const char *string_field(json_t *object, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        json_t *v = json_object_get(object, keys[i]);
        if (json_is_string(v) && json_string_length(v) > 0)
            return json_string_value(v);
        /* {"author": {"name": "…", "email": "…"}} */
        if (json_is_object(v)) {
            json_t *nm = json_object_get(v, "name");
            if (!json_is_string(nm))
                nm = json_object_get(v, "email");
            if (json_is_string(nm))
                return json_string_value(nm);
        }
    }
    return NULL;
}

/* The first of keys whose value is a plausible date (extract_util.h): a
 * "created_at" that cannot be read gives way to a readable "date". */
static int64_t date_field(json_t *object, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        int64_t when = ud_parse_date_or_zero(json_string_value(json_object_get(object, keys[i])));
        if (when)
            return when;
    }
    return 0;
}

static void indent(ud_text_out *t, int depth)
{
    for (int i = 0; i < depth; i++)
        ud_text_out_append(t, "  ", 2);
}

static void render_scalar(ud_text_out *t, json_t *value)
{
    char number[64];
    switch (json_typeof(value)) {
    case JSON_STRING:
        ud_text_out_append(t, json_string_value(value), json_string_length(value));
        break;
    case JSON_INTEGER:
        snprintf(number, sizeof(number), "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        ud_text_out_puts(t, number);
        break;
    case JSON_REAL:
        snprintf(number, sizeof(number), "%g", json_real_value(value));
        ud_text_out_puts(t, number);
        break;
    case JSON_TRUE: ud_text_out_puts(t, "true"); break;
    case JSON_FALSE: ud_text_out_puts(t, "false"); break;
    default: break;
    }
}

static void render(ud_text_out *t, json_t *value, int depth);

static void render_member(ud_text_out *t, const char *key, json_t *value, int depth)
{
    if (json_is_null(value))
        return;
    indent(t, depth);
    ud_text_out_puts(t, key);
    ud_text_out_puts(t, ":");
    if (json_is_object(value) || json_is_array(value)) {
        ud_text_out_break(t, 1);
        render(t, value, depth + 1);
    } else {
        ud_text_out_puts(t, " ");
        render_scalar(t, value);
        ud_text_out_break(t, 1);
    }
}

static void render(ud_text_out *t, json_t *value, int depth)
{
    if (depth > MAX_RENDER_DEPTH)
        return;
    if (json_is_object(value)) {
        const char *key;
        json_t *member;
        json_object_foreach(value, key, member) render_member(t, key, member, depth);
    } else if (json_is_array(value)) {
        size_t i;
        json_t *item;
        json_array_foreach(value, i, item)
        {
            if (json_is_object(item) || json_is_array(item)) {
                render(t, item, depth);
                ud_text_out_break(t, 2);
            } else {
                indent(t, depth);
                ud_text_out_puts(t, "- ");
                render_scalar(t, item);
                ud_text_out_break(t, 1);
            }
        }
    } else {
        indent(t, depth);
        render_scalar(t, value);
        ud_text_out_break(t, 1);
    }
}

int ud_extract_json(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits)
{
    json_error_t error;
    json_t *root = json_loadb(data, len, JSON_DECODE_ANY, &error);
    if (!root)
        return ud_error_set(UD_ECORRUPT, "invalid JSON at line %d, column %d: %s", error.line,
                            error.column, error.text);
    if (json_is_object(root)) {
        const char *v;
        if ((v = string_field(root, TITLE_KEYS)) != NULL)
            out->title = ud_arena_strdup(arena, v);
        if ((v = string_field(root, AUTHOR_KEYS)) != NULL)
            out->author = ud_arena_strdup(arena, v);
        out->created_at = date_field(root, CREATED_KEYS);
        out->updated_at = date_field(root, UPDATED_KEYS);
    }
    ud_text_out t;
    ud_text_out_init(&t, name, limits);
    render(&t, root, 0);
    json_decref(root);
    int rc = ud_text_out_finish(out, arena, &t);
    ud_text_out_dispose(&t);
    return rc;
}
