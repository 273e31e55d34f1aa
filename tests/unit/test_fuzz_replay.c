/*
 * The fuzz corpora replayed as ordinary tests (libgit2 does the same): every
 * file of tests/fuzz/corpus/<target>/ goes through that target's entry point,
 * compiled into the test runner as ud_fuzz_<target> (the Makefile's fuzz
 * section), in the plain and the ASan pass of `make test`. The corpora hold
 * the seeds made from the tests' fixtures, what fuzzing found worth keeping
 * (minimised), and the reproducer of every crash that was fixed, so a parser
 * that crashes on any of them again fails here. A target aborts on a broken
 * contract (fuzz.h), which fails the test too.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/fs.h"
#include "test.h"

typedef int (*fuzz_entry)(const uint8_t *data, size_t size);

/* The targets' entry points, and their table. */
#define FUZZ_TARGETS(X)                                                                            \
    X(config)                                                                                      \
    X(extract_docx)                                                                                \
    X(extract_email)                                                                               \
    X(extract_html)                                                                                \
    X(extract_json)                                                                                \
    X(extract_pdf)                                                                                 \
    X(extract_text)                                                                                \
    X(http)                                                                                        \
    X(import_gmail)                                                                                \
    X(import_notion)                                                                               \
    X(import_salesforce)                                                                           \
    X(import_slack)                                                                                \
    X(import_zip)                                                                                  \
    X(jwt)                                                                                         \
    X(manifest)                                                                                    \
    X(query)                                                                                       \
    X(segment)                                                                                     \
    X(sse)

#define DECLARE(name) int ud_fuzz_##name(const uint8_t *data, size_t size);
FUZZ_TARGETS(DECLARE)
#undef DECLARE

void ud_fuzz_dir_remove(void);

#define ROW(name) {#name, ud_fuzz_##name},
static const struct {
    const char *name;
    fuzz_entry entry;
} TARGETS[] = {FUZZ_TARGETS(ROW)};
#undef ROW

#define CORPUS "tests/fuzz/corpus"
/* Larger than any corpus file: the fuzz runs keep inputs far smaller. */
#define MAX_CORPUS_FILE (16u << 20)

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files of dir, sorted (so a failure names the same file each run). */
static size_t list_files(char ***out, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        ud_test_fail(__FILE__, __LINE__, "no corpus folder %s", dir);
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (count + 1) * sizeof(*names));
        UD_CHECK(names != NULL);
        names[count++] = strdup(e->d_name);
    }
    closedir(d);
    if (count > 1)
        qsort(names, count, sizeof(*names), compare_names);
    *out = names;
    return count;
}

static void replay(const char *target, fuzz_entry entry)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/%s", CORPUS, target);
    char **names = NULL;
    size_t count = list_files(&names, dir);
    UD_CHECK(count > 0);
    for (size_t i = 0; i < count; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        char *data = NULL;
        size_t len = 0;
        UD_CHECK_OK(ud_file_read(&data, &len, path, MAX_CORPUS_FILE));
        /* A crash's report names the input (and nothing is printed for
         * the thousands that pass). */
        ud_test_note("while replaying %s", path);
        if (entry((const uint8_t *)data, len) != 0)
            ud_test_fail(__FILE__, __LINE__, "%s: the target returned non-zero", path);
        free(data);
        free(names[i]);
    }
    free(names);
    ud_fuzz_dir_remove();
}

/* Every corpus folder is replayed by a test below, and every target has a corpus. */
void test_fuzz_replay__every_corpus_has_its_target(void)
{
    char **names = NULL;
    size_t count = list_files(&names, CORPUS);
    size_t targets = sizeof(TARGETS) / sizeof(TARGETS[0]);
    UD_CHECK_EQ_INT(targets, count);
    for (size_t i = 0; i < count; i++) {
        size_t t = 0;
        while (t < targets && strcmp(TARGETS[t].name, names[i]) != 0)
            t++;
        if (t == targets)
            ud_test_fail(__FILE__, __LINE__, "%s/%s has no fuzz target", CORPUS, names[i]);
        free(names[i]);
    }
    free(names);
}

/* One test per target (the runner finds tests by their definitions). */
void test_fuzz_replay__config(void)
{
    replay("config", ud_fuzz_config);
}

void test_fuzz_replay__extract_docx(void)
{
    replay("extract_docx", ud_fuzz_extract_docx);
}

void test_fuzz_replay__extract_email(void)
{
    replay("extract_email", ud_fuzz_extract_email);
}

void test_fuzz_replay__extract_html(void)
{
    replay("extract_html", ud_fuzz_extract_html);
}

void test_fuzz_replay__extract_json(void)
{
    replay("extract_json", ud_fuzz_extract_json);
}

void test_fuzz_replay__extract_pdf(void)
{
    replay("extract_pdf", ud_fuzz_extract_pdf);
}

void test_fuzz_replay__extract_text(void)
{
    replay("extract_text", ud_fuzz_extract_text);
}

void test_fuzz_replay__http(void)
{
    replay("http", ud_fuzz_http);
}

void test_fuzz_replay__import_gmail(void)
{
    replay("import_gmail", ud_fuzz_import_gmail);
}

void test_fuzz_replay__import_notion(void)
{
    replay("import_notion", ud_fuzz_import_notion);
}

void test_fuzz_replay__import_salesforce(void)
{
    replay("import_salesforce", ud_fuzz_import_salesforce);
}

void test_fuzz_replay__import_slack(void)
{
    replay("import_slack", ud_fuzz_import_slack);
}

void test_fuzz_replay__import_zip(void)
{
    replay("import_zip", ud_fuzz_import_zip);
}

void test_fuzz_replay__jwt(void)
{
    replay("jwt", ud_fuzz_jwt);
}

void test_fuzz_replay__manifest(void)
{
    replay("manifest", ud_fuzz_manifest);
}

void test_fuzz_replay__query(void)
{
    replay("query", ud_fuzz_query);
}

void test_fuzz_replay__segment(void)
{
    replay("segment", ud_fuzz_segment);
}

void test_fuzz_replay__sse(void)
{
    replay("sse", ud_fuzz_sse);
}
