/*
 * `unify user add|list|set-role|set-groups|remove`: the users of an
 * organization.
 * A new user's password comes from $UNIFY_USER_PASSWORD, or is generated
 * and printed once.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/admin.h"
#include "doc/acl.h"
#include "server/password.h"

/* "eng,sales" -> ["eng","sales"] as compact JSON text in the arena, each name
 * checked (doc/acl.h) so that nothing is written when one is bad. "" is
 * the empty list. */
static const char *groups_of_list(ud_arena *arena, const char *list)
{
    json_t *groups = json_array();
    int rc = 0;
    for (const char *g = list; *g && rc == 0;) {
        size_t n = strcspn(g, ",");
        if (n > 0) {
            char *name = ud_arena_strndup(arena, g, n);
            rc = ud_acl_check_group_name(name);
            json_array_append_new(groups, json_string(name));
        }
        g += n + (g[n] == ',');
    }
    if (rc == 0 && json_array_size(groups) > UD_META_MAX_GROUPS)
        rc = ud_error_set(UD_EINVAL, "at most %d groups", UD_META_MAX_GROUPS);
    char *text = rc == 0 ? json_dumps(groups, JSON_COMPACT) : NULL;
    json_decref(groups);
    const char *out = text ? ud_arena_strdup(arena, text) : NULL;
    free(text);
    return out;
}

static int user_add(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *email = NULL, *role = "user", *groups = NULL;
    const ud_cli_option options[] = {{"role", true, &role}, {"groups", true, &groups}, {NULL}};
    int rc = ud_cli_parse(&flags, options, &email, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    char password[64] = "";
    bool generated = false;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    const char *groups_json = groups ? groups_of_list(&s.arena, groups) : NULL;
    if (groups && !groups_json) {
        ud_cli_fail("user add --groups");
        goto done;
    }
    const char *given = getenv("UNIFY_USER_PASSWORD");
    if (given && *given) {
        if (strlen(given) < 12 || strlen(given) >= sizeof(password)) {
            fprintf(stderr, "unify: UNIFY_USER_PASSWORD must be 12 to %zu characters\n",
                    sizeof(password) - 1);
            goto done;
        }
        snprintf(password, sizeof(password), "%s", given);
    } else {
        if (ud_password_generate(password, 20) < 0) {
            ud_cli_fail("password");
            goto done;
        }
        generated = true;
    }
    ud_password_params params = {(unsigned)s.config.argon2_memory_kb,
                                 (unsigned)s.config.argon2_iterations, 1};
    char hash[256];
    ud_user user;
    if (ud_password_hash(hash, sizeof(hash), password, &params) < 0 ||
        ud_meta_user_create(&user, s.meta, &s.arena, s.org.id, email, hash, role) < 0) {
        ud_cli_fail("user add");
        goto done;
    }
    if (groups_json && ud_meta_user_set_groups(s.meta, s.org.id, user.id, groups_json) < 0) {
        ud_cli_fail("user add --groups");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "user_add", user.email,
                 json_pack("{s:s,s:o}", "role", user.role, "groups",
                           json_loads(groups_json ? groups_json : "[]", 0, NULL)));
    if (s.json) {
        json_t *out = json_pack("{s:s,s:s,s:s,s:s}", "id", user.id, "email", user.email, "role",
                                user.role, "org", s.org.slug);
        if (generated)
            json_object_set_new(out, "password", json_string(password));
        ud_cli_print_json(out);
    } else {
        printf("Added %s (%s) to '%s'", user.email, user.role, s.org.slug);
        if (generated)
            printf(" with password: %s\n(shown once; pass it on now)\n", password);
        else
            printf(" with the password from UNIFY_USER_PASSWORD.\n");
    }
    status = 0;
done:
    explicit_bzero(password, sizeof(password));
    ud_cli_session_close(&s);
    return status;
}

static int user_list(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    int rc = ud_cli_parse(&flags, NULL, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    ud_user *users = NULL;
    size_t count = 0;
    if (ud_meta_user_list(&users, &count, s.meta, &s.arena, s.org.id) < 0) {
        ud_cli_fail("user list");
        goto done;
    }
    if (s.json) {
        json_t *list = json_array();
        for (size_t i = 0; i < count; i++)
            json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o}", "id", users[i].id, "email",
                                                  users[i].email, "role", users[i].role, "groups",
                                                  json_loads(users[i].groups_json, 0, NULL)));
        ud_cli_print_json(json_pack("{s:s,s:o}", "org", s.org.slug, "users", list));
    } else {
        printf("%-36s %-7s %s\n", "EMAIL", "ROLE", "GROUPS");
        for (size_t i = 0; i < count; i++)
            printf("%-36s %-7s %s\n", users[i].email, users[i].role, users[i].groups_json);
    }
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

/* The user with this email in the session's organization. */
static int find_user(ud_user *out, ud_cli_session *s, const char *email)
{
    if (ud_meta_user_get_by_email(out, s->meta, &s->arena, email) < 0 ||
        strcmp(out->org_id, s->org.id) != 0) {
        fprintf(stderr, "unify: no user '%s' in organization '%s'\n", email, s->org.slug);
        return 1;
    }
    return 0;
}

static int user_set_role(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *operands[2] = {0};
    int rc = ud_cli_parse(&flags, NULL, operands, 2, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    ud_user user;
    if (ud_cli_session_open(&s, &flags, true) != 0 || find_user(&user, &s, operands[0]) != 0)
        goto done;
    if (ud_meta_user_set_role(s.meta, s.org.id, user.id, operands[1]) < 0) {
        ud_cli_fail("user set-role");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "role_change", user.email,
                 json_pack("{s:s,s:s}", "from", user.role, "to", operands[1]));
    if (s.json)
        ud_cli_print_json(json_pack("{s:s,s:s}", "email", user.email, "role", operands[1]));
    else
        printf("%s is now %s (was %s).\n", user.email, operands[1], user.role);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int user_set_groups(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *operands[2] = {0};
    int rc = ud_cli_parse(&flags, NULL, operands, 2, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    ud_user user;
    if (ud_cli_session_open(&s, &flags, true) != 0 || find_user(&user, &s, operands[0]) != 0)
        goto done;
    const char *groups_json = groups_of_list(&s.arena, operands[1]);
    if (!groups_json || ud_meta_user_set_groups(s.meta, s.org.id, user.id, groups_json) < 0) {
        ud_cli_fail("user set-groups");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "groups_change", user.email,
                 json_pack("{s:o,s:o}", "from", json_loads(user.groups_json, 0, NULL), "to",
                           json_loads(groups_json, 0, NULL)));
    if (s.json)
        ud_cli_print_json(json_pack("{s:s,s:o}", "email", user.email, "groups",
                                    json_loads(groups_json, 0, NULL)));
    else
        printf("%s's groups are now %s (were %s).\n", user.email, groups_json, user.groups_json);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int user_remove(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *email = NULL;
    int rc = ud_cli_parse(&flags, NULL, &email, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    ud_user user;
    if (ud_cli_session_open(&s, &flags, true) != 0 || find_user(&user, &s, email) != 0)
        goto done;
    if (ud_meta_user_delete(s.meta, s.org.id, user.id) < 0) {
        ud_cli_fail("user remove");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "user_remove", user.email, json_pack("{s:s}", "role", user.role));
    if (s.json)
        ud_cli_print_json(json_pack("{s:s,s:b}", "email", user.email, "removed", 1));
    else
        printf("Removed %s from '%s' (their history and sessions are gone).\n", user.email,
               s.org.slug);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static const ud_cli_subcommand SUBCOMMANDS[] = {
    {"add",
     "add EMAIL [--role admin|user|viewer] [--groups G1,G2]\n\n"
     "Adds a user (default role: user). The password comes from $UNIFY_USER_PASSWORD\n"
     "(12 characters or more), else one is generated and printed once. Groups (1 to 64\n"
     "letters, digits, '.', '_' or '-'; never an email) are read by the user's searches\n"
     "as group:NAME principals, besides user:EMAIL and org:*.\n",
     user_add},
    {"list", "list\n\nThe organization's users with their roles and groups.\n", user_list},
    {"set-role",
     "set-role EMAIL ROLE\n\nviewer: search only; user: also ask, history and saved searches;\n"
     "admin: also sources, users, keys, settings and the audit log.\n",
     user_set_role},
    {"set-groups",
     "set-groups EMAIL G1,G2\n\nReplaces the user's groups (\"\" for none); the change is audited\n"
     "with the old and the new groups.\n",
     user_set_groups},
    {"remove", "remove EMAIL\n\nRemoves the user with their history and sessions.\n", user_remove},
};

int ud_cmd_user(int argc, char **argv)
{
    return ud_cli_dispatch("user", "Users of an organization and their roles.", SUBCOMMANDS,
                           sizeof(SUBCOMMANDS) / sizeof(SUBCOMMANDS[0]), argc, argv);
}
