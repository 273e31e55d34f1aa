/*
 * Tests of the configuration table: defaults, file, environment, validation.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/config.h"
#include "test.h"

void test_config__defaults_are_valid_and_documented(void)
{
    size_t count = 0;
    const ud_config_entry *entries = ud_config_entries(&count);
    ud_config config;
    ud_config_init(&config, "/tmp/x");
    for (size_t i = 0; i < count; i++) {
        /* Every default must pass its own validation. */
        UD_CHECK_OK(
            ud_config_set(&config, entries[i].name, entries[i].default_value, UD_FROM_DEFAULT));
        UD_CHECK(entries[i].doc && entries[i].doc[0]);
    }
    UD_CHECK_EQ_INT(8080, config.port);
    UD_CHECK_NEAR(0.9, config.bm25_k1, 1e-12);
    UD_CHECK_EQ_STR("default", config.org);
}

void test_config__file_then_environment_precedence(void)
{
    const char *dir = ud_test_tmpdir();
    const char *text = "# comment\nport = 9090\nthreads=8  # trailing comment\n\nbind = 0.0.0.0\n";
    ud_test_write_file(dir, "unify.conf", text, strlen(text));
    setenv("UNIFY_THREADS", "12", 1);
    ud_config config;
    ud_config_init(&config, dir);
    UD_CHECK_OK(ud_config_load(&config));
    UD_CHECK_EQ_INT(9090, config.port);
    UD_CHECK_EQ_INT(12, config.threads); /* environment wins over the file */
    UD_CHECK_EQ_STR("0.0.0.0", config.bind);
    unsetenv("UNIFY_THREADS");
}

void test_config__bad_values_are_refused_with_the_line(void)
{
    const char *dir = ud_test_tmpdir();
    const char *text = "port = 8080\nport = 70000\n";
    ud_test_write_file(dir, "unify.conf", text, strlen(text));
    ud_config config;
    ud_config_init(&config, dir);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_config_load(&config));
    UD_CHECK_CONTAINS(ud_test_error_message(), "unify.conf:2");

    ud_config_init(&config, dir);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_config_set(&config, "port", "80x", UD_FROM_FLAG));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_config_set(&config, "no_such_setting", "1", UD_FROM_FLAG));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_config_set(&config, "log_level", "loud", UD_FROM_FLAG));
    UD_CHECK_EQ_INT(UD_EINVAL, ud_config_set(&config, "argon2_memory_kb", "1024", UD_FROM_FLAG));
    UD_CHECK_EQ_INT(8080, config.port); /* refused values change nothing */
}

void test_config__unknown_key_in_file_is_an_error(void)
{
    const char *dir = ud_test_tmpdir();
    const char *text = "prot = 8080\n";
    ud_test_write_file(dir, "unify.conf", text, strlen(text));
    ud_config config;
    ud_config_init(&config, dir);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_config_load(&config));
    UD_CHECK_CONTAINS(ud_test_error_message(), "unknown setting 'prot'");
}

void test_config__passwords_in_urls_are_redacted_for_display(void)
{
    char out[256];
    ud_config_redact(out, sizeof(out), "postgres://bob:s3cret@db:5432/unify");
    UD_CHECK_EQ_STR("postgres://bob:***@db:5432/unify", out);
    ud_config_redact(out, sizeof(out), "postgres://bob@db:5432/unify");
    UD_CHECK_EQ_STR("postgres://bob@db:5432/unify", out);
    ud_config_redact(out, sizeof(out), "sqlite:///var/lib/unify/meta.db");
    UD_CHECK_EQ_STR("sqlite:///var/lib/unify/meta.db", out);
    UD_CHECK_EQ_STR("environment", ud_config_origin_name(UD_FROM_ENV));
}
