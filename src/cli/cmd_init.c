/*
 * `unify init`: creates a data directory — the config file, the metadata
 * store with its schema, the default organization and its first admin — or,
 * on a directory that has them already, changes nothing and says so.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/encoding.h"
#include "base/fernet.h"
#include "base/fs.h"
#include "base/mem.h"
#include "cli/admin.h"
#include "server/password.h"

static const char usage[] =
    "usage: unify init [--data DIR] [--org-name NAME] [--admin-email EMAIL] [--json]\n\n"
    "Creates DIR (default $UNIFY_DATA, else ./unify-data) with unify.conf, the\n"
    "metadata store (schema migrations applied in order), the organization named by\n"
    "the `org` setting (slug, default \"default\") and an admin user.\n"
    "The admin password comes from $UNIFY_ADMIN_PASSWORD; without it one is\n"
    "generated and printed once. Running init again changes nothing.\n\n"
    "  -d, --data DIR            the data directory\n"
    "  -o, --org-name NAME       display name of the organization (default \"Default\n"
    "                            organization\")\n"
    "  -e, --admin-email EMAIL   the admin's email (default $UNIFY_ADMIN_EMAIL, else\n"
    "                            admin@localhost)\n"
    "  -j, --json                print what was done as JSON\n";

static int write_config_template(const char *data_dir, bool *created)
{
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", data_dir, UD_CONFIG_FILE);
    if (ud_path_exists(path)) {
        *created = false;
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return ud_error_set(UD_EIO, "cannot build the config file");
    ud_config_write_template(mem);
    fclose(mem);
    int rc = ud_file_write_atomic(path, text, len);
    free(text);
    *created = rc == 0;
    return rc;
}

/* Appends a random secret_key and fernet_key to unify.conf when neither
 * the file nor the environment sets them, and makes the file readable by
 * its owner only: it now holds secrets. */
static int ensure_secrets(ud_config *config, bool *added)
{
    *added = false;
    char path[1200];
    snprintf(path, sizeof(path), "%s/%s", config->data_dir, UD_CONFIG_FILE);
    char secret[UD_BASE62_MAX_BYTES * 2], fernet[UD_FERNET_KEY_TEXT_LEN + 1];
    char lines[512] = "";
    int rc = 0;
    if (!config->secret_key[0]) {
        rc = ud_base62_random(secret, sizeof(secret), 48);
        if (rc == 0)
            rc = ud_config_set(config, "secret_key", secret, UD_FROM_FILE);
        if (rc == 0)
            snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
                     "\n# written by unify init: signs access tokens and raw links\n"
                     "secret_key = %s\n",
                     secret);
    }
    if (rc == 0 && !config->fernet_key[0]) {
        rc = ud_fernet_key_generate(fernet);
        if (rc == 0)
            rc = ud_config_set(config, "fernet_key", fernet, UD_FROM_FILE);
        if (rc == 0)
            snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
                     "\n# written by unify init: encrypts source credentials\n"
                     "fernet_key = %s\n",
                     fernet);
    }
    explicit_bzero(secret, sizeof(secret));
    explicit_bzero(fernet, sizeof(fernet));
    if (rc < 0 || !lines[0])
        return rc;
    char *text = NULL;
    size_t len = 0;
    rc = ud_file_read(&text, &len, path, 1 << 20);
    if (rc < 0)
        return rc;
    size_t extra = strlen(lines);
    char *joined = ud_malloc(len + extra + 1);
    memcpy(joined, text, len);
    memcpy(joined + len, lines, extra + 1);
    explicit_bzero(lines, sizeof(lines));
    free(text);
    rc = ud_file_write_atomic(path, joined, len + extra);
    explicit_bzero(joined, len + extra);
    free(joined);
    if (rc == 0 && chmod(path, 0600) < 0)
        rc = ud_error_set(UD_EIO, "cannot make %s private: %s", path, strerror(errno));
    *added = rc == 0;
    return rc;
}

int ud_cmd_init(int argc, char **argv)
{
    const char *org_name = NULL, *email = NULL;
    const ud_cli_option options[] = {
        {"org-name", true, &org_name}, {"admin-email", true, &email}, {NULL, false, NULL}};
    static const ud_cli_alias aliases[] = {{'o', "org-name"}, {'e', "admin-email"}, {0, NULL}};
    const ud_cli_spec spec = {usage, options, UD_CLI_DATA | UD_CLI_JSON, 0, 0, aliases};
    ud_cli_flags flags;
    int parsed = ud_cli_parse_spec(&flags, &spec, argc, argv);
    if (parsed)
        return parsed < 0 ? 0 : parsed;
    const char *data = flags.data;
    bool json = flags.json;
    if (!org_name)
        org_name = "Default organization";
    if (!email)
        email = getenv("UNIFY_ADMIN_EMAIL");
    if (!email || !*email)
        email = "admin@localhost";
    const char *data_dir = ud_cli_data_dir(data);

    if (ud_mkdirs(data_dir) < 0) {
        ud_cli_fail("data directory");
        return 1;
    }
    bool config_created = false;
    if (write_config_template(data_dir, &config_created) < 0) {
        ud_cli_fail("config file");
        return 1;
    }
    ud_config config;
    if (ud_cli_load_config(&config, data_dir) != 0)
        return 1;
    bool secrets_added = false;
    if (ensure_secrets(&config, &secrets_added) < 0) {
        ud_cli_fail("secrets");
        return 1;
    }

    char url[1200];
    ud_config_store_url(&config, url, sizeof(url));
    ud_meta *meta = NULL;
    if (ud_meta_open(&meta, url) < 0) {
        ud_cli_fail("metadata store");
        return 1;
    }
    int status = 1;
    ud_arena arena;
    ud_arena_init(&arena);
    int migrations = 0;
    bool org_created = false, admin_created = false;
    char password[32] = "";
    bool password_generated = false;
    ud_org org;
    if (ud_meta_migrate(meta, &migrations) < 0) {
        ud_cli_fail("schema migration");
        goto done;
    }
    int rc = ud_meta_org_get_by_slug(&org, meta, &arena, config.org);
    if (rc == UD_ENOTFOUND) {
        rc = ud_meta_org_create(&org, meta, &arena, org_name, config.org, "enterprise");
        org_created = rc == 0;
    }
    if (rc < 0) {
        ud_cli_fail("organization");
        goto done;
    }
    /* The first admin is created with the organization, never later: an
     * admin who was removed on purpose must not come back on the next init. */
    if (org_created) {
        const char *given = getenv("UNIFY_ADMIN_PASSWORD");
        if (given && *given) {
            snprintf(password, sizeof(password), "%s", given);
            if (strlen(given) >= sizeof(password)) {
                fprintf(stderr, "unify: UNIFY_ADMIN_PASSWORD is longer than %zu characters\n",
                        sizeof(password) - 1);
                goto done;
            }
        } else {
            if (ud_password_generate(password, 20) < 0) {
                ud_cli_fail("password");
                goto done;
            }
            password_generated = true;
        }
        ud_password_params params = {(unsigned)config.argon2_memory_kb,
                                     (unsigned)config.argon2_iterations, 1};
        char hash[256];
        ud_user user;
        if (ud_password_hash(hash, sizeof(hash), password, &params) < 0 ||
            ud_meta_user_create(&user, meta, &arena, org.id, email, hash, "admin") < 0) {
            ud_cli_fail("admin user");
            goto done;
        }
        admin_created = true;
    }

    bool changed =
        config_created || secrets_added || migrations > 0 || org_created || admin_created;
    if (json) {
        json_t *o = json_pack("{s:s, s:s, s:b, s:i, s:b, s:s, s:b}", "data_dir", data_dir, "store",
                              ud_meta_backend(meta), "changed", changed, "migrations", migrations,
                              "org_created", org_created, "org", config.org, "admin_created",
                              admin_created);
        if (admin_created) {
            json_object_set_new(o, "admin_email", json_string(email));
            if (password_generated)
                json_object_set_new(o, "admin_password", json_string(password));
        }
        char *text = json_dumps(o, JSON_INDENT(2));
        puts(text);
        free(text);
        json_decref(o);
    } else if (!changed) {
        printf("%s is already initialised (organization '%s'); nothing changed.\n", data_dir,
               config.org);
    } else {
        printf("Initialised %s (%s store, %d migration%s applied).\n", data_dir,
               ud_meta_backend(meta), migrations, migrations == 1 ? "" : "s");
        if (org_created)
            printf("Created organization '%s'.\n", config.org);
        if (admin_created) {
            printf("Created admin %s", email);
            if (password_generated)
                printf(" with password: %s\n(shown once; store it now)\n", password);
            else
                printf(" with the password from UNIFY_ADMIN_PASSWORD.\n");
        }
    }
    /* Word vectors are converted once, with a new data directory. */
    if (changed && ud_cli_prepare_vectors(&config, json) != 0)
        goto done;
    status = 0;
done:
    explicit_bzero(password, sizeof(password));
    ud_arena_dispose(&arena);
    ud_meta_close(meta);
    return status;
}
