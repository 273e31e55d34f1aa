/*
 * Organizations and users in the metadata store (meta_accounts.h). Every
 * function checks ids for shape before any SQL, and every user query names
 * the organization, so an id of another organization is simply not found.
 */
#include "store/meta_accounts.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "doc/acl.h"
#include "store/meta_internal.h"

/* ---- plans -------------------------------------------------------------- */

typedef struct plan_row {
    const char *name;
    int64_t max_users;     /* -1 = unlimited */
    int64_t max_sources;   /* -1 = unlimited */
    int64_t daily_queries; /* per user; -1 = unlimited */
} plan_row;

static const plan_row PLANS[] = {
    {"starter", 10, 3, 100},
    {"professional", 100, 10, 500},
    {"enterprise", -1, -1, -1},
};

static const plan_row *find_plan(const char *plan)
{
    for (size_t i = 0; plan && i < sizeof(PLANS) / sizeof(PLANS[0]); i++)
        if (strcmp(PLANS[i].name, plan) == 0)
            return &PLANS[i];
    return NULL;
}

int ud_plan_limits(const char *plan, int64_t *out_max_users, int64_t *out_max_sources)
{
    const plan_row *row = find_plan(plan);
    if (!row)
        return ud_error_set(UD_EINVAL, "unknown plan '%s' (starter, professional or enterprise)",
                            plan ? plan : "");
    *out_max_users = row->max_users;
    *out_max_sources = row->max_sources;
    return 0;
}

int64_t ud_plan_daily_queries(const char *plan)
{
    const plan_row *row = find_plan(plan);
    return row ? row->daily_queries : 0;
}

/* A limit as a parameter: NULL (unlimited) for -1. */
static const char *limit_param(char out[24], int64_t limit)
{
    if (limit < 0)
        return NULL;
    ud_meta_sql_format_int(out, limit);
    return out;
}

static bool is_json_kind(const char *text, int kind)
{
    json_t *value = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    bool ok = value && (int)json_typeof(value) == kind;
    json_decref(value);
    return ok;
}

/* ---- organizations ---------------------------------------------------- */

#define ORG_COLUMNS                                                                                \
    "id, name, slug, plan, status, max_data_sources, max_users, settings, ud_epoch(created_at)"

static void org_from_row(ud_org *out, const ud_sql_rows *rows, size_t row)
{
    out->id = ud_sql_cell(rows, row, 0);
    out->name = ud_sql_cell(rows, row, 1);
    out->slug = ud_sql_cell(rows, row, 2);
    out->plan = ud_sql_cell(rows, row, 3);
    out->status = ud_sql_cell(rows, row, 4);
    out->max_data_sources = ud_meta_sql_int(ud_sql_cell(rows, row, 5), -1);
    out->max_users = ud_meta_sql_int(ud_sql_cell(rows, row, 6), -1);
    out->settings_json = ud_sql_cell(rows, row, 7) ? ud_sql_cell(rows, row, 7) : "{}";
    out->created_at = ud_meta_sql_int(ud_sql_cell(rows, row, 8), 0);
}

static int org_select(ud_org *out, ud_meta *meta, ud_arena *arena, const char *sql, const char *key,
                      const char *what)
{
    ud_sql_rows rows;
    const char *params[] = {key};
    int rc = ud_meta_sql_query(&rows, meta, arena, sql, params, 1);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_ENOTFOUND, "no organization with %s '%s'", what, key);
    org_from_row(out, &rows, 0);
    return 0;
}

/* Slugs appear in URLs and config files: lower-case letters, digits, '-'. */
static bool is_slug(const char *slug)
{
    size_t n = slug ? strlen(slug) : 0;
    if (n == 0 || n > 100)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)slug[i]) && !isdigit((unsigned char)slug[i]) && slug[i] != '-')
            return false;
    return true;
}

int ud_meta_org_create(ud_org *out, ud_meta *meta, ud_arena *arena, const char *name,
                       const char *slug, const char *plan)
{
    int64_t max_users = 0, max_sources = 0;
    int rc = ud_plan_limits(plan, &max_users, &max_sources);
    if (rc < 0)
        return rc;
    if (!is_slug(slug))
        return ud_error_set(UD_EINVAL, "invalid organization slug '%s' (1-100 of a-z, 0-9 and '-')",
                            slug ? slug : "");
    if (!name || !name[0] || strlen(name) > 255)
        return ud_error_set(UD_EINVAL, "an organization needs a name of 1-255 bytes");
    char id[UD_UUID_LEN + 1], now[24], users[24], sources[24];
    rc = ud_uuid_v4(id);
    if (rc < 0)
        return rc;
    ud_meta_sql_format_int(now, ud_now());
    const char *params[] = {id,
                            name,
                            slug,
                            plan,
                            now,
                            limit_param(users, max_users),
                            limit_param(sources, max_sources)};
    rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        rc = ud_meta_sql_run(meta,
                             "INSERT INTO organizations (id, name, slug, plan, max_users, "
                             "max_data_sources, created_at, updated_at) VALUES ($1, $2, $3, $4, "
                             "$6, $7, to_timestamp($5), to_timestamp($5))",
                             params, 7);
        if (rc == 0)
            rc = ud_meta_sql_run(
                meta, "INSERT INTO org_index_state (org_id, generation) VALUES ($1, 0)", params, 1);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0)
            ud_meta_sql_rollback(meta);
    }
    if (rc == UD_EEXISTS)
        rc = ud_error_set(UD_EEXISTS, "an organization with slug '%s' already exists", slug);
    if (rc == 0)
        rc = org_select(out, meta, arena, "SELECT " ORG_COLUMNS " FROM organizations WHERE id = $1",
                        id, "id");
    return rc;
}

int ud_meta_org_get_by_slug(ud_org *out, ud_meta *meta, ud_arena *arena, const char *slug)
{
    int rc = org_select(out, meta, arena,
                        "SELECT " ORG_COLUMNS " FROM organizations WHERE slug = $1", slug, "slug");
    return rc;
}

int ud_meta_org_get(ud_org *out, ud_meta *meta, ud_arena *arena, const char *id)
{
    if (!ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no organization with id '%s'", id ? id : "");
    int rc = org_select(out, meta, arena, "SELECT " ORG_COLUMNS " FROM organizations WHERE id = $1",
                        id, "id");
    return rc;
}

int ud_meta_org_list(ud_org **out, size_t *out_count, ud_meta *meta, ud_arena *arena)
{
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT " ORG_COLUMNS " FROM organizations ORDER BY slug", NULL, 0);
    if (rc < 0)
        return rc;
    ud_org *orgs = ud_arena_alloc(arena, (rows.count ? rows.count : 1) * sizeof(*orgs));
    for (size_t i = 0; i < rows.count; i++)
        org_from_row(&orgs[i], &rows, i);
    *out = orgs;
    *out_count = rows.count;
    return 0;
}

int ud_meta_org_set_plan(ud_meta *meta, const char *id, const char *plan)
{
    int64_t max_users = 0, max_sources = 0;
    int rc = ud_plan_limits(plan, &max_users, &max_sources);
    if (rc < 0)
        return rc;
    if (!ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no organization '%s'", id ? id : "");
    char now[24], users[24], sources[24];
    ud_meta_sql_format_int(now, ud_now());
    const char *params[] = {id, plan, limit_param(users, max_users),
                            limit_param(sources, max_sources), now};
    rc = ud_meta_sql_change_one(
        meta,
        "UPDATE organizations SET plan = $2, max_users = $3, max_data_sources = $4, "
        "updated_at = to_timestamp($5) WHERE id = $1 RETURNING id",
        params, 5, "organization", id);
    if (rc == 0)
        ud_meta_cache_forget_org(meta, id);
    return rc;
}

int ud_meta_org_set_status(ud_meta *meta, const char *id, const char *status)
{
    if (!status || (strcmp(status, "active") != 0 && strcmp(status, "suspended") != 0 &&
                    strcmp(status, "cancelled") != 0))
        return ud_error_set(UD_EINVAL, "status must be active, suspended or cancelled");
    if (!ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no organization '%s'", id ? id : "");
    char now[24];
    ud_meta_sql_format_int(now, ud_now());
    const char *params[] = {id, status, now};
    int rc = ud_meta_sql_change_one(
        meta,
        "UPDATE organizations SET status = $2, updated_at = to_timestamp($3) WHERE id = $1 "
        "RETURNING id",
        params, 3, "organization", id);
    if (rc == 0)
        ud_meta_cache_forget_org(meta, id);
    return rc;
}

int ud_meta_org_set_settings(ud_meta *meta, const char *id, const char *settings_json)
{
    if (!is_json_kind(settings_json, JSON_OBJECT))
        return ud_error_set(UD_EINVAL, "settings must be a JSON object");
    if (!ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no organization '%s'", id ? id : "");
    const char *params[] = {id, settings_json};
    int rc = ud_meta_sql_change_one(
        meta, "UPDATE organizations SET settings = $2 WHERE id = $1 RETURNING id", params, 2,
        "organization", id);
    if (rc == 0)
        ud_meta_cache_forget_org(meta, id);
    return rc;
}

int ud_meta_org_delete(ud_meta *meta, const char *id)
{
    if (!ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no organization with id '%s'", id ? id : "");
    const char *params[] = {id};
    int rc = ud_meta_sql_change_one(meta, "DELETE FROM organizations WHERE id = $1 RETURNING id",
                                    params, 1, "organization", id);
    if (rc == 0)
        ud_meta_cache_forget_org(meta, id);
    return rc;
}

/* ---- users -------------------------------------------------------------- */

#define USER_COLUMNS                                                                               \
    "id, org_id, email, password_hash, role, first_name, last_name, groups, settings, "            \
    "ud_epoch(last_login_at), ud_epoch(created_at)"

static void user_from_row(ud_user *out, const ud_sql_rows *rows, size_t row)
{
    const char *const *c = &rows->cells[row * rows->columns];
    *out = (ud_user){
        .id = c[0],
        .org_id = c[1],
        .email = c[2],
        .password_hash = c[3],
        .role = c[4],
        .first_name = c[5],
        .last_name = c[6],
        .groups_json = c[7] ? c[7] : "[]",
        .settings_json = c[8] ? c[8] : "{}",
        .last_login_at = ud_meta_sql_int(c[9], 0),
        .created_at = ud_meta_sql_int(c[10], 0),
    };
}

static int user_select(ud_user *out, ud_meta *meta, ud_arena *arena, const char *sql,
                       const char *const *params, size_t count, const char *key)
{
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena, sql, params, count);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_ENOTFOUND, "no user '%s'", key);
    user_from_row(out, &rows, 0);
    return 0;
}

static bool is_role(const char *role)
{
    return role &&
           (strcmp(role, "admin") == 0 || strcmp(role, "user") == 0 || strcmp(role, "viewer") == 0);
}

/* Emails are compared without case: the stored form is lower-case ASCII. */
static char *lower_email(ud_arena *arena, const char *email)
{
    char *out = ud_arena_strdup(arena, email ? email : "");
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static bool is_email(const char *email)
{
    size_t n = strlen(email);
    const char *at = strchr(email, '@');
    if (n < 3 || n > 255 || !at || at == email || !at[1] || strchr(at + 1, '@'))
        return false;
    for (const char *p = email; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\\' || *p == ',' || *p == '<' ||
            *p == '>' || (unsigned char)*p >= 0x7f)
            return false;
    return true;
}

/* The body of user creation, in a transaction: the
 * organization's user limit is checked and the row inserted atomically. */
static int insert_user(ud_meta *meta, ud_arena *arena, const char *const *params)
{
    ud_sql_rows rows;
    const char *org[] = {params[1]};
    /* The organization's row is locked first, so two creations in two
     * connections (PostgreSQL) count one after the other. */
    int rc = ud_meta_sql_run(meta, UD_META_LOCK_ORG, org, 1);
    if (rc == 0)
        rc = ud_meta_sql_query(&rows, meta, arena,
                               "SELECT o.max_users, (SELECT COUNT(*) FROM users u WHERE u.org_id = "
                               "o.id) FROM organizations o WHERE o.id = $1",
                               org, 1);
    if (rc < 0)
        return rc;
    if (rows.count == 0)
        return ud_error_set(UD_EINVAL, "unknown organization '%s'", params[1]);
    int64_t max_users = ud_meta_sql_int(ud_sql_cell(&rows, 0, 0), -1);
    int64_t users = ud_meta_sql_int(ud_sql_cell(&rows, 0, 1), 0);
    if (max_users >= 0 && users >= max_users)
        return ud_error_set(UD_EFORBIDDEN,
                            "the organization's plan allows %lld users and it has %lld; "
                            "change the plan or remove a user first",
                            (long long)max_users, (long long)users);
    return ud_meta_sql_run(meta,
                           "INSERT INTO users (id, org_id, email, password_hash, role, created_at, "
                           "updated_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6), "
                           "to_timestamp($6))",
                           params, 6);
}

int ud_meta_user_create(ud_user *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                        const char *email, const char *password_hash, const char *role)
{
    if (!ud_meta_is_uuid(org_id))
        return ud_error_set(UD_EINVAL, "unknown organization '%s'", org_id ? org_id : "");
    if (!is_role(role))
        return ud_error_set(UD_EINVAL, "invalid user: role must be admin, user or viewer");
    if (!email || !is_email(email))
        return ud_error_set(UD_EINVAL, "invalid user: '%s' is not an email address",
                            email ? email : "");
    char id[UD_UUID_LEN + 1], now[24];
    int rc = ud_uuid_v4(id);
    if (rc < 0)
        return rc;
    ud_meta_sql_format_int(now, ud_now());
    const char *lower = lower_email(arena, email);
    const char *params[] = {id, org_id, lower, password_hash, role, now};
    rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        rc = insert_user(meta, arena, params);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0) {
            int code = rc;
            ud_meta_sql_rollback(meta);
            rc = code;
        }
    }
    /* Emails are unique in the whole installation (sign-in takes only an
     * email), so the address may belong to another organization: the answer
     * is the same wherever it is, and says nothing of whose it is. */
    if (rc == UD_EEXISTS)
        rc = ud_error_set(UD_EEXISTS, "the email '%s' is not available for a new user", lower);
    if (rc == 0)
        rc = user_select(out, meta, arena, "SELECT " USER_COLUMNS " FROM users WHERE id = $1",
                         params, 1, id);
    return rc;
}

int ud_meta_user_get_by_email(ud_user *out, ud_meta *meta, ud_arena *arena, const char *email)
{
    const char *params[] = {lower_email(arena, email)};
    int rc = user_select(out, meta, arena, "SELECT " USER_COLUMNS " FROM users WHERE email = $1",
                         params, 1, params[0]);
    return rc;
}

int ud_meta_user_get(ud_user *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                     const char *id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no user '%s'", id ? id : "");
    const char *params[] = {id, org_id};
    int rc = user_select(out, meta, arena,
                         "SELECT " USER_COLUMNS " FROM users WHERE id = $1 AND org_id = $2", params,
                         2, id);
    return rc;
}

int ud_meta_user_list(ud_user **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                      const char *org_id)
{
    *out = NULL;
    *out_count = 0;
    if (!ud_meta_is_uuid(org_id))
        return 0;
    const char *params[] = {org_id};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(
        &rows, meta, arena, "SELECT " USER_COLUMNS " FROM users WHERE org_id = $1 ORDER BY email",
        params, 1);
    if (rc < 0)
        return rc;
    ud_user *users = ud_arena_alloc(arena, (rows.count ? rows.count : 1) * sizeof(*users));
    for (size_t i = 0; i < rows.count; i++)
        user_from_row(&users[i], &rows, i);
    *out = users;
    *out_count = rows.count;
    return 0;
}

int ud_meta_user_count(ud_meta *meta, const char *org_id, int64_t *out)
{
    return ud_meta_sql_count(meta, "SELECT COUNT(*) FROM users WHERE org_id = $1", org_id, out);
}

/* UPDATE users SET <column> = $3 for one user of one organization. */
static int set_user_column(ud_meta *meta, const char *org_id, const char *id, const char *sql,
                           const char *value)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no user '%s'", id ? id : "");
    char now[24];
    ud_meta_sql_format_int(now, ud_now());
    const char *params[] = {id, org_id, value, now};
    int rc = ud_meta_sql_change_one(meta, sql, params, 4, "user", id);
    if (rc == 0)
        ud_meta_cache_forget_org(meta, org_id);
    return rc;
}

int ud_meta_user_set_role(ud_meta *meta, const char *org_id, const char *id, const char *role)
{
    if (!is_role(role))
        return ud_error_set(UD_EINVAL, "role must be admin, user or viewer");
    return set_user_column(meta, org_id, id,
                           "UPDATE users SET role = $3, updated_at = to_timestamp($4) "
                           "WHERE id = $1 AND org_id = $2 RETURNING id",
                           role);
}

int ud_meta_user_set_password(ud_meta *meta, const char *org_id, const char *id,
                              const char *password_hash)
{
    return set_user_column(meta, org_id, id,
                           "UPDATE users SET password_hash = $3, updated_at = to_timestamp($4) "
                           "WHERE id = $1 AND org_id = $2 RETURNING id",
                           password_hash);
}

int ud_meta_user_set_groups(ud_meta *meta, const char *org_id, const char *id,
                            const char *groups_json)
{
    /* Every path that sets groups (API, CLI) ends here, so the names are
     * checked here: a group name can never be spelled like a user. */
    json_t *groups = groups_json ? json_loads(groups_json, 0, NULL) : NULL;
    bool ok = json_is_array(groups) && json_array_size(groups) <= UD_META_MAX_GROUPS;
    int rc = 0;
    for (size_t i = 0; ok && rc == 0 && i < json_array_size(groups); i++) {
        const char *name = json_string_value(json_array_get(groups, i));
        ok = name != NULL;
        if (ok)
            rc = ud_acl_check_group_name(name);
    }
    json_decref(groups);
    if (rc < 0)
        return rc;
    if (!ok)
        return ud_error_set(UD_EINVAL, "groups must be a JSON array of at most %d strings",
                            UD_META_MAX_GROUPS);
    return set_user_column(meta, org_id, id,
                           "UPDATE users SET groups = $3, updated_at = to_timestamp($4) "
                           "WHERE id = $1 AND org_id = $2 RETURNING id",
                           groups_json);
}

int ud_meta_user_set_settings(ud_meta *meta, const char *org_id, const char *id,
                              const char *settings_json)
{
    if (!is_json_kind(settings_json, JSON_OBJECT))
        return ud_error_set(UD_EINVAL, "settings must be a JSON object");
    return set_user_column(meta, org_id, id,
                           "UPDATE users SET settings = $3, updated_at = to_timestamp($4) "
                           "WHERE id = $1 AND org_id = $2 RETURNING id",
                           settings_json);
}

int ud_meta_user_touch_login(ud_meta *meta, const char *id, int64_t when)
{
    if (!ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no user '%s'", id ? id : "");
    char at[24];
    ud_meta_sql_format_int(at, when);
    const char *params[] = {id, at};
    return ud_meta_sql_change_one(
        meta, "UPDATE users SET last_login_at = to_timestamp($2) WHERE id = $1 RETURNING id",
        params, 2, "user", id);
}

int ud_meta_user_delete(ud_meta *meta, const char *org_id, const char *id)
{
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no user '%s'", id ? id : "");
    const char *params[] = {id, org_id};
    ud_arena arena;
    ud_arena_init(&arena);
    ud_sql_rows rows = {0};
    int rc = ud_meta_sql_begin(meta);
    if (rc == 0) {
        /* What the user created stays with the organization. */
        rc = ud_meta_sql_run(meta,
                             "UPDATE api_keys SET created_by = NULL WHERE created_by = $1 AND "
                             "org_id = $2",
                             params, 2);
        if (rc == 0)
            rc = ud_meta_sql_run(meta,
                                 "UPDATE data_sources SET created_by = NULL WHERE created_by = $1 "
                                 "AND org_id = $2",
                                 params, 2);
        if (rc == 0)
            rc = ud_meta_sql_query(&rows, meta, &arena,
                                   "DELETE FROM users WHERE id = $1 AND org_id = $2 RETURNING id",
                                   params, 2);
        if (rc == 0 && rows.count == 0)
            rc = ud_error_set(UD_ENOTFOUND, "no user '%s'", id);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc < 0) {
            int code = rc;
            ud_meta_sql_rollback(meta);
            rc = code;
        }
    }
    ud_arena_dispose(&arena);
    if (rc == 0)
        ud_meta_cache_forget_org(meta, org_id);
    return rc;
}

int ud_meta_user_principals(const char ***out, size_t *out_count, ud_arena *arena,
                            const ud_user *user)
{
    json_t *groups = json_loads(user->groups_json ? user->groups_json : "[]", 0, NULL);
    size_t group_count = json_is_array(groups) ? json_array_size(groups) : 0;
    if (group_count > UD_META_MAX_GROUPS)
        group_count = UD_META_MAX_GROUPS;
    const char **principals = ud_arena_alloc(arena, (group_count + 2) * sizeof(char *));
    size_t n = 0;
    principals[n++] = UD_ACL_EVERYONE;
    const char *self = ud_acl_user(arena, user->email);
    if (self)
        principals[n++] = self;
    /* Typed (doc/acl.h): a group is "group:NAME" and can never be read as
     * a user. A stored name that is not a valid group name is skipped. */
    for (size_t i = 0; i < group_count; i++) {
        const char *g = ud_acl_group(arena, json_string_value(json_array_get(groups, i)));
        if (g)
            principals[n++] = g;
    }
    json_decref(groups);
    *out = principals;
    *out_count = n;
    return 0;
}
