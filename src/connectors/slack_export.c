/*
 * The Slack workspace export importer: the zip (or its unzipped folder) that
 * a workspace admin downloads, mapped to the documents the live Slack
 * connector will produce.
 *
 * An export holds users.json, channels.json (public channels), groups.json
 * (private channels), mpims.json (group DMs) and dms.json (DMs) when those
 * were exported, and one folder per conversation (its name; a DM's id) with
 * one JSON array of messages per day ("2025-03-12.json").
 *
 * Documents, per conversation:
 *   - a thread (a message with replies, and all its replies, wherever the
 *     export's day files put them): "slack:thread:{channel_id}:{thread_ts}";
 *   - the other messages of a UTC day: "slack:conversation:{channel_id}:{day}".
 * Joins, leaves, integrations being added and similar notices are dropped;
 * bot posts keep their text and attachments. Authors are resolved to real
 * names (users.json), Slack markup (<@U1>, <#C1|name>, <https://x|label>) is
 * rendered readable; edits and files go into the metadata.
 *
 * Selection (the config): public channels by default; {"include_private":
 * true} adds private channels, group DMs and DMs; {"channels": [names or
 * ids]} selects exactly the conversations listed, of any kind.
 * ACL: a public channel is readable by the whole organisation
 * (UD_ACL_EVERYONE); any other conversation by its members' emails only.
 */
#include <ctype.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/mem.h"
#include "base/str.h"
#include "connectors/export.h"
#include "connectors/importers.h"
#include "doc/acl.h"
#include "doc/extract/extract_util.h"

/* Messages of one conversation beyond this fail the conversation. */
#define MAX_MESSAGES 2000000
#define TITLE_MAX 80

typedef enum { KIND_PUBLIC, KIND_PRIVATE, KIND_MPIM, KIND_IM } conv_kind;

static const char *const KIND_NAMES[] = {"public_channel", "private_channel", "mpim", "im"};

/* Files of the export listing conversations, and the kind each gives. */
static const struct {
    const char *file;
    conv_kind kind;
} LISTS[] = {
    {"channels.json", KIND_PUBLIC},
    {"groups.json", KIND_PRIVATE},
    {"mpims.json", KIND_MPIM},
    {"dms.json", KIND_IM},
};

/* Message subtypes that are notices about the channel, not conversation. */
static const char *const NOISE[] = {
    "channel_join",
    "channel_leave",
    "group_join",
    "group_leave",
    "channel_archive",
    "channel_unarchive",
    "group_archive",
    "group_unarchive",
    "channel_name",
    "group_name",
    "bot_add",
    "bot_remove",
    "bot_enable",
    "bot_disable",
    "pinned_item",
    "unpinned_item",
    "tombstone",
    "joiner_notification",
    "message_deleted",
    "reminder_add",
    "sh_room_created",
    "ekm_access_denied",
    "channel_convert_to_private",
};

typedef struct conversation {
    const char *id;
    const char *name;    /* channel name; NULL for DMs */
    const char *display; /* "#general", "DM: Ada Lovelace, Alan Turing" */
    conv_kind kind;
    json_t *info;    /* the object from the list file (borrowed from lists) */
    json_t *entries; /* array of export entry indexes of its day files */
} conversation;

typedef struct slack_ctx {
    ud_export *ex;
    json_t *config;
    const char *prefix; /* folder of channels.json inside the export, "" or "x/" */
    json_t *users;      /* id -> user object */
    json_t *lists;      /* file name -> parsed array (keeps the objects alive) */
    json_t *by_id;      /* conversation id -> name, for <#C1> */
    json_t *folders;    /* folder name -> array of entry indexes */
    conversation *convs;
    size_t conv_count;
    const char *host; /* "acme.slack.com" from the config, or NULL */
    const char *team; /* the workspace id (T…) that users.json names, or NULL */
    bool include_bots;
    size_t item_cap;
} slack_ctx;

/* One message kept while its conversation is read. */
typedef struct slack_msg {
    int64_t key;     /* ts in microseconds, the order */
    char ts[32];     /* "1452837352.000006" */
    char *thread_ts; /* malloc'd, NULL when not threaded */
    bool has_replies;
    char *json; /* the message object, compact (malloc'd) */
    size_t group;
} slack_msg;

typedef struct slack_group {
    bool thread;
    char part[40]; /* thread_ts or YYYY-MM-DD */
    size_t *msgs;
    size_t count, cap;
} slack_group;

/* ---- Names and markup ----------------------------------------------------------- */

static const char *user_name(const slack_ctx *c, const char *id)
{
    json_t *u = json_object_get(c->users, id ? id : "");
    if (!u)
        return NULL;
    json_t *profile = json_object_get(u, "profile");
    const char *candidates[] = {
        json_string_value(json_object_get(u, "real_name")),
        json_string_value(json_object_get(profile, "real_name")),
        json_string_value(json_object_get(profile, "display_name")),
        json_string_value(json_object_get(u, "name")),
    };
    for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
        if (candidates[i] && candidates[i][0])
            return candidates[i];
    return NULL;
}

static const char *user_email(const slack_ctx *c, const char *id)
{
    json_t *u = json_object_get(c->users, id ? id : "");
    const char *email = json_string_value(json_object_get(json_object_get(u, "profile"), "email"));
    return email && email[0] ? email : NULL;
}

/* Appends s[0..len) with Slack's three HTML entities decoded. */
static void put_decoded(ud_text_out *t, const char *s, size_t len)
{
    size_t i = 0, run = 0;
    while (i < len) {
        const char *rep = NULL;
        size_t skip = 0;
        if (s[i] == '&') {
            if (len - i >= 4 && memcmp(s + i, "&lt;", 4) == 0)
                rep = "<", skip = 4;
            else if (len - i >= 4 && memcmp(s + i, "&gt;", 4) == 0)
                rep = ">", skip = 4;
            else if (len - i >= 5 && memcmp(s + i, "&amp;", 5) == 0)
                rep = "&", skip = 5;
        }
        if (rep) {
            ud_text_out_append(t, s + run, i - run);
            ud_text_out_puts(t, rep);
            i += skip;
            run = i;
        } else {
            i++;
        }
    }
    ud_text_out_append(t, s + run, len - run);
}

/* One <...> element: users, channels, specials, links. */
static void put_element(ud_text_out *t, const slack_ctx *c, const char *s, size_t len)
{
    const char *bar = memchr(s, '|', len);
    size_t head = bar ? (size_t)(bar - s) : len;
    const char *label = bar ? bar + 1 : NULL;
    size_t label_len = bar ? len - head - 1 : 0;
    char id[64];
    if (len > 1 && s[0] == '@') {
        snprintf(id, sizeof(id), "%.*s", (int)(head - 1 < sizeof(id) ? head - 1 : 0), s + 1);
        const char *name = user_name(c, id);
        ud_text_out_puts(t, "@");
        if (name)
            ud_text_out_puts(t, name);
        else if (label_len)
            put_decoded(t, label, label_len);
        else
            ud_text_out_append(t, s + 1, head - 1);
        return;
    }
    if (len > 1 && s[0] == '#') {
        snprintf(id, sizeof(id), "%.*s", (int)(head - 1 < sizeof(id) ? head - 1 : 0), s + 1);
        const char *name = json_string_value(json_object_get(c->by_id, id));
        ud_text_out_puts(t, "#");
        if (label_len)
            put_decoded(t, label, label_len);
        else if (name)
            ud_text_out_puts(t, name);
        else
            ud_text_out_append(t, s + 1, head - 1);
        return;
    }
    if (len > 1 && s[0] == '!') {
        if (label_len) {
            put_decoded(t, label, label_len);
        } else {
            const char *word = s + 1;
            size_t wlen = head - 1;
            const char *caret = memchr(word, '^', wlen);
            if (caret)
                wlen = (size_t)(caret - word);
            ud_text_out_puts(t, "@");
            ud_text_out_append(t, word, wlen);
        }
        return;
    }
    /* A link: "label (url)", or the url alone; mailto: shows the address. */
    const char *url = s;
    size_t url_len = head;
    if (url_len > 7 && strncasecmp(url, "mailto:", 7) == 0) {
        url += 7;
        url_len -= 7;
        label_len = 0;
    }
    if (label_len && (label_len != url_len || memcmp(label, url, url_len) != 0)) {
        put_decoded(t, label, label_len);
        ud_text_out_puts(t, " (");
        put_decoded(t, url, url_len);
        ud_text_out_puts(t, ")");
    } else {
        put_decoded(t, url, url_len);
    }
}

/* Slack's message markup as readable text. */
static void put_mrkdwn(ud_text_out *t, const slack_ctx *c, const char *text)
{
    if (!text)
        return;
    size_t len = strlen(text), i = 0, run = 0;
    while (i < len) {
        if (text[i] == '<') {
            const char *close = memchr(text + i + 1, '>', len - i - 1);
            if (close) {
                put_decoded(t, text + run, i - run);
                put_element(t, c, text + i + 1, (size_t)(close - text) - i - 1);
                i = (size_t)(close - text) + 1;
                run = i;
                continue;
            }
        }
        i++;
    }
    put_decoded(t, text + run, len - run);
}

/* ---- Reading the export -------------------------------------------------------- */

/* Parses one listing file (users.json, channels.json, ...) if present:
 * *out stays NULL when the export has none. */
static int load_list(json_t **out, slack_ctx *c, const char *file)
{
    *out = NULL;
    char name[512];
    snprintf(name, sizeof(name), "%s%s", c->prefix, file);
    size_t i = ud_export_find(c->ex, name);
    if (i == SIZE_MAX)
        return 0;
    char *data = NULL;
    size_t len = 0;
    int rc = ud_export_read(&data, &len, c->ex, i);
    if (rc < 0)
        return rc;
    json_t *root = NULL;
    rc = ud_export_parse_json(&root, data, len, name);
    free(data);
    if (rc < 0)
        return rc;
    if (!json_is_array(root)) {
        json_decref(root);
        return ud_error_set(UD_ECORRUPT, "%s is not a JSON array", name);
    }
    *out = root;
    return 0;
}

/* The folder that holds channels.json or users.json (the shallowest). */
static const char *find_prefix(ud_export *ex, ud_arena *arena)
{
    const char *best = NULL;
    size_t best_depth = SIZE_MAX;
    for (size_t i = 0; i < ud_export_count(ex); i++) {
        const char *name = ud_export_name(ex, i);
        const char *slash = strrchr(name, '/');
        const char *base = slash ? slash + 1 : name;
        if (strcmp(base, "channels.json") != 0 && strcmp(base, "users.json") != 0)
            continue;
        size_t depth = 0;
        for (const char *p = name; *p; p++)
            depth += *p == '/';
        if (depth < best_depth) {
            best_depth = depth;
            best = ud_arena_strndup(arena, name, slash ? (size_t)(slash - name) + 1 : 0);
        }
    }
    return best;
}

static bool is_day_file(const char *base)
{
    /* YYYY-MM-DD.json */
    if (strlen(base) != 15 || strcmp(base + 10, ".json") != 0)
        return false;
    for (int i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? base[i] != '-' : (base[i] < '0' || base[i] > '9'))
            return false;
    }
    return true;
}

/* Day files by conversation folder. */
static void index_folders(slack_ctx *c)
{
    size_t plen = strlen(c->prefix);
    for (size_t i = 0; i < ud_export_count(c->ex); i++) {
        const char *name = ud_export_name(c->ex, i);
        if (strncmp(name, c->prefix, plen) != 0)
            continue;
        const char *rel = name + plen;
        const char *slash = strchr(rel, '/');
        if (!slash || strchr(slash + 1, '/') || !is_day_file(slash + 1))
            continue;
        char folder[512];
        snprintf(folder, sizeof(folder), "%.*s", (int)(slash - rel), rel);
        json_t *list = json_object_get(c->folders, folder);
        if (!list) {
            list = json_array();
            json_object_set_new(c->folders, folder, list);
        }
        json_array_append_new(list, json_integer((json_int_t)i));
    }
}

static int compare_convs(const void *a, const void *b)
{
    const conversation *x = a, *y = b;
    const char *kx = x->name ? x->name : x->id, *ky = y->name ? y->name : y->id;
    int d = strcmp(kx, ky);
    return d ? d : strcmp(x->id, y->id);
}

/* "DM: Ada Lovelace, Alan Turing" from the members' names. */
static const char *member_names(const slack_ctx *c, ud_arena *arena, json_t *info,
                                const char *label)
{
    ud_text_out t;
    ud_extract_limits lim = {.max_text_bytes = 4096};
    ud_text_out_init(&t, "names", &lim);
    ud_text_out_puts(&t, label);
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(info, "members"), i, m)
    {
        const char *id = json_string_value(m);
        const char *name = user_name(c, id);
        ud_text_out_puts(&t, i ? ", " : " ");
        ud_text_out_puts(&t, name ? name : (id ? id : "?"));
    }
    const char *out = ud_arena_strndup(arena, t.buf.ptr ? t.buf.ptr : "", t.buf.len);
    ud_text_out_dispose(&t);
    ud_error_clear();
    return out;
}

static bool selected(const slack_ctx *c, const conversation *conv)
{
    bool listed = false;
    if (ud_export_config_lists(c->config, "channels", conv->id, &listed))
        return true;
    if (conv->name && ud_export_config_lists(c->config, "channels", conv->name, NULL))
        return true;
    if (listed)
        return false;
    return conv->kind == KIND_PUBLIC || ud_export_config_bool(c->config, "include_private", false);
}

/* Reads users, the conversation lists and the folders; keeps the selected
 * conversations, in name order. */
/* Whether s looks like a Slack id (upper-case letters and digits, as
 * T0BMHLSRH or C1): only such a value goes into a link. */
static bool slack_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 24)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int load_export(slack_ctx *c, ud_arena *arena, const char *path, size_t total_cap)
{
    int rc = ud_export_open(&c->ex, path, c->item_cap, total_cap);
    if (rc < 0)
        return rc;
    c->prefix = find_prefix(c->ex, arena);
    if (!c->prefix)
        return ud_error_set(
            UD_EINVAL, "%s is not a Slack export: it has no channels.json or users.json", path);
    c->users = json_object();
    c->lists = json_object();
    c->by_id = json_object();
    c->folders = json_object();
    json_t *users = NULL;
    if ((rc = load_list(&users, c, "users.json")) < 0)
        return rc;
    size_t i;
    json_t *u;
    json_array_foreach(users, i, u)
    {
        const char *id = json_string_value(json_object_get(u, "id"));
        if (id)
            json_object_set(c->users, id, u);
        const char *team = json_string_value(json_object_get(u, "team_id"));
        if (!c->team && slack_id(team))
            c->team = ud_arena_strdup(arena, team);
    }
    json_decref(users);
    size_t cap = 0;
    for (size_t l = 0; l < sizeof(LISTS) / sizeof(LISTS[0]); l++) {
        json_t *list = NULL;
        if ((rc = load_list(&list, c, LISTS[l].file)) < 0)
            return rc;
        if (!list)
            continue;
        json_object_set_new(c->lists, LISTS[l].file, list);
        json_t *info;
        json_array_foreach(list, i, info)
        {
            const char *id = json_string_value(json_object_get(info, "id"));
            const char *name = json_string_value(json_object_get(info, "name"));
            if (!id || !id[0])
                continue;
            if (name && name[0])
                json_object_set_new(c->by_id, id, json_string(name));
            if (c->conv_count == cap) {
                cap = cap ? cap * 2 : 16;
                conversation *grown = ud_arena_alloc(arena, cap * sizeof(*grown));
                if (c->conv_count)
                    memcpy(grown, c->convs, c->conv_count * sizeof(*grown));
                c->convs = grown;
            }
            conversation *conv = &c->convs[c->conv_count++];
            conv->id = id;
            conv->name = LISTS[l].kind == KIND_IM || !name || !name[0] ? NULL : name;
            conv->kind = LISTS[l].kind;
            conv->info = info;
        }
    }
    index_folders(c);
    size_t kept = 0;
    for (size_t k = 0; k < c->conv_count; k++) {
        conversation *conv = &c->convs[k];
        if (!selected(c, conv))
            continue;
        if (conv->kind == KIND_MPIM)
            conv->display = member_names(c, arena, conv->info, "Group DM:");
        else if (conv->kind == KIND_IM)
            conv->display = member_names(c, arena, conv->info, "DM:");
        else
            conv->display = ud_arena_sprintf(arena, "#%s", conv->name ? conv->name : conv->id);
        /* Channels' folders carry their name, DMs' their id. */
        conv->entries = json_object_get(c->folders, conv->name ? conv->name : conv->id);
        if (!conv->entries)
            conv->entries = json_object_get(c->folders, conv->id);
        c->convs[kept++] = *conv;
    }
    c->conv_count = kept;
    if (c->conv_count > 1) /* qsort(NULL, 0) is undefined */
        qsort(c->convs, c->conv_count, sizeof(*c->convs), compare_convs);
    return 0;
}

static void dispose_ctx(slack_ctx *c)
{
    json_decref(c->users);
    json_decref(c->lists);
    json_decref(c->by_id);
    json_decref(c->folders);
    json_decref(c->config);
    ud_export_free(c->ex);
}

/* "1452837352.000006" as microseconds; false if it is not a Slack ts. */
static bool parse_ts(int64_t *out, const char *ts)
{
    if (!ts || !ts[0])
        return false;
    int64_t sec = 0, micro = 0;
    const char *p = ts;
    int digits = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (++digits > 12)
            return false;
        sec = sec * 10 + (*p - '0');
    }
    if (digits == 0)
        return false;
    if (*p == '.') {
        p++;
        int frac = 0;
        for (; *p >= '0' && *p <= '9'; p++) {
            if (frac < 6)
                micro = micro * 10 + (*p - '0');
            frac++;
        }
        for (; frac < 6; frac++)
            micro *= 10;
    }
    if (*p)
        return false;
    *out = sec * 1000000 + micro;
    return true;
}

static bool is_noise(const char *subtype)
{
    if (!subtype)
        return false;
    for (size_t i = 0; i < sizeof(NOISE) / sizeof(NOISE[0]); i++)
        if (strcmp(subtype, NOISE[i]) == 0)
            return true;
    return false;
}

static bool has_content(json_t *m)
{
    const char *text = json_string_value(json_object_get(m, "text"));
    return (text && text[0]) || json_array_size(json_object_get(m, "files")) > 0 ||
           json_is_object(json_object_get(m, "file")) ||
           json_array_size(json_object_get(m, "attachments")) > 0;
}

/* ---- One conversation -------------------------------------------------------------- */

typedef struct conv_state {
    slack_msg *msgs;
    size_t count, cap;
    slack_group *groups;
    size_t group_count;
    json_t *failures; /* array of [item, reason] */
} conv_state;

static void conv_state_dispose(conv_state *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->msgs[i].thread_ts);
        free(s->msgs[i].json);
    }
    free(s->msgs);
    for (size_t i = 0; i < s->group_count; i++)
        free(s->groups[i].msgs);
    free(s->groups);
    json_decref(s->failures);
}

static int compare_msgs(const void *a, const void *b)
{
    const slack_msg *x = a, *y = b;
    return x->key < y->key ? -1 : x->key > y->key;
}

static int keep_message(conv_state *s, const slack_ctx *c, json_t *m)
{
    if (!json_is_object(m) || json_is_true(json_object_get(m, "hidden")))
        return 0;
    const char *subtype = json_string_value(json_object_get(m, "subtype"));
    if (is_noise(subtype) || !has_content(m))
        return 0;
    if (!c->include_bots && (subtype && strcmp(subtype, "bot_message") == 0))
        return 0;
    const char *ts = json_string_value(json_object_get(m, "ts"));
    int64_t key;
    if (!parse_ts(&key, ts) || strlen(ts) >= sizeof(s->msgs[0].ts))
        return 0;
    if (s->count >= MAX_MESSAGES)
        return ud_error_set(UD_ELIMIT, "more than %d messages in one conversation", MAX_MESSAGES);
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 256;
        s->msgs = ud_realloc(s->msgs, s->cap * sizeof(*s->msgs));
    }
    slack_msg *sm = &s->msgs[s->count];
    memset(sm, 0, sizeof(*sm));
    sm->key = key;
    snprintf(sm->ts, sizeof(sm->ts), "%s", ts);
    const char *thread_ts = json_string_value(json_object_get(m, "thread_ts"));
    int64_t tkey;
    if (thread_ts && parse_ts(&tkey, thread_ts) && strlen(thread_ts) < 32)
        sm->thread_ts = ud_strdup(thread_ts);
    json_t *replies = json_object_get(m, "reply_count");
    sm->has_replies = (json_is_integer(replies) && json_integer_value(replies) > 0) ||
                      json_array_size(json_object_get(m, "replies")) > 0;
    sm->json = json_dumps(m, JSON_COMPACT);
    if (!sm->json)
        return 0;
    s->count++;
    return 0;
}

/* Reads the conversation's day files; a file that cannot be read is noted
 * as a failure of its own. */
static int read_conversation(conv_state *s, slack_ctx *c, const conversation *conv)
{
    s->failures = json_array();
    size_t i;
    json_t *idx;
    json_array_foreach(conv->entries, i, idx)
    {
        size_t e = (size_t)json_integer_value(idx);
        const char *name = ud_export_name(c->ex, e);
        char *data = NULL;
        size_t len = 0;
        json_t *day = NULL;
        int rc = ud_export_read(&data, &len, c->ex, e);
        if (rc == 0) {
            rc = ud_export_parse_json(&day, data, len, name);
            free(data);
        }
        if (rc == 0 && !json_is_array(day)) {
            json_decref(day);
            rc = ud_error_set(UD_ECORRUPT, "%s is not a JSON array of messages", name);
        }
        if (rc < 0) {
            json_array_append_new(s->failures, json_pack("[ss]", name, ud_error_last()));
            ud_error_clear();
            continue;
        }
        size_t k;
        json_t *m;
        json_array_foreach(day, k, m)
        {
            if ((rc = keep_message(s, c, m)) < 0)
                break;
        }
        json_decref(day);
        if (rc < 0)
            return rc;
    }
    if (s->count > 1) /* qsort(NULL, 0) is undefined, and no messages leave msgs NULL */
        qsort(s->msgs, s->count, sizeof(*s->msgs), compare_msgs);
    /* The same message twice (overlapping exports): the first is kept. */
    size_t kept = 0;
    for (size_t k = 0; k < s->count; k++) {
        if (kept && s->msgs[kept - 1].key == s->msgs[k].key &&
            strcmp(s->msgs[kept - 1].ts, s->msgs[k].ts) == 0) {
            free(s->msgs[k].thread_ts);
            free(s->msgs[k].json);
            continue;
        }
        s->msgs[kept++] = s->msgs[k];
    }
    s->count = kept;
    return 0;
}

static void group_add(slack_group *g, size_t msg)
{
    if (g->count == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 16;
        g->msgs = ud_realloc(g->msgs, g->cap * sizeof(*g->msgs));
    }
    g->msgs[g->count++] = msg;
}

/* Threads and day windows, in the order of their first message. */
static void group_messages(conv_state *s)
{
    json_t *replied = json_object(); /* thread_ts values that have replies */
    for (size_t i = 0; i < s->count; i++)
        if (s->msgs[i].thread_ts && strcmp(s->msgs[i].thread_ts, s->msgs[i].ts) != 0)
            json_object_set_new(replied, s->msgs[i].thread_ts, json_true());
    json_t *index = json_object(); /* "t:ts" / "d:day" -> group */
    s->groups = ud_calloc(s->count ? s->count : 1, sizeof(*s->groups));
    for (size_t i = 0; i < s->count; i++) {
        slack_msg *m = &s->msgs[i];
        bool thread = m->thread_ts && (strcmp(m->thread_ts, m->ts) != 0 || m->has_replies ||
                                       json_object_get(replied, m->thread_ts));
        char part[40], key[48];
        if (thread)
            snprintf(part, sizeof(part), "%s", m->thread_ts);
        else
            ud_export_day(part, m->key / 1000000);
        snprintf(key, sizeof(key), "%c:%s", thread ? 't' : 'd', part);
        json_t *at = json_object_get(index, key);
        size_t g;
        if (at) {
            g = (size_t)json_integer_value(at);
        } else {
            g = s->group_count++;
            s->groups[g].thread = thread;
            snprintf(s->groups[g].part, sizeof(s->groups[g].part), "%s", part);
            json_object_set_new(index, key, json_integer((json_int_t)g));
        }
        m->group = g;
        group_add(&s->groups[g], i);
    }
    json_decref(index);
    json_decref(replied);
}

/* "2025-03-12 09:14 UTC" */
static void format_time(char out[32], int64_t seconds)
{
    if (seconds < 0)
        seconds = 0;
    if (seconds > 253402300799)
        seconds = 253402300799;
    time_t t = (time_t)seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    if (strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        out[0] = '\0';
}

static const char *author_of(const slack_ctx *c, json_t *m, ud_arena *arena)
{
    const char *user = json_string_value(json_object_get(m, "user"));
    const char *name = user_name(c, user);
    if (name)
        return name;
    const char *username = json_string_value(json_object_get(m, "username"));
    if (!username)
        username = json_string_value(json_object_get(json_object_get(m, "bot_profile"), "name"));
    if (username && username[0])
        return ud_arena_strdup(arena, username);
    if (user)
        return ud_arena_strdup(arena, user);
    const char *bot = json_string_value(json_object_get(m, "bot_id"));
    return bot ? ud_arena_strdup(arena, bot) : "unknown";
}

static void put_file(ud_text_out *t, json_t *f, json_t *files_meta)
{
    const char *name = json_string_value(json_object_get(f, "name"));
    const char *title = json_string_value(json_object_get(f, "title"));
    const char *mimetype = json_string_value(json_object_get(f, "mimetype"));
    const char *url = json_string_value(json_object_get(f, "url_private"));
    const char *id = json_string_value(json_object_get(f, "id"));
    if (!name && !title)
        return;
    ud_text_out_puts(t, "File: ");
    ud_text_out_puts(t, name ? name : title);
    if (title && name && strcmp(title, name) != 0) {
        ud_text_out_puts(t, " (");
        ud_text_out_puts(t, title);
        ud_text_out_puts(t, ")");
    }
    ud_text_out_break(t, 1);
    json_t *meta = json_object();
    if (id)
        json_object_set_new(meta, "id", json_string(id));
    if (name)
        json_object_set_new(meta, "name", json_string(name));
    if (title)
        json_object_set_new(meta, "title", json_string(title));
    if (mimetype)
        json_object_set_new(meta, "mimetype", json_string(mimetype));
    if (url)
        json_object_set_new(meta, "url_private", json_string(url));
    json_array_append_new(files_meta, meta);
}

static void put_attachment(ud_text_out *t, const slack_ctx *c, json_t *a)
{
    static const char *const PARTS[] = {"pretext", "title", "text"};
    bool any = false;
    for (size_t i = 0; i < 3; i++) {
        const char *s = json_string_value(json_object_get(a, PARTS[i]));
        if (s && s[0]) {
            put_mrkdwn(t, c, s);
            ud_text_out_break(t, 1);
            any = true;
        }
    }
    size_t i;
    json_t *field;
    json_array_foreach(json_object_get(a, "fields"), i, field)
    {
        const char *title = json_string_value(json_object_get(field, "title"));
        const char *value = json_string_value(json_object_get(field, "value"));
        if (!value || !value[0])
            continue;
        if (title && title[0]) {
            ud_text_out_puts(t, title);
            ud_text_out_puts(t, ": ");
        }
        put_mrkdwn(t, c, value);
        ud_text_out_break(t, 1);
        any = true;
    }
    const char *fallback = json_string_value(json_object_get(a, "fallback"));
    if (!any && fallback && fallback[0]) {
        put_mrkdwn(t, c, fallback);
        ud_text_out_break(t, 1);
    }
}

typedef struct doc_parts {
    ud_text_out text;
    json_t *participants; /* [{"id","name","email"}] */
    json_t *seen;         /* id -> true */
    json_t *edits;
    json_t *files;
    json_t *raw_messages;
    const char *first_author;
    const char *first_text; /* rendered text of the first message */
    int64_t created, updated;
} doc_parts;

static void note_participant(doc_parts *p, const slack_ctx *c, json_t *m, const char *name)
{
    const char *user = json_string_value(json_object_get(m, "user"));
    const char *key = user ? user : name;
    if (json_object_get(p->seen, key))
        return;
    json_object_set_new(p->seen, key, json_true());
    json_t *who = json_object();
    if (user)
        json_object_set_new(who, "id", json_string(user));
    json_object_set_new(who, "name", json_string(name));
    const char *email = user_email(c, user);
    if (email)
        json_object_set_new(who, "email", json_string(email));
    json_array_append_new(p->participants, who);
}

/* One message as a block of the document text:
 *     Ada Lovelace (2025-03-12 09:14 UTC):
 *     the text, markup rendered
 *     File: plan.pdf (Rollout plan)
 *     (edited) */
static void put_message(doc_parts *p, const slack_ctx *c, ud_arena *arena, const slack_msg *sm)
{
    json_t *m = json_loads(sm->json, 0, NULL);
    if (!m)
        return;
    json_array_append(p->raw_messages, m);
    const char *name = author_of(c, m, arena);
    note_participant(p, c, m, name);
    int64_t seconds = sm->key / 1000000;
    if (!p->created || seconds < p->created)
        p->created = seconds;
    if (seconds > p->updated)
        p->updated = seconds;
    char when[32];
    format_time(when, seconds);
    ud_text_out_break(&p->text, 2);
    ud_text_out_puts(&p->text, name);
    ud_text_out_puts(&p->text, " (");
    ud_text_out_puts(&p->text, when);
    ud_text_out_puts(&p->text, "):\n");
    size_t body_start = p->text.buf.len;
    const char *subtype = json_string_value(json_object_get(m, "subtype"));
    const char *text = json_string_value(json_object_get(m, "text"));
    /* A file share's text only repeats the file's name: the File: line says it. */
    bool file_notice = subtype && strcmp(subtype, "file_share") == 0 &&
                       (json_is_object(json_object_get(m, "file")) ||
                        json_array_size(json_object_get(m, "files")) > 0) &&
                       text && strstr(text, "uploaded a file");
    if (text && text[0] && !file_notice) {
        put_mrkdwn(&p->text, c, text);
        ud_text_out_break(&p->text, 1);
    }
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(m, "attachments"), i, a) put_attachment(&p->text, c, a);
    json_t *f;
    json_array_foreach(json_object_get(m, "files"), i, f) put_file(&p->text, f, p->files);
    if (json_is_object(json_object_get(m, "file")))
        put_file(&p->text, json_object_get(m, "file"), p->files);
    if (!p->first_text && p->text.buf.len > body_start)
        p->first_text = ud_export_title(arena, p->text.buf.ptr + body_start,
                                        p->text.buf.len - body_start, TITLE_MAX);
    if (!p->first_author)
        p->first_author = name;
    json_t *edited = json_object_get(m, "edited");
    if (json_is_object(edited)) {
        ud_text_out_puts(&p->text, "(edited)\n");
        const char *ets = json_string_value(json_object_get(edited, "ts"));
        const char *euser = json_string_value(json_object_get(edited, "user"));
        int64_t ekey;
        json_t *edit = json_object();
        json_object_set_new(edit, "ts", json_string(sm->ts));
        if (ets && parse_ts(&ekey, ets)) {
            json_object_set_new(edit, "edited_ts", json_string(ets));
            if (ekey / 1000000 > p->updated)
                p->updated = ekey / 1000000;
        }
        const char *ename = user_name(c, euser);
        if (ename || euser)
            json_object_set_new(edit, "edited_by", json_string(ename ? ename : euser));
        json_array_append_new(p->edits, edit);
    }
    json_decref(m);
}

/* The conversation's ACL: everyone for a public channel, else the members
 * who have an email, as user principals. Sorted, without duplicates. */
static void conversation_acl(const slack_ctx *c, const conversation *conv, ud_arena *arena,
                             const char ***out, size_t *out_count)
{
    if (conv->kind == KIND_PUBLIC) {
        const char **acl = ud_arena_alloc(arena, sizeof(*acl));
        acl[0] = UD_ACL_EVERYONE;
        *out = acl;
        *out_count = 1;
        return;
    }
    json_t *members = json_object_get(conv->info, "members");
    size_t n = json_array_size(members), count = 0;
    const char **acl = ud_arena_alloc(arena, (n ? n : 1) * sizeof(*acl));
    for (size_t i = 0; i < n; i++) {
        const char *email = user_email(c, json_string_value(json_array_get(members, i)));
        const char *principal = email ? ud_acl_user(arena, email) : NULL;
        if (!principal)
            continue;
        size_t at = 0;
        while (at < count && strcmp(acl[at], principal) < 0)
            at++;
        if (at < count && strcmp(acl[at], principal) == 0)
            continue;
        memmove(acl + at + 1, acl + at, (count - at) * sizeof(*acl));
        acl[at] = principal;
        count++;
    }
    *out = acl;
    *out_count = count;
}

/* The link back to a message. A message's own permalink needs the
 * workspace's domain, which an export does not hold: it comes from the
 * config's "workspace". Without it, the workspace id that users.json
 * names gives a link that opens the conversation (Slack's app_redirect
 * deep link, by channel and team id), not the message; with neither there
 * is no link, and test_connection says why. */
static const char *permalink(const slack_ctx *c, ud_arena *arena, const char *channel,
                             const char *ts)
{
    if (!c->host)
        return c->team && slack_id(channel)
                   ? ud_arena_sprintf(arena, "https://slack.com/app_redirect?team=%s&channel=%s",
                                      c->team, channel)
                   : NULL;
    char digits[32];
    size_t n = 0;
    for (const char *p = ts; *p && n + 1 < sizeof(digits); p++)
        if (*p != '.')
            digits[n++] = *p;
    digits[n] = '\0';
    return ud_arena_sprintf(arena, "https://%s/archives/%s/p%s", c->host, channel, digits);
}

static int emit_group(ud_export_emitter *em, slack_ctx *c, const conversation *conv, conv_state *s,
                      const slack_group *g)
{
    ud_arena *arena = &em->arena;
    doc_parts p;
    memset(&p, 0, sizeof(p));
    ud_extract_limits lim = {.max_text_bytes = c->item_cap};
    ud_text_out_init(&p.text, conv->display, &lim);
    p.participants = json_array();
    p.seen = json_object();
    p.edits = json_array();
    p.files = json_array();
    p.raw_messages = json_array();
    const char *kind = KIND_NAMES[conv->kind];
    ud_text_out_puts(&p.text, conv->kind == KIND_PUBLIC || conv->kind == KIND_PRIVATE
                                  ? "Channel: "
                                  : "Conversation: ");
    ud_text_out_puts(&p.text, conv->display);
    ud_text_out_break(&p.text, 1);
    for (size_t i = 0; i < g->count; i++)
        put_message(&p, c, arena, &s->msgs[g->msgs[i]]);

    ud_source_document sd;
    memset(&sd, 0, sizeof(sd));
    ud_document *d = &sd.doc;
    const slack_msg *first = &s->msgs[g->msgs[0]];
    char created_day[11];
    ud_export_day(created_day, first->key / 1000000);
    if (g->thread) {
        d->source_key = ud_arena_sprintf(arena, "slack:thread:%s:%s", conv->id, g->part);
        /* The parent's own text names a thread, when the export has it. */
        bool has_parent = strcmp(first->ts, g->part) == 0;
        d->title = has_parent && p.first_text
                       ? ud_arena_sprintf(arena, "%s thread: %s", conv->display, p.first_text)
                       : ud_arena_sprintf(arena, "%s thread, %s", conv->display, created_day);
        d->url = permalink(c, arena, conv->id, g->part);
    } else {
        d->source_key = ud_arena_sprintf(arena, "slack:conversation:%s:%s", conv->id, g->part);
        d->title = ud_arena_sprintf(arena, "%s, %s", conv->display, g->part);
        d->url = permalink(c, arena, conv->id, first->ts);
    }
    d->source_type = "slack";
    d->author = p.first_author;
    d->file_type = "json";
    d->created_at = p.created;
    d->updated_at = p.updated;
    conversation_acl(c, conv, arena, &d->acl, &d->acl_count);

    json_t *meta = json_object();
    if (conv->name)
        json_object_set_new(meta, "channel", json_string(conv->name));
    json_object_set_new(meta, "channel_id", json_string(conv->id));
    json_object_set_new(meta, "channel_type", json_string(kind));
    json_object_set_new(meta, "conversation", json_string(conv->display));
    if (g->thread)
        json_object_set_new(meta, "thread_ts", json_string(g->part));
    else
        json_object_set_new(meta, "date", json_string(g->part));
    json_object_set_new(meta, "message_count", json_integer((json_int_t)g->count));
    json_object_set_new(meta, "participants", p.participants);
    json_object_set_new(meta, "edits", p.edits);
    json_object_set_new(meta, "files", p.files);
    d->metadata_json = ud_export_json(arena, meta);

    json_t *raw = json_pack("{s{ssssss*}so}", "channel", "id", conv->id, "type", kind, "name",
                            conv->name, "messages", p.raw_messages);
    const char *raw_text = ud_export_json(arena, raw);
    sd.raw = raw_text;
    sd.raw_len = strlen(raw_text);
    sd.raw_id = ud_export_raw_id(arena, d->source_key, ".json");

    int rc = ud_export_emit_text(em, &sd, &p.text, d->source_key);
    json_decref(p.seen);
    ud_text_out_dispose(&p.text);
    return rc;
}

static int sync_conversation(ud_export_emitter *em, slack_ctx *c, const conversation *conv)
{
    conv_state s;
    memset(&s, 0, sizeof(s));
    int rc = read_conversation(&s, c, conv);
    if (rc < 0) {
        /* Too big to hold: the conversation fails as one unit. */
        int n = ud_export_next(em);
        if (n > 0)
            ud_export_fail(em, conv->display, ud_error_last());
        ud_error_clear();
        conv_state_dispose(&s);
        return n < 0 ? n : 0;
    }
    group_messages(&s);
    size_t i;
    json_t *f;
    json_array_foreach(s.failures, i, f)
    {
        int n = ud_export_next(em);
        if (n < 0) {
            rc = n;
            goto done;
        }
        if (n > 0)
            ud_export_fail(em, json_string_value(json_array_get(f, 0)),
                           json_string_value(json_array_get(f, 1)));
    }
    for (size_t g = 0; g < s.group_count; g++) {
        int n = ud_export_next(em);
        if (n < 0) {
            rc = n;
            goto done;
        }
        if (n == 0)
            continue;
        if ((rc = emit_group(em, c, conv, &s, &s.groups[g])) < 0)
            goto done;
    }
done:
    conv_state_dispose(&s);
    return rc;
}

/* ---- The connector ------------------------------------------------------------------- */

static int open_ctx(slack_ctx *c, ud_arena *arena, const ud_source_config *config)
{
    memset(c, 0, sizeof(*c));
    int rc = ud_export_config(&c->config, config);
    if (rc < 0)
        return rc;
    const char *path = ud_export_config_string(c->config, "path");
    if (!path)
        return ud_error_set(UD_EINVAL,
                            "the Slack export source needs a \"path\" (a folder or zip)");
    const char *ws = ud_export_config_string(c->config, "workspace");
    if (ws) {
        if (strncmp(ws, "https://", 8) == 0)
            ws += 8;
        size_t n = strcspn(ws, "/");
        c->host = memchr(ws, '.', n) ? ud_arena_strndup(arena, ws, n)
                                     : ud_arena_sprintf(arena, "%.*s.slack.com", (int)n, ws);
    }
    c->include_bots = ud_export_config_bool(c->config, "include_bots", true);
    c->item_cap = ud_export_item_cap(config);
    return load_export(c, arena, path, ud_export_total_cap(config));
}

static int slack_test_connection(const ud_source_config *config, char *message, size_t size)
{
    ud_arena arena;
    ud_arena_init(&arena);
    slack_ctx c;
    int rc = open_ctx(&c, &arena, config);
    if (rc < 0) {
        snprintf(message, size, "%s", ud_error_last());
    } else {
        size_t days = 0;
        for (size_t i = 0; i < c.conv_count; i++)
            days += json_array_size(c.convs[i].entries);
        const char *links =
            c.host   ? "links to each message"
            : c.team ? "links open the conversation, not the message (set \"workspace\" for "
                       "message links)"
                     : "no links: the export names no workspace id (set \"workspace\")";
        snprintf(message, size,
                 "Slack export: %zu users, %zu conversations selected, %zu day files to read; %s",
                 json_object_size(c.users), c.conv_count, days, links);
    }
    dispose_ctx(&c);
    ud_arena_dispose(&arena);
    return rc;
}

static int slack_sync(const ud_source_config *config, ud_arena *arena, const ud_sync_sink *sink)
{
    slack_ctx c;
    int rc = open_ctx(&c, arena, config);
    if (rc < 0) {
        dispose_ctx(&c);
        return rc;
    }
    ud_export_emitter em;
    ud_export_emitter_init(&em, sink, config, ud_export_fingerprint(c.ex));
    /* Conversations the config names that the export does not have. */
    size_t i;
    json_t *want;
    json_array_foreach(json_object_get(c.config, "channels"), i, want)
    {
        const char *w = json_string_value(want);
        bool found = false;
        for (size_t k = 0; w && k < c.conv_count && !found; k++)
            found = strcasecmp(c.convs[k].id, w) == 0 ||
                    (c.convs[k].name && strcasecmp(c.convs[k].name, w) == 0);
        if (found || !w)
            continue;
        int n = ud_export_next(&em);
        if (n < 0) {
            rc = n;
            goto done;
        }
        if (n > 0)
            ud_export_fail(&em, w, "selected in the config but not in the export");
    }
    for (size_t k = 0; k < c.conv_count; k++)
        if ((rc = sync_conversation(&em, &c, &c.convs[k])) < 0)
            goto done;
    rc = ud_export_finish(&em);
done:
    ud_export_emitter_dispose(&em);
    dispose_ctx(&c);
    return rc;
}

const ud_connector ud_connector_slack_export = {
    .type = "slack_export",
    .data_source_type = "slack",
    .source_type = "slack",
    .summary = "a Slack workspace export (zip or folder): threads and daily conversations",
    .test_connection = slack_test_connection,
    .sync = slack_sync,
    .webhook = NULL,
};
