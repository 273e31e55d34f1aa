/*
 * The metadata store's queries, shared by both backends (see meta.h for the
 * interface and meta_backend.h for how one SQL text runs on both). The
 * statements run on connections of the pool (meta_pool.c): what must be
 * atomic runs in a transaction, which keeps one connection throughout.
 */
#include "store/meta.h"

#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "base/str.h"
#include "doc/acl.h"
#include "store/meta_internal.h"

/* ---- plumbing (meta_internal.h) --------------------------------------- */

typedef struct collect {
    ud_sql_rows *rows;
    ud_arena *arena;
    size_t cap;
} collect;

static int collect_row(const char *const *cells, size_t columns, void *payload)
{
    collect *c = payload;
    ud_sql_rows *rows = c->rows;
    rows->columns = columns;
    if (rows->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        const char **grown = ud_arena_alloc(c->arena, c->cap * columns * sizeof(char *));
        if (rows->count)
            memcpy(grown, rows->cells, rows->count * columns * sizeof(char *));
        rows->cells = grown;
    }
    for (size_t i = 0; i < columns; i++)
        rows->cells[rows->count * columns + i] =
            cells[i] ? ud_arena_strdup(c->arena, cells[i]) : NULL;
    rows->count++;
    return 0;
}

int ud_meta_sql_query(ud_sql_rows *out, ud_meta *meta, ud_arena *arena, const char *sql,
                      const char *const *params, size_t param_count)
{
    ud_sql_rows rows = {0};
    collect c = {&rows, arena, 0};
    int rc = ud_meta_sql_each(meta, sql, params, param_count, collect_row, &c);
    if (rc < 0)
        return rc;
    *out = rows;
    return 0;
}

int ud_meta_sql_run(ud_meta *meta, const char *sql, const char *const *params, size_t param_count)
{
    return ud_meta_sql_each(meta, sql, params, param_count, NULL, NULL);
}

int ud_meta_sql_change_one(ud_meta *meta, const char *sql, const char *const *params, size_t count,
                           const char *what, const char *id)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, &arena, sql, params, count);
    if (rc == 0 && rows.count == 0)
        rc = ud_error_set(UD_ENOTFOUND, "no %s '%s'", what, id ? id : "");
    ud_arena_dispose(&arena);
    return rc;
}

int64_t ud_meta_sql_int(const char *cell, int64_t if_null)
{
    return cell ? strtoll(cell, NULL, 10) : if_null;
}

void ud_meta_sql_format_int(char out[24], int64_t value)
{
    snprintf(out, 24, "%" PRId64, value);
}

bool ud_meta_is_uuid(const char *id)
{
    if (!id || strlen(id) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? id[i] != '-' : !isxdigit((unsigned char)id[i]))
            return false;
    }
    return true;
}

int ud_meta_sql_count(ud_meta *meta, const char *sql, const char *org_id, int64_t *out)
{
    if (!ud_meta_is_uuid(org_id)) {
        *out = 0;
        return 0;
    }
    ud_arena arena;
    ud_arena_init(&arena);
    const char *params[] = {org_id};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, &arena, sql, params, 1);
    if (rc == 0)
        *out = rows.count ? ud_meta_sql_int(ud_sql_cell(&rows, 0, 0), 0) : 0;
    ud_arena_dispose(&arena);
    return rc;
}

/* ---- opening and migrations ------------------------------------------- */

static const char MIGRATIONS_TABLE[] = "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
                                       "    version INTEGER PRIMARY KEY,\n"
                                       "    name TEXT NOT NULL,\n"
                                       "    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP\n"
                                       ")";

static int applied_version(ud_meta *meta, int *out)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, &arena, "SELECT MAX(version) FROM schema_migrations",
                               NULL, 0);
    if (rc == 0)
        *out = rows.count ? (int)ud_meta_sql_int(ud_sql_cell(&rows, 0, 0), 0) : 0;
    ud_arena_dispose(&arena);
    return rc;
}

/* Whether `name` (len bytes) names a backend, for {if NAME}. */
static bool is_backend_name(const char *name, size_t len)
{
    const ud_meta_driver *const drivers[] = {&ud_meta_sqlite_driver, &ud_meta_postgres_driver};
    for (size_t i = 0; i < sizeof(drivers) / sizeof(drivers[0]); i++)
        if (strlen(drivers[i]->name) == len && strncmp(drivers[i]->name, name, len) == 0)
            return true;
    return false;
}

/* The migration's SQL as this backend runs it, in the arena: every {token}
 * in the driver's spelling, and each section "{if NAME} ... {end}" kept
 * only when NAME is this driver's name ("sqlite" or "postgres"). Sections
 * are for the few statements that cannot be one text (SQLite cannot drop a
 * constraint written inside CREATE TABLE); they do not nest. */
static int expand_schema(const char **out, ud_arena *arena, const ud_meta_driver *driver,
                         const char *sql)
{
    ud_buf buf;
    ud_buf_init(&buf, strlen(sql) * 4 + 4096);
    int rc = 0;
    bool in_section = false;
    const char *p = sql;
    while (*p && rc == 0) {
        if (strncmp(p, "{if ", 4) == 0) {
            const char *name = p + 4;
            const char *close = strchr(name, '}');
            const char *end = close ? strstr(close, "{end}") : NULL;
            const char *inner = close ? strstr(close, "{if ") : NULL;
            size_t len = close ? (size_t)(close - name) : 0;
            if (in_section || !end || (inner && inner < end))
                rc = ud_error_set(UD_EINVAL, "an {if} section without its {end}, or nested");
            else if (!is_backend_name(name, len))
                rc = ud_error_set(UD_EINVAL, "{if %.*s}: no such backend", (int)len, name);
            else if (strlen(driver->name) == len && strncmp(driver->name, name, len) == 0)
                in_section = true, p = close + 1;
            else
                p = end + strlen("{end}");
            continue;
        }
        if (strncmp(p, "{end}", 5) == 0) {
            if (!in_section)
                rc = ud_error_set(UD_EINVAL, "an {end} without its {if}");
            in_section = false;
            p += 5;
            continue;
        }
        const ud_sql_dialect *hit = NULL;
        if (*p == '{')
            for (const ud_sql_dialect *d = driver->dialect; d->token && !hit; d++)
                if (strncmp(p, d->token, strlen(d->token)) == 0)
                    hit = d;
        if (hit) {
            rc = ud_buf_puts(&buf, hit->sql);
            p += strlen(hit->token);
        } else {
            rc = ud_buf_putc(&buf, *p++);
        }
    }
    if (rc == 0 && in_section)
        rc = ud_error_set(UD_EINVAL, "an {if} section without its {end}");
    if (rc == UD_ELIMIT)
        rc = ud_error_set(UD_ELIMIT, "the migration is too large");
    if (rc == 0)
        *out = ud_arena_strdup(arena, buf.ptr ? buf.ptr : "");
    ud_buf_dispose(&buf);
    return rc;
}

int ud_meta_migrate(ud_meta *meta, int *out_applied)
{
    return ud_meta_migrate_to(meta, INT_MAX, out_applied);
}

int ud_meta_migrate_to(ud_meta *meta, int target, int *out_applied)
{
    /* One connection throughout: PostgreSQL's advisory lock is its
     * session's, and must be released on the connection that took it. */
    int rc = ud_meta_hold(meta);
    if (rc < 0)
        return rc;
    int applied = 0;
    int current = 0;
    const char *lock = meta->backend->lock_migrations;
    rc = lock ? ud_meta_sql_exec(meta, lock) : 0;
    if (rc == 0)
        rc = ud_meta_sql_exec(meta, MIGRATIONS_TABLE);
    if (rc == 0)
        rc = applied_version(meta, &current);
    size_t count = 0;
    const ud_meta_migration *migrations = ud_schema_migrations(&count);
    ud_arena arena;
    ud_arena_init(&arena);
    for (size_t i = 0; i < count && rc == 0; i++) {
        const ud_meta_migration *m = &migrations[i];
        if (m->version <= current || m->version > target)
            continue;
        char version[24];
        ud_meta_sql_format_int(version, m->version);
        const char *params[] = {version, m->name};
        rc = ud_meta_sql_begin(meta);
        if (rc < 0)
            break;
        const char *sql = NULL;
        if (m->sql)
            rc = expand_schema(&sql, &arena, meta->backend, m->sql);
        if (rc == 0 && sql)
            rc = ud_meta_sql_exec(meta, sql);
        ud_meta_data_step step = ud_schema_data_step(m->version);
        if (rc == 0 && step)
            rc = step(meta, &arena);
        if (rc == 0)
            rc = ud_meta_sql_run(
                meta, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", params, 2);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0) {
            char message[512];
            snprintf(message, sizeof(message), "%s", ud_error_last());
            ud_meta_sql_rollback(meta);
            rc = ud_error_set(rc, "migration %d (%s) failed: %s", m->version, m->name, message);
            break;
        }
        applied++;
    }
    ud_arena_dispose(&arena);
    if (lock && ud_meta_sql_exec(meta, meta->backend->unlock_migrations) < 0 && rc == 0)
        rc = ud_error_prefix(UD_EIO, "cannot release the migration lock: ");
    ud_meta_unhold(meta);
    if (applied > 0) /* a data step may have rewritten users' rows */
        ud_meta_cache_forget_all(meta);
    if (rc == 0 && out_applied)
        *out_applied = applied;
    return rc;
}

int ud_meta_schema_version(ud_meta *meta, int *out)
{
    int rc = ud_meta_sql_exec(meta, MIGRATIONS_TABLE);
    int version = 0;
    if (rc == 0)
        rc = applied_version(meta, &version);
    if (rc == 0)
        *out = version;
    return rc;
}

/* ---- documents and chunks ---------------------------------------------- */

#define DOC_COLUMNS                                                                                \
    "id, org_id, source_key, source_type, title, url, path, author, language, file_type, "         \
    "content_hash, metadata, acl, ud_epoch(created_at), ud_epoch(updated_at), "                    \
    "ud_epoch(indexed_at), chunk_count, text_bytes, data_source_id"

/* A document is found by its key within its source: $1 the org, $2 the
 * key, $3 the source (absent for the documents of no source). The two
 * partial unique indexes of migration 6 make each of these one row. */
#define WHERE_SOURCE_KEY " WHERE org_id = $1 AND source_key = $2 AND data_source_id = $3"
#define WHERE_UNSOURCED_KEY " WHERE org_id = $1 AND source_key = $2 AND data_source_id IS NULL"

/* `params`: $1 the org, $2 the key or id, $3 the source when count is 3. */
static int doc_select(ud_doc_row *out, ud_meta *meta, ud_arena *arena, const char *sql,
                      const char *const *params, size_t count)
{
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena, sql, params, count);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_ENOTFOUND, "no document '%s'", params[1]);
    const char *const *c = &rows.cells[0];
    *out = (ud_doc_row){
        .id = c[0],
        .org_id = c[1],
        .source_key = c[2],
        .source_type = c[3],
        .title = c[4],
        .url = c[5],
        .path = c[6],
        .author = c[7],
        .language = c[8],
        .file_type = c[9],
        .content_hash = c[10],
        .metadata_json = c[11] ? c[11] : "{}",
        .acl_json = c[12] ? c[12] : "[]",
        .created_at = ud_meta_sql_int(c[13], 0),
        .updated_at = ud_meta_sql_int(c[14], 0),
        .indexed_at = ud_meta_sql_int(c[15], 0),
        .chunk_count = ud_meta_sql_int(c[16], 0),
        .text_bytes = ud_meta_sql_int(c[17], 0),
        .source_id = c[18],
    };
    return 0;
}

int ud_meta_document_get_by_key(ud_doc_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                                const char *source_id, const char *source_key)
{
    if (!ud_meta_is_uuid(org_id) || (source_id && !ud_meta_is_uuid(source_id)))
        return ud_error_set(UD_ENOTFOUND, "no document '%s'", source_key);
    const char *params[] = {org_id, source_key, source_id};
    int rc = doc_select(out, meta, arena,
                        source_id ? "SELECT " DOC_COLUMNS " FROM documents" WHERE_SOURCE_KEY
                                  : "SELECT " DOC_COLUMNS " FROM documents" WHERE_UNSOURCED_KEY,
                        params, source_id ? 3 : 2);
    return rc;
}

int ud_meta_document_get(ud_doc_row *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                         const char *id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no document '%s'", id ? id : "");
    const char *params[] = {org_id, id};
    int rc = doc_select(out, meta, arena,
                        "SELECT " DOC_COLUMNS " FROM documents WHERE org_id = $1 AND id = $2",
                        params, 2);
    return rc;
}

static char *acl_to_json(const ud_document *doc)
{
    json_t *array = json_array();
    for (size_t i = 0; i < doc->acl_count; i++)
        json_array_append_new(array, json_string(doc->acl[i]));
    char *text = json_dumps(array, JSON_COMPACT);
    json_decref(array);
    return text;
}

static int bump_generation(ud_meta *meta, const char *org_id)
{
    const char *params[] = {org_id};
    return ud_meta_sql_run(
        meta,
        "INSERT INTO org_index_state (org_id, generation) VALUES ($1, 1) "
        "ON CONFLICT (org_id) DO UPDATE SET generation = org_index_state.generation + 1",
        params, 1);
}

/* The body of ud_meta_document_put, inside its transaction. */
static int put_locked(char id[UD_UUID_LEN + 1], bool *created, ud_meta *meta, ud_arena *arena,
                      const char *org_id, const char *source_id, const char *sync_id,
                      const ud_document *doc, const ud_chunk *chunks, size_t chunk_count)
{
    ud_sql_rows rows;
    const char *key_params[] = {org_id, doc->source_key, source_id};
    int rc = ud_meta_sql_query(&rows, meta, arena,
                               source_id ? "SELECT id FROM documents" WHERE_SOURCE_KEY
                                         : "SELECT id FROM documents" WHERE_UNSOURCED_KEY,
                               key_params, source_id ? 3 : 2);
    if (rc < 0)
        return rc;
    *created = rows.count == 0;
    if (*created) {
        rc = ud_uuid_v4(id);
        if (rc < 0)
            return rc;
    } else {
        snprintf(id, UD_UUID_LEN + 1, "%s", ud_sql_cell(&rows, 0, 0));
    }

    char *acl = acl_to_json(doc);
    ud_arena_on_dispose(arena, free, acl);
    char created_at[24], updated_at[24], now[24], chunk_total[24], text_bytes[24];
    ud_meta_sql_format_int(created_at, doc->created_at);
    ud_meta_sql_format_int(updated_at, doc->updated_at ? doc->updated_at : doc->created_at);
    ud_meta_sql_format_int(now, ud_now());
    ud_meta_sql_format_int(chunk_total, (int64_t)chunk_count);
    ud_meta_sql_format_int(text_bytes, (int64_t)doc->text_len);
    const char *params[] = {
        id,
        org_id,
        doc->source_key,
        doc->source_type,
        doc->title,
        doc->url,
        doc->path,
        doc->author,
        doc->language,
        doc->file_type,
        doc->content_hash,
        doc->metadata_json ? doc->metadata_json : "{}",
        acl,
        doc->created_at ? created_at : NULL,
        doc->updated_at || doc->created_at ? updated_at : NULL,
        now,
        chunk_total,
        text_bytes,
        source_id,
        sync_id,
    };
    if (*created) {
        rc = ud_meta_sql_run(
            meta,
            "INSERT INTO documents (id, org_id, source_key, source_type, title, url, path, "
            "author, language, file_type, content_hash, metadata, acl, created_at, "
            "updated_at, indexed_at, chunk_count, text_bytes, data_source_id, last_sync_id) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
            "to_timestamp($14), to_timestamp($15), to_timestamp($16), $17, $18, $19, $20)",
            params, 20);
    } else {
        /* The document stays its source's: data_source_id is never
         * changed, so $19 is the sync here. */
        const char *update_params[19];
        memcpy(update_params, params, 18 * sizeof(params[0]));
        update_params[18] = sync_id;
        rc = ud_meta_sql_run(
            meta,
            "UPDATE documents SET source_type = $4, title = $5, url = $6, path = $7, "
            "author = $8, language = $9, file_type = $10, content_hash = $11, metadata = "
            "$12, acl = $13, created_at = to_timestamp($14), updated_at = to_timestamp($15), "
            "indexed_at = to_timestamp($16), chunk_count = $17, text_bytes = $18, "
            "last_sync_id = $19 WHERE id = $1 AND org_id = $2 AND source_key = $3",
            update_params, 19);
        if (rc == 0)
            rc = ud_meta_sql_run(meta, "DELETE FROM chunks WHERE document_id = $1", params, 1);
    }
    for (size_t i = 0; i < chunk_count && rc == 0; i++) {
        char index[24], tokens[24], start[24];
        ud_meta_sql_format_int(index, (int64_t)chunks[i].index);
        ud_meta_sql_format_int(tokens, (int64_t)chunks[i].tokens);
        ud_meta_sql_format_int(start, (int64_t)chunks[i].start);
        const char *chunk_params[] = {id,
                                      org_id,
                                      index,
                                      chunks[i].text,
                                      tokens,
                                      start,
                                      chunks[i].heading_path ? chunks[i].heading_path : ""};
        rc = ud_meta_sql_run(meta,
                             "INSERT INTO chunks (document_id, org_id, chunk_index, text, tokens, "
                             "start_offset, heading_path) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                             chunk_params, 7);
    }
    if (rc == 0)
        rc = bump_generation(meta, org_id);
    return rc;
}

int ud_meta_document_put(char out_id[37], bool *out_created, ud_meta *meta, const char *org_id,
                         const ud_document *doc, const ud_chunk *chunks, size_t chunk_count)
{
    return ud_meta_document_put_synced(out_id, out_created, meta, org_id, NULL, NULL, doc, chunks,
                                       chunk_count);
}

int ud_meta_document_put_synced(char out_id[37], bool *out_created, ud_meta *meta,
                                const char *org_id, const char *source_id, const char *sync_id,
                                const ud_document *doc, const ud_chunk *chunks, size_t chunk_count)
{
    if ((source_id && !ud_meta_is_uuid(source_id)) || (sync_id && !ud_meta_is_uuid(sync_id)))
        return ud_error_set(UD_EINVAL, "unknown data source or sync");
    if (!ud_meta_is_uuid(org_id))
        return ud_error_set(UD_EINVAL, "unknown organization '%s'", org_id ? org_id : "");
    if (!doc->source_key || !doc->source_type || !doc->content_hash[0])
        return ud_error_set(UD_EINVAL, "a document needs a source key, a source type and a hash");
    /* Only typed principals are stored (doc/acl.h), whoever writes. */
    int acl_rc = ud_acl_check_list(doc->acl, doc->acl_count);
    if (acl_rc < 0)
        return acl_rc;
    ud_arena arena;
    ud_arena_init(&arena);
    char id[UD_UUID_LEN + 1] = "";
    bool created = false;
    int rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        rc = put_locked(id, &created, meta, &arena, org_id, source_id, sync_id, doc, chunks,
                        chunk_count);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0)
            ud_meta_sql_rollback(meta);
    }
    ud_arena_dispose(&arena);
    if (rc < 0)
        return rc;
    if (out_id)
        memcpy(out_id, id, sizeof(id));
    if (out_created)
        *out_created = created;
    return 0;
}

int ud_meta_document_delete(ud_meta *meta, const char *org_id, const char *id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no document '%s'", id ? id : "");
    ud_arena arena;
    ud_arena_init(&arena);
    const char *params[] = {id, org_id};
    ud_sql_rows rows;
    int rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        rc = ud_meta_sql_query(&rows, meta, &arena,
                               "DELETE FROM documents WHERE id = $1 AND org_id = $2 RETURNING id",
                               params, 2);
        if (rc == 0 && rows.count == 0)
            rc = ud_error_set(UD_ENOTFOUND, "no document '%s'", id);
        if (rc == 0)
            rc = bump_generation(meta, org_id);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0) {
            int code = rc;
            ud_meta_sql_rollback(meta);
            rc = code == UD_ENOTFOUND ? ud_error_set(UD_ENOTFOUND, "no document '%s'", id) : code;
        }
    }
    ud_arena_dispose(&arena);
    return rc;
}

int ud_meta_document_count(ud_meta *meta, const char *org_id, int64_t *out)
{
    return ud_meta_sql_count(meta, "SELECT COUNT(*) FROM documents WHERE org_id = $1", org_id, out);
}

typedef struct scan_state {
    ud_chunk_fn fn;
    void *payload;
} scan_state;

static int scan_row(const char *const *c, size_t columns, void *payload)
{
    scan_state *st = payload;
    if (columns < 12)
        return ud_error_set(UD_EIO, "chunk scan returned %zu columns", columns);
    ud_chunk_row row = {
        .doc_id = c[0],
        .chunk_index = ud_meta_sql_int(c[1], 0),
        .text = c[2] ? c[2] : "",
        .tokens = ud_meta_sql_int(c[3], 0),
        .heading_path = c[4] ? c[4] : "",
        .title = c[5],
        .source_type = c[6],
        .url = c[7],
        .path = c[8],
        .updated_at = ud_meta_sql_int(c[9], 0),
        .author = c[10],
        .acl_json = c[11] ? c[11] : "[]",
    };
    return st->fn(&row, st->payload);
}

int ud_meta_chunks_scan(ud_meta *meta, const char *org_id, ud_chunk_fn fn, void *payload)
{
    if (!ud_meta_is_uuid(org_id))
        return 0;
    scan_state st = {fn, payload};
    const char *params[] = {org_id};
    int rc = ud_meta_sql_each(
        meta,
        "SELECT c.document_id, c.chunk_index, c.text, c.tokens, c.heading_path, d.title, "
        "d.source_type, d.url, d.path, ud_epoch(d.updated_at), d.author, d.acl FROM chunks c "
        "JOIN documents d "
        "ON d.id = c.document_id WHERE c.org_id = $1 ORDER BY c.document_id, c.chunk_index",
        params, 1, scan_row, &st);
    return rc;
}

int ud_meta_generation(ud_meta *meta, const char *org_id, int64_t *out)
{
    return ud_meta_sql_count(meta, "SELECT generation FROM org_index_state WHERE org_id = $1",
                             org_id, out);
}
