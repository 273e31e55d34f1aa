/*
 * The README promises that the demo workspace answers its three example
 * searches: this test holds it to that, through the real binary.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

void test_demo__example_searches_have_the_right_top_answer(void)
{
    char data[600];
    snprintf(data, sizeof(data), "%s/data", ud_test_tmpdir());
    char *out = NULL;
    UD_CHECK_EQ_INT(
        0, ud_test_run(&out, "env UNIFY_STORE= %s init --data '%s'", ud_test_unify_bin(), data));
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s ingest --data '%s' demo",
                                   ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, " 0 failed");
    free(out);
    static const struct {
        const char *query;
        const char *top_path;
    } EXAMPLES[] = {
        {"parental leave", "demo/hr/parental-leave-policy.md"},
        {"Atlas AMR battery life", "demo/product/atlas-amr-spec."},
        {"database outage postmortem", "demo/ops/2025-03-12-database-outage-postmortem.md"},
    };
    for (size_t i = 0; i < 3; i++) {
        UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s search --data '%s' --top 1 '%s'",
                                       ud_test_unify_bin(), data, EXAMPLES[i].query));
        UD_CHECK_CONTAINS(out, EXAMPLES[i].top_path);
        free(out);
    }
}
