/*
 * `unify audit list|verify`: read the audit log, and check its hash chain
 * for edited, removed or cut-off entries.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"
#include "cli/admin.h"
#include "store/meta_audit.h"

static int audit_list(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    const char *limit_text = NULL, *all = NULL;
    const ud_cli_option options[] = {
        {"limit", true, &limit_text}, {"all-orgs", false, &all}, {NULL}};
    int rc = ud_cli_parse(&flags, options, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    long limit = 50;
    if (limit_text) {
        char *end = NULL;
        limit = strtol(limit_text, &end, 10);
        if (end == limit_text || *end || limit < 1 || limit > 100000) {
            fprintf(stderr, "unify audit list: --limit must be 1 to 100000\n");
            return 2;
        }
    }
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, !all) != 0)
        goto done;
    ud_audit_entry *entries = NULL;
    size_t count = 0;
    if (ud_meta_audit_list(&entries, &count, s.meta, &s.arena, all ? NULL : s.org.id, 0,
                           (size_t)limit) < 0) {
        ud_cli_fail("audit list");
        goto done;
    }
    json_t *list = s.json ? json_array() : NULL;
    for (size_t i = 0; i < count; i++) {
        const ud_audit_entry *e = &entries[i];
        char at[32];
        ud_time_format(at, e->at);
        if (list)
            json_array_append_new(
                list, json_pack("{s:I,s:s,s:s,s:s,s:s,s:o,s:s}", "seq", (json_int_t)e->seq, "at",
                                at, "actor", e->actor, "action", e->action, "target", e->target,
                                "detail", json_loads(e->detail_json, 0, NULL), "hash", e->hash));
        else
            printf("%6lld  %s  %-16s %-28s %-28s %s\n", (long long)e->seq, at, e->action, e->actor,
                   e->target, e->detail_json);
    }
    if (list)
        ud_cli_print_json(json_pack("{s:o}", "entries", list));
    status = 0;
done:
    ud_cli_session_close(&s);
    return status;
}

static int audit_verify(int argc, char **argv, const char *usage)
{
    ud_cli_flags flags;
    int rc = ud_cli_parse(&flags, NULL, NULL, 0, argc, argv, usage);
    if (rc)
        return rc < 0 ? 0 : rc;
    ud_cli_session s;
    int status = 1;
    if (ud_cli_session_open(&s, &flags, false) != 0)
        goto done;
    ud_audit_report report;
    rc = ud_meta_audit_verify(&report, s.meta);
    if (rc < 0 && rc != UD_ECORRUPT) {
        ud_cli_fail("audit verify");
        goto done;
    }
    if (s.json)
        ud_cli_print_json(json_pack("{s:b,s:I,s:I,s:s}", "intact", rc == 0, "checked",
                                    (json_int_t)report.checked, "bad_seq",
                                    (json_int_t)report.bad_seq, "problem", report.problem));
    else if (rc == 0)
        printf("The audit log is intact: %lld entries, every hash checks.\n",
               (long long)report.checked);
    else
        printf("The audit log is BROKEN at entry %lld: %s\n", (long long)report.bad_seq,
               report.problem);
    status = rc == 0 ? 0 : 1;
done:
    ud_cli_session_close(&s);
    return status;
}

static const ud_cli_subcommand SUBCOMMANDS[] = {
    {"list",
     "list [--limit N] [--all-orgs]\n\nThe newest entries (default 50) of the organization, or of "
     "every\norganization and the operator's own with --all-orgs.\n",
     audit_list},
    {"verify",
     "verify\n\nWalks the whole hash chain; exits 1 and names the first bad entry if any\n"
     "entry was edited, removed or cut off the end.\n",
     audit_verify},
};

int ud_cmd_audit(int argc, char **argv)
{
    return ud_cli_dispatch("audit", "The append-only audit log.", SUBCOMMANDS,
                           sizeof(SUBCOMMANDS) / sizeof(SUBCOMMANDS[0]), argc, argv);
}
