/*
 * Tests of the folder walker: order, filtering, loops, broken links.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connectors/folder.h"
#include "test.h"

typedef struct seen {
    char files[4096];
    char errors[4096];
} seen;

static int on_file(const char *path, void *payload)
{
    seen *s = payload;
    const char *base = strrchr(path, '/');
    size_t used = strlen(s->files);
    snprintf(s->files + used, sizeof(s->files) - used, "%s;", base ? base + 1 : path);
    return 0;
}

static void on_error(const char *path, const char *reason, void *payload)
{
    seen *s = payload;
    const char *base = strrchr(path, '/');
    snprintf(s->errors + strlen(s->errors), sizeof(s->errors) - strlen(s->errors), "%s=%s;",
             base ? base + 1 : path, reason);
}

void test_folder__walks_supported_files_in_order(void)
{
    const char *dir = ud_test_tmpdir();
    ud_test_write_file(dir, "b.md", "x", 1);
    ud_test_write_file(dir, "a.txt", "x", 1);
    ud_test_write_file(dir, "sub/c.PDF", "x", 1);
    ud_test_write_file(dir, "image.png", "x", 1);
    ud_test_write_file(dir, ".hidden.md", "x", 1);
    seen s = {"", ""};
    ud_folder_visitor v = {on_file, on_error, NULL, &s};
    UD_CHECK_OK(ud_folder_walk(dir, &v));
    UD_CHECK_EQ_STR("a.txt;b.md;c.PDF;", s.files);
    UD_CHECK_EQ_STR("", s.errors);
}

void test_folder__symlink_loops_and_broken_links_are_reported(void)
{
    const char *dir = ud_test_tmpdir();
    ud_test_write_file(dir, "docs/a.md", "x", 1);
    char link[512], target[512];
    snprintf(link, sizeof(link), "%s/docs/loop", dir);
    snprintf(target, sizeof(target), "%s/docs", dir);
    UD_CHECK(symlink(target, link) == 0); /* docs/loop -> docs */
    snprintf(link, sizeof(link), "%s/docs/self.md", dir);
    UD_CHECK(symlink(link, link) == 0); /* self.md -> itself */
    snprintf(link, sizeof(link), "%s/docs/gone.md", dir);
    UD_CHECK(symlink("/nonexistent/file.md", link) == 0);
    seen s = {"", ""};
    ud_folder_visitor v = {on_file, on_error, NULL, &s};
    UD_CHECK_OK(ud_folder_walk(dir, &v));
    UD_CHECK_EQ_STR("a.md;", s.files);
    UD_CHECK_CONTAINS(s.errors, "loop=symbolic link loop");
    UD_CHECK_CONTAINS(s.errors, "self.md=symbolic link loop");
    UD_CHECK_CONTAINS(s.errors, "gone.md=broken symbolic link");
}

void test_folder__unsupported_root_file_is_reported(void)
{
    const char *path = ud_test_write_file(ud_test_tmpdir(), "x.png", "x", 1);
    seen s = {"", ""};
    ud_folder_visitor v = {on_file, on_error, NULL, &s};
    UD_CHECK_OK(ud_folder_walk(path, &v));
    UD_CHECK_EQ_STR("", s.files);
    UD_CHECK_CONTAINS(s.errors, "unsupported file type");
}
