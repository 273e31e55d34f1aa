/*
 * Migration 7's data step (migrate_acl.h). Before principals were typed a
 * document's ACL held bare emails and group names side by side with
 * "org:*", and a group could be named like a person. Each stored entry is
 * turned into its typed form by ud_acl_upgrade_legacy: a name with '@' was
 * always a user (connectors wrote emails only), anything else a group; an
 * entry with no valid typed form is dropped, so a document can lose a
 * reader but never gain one. User group lists keep only the names that are
 * valid group names: a "group" spelled like an email is what let an admin
 * hand out another person's access, and it is removed, not converted.
 *
 * Rows are read in pages by id so that memory stays bounded on a large
 * store; only the rows that change are written.
 */
#include "store/migrate_acl.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "doc/acl.h"
#include "store/meta_internal.h"

#define PAGE_ROWS 500
#define PAGE_ROWS_SQL "500" /* the same, spelled in the queries */

/* `value` as compact JSON text in the arena when `changed`, else NULL;
 * takes the reference. */
static const char *text_if_changed(ud_arena *arena, json_t *value, bool changed)
{
    const char *out = NULL;
    if (changed) {
        char *text = json_dumps(value, JSON_COMPACT);
        out = text ? ud_arena_strdup(arena, text) : NULL;
        free(text);
    }
    json_decref(value);
    return out;
}

/* The typed form of one JSON array of principals, as compact JSON text in
 * the arena; NULL when it is unchanged or not an array (left as it is: an
 * unreadable ACL matches no principal already). */
static const char *typed_acl(ud_arena *arena, const char *acl_json)
{
    json_t *acl = json_loads(acl_json ? acl_json : "[]", 0, NULL);
    if (!json_is_array(acl)) {
        json_decref(acl);
        return NULL;
    }
    json_t *typed = json_array();
    bool changed = false;
    for (size_t i = 0; i < json_array_size(acl); i++) {
        const char *entry = json_string_value(json_array_get(acl, i));
        const char *upgraded = ud_acl_upgrade_legacy(arena, entry);
        changed |= !upgraded || strcmp(upgraded, entry) != 0;
        if (upgraded)
            json_array_append_new(typed, json_string(upgraded));
    }
    json_decref(acl);
    return text_if_changed(arena, typed, changed);
}

/* The valid group names of one JSON array, as compact JSON text; NULL when
 * nothing is dropped. */
static const char *valid_groups(ud_arena *arena, const char *groups_json)
{
    json_t *groups = json_loads(groups_json ? groups_json : "[]", 0, NULL);
    json_t *kept = json_array();
    bool changed = !json_is_array(groups);
    for (size_t i = 0; i < json_array_size(groups); i++) {
        const char *name = json_string_value(json_array_get(groups, i));
        if (name && ud_acl_group(arena, name))
            json_array_append_new(kept, json_string(name));
        else
            changed = true;
    }
    json_decref(groups);
    return text_if_changed(arena, kept, changed);
}

typedef const char *(*rewrite_fn)(ud_arena *arena, const char *value);

/* Rewrites one JSON column of a table, page by page in id order. */
static int rewrite_column(ud_meta *meta, const char *select_sql, const char *update_sql,
                          rewrite_fn rewrite)
{
    char after[64] = "";
    int rc = 0;
    for (;;) {
        ud_arena page;
        ud_arena_init(&page);
        const char *params[] = {after};
        ud_sql_rows rows;
        rc = ud_meta_sql_query(&rows, meta, &page, select_sql, params, 1);
        for (size_t r = 0; rc == 0 && r < rows.count; r++) {
            const char *id = ud_sql_cell(&rows, r, 0);
            const char *value = rewrite(&page, ud_sql_cell(&rows, r, 1));
            if (value) {
                const char *update[] = {id, value};
                rc = ud_meta_sql_run(meta, update_sql, update, 2);
            }
        }
        size_t count = rc == 0 ? rows.count : 0;
        if (count)
            snprintf(after, sizeof(after), "%s", ud_sql_cell(&rows, count - 1, 0));
        ud_arena_dispose(&page);
        if (rc < 0 || count < PAGE_ROWS)
            return rc;
    }
}

int ud_migrate_typed_principals(ud_meta *meta, ud_arena *arena)
{
    (void)arena;
    int rc = rewrite_column(meta,
                            "SELECT id, acl FROM documents WHERE CAST(id AS TEXT) > $1 "
                            "ORDER BY CAST(id AS TEXT) LIMIT " PAGE_ROWS_SQL,
                            "UPDATE documents SET acl = $2 WHERE id = $1", typed_acl);
    if (rc == 0)
        rc = rewrite_column(meta,
                            "SELECT id, groups FROM users WHERE CAST(id AS TEXT) > $1 "
                            "ORDER BY CAST(id AS TEXT) LIMIT " PAGE_ROWS_SQL,
                            "UPDATE users SET groups = $2 WHERE id = $1", valid_groups);
    /* Every index holds the old ACLs: a new generation makes the next
     * writer rebuild it from the store. Until then an untyped entry in an
     * old index matches no caller's typed principal: nobody gains access. */
    if (rc == 0)
        rc = ud_meta_sql_run(meta, "UPDATE org_index_state SET generation = generation + 1", NULL,
                             0);
    return rc;
}
