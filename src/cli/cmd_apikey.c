/*
 * `unify apikey create|list|revoke`: API keys of an organization. A key is
 * shown once, when it is created; only its SHA-256 is kept.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cli/admin.h"
#include "server/auth.h"
#include "store/meta_credentials.h"

/* "search,ask" -> {"search": true, "ask": true, "admin": false}. */
static char *permissions_json(const char *list)
{
    json_t *perms = json_pack("{s:b,s:b,s:b}", "search", 0, "ask", 0, "admin", 0);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        char name[16] = "";
        if (n > 0 && n < sizeof(name)) {
            memcpy(name, p, n);
            if (!json_object_get(perms, name)) {
                json_decref(perms);
                ud_error_set(UD_EINVAL, "unknown permission '%s' (search, ask, admin)", name);
                return NULL;
            }
            json_object_set_new(perms, name, json_true());
        }
        p += n + (p[n] == ',');
    }
    char *text = json_dumps(perms, JSON_COMPACT);
    json_decref(perms);
    return text;
}

static int key_create(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *name = NULL, *permissions = "search", *days = NULL;
    const ud_cli_option options[] = {{"name", true, &name},
                                     {"permissions", true, &permissions},
                                     {"expires-days", true, &days},
                                     {NULL}};
    int rc = ud_cli_parse(&flags, options, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!name) {
        fprintf(stderr, "unify apikey create: --name is required\n");
        return 2;
    }
    int64_t expires_at = 0;
    if (days) {
        char *end = NULL;
        long n = strtol(days, &end, 10);
        if (end == days || *end || n < 1 || n > 3650) {
            fprintf(stderr, "unify apikey create: --expires-days must be 1 to 3650\n");
            return 2;
        }
        expires_at = ud_now() + (int64_t)n * 86400;
    }
    char *perms = permissions_json(permissions);
    if (!perms) {
        ud_cli_fail("apikey create");
        return 2;
    }
    ud_cli_session s;
    int status = 1;
    char key[UD_APIKEY_MAX_LEN + 1] = "", hash[UD_SHA256_HEX_LEN + 1], prefix[11];
    ud_apikey_row row;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    if (ud_auth_new_apikey(key, hash, prefix) < 0 ||
        ud_meta_apikey_create(&row, s.meta, &s.arena, s.org.id, name, hash, prefix, perms,
                              expires_at, NULL) < 0) {
        ud_cli_fail("apikey create");
        goto done;
    }
    ud_cli_audit(
        &s, s.org.id, "apikey_create", row.id,
        json_pack("{s:s,s:o}", "name", row.name, "permissions", json_loads(perms, 0, NULL)));
    if (s.json)
        ud_cli_print_json(json_pack("{s:s,s:s,s:s,s:o}", "id", row.id, "name", row.name, "key", key,
                                    "permissions", json_loads(perms, 0, NULL)));
    else
        printf("Created API key '%s' (id %s) for '%s':\n\n  %s\n\nShown once: store it now. "
               "Use it as 'Authorization: Bearer <key>'.\n",
               row.name, row.id, s.org.slug, key);
    status = 0;
done:
    explicit_bzero(key, sizeof(key));
    free(perms);
    ud_cli_session_close(&s);
    return status;
}

static int key_list(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    int rc = ud_cli_parse(&flags, NULL, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    ud_apikey_row *keys = NULL;
    size_t count = 0;
    if (ud_meta_apikey_list(&keys, &count, s.meta, &s.arena, s.org.id) < 0) {
        ud_cli_fail("apikey list");
        goto done;
    }
    if (s.json) {
        json_t *list = json_array();
        for (size_t i = 0; i < count; i++)
            json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:o,s:b,s:I,s:I}", "id", keys[i].id,
                                                  "name", keys[i].name, "key_prefix",
                                                  keys[i].key_prefix, "permissions",
                                                  json_loads(keys[i].permissions_json, 0, NULL),
                                                  "revoked", keys[i].revoked_at != 0,
                                                  "last_used_at", (json_int_t)keys[i].last_used_at,
                                                  "expires_at", (json_int_t)keys[i].expires_at));
        ud_cli_print_json(json_pack("{s:s,s:o}", "org", s.org.slug, "api_keys", list));
    } else {
        printf("%-36s %-12s %-8s %-40s %s\n", "ID", "PREFIX", "STATE", "PERMISSIONS", "NAME");
        for (size_t i = 0; i < count; i++) {
            const char *state = keys[i].revoked_at                                     ? "revoked"
                                : keys[i].expires_at && keys[i].expires_at <= ud_now() ? "expired"
                                                                                       : "active";
            printf("%-36s %-12s %-8s %-40s %s\n", keys[i].id, keys[i].key_prefix, state,
                   keys[i].permissions_json, keys[i].name);
        }
    }
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int key_revoke(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *id = NULL;
    int rc = ud_cli_parse(&flags, NULL, &id, 1, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, true) != 0)
        goto done;
    if (ud_meta_apikey_revoke(s.meta, s.org.id, id, ud_now()) < 0) {
        ud_cli_fail("apikey revoke");
        goto done;
    }
    ud_cli_audit(&s, s.org.id, "apikey_revoke", id, NULL);
    if (s.json)
        ud_cli_print_json(json_pack("{s:s,s:b}", "id", id, "revoked", 1));
    else
        printf("Revoked API key %s; requests with it are refused from now on.\n", id);
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static const ud_cli_subcommand SUBCOMMANDS[] = {
    {"create",
     "create --name NAME [--permissions search,ask,admin] [--expires-days N]\n\n"
     "Creates a key (default permission: search) and prints it once.\n",
     key_create},
    {"list", "list\n\nThe organization's keys: prefix, state, permissions, name.\n", key_list},
    {"revoke", "revoke ID\n\nRevokes a key at once.\n", key_revoke},
};

int ud_cmd_apikey(int argc, char **argv)
{
    return ud_cli_dispatch("apikey", "API keys of an organization.", SUBCOMMANDS,
                           sizeof(SUBCOMMANDS) / sizeof(SUBCOMMANDS[0]), argc, argv);
}
