/*
 * Email (.eml, RFC 5322 + MIME) with GMime. The text starts with the
 * headers people search by (From, To, Cc, Date, Subject), then the body:
 * text/plain parts, or the HTML part run through the HTML extractor when
 * there is no plain alternative; attachments are listed by name. Subject,
 * sender and date become title, author and created_at; the addresses and
 * attachment names go into metadata_json.
 */
#include <gmime/gmime.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"
#include "doc/extract/mime_walk.h"

#define MAX_ATTACHMENTS 256

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void init_gmime(void)
{
    g_mime_init();
}

typedef struct email_walk {
    ud_text_out *out;
    ud_arena *arena;
    const char *name;
    const ud_extract_limits *limits;
    json_t *attachments;
    bool wrote_body;
} email_walk;

static void write_text_part(GMimeTextPart *part, bool html, void *payload)
{
    email_walk *w = payload;
    char *text = g_mime_text_part_get_text(part);
    if (!text)
        return;
    ud_text_out_break(w->out, 2);
    if (html) {
        ud_extracted ex = {0};
        if (ud_extract_html(&ex, w->arena, text, strlen(text), w->name, w->limits) == 0)
            ud_text_out_append(w->out, ex.text, ex.text_len);
        else
            ud_error_clear();
    } else {
        ud_text_out_puts(w->out, text);
    }
    ud_text_out_break(w->out, 2);
    w->wrote_body = true;
    g_free(text);
}

static void note_attachment(GMimePart *part, void *payload)
{
    email_walk *w = payload;
    const char *filename = g_mime_part_get_filename(part);
    if (!filename || json_array_size(w->attachments) >= MAX_ATTACHMENTS)
        return;
    json_array_append_new(w->attachments, json_string(filename));
}

static bool text_failed(void *payload)
{
    const email_walk *w = payload;
    return w->out->failed != 0;
}

/* "Name <a@b>, c@d" of one address header, or NULL. Caller g_free()s. */
static char *addresses(GMimeMessage *msg, GMimeAddressType type)
{
    InternetAddressList *list = g_mime_message_get_addresses(msg, type);
    if (!list || internet_address_list_length(list) == 0)
        return NULL;
    return internet_address_list_to_string(list, NULL, FALSE);
}

static void header_line(ud_text_out *t, json_t *meta, const char *label, const char *key,
                        const char *value)
{
    if (!value || !value[0])
        return;
    ud_text_out_puts(t, label);
    ud_text_out_puts(t, ": ");
    ud_text_out_inline(t, value, strlen(value));
    ud_text_out_break(t, 1);
    if (key)
        json_object_set_new(meta, key, json_string(value));
}

int ud_extract_email(ud_extracted *out, ud_arena *arena, const char *data, size_t len,
                     const char *name, const ud_extract_limits *limits)
{
    pthread_once(&gmime_once, init_gmime);
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_object_unref(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    if (!msg)
        return ud_error_set(UD_ECORRUPT, "not a valid email message");
    const char *subject = g_mime_message_get_subject(msg);
    char *from = addresses(msg, GMIME_ADDRESS_TYPE_FROM);
    char *to = addresses(msg, GMIME_ADDRESS_TYPE_TO);
    char *cc = addresses(msg, GMIME_ADDRESS_TYPE_CC);
    GDateTime *date = g_mime_message_get_date(msg);
    const char *message_id = g_mime_message_get_message_id(msg);
    if (!subject && !from && !to && !date && !message_id) {
        g_free(from);
        g_free(to);
        g_free(cc);
        g_object_unref(msg);
        return ud_error_set(UD_ECORRUPT,
                            "not an email: no From, To, Date, Subject or Message-ID header");
    }

    json_t *meta = json_object();
    ud_text_out t;
    ud_text_out_init(&t, name, limits);
    char date_text[64] = "";
    if (date) {
        gchar *iso = g_date_time_format_iso8601(date);
        if (iso)
            snprintf(date_text, sizeof(date_text), "%s", iso);
        g_free(iso);
    }
    /* The date is read by our own parser (base/date.h), like every other
     * document date; GMime's reading above is only how the line is shown. */
    out->created_at = ud_parse_date_or_zero(g_mime_object_get_header(GMIME_OBJECT(msg), "Date"));
    out->updated_at = out->created_at;
    header_line(&t, meta, "Subject", NULL, subject);
    header_line(&t, meta, "From", "from", from);
    header_line(&t, meta, "To", "to", to);
    header_line(&t, meta, "Cc", "cc", cc);
    header_line(&t, meta, "Date", "date", date_text);
    if (message_id)
        json_object_set_new(meta, "message_id", json_string(message_id));

    email_walk w = {&t, arena, name, limits, json_array(), false};
    ud_mime_walk(g_mime_message_get_mime_part(msg),
                 &(ud_mime_visitor){write_text_part, note_attachment, text_failed, &w});
    if (json_array_size(w.attachments) > 0) {
        ud_text_out_break(&t, 2);
        ud_text_out_puts(&t, "Attachments:");
        size_t i;
        json_t *item;
        json_array_foreach(w.attachments, i, item)
        {
            ud_text_out_puts(&t, i ? ", " : " ");
            ud_text_out_puts(&t, json_string_value(item));
        }
        ud_text_out_break(&t, 1);
    }
    json_object_set_new(meta, "attachments", w.attachments);

    if (subject && subject[0])
        out->title = ud_arena_strdup(arena, subject);
    if (from) {
        InternetAddressList *list = g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_FROM);
        InternetAddress *first = internet_address_list_get_address(list, 0);
        const char *display = first ? internet_address_get_name(first) : NULL;
        out->author = ud_arena_strdup(arena, display && display[0] ? display : from);
    }
    char *meta_text = json_dumps(meta, JSON_COMPACT);
    /* jansson answers a failed allocation with NULL: the message fails
     * rather than go on without its headers or attachment list. */
    int rc = meta_text && w.attachments
                 ? 0
                 : ud_error_set(UD_ENOMEM, "%s: out of memory building its metadata", name);
    if (meta_text)
        out->metadata_json = ud_arena_strdup(arena, meta_text);
    free(meta_text);
    json_decref(meta);
    g_free(from);
    g_free(to);
    g_free(cc);
    g_object_unref(msg);
    if (rc == 0)
        rc = ud_text_out_finish(out, arena, &t);
    ud_text_out_dispose(&t);
    return rc;
}
