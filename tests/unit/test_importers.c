/*
 * Tests of the offline importers (Slack export, Gmail mbox, Notion export,
 * Salesforce export): each runs on fixtures written here, into a sink that
 * keeps copies of what it is given, and the tests check the exact ids,
 * titles, ACLs, text and metadata, the selection rules, the checkpoints and
 * resuming, and that bad input fails one item with a reason.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/crypto.h"
#include "connectors/csv.h"
#include "connectors/export.h"
#include "connectors/importers.h"
#include "test.h"

/* ---- A sink that keeps copies ---------------------------------------------------- */

typedef struct collected {
    json_t *docs;        /* [{"key", "title", ...}] */
    json_t *units;       /* ["doc:<key>" | "fail:<item>"] in order */
    json_t *failed;      /* [[item, reason]] */
    json_t *checkpoints; /* [text] */
    size_t stop_after;   /* refuse the document after this many (0: never) */
} collected;

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

static int on_document(const ud_source_document *sd, void *payload)
{
    collected *c = payload;
    if (c->stop_after && json_array_size(c->docs) == c->stop_after)
        return UD_ECANCELED; /* the process "dies" here */
    const ud_document *d = &sd->doc;
    json_t *acl = json_array();
    for (size_t i = 0; i < d->acl_count; i++)
        json_array_append_new(acl, json_string(d->acl[i]));
    json_t *meta = json_loads(d->metadata_json, 0, NULL);
    UD_CHECK(meta != NULL);
    UD_CHECK(d->text != NULL && strlen(d->text) == d->text_len);
    UD_CHECK(strlen(d->content_hash) == UD_SHA256_HEX_LEN);
    json_t *doc = json_object();
    json_object_set_new(doc, "key", json_string(d->source_key));
    json_object_set_new(doc, "source_type", json_string(d->source_type));
    json_object_set_new(doc, "title", opt_string(d->title));
    json_object_set_new(doc, "url", opt_string(d->url));
    json_object_set_new(doc, "path", opt_string(d->path));
    json_object_set_new(doc, "author", opt_string(d->author));
    json_object_set_new(doc, "file_type", opt_string(d->file_type));
    json_object_set_new(doc, "created_at", json_integer(d->created_at));
    json_object_set_new(doc, "updated_at", json_integer(d->updated_at));
    json_object_set_new(doc, "text", json_stringn(d->text, d->text_len));
    json_object_set_new(doc, "meta", meta);
    json_object_set_new(doc, "acl", acl);
    json_object_set_new(doc, "hash", json_string(d->content_hash));
    json_object_set_new(doc, "raw", json_stringn(sd->raw ? sd->raw : "", sd->raw_len));
    json_object_set_new(doc, "raw_id", opt_string(sd->raw_id));
    json_array_append_new(c->docs, doc);
    char unit[600];
    snprintf(unit, sizeof(unit), "doc:%s", d->source_key);
    json_array_append_new(c->units, json_string(unit));
    return 0;
}

static int on_deleted(const char *key, void *payload)
{
    (void)key;
    (void)payload;
    return 0;
}

static int on_checkpoint(const char *cp, void *payload)
{
    collected *c = payload;
    json_t *parsed = json_loads(cp, 0, NULL);
    UD_CHECK(json_is_object(parsed));
    json_decref(parsed);
    json_array_append_new(c->checkpoints, json_string(cp));
    return 0;
}

static void on_failed(const char *item, const char *reason, void *payload)
{
    collected *c = payload;
    json_array_append_new(c->failed, json_pack("[ss]", item, reason));
    char unit[600];
    snprintf(unit, sizeof(unit), "fail:%s", item);
    json_array_append_new(c->units, json_string(unit));
}

static void collected_init(collected *c)
{
    c->docs = json_array();
    c->units = json_array();
    c->failed = json_array();
    c->checkpoints = json_array();
    c->stop_after = 0;
}

static void collected_dispose(collected *c)
{
    json_decref(c->docs);
    json_decref(c->units);
    json_decref(c->failed);
    json_decref(c->checkpoints);
}

static int run_with(collected *out, const ud_connector *conn, const char *config_json,
                    const char *checkpoint, size_t max_item, size_t max_total)
{
    ud_sync_sink sink = {.document = on_document,
                         .deleted = on_deleted,
                         .checkpoint = on_checkpoint,
                         .failed = on_failed,
                         .payload = out};
    ud_source_config cfg = {"src-1", "org-1", config_json, "{}", checkpoint, max_item, max_total};
    ud_arena arena;
    ud_arena_init(&arena);
    int rc = conn->sync(&cfg, &arena, &sink);
    ud_arena_dispose(&arena);
    return rc;
}

static int run(collected *out, const ud_connector *conn, const char *config_json,
               const char *checkpoint)
{
    return run_with(out, conn, config_json, checkpoint, 0, 0);
}

/* The document with `key`, or NULL. */
static json_t *doc_of(const collected *c, const char *key)
{
    size_t i;
    json_t *d;
    json_array_foreach(c->docs, i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "key")), key) == 0)
            return d;
    }
    return NULL;
}

static json_t *must_doc(const collected *c, const char *key)
{
    json_t *d = doc_of(c, key);
    if (!d)
        ud_test_fail(__FILE__, __LINE__, "no document %s", key);
    return d;
}

static const char *str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The document's keys, "a;b;c;". */
static void keys_of(char *out, size_t size, const collected *c)
{
    out[0] = '\0';
    size_t i;
    json_t *d;
    json_array_foreach(c->docs, i, d)
    {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s;", str(d, "key"));
    }
}

/* The ACL as "a,b". */
static void acl_of(char *out, size_t size, json_t *doc)
{
    out[0] = '\0';
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(doc, "acl"), i, p)
    {
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", i ? "," : "", json_string_value(p));
    }
}

static size_t count_of(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static const char *config_for(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A config from a format (in one of four rotating buffers). */
static const char *config_for(const char *fmt, ...)
{
    static char buf[4][2048];
    static int next;
    char *out = buf[next++ % 4];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, sizeof(buf[0]), fmt, ap);
    va_end(ap);
    return out;
}

/* The "export" fingerprint of a run's last checkpoint. */
static const char *fingerprint_of(const collected *c)
{
    static char fp[64];
    json_t *last = json_loads(
        json_string_value(json_array_get(c->checkpoints, json_array_size(c->checkpoints) - 1)), 0,
        NULL);
    snprintf(fp, sizeof(fp), "%s", str(last, "export"));
    json_decref(last);
    return fp;
}

/* Resuming at every position gives exactly the rest of the full run: the
 * last units of it, fewer as the position grows (a unit that emits nothing,
 * such as a message filtered out, is still a position), none at the end. */
static void check_resume_everywhere(const ud_connector *conn, const char *config,
                                    const collected *full)
{
    size_t units = json_array_size(full->units);
    json_t *last = json_loads(json_string_value(json_array_get(
                                  full->checkpoints, json_array_size(full->checkpoints) - 1)),
                              0, NULL);
    size_t positions = (size_t)json_integer_value(json_object_get(last, "position"));
    json_decref(last);
    UD_CHECK(units > 0 && positions >= units);
    size_t previous = units;
    for (size_t pos = 0; pos <= positions; pos++) {
        char cp[256];
        snprintf(cp, sizeof(cp), "{\"position\":%zu,\"export\":\"%s\",\"complete\":false}", pos,
                 fingerprint_of(full));
        collected part;
        collected_init(&part);
        UD_CHECK_OK(run(&part, conn, config, cp));
        size_t got = json_array_size(part.units);
        if (positions == units)
            UD_CHECK_EQ_INT(units - pos, got);
        UD_CHECK(got <= previous && (pos > 0 || got == units) && (pos < positions || got == 0));
        for (size_t i = 0; i < got; i++)
            UD_CHECK_EQ_STR(json_string_value(json_array_get(full->units, units - got + i)),
                            json_string_value(json_array_get(part.units, i)));
        previous = got;
        collected_dispose(&part);
    }
    /* A complete checkpoint, or one of another export, starts over. */
    for (size_t k = 0; k < 2; k++) {
        char cp[256];
        if (k == 0)
            snprintf(cp, sizeof(cp), "{\"position\":1,\"export\":\"%s\",\"complete\":true}",
                     fingerprint_of(full));
        else
            snprintf(cp, sizeof(cp),
                     "{\"position\":1,\"export\":\"0000000000000000\",\"complete\":false}");
        collected again;
        collected_init(&again);
        UD_CHECK_OK(run(&again, conn, config, cp));
        UD_CHECK_EQ_INT(units, json_array_size(again.units));
        collected_dispose(&again);
    }
}

static void write_zip(const char *path, const char *const *names, const char *const *data,
                      size_t count)
{
    int err = 0;
    zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
    UD_CHECK(za != NULL);
    for (size_t i = 0; i < count; i++) {
        zip_source_t *src = zip_source_buffer(za, data[i], strlen(data[i]), 0);
        UD_CHECK(src != NULL);
        UD_CHECK(zip_file_add(za, names[i], src, ZIP_FL_OVERWRITE) >= 0);
    }
    UD_CHECK(zip_close(za) == 0);
}

static int test_connection(const ud_connector *conn, const char *config_json, char *message,
                           size_t size)
{
    ud_source_config cfg = {"src-1", "org-1", config_json, "{}", NULL, 0, 0};
    return conn->test_connection(&cfg, message, size);
}

/* ---- Slack ------------------------------------------------------------------------- */

static const char *const SLACK_NAMES[] = {
    "users.json",
    "channels.json",
    "groups.json",
    "dms.json",
    "general/2025-03-12.json",
    "general/2025-03-13.json",
    "atlas-eng/2025-03-12.json",
    "atlas-eng/2025-03-13.json",
    "leadership/2025-03-12.json",
    "D0001/2025-03-12.json",
    "integration_logs.json",
};

static const char *const SLACK_DATA[] = {
    /* users.json */
    "[{\"id\":\"U1\",\"name\":\"ada\",\"real_name\":\"Ada Lovelace\",\"profile\":{\"real_name\":"
    "\"Ada Lovelace\",\"email\":\"ada@northwind.example\"}},"
    "{\"id\":\"U2\",\"name\":\"alan\",\"profile\":{\"real_name\":\"Alan Turing\",\"email\":"
    "\"alan@northwind.example\"}},"
    "{\"id\":\"U3\",\"name\":\"grace\",\"real_name\":\"Grace Hopper\",\"profile\":{\"email\":"
    "\"grace@northwind.example\"}},"
    "{\"id\":\"B1\",\"name\":\"deploybot\",\"is_bot\":true,\"profile\":{}}]",
    /* channels.json */
    "[{\"id\":\"C1\",\"name\":\"general\",\"members\":[\"U1\",\"U2\",\"U3\"]},"
    "{\"id\":\"C2\",\"name\":\"atlas-eng\",\"members\":[\"U1\",\"U2\"]}]",
    /* groups.json */
    "[{\"id\":\"G1\",\"name\":\"leadership\",\"members\":[\"U3\",\"U1\",\"B1\"]}]",
    /* dms.json */
    "[{\"id\":\"D0001\",\"members\":[\"U2\",\"U1\"]}]",
    /* general, day 1: a join, an edited message, a thread parent and reply, a file */
    "[{\"type\":\"message\",\"subtype\":\"channel_join\",\"user\":\"U3\",\"text\":\"<@U3> has "
    "joined the channel\",\"ts\":\"1741769000.000050\"},"
    "{\"type\":\"message\",\"user\":\"U1\",\"text\":\"Morning <@U2>! See <#C2|atlas-eng> and "
    "<https://northwind.example/plan|the plan> &amp; <#C2>\",\"ts\":\"1741770000.000100\","
    "\"edited\":{\"user\":\"U1\",\"ts\":\"1741770300.000000\"}},"
    "{\"type\":\"message\",\"user\":\"U2\",\"text\":\"Atlas firmware 4.2 rollout starts "
    "Monday\",\"ts\":\"1741773600.000200\",\"thread_ts\":\"1741773600.000200\","
    "\"reply_count\":2},"
    "{\"type\":\"message\",\"user\":\"U3\",\"text\":\"I'll take Venlo &amp; Rotterdam, "
    "<!here>\",\"ts\":\"1741773900.000300\",\"thread_ts\":\"1741773600.000200\"},"
    "{\"type\":\"message\",\"subtype\":\"file_share\",\"user\":\"U1\",\"text\":\"Here is the "
    "plan\",\"ts\":\"1741774800.000400\",\"files\":[{\"id\":\"F1\",\"name\":\"rollout-plan.pdf\","
    "\"title\":\"Rollout plan\",\"mimetype\":\"application/pdf\",\"url_private\":"
    "\"https://files.slack.com/files-pri/T1-F1/rollout-plan.pdf\"}]}]",
    /* general, day 2: a late reply, a message, a bot post */
    "[{\"type\":\"message\",\"user\":\"U1\",\"text\":\"Venlo done\",\"ts\":\"1741852800.000500\","
    "\"thread_ts\":\"1741773600.000200\"},"
    "{\"type\":\"message\",\"user\":\"U2\",\"text\":\"Lunch at noon\",\"ts\":"
    "\"1741856400.000600\"},"
    "{\"type\":\"message\",\"subtype\":\"bot_message\",\"bot_id\":\"B9\",\"username\":"
    "\"deploybot\",\"text\":\"\",\"ts\":\"1741858200.000700\",\"attachments\":[{\"fallback\":"
    "\"Deployed Hermes 3.1 to eu-west\"}]},"
    "{\"type\":\"message\",\"subtype\":\"bot_add\",\"user\":\"U1\",\"text\":\"added an "
    "integration\",\"ts\":\"1741858300.000800\"}]",
    /* atlas-eng */
    "[{\"type\":\"message\",\"user\":\"U2\",\"text\":\"Battery tests passed\",\"ts\":"
    "\"1741770000.000900\"}]",
    "[{\"type\":\"message\", broken",
    /* leadership (private) */
    "[{\"type\":\"message\",\"user\":\"U3\",\"text\":\"Q2 budget draft is ready\",\"ts\":"
    "\"1741770000.001000\"}]",
    /* the DM */
    "[{\"type\":\"message\",\"user\":\"U1\",\"text\":\"Can you review my PR?\",\"ts\":"
    "\"1741770000.001100\"}]",
    "[]",
};

#define SLACK_FILES (sizeof(SLACK_NAMES) / sizeof(SLACK_NAMES[0]))

static const char *slack_folder(void)
{
    static char dir[600];
    snprintf(dir, sizeof(dir), "%s/slack", ud_test_tmpdir());
    for (size_t i = 0; i < SLACK_FILES; i++)
        ud_test_write_file(dir, SLACK_NAMES[i], SLACK_DATA[i], strlen(SLACK_DATA[i]));
    return dir;
}

void test_importers__slack_folder_public_channels(void)
{
    const char *dir = slack_folder();
    collected c;
    collected_init(&c);
    UD_CHECK_OK(run(&c, &ud_connector_slack_export,
                    config_for("{\"path\":\"%s\",\"workspace\":\"northwind\"}", dir), NULL));
    char keys[2048];
    keys_of(keys, sizeof(keys), &c);
    /* Channels in name order; in each, documents in the order of their
     * first message; private channels and DMs left out. */
    UD_CHECK_EQ_STR("slack:conversation:C2:2025-03-12;"
                    "slack:conversation:C1:2025-03-12;"
                    "slack:thread:C1:1741773600.000200;"
                    "slack:conversation:C1:2025-03-13;",
                    keys);
    UD_CHECK_EQ_INT(1, json_array_size(c.failed));
    UD_CHECK_EQ_STR("atlas-eng/2025-03-13.json",
                    json_string_value(json_array_get(json_array_get(c.failed, 0), 0)));
    UD_CHECK_CONTAINS(json_string_value(json_array_get(json_array_get(c.failed, 0), 1)),
                      "invalid JSON");

    json_t *day = must_doc(&c, "slack:conversation:C1:2025-03-12");
    UD_CHECK_EQ_STR("#general, 2025-03-12", str(day, "title"));
    UD_CHECK_EQ_STR("slack", str(day, "source_type"));
    UD_CHECK_EQ_STR("https://northwind.slack.com/archives/C1/p1741770000000100", str(day, "url"));
    UD_CHECK_EQ_STR("Ada Lovelace", str(day, "author"));
    char acl[512];
    acl_of(acl, sizeof(acl), day);
    UD_CHECK_EQ_STR("org:*", acl);
    const char *text = str(day, "text");
    UD_CHECK_CONTAINS(text, "Channel: #general\n");
    UD_CHECK_CONTAINS(text, "Ada Lovelace (2025-03-12 09:00 UTC):\nMorning @Alan Turing! See "
                            "#atlas-eng and the plan (https://northwind.example/plan) & "
                            "#atlas-eng\n(edited)\n");
    UD_CHECK_CONTAINS(text, "Here is the plan\nFile: rollout-plan.pdf (Rollout plan)\n");
    UD_CHECK(!strstr(text, "has joined"));
    UD_CHECK(!strstr(text, "Atlas firmware")); /* in its thread, not here */
    UD_CHECK_EQ_INT(1741770000, json_integer_value(json_object_get(day, "created_at")));
    UD_CHECK_EQ_INT(1741774800, json_integer_value(json_object_get(day, "updated_at")));
    json_t *meta = json_object_get(day, "meta");
    UD_CHECK_EQ_STR("general", str(meta, "channel"));
    UD_CHECK_EQ_STR("public_channel", str(meta, "channel_type"));
    UD_CHECK_EQ_STR("2025-03-12", str(meta, "date"));
    json_t *edit = json_array_get(json_object_get(meta, "edits"), 0);
    UD_CHECK_EQ_STR("1741770000.000100", str(edit, "ts"));
    UD_CHECK_EQ_STR("1741770300.000000", str(edit, "edited_ts"));
    UD_CHECK_EQ_STR("Ada Lovelace", str(edit, "edited_by"));
    json_t *file = json_array_get(json_object_get(meta, "files"), 0);
    UD_CHECK_EQ_STR("rollout-plan.pdf", str(file, "name"));
    UD_CHECK_EQ_STR("Rollout plan", str(file, "title"));
    UD_CHECK_EQ_STR("application/pdf", str(file, "mimetype"));
    UD_CHECK_EQ_STR("https://files.slack.com/files-pri/T1-F1/rollout-plan.pdf",
                    str(file, "url_private"));
    json_t *who = json_array_get(json_object_get(meta, "participants"), 0);
    UD_CHECK_EQ_STR("Ada Lovelace", str(who, "name"));
    UD_CHECK_EQ_STR("ada@northwind.example", str(who, "email"));
    UD_CHECK_EQ_STR("conversation-C1-2025-03-12.json", str(day, "raw_id"));
    UD_CHECK_CONTAINS(str(day, "raw"), "\"ts\":\"1741770000.000100\"");

    /* The thread holds its parent and both replies, the second from the
     * next day's file. */
    json_t *thread = must_doc(&c, "slack:thread:C1:1741773600.000200");
    UD_CHECK_EQ_STR("#general thread: Atlas firmware 4.2 rollout starts Monday",
                    str(thread, "title"));
    UD_CHECK_EQ_STR("https://northwind.slack.com/archives/C1/p1741773600000200",
                    str(thread, "url"));
    UD_CHECK_EQ_STR("Alan Turing", str(thread, "author"));
    text = str(thread, "text");
    UD_CHECK_CONTAINS(text, "Alan Turing (2025-03-12 10:00 UTC):\nAtlas firmware 4.2 rollout");
    UD_CHECK_CONTAINS(text, "Grace Hopper (2025-03-12 10:05 UTC):\nI'll take Venlo & Rotterdam, "
                            "@here\n");
    UD_CHECK_CONTAINS(text, "Ada Lovelace (2025-03-13 08:00 UTC):\nVenlo done\n");
    UD_CHECK_EQ_INT(
        3, json_integer_value(json_object_get(json_object_get(thread, "meta"), "message_count")));
    UD_CHECK_EQ_STR("1741773600.000200", str(json_object_get(thread, "meta"), "thread_ts"));

    /* Day two: the bot's post kept, its "added an integration" notice not. */
    json_t *day2 = must_doc(&c, "slack:conversation:C1:2025-03-13");
    UD_CHECK_CONTAINS(str(day2, "text"), "deploybot (2025-03-13 09:30 UTC):\nDeployed Hermes 3.1");
    UD_CHECK(!strstr(str(day2, "text"), "added an integration"));
    UD_CHECK(!strstr(str(day2, "text"), "Venlo done"));

    /* Checkpoints: one at the end, complete, with the position. */
    UD_CHECK_EQ_INT(1, json_array_size(c.checkpoints));
    json_t *cp = json_loads(json_string_value(json_array_get(c.checkpoints, 0)), 0, NULL);
    UD_CHECK_EQ_INT(5, json_integer_value(json_object_get(cp, "position")));
    UD_CHECK(json_is_true(json_object_get(cp, "complete")));
    json_decref(cp);

    /* The same export gives the same hashes; a changed message changes its
     * document's hash and no other. */
    collected again;
    collected_init(&again);
    ud_test_write_file(dir, "atlas-eng/2025-03-12.json",
                       "[{\"type\":\"message\",\"user\":\"U2\",\"text\":\"Battery tests passed "
                       "twice\",\"ts\":\"1741770000.000900\"}]",
                       strlen("[{\"type\":\"message\",\"user\":\"U2\",\"text\":\"Battery tests "
                              "passed twice\",\"ts\":\"1741770000.000900\"}]"));
    UD_CHECK_OK(run(&again, &ud_connector_slack_export,
                    config_for("{\"path\":\"%s\",\"workspace\":\"northwind\"}", dir), NULL));
    UD_CHECK_EQ_STR(str(must_doc(&c, "slack:thread:C1:1741773600.000200"), "hash"),
                    str(must_doc(&again, "slack:thread:C1:1741773600.000200"), "hash"));
    UD_CHECK(strcmp(str(must_doc(&c, "slack:conversation:C2:2025-03-12"), "hash"),
                    str(must_doc(&again, "slack:conversation:C2:2025-03-12"), "hash")) != 0);
    collected_dispose(&again);
    collected_dispose(&c);
}

/* Without a "workspace", the export's own workspace id (users.json's
 * team_id) gives a link that opens the conversation; with neither, there
 * is no link and the connection test says why. */
void test_importers__slack_links_from_the_exports_team_id(void)
{
    static const char *const names[] = {"users.json", "channels.json", "general/2025-03-12.json"};
    static const char *const with_team[] = {
        "[{\"id\":\"U1\",\"team_id\":\"T0NW0001\",\"name\":\"ada\",\"profile\":{\"email\":"
        "\"ada@northwind.example\"}}]",
        "[{\"id\":\"C1\",\"name\":\"general\",\"members\":[\"U1\"]}]",
        "[{\"type\":\"message\",\"user\":\"U1\",\"text\":\"Hello\",\"ts\":\"1741770000.000100\"}]",
    };
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/slack-team", ud_test_tmpdir());
    for (size_t i = 0; i < 3; i++)
        ud_test_write_file(dir, names[i], with_team[i], strlen(with_team[i]));
    collected c;
    collected_init(&c);
    UD_CHECK_OK(run(&c, &ud_connector_slack_export, config_for("{\"path\":\"%s\"}", dir), NULL));
    UD_CHECK_EQ_STR("https://slack.com/app_redirect?team=T0NW0001&channel=C1",
                    str(must_doc(&c, "slack:conversation:C1:2025-03-12"), "url"));
    collected_dispose(&c);
    char message[512];
    UD_CHECK_OK(test_connection(&ud_connector_slack_export, config_for("{\"path\":\"%s\"}", dir),
                                message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "links open the conversation, not the message");

    /* A team id that is not an id is not put in a link. */
    const char *odd = "[{\"id\":\"U1\",\"team_id\":\"x&y=1\",\"name\":\"ada\"}]";
    ud_test_write_file(dir, "users.json", odd, strlen(odd));
    collected_init(&c);
    UD_CHECK_OK(run(&c, &ud_connector_slack_export, config_for("{\"path\":\"%s\"}", dir), NULL));
    UD_CHECK(
        json_is_null(json_object_get(must_doc(&c, "slack:conversation:C1:2025-03-12"), "url")));
    collected_dispose(&c);
    UD_CHECK_OK(test_connection(&ud_connector_slack_export, config_for("{\"path\":\"%s\"}", dir),
                                message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "no links: the export names no workspace id");
}

/* A member list is turned into user principals only: a profile "email"
 * that spells everyone, a group or nothing at all gives no principal, so a
 * hostile export cannot open a private channel or name a group. */
void test_importers__slack_member_list_gives_user_principals_only(void)
{
    static const char *const names[] = {"users.json", "channels.json", "groups.json",
                                        "secret/2025-03-12.json"};
    static const char *const data[] = {
        "[{\"id\":\"U1\",\"name\":\"luca\",\"profile\":{\"email\":\"Luca@Northwind.example\"}},"
        "{\"id\":\"U2\",\"name\":\"all\",\"profile\":{\"email\":\"org:*\"}},"
        "{\"id\":\"U3\",\"name\":\"eng\",\"profile\":{\"email\":\"eng\"}},"
        "{\"id\":\"U4\",\"name\":\"two\",\"profile\":{\"email\":\"a@b@c\"}},"
        "{\"id\":\"U5\",\"name\":\"typed\",\"profile\":{\"email\":\"group:eng\"}}]",
        "[]",
        "[{\"id\":\"G9\",\"name\":\"secret\",\"members\":[\"U1\",\"U2\",\"U3\",\"U4\","
        "\"U5\"]}]",
        "[{\"type\":\"message\",\"user\":\"U1\",\"text\":\"Board minutes\",\"ts\":"
        "\"1741770000.000100\"}]",
    };
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/slack-hostile", ud_test_tmpdir());
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        ud_test_write_file(dir, names[i], data[i], strlen(data[i]));
    collected c;
    collected_init(&c);
    UD_CHECK_OK(run(&c, &ud_connector_slack_export,
                    config_for("{\"path\":\"%s\",\"include_private\":true}", dir), NULL));
    char acl[512];
    acl_of(acl, sizeof(acl), must_doc(&c, "slack:conversation:G9:2025-03-12"));
    UD_CHECK_EQ_STR("user:luca@northwind.example", acl);
    collected_dispose(&c);
}

void test_importers__slack_private_conversations_only_when_selected(void)
{
    const char *dir = slack_folder();
    collected c;
    collected_init(&c);
    UD_CHECK_OK(run(&c, &ud_connector_slack_export,
                    config_for("{\"path\":\"%s\",\"include_private\":true}", dir), NULL));
    UD_CHECK_EQ_INT(6, json_array_size(c.docs));
    json_t *lead = must_doc(&c, "slack:conversation:G1:2025-03-12");
    char acl[512];
    acl_of(acl, sizeof(acl), lead);
    /* The members with an email (the bot has none), sorted. */
    UD_CHECK_EQ_STR("user:ada@northwind.example,user:grace@northwind.example", acl);
    UD_CHECK_EQ_STR("#leadership, 2025-03-12", str(lead, "title"));
    UD_CHECK_EQ_STR("private_channel", str(json_object_get(lead, "meta"), "channel_type"));
    UD_CHECK(json_is_null(json_object_get(lead, "url"))); /* no workspace given */
    json_t *dm = must_doc(&c, "slack:conversation:D0001:2025-03-12");
    acl_of(acl, sizeof(acl), dm);
    UD_CHECK_EQ_STR("user:ada@northwind.example,user:alan@northwind.example", acl);
    UD_CHECK_EQ_STR("DM: Alan Turing, Ada Lovelace, 2025-03-12", str(dm, "title"));
    UD_CHECK_CONTAINS(str(dm, "text"), "Can you review my PR?");

    /* A checkpoint taken under another config (public channels only) does
     * not resume this one: its positions name other units. */
    collected pub;
    collected_init(&pub);
    UD_CHECK_OK(run(&pub, &ud_connector_slack_export, config_for("{\"path\":\"%s\"}", dir), NULL));
    char cp[256];
    snprintf(cp, sizeof(cp), "{\"position\":2,\"export\":\"%s\",\"complete\":false}",
             fingerprint_of(&pub));
    collected other;
    collected_init(&other);
    UD_CHECK_OK(run(&other, &ud_connector_slack_export,
                    config_for("{\"path\":\"%s\",\"include_private\":true}", dir), cp));
    UD_CHECK_EQ_INT(json_array_size(c.units), json_array_size(other.units));
    collected_dispose(&other);
    collected_dispose(&pub);
    collected_dispose(&c);

    /* An explicit list: exactly those conversations; a name not in the
     * export is reported. */
    collected only;
    collected_init(&only);
    UD_CHECK_OK(run(&only, &ud_connector_slack_export,
                    config_for("{\"path\":\"%s\",\"channels\":[\"leadership\",\"nope\"]}", dir),
                    NULL));
    char keys[1024];
    keys_of(keys, sizeof(keys), &only);
    UD_CHECK_EQ_STR("slack:conversation:G1:2025-03-12;", keys);
    UD_CHECK_EQ_INT(1, json_array_size(only.failed));
    UD_CHECK_EQ_STR("nope", json_string_value(json_array_get(json_array_get(only.failed, 0), 0)));
    collected_dispose(&only);
}

void test_importers__slack_zip_gives_the_same_documents(void)
{
    const char *dir = slack_folder();
    collected folder;
    collected_init(&folder);
    UD_CHECK_OK(
        run(&folder, &ud_connector_slack_export, config_for("{\"path\":\"%s\"}", dir), NULL));
    /* The zip has everything under one folder, as Slack's download does. */
    const char *names[SLACK_FILES + 1];
    const char *data[SLACK_FILES + 1];
    char prefixed[SLACK_FILES][128];
    for (size_t i = 0; i < SLACK_FILES; i++) {
        snprintf(prefixed[i], sizeof(prefixed[i]), "Northwind Slack export/%s", SLACK_NAMES[i]);
        names[i] = prefixed[i];
        data[i] = SLACK_DATA[i];
    }
    char zip_path[700];
    snprintf(zip_path, sizeof(zip_path), "%s/slack.zip", ud_test_tmpdir());
    write_zip(zip_path, names, data, SLACK_FILES);
    collected zipped;
    collected_init(&zipped);
    const char *config = config_for("{\"path\":\"%s\"}", zip_path);
    UD_CHECK_OK(run(&zipped, &ud_connector_slack_export, config, NULL));
    char a[2048], b[2048];
    keys_of(a, sizeof(a), &folder);
    keys_of(b, sizeof(b), &zipped);
    UD_CHECK_EQ_STR(a, b);
    for (size_t i = 0; i < json_array_size(folder.docs); i++)
        UD_CHECK_EQ_STR(str(json_array_get(folder.docs, i), "text"),
                        str(json_array_get(zipped.docs, i), "text"));
    check_resume_everywhere(&ud_connector_slack_export, config, &zipped);

    /* Caps: a member over the item cap fails alone; an archive over the
     * total cap fails the sync. */
    collected capped;
    collected_init(&capped);
    UD_CHECK_OK(run_with(&capped, &ud_connector_slack_export, config, NULL, 700, 0));
    UD_CHECK(json_array_size(capped.docs) > 0);
    int limited = 0;
    for (size_t i = 0; i < json_array_size(capped.failed); i++)
        limited += strstr(json_string_value(json_array_get(json_array_get(capped.failed, i), 1)),
                          "item limit") != NULL;
    UD_CHECK(limited >= 1);
    collected_dispose(&capped);
    collected total;
    collected_init(&total);
    UD_CHECK_EQ_INT(UD_ELIMIT, run_with(&total, &ud_connector_slack_export, config, NULL, 0, 100));
    collected_dispose(&total);

    char message[512];
    UD_CHECK_OK(test_connection(&ud_connector_slack_export, config, message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "4 users, 2 conversations selected");
    collected_dispose(&folder);
    collected_dispose(&zipped);
}

void test_importers__slack_bad_input_fails_clearly(void)
{
    char message[512];
    const char *missing = config_for("{\"path\":\"%s/none.zip\"}", ud_test_tmpdir());
    UD_CHECK_EQ_INT(UD_ENOTFOUND,
                    test_connection(&ud_connector_slack_export, missing, message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "none.zip");
    const char *corrupt = ud_test_write_file(ud_test_tmpdir(), "corrupt.zip", "PK\3\4garbage", 11);
    UD_CHECK_EQ_INT(UD_ECORRUPT, test_connection(&ud_connector_slack_export,
                                                 config_for("{\"path\":\"%s\"}", corrupt), message,
                                                 sizeof(message)));
    UD_CHECK_CONTAINS(message, "not a readable zip archive");
    collected c;
    collected_init(&c);
    UD_CHECK_EQ_INT(UD_ECORRUPT, run(&c, &ud_connector_slack_export,
                                     config_for("{\"path\":\"%s\"}", corrupt), NULL));
    collected_dispose(&c);
    char empty[600];
    snprintf(empty, sizeof(empty), "%s/not-slack", ud_test_tmpdir());
    ud_test_write_file(empty, "notes.txt", "x", 1);
    UD_CHECK_EQ_INT(UD_EINVAL, test_connection(&ud_connector_slack_export,
                                               config_for("{\"path\":\"%s\"}", empty), message,
                                               sizeof(message)));
    UD_CHECK_CONTAINS(message, "not a Slack export");
    ud_test_write_file(empty, "users.json", "{\"not\": \"an array\"}", 19);
    UD_CHECK_EQ_INT(UD_ECORRUPT, test_connection(&ud_connector_slack_export,
                                                 config_for("{\"path\":\"%s\"}", empty), message,
                                                 sizeof(message)));
    UD_CHECK_CONTAINS(message, "users.json is not a JSON array");
    UD_CHECK_EQ_INT(UD_EINVAL,
                    test_connection(&ud_connector_slack_export, "{}", message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "needs a \"path\"");
}

/* A channel with 120 days: checkpoints every 50 documents; a sync that
 * dies after 70 documents resumes from the last checkpoint (50) and emits
 * exactly documents 51 to 120. */
void test_importers__slack_checkpoints_and_resume_after_a_kill(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/big", ud_test_tmpdir());
    ud_test_write_file(dir, "users.json", SLACK_DATA[0], strlen(SLACK_DATA[0]));
    const char *channels = "[{\"id\":\"C9\",\"name\":\"ops\",\"members\":[]}]";
    ud_test_write_file(dir, "channels.json", channels, strlen(channels));
    for (int d = 0; d < 120; d++) {
        char name[64], body[256];
        int64_t ts = 1735689600 + (int64_t)d * 86400 + 3600; /* 2025-01-01 01:00 onwards */
        char day[11];
        ud_export_day(day, ts);
        snprintf(name, sizeof(name), "ops/%s.json", day);
        snprintf(body, sizeof(body),
                 "[{\"type\":\"message\",\"user\":\"U1\",\"text\":\"status %d\",\"ts\":"
                 "\"%lld.000100\"}]",
                 d, (long long)ts);
        ud_test_write_file(dir, name, body, strlen(body));
    }
    const char *config = config_for("{\"path\":\"%s\"}", dir);
    collected full;
    collected_init(&full);
    UD_CHECK_OK(run(&full, &ud_connector_slack_export, config, NULL));
    UD_CHECK_EQ_INT(120, json_array_size(full.docs));
    UD_CHECK_EQ_INT(3, json_array_size(full.checkpoints));
    UD_CHECK_CONTAINS(json_string_value(json_array_get(full.checkpoints, 0)), "\"position\":50,");
    UD_CHECK_CONTAINS(json_string_value(json_array_get(full.checkpoints, 1)), "\"position\":100,");
    UD_CHECK_CONTAINS(json_string_value(json_array_get(full.checkpoints, 2)), "\"position\":120,");

    collected killed;
    collected_init(&killed);
    killed.stop_after = 70;
    UD_CHECK_EQ_INT(UD_ECANCELED, run(&killed, &ud_connector_slack_export, config, NULL));
    UD_CHECK_EQ_INT(1, json_array_size(killed.checkpoints));
    const char *last = json_string_value(json_array_get(killed.checkpoints, 0));
    UD_CHECK_CONTAINS(last, "\"position\":50,");
    UD_CHECK_CONTAINS(last, "\"complete\":false");
    collected rest;
    collected_init(&rest);
    UD_CHECK_OK(run(&rest, &ud_connector_slack_export, config, last));
    UD_CHECK_EQ_INT(70, json_array_size(rest.docs));
    for (size_t i = 0; i < 70; i++)
        UD_CHECK_EQ_STR(str(json_array_get(full.docs, 50 + i), "key"),
                        str(json_array_get(rest.docs, i), "key"));
    collected_dispose(&full);
    collected_dispose(&killed);
    collected_dispose(&rest);
}

/* ---- Gmail ---------------------------------------------------------------------------- */

static const char MBOX[] =
    /* 1: multipart with an attachment, an encoded subject, QP body, mboxrd escape */
    "From 1790000000000000001@xxx Wed Mar 12 09:14:00 +0000 2025\n"
    "X-GM-THRID: 1790000000000000000\n"
    "X-Gmail-Labels: Inbox,Important,\"Customers, Acme\"\n"
    "Message-ID: <venlo-1@acme.example>\n"
    "Date: Wed, 12 Mar 2025 09:14:00 +0000\n"
    "From: Jan de Vries <JAN@acme.example>\n"
    "To: Dana Whitfield <dana@northwind.example>\n"
    "Cc: ops@northwind.example\n"
    "Subject: =?UTF-8?B?Um9sbG91dCBmw7xyIFZlbmxv?=\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Hi Dana, the dock doors are ready. Caf=C3=A9 at 10.\n"
    ">From the dock team: all good.\n"
    "\n"
    "--b1\n"
    "Content-Type: text/plain; name=\"venlo-plan.txt\"\n"
    "Content-Disposition: attachment; filename=\"venlo-plan.txt\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    "VmVubG8gZ28tbGl2ZSBjaGVja2xpc3Q6IHNjYW5uZXJzLCBjaGFyZ2Vycy4K\n"
    "--b1--\n"
    "\n"
    /* 2: broken */
    "From broken@xxx Wed Mar 12 10:00:00 +0000 2025\n"
    "\x01\x02\x03 garbage without headers\n"
    "\n"
    /* 3: Latin-1, the id only in the From line */
    "From 1790000000000000002@xxx Thu Mar 13 08:00:00 +0000 2025\n"
    "X-Gmail-Labels: Sent\n"
    "Date: Thu, 13 Mar 2025 08:00:00 +0000\n"
    "From: dana@northwind.example\n"
    "To: \"Claire Martin\" <claire@everline.example>\n"
    "Subject: =?ISO-8859-1?Q?R=E9union_Lyon?=\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n"
    "\n"
    "Bonjour Claire, r=E9union jeudi.\n"
    "\n"
    /* 4: spam, skipped */
    "From 1790000000000000003@xxx Thu Mar 13 09:00:00 +0000 2025\n"
    "X-Gmail-Labels: Spam\n"
    "Date: Thu, 13 Mar 2025 09:00:00 +0000\n"
    "From: win@lottery.example\n"
    "Subject: You won\n"
    "\n"
    "Click here.\n"
    "\n"
    /* 5: no Gmail id at all */
    "From MAILER-DAEMON Fri Mar 14 07:30:00 2025\n"
    "Date: Fri, 14 Mar 2025 07:30:00 +0000\n"
    "From: Finance <finance@northwind.example>\n"
    "To: dana@northwind.example\n"
    "Message-ID: <budget-5@northwind.example>\n"
    "Subject: Budget 2026 draft\n"
    "\n"
    "See the draft.\n";

static const char *write_mbox(void)
{
    return ud_test_write_file(ud_test_tmpdir(), "Takeout/Mail/All mail.mbox", MBOX,
                              sizeof(MBOX) - 1);
}

void test_importers__gmail_metadata_only_by_default(void)
{
    const char *path = write_mbox();
    collected c;
    collected_init(&c);
    const char *config = config_for("{\"path\":\"%s\",\"owner\":\"Dana@Northwind.example\"}", path);
    UD_CHECK_OK(run(&c, &ud_connector_gmail_export, config, NULL));
    char digest[UD_SHA256_HEX_LEN + 1];
    ud_sha256_hex(digest, "budget-5@northwind.example", strlen("budget-5@northwind.example"));
    char expected[512];
    snprintf(expected, sizeof(expected),
             "gmail:message:18d75b8423f30001;gmail:message:18d75b8423f30002;"
             "gmail:message:mid-%.32s;",
             digest);
    char keys[1024];
    keys_of(keys, sizeof(keys), &c);
    UD_CHECK_EQ_STR(expected, keys);
    UD_CHECK_EQ_INT(1, json_array_size(c.failed));
    json_t *fail = json_array_get(c.failed, 0);
    UD_CHECK_CONTAINS(json_string_value(json_array_get(fail, 0)), "All mail.mbox, message 2");
    UD_CHECK_CONTAINS(json_string_value(json_array_get(fail, 1)), "not an email message");

    json_t *m = must_doc(&c, "gmail:message:18d75b8423f30001");
    UD_CHECK_EQ_STR("Rollout für Venlo", str(m, "title"));
    UD_CHECK_EQ_STR("Jan de Vries", str(m, "author"));
    UD_CHECK_EQ_STR("gmail", str(m, "source_type"));
    UD_CHECK_EQ_STR("https://mail.google.com/mail/u/dana@northwind.example/#all/18d75b8423f30001",
                    str(m, "url"));
    char acl[256];
    acl_of(acl, sizeof(acl), m);
    UD_CHECK_EQ_STR("user:dana@northwind.example", acl);
    UD_CHECK_EQ_INT(1741770840, json_integer_value(json_object_get(m, "created_at")));
    const char *text = str(m, "text");
    UD_CHECK_CONTAINS(text, "Subject: Rollout für Venlo\n"
                            "From: Jan de Vries <JAN@acme.example>\n"
                            "To: Dana Whitfield <dana@northwind.example>\n"
                            "Cc: ops@northwind.example\n"
                            "Date: 2025-03-12T09:14:00Z\n"
                            "Labels: Inbox, Important, Customers, Acme\n"
                            "Attachments: venlo-plan.txt\n");
    UD_CHECK(!strstr(text, "dock doors"));
    UD_CHECK(!strstr(text, "checklist"));
    /* Only the header block is kept as raw bytes. */
    UD_CHECK_CONTAINS(str(m, "raw"), "X-GM-THRID: 1790000000000000000");
    UD_CHECK(!strstr(str(m, "raw"), "dock doors"));
    UD_CHECK_EQ_STR("message-18d75b8423f30001.eml", str(m, "raw_id"));
    json_t *meta = json_object_get(m, "meta");
    UD_CHECK_EQ_STR("18d75b8423f30000", str(meta, "thread_id"));
    UD_CHECK_EQ_STR("venlo-1@acme.example", str(meta, "message_id"));
    UD_CHECK_EQ_STR("1790000000000000001", str(meta, "gm_msgid"));
    UD_CHECK_EQ_STR("metadata", str(meta, "content"));
    UD_CHECK_EQ_STR("Customers, Acme",
                    json_string_value(json_array_get(json_object_get(meta, "labels"), 2)));
    UD_CHECK_EQ_STR("JAN@acme.example", str(json_object_get(meta, "from"), "email"));
    UD_CHECK_EQ_STR("dana@northwind.example",
                    str(json_array_get(json_object_get(meta, "to"), 0), "email"));
    json_t *att = json_array_get(json_object_get(meta, "attachments"), 0);
    UD_CHECK_EQ_STR("venlo-plan.txt", str(att, "name"));
    UD_CHECK_EQ_STR("text/plain", str(att, "content_type"));
    UD_CHECK_EQ_INT(45, json_integer_value(json_object_get(att, "size")));

    json_t *latin = must_doc(&c, "gmail:message:18d75b8423f30002");
    UD_CHECK_EQ_STR("Réunion Lyon", str(latin, "title"));
    UD_CHECK_EQ_STR("dana@northwind.example", str(latin, "author"));
    UD_CHECK_CONTAINS(str(latin, "text"), "To: Claire Martin <claire@everline.example>\n");
    UD_CHECK(!doc_of(&c, "gmail:message:18d75b8423f30003")); /* spam */
    check_resume_everywhere(&ud_connector_gmail_export, config, &c);
    collected_dispose(&c);

    /* A label filter keeps only what carries one of the labels. */
    collected sent;
    collected_init(&sent);
    UD_CHECK_OK(run(&sent, &ud_connector_gmail_export,
                    config_for("{\"path\":\"%s\",\"owner\":\"dana@northwind.example\","
                               "\"labels\":[\"sent\"]}",
                               path),
                    NULL));
    keys_of(keys, sizeof(keys), &sent);
    UD_CHECK_EQ_STR("gmail:message:18d75b8423f30002;", keys);
    collected_dispose(&sent);
}

void test_importers__gmail_full_content_and_folders(void)
{
    const char *path = write_mbox();
    collected c;
    collected_init(&c);
    UD_CHECK_OK(run(&c, &ud_connector_gmail_export,
                    config_for("{\"path\":\"%s\",\"owner\":\"dana@northwind.example\","
                               "\"full_content\":true}",
                               path),
                    NULL));
    json_t *m = must_doc(&c, "gmail:message:18d75b8423f30001");
    const char *text = str(m, "text");
    UD_CHECK_CONTAINS(text, "Labels: Inbox, Important, Customers, Acme\n");
    UD_CHECK_CONTAINS(text, "Hi Dana, the dock doors are ready. Café at 10.\n"
                            "From the dock team: all good.");
    UD_CHECK_CONTAINS(text, "Attachment venlo-plan.txt:\nVenlo go-live checklist: scanners, "
                            "chargers.");
    /* Full content keeps the whole message, ">From " unescaped. */
    UD_CHECK_CONTAINS(str(m, "raw"), "\nFrom the dock team");
    UD_CHECK(!strstr(str(m, "raw"), ">From"));
    UD_CHECK_EQ_STR("full", str(json_object_get(m, "meta"), "content"));
    UD_CHECK_CONTAINS(str(must_doc(&c, "gmail:message:18d75b8423f30002"), "text"),
                      "Bonjour Claire, réunion jeudi.");
    collected_dispose(&c);

    /* A folder of mbox files: the same messages, in file name order, a
     * message in two files once. */
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/Takeout", ud_test_tmpdir());
    ud_test_write_file(dir, "Mail/Sent.mbox",
                       MBOX + (strstr(MBOX, "From 1790000000000000002") - MBOX),
                       strlen(strstr(MBOX, "From 1790000000000000002")));
    collected folder;
    collected_init(&folder);
    const char *config = config_for("{\"path\":\"%s\",\"owner\":\"dana@northwind.example\"}", dir);
    UD_CHECK_OK(run(&folder, &ud_connector_gmail_export, config, NULL));
    UD_CHECK_EQ_INT(3, json_array_size(folder.docs));
    UD_CHECK_EQ_INT(1, json_array_size(folder.failed));
    check_resume_everywhere(&ud_connector_gmail_export, config, &folder);
    char message[512];
    UD_CHECK_OK(test_connection(&ud_connector_gmail_export, config, message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "2 files");
    UD_CHECK_CONTAINS(message, "metadata only");
    collected_dispose(&folder);

    UD_CHECK_EQ_INT(UD_EINVAL, test_connection(&ud_connector_gmail_export,
                                               config_for("{\"path\":\"%s\"}", path), message,
                                               sizeof(message)));
    UD_CHECK_CONTAINS(message, "owner");
    const char *junk = ud_test_write_file(ud_test_tmpdir(), "junk.mbox", "hello\nworld\n", 12);
    UD_CHECK_EQ_INT(UD_ECORRUPT,
                    test_connection(&ud_connector_gmail_export,
                                    config_for("{\"path\":\"%s\",\"owner\":\"a@b.example\"}", junk),
                                    message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "not an mbox file");
    collected bad;
    collected_init(&bad);
    UD_CHECK_OK(run(&bad, &ud_connector_gmail_export,
                    config_for("{\"path\":\"%s\",\"owner\":\"a@b.example\"}", junk), NULL));
    UD_CHECK_EQ_INT(0, json_array_size(bad.docs));
    UD_CHECK_EQ_INT(1, json_array_size(bad.failed));
    collected_dispose(&bad);
    /* A message over the item cap fails alone. */
    collected capped;
    collected_init(&capped);
    UD_CHECK_OK(run_with(&capped, &ud_connector_gmail_export,
                         config_for("{\"path\":\"%s\",\"owner\":\"a@b.example\"}", path), NULL, 400,
                         0));
    UD_CHECK_EQ_INT(2, json_array_size(capped.docs));
    UD_CHECK_EQ_INT(2, json_array_size(capped.failed));
    UD_CHECK_CONTAINS(json_string_value(json_array_get(json_array_get(capped.failed, 0), 1)),
                      "item limit");
    collected_dispose(&capped);
}

/* ---- Notion ----------------------------------------------------------------------------- */

#define WIKI "Export-5e1f/Northwind Wiki 0123456789abcdef0123456789abcdef"
#define ENG WIKI "/Engineering 11111111111111111111111111111111"
#define PROJECTS WIKI "/Projects aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const char *const NOTION_NAMES[] = {
    WIKI ".md",
    ENG ".md",
    ENG "/On-call 22222222222222222222222222222222.md",
    PROJECTS ".csv",
    PROJECTS "_all.csv",
    PROJECTS "/Venlo rollout bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.md",
    "Export-5e1f/Broken cccccccccccccccccccccccccccccccc.csv",
};

static const char *const NOTION_DATA[] = {
    "# Northwind Wiki\n\nWelcome to the company wiki.\n",
    "# Engineering\n\nHow we build Atlas and Pallas.\n",
    "# On-call\n\nThe rota changes on Mondays at 09:00.\n",
    "\xEF\xBB\xBFName,Status,Owner,Created\nVenlo rollout,In progress,Dana Whitfield,"
    "\"March 3, 2025 9:00 AM\"\n",
    "\xEF\xBB\xBFName,Status,Owner,Created\r\nVenlo rollout,In progress,Dana Whitfield,"
    "\"March 3, 2025 9:00 AM\"\r\n\"Pallas pilot, Basel\",Done,\"Marc\nSchneider\","
    "\"January 20, 2025\"\r\n",
    "# Venlo rollout\n\nStatus: In progress\nOwner: Dana Whitfield\nCreated: March 3, 2025 9:00 "
    "AM\n\nGo-live on 14 April; 40 Atlas AMRs.\n",
    "Name,Status\n\"never closed,x\n",
};

#define NOTION_FILES (sizeof(NOTION_NAMES) / sizeof(NOTION_NAMES[0]))

void test_importers__notion_pages_and_database_rows(void)
{
    char zip_path[700];
    snprintf(zip_path, sizeof(zip_path), "%s/notion.zip", ud_test_tmpdir());
    write_zip(zip_path, NOTION_NAMES, NOTION_DATA, NOTION_FILES);
    collected c;
    collected_init(&c);
    const char *config = config_for("{\"path\":\"%s\"}", zip_path);
    UD_CHECK_OK(run(&c, &ud_connector_notion_export, config, NULL));
    char keys[2048];
    keys_of(keys, sizeof(keys), &c);
    /* Pages in the order of the export; the database once (its _all file),
     * its row page not a page of its own. */
    UD_CHECK_EQ_STR("notion:page:01234567-89ab-cdef-0123-456789abcdef;"
                    "notion:page:11111111-1111-1111-1111-111111111111;"
                    "notion:page:22222222-2222-2222-2222-222222222222;"
                    "notion:database_row:bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb;"
                    "notion:database_row:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa:row-2;",
                    keys);
    UD_CHECK_EQ_INT(1, json_array_size(c.failed));
    UD_CHECK_CONTAINS(json_string_value(json_array_get(json_array_get(c.failed, 0), 1)),
                      "never ends");

    json_t *oncall = must_doc(&c, "notion:page:22222222-2222-2222-2222-222222222222");
    UD_CHECK_EQ_STR("On-call", str(oncall, "title"));
    UD_CHECK_EQ_STR("notion", str(oncall, "source_type"));
    UD_CHECK_EQ_STR("https://www.notion.so/22222222222222222222222222222222", str(oncall, "url"));
    UD_CHECK_EQ_STR("Northwind Wiki/Engineering/On-call", str(oncall, "path"));
    UD_CHECK_CONTAINS(str(oncall, "text"), "The rota changes on Mondays");
    json_t *meta = json_object_get(oncall, "meta");
    UD_CHECK_EQ_STR("Northwind Wiki / Engineering", str(meta, "parent_path"));
    UD_CHECK_EQ_STR("Northwind Wiki > Engineering > On-call", str(meta, "heading_path"));
    UD_CHECK_EQ_STR("11111111-1111-1111-1111-111111111111",
                    str(json_array_get(json_object_get(meta, "parents"), 1), "id"));
    char acl[256];
    acl_of(acl, sizeof(acl), oncall);
    UD_CHECK_EQ_STR("org:*", acl);
    UD_CHECK_EQ_STR("Northwind Wiki",
                    str(must_doc(&c, "notion:page:01234567-89ab-cdef-0123-456789abcdef"), "title"));

    json_t *row = must_doc(&c, "notion:database_row:bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb");
    UD_CHECK_EQ_STR("Venlo rollout", str(row, "title"));
    UD_CHECK_EQ_STR("Dana Whitfield", str(row, "author"));
    const char *text = str(row, "text");
    UD_CHECK_CONTAINS(text, "# Venlo rollout\n\nDatabase: Projects\nStatus: In progress\n"
                            "Owner: Dana Whitfield\nCreated: March 3, 2025 9:00 AM\n");
    UD_CHECK_CONTAINS(text, "Go-live on 14 April; 40 Atlas AMRs.");
    UD_CHECK_EQ_INT(1, count_of(text, "Status: In progress")); /* the page's copy dropped */
    UD_CHECK_EQ_INT(1740992400, json_integer_value(json_object_get(row, "created_at")));
    meta = json_object_get(row, "meta");
    UD_CHECK_EQ_STR("Projects", str(meta, "database"));
    UD_CHECK_EQ_STR("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", str(meta, "database_id"));
    UD_CHECK_EQ_STR("In progress", str(json_object_get(meta, "properties"), "Status"));
    UD_CHECK_EQ_STR("Northwind Wiki > Projects > Venlo rollout", str(meta, "heading_path"));

    json_t *pilot = must_doc(&c, "notion:database_row:aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa:row-2");
    UD_CHECK_EQ_STR("Pallas pilot, Basel", str(pilot, "title"));
    UD_CHECK_CONTAINS(str(pilot, "text"), "Owner: Marc Schneider\n");
    UD_CHECK(json_is_null(json_object_get(pilot, "url")));
    check_resume_everywhere(&ud_connector_notion_export, config, &c);

    char message[512];
    UD_CHECK_OK(test_connection(&ud_connector_notion_export, config, message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "3 pages, 2 databases with 2 rows");
    collected_dispose(&c);

    /* A part zip inside the zip (large exports come so) reads the same. */
    char outer[700];
    snprintf(outer, sizeof(outer), "%s/notion-outer.zip", ud_test_tmpdir());
    char *part = NULL;
    size_t part_len = 0;
    FILE *f = fopen(zip_path, "rb");
    UD_CHECK(f != NULL);
    part = malloc(1 << 20);
    part_len = fread(part, 1, 1 << 20, f);
    fclose(f);
    int err = 0;
    zip_t *za = zip_open(outer, ZIP_CREATE | ZIP_TRUNCATE, &err);
    UD_CHECK(za != NULL);
    zip_source_t *src = zip_source_buffer(za, part, part_len, 0);
    UD_CHECK(zip_file_add(za, "Export-5e1f-Part-1.zip", src, 0) >= 0);
    UD_CHECK(zip_close(za) == 0);
    free(part);
    collected nested;
    collected_init(&nested);
    UD_CHECK_OK(
        run(&nested, &ud_connector_notion_export, config_for("{\"path\":\"%s\"}", outer), NULL));
    char nested_keys[2048];
    keys_of(nested_keys, sizeof(nested_keys), &nested);
    UD_CHECK_EQ_STR(keys, nested_keys);
    collected_dispose(&nested);
}

/* ---- Salesforce ------------------------------------------------------------------------------ */

static void write_salesforce(const char *dir)
{
    static const struct {
        const char *name, *data;
    } FILES[] = {
        {"Account.csv",
         "\xEF\xBB\xBFId,Name,Industry,Type,OwnerId,CreatedDate,LastModifiedDate,Description,"
         "IsDeleted\r\n"
         "001A,Acme Logistics,Logistics,Customer,005A,2025-01-01T00:00:00.000Z,"
         "2025-01-15T10:30:00.000Z,\"Rotterdam and Venlo sites, \"\"tier 1\"\"\r\nsince "
         "2024\",false\r\n"
         "001B,Gone Corp,Retail,Prospect,005A,2025-01-01T00:00:00.000Z,,,true\r\n"},
        {"Contact.csv", "Id,AccountId,FirstName,LastName,Title,Email,OwnerId\n"
                        "003A,001A,Jan,de Vries,Head of Operations,jan@acme.example,005A\n"},
        {"Opportunity.csv", "Id,AccountId,Name,StageName,Amount,CloseDate,IsClosed,OwnerId\n"
                            "006A,001A,Venlo expansion,Proposal,480000,2025-11-30,false,005A\n"
                            "006B,001A,Rotterdam pilot,Closed Won,120000,2025-02-01,true,005A\n"},
        {"Case.csv", "Id,CaseNumber,AccountId,ContactId,Subject,Status,Priority,OwnerId\n"
                     "500A,00001026,001A,003A,Battery swap fault,New,High,005A\n"},
        {"Task.csv", "Id,WhoId,WhatId,Subject,ActivityDate,Status,OwnerId\n"
                     "00TA,003A,006A,Send Venlo proposal,2025-03-20,Not Started,005A\n"},
        {"User.csv", "Id,Name,Email\n005A,Dana Whitfield,dana@northwind.example\n"},
        {"Lead.csv", "Id,LastName,Company\n00QA,\"Unterminated,Nowhere\n"},
        {"tree/accounts.json",
         "{\"records\":[{\"attributes\":{\"type\":\"Account\",\"referenceId\":\"AccRef1\"},"
         "\"Name\":\"Bluefin Grocers\",\"Industry\":\"Grocery\",\"NumberOfEmployees\":4200,"
         "\"Contacts\":{\"records\":[{\"attributes\":{\"type\":\"Contact\",\"referenceId\":"
         "\"ConRef1\"},\"FirstName\":\"Priya\",\"LastName\":\"Shah\",\"Email\":"
         "\"priya@bluefin.example\"}]}}]}"},
        {"tree/opportunities.json",
         "{\"records\":[{\"attributes\":{\"type\":\"Opportunity\",\"referenceId\":\"OppRef1\"},"
         "\"Name\":\"Leeds DC automation\",\"StageName\":\"Qualification\",\"AccountId\":"
         "\"@AccRef1\",\"Amount\":250000.5}]}"},
        {"tree/sample-data-plan.json", "[{\"sobject\":\"Account\",\"files\":[\"accounts.json\"]}]"},
    };
    for (size_t i = 0; i < sizeof(FILES) / sizeof(FILES[0]); i++)
        ud_test_write_file(dir, FILES[i].name, FILES[i].data, strlen(FILES[i].data));
}

void test_importers__salesforce_records_name_their_relations(void)
{
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/sf", ud_test_tmpdir());
    write_salesforce(dir);
    collected c;
    collected_init(&c);
    const char *config = config_for(
        "{\"path\":\"%s\",\"instance_url\":\"https://northwind.my.salesforce.com/\"}", dir);
    UD_CHECK_OK(run(&c, &ud_connector_salesforce_export, config, NULL));
    char keys[2048];
    keys_of(keys, sizeof(keys), &c);
    UD_CHECK_EQ_STR("salesforce:account:001A;salesforce:account:AccRef1;"
                    "salesforce:contact:003A;salesforce:contact:ConRef1;"
                    "salesforce:opportunity:006A;salesforce:opportunity:006B;"
                    "salesforce:opportunity:OppRef1;salesforce:case:500A;salesforce:task:00TA;",
                    keys);
    UD_CHECK_EQ_INT(1, json_array_size(c.failed));
    UD_CHECK_EQ_STR("Lead.csv", json_string_value(json_array_get(json_array_get(c.failed, 0), 0)));

    json_t *acme = must_doc(&c, "salesforce:account:001A");
    UD_CHECK_EQ_STR("Acme Logistics", str(acme, "title"));
    UD_CHECK_EQ_STR("salesforce", str(acme, "source_type"));
    UD_CHECK_EQ_STR("https://northwind.my.salesforce.com/001A", str(acme, "url"));
    UD_CHECK_EQ_STR("Dana Whitfield", str(acme, "author"));
    char acl[256];
    acl_of(acl, sizeof(acl), acme);
    UD_CHECK_EQ_STR("org:*", acl);
    UD_CHECK_EQ_INT(1735689600, json_integer_value(json_object_get(acme, "created_at")));
    UD_CHECK_EQ_INT(1736937000, json_integer_value(json_object_get(acme, "updated_at")));
    const char *text = str(acme, "text");
    UD_CHECK_CONTAINS(text, "Company: Acme Logistics\nType: Customer\nIndustry: Logistics\n"
                            "Owner: Dana Whitfield\nCreated: 2025-01-01T00:00:00.000Z\n"
                            "Description: Rotterdam and Venlo sites, \"tier 1\" since 2024\n");
    UD_CHECK_CONTAINS(text, "\n\nContacts:\n- Jan de Vries (Head of Operations, "
                            "jan@acme.example)\n\nOpen opportunities:\n- Venlo expansion "
                            "(Proposal, 480000, closes 2025-11-30)\n\nOpen cases:\n- Case "
                            "00001026: Battery swap fault (New, High)\n");
    UD_CHECK(!strstr(text, "Rotterdam pilot")); /* closed */
    json_t *meta = json_object_get(acme, "meta");
    UD_CHECK_EQ_STR("Account", str(meta, "object_type"));
    UD_CHECK_EQ_STR("dana@northwind.example", str(meta, "owner"));
    UD_CHECK_EQ_STR("https://northwind.my.salesforce.com/001A", str(meta, "url"));
    UD_CHECK_EQ_STR(
        "003A",
        str(json_array_get(json_object_get(json_object_get(meta, "related"), "Contacts"), 0),
            "id"));
    UD_CHECK(!doc_of(&c, "salesforce:account:001B")); /* deleted */
    UD_CHECK(!doc_of(&c, "salesforce:user:005A"));    /* read for names, not indexed */

    const char *opp = str(must_doc(&c, "salesforce:opportunity:006A"), "text");
    UD_CHECK_CONTAINS(opp,
                      "Opportunity: Venlo expansion\nAccount: Acme Logistics\nStage: Proposal\n"
                      "Amount: 480000\nClose date: 2025-11-30\n");
    UD_CHECK_CONTAINS(opp, "Tasks:\n- Send Venlo proposal (2025-03-20, Not Started)\n");
    UD_CHECK_CONTAINS(
        str(must_doc(&c, "salesforce:contact:003A"), "text"),
        "Contact: Jan de Vries\nTitle: Head of Operations\nAccount: Acme Logistics\n");
    const char *task = str(must_doc(&c, "salesforce:task:00TA"), "text");
    UD_CHECK_CONTAINS(task, "Task: Send Venlo proposal\nRelated to: Venlo expansion (Opportunity)\n"
                            "Name: Jan de Vries (Contact)\n");
    const char *kase = str(must_doc(&c, "salesforce:case:500A"), "text");
    UD_CHECK_CONTAINS(kase, "Case 00001026: Battery swap fault\nAccount: Acme Logistics\n"
                            "Contact: Jan de Vries\nStatus: New\nPriority: High\n");
    UD_CHECK(!strstr(kase, "Subject:"));

    /* Tree records: @references and nested children resolved too. */
    json_t *bluefin = must_doc(&c, "salesforce:account:AccRef1");
    UD_CHECK(json_is_null(json_object_get(bluefin, "url"))); /* no Id: no link */
    UD_CHECK_CONTAINS(str(bluefin, "text"), "Company: Bluefin Grocers\nIndustry: Grocery\n"
                                            "Number of employees: 4200\n");
    UD_CHECK_CONTAINS(str(bluefin, "text"), "Contacts:\n- Priya Shah (priya@bluefin.example)\n");
    UD_CHECK_CONTAINS(str(bluefin, "text"), "Open opportunities:\n- Leeds DC automation");
    UD_CHECK_CONTAINS(str(must_doc(&c, "salesforce:contact:ConRef1"), "text"),
                      "Account: Bluefin Grocers");
    UD_CHECK_CONTAINS(str(must_doc(&c, "salesforce:opportunity:OppRef1"), "text"),
                      "Account: Bluefin Grocers\nStage: Qualification\nAmount: 250000.5\n");
    check_resume_everywhere(&ud_connector_salesforce_export, config, &c);
    char message[512];
    UD_CHECK_OK(test_connection(&ud_connector_salesforce_export, config, message, sizeof(message)));
    UD_CHECK_CONTAINS(message, "10 records, 9 to index");
    collected_dispose(&c);

    /* Owner ACLs: the owner's email from User.csv; without one, the record
     * fails rather than being shown to everyone or to nobody. */
    collected owned;
    collected_init(&owned);
    UD_CHECK_OK(run(
        &owned, &ud_connector_salesforce_export,
        config_for("{\"path\":\"%s\",\"acl\":\"owner\",\"objects\":[\"account\"]}", dir), NULL));
    keys_of(keys, sizeof(keys), &owned);
    UD_CHECK_EQ_STR("salesforce:account:001A;", keys);
    acl_of(acl, sizeof(acl), must_doc(&owned, "salesforce:account:001A"));
    UD_CHECK_EQ_STR("user:dana@northwind.example", acl);
    UD_CHECK_EQ_INT(2, json_array_size(owned.failed)); /* Lead.csv and Bluefin's owner */
    UD_CHECK_CONTAINS(json_string_value(json_array_get(json_array_get(owned.failed, 1), 1)),
                      "has no email");
    collected_dispose(&owned);

    UD_CHECK_EQ_INT(UD_EINVAL, test_connection(&ud_connector_salesforce_export,
                                               config_for("{\"path\":\"%s\",\"acl\":\"x\"}", dir),
                                               message, sizeof(message)));
    char empty[600];
    snprintf(empty, sizeof(empty), "%s/empty", ud_test_tmpdir());
    ud_test_write_file(empty, "readme.txt", "x", 1);
    UD_CHECK_EQ_INT(UD_EINVAL, test_connection(&ud_connector_salesforce_export,
                                               config_for("{\"path\":\"%s\"}", empty), message,
                                               sizeof(message)));
    UD_CHECK_CONTAINS(message, "not a Salesforce export");
}

/* The CSV reader on its own: quotes, CRLF, BOM, a broken quote. */
void test_importers__csv_reader(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    static const char DATA[] = "\xEF\xBB\xBF"
                               "a,\"b,1\",\"say \"\"hi\"\"\"\r\n"
                               "\"multi\nline\",,x\n"
                               "\n"
                               "last";
    ud_csv csv;
    ud_csv_init(&csv, DATA, sizeof(DATA) - 1);
    char **f;
    size_t n;
    UD_CHECK_EQ_INT(1, ud_csv_next(&f, &n, &csv, &arena));
    UD_CHECK_EQ_INT(3, n);
    UD_CHECK_EQ_STR("a", f[0]);
    UD_CHECK_EQ_STR("b,1", f[1]);
    UD_CHECK_EQ_STR("say \"hi\"", f[2]);
    UD_CHECK_EQ_INT(1, ud_csv_next(&f, &n, &csv, &arena));
    UD_CHECK_EQ_INT(3, n);
    UD_CHECK_EQ_STR("multi\nline", f[0]);
    UD_CHECK_EQ_STR("", f[1]);
    UD_CHECK_EQ_INT(1, ud_csv_next(&f, &n, &csv, &arena));
    UD_CHECK_EQ_INT(1, n);
    UD_CHECK_EQ_INT(1, ud_csv_next(&f, &n, &csv, &arena));
    UD_CHECK_EQ_STR("last", f[0]);
    UD_CHECK_EQ_INT(0, ud_csv_next(&f, &n, &csv, &arena));
    ud_csv_init(&csv, "a,\"open\nnever", 13);
    UD_CHECK_EQ_INT(UD_ECORRUPT, ud_csv_next(&f, &n, &csv, &arena));
    UD_CHECK_CONTAINS(ud_test_error_message(), "line 1 never ends");
    ud_arena_dispose(&arena);
}
