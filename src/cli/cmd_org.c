/*
 * `unify org add|list|set-plan|suspend|activate`: the organizations of a
 * data directory, their plans (which set their user and source limits) and
 * their status (a suspended organization's users and keys are refused
 * everywhere).
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/admin.h"

static json_t *org_json(const ud_org *o)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "id", o->id, "slug", o->slug, "name", o->name,
                     "plan", o->plan, "status", o->status, "max_users",
                     o->max_users < 0 ? json_null() : json_integer(o->max_users),
                     "max_data_sources",
                     o->max_data_sources < 0 ? json_null() : json_integer(o->max_data_sources));
}

static int org_add(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *slug = NULL, *name = NULL, *plan = "starter";
    const ud_cli_option options[] = {{"name", true, &name}, {"plan", true, &plan}, {NULL}};
    int rc = ud_cli_parse(&flags, options, &slug, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, false) != 0)
        goto done;
    ud_org org;
    if (ud_meta_org_create(&org, s.meta, &s.arena, name ? name : slug, slug, plan) < 0) {
        ud_cli_fail("org add");
        goto done;
    }
    ud_cli_audit(&s, org.id, "org_create", org.slug, json_pack("{s:s}", "plan", org.plan));
    if (s.json)
        ud_cli_print_json(org_json(&org));
    else
        printf("Created organization '%s' (%s plan, id %s).\n", org.slug, org.plan, org.id);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int org_list(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    int rc = ud_cli_parse(&flags, NULL, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, false) != 0)
        goto done;
    ud_org *orgs = NULL;
    size_t count = 0;
    if (ud_meta_org_list(&orgs, &count, s.meta, &s.arena) < 0) {
        ud_cli_fail("org list");
        goto done;
    }
    if (s.json) {
        json_t *list = json_array();
        for (size_t i = 0; i < count; i++)
            json_array_append_new(list, org_json(&orgs[i]));
        ud_cli_print_json(json_pack("{s:o}", "organizations", list));
    } else {
        printf("%-24s %-13s %-10s %-9s %s\n", "SLUG", "PLAN", "STATUS", "USERS", "NAME");
        for (size_t i = 0; i < count; i++) {
            int64_t users = 0;
            if (ud_meta_user_count(s.meta, orgs[i].id, &users) < 0)
                users = -1;
            char limit[32];
            if (orgs[i].max_users < 0)
                snprintf(limit, sizeof(limit), "%lld", (long long)users);
            else
                snprintf(limit, sizeof(limit), "%lld/%lld", (long long)users,
                         (long long)orgs[i].max_users);
            printf("%-24s %-13s %-10s %-9s %s\n", orgs[i].slug, orgs[i].plan, orgs[i].status, limit,
                   orgs[i].name);
        }
    }
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int org_set_plan(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *operands[2] = {0};
    int rc = ud_cli_parse(&flags, NULL, operands, 2, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    flags.org = operands[0];
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    if (ud_meta_org_set_plan(s.meta, s.org.id, operands[1]) < 0) {
        ud_cli_fail("org set-plan");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "plan_change", s.org.slug,
                 json_pack("{s:s,s:s}", "from", s.org.plan, "to", operands[1]));
    ud_org now;
    if (ud_meta_org_get(&now, s.meta, &s.arena, s.org.id) < 0) {
        ud_cli_fail("org set-plan");
        goto done;
    }
    if (s.json)
        ud_cli_print_json(org_json(&now));
    else
        printf("Organization '%s' is now on the %s plan.\n", now.slug, now.plan);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int set_status(int argc, char **argv, const char *usage, const char *to)
{
    ud_cli_flags flags;
    const char *slug = NULL;
    int rc = ud_cli_parse(&flags, NULL, &slug, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    flags.org = slug;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    if (ud_meta_org_set_status(s.meta, s.org.id, to) < 0) {
        ud_cli_fail("org");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "status_change", s.org.slug,
                 json_pack("{s:s,s:s}", "from", s.org.status, "to", to));
    if (s.json)
        ud_cli_print_json(json_pack("{s:s,s:s}", "slug", s.org.slug, "status", to));
    else
        printf("Organization '%s' is now %s.\n", s.org.slug, to);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int org_suspend(int argc, char **argv, const char *usage)
{
    return set_status(argc, argv, usage, "suspended");
}

static int org_activate(int argc, char **argv, const char *usage)
{
    return set_status(argc, argv, usage, "active");
}

static const ud_cli_subcommand SUBCOMMANDS[] = {
    {"add",
     "add SLUG [--name NAME] [--plan starter|professional|enterprise]\n\n"
     "Creates an organization (default plan: starter). Its users are added with\n"
     "`unify user add --org SLUG`.\n",
     org_add},
    {"list", "list\n\nEvery organization with its plan, status and users.\n", org_list},
    {"set-plan",
     "set-plan SLUG PLAN\n\nChanges the plan, and with it the limits on users and data sources\n"
     "(starter 10/3, professional 100/10, enterprise unlimited) and the daily queries per user\n"
     "(100, 500, unlimited).\n",
     org_set_plan},
    {"suspend",
     "suspend SLUG\n\nRefuses every login, token and API key of the organization until it is\n"
     "activated again. Nothing is deleted.\n",
     org_suspend},
    {"activate", "activate SLUG\n\nLifts a suspension.\n", org_activate},
};

int ud_cmd_org(int argc, char **argv)
{
    return ud_cli_dispatch("org", "Organizations: plans, limits and status.", SUBCOMMANDS,
                           sizeof(SUBCOMMANDS) / sizeof(SUBCOMMANDS[0]), argc, argv);
}
