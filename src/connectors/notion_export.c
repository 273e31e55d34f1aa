/*
 * The Notion importer: a workspace export in "Markdown & CSV" format (the
 * zip, its part zips, or the unzipped folder), mapped to the documents the
 * live Notion connector will produce.
 *
 * Notion names every page "Title <32 hex id>.md" and puts its sub-pages in
 * a folder of the same name, so the folders give the hierarchy. A database
 * is "Name <id>.csv" (newer exports add "Name <id>_all.csv" with every row,
 * where the plain one holds the current view: the _all file is read, the
 * other ignored) and its rows' pages are in the folder "Name <id>/".
 *
 * Documents:
 *   - each page: "notion:page:{uuid}", its markdown, its title without the
 *     id, its parents as metadata ("parent_path", "heading_path");
 *   - each database row: "notion:database_row:{uuid of the row's page}",
 *     the row's properties as "Property: value" lines and then the row
 *     page's content (its property lines, which repeat the CSV, dropped).
 *     A row page is not also a page document. A row without a page (none
 *     matched its title) gets "notion:database_row:{database uuid}:row-{n}".
 * ACL: a workspace export is everyone's (UD_ACL_EVERYONE).
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/crypto.h"
#include "base/mem.h"
#include "base/str.h"
#include "connectors/csv.h"
#include "connectors/export.h"
#include "connectors/importers.h"
#include "doc/extract/extract_util.h"

#define MAX_ROWS 1000000
#define MAX_DEPTH 64

/* A path component "Title <32 hex>" split; id[0] == 0 when it has none. */
typedef struct notion_name {
    char title[512];
    char id[33];
} notion_name;

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void split_name(notion_name *out, const char *s, size_t len)
{
    out->id[0] = '\0';
    size_t tlen = len;
    if (len >= 32) {
        bool hex = true;
        for (size_t i = len - 32; i < len && hex; i++)
            hex = is_hex(s[i]);
        if (hex && (len == 32 || s[len - 33] == ' ')) {
            for (size_t i = 0; i < 32; i++)
                out->id[i] = (char)tolower((unsigned char)s[len - 32 + i]);
            out->id[32] = '\0';
            tlen = len == 32 ? 0 : len - 33;
        }
    }
    if (tlen >= sizeof(out->title))
        tlen = sizeof(out->title) - 1;
    memcpy(out->title, s, tlen);
    out->title[tlen] = '\0';
    if (!out->title[0] && out->id[0])
        snprintf(out->title, sizeof(out->title), "Untitled");
}

/* 32 hex digits as 8-4-4-4-12. */
static const char *uuid_of(ud_arena *arena, const char *hex)
{
    return ud_arena_sprintf(arena, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
                            hex + 20);
}

/* Lower-case letters and digits only: how Notion's file-name sanitising is
 * undone for matching a row to its page. */
static void normalise(char *out, size_t size, const char *s)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (isalnum((unsigned char)*s) || ((unsigned char)*s & 0x80))
            out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

/* A database's CSV, parsed once before anything is emitted (its rows claim
 * their pages, which then are not pages of their own). */
typedef struct parsed_csv {
    ud_arena arena;
    char *data;
    char **columns;
    size_t ncols;
    char ***rows;
    size_t *widths;
    size_t count;
} parsed_csv;

typedef struct database {
    size_t csv;        /* export entry of the CSV read */
    char folder[1024]; /* "Parent <id>/Tasks <id>/" where its row pages are */
    notion_name name;
    parsed_csv parsed;
    char *error;      /* why the CSV could not be read (malloc'd), or NULL */
    size_t *row_page; /* per row: the entry of its page, or SIZE_MAX */
} database;

typedef struct notion_ctx {
    ud_export *ex;
    json_t *config;
    size_t item_cap;
    database *dbs;
    size_t db_count;
    /* Per entry: -1 a page (or not a document), else the database whose
     * row it is. */
    long *row_of;
    bool *ignored; /* a CSV superseded by its _all twin */
} notion_ctx;

/* ---- The listing -------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
    return ud_str_ends_with_ci(ud_str_from(s), suffix);
}

/* A CSV's stem without ".csv" and "_all", and whether it was _all. */
static size_t csv_stem(const char *base, bool *out_all)
{
    size_t n = strlen(base) - 4;
    *out_all = n >= 4 && strncmp(base + n - 4, "_all", 4) == 0;
    return *out_all ? n - 4 : n;
}

static void find_databases(notion_ctx *c)
{
    size_t count = ud_export_count(c->ex);
    c->dbs = ud_calloc(count + 1, sizeof(*c->dbs));
    c->ignored = ud_calloc(count + 1, sizeof(*c->ignored));
    c->row_of = ud_malloc((count + 1) * sizeof(*c->row_of));
    for (size_t i = 0; i < count; i++)
        c->row_of[i] = -1;
    for (size_t i = 0; i < count; i++) {
        const char *name = ud_export_name(c->ex, i);
        if (!ends_with(name, ".csv"))
            continue;
        const char *slash = strrchr(name, '/');
        const char *base = slash ? slash + 1 : name;
        size_t dir_len = slash ? (size_t)(slash - name) + 1 : 0;
        bool all = false;
        size_t stem = csv_stem(base, &all);
        if (!all) {
            /* The _all twin, when there is one, has every row. */
            char twin[1200];
            snprintf(twin, sizeof(twin), "%.*s%.*s_all.csv", (int)dir_len, name, (int)stem, base);
            if (ud_export_find(c->ex, twin) != SIZE_MAX) {
                c->ignored[i] = true;
                continue;
            }
        }
        database *db = &c->dbs[c->db_count++];
        db->csv = i;
        split_name(&db->name, base, stem);
        snprintf(db->folder, sizeof(db->folder), "%.*s%.*s/", (int)dir_len, name, (int)stem, base);
    }
}

/* The md files directly in a database's folder, matched to its rows by
 * title: row_page[r] is the entry of row r's page or SIZE_MAX. */
static void match_rows(notion_ctx *c, size_t db_index, char **titles, size_t rows, size_t *row_page)
{
    const database *db = &c->dbs[db_index];
    size_t flen = strlen(db->folder);
    for (size_t r = 0; r < rows; r++)
        row_page[r] = SIZE_MAX;
    /* Three passes, strictest first, so a near match never takes the page
     * of an exact one. */
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < ud_export_count(c->ex); i++) {
            const char *name = ud_export_name(c->ex, i);
            if (strncmp(name, db->folder, flen) != 0 || strchr(name + flen, '/') ||
                !ends_with(name, ".md") || c->row_of[i] >= 0)
                continue;
            notion_name nn;
            split_name(&nn, name + flen, strlen(name + flen) - 3);
            char file_norm[512];
            normalise(file_norm, sizeof(file_norm), nn.title);
            for (size_t r = 0; r < rows; r++) {
                if (row_page[r] != SIZE_MAX)
                    continue;
                bool match;
                if (pass == 0) {
                    match = strcmp(nn.title, titles[r]) == 0;
                } else {
                    char row_norm[512];
                    normalise(row_norm, sizeof(row_norm), titles[r]);
                    size_t fl = strlen(file_norm);
                    match = pass == 1 ? strcmp(file_norm, row_norm) == 0 && fl > 0
                                      : fl >= 16 && strncmp(file_norm, row_norm, fl) == 0;
                }
                if (match) {
                    row_page[r] = i;
                    c->row_of[i] = (long)db_index;
                    break;
                }
            }
        }
    }
}

/* ---- Hierarchy ------------------------------------------------------------------------- */

typedef struct hierarchy {
    json_t *parents;          /* [{"title", "id"}] */
    const char *parent_path;  /* "Home / Projects" */
    const char *heading_path; /* "Home > Projects > Title" */
    const char *path;         /* "Home/Projects/Title" */
} hierarchy;

/* The folders of an entry, ids stripped; export wrappers ("Export-<uuid>")
 * are not part of the workspace. */
static void hierarchy_of(hierarchy *out, ud_arena *arena, const char *entry, const char *title)
{
    out->parents = json_array();
    ud_buf pp, hp, path;
    ud_buf_init(&pp, 1 << 16);
    ud_buf_init(&hp, 1 << 16);
    ud_buf_init(&path, 1 << 16);
    const char *p = entry;
    int depth = 0;
    for (const char *slash; (slash = strchr(p, '/')) != NULL && depth < MAX_DEPTH;
         p = slash + 1, depth++) {
        notion_name nn;
        split_name(&nn, p, (size_t)(slash - p));
        if (!nn.id[0] && (strncmp(nn.title, "Export-", 7) == 0 || !nn.title[0]))
            continue;
        json_t *parent = json_object();
        json_object_set_new(parent, "title", ud_export_json_string(nn.title));
        if (nn.id[0])
            json_object_set_new(parent, "id", json_string(uuid_of(arena, nn.id)));
        json_array_append_new(out->parents, parent);
        int rc = 0;
        rc |= ud_buf_printf(&pp, "%s%s", pp.len ? " / " : "", nn.title);
        rc |= ud_buf_printf(&hp, "%s > ", nn.title);
        rc |= ud_buf_printf(&path, "%s/", nn.title);
        if (rc < 0)
            ud_error_clear(); /* a path past 64 KiB is cut, nothing more */
    }
    if (ud_buf_puts(&hp, title) < 0 || ud_buf_puts(&path, title) < 0)
        ud_error_clear();
    out->parent_path = ud_arena_strndup(arena, pp.ptr ? pp.ptr : "", pp.len);
    out->heading_path = ud_arena_strndup(arena, hp.ptr ? hp.ptr : "", hp.len);
    out->path = ud_arena_strndup(arena, path.ptr ? path.ptr : "", path.len);
    ud_buf_dispose(&pp);
    ud_buf_dispose(&hp);
    ud_buf_dispose(&path);
}

static json_t *base_meta(const hierarchy *h, const char *entry)
{
    json_t *meta = json_object();
    json_object_set(meta, "parents", h->parents);
    json_object_set_new(meta, "parent_path", ud_export_json_string(h->parent_path));
    json_object_set_new(meta, "heading_path", ud_export_json_string(h->heading_path));
    json_object_set_new(meta, "export_path", ud_export_json_string(entry));
    return meta;
}

/* The first line's "# Title", if the page starts with one. */
static const char *h1_of(ud_arena *arena, const char *md, size_t len)
{
    size_t i = 0;
    if (len >= 3 && memcmp(md, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && (md[i] == '\n' || md[i] == '\r' || md[i] == ' '))
        i++;
    if (len - i < 2 || md[i] != '#' || md[i + 1] != ' ')
        return NULL;
    i += 2;
    const char *nl = memchr(md + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - md) : len;
    while (end > i && (md[end - 1] == '\r' || md[end - 1] == ' '))
        end--;
    return end > i ? ud_arena_strndup(arena, md + i, end - i) : NULL;
}

static void emit_common(ud_source_document *sd, const char *key, const char *title,
                        const char *hex_id, ud_arena *arena)
{
    static const char *const EVERYONE[] = {UD_ACL_EVERYONE};
    ud_document *d = &sd->doc;
    d->source_key = key;
    d->source_type = "notion";
    d->title = title;
    d->url = hex_id ? ud_arena_sprintf(arena, "https://www.notion.so/%s", hex_id) : NULL;
    d->acl = (const char **)EVERYONE;
    d->acl_count = 1;
}

/* ---- Pages ---------------------------------------------------------------------------------- */

static int emit_page(ud_export_emitter *em, notion_ctx *c, size_t entry)
{
    ud_arena *arena = &em->arena;
    const char *name = ud_export_name(c->ex, entry);
    char *data = NULL;
    size_t len = 0;
    int rc = ud_export_read(&data, &len, c->ex, entry);
    if (rc < 0) {
        ud_export_fail(em, name, ud_error_last());
        ud_error_clear();
        return 0;
    }
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    notion_name nn;
    split_name(&nn, base, strlen(base) - 3);
    const char *hex = nn.id;
    char derived[33];
    if (!hex[0]) {
        /* No id in the name (a hand-made export): one from the path. */
        char digest[UD_SHA256_HEX_LEN + 1];
        ud_sha256_hex(digest, name, strlen(name));
        memcpy(derived, digest, 32);
        derived[32] = '\0';
        hex = derived;
    }
    const char *h1 = h1_of(arena, data, len);
    const char *title = h1 ? h1 : ud_arena_strdup(arena, nn.title[0] ? nn.title : "Untitled");
    hierarchy h;
    hierarchy_of(&h, arena, name, title);
    ud_source_document sd;
    memset(&sd, 0, sizeof(sd));
    emit_common(&sd, ud_arena_sprintf(arena, "notion:page:%s", uuid_of(arena, hex)), title,
                nn.id[0] ? nn.id : NULL, arena);
    ud_document *d = &sd.doc;
    d->path = h.path;
    d->file_type = "md";
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    d->text = ud_arena_strndup(arena, data + skip, len - skip);
    d->text_len = len - skip;
    json_t *meta = base_meta(&h, name);
    json_object_set_new(meta, "object", json_string("page"));
    d->metadata_json = ud_export_json(arena, meta);
    json_decref(h.parents);
    sd.raw = ud_arena_strndup(arena, data, len);
    sd.raw_len = len;
    sd.raw_id = ud_export_raw_id(arena, d->source_key, ".md");
    free(data);
    return ud_export_emit(em, &sd);
}

/* ---- Database rows --------------------------------------------------------------------------- */

static const char *const MONTHS[] = {"january",   "february", "march",    "april",
                                     "may",       "june",     "july",     "august",
                                     "september", "october",  "november", "december"};

/* Notion's own date format, "March 12, 2025 9:14 AM" (or without the
 * time), else anything ud_time_parse reads; 0 if none. */
static int64_t notion_date(const char *s)
{
    char month[16];
    int day, year, hour = 0, minute = 0, n = 0;
    char ampm[3] = "";
    if (sscanf(s, "%15[A-Za-z] %d, %d%n", month, &day, &year, &n) == 3) {
        int m = -1;
        for (int i = 0; i < 12; i++)
            if (strcasecmp(month, MONTHS[i]) == 0 ||
                (strlen(month) == 3 && strncasecmp(month, MONTHS[i], 3) == 0))
                m = i;
        if (m < 0 || day < 1 || day > 31 || year < 1970 || year > 9999)
            return 0;
        if (sscanf(s + n, " %d:%d %2[AaPpMm]", &hour, &minute, ampm) >= 2) {
            if (hour < 0 || hour > 23 || minute < 0 || minute > 59)
                return 0;
            if ((ampm[0] == 'P' || ampm[0] == 'p') && hour < 12)
                hour += 12;
            if ((ampm[0] == 'A' || ampm[0] == 'a') && hour == 12)
                hour = 0;
        }
        struct tm tm = {0};
        tm.tm_year = year - 1900;
        tm.tm_mon = m;
        tm.tm_mday = day;
        tm.tm_hour = hour;
        tm.tm_min = minute;
        return (int64_t)timegm(&tm);
    }
    return ud_parse_date_or_zero(s);
}

/* Drops the page's "# Title" and the "Property: value" lines after it
 * (they repeat the CSV): the rest is the row's own content. */
static const char *row_body(const char *md, size_t len, char **columns, size_t ncols)
{
    const char *p = md, *end = md + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && (*p == '\n' || *p == '\r'))
        p++;
    if (end - p >= 2 && p[0] == '#' && p[1] == ' ') {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    for (;;) {
        const char *q = p;
        while (q < end && (*q == '\n' || *q == '\r'))
            q++;
        const char *nl = memchr(q, '\n', (size_t)(end - q));
        const char *eol = nl ? nl : end;
        const char *colon = memchr(q, ':', (size_t)(eol - q));
        bool property = false;
        for (size_t i = 1; colon && i < ncols && !property; i++)
            property = (size_t)(colon - q) == strlen(columns[i]) &&
                       memcmp(q, columns[i], (size_t)(colon - q)) == 0;
        if (!property)
            return q;
        p = nl ? nl + 1 : end;
    }
}

static int emit_row(ud_export_emitter *em, notion_ctx *c, const database *db, const char *db_uuid,
                    char **columns, size_t ncols, char **row, size_t nfields, size_t row_number,
                    size_t page_entry)
{
    ud_arena *arena = &em->arena;
    const char *csv_name = ud_export_name(c->ex, db->csv);
    char *page = NULL;
    size_t page_len = 0;
    notion_name pn = {"", ""};
    if (page_entry != SIZE_MAX) {
        const char *pname = ud_export_name(c->ex, page_entry);
        const char *slash = strrchr(pname, '/');
        const char *base = slash ? slash + 1 : pname;
        split_name(&pn, base, strlen(base) - 3);
        if (ud_export_read(&page, &page_len, c->ex, page_entry) < 0) {
            char item[1200];
            snprintf(item, sizeof(item), "%s, row %zu", csv_name, row_number);
            ud_export_fail(em, item, ud_error_last());
            ud_error_clear();
            return 0;
        }
    }
    const char *title = nfields > 0 && row[0][0] ? row[0] : NULL;
    if (!title && page)
        title = h1_of(arena, page, page_len);
    title = ud_arena_strdup(arena, title ? title : "Untitled");
    const char *key =
        pn.id[0] ? ud_arena_sprintf(arena, "notion:database_row:%s", uuid_of(arena, pn.id))
                 : ud_arena_sprintf(arena, "notion:database_row:%s:row-%zu", db_uuid, row_number);
    /* The row sits in its database: Parent > Tasks > Row. */
    hierarchy h;
    hierarchy_of(&h, arena, db->folder, title);

    ud_extract_limits lim = {.max_text_bytes = c->item_cap};
    ud_text_out t;
    ud_text_out_init(&t, csv_name, &lim);
    ud_text_out_puts(&t, "# ");
    ud_text_out_puts(&t, title);
    ud_text_out_puts(&t, "\n\nDatabase: ");
    ud_text_out_puts(&t, db->name.title);
    ud_text_out_break(&t, 1);
    json_t *props = json_object();
    const char *author = NULL;
    int64_t created = 0, updated = 0;
    for (size_t i = 0; i < ncols && i < nfields; i++) {
        if (!columns[i][0])
            continue;
        json_object_set_new(props, columns[i], ud_export_json_string(row[i]));
        if (i == 0 || !row[i][0])
            continue;
        ud_text_out_puts(&t, columns[i]);
        ud_text_out_puts(&t, ": ");
        ud_text_out_inline(&t, row[i], strlen(row[i]));
        ud_text_out_break(&t, 1);
        if (strcasecmp(columns[i], "Created by") == 0 || strcasecmp(columns[i], "Owner") == 0)
            author = author ? author : ud_arena_strdup(arena, row[i]);
        if (strcasecmp(columns[i], "Created") == 0 || strcasecmp(columns[i], "Created time") == 0)
            created = notion_date(row[i]);
        if (strcasecmp(columns[i], "Last edited time") == 0 ||
            strcasecmp(columns[i], "Last edited") == 0 || strcasecmp(columns[i], "Updated") == 0)
            updated = notion_date(row[i]);
    }
    if (page) {
        const char *body = row_body(page, page_len, columns, ncols);
        size_t blen = page_len - (size_t)(body - page);
        if (blen) {
            ud_text_out_break(&t, 2);
            ud_text_out_append(&t, body, blen);
            ud_text_out_break(&t, 1);
        }
    }

    ud_source_document sd;
    memset(&sd, 0, sizeof(sd));
    emit_common(&sd, key, title, pn.id[0] ? pn.id : NULL, arena);
    ud_document *d = &sd.doc;
    d->path = h.path;
    d->author = author;
    d->file_type = "md";
    d->created_at = created;
    d->updated_at = updated ? updated : created;
    json_t *meta =
        base_meta(&h, page_entry != SIZE_MAX ? ud_export_name(c->ex, page_entry) : csv_name);
    json_object_set_new(meta, "object", json_string("database_row"));
    json_object_set_new(meta, "database", ud_export_json_string(db->name.title));
    json_object_set_new(meta, "database_id", json_string(db_uuid));
    json_object_set(meta, "properties", props);
    d->metadata_json = ud_export_json(arena, meta);
    json_decref(h.parents);
    json_t *raw = json_object();
    json_object_set_new(raw, "database_id", json_string(db_uuid));
    json_object_set_new(raw, "properties", props);
    if (page)
        json_object_set_new(raw, "page", ud_export_json_stringn(page, page_len));
    const char *raw_text = ud_export_json(arena, raw);
    sd.raw = raw_text;
    sd.raw_len = strlen(raw_text);
    sd.raw_id = ud_export_raw_id(arena, key, ".json");
    int rc = ud_export_emit_text(em, &sd, &t, key);
    ud_text_out_dispose(&t);
    free(page);
    return rc;
}

static void parsed_csv_dispose(parsed_csv *p)
{
    ud_arena_dispose(&p->arena);
    free(p->data);
    free(p->rows);
    free(p->widths);
}

static int parse_csv(parsed_csv *p, notion_ctx *c, size_t entry)
{
    size_t len = 0;
    int rc = ud_export_read(&p->data, &len, c->ex, entry);
    if (rc < 0)
        return rc;
    ud_csv csv;
    ud_csv_init(&csv, p->data, len);
    rc = ud_csv_next(&p->columns, &p->ncols, &csv, &p->arena);
    if (rc <= 0)
        return rc < 0 ? rc : ud_error_set(UD_ECORRUPT, "the CSV has no header row");
    size_t cap = 0;
    for (;;) {
        char **fields;
        size_t n;
        rc = ud_csv_next(&fields, &n, &csv, &p->arena);
        if (rc <= 0)
            break;
        if (n == 1 && !fields[0][0])
            continue; /* a blank line */
        if (p->count >= MAX_ROWS) {
            rc = ud_error_set(UD_ELIMIT, "more than %d rows", MAX_ROWS);
            break;
        }
        if (p->count == cap) {
            cap = cap ? cap * 2 : 64;
            p->rows = ud_realloc(p->rows, cap * sizeof(*p->rows));
            p->widths = ud_realloc(p->widths, cap * sizeof(*p->widths));
        }
        p->rows[p->count] = fields;
        p->widths[p->count++] = n;
    }
    return rc < 0 ? rc : 0;
}

/* Parses every database and lets its rows claim their pages. */
static void load_databases(notion_ctx *c)
{
    for (size_t d = 0; d < c->db_count; d++) {
        database *db = &c->dbs[d];
        ud_arena_init(&db->parsed.arena);
        if (parse_csv(&db->parsed, c, db->csv) < 0) {
            db->error = ud_strdup(ud_error_last());
            ud_error_clear();
            continue;
        }
        size_t rows = db->parsed.count;
        char **titles = ud_malloc((rows + 1) * sizeof(*titles));
        for (size_t r = 0; r < rows; r++)
            titles[r] = db->parsed.widths[r] > 0 ? db->parsed.rows[r][0] : "";
        db->row_page = ud_malloc((rows + 1) * sizeof(*db->row_page));
        match_rows(c, d, titles, rows, db->row_page);
        free(titles);
    }
}

/* A database's rows, one unit each (the whole CSV one unit when it fails). */
static int sync_database(ud_export_emitter *em, notion_ctx *c, size_t db_index)
{
    database *db = &c->dbs[db_index];
    if (db->error) {
        int n = ud_export_next(em);
        if (n > 0)
            ud_export_fail(em, ud_export_name(c->ex, db->csv), db->error);
        return n < 0 ? n : 0;
    }
    char db_hex[33];
    if (db->name.id[0]) {
        memcpy(db_hex, db->name.id, 33);
    } else {
        char digest[UD_SHA256_HEX_LEN + 1];
        const char *csv_name = ud_export_name(c->ex, db->csv);
        ud_sha256_hex(digest, csv_name, strlen(csv_name));
        memcpy(db_hex, digest, 32);
        db_hex[32] = '\0';
    }
    const parsed_csv *p = &db->parsed;
    for (size_t r = 0; r < p->count; r++) {
        int n = ud_export_next(em);
        if (n < 0)
            return n;
        if (n == 0)
            continue;
        const char *db_uuid = uuid_of(&em->arena, db_hex);
        int rc = emit_row(em, c, db, db_uuid, p->columns, p->ncols, p->rows[r], p->widths[r], r + 1,
                          db->row_page[r]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- The connector ------------------------------------------------------------------------- */

static void dispose_ctx(notion_ctx *c)
{
    for (size_t d = 0; d < c->db_count; d++) {
        parsed_csv_dispose(&c->dbs[d].parsed);
        free(c->dbs[d].error);
        free(c->dbs[d].row_page);
    }
    free(c->dbs);
    free(c->row_of);
    free(c->ignored);
    json_decref(c->config);
    ud_export_free(c->ex);
}

static int open_ctx(notion_ctx *c, const ud_source_config *config)
{
    memset(c, 0, sizeof(*c));
    int rc = ud_export_config(&c->config, config);
    if (rc < 0)
        return rc;
    const char *path = ud_export_config_string(c->config, "path");
    if (!path)
        return ud_error_set(UD_EINVAL,
                            "the Notion export source needs a \"path\" (the export zip or folder)");
    c->item_cap = ud_export_item_cap(config);
    if ((rc = ud_export_open(&c->ex, path, c->item_cap, ud_export_total_cap(config))) < 0)
        return rc;
    size_t pages = 0;
    for (size_t i = 0; i < ud_export_count(c->ex); i++)
        pages += ends_with(ud_export_name(c->ex, i), ".md") ||
                 ends_with(ud_export_name(c->ex, i), ".csv");
    if (pages == 0)
        return ud_error_set(
            UD_EINVAL, "%s is not a Notion export: it holds no .md page or .csv database", path);
    find_databases(c);
    load_databases(c);
    return 0;
}

static int notion_test_connection(const ud_source_config *config, char *message, size_t size)
{
    notion_ctx c;
    int rc = open_ctx(&c, config);
    if (rc < 0) {
        snprintf(message, size, "%s", ud_error_last());
    } else {
        size_t pages = 0, rows = 0, broken = 0;
        for (size_t i = 0; i < ud_export_count(c.ex); i++)
            pages += ends_with(ud_export_name(c.ex, i), ".md") && c.row_of[i] < 0;
        for (size_t d = 0; d < c.db_count; d++) {
            rows += c.dbs[d].parsed.count;
            broken += c.dbs[d].error != NULL;
        }
        snprintf(message, size, "Notion export: %zu pages, %zu databases with %zu rows%s", pages,
                 c.db_count, rows, broken ? " (some databases cannot be read)" : "");
    }
    dispose_ctx(&c);
    return rc;
}

static int notion_sync(const ud_source_config *config, ud_arena *arena, const ud_sync_sink *sink)
{
    (void)arena;
    notion_ctx c;
    int rc = open_ctx(&c, config);
    if (rc < 0) {
        dispose_ctx(&c);
        return rc;
    }
    ud_export_emitter em;
    ud_export_emitter_init(&em, sink, config, ud_export_fingerprint(c.ex));
    /* Every unit is known up front: pages, rows, unreadable databases. */
    for (size_t i = 0; i < ud_export_count(c.ex); i++)
        em.total += ends_with(ud_export_name(c.ex, i), ".md") && c.row_of[i] < 0;
    for (size_t d = 0; d < c.db_count; d++)
        em.total += c.dbs[d].error ? 1 : c.dbs[d].parsed.count;
    size_t next_db = 0;
    for (size_t i = 0; i < ud_export_count(c.ex) && rc == 0; i++) {
        const char *name = ud_export_name(c.ex, i);
        if (ends_with(name, ".md") && c.row_of[i] < 0) {
            int n = ud_export_next(&em);
            if (n < 0)
                rc = n;
            else if (n > 0)
                rc = emit_page(&em, &c, i);
        } else if (next_db < c.db_count && c.dbs[next_db].csv == i) {
            rc = sync_database(&em, &c, next_db++);
        }
    }
    if (rc == 0)
        rc = ud_export_finish(&em);
    ud_export_emitter_dispose(&em);
    dispose_ctx(&c);
    return rc;
}

const ud_connector ud_connector_notion_export = {
    .type = "notion_export",
    .data_source_type = "notion",
    .source_type = "notion",
    .summary = "a Notion \"Markdown & CSV\" export (zip or folder): pages and database rows",
    .test_connection = notion_test_connection,
    .sync = notion_sync,
    .webhook = NULL,
};
