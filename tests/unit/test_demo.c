/*
 * The README promises that the demo workspace answers its three example
 * searches: this test holds it to that, through the real binary.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The demo's exports are imported through their connectors: each source's
 * knowledge is searchable, and the Slack export's private channels are not
 * read as plain files (which would open them to everyone). */
void test_demo__exports_are_imported_with_their_permissions(void)
{
    char data[600];
    snprintf(data, sizeof(data), "%s/data", ud_test_tmpdir());
    char *out = NULL;
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= UNIFY_WORD_VECTORS_JSON=none %s init "
                                   "--data '%s'",
                                   ud_test_unify_bin(), data));
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s ingest --data '%s' demo",
                                   ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "(slack-export): imported");
    UD_CHECK_CONTAINS(out, "(gmail-export): imported");
    UD_CHECK_CONTAINS(out, "(notion-export): imported");
    UD_CHECK_CONTAINS(out, "(salesforce-export): imported");
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s source list --data '%s' --json",
                                   ud_test_unify_bin(), data));
    json_t *root = json_loads(out, 0, NULL);
    UD_CHECK_EQ_INT(4, json_array_size(json_object_get(root, "sources")));
    json_decref(root);
    free(out);
    /* One search finds the same deal in Notion and in Salesforce. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= %s search --data '%s' --json "
                                   "'Kessler conversion 24 robots'",
                                   ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "\"source_type\": \"notion\"");
    UD_CHECK_CONTAINS(out, "\"source_type\": \"salesforce\"");
    free(out);
    /* #leadership is private: the organization-wide reader does not see it. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= %s search --data '%s' --json "
                                   "'cash runway 31 months'",
                                   ud_test_unify_bin(), data));
    UD_CHECK(!strstr(out, "runway"));
    free(out);
}
