/*
 * Plain text and Markdown. The text is kept as it is (cleaning comes later);
 * what we add is the metadata such files carry by convention: a YAML front
 * matter block (Markdown), a first "# Title" heading (Markdown), and
 * "Author:" / "Date:" / "Updated:" lines near the top (both). A date that
 * cannot be read is no date: the next one found, or at last the file's,
 * is used (docs/ingest.md).
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"

#define MAX_TITLE_BYTES 200
/* "Author:" and "Date:" lines are looked for only in the first lines. */
#define HEADER_LINES 12

/* Value of a "Key: value" or "**Key:** value" line, or NULL. */
static const char *field_value(ud_arena *arena, ud_str line, const char *key)
{
    ud_str s = ud_str_trim(line);
    if (ud_str_starts_with(s, "**")) {
        s.ptr += 2;
        s.len -= 2;
    }
    size_t key_len = strlen(key);
    if (s.len <= key_len + 1 || strncasecmp(s.ptr, key, key_len) != 0 || s.ptr[key_len] != ':')
        return NULL;
    s.ptr += key_len + 1;
    s.len -= key_len + 1;
    if (ud_str_starts_with(s, "**")) {
        s.ptr += 2;
        s.len -= 2;
    }
    s = ud_str_trim(s);
    if (s.len >= 2 && (s.ptr[0] == '"' || s.ptr[0] == '\'') && s.ptr[s.len - 1] == s.ptr[0]) {
        s.ptr++;
        s.len -= 2;
    }
    return s.len ? ud_arena_strndup(arena, s.ptr, s.len) : NULL;
}

static bool next_line(ud_str *rest, ud_str *line)
{
    if (rest->len == 0)
        return false;
    const char *nl = memchr(rest->ptr, '\n', rest->len);
    size_t n = nl ? (size_t)(nl - rest->ptr) : rest->len;
    *line = (ud_str){rest->ptr, n};
    rest->ptr += nl ? n + 1 : n;
    rest->len -= nl ? n + 1 : n;
    return true;
}

/* The keys of the dates a header or front matter states, first found wins:
 * "Date:" and "Created:" date the document, "Updated:" and its synonyms
 * its last change. */
static const char *const CREATED_KEYS[] = {"date", "created", "published", NULL};
static const char *const UPDATED_KEYS[] = {"updated", "modified", "lastmod", "last_modified", NULL};

/* The first plausible date of a line among keys (extract_util.h), else 0. */
static int64_t field_date(ud_arena *arena, ud_str line, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++) {
        const char *v = field_value(arena, line, keys[i]);
        if (v)
            return ud_parse_date_or_zero(v);
    }
    return 0;
}

static void take_fields(ud_extracted *out, ud_arena *arena, ud_str line)
{
    const char *v;
    if (!out->author && (v = field_value(arena, line, "author")) != NULL)
        out->author = v;
    if (!out->title && (v = field_value(arena, line, "title")) != NULL)
        out->title = v;
    if (!out->created_at)
        out->created_at = field_date(arena, line, CREATED_KEYS);
    if (!out->updated_at)
        out->updated_at = field_date(arena, line, UPDATED_KEYS);
}

/* "Author:", "Date:", "Updated:" lines among the first HEADER_LINES. */
static void take_header_lines(ud_extracted *out, ud_arena *arena, ud_str text)
{
    ud_str line;
    for (int i = 0; i < HEADER_LINES && next_line(&text, &line); i++)
        take_fields(out, arena, line);
}

int ud_extract_text(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                    const char *name, const ud_extract_limits *limits)
{
    if (len > limits->max_text_bytes)
        return ud_error_set(UD_ELIMIT, "%s: text is larger than the %zu MiB limit", name,
                            limits->max_text_bytes >> 20);
    /* The bytes are the text: borrowed, not copied (extract.h). */
    out->text = data;
    out->text_len = len;
    out->title = ud_first_line(arena, data, len, MAX_TITLE_BYTES);
    take_header_lines(out, arena, (ud_str){data, len});
    return 0;
}

int ud_extract_markdown(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                        const char *name, const ud_extract_limits *limits)
{
    if (len > limits->max_text_bytes)
        return ud_error_set(UD_ELIMIT, "%s: text is larger than the %zu MiB limit", name,
                            limits->max_text_bytes >> 20);
    ud_str rest = {data, len};
    ud_str line;

    /* YAML front matter: "---" on the first line, fields, "---". It is
     * metadata, not text, so it is cut from the body. */
    if (rest.len >= 4 && memcmp(rest.ptr, "---", 3) == 0 &&
        (rest.ptr[3] == '\n' || rest.ptr[3] == '\r')) {
        ud_str scan = rest;
        next_line(&scan, &line);
        bool closed = false;
        ud_extracted fields = {0};
        while (next_line(&scan, &line)) {
            if (ud_str_starts_with(ud_str_trim(line), "---")) {
                closed = true;
                break;
            }
            take_fields(&fields, arena, line);
        }
        if (closed) {
            out->title = fields.title;
            out->author = fields.author;
            out->created_at = fields.created_at;
            out->updated_at = fields.updated_at;
            rest = scan;
        }
    }

    out->text = rest.ptr; /* borrowed, as for plain text */
    out->text_len = rest.len;

    ud_str scan = rest;
    for (int i = 0; i < HEADER_LINES && next_line(&scan, &line); i++) {
        ud_str t = ud_str_trim(line);
        if (!out->title && t.len > 2 && t.ptr[0] == '#' && t.ptr[1] == ' ') {
            ud_str title = ud_str_trim((ud_str){t.ptr + 2, t.len - 2});
            if (title.len > MAX_TITLE_BYTES)
                title.len = MAX_TITLE_BYTES;
            while (title.len > 0 && ((unsigned char)title.ptr[title.len] & 0xC0) == 0x80)
                title.len--;
            out->title = ud_arena_strndup(arena, title.ptr, title.len);
            continue;
        }
        take_fields(out, arena, line);
    }
    if (!out->title)
        out->title = ud_first_line(arena, rest.ptr, rest.len, MAX_TITLE_BYTES);
    return 0;
}
