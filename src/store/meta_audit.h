/*
 * The audit log: an append-only record of what changes who may do what
 * (logins and their failures, lockouts, API keys created and revoked, role
 * and plan changes, users removed). Entries form a hash chain: each holds
 * the SHA-256 of its own fields and of the previous entry's hash, and the
 * newest entry is remembered apart (audit_head), so that editing, removing
 * or reordering any entry, or cutting entries off the end, is found by
 * ud_meta_audit_verify (`unify audit verify`).
 */
#ifndef UD_STORE_META_AUDIT_H
#define UD_STORE_META_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

typedef struct ud_meta ud_meta;

typedef struct ud_audit_entry {
    int64_t seq;             /* 1, 2, 3, ... over the whole log */
    int64_t at;              /* Unix seconds */
    const char *org_id;      /* NULL for events outside any organization */
    const char *actor;       /* "user:<email>", "key:<id>", "cli", "ip:<address>" */
    const char *action;      /* "login", "login_failed", "lockout", "apikey_create", ... */
    const char *target;      /* what the action was on ("" if nothing) */
    const char *detail_json; /* a JSON object */
    const char *prev_hash;
    const char *hash;
} ud_audit_entry;

/* Appends one entry. detail_json NULL means "{}". */
int ud_meta_audit_append(ud_meta *meta, const char *org_id, const char *actor, const char *action,
                         const char *target, const char *detail_json) UD_MUST_CHECK;

/* Entries newest first, at most `limit`, with seq < before_seq (0: from
 * the newest); only the organization's when org_id is not NULL. */
int ud_meta_audit_list(ud_audit_entry **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                       const char *org_id, int64_t before_seq, size_t limit) UD_MUST_CHECK;

typedef struct ud_audit_report {
    int64_t checked;   /* entries read */
    int64_t bad_seq;   /* the first entry found wrong (0 if none or the end) */
    char problem[256]; /* what is wrong, "" if nothing */
} ud_audit_report;

/* Walks the whole chain. 0 when it is intact; UD_ECORRUPT with the report
 * saying where and what when it is not. */
int ud_meta_audit_verify(ud_audit_report *out, ud_meta *meta) UD_MUST_CHECK;

#endif
