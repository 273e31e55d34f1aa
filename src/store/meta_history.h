/*
 * search_history: every search and ask, recorded with the caller, the
 * number of results, the time taken and the source types of the results.
 * Users list, save and delete only their own rows: every call names the
 * organization and the user, and another user's row is "not found".
 */
#ifndef UD_STORE_META_HISTORY_H
#define UD_STORE_META_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/error.h"

typedef struct ud_meta ud_meta;

#define UD_HISTORY_MAX_SOURCES 16

/* Who made a search or an ask (search_history.caller, migration 8). */
#define UD_CALLER_USER "user" /* a signed-in user */
#define UD_CALLER_KEY "key"   /* an API key, its creator as user_id if it has one */
#define UD_CALLER_CLI "cli"   /* `unify search` and `unify ask`: no user */

typedef struct ud_history_entry {
    const char *id;
    const char *user_id;    /* NULL for the CLI and a key whose creator is unknown */
    const char *api_key_id; /* NULL unless an API key made the request */
    /* UD_CALLER_*; NULL when adding: a key if api_key_id is set, else a user. */
    const char *caller;
    const char *query;
    int64_t results_count;
    int64_t response_time_ms;
    const char *sources_used[UD_HISTORY_MAX_SOURCES]; /* source types */
    size_t source_count;
    bool is_saved;
    int64_t timestamp;
    /* Answers (kind "ask") also record who wrote them and what they cost. */
    const char *kind;     /* "search" (default when NULL) or "ask" */
    const char *provider; /* "anthropic", "openai", "extractive"; NULL for a search */
    const char *model;
    const char *route; /* the router's choice: "primary", "cheap", "fallback" */
    int64_t input_tokens;
    int64_t output_tokens;
    int64_t cache_read_tokens;
    int64_t cache_write_tokens;
    double cost_usd;
    int64_t citations_dropped;
} ud_history_entry;

/* Records one search or ask, whoever made it: every one counts in the
 * organization's usage. A user's row needs user_id; a key's api_key_id;
 * the CLI's neither. entry->id, caller and timestamp are filled in (the id
 * in the arena). Source types must be [a-z0-9_] words. When the store's
 * write-behind queue runs (meta_queue.h) the row is queued and written in a
 * batch; the readers below flush the queue first, so they see it. */
int ud_meta_history_add(ud_history_entry *entry, ud_meta *meta, ud_arena *arena,
                        const char *org_id) UD_MUST_CHECK;
/* Adds a source type to entry->sources_used unless it is there, empty or
 * the list is full. `type` is borrowed. */
void ud_history_add_source(ud_history_entry *entry, const char *type);

typedef enum {
    UD_HISTORY_ALL,
    UD_HISTORY_SAVED,
    UD_HISTORY_UNSAVED,
} ud_history_filter;

/* The user's entries, newest first, at most `limit` from `offset`. */
int ud_meta_history_list(ud_history_entry **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                         const char *org_id, const char *user_id, ud_history_filter filter,
                         size_t limit, size_t offset) UD_MUST_CHECK;
/* Sets or clears is_saved; UD_ENOTFOUND if the entry is not the user's. */
int ud_meta_history_set_saved(ud_meta *meta, const char *org_id, const char *user_id,
                              const char *id, bool saved) UD_MUST_CHECK;
int ud_meta_history_delete(ud_meta *meta, const char *org_id, const char *user_id,
                           const char *id) UD_MUST_CHECK;

/* An organization's use, from its history rows since a time. */
typedef struct ud_usage_day {
    int64_t day; /* Unix day number (seconds / 86400) */
    int64_t searches;
    int64_t asks;
    int64_t input_tokens;
    int64_t output_tokens;
    int64_t cache_read_tokens;
    double cost_usd;
} ud_usage_day;

/* Searches and asks of one kind of caller over the whole period. */
typedef struct ud_usage_caller {
    int64_t searches;
    int64_t asks;
} ud_usage_caller;

typedef struct ud_usage {
    ud_usage_day *days; /* oldest first, only days with activity */
    size_t day_count;
    ud_usage_caller users, keys, cli; /* UD_CALLER_USER, _KEY, _CLI */
    double *ask_costs;                /* the cost of each answer, ascending (for percentiles) */
    size_t ask_count;
} ud_usage;

/* Reads the organization's usage since `since` (Unix seconds); at most
 * UD_USAGE_MAX_ASKS answer costs are read (the newest). */
#define UD_USAGE_MAX_ASKS 200000
int ud_meta_usage(ud_usage *out, ud_meta *meta, ud_arena *arena, const char *org_id,
                  int64_t since) UD_MUST_CHECK;

#endif
