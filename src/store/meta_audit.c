/*
 * The audit log's hash chain (meta_audit.h). An entry's hash is SHA-256
 * over its fields, each written as "<length>:<bytes>", in the order seq,
 * at, org_id, actor, action, target, detail, prev_hash: length prefixes
 * make the encoding unambiguous whatever the fields hold. The first
 * entry's prev_hash is 64 zeros.
 *
 * Appending reads the head, inserts seq + 1 and moves the head with a
 * conditional update, in one transaction; if another process appended in
 * between (PostgreSQL), the insert or the head update fails and the append
 * is retried on the new head.
 */
#include "store/meta_audit.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "store/meta_internal.h"

#define GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define MAX_FIELD_BYTES 4096
#define APPEND_ATTEMPTS 8

static void hash_field(ud_sha256_ctx *ctx, const char *value)
{
    char prefix[24];
    size_t len = value ? strlen(value) : 0;
    snprintf(prefix, sizeof(prefix), "%zu:", len);
    ud_sha256_update(ctx, prefix, strlen(prefix));
    if (len)
        ud_sha256_update(ctx, value, len);
}

static void entry_hash(char out[UD_SHA256_HEX_LEN + 1], const char *seq, const char *at,
                       const char *org_id, const char *actor, const char *action,
                       const char *target, const char *detail, const char *prev_hash)
{
    ud_sha256_ctx ctx;
    ud_sha256_begin(&ctx);
    const char *fields[] = {seq, at, org_id, actor, action, target, detail, prev_hash};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        hash_field(&ctx, fields[i]);
    ud_sha256_end_hex(&ctx, out);
}

/* One attempt, inside a transaction. UD_EAGAIN when another writer moved
 * the head first. */
static int append_locked(ud_meta *meta, ud_arena *arena, const char *org_id, const char *actor,
                         const char *action, const char *target, const char *detail)
{
    ud_sql_rows head;
    /* The head's row is locked first, so concurrent appends (connections
     * of the pool, or processes, on PostgreSQL) queue instead of retrying. */
    int rc = ud_meta_sql_run(meta, "UPDATE audit_head SET seq = seq WHERE id = 1", NULL, 0);
    if (rc == 0)
        rc = ud_meta_sql_query(&head, meta, arena, "SELECT seq, hash FROM audit_head WHERE id = 1",
                               NULL, 0);
    if (rc < 0)
        return rc;
    int64_t last = head.count ? ud_meta_sql_int(ud_sql_cell(&head, 0, 0), 0) : 0;
    const char *prev = head.count ? ud_sql_cell(&head, 0, 1) : GENESIS;
    char seq[24], last_text[24], at[24], hash[UD_SHA256_HEX_LEN + 1];
    ud_meta_sql_format_int(seq, last + 1);
    ud_meta_sql_format_int(last_text, last);
    ud_meta_sql_format_int(at, ud_now());
    entry_hash(hash, seq, at, org_id ? org_id : "", actor, action, target, detail, prev);
    const char *params[] = {seq, org_id, at, actor, action, target, detail, prev, hash};
    rc = ud_meta_sql_run(meta,
                         "INSERT INTO audit_log (seq, org_id, at, actor, action, target, detail, "
                         "prev_hash, hash) VALUES ($1, $2, to_timestamp($3), $4, $5, $6, $7, $8, "
                         "$9)",
                         params, 9);
    if (rc == UD_EEXISTS)
        return UD_EAGAIN;
    if (rc < 0)
        return rc;
    ud_sql_rows moved;
    const char *head_params[] = {seq, hash, last_text};
    if (head.count)
        rc = ud_meta_sql_query(&moved, meta, arena,
                               "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1 AND seq = "
                               "$3 RETURNING seq",
                               head_params, 3);
    else
        rc = ud_meta_sql_query(&moved, meta, arena,
                               "INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) "
                               "RETURNING seq",
                               head_params, 2);
    if (rc == UD_EEXISTS || (rc == 0 && moved.count == 0))
        return UD_EAGAIN;
    return rc;
}

static int check_field(const char *value, const char *name)
{
    if (value && strlen(value) > MAX_FIELD_BYTES)
        return ud_error_set(UD_ELIMIT, "audit %s longer than %d bytes", name, MAX_FIELD_BYTES);
    return 0;
}

int ud_meta_audit_append(ud_meta *meta, const char *org_id, const char *actor, const char *action,
                         const char *target, const char *detail_json)
{
    if (org_id && !ud_meta_is_uuid(org_id))
        return ud_error_set(UD_EINVAL, "unknown organization '%s'", org_id);
    if (!actor || !actor[0] || !action || !action[0])
        return ud_error_set(UD_EINVAL, "an audit entry needs an actor and an action");
    const char *detail = detail_json ? detail_json : "{}";
    int rc = check_field(actor, "actor");
    if (rc == 0)
        rc = check_field(target, "target");
    if (rc == 0)
        rc = check_field(detail, "detail");
    if (rc < 0)
        return rc;
    ud_arena arena;
    ud_arena_init(&arena);
    for (int attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
        rc = ud_meta_sql_begin(meta);
        if (rc < 0)
            break;
        rc = append_locked(meta, &arena, org_id, actor, action, target ? target : "", detail);
        if (rc == 0)
            rc = ud_meta_sql_commit(meta);
        if (rc == 0)
            break;
        int code = rc;
        ud_meta_sql_rollback(meta);
        rc = code;
        if (rc != UD_EAGAIN)
            break;
    }
    ud_arena_dispose(&arena);
    if (rc == UD_EAGAIN)
        rc = ud_error_set(UD_EAGAIN, "the audit log is busy; the entry was not written");
    return rc;
}

#define ENTRY_COLUMNS "seq, ud_epoch(at), org_id, actor, action, target, detail, prev_hash, hash"

static void entry_from_cells(ud_audit_entry *out, const char *const *c)
{
    *out = (ud_audit_entry){
        .seq = ud_meta_sql_int(c[0], 0),
        .at = ud_meta_sql_int(c[1], 0),
        .org_id = c[2],
        .actor = c[3] ? c[3] : "",
        .action = c[4] ? c[4] : "",
        .target = c[5] ? c[5] : "",
        .detail_json = c[6] ? c[6] : "{}",
        .prev_hash = c[7] ? c[7] : "",
        .hash = c[8] ? c[8] : "",
    };
}

int ud_meta_audit_list(ud_audit_entry **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                       const char *org_id, int64_t before_seq, size_t limit)
{
    *out = NULL;
    *out_count = 0;
    if (org_id && !ud_meta_is_uuid(org_id))
        return 0;
    char before[24], limit_text[24];
    ud_meta_sql_format_int(before, before_seq > 0 ? before_seq : INT64_MAX);
    ud_meta_sql_format_int(limit_text, (int64_t)limit);
    const char *params[] = {before, limit_text, org_id};
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(
        &rows, meta, arena,
        org_id ? "SELECT " ENTRY_COLUMNS " FROM audit_log WHERE seq < $1 AND org_id = $3 "
                 "ORDER BY seq DESC LIMIT $2"
               : "SELECT " ENTRY_COLUMNS " FROM audit_log WHERE seq < $1 ORDER BY seq DESC "
                 "LIMIT $2",
        params, org_id ? 3 : 2);
    if (rc < 0)
        return rc;
    ud_audit_entry *entries =
        ud_arena_alloc(arena, (rows.count ? rows.count : 1) * sizeof(*entries));
    for (size_t i = 0; i < rows.count; i++)
        entry_from_cells(&entries[i], &rows.cells[i * rows.columns]);
    *out = entries;
    *out_count = rows.count;
    return 0;
}

typedef struct verify_state {
    ud_audit_report *report;
    int64_t expected_seq;
    char prev[UD_SHA256_HEX_LEN + 1];
} verify_state;

static int verify_fail(verify_state *st, int64_t seq, const char *problem)
{
    st->report->bad_seq = seq;
    snprintf(st->report->problem, sizeof(st->report->problem), "%s", problem);
    return UD_ECORRUPT;
}

static int verify_row(const char *const *cells, size_t columns, void *payload)
{
    verify_state *st = payload;
    if (columns < 9)
        return ud_error_set(UD_EIO, "audit scan returned %zu columns", columns);
    ud_audit_entry e;
    entry_from_cells(&e, cells);
    st->report->checked++;
    char problem[200];
    if (e.seq != st->expected_seq) {
        snprintf(problem, sizeof(problem), "entry %" PRId64 " is missing (found %" PRId64 " next)",
                 st->expected_seq, e.seq);
        return verify_fail(st, st->expected_seq, problem);
    }
    if (strcmp(e.prev_hash, st->prev) != 0)
        return verify_fail(st, e.seq, "its previous-hash does not match the entry before it");
    char seq[24], at[24], hash[UD_SHA256_HEX_LEN + 1];
    ud_meta_sql_format_int(seq, e.seq);
    ud_meta_sql_format_int(at, e.at);
    entry_hash(hash, seq, at, e.org_id ? e.org_id : "", e.actor, e.action, e.target, e.detail_json,
               e.prev_hash);
    if (strcmp(hash, e.hash) != 0)
        return verify_fail(st, e.seq, "its contents do not match its hash (edited)");
    snprintf(st->prev, sizeof(st->prev), "%s", e.hash);
    st->expected_seq++;
    return 0;
}

int ud_meta_audit_verify(ud_audit_report *out, ud_meta *meta)
{
    memset(out, 0, sizeof(*out));
    verify_state st = {.report = out, .expected_seq = 1};
    snprintf(st.prev, sizeof(st.prev), "%s", GENESIS);
    ud_arena arena;
    ud_arena_init(&arena);
    ud_sql_rows head = {0};
    int rc = ud_meta_sql_each(meta, "SELECT " ENTRY_COLUMNS " FROM audit_log ORDER BY seq", NULL, 0,
                              verify_row, &st);
    if (rc == 0)
        rc = ud_meta_sql_query(&head, meta, &arena, "SELECT seq, hash FROM audit_head WHERE id = 1",
                               NULL, 0);
    if (rc == 0) {
        int64_t last = st.expected_seq - 1;
        int64_t head_seq = head.count ? ud_meta_sql_int(ud_sql_cell(&head, 0, 0), 0) : 0;
        const char *head_hash = head.count ? ud_sql_cell(&head, 0, 1) : GENESIS;
        if (head_seq != last || strcmp(head_hash, st.prev) != 0) {
            char problem[200];
            snprintf(problem, sizeof(problem),
                     "the log ends at entry %" PRId64 " but %" PRId64
                     " were written (entries removed from the end)",
                     last, head_seq);
            rc = verify_fail(&st, last + 1, problem);
        }
    }
    ud_arena_dispose(&arena);
    if (rc == UD_ECORRUPT)
        return ud_error_set(UD_ECORRUPT, "audit log broken at entry %" PRId64 ": %s", out->bad_seq,
                            out->problem);
    return rc;
}
