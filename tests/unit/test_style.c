/*
 * Checks of the tree itself: the unsafe string functions STYLE.md bans do not
 * appear in our sources, and every .c file opens with a comment saying what
 * it is for.
 */
#include <stdlib.h>

#include "test.h"

void test_style__no_banned_string_functions(void)
{
    char *out = NULL;
    /* grep exits 1 when nothing matches: that is the passing case. */
    int status = ud_test_run(&out, "grep -rnE '\\b(strcpy|strcat|strncat|sprintf|vsprintf|gets|"
                                   "strtok|atoi)\\s*\\(' src tests/unit --include='*.[ch]' "
                                   "| grep -v 'NOLINT'");
    if (status != 1)
        ud_test_fail(__FILE__, __LINE__, "banned functions used:\n%s", out);
    free(out);
}

void test_style__every_source_file_starts_with_a_comment(void)
{
    char *out = NULL;
    int status = ud_test_run(&out, "for f in $(find src tests/unit -name '*.[ch]'); do "
                                   "head -c 2 \"$f\" | grep -q '/\\*' || echo \"$f\"; done");
    UD_CHECK_EQ_INT(0, status);
    if (out[0])
        ud_test_fail(__FILE__, __LINE__, "files without an opening comment:\n%s", out);
    free(out);
}
