/*
 * search_history rows (meta_history.h). sources_used is a text array in
 * the spec; both backends keep it in PostgreSQL's array literal form,
 * "{slack,gmail}", which PostgreSQL reads as TEXT[] and SQLite stores as
 * text. Only plain words go in, so the literal never needs quoting.
 */
#include "store/meta_history.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/str.h"
#include "store/meta_internal.h"
#include "store/meta_queue.h"

static bool is_word(const char *s)
{
    if (!s || !*s || strlen(s) > 50)
        return false;
    for (; *s; s++)
        if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
            return false;
    return true;
}

/* "{a,b}" from the list; NULL if a name is not a plain word. */
static char *sources_literal(ud_arena *arena, const char *const *sources, size_t count)
{
    size_t len = 3;
    for (size_t i = 0; i < count; i++) {
        if (!is_word(sources[i]))
            return NULL;
        len += strlen(sources[i]) + 1;
    }
    char *out = ud_arena_alloc(arena, len);
    size_t used = 0;
    out[used++] = '{';
    for (size_t i = 0; i < count; i++) {
        if (i)
            out[used++] = ',';
        size_t n = strlen(sources[i]);
        memcpy(out + used, sources[i], n);
        used += n;
    }
    out[used++] = '}';
    out[used] = '\0';
    return out;
}

/* Splits "{a,b}" back into entry->sources_used (strings in the arena). */
static void parse_sources(ud_history_entry *entry, ud_arena *arena, const char *literal)
{
    entry->source_count = 0;
    if (!literal || literal[0] != '{')
        return;
    const char *p = literal + 1;
    while (*p && *p != '}' && entry->source_count < UD_HISTORY_MAX_SOURCES) {
        size_t n = strcspn(p, ",}");
        if (n > 0)
            entry->sources_used[entry->source_count++] = ud_arena_strndup(arena, p, n);
        p += n;
        if (*p == ',')
            p++;
    }
}

void ud_history_add_source(ud_history_entry *entry, const char *type)
{
    if (!type || !type[0] || entry->source_count >= UD_HISTORY_MAX_SOURCES)
        return;
    for (size_t i = 0; i < entry->source_count; i++)
        if (strcmp(entry->sources_used[i], type) == 0)
            return;
    entry->sources_used[entry->source_count++] = type;
}

/* Checks who made the entry and fills in entry->caller. */
static int check_caller(ud_history_entry *entry, const char *org_id)
{
    const char *caller = entry->caller;
    if (!caller)
        caller = entry->api_key_id ? UD_CALLER_KEY : UD_CALLER_USER;
    if (!ud_meta_is_uuid(org_id))
        return ud_error_set(UD_EINVAL, "a history entry needs an organization");
    if (entry->user_id && !ud_meta_is_uuid(entry->user_id))
        return ud_error_set(UD_EINVAL, "unknown user '%s'", entry->user_id);
    if (entry->api_key_id && !ud_meta_is_uuid(entry->api_key_id))
        return ud_error_set(UD_EINVAL, "unknown API key '%s'", entry->api_key_id);
    bool ok = false;
    if (strcmp(caller, UD_CALLER_USER) == 0)
        ok = entry->user_id && !entry->api_key_id;
    else if (strcmp(caller, UD_CALLER_KEY) == 0)
        ok = entry->api_key_id != NULL;
    else if (strcmp(caller, UD_CALLER_CLI) == 0)
        ok = !entry->user_id && !entry->api_key_id;
    if (!ok)
        return ud_error_set(UD_EINVAL,
                            "a history entry is a user's (with a user), a key's (with a key) or "
                            "the CLI's (with neither), not '%s'",
                            caller);
    entry->caller = caller;
    return 0;
}

int ud_meta_history_add(ud_history_entry *entry, ud_meta *meta, ud_arena *arena, const char *org_id)
{
    int rc = check_caller(entry, org_id);
    if (rc < 0)
        return rc;
    if (entry->source_count > UD_HISTORY_MAX_SOURCES)
        return ud_error_set(UD_ELIMIT, "at most %d source types per history entry",
                            UD_HISTORY_MAX_SOURCES);
    const char *sources = sources_literal(arena, entry->sources_used, entry->source_count);
    if (!sources)
        return ud_error_set(UD_EINVAL, "source types must be words of a-z, 0-9 and _");
    const char *kind = entry->kind ? entry->kind : "search";
    if (strcmp(kind, "search") != 0 && strcmp(kind, "ask") != 0)
        return ud_error_set(UD_EINVAL, "a history entry is a search or an ask, not '%s'", kind);
    char id[UD_UUID_LEN + 1], results[24], took[24], now[24], input[24], output[24], read[24],
        write[24], dropped[24], cost[40];
    rc = ud_uuid_v4(id);
    if (rc < 0)
        return rc;
    int64_t when = entry->timestamp ? entry->timestamp : ud_now();
    ud_meta_sql_format_int(results, entry->results_count);
    ud_meta_sql_format_int(took, entry->response_time_ms);
    ud_meta_sql_format_int(now, when);
    ud_meta_sql_format_int(input, entry->input_tokens);
    ud_meta_sql_format_int(output, entry->output_tokens);
    ud_meta_sql_format_int(read, entry->cache_read_tokens);
    ud_meta_sql_format_int(write, entry->cache_write_tokens);
    ud_meta_sql_format_int(dropped, entry->citations_dropped);
    snprintf(cost, sizeof(cost), "%.10f", entry->cost_usd);
    const char *params[] = {id,           entry->user_id,
                            org_id,       entry->query,
                            results,      took,
                            sources,      entry->is_saved ? "TRUE" : "FALSE",
                            now,          entry->api_key_id,
                            kind,         entry->provider,
                            entry->model, entry->route,
                            input,        output,
                            read,         write,
                            cost,         dropped,
                            entry->caller};
    /* Off the request path when the write-behind queue runs: the id and
     * the time are decided here, so the caller has them either way. */
    rc = ud_meta_sql_run_later(
        meta,
        "INSERT INTO search_history (id, user_id, org_id, query, results_count, "
        "response_time_ms, sources_used, is_saved, timestamp, api_key_id, kind, "
        "provider, model, route, input_tokens, output_tokens, cache_read_tokens, "
        "cache_write_tokens, cost_usd, citations_dropped, caller) VALUES ($1, $2, "
        "$3, $4, $5, $6, $7, $8 = 'TRUE', to_timestamp($9), $10, $11, $12, $13, "
        "$14, $15, $16, $17, $18, $19, $20, $21)",
        params, 21, NULL);
    if (rc == 0) {
        entry->id = ud_arena_strdup(arena, id);
        entry->timestamp = when;
    }
    return rc;
}

int ud_meta_history_list(ud_history_entry **out, size_t *out_count, ud_meta *meta, ud_arena *arena,
                         const char *org_id, const char *user_id, ud_history_filter filter,
                         size_t limit, size_t offset)
{
    ud_meta_queue_flush(meta); /* this process's queued rows first */
    *out = NULL;
    *out_count = 0;
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(user_id))
        return 0;
    char limit_text[24], offset_text[24];
    ud_meta_sql_format_int(limit_text, (int64_t)limit);
    ud_meta_sql_format_int(offset_text, (int64_t)offset);
    const char *params[] = {org_id, user_id, limit_text, offset_text};
    /* is_saved is read as 1/0 so that both backends give the same text
     * ("t"/"f" on PostgreSQL would need another reading). */
    static const char *const conditions[] = {"", " AND is_saved", " AND NOT is_saved"};
    char sql[600];
    snprintf(sql, sizeof(sql),
             "SELECT id, user_id, api_key_id, query, results_count, response_time_ms, "
             "sources_used, CASE WHEN is_saved THEN 1 ELSE 0 END, ud_epoch(timestamp), kind, "
             "provider, model, route, input_tokens, output_tokens, cache_read_tokens, "
             "cache_write_tokens, cost_usd, citations_dropped, caller FROM search_history WHERE "
             "org_id = $1 AND user_id = $2%s ORDER BY timestamp DESC, id "
             "LIMIT $3 OFFSET $4",
             conditions[filter]);
    ud_sql_rows rows;
    int rc = ud_meta_sql_query(&rows, meta, arena, sql, params, 4);
    if (rc < 0)
        return rc;
    ud_history_entry *entries =
        ud_arena_alloc(arena, (rows.count ? rows.count : 1) * sizeof(*entries));
    for (size_t i = 0; i < rows.count; i++) {
        const char *const *c = &rows.cells[i * rows.columns];
        entries[i] = (ud_history_entry){
            .id = c[0],
            .user_id = c[1],
            .api_key_id = c[2],
            .query = c[3] ? c[3] : "",
            .results_count = ud_meta_sql_int(c[4], 0),
            .response_time_ms = ud_meta_sql_int(c[5], 0),
            .is_saved = ud_meta_sql_int(c[7], 0) != 0,
            .timestamp = ud_meta_sql_int(c[8], 0),
            .kind = c[9] ? c[9] : "search",
            .provider = c[10],
            .model = c[11],
            .route = c[12],
            .input_tokens = ud_meta_sql_int(c[13], 0),
            .output_tokens = ud_meta_sql_int(c[14], 0),
            .cache_read_tokens = ud_meta_sql_int(c[15], 0),
            .cache_write_tokens = ud_meta_sql_int(c[16], 0),
            .cost_usd = c[17] ? strtod(c[17], NULL) : 0,
            .citations_dropped = ud_meta_sql_int(c[18], 0),
            .caller = c[19],
        };
        parse_sources(&entries[i], arena, c[6]);
    }
    *out = entries;
    *out_count = rows.count;
    return 0;
}

int ud_meta_history_set_saved(ud_meta *meta, const char *org_id, const char *user_id,
                              const char *id, bool saved)
{
    ud_meta_queue_flush(meta); /* this process's queued rows first */
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(user_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no history entry '%s'", id ? id : "");
    const char *params[] = {id, org_id, user_id, saved ? "TRUE" : "FALSE"};
    return ud_meta_sql_change_one(
        meta,
        "UPDATE search_history SET is_saved = ($4 = 'TRUE') WHERE id = $1 AND "
        "org_id = $2 AND user_id = $3 RETURNING id",
        params, 4, "history entry", id);
}

int ud_meta_history_delete(ud_meta *meta, const char *org_id, const char *user_id, const char *id)
{
    ud_meta_queue_flush(meta); /* this process's queued rows first */
    if (!ud_meta_is_uuid(org_id) || !ud_meta_is_uuid(user_id) || !ud_meta_is_uuid(id))
        return ud_error_set(UD_ENOTFOUND, "no history entry '%s'", id ? id : "");
    const char *params[] = {id, org_id, user_id};
    return ud_meta_sql_change_one(
        meta,
        "DELETE FROM search_history WHERE id = $1 AND org_id = $2 AND user_id = $3 "
        "RETURNING id",
        params, 3, "history entry", id);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int ud_meta_usage(ud_usage *out, ud_meta *meta, ud_arena *arena, const char *org_id, int64_t since)
{
    ud_meta_queue_flush(meta); /* this process's queued rows first */
    memset(out, 0, sizeof(*out));
    if (!ud_meta_is_uuid(org_id))
        return 0;
    char since_text[24], max_asks[24];
    ud_meta_sql_format_int(since_text, since);
    ud_meta_sql_format_int(max_asks, UD_USAGE_MAX_ASKS);
    const char *params[] = {org_id, since_text, max_asks};
    ud_sql_rows days, costs;
    int rc = ud_meta_sql_query(
        &days, meta, arena,
        "SELECT ud_epoch(timestamp) / 86400 AS day, SUM(CASE WHEN kind = 'search' THEN 1 ELSE 0 "
        "END), SUM(CASE WHEN kind = 'ask' THEN 1 ELSE 0 END), SUM(input_tokens), "
        "SUM(output_tokens), SUM(cache_read_tokens), SUM(cost_usd) FROM search_history WHERE "
        "org_id = $1 AND timestamp >= to_timestamp($2) GROUP BY day ORDER BY day",
        params, 2);
    if (rc == 0)
        rc = ud_meta_sql_query(&costs, meta, arena,
                               "SELECT cost_usd FROM search_history WHERE org_id = $1 AND "
                               "timestamp >= to_timestamp($2) AND kind = 'ask' ORDER BY "
                               "timestamp DESC LIMIT $3",
                               params, 3);
    ud_sql_rows callers;
    if (rc == 0)
        rc = ud_meta_sql_query(&callers, meta, arena,
                               "SELECT caller, SUM(CASE WHEN kind = 'search' THEN 1 ELSE 0 END), "
                               "SUM(CASE WHEN kind = 'ask' THEN 1 ELSE 0 END) FROM search_history "
                               "WHERE org_id = $1 AND timestamp >= to_timestamp($2) GROUP BY "
                               "caller",
                               params, 2);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < callers.count; i++) {
        const char *caller = ud_sql_cell(&callers, i, 0);
        ud_usage_caller *c = NULL;
        if (caller && strcmp(caller, UD_CALLER_USER) == 0)
            c = &out->users;
        else if (caller && strcmp(caller, UD_CALLER_KEY) == 0)
            c = &out->keys;
        else if (caller && strcmp(caller, UD_CALLER_CLI) == 0)
            c = &out->cli;
        if (c)
            *c = (ud_usage_caller){.searches = ud_meta_sql_int(ud_sql_cell(&callers, i, 1), 0),
                                   .asks = ud_meta_sql_int(ud_sql_cell(&callers, i, 2), 0)};
    }
    out->days = ud_arena_alloc(arena, (days.count ? days.count : 1) * sizeof(*out->days));
    for (size_t i = 0; i < days.count; i++) {
        const char *const *c = &days.cells[i * days.columns];
        out->days[i] = (ud_usage_day){
            .day = ud_meta_sql_int(c[0], 0),
            .searches = ud_meta_sql_int(c[1], 0),
            .asks = ud_meta_sql_int(c[2], 0),
            .input_tokens = ud_meta_sql_int(c[3], 0),
            .output_tokens = ud_meta_sql_int(c[4], 0),
            .cache_read_tokens = ud_meta_sql_int(c[5], 0),
            .cost_usd = c[6] ? strtod(c[6], NULL) : 0,
        };
    }
    out->day_count = days.count;
    out->ask_costs = ud_arena_alloc(arena, (costs.count ? costs.count : 1) * sizeof(double));
    for (size_t i = 0; i < costs.count; i++)
        out->ask_costs[i] = ud_sql_cell(&costs, i, 0) ? strtod(ud_sql_cell(&costs, i, 0), NULL) : 0;
    out->ask_count = costs.count;
    qsort(out->ask_costs, out->ask_count, sizeof(double), compare_doubles);
    return 0;
}
