/*
 * Organizations and users of the metadata store. Everything a request can
 * name is scoped by the organization of the caller: a user of another
 * organization is "not found" (UD_ENOTFOUND), never "forbidden", so that ids
 * reveal nothing across organizations.
 *
 * Rows are allocated in the caller's arena. Timestamps are Unix seconds
 * (0 = NULL).
 */
#ifndef UD_STORE_META_ACCOUNTS_H
#define UD_STORE_META_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

/* The most groups one user can be in. */
#define UD_META_MAX_GROUPS 256

typedef struct ud_meta ud_meta;

typedef struct ud_org {
    const char *id; /* UUID */
    const char *name;
    const char *slug;
    const char *plan;          /* starter | professional | enterprise */
    const char *status;        /* active | suspended | cancelled */
    int64_t max_data_sources;  /* -1 = NULL (unlimited) */
    int64_t max_users;         /* -1 = NULL */
    const char *settings_json; /* JSON object, "{}" when unset */
    int64_t created_at;
} ud_org;

typedef struct ud_user {
    const char *id;
    const char *org_id;
    const char *email;
    const char *password_hash;
    const char *role; /* admin | user | viewer */
    const char *first_name;
    const char *last_name;
    const char *groups_json;   /* JSON array of group ids (ACL principals) */
    const char *settings_json; /* JSON object, "{}" when unset */
    int64_t last_login_at;
    int64_t created_at;
} ud_user;

/* The limits a plan sets when an organization takes it: users and data
 * sources (-1 = unlimited). Unknown plan: UD_EINVAL. */
int ud_plan_limits(const char *plan, int64_t *out_max_users,
                   int64_t *out_max_sources) UD_MUST_CHECK;
/* The daily query quota per user of a plan (-1 = unlimited). */
int64_t ud_plan_daily_queries(const char *plan);

/* Organizations. The plan's limits (ud_plan_limits) are recorded with it.
 * Errors: UD_EEXISTS (slug taken), UD_EINVAL (unknown plan, bad slug). */
int ud_meta_org_create(ud_org *out, ud_meta *meta, ud_arena *arena, const char *name,
                       const char *slug, const char *plan) UD_MUST_CHECK;
int ud_meta_org_get_by_slug(ud_org *out, ud_meta *meta, ud_arena *arena,
                            const char *slug) UD_MUST_CHECK;
int ud_meta_org_get(ud_org *out, ud_meta *meta, ud_arena *arena, const char *id) UD_MUST_CHECK;
/* Every organization, by slug. */
int ud_meta_org_list(ud_org **out, size_t *out_count, ud_meta *meta, ud_arena *arena) UD_MUST_CHECK;
/* Changes the plan and with it the limits. */
int ud_meta_org_set_plan(ud_meta *meta, const char *id, const char *plan) UD_MUST_CHECK;
/* active | suspended | cancelled; UD_EINVAL for anything else. */
int ud_meta_org_set_status(ud_meta *meta, const char *id, const char *status) UD_MUST_CHECK;
/* Replaces the organization's settings (a JSON object's text). */
int ud_meta_org_set_settings(ud_meta *meta, const char *id,
                             const char *settings_json) UD_MUST_CHECK;
/* Deletes the org and, by ON DELETE CASCADE, everything it owns. */
int ud_meta_org_delete(ud_meta *meta, const char *id) UD_MUST_CHECK;

/* Users. Emails are stored lower-case. Errors: UD_EEXISTS (email taken),
 * UD_EINVAL (role not allowed, unknown org), UD_EFORBIDDEN (the
 * organization has max_users users already: a plan's refusal, 403, as for
 * data sources). */
int ud_meta_user_create(ud_user *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                        const char *email, const char *password_hash,
                        const char *role) UD_MUST_CHECK;
/* Any organization's user: login looks users up by email alone. */
int ud_meta_user_get_by_email(ud_user *out, ud_meta *meta, ud_arena *arena,
                              const char *email) UD_MUST_CHECK;
/* A user of the given organization; UD_ENOTFOUND for another org's id. */
int ud_meta_user_get(ud_user *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                     const char *id) UD_MUST_CHECK;
/* The organization's users, by email. */
int ud_meta_user_list(ud_user **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                      const char *org_id) UD_MUST_CHECK;
int ud_meta_user_count(ud_meta *meta, const char *org_id, int64_t *out) UD_MUST_CHECK;
int ud_meta_user_set_role(ud_meta *meta, const char *org_id, const char *id,
                          const char *role) UD_MUST_CHECK;
int ud_meta_user_set_password(ud_meta *meta, const char *org_id, const char *id,
                              const char *password_hash) UD_MUST_CHECK;
/* groups_json: a JSON array of at most UD_META_MAX_GROUPS group names, each
 * valid by ud_acl_check_group_name (doc/acl.h); UD_EINVAL otherwise. */
int ud_meta_user_set_groups(ud_meta *meta, const char *org_id, const char *id,
                            const char *groups_json) UD_MUST_CHECK;
/* settings_json: a JSON object. */
int ud_meta_user_set_settings(ud_meta *meta, const char *org_id, const char *id,
                              const char *settings_json) UD_MUST_CHECK;
int ud_meta_user_touch_login(ud_meta *meta, const char *id, int64_t when) UD_MUST_CHECK;
/* The ACL principals a user's searches carry (doc/acl.h): "org:*",
 * "user:EMAIL" and "group:NAME" for each of their valid groups, in the
 * arena. The one definition the server (its callers) and the CLI (`unify
 * search --as`) share, so both see exactly what the user sees. */
int ud_meta_user_principals(const char ***out, size_t *out_count, ud_arena *arena,
                            const ud_user *user) UD_MUST_CHECK;
/* Deletes the user; their history and sessions go with them (CASCADE). */
int ud_meta_user_delete(ud_meta *meta, const char *org_id, const char *id) UD_MUST_CHECK;

#endif
