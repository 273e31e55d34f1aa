/*
 * The Gmail importer: a Google Takeout mbox (one file, or a folder of .mbox
 * files), mapped to the documents the live Gmail connector will produce,
 * one per message.
 *
 * Splitting: a message starts at a "From " line that looks like an mbox
 * separator ("From <sender> <date with hh:mm>"); body lines escaped as
 * ">From " (mboxrd) lose one '>'. Each message is parsed with GMime, which
 * decodes quoted-printable and base64, RFC 2047 words and charsets. A
 * message that does not parse, or has none of the headers of an email, is
 * reported through sink->failed and skipped.
 *
 * Content, as the spec's privacy defaults say: metadata only (subject,
 * from, to, cc, date, labels from X-Gmail-Labels, thread from X-GM-THRID,
 * attachment names), so the document text is a short header summary and
 * the raw bytes kept are the header block alone; bodies and attachment text
 * only with {"full_content": true}. Spam and Trash are skipped
 * ({"include_spam_trash": true} keeps them); {"labels": [...]} keeps only
 * messages carrying one of those labels.
 *
 * Ids: Gmail's API names a message by the hexadecimal form of the
 * X-GM-MSGID that Takeout writes in decimal (in the header, or as the
 * "From 1234...@xxx" sender), so "gmail:message:{hex}" is the id the live
 * connector will make. Without one: "gmail:message:mid-{hash of the
 * Message-ID}" (or of the bytes, when even that is missing).
 *
 * ACL: a mailbox is readable by its owner alone (the live connector reads
 * one user's mailbox with that user's grant), so every document's ACL is
 * [owner] (the config's required "owner" email). Recipients are not added:
 * each of them has their own copy in their own mailbox, which their own
 * source indexes.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/mem.h"
#include "base/str.h"
#include "connectors/export.h"
#include "connectors/importers.h"
#include "doc/acl.h"
#include "doc/extract/extract.h"
#include "doc/extract/extract_util.h"
#include "doc/extract/mime_walk.h"

#define MAX_ATTACHMENTS 256
#define MAX_LABELS 256

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void init_gmime(void)
{
    g_mime_init();
}

typedef struct gmail_ctx {
    json_t *config;
    const char *owner;           /* lower-case, arena */
    const char *owner_principal; /* "user:" + owner: the mail's one reader */
    bool full_content;
    bool include_spam_trash;
    size_t item_cap;
    size_t total_cap;
    json_t *seen; /* source keys emitted in this run */
} gmail_ctx;

/* ---- Files --------------------------------------------------------------------- */

typedef struct mbox_file {
    char *path; /* to open */
    char *name; /* for messages: relative to the folder, or the file name */
    uint64_t size;
} mbox_file;

static int compare_files(const void *a, const void *b)
{
    return strcmp(((const mbox_file *)a)->name, ((const mbox_file *)b)->name);
}

static void free_files(mbox_file *files, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(files[i].path);
        free(files[i].name);
    }
    free(files);
}

/* The mbox files of `path` (a file, or the .mbox files under a folder), in
 * name order, and a fingerprint of their names and sizes. */
static int list_files(mbox_file **out, size_t *out_count, char fingerprint[17], const char *path,
                      size_t total_cap)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return ud_error_set(errno == ENOENT ? UD_ENOTFOUND : UD_EIO, "%s: %s", path,
                            strerror(errno));
    mbox_file *files = NULL;
    size_t count = 0;
    if (S_ISREG(st.st_mode)) {
        files = ud_calloc(1, sizeof(*files));
        files[0].path = ud_strdup(path);
        const char *slash = strrchr(path, '/');
        files[0].name = ud_strdup(slash ? slash + 1 : path);
        files[0].size = (uint64_t)st.st_size;
        count = 1;
    } else if (S_ISDIR(st.st_mode)) {
        ud_export *ex = NULL;
        /* Listing only: the sizes that count are the mbox files' own. */
        int rc = ud_export_open(&ex, path, SIZE_MAX, SIZE_MAX);
        if (rc < 0)
            return rc;
        files = ud_calloc(ud_export_count(ex) + 1, sizeof(*files));
        for (size_t i = 0; i < ud_export_count(ex); i++) {
            const char *name = ud_export_name(ex, i);
            if (!ud_str_ends_with_ci(ud_str_from(name), ".mbox"))
                continue;
            size_t n = strlen(ud_export_root(ex)) + strlen(name) + 2;
            files[count].path = ud_malloc(n);
            snprintf(files[count].path, n, "%s/%s", ud_export_root(ex), name);
            files[count].name = ud_strdup(name);
            files[count].size = ud_export_size(ex, i);
            count++;
        }
        ud_export_free(ex);
        if (count == 0) {
            free(files);
            return ud_error_set(UD_ENOTFOUND, "%s holds no .mbox file", path);
        }
    } else {
        return ud_error_set(UD_EINVAL, "%s is neither an mbox file nor a folder", path);
    }
    qsort(files, count, sizeof(*files), compare_files);
    uint64_t total = 0;
    ud_sha256_ctx ctx;
    ud_sha256_begin(&ctx);
    for (size_t i = 0; i < count; i++) {
        total += files[i].size;
        char size[32];
        int n = snprintf(size, sizeof(size), "%" PRIu64 "\n", files[i].size);
        ud_sha256_update(&ctx, files[i].name, strlen(files[i].name) + 1);
        ud_sha256_update(&ctx, size, (size_t)n);
    }
    char hex[UD_SHA256_HEX_LEN + 1];
    ud_sha256_end_hex(&ctx, hex);
    memcpy(fingerprint, hex, 16);
    fingerprint[16] = '\0';
    if (total > total_cap) {
        free_files(files, count);
        return ud_error_set(UD_ELIMIT, "%s holds %" PRIu64 " MiB of mail, over the %zu MiB limit",
                            path, total >> 20, total_cap >> 20);
    }
    *out = files;
    *out_count = count;
    return 0;
}

/* ---- Splitting --------------------------------------------------------------------- */

/* Whether the line at p (up to end) is an mbox separator:
 * "From " sender " " date, the date carrying a time (hh:mm) and a year. */
static bool is_from_line(const char *p, const char *end)
{
    if (end - p < 5 || memcmp(p, "From ", 5) != 0)
        return false;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *eol = nl ? nl : end;
    const char *q = p + 5;
    const char *sender = q;
    while (q < eol && *q != ' ' && *q != '\t')
        q++;
    if (q == sender || q >= eol)
        return false;
    bool time = false, year = false;
    for (const char *r = q; r < eol; r++) {
        if (r + 4 < eol && isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) &&
            r[2] == ':' && isdigit((unsigned char)r[3]) && isdigit((unsigned char)r[4]))
            time = true;
        if (r + 3 < eol && isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) &&
            isdigit((unsigned char)r[2]) && isdigit((unsigned char)r[3]) &&
            (r == q || !isdigit((unsigned char)r[-1])) &&
            (r + 4 == eol || !isdigit((unsigned char)r[4])))
            year = true;
    }
    return time && year;
}

typedef struct mbox_cursor {
    const char *data;
    size_t len;
    size_t pos; /* start of the next separator line */
} mbox_cursor;

/* The next message: [*out_start, *out_end) after its "From " line, which
 * is [*out_from, *out_from + *out_from_len). Returns false at the end. */
static bool next_message(mbox_cursor *cur, const char **out_from, size_t *out_from_len,
                         const char **out_start, size_t *out_len)
{
    const char *end = cur->data + cur->len;
    const char *p = cur->data + cur->pos;
    if (p >= end)
        return false;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *body = nl ? nl + 1 : end;
    *out_from = p;
    *out_from_len = (size_t)((nl ? nl : end) - p);
    const char *q = body, *stop = end;
    while (q < end) {
        if (is_from_line(q, end)) {
            stop = q;
            break;
        }
        const char *next = memchr(q, '\n', (size_t)(end - q));
        q = next ? next + 1 : end;
    }
    cur->pos = (size_t)(stop - cur->data);
    /* The blank line that ends a message belongs to the mbox, not to it. */
    const char *mend = stop;
    if (mend - body >= 2 && mend[-1] == '\n' && mend[-2] == '\n')
        mend--;
    else if (mend - body >= 4 && memcmp(mend - 4, "\r\n\r\n", 4) == 0)
        mend -= 2;
    *out_start = body;
    *out_len = (size_t)(mend - body);
    return true;
}

/* A copy with ">From " lines (any number of '>') unescaped by one '>'. */
static char *unescape(const char *p, size_t len, size_t *out_len)
{
    char *out = ud_malloc(len + 1);
    size_t o = 0, i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && p[j] == '>')
            j++;
        if (j > i && len - j >= 5 && memcmp(p + j, "From ", 5) == 0)
            i++; /* drop one '>' */
        const char *nl = memchr(p + i, '\n', len - i);
        size_t line = nl ? (size_t)(nl - (p + i)) + 1 : len - i;
        memcpy(out + o, p + i, line);
        o += line;
        i += line;
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

/* ---- Headers -------------------------------------------------------------------------- */

/* Decimal (as Takeout writes X-GM-MSGID / X-GM-THRID) to the API's hex. */
static bool decimal_to_hex(char out[24], const char *dec)
{
    if (!dec)
        return false;
    while (*dec == ' ' || *dec == '\t')
        dec++;
    uint64_t v = 0;
    int digits = 0;
    for (; *dec >= '0' && *dec <= '9'; dec++) {
        if (++digits > 20 || v > (UINT64_MAX - (uint64_t)(*dec - '0')) / 10)
            return false;
        v = v * 10 + (uint64_t)(*dec - '0');
    }
    while (*dec == ' ' || *dec == '\t' || *dec == '\r' || *dec == '\n')
        dec++;
    if (digits == 0 || *dec)
        return false;
    snprintf(out, 24, "%" PRIx64, v);
    return true;
}

static const char *header(GMimeMessage *msg, const char *name)
{
    return g_mime_object_get_header(GMIME_OBJECT(msg), name);
}

/* X-Gmail-Labels: comma-separated, a label with a comma in quotes. */
static json_t *parse_labels(const char *value)
{
    json_t *labels = json_array();
    if (!value)
        return labels;
    char *decoded = g_mime_utils_header_decode_text(NULL, value);
    const char *p = decoded ? decoded : value;
    char label[512];
    while (*p && json_array_size(labels) < MAX_LABELS) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        size_t n = 0;
        bool quoted = *p == '"';
        if (quoted)
            p++;
        while (*p && (quoted ? *p != '"' : *p != ',')) {
            if (quoted && *p == '\\' && p[1])
                p++;
            if (n + 1 < sizeof(label))
                label[n++] = *p;
            p++;
        }
        if (quoted && *p == '"')
            p++;
        while (*p && *p != ',')
            p++;
        if (*p == ',')
            p++;
        while (n > 0 && (label[n - 1] == ' ' || label[n - 1] == '\t' || label[n - 1] == '\r' ||
                         label[n - 1] == '\n'))
            n--;
        if (n > 0)
            json_array_append_new(labels, ud_export_json_stringn(label, n));
    }
    g_free(decoded);
    return labels;
}

static bool has_label(json_t *labels, const char *name)
{
    size_t i;
    json_t *l;
    json_array_foreach(labels, i, l)
    {
        if (strcasecmp(json_string_value(l), name) == 0)
            return true;
    }
    return false;
}

/* Addresses of one header as [{"name", "email"}], and "Name <email>, ..." text. */
static json_t *address_list(GMimeMessage *msg, GMimeAddressType type, ud_text_out *line)
{
    json_t *out = json_array();
    InternetAddressList *list = g_mime_message_get_addresses(msg, type);
    int n = list ? internet_address_list_length(list) : 0;
    for (int i = 0; i < n && json_array_size(out) < 1000; i++) {
        InternetAddress *a = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(a)) {
            InternetAddressList *members =
                internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a));
            int m = members ? internet_address_list_length(members) : 0;
            for (int k = 0; k < m; k++) {
                InternetAddress *ma = internet_address_list_get_address(members, k);
                if (!INTERNET_ADDRESS_IS_MAILBOX(ma))
                    continue;
                const char *name = internet_address_get_name(ma);
                const char *email = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ma));
                json_t *who = json_object();
                if (name && name[0])
                    json_object_set_new(who, "name", ud_export_json_string(name));
                json_object_set_new(who, "email", ud_export_json_string(email));
                json_array_append_new(out, who);
            }
            continue;
        }
        if (!INTERNET_ADDRESS_IS_MAILBOX(a))
            continue;
        const char *name = internet_address_get_name(a);
        const char *email = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a));
        json_t *who = json_object();
        if (name && name[0])
            json_object_set_new(who, "name", ud_export_json_string(name));
        json_object_set_new(who, "email", ud_export_json_string(email));
        json_array_append_new(out, who);
    }
    if (line) {
        size_t i;
        json_t *who;
        json_array_foreach(out, i, who)
        {
            const char *name = json_string_value(json_object_get(who, "name"));
            const char *email = json_string_value(json_object_get(who, "email"));
            if (i)
                ud_text_out_puts(line, ", ");
            if (name) {
                ud_text_out_puts(line, name);
                ud_text_out_puts(line, " <");
                ud_text_out_puts(line, email);
                ud_text_out_puts(line, ">");
            } else {
                ud_text_out_puts(line, email);
            }
        }
    }
    return out;
}

/* ---- Body and attachments ----------------------------------------------------------- */

typedef struct mail_walk {
    gmail_ctx *c;
    ud_arena *arena;
    const char *name;
    ud_text_out *body;       /* NULL in metadata-only mode */
    json_t *attachments;     /* [{"name", "content_type", "size"}] */
    json_t *attachment_text; /* [[name, text]] (full content) */
} mail_walk;

/* The decoded content of a leaf part (g_byte_array_unref it), capped. */
static GByteArray *part_bytes(GMimePart *part, size_t cap)
{
    GMimeDataWrapper *content = g_mime_part_get_content(part);
    if (!content)
        return NULL;
    GMimeStream *mem = g_mime_stream_mem_new();
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
    GByteArray *bytes = NULL;
    if (g_mime_data_wrapper_write_to_stream(content, mem) >= 0)
        bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    g_object_unref(mem);
    if (bytes && bytes->len > cap) {
        g_byte_array_unref(bytes);
        return NULL;
    }
    return bytes;
}

static void put_text_part(GMimeTextPart *part, bool html, void *payload)
{
    mail_walk *w = payload;
    if (!w->body)
        return; /* metadata only */
    char *text = g_mime_text_part_get_text(part);
    if (!text)
        return;
    ud_text_out_break(w->body, 2);
    if (html) {
        ud_extracted ex = {0};
        ud_extract_limits lim;
        ud_extract_limits_default(&lim);
        lim.max_file_bytes = lim.max_text_bytes = w->c->item_cap;
        if (ud_extract_html(&ex, w->arena, text, strlen(text), w->name, &lim) == 0)
            ud_text_out_append(w->body, ex.text, ex.text_len);
        else
            ud_error_clear();
    } else {
        ud_text_out_puts(w->body, text);
    }
    ud_text_out_break(w->body, 2);
    g_free(text);
}

static ud_format attachment_format(const char *filename, GMimeObject *obj)
{
    ud_format f = filename ? ud_format_from_path(filename) : UD_FORMAT_UNKNOWN;
    if (f != UD_FORMAT_UNKNOWN)
        return f;
    if (ud_mime_is_type(obj, "text", "plain"))
        return UD_FORMAT_TEXT;
    if (ud_mime_is_type(obj, "text", "html"))
        return UD_FORMAT_HTML;
    if (ud_mime_is_type(obj, "application", "pdf"))
        return UD_FORMAT_PDF;
    if (ud_mime_is_type(obj, "application", "json"))
        return UD_FORMAT_JSON;
    if (ud_mime_is_type(obj, "application",
                        "vnd.openxmlformats-officedocument.wordprocessingml.document"))
        return UD_FORMAT_DOCX;
    return UD_FORMAT_UNKNOWN;
}

static void note_attachment(GMimePart *part, void *payload)
{
    mail_walk *w = payload;
    if (json_array_size(w->attachments) >= MAX_ATTACHMENTS)
        return;
    const char *filename = g_mime_part_get_filename(part);
    GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
    char *mime = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
    GByteArray *bytes = part_bytes(part, w->c->item_cap);
    json_t *a = json_object();
    json_object_set_new(a, "name", ud_export_json_string(filename ? filename : "(unnamed)"));
    if (mime)
        json_object_set_new(a, "content_type", ud_export_json_string(mime));
    if (bytes)
        json_object_set_new(a, "size", json_integer((json_int_t)bytes->len));
    json_array_append_new(w->attachments, a);
    if (w->body && bytes) {
        ud_format f = attachment_format(filename, GMIME_OBJECT(part));
        ud_extract_limits lim;
        ud_extract_limits_default(&lim);
        lim.max_file_bytes = lim.max_text_bytes = lim.max_member_bytes = w->c->item_cap;
        ud_extracted ex = {0};
        if (f != UD_FORMAT_UNKNOWN && ud_extract(&ex, w->arena, f, (const char *)bytes->data,
                                                 bytes->len, filename, &lim) == 0) {
            if (ex.text_len)
                json_array_append_new(w->attachment_text,
                                      json_pack("[oo]", ud_export_json_string(filename),
                                                ud_export_json_stringn(ex.text, ex.text_len)));
        } else {
            ud_error_clear();
        }
    }
    if (bytes)
        g_byte_array_unref(bytes);
    g_free(mime);
}

/* ---- One message ------------------------------------------------------------------------ */

static void put_line(ud_text_out *t, const char *label, const char *value)
{
    if (!value || !value[0])
        return;
    ud_text_out_puts(t, label);
    ud_text_out_puts(t, ": ");
    ud_text_out_inline(t, value, strlen(value));
    ud_text_out_break(t, 1);
}

/* The header block of a message (up to the first empty line). */
static size_t header_length(const char *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (p[i] != '\n')
            continue;
        if (p[i + 1] == '\n')
            return i + 1;
        if (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n')
            return i + 1;
    }
    return len;
}

/* The message's source key into key (96 bytes): X-GM-MSGID in hex (the
 * header, else Takeout's "From <id>@xxx" line), else a hash of the
 * Message-ID, else of the bytes. Returns the decimal X-GM-MSGID (the header's
 * or from_id, 32 bytes, filled) or NULL; hex (24 bytes) is "" without one. */
static const char *message_key(char *key, char *hex, char *from_id, GMimeMessage *msg,
                               const char *from_line, size_t from_len, const char *message,
                               size_t mlen)
{
    const char *gm_msgid = header(msg, "X-GM-MSGID");
    if (!gm_msgid || !decimal_to_hex(hex, gm_msgid)) {
        gm_msgid = NULL;
        hex[0] = '\0';
        const char *sp = from_len > 5 ? memchr(from_line + 5, ' ', from_len - 5) : NULL;
        size_t tok = sp ? (size_t)(sp - (from_line + 5)) : 0;
        const char *at = tok ? memchr(from_line + 5, '@', tok) : NULL;
        size_t digits = at ? (size_t)(at - (from_line + 5)) : 0;
        if (digits > 0 && digits < 32) {
            memcpy(from_id, from_line + 5, digits);
            from_id[digits] = '\0';
            if (decimal_to_hex(hex, from_id))
                gm_msgid = from_id;
            else
                hex[0] = '\0';
        }
    }
    if (hex[0]) {
        snprintf(key, 96, "gmail:message:%s", hex);
    } else {
        const char *message_id = g_mime_message_get_message_id(msg);
        char digest[UD_SHA256_HEX_LEN + 1];
        if (message_id && message_id[0])
            ud_sha256_hex(digest, message_id, strlen(message_id));
        else
            ud_sha256_hex(digest, message, mlen);
        snprintf(key, 96, "gmail:message:mid-%.32s", digest);
    }
    return gm_msgid;
}

static GMimeMessage *parse_message(const char *message, size_t mlen)
{
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(message, mlen);
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_object_unref(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    return msg;
}

/* A message before the resume point is not emitted again, but its key is
 * remembered, so that its copy in a later mbox file stays a duplicate. */
static void remember_skipped(gmail_ctx *c, const char *from_line, size_t from_len, const char *data,
                             size_t len)
{
    if (len > c->item_cap)
        return;
    size_t mlen = 0;
    char *message = unescape(data, len, &mlen);
    GMimeMessage *msg = parse_message(message, mlen);
    if (msg) {
        char hex[24], from_id[32], key[96];
        message_key(key, hex, from_id, msg, from_line, from_len, message, mlen);
        json_object_set_new(c->seen, key, json_true());
        g_object_unref(msg);
    }
    free(message);
}

/* Parses and emits one message (the current unit). Returns the sink's code;
 * a message that cannot be read is failed, not returned. */
static int emit_message(ud_export_emitter *em, gmail_ctx *c, const char *file, size_t number,
                        const char *from_line, size_t from_len, const char *data, size_t len)
{
    ud_arena *arena = &em->arena;
    char item[600];
    snprintf(item, sizeof(item), "%s, message %zu", file, number);
    if (len > c->item_cap) {
        char reason[160];
        snprintf(reason, sizeof(reason), "the message is %zu KiB, over the %zu KiB item limit",
                 len >> 10, c->item_cap >> 10);
        ud_export_fail(em, item, reason);
        return 0;
    }
    size_t mlen = 0;
    char *message = unescape(data, len, &mlen);
    GMimeMessage *msg = parse_message(message, mlen);
    const char *subject = msg ? g_mime_message_get_subject(msg) : NULL;
    const char *message_id = msg ? g_mime_message_get_message_id(msg) : NULL;
    GDateTime *date = msg ? g_mime_message_get_date(msg) : NULL;
    InternetAddressList *from_list =
        msg ? g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_FROM) : NULL;
    bool has_from = from_list && internet_address_list_length(from_list) > 0;
    if (!msg || (!subject && !message_id && !date && !has_from)) {
        ud_export_fail(em, item,
                       msg ? "not an email message: no From, Subject, Date or Message-ID header"
                           : "not an email message: GMime cannot parse it");
        if (msg)
            g_object_unref(msg);
        free(message);
        return 0;
    }
    json_t *labels = parse_labels(header(msg, "X-Gmail-Labels"));
    bool wanted = true;
    bool listed = false;
    if (!c->include_spam_trash && (has_label(labels, "Spam") || has_label(labels, "Trash")))
        wanted = false;
    if (wanted) {
        size_t i;
        json_t *l;
        bool any = false;
        json_array_foreach(labels, i, l)
        {
            if (ud_export_config_lists(c->config, "labels", json_string_value(l), &listed))
                any = true;
        }
        ud_export_config_lists(c->config, "labels", NULL, &listed);
        if (listed && !any)
            wanted = false;
    }

    char hex[24] = "", thread[24] = "", from_id[32] = "", key_buf[96];
    const char *gm_msgid =
        message_key(key_buf, hex, from_id, msg, from_line, from_len, message, mlen);
    const char *key = ud_arena_strdup(arena, key_buf);
    const char *gm_thrid = header(msg, "X-GM-THRID");
    if (!decimal_to_hex(thread, gm_thrid))
        thread[0] = '\0';
    if (!wanted || json_object_get(c->seen, key)) {
        /* Filtered out, or the same message in a second mbox file. */
        json_decref(labels);
        g_object_unref(msg);
        free(message);
        return 0;
    }
    json_object_set_new(c->seen, key, json_true());

    ud_extract_limits lim = {.max_text_bytes = c->item_cap};
    ud_text_out t, line;
    ud_text_out_init(&t, item, &lim);
    ud_text_out_init(&line, item, &lim);
    ud_text_out body;
    ud_text_out_init(&body, item, &lim);
    json_t *meta = json_object();
    put_line(&t, "Subject", subject);
    if (subject)
        json_object_set_new(meta, "subject", ud_export_json_string(subject));
    static const struct {
        const char *label, *key;
        GMimeAddressType type;
    } ADDRESSES[] = {
        {"From", "from", GMIME_ADDRESS_TYPE_FROM},
        {"To", "to", GMIME_ADDRESS_TYPE_TO},
        {"Cc", "cc", GMIME_ADDRESS_TYPE_CC},
    };
    const char *author = NULL;
    for (size_t i = 0; i < sizeof(ADDRESSES) / sizeof(ADDRESSES[0]); i++) {
        ud_buf_reset(&line.buf);
        json_t *list = address_list(msg, ADDRESSES[i].type, &line);
        if (i == 0 && json_array_size(list) > 0) {
            json_t *first = json_array_get(list, 0);
            const char *name = json_string_value(json_object_get(first, "name"));
            const char *email = json_string_value(json_object_get(first, "email"));
            author = ud_arena_strdup(arena, name ? name : email);
            json_object_set(meta, "from", first);
            json_decref(list);
        } else if (i == 0) {
            json_decref(list);
        } else {
            json_object_set_new(meta, ADDRESSES[i].key, list);
        }
        put_line(&t, ADDRESSES[i].label, line.buf.ptr);
    }
    char date_text[32] = "";
    int64_t when = 0;
    if (date) {
        when = (int64_t)g_date_time_to_unix(date);
        ud_time_format(date_text, when);
        json_object_set_new(meta, "date", json_string(date_text));
    }
    put_line(&t, "Date", date_text);
    if (json_array_size(labels) > 0) {
        ud_buf_reset(&line.buf);
        size_t i;
        json_t *l;
        json_array_foreach(labels, i, l)
        {
            if (i)
                ud_text_out_puts(&line, ", ");
            ud_text_out_puts(&line, json_string_value(l));
        }
        put_line(&t, "Labels", line.buf.ptr);
    }
    json_object_set(meta, "labels", labels);
    if (thread[0])
        json_object_set_new(meta, "thread_id", json_string(thread));
    if (message_id)
        json_object_set_new(meta, "message_id", ud_export_json_string(message_id));
    if (gm_msgid)
        json_object_set_new(meta, "gm_msgid", ud_export_json_string(gm_msgid));
    const char *in_reply_to = header(msg, "In-Reply-To");
    if (in_reply_to)
        json_object_set_new(meta, "in_reply_to", ud_export_json_string(in_reply_to));

    mail_walk w = {c, arena, item, c->full_content ? &body : NULL, json_array(), json_array()};
    ud_mime_walk(g_mime_message_get_mime_part(msg),
                 &(ud_mime_visitor){put_text_part, note_attachment, NULL, &w});
    if (json_array_size(w.attachments) > 0) {
        ud_buf_reset(&line.buf);
        size_t i;
        json_t *a;
        json_array_foreach(w.attachments, i, a)
        {
            if (i)
                ud_text_out_puts(&line, ", ");
            ud_text_out_puts(&line, json_string_value(json_object_get(a, "name")));
        }
        put_line(&t, "Attachments", line.buf.ptr);
    }
    json_object_set_new(meta, "attachments", w.attachments);
    json_object_set_new(meta, "content", json_string(c->full_content ? "full" : "metadata"));
    json_object_set_new(meta, "mailbox", json_string(c->owner));
    if (c->full_content) {
        if (body.buf.len) {
            ud_text_out_break(&t, 2);
            ud_text_out_append(&t, body.buf.ptr, body.buf.len);
        }
        size_t i;
        json_t *at;
        json_array_foreach(w.attachment_text, i, at)
        {
            ud_text_out_break(&t, 2);
            ud_text_out_puts(&t, "Attachment ");
            ud_text_out_puts(&t, json_string_value(json_array_get(at, 0)));
            ud_text_out_puts(&t, ":\n");
            ud_text_out_puts(&t, json_string_value(json_array_get(at, 1)));
        }
        ud_text_out_break(&t, 1);
        if (body.failed && !t.failed)
            t.failed = body.failed;
    }
    json_decref(w.attachment_text);

    ud_source_document sd;
    memset(&sd, 0, sizeof(sd));
    ud_document *d = &sd.doc;
    d->source_key = key;
    d->source_type = "gmail";
    d->title = subject && subject[0] ? ud_arena_strdup(arena, subject) : "(no subject)";
    d->url =
        hex[0] ? ud_arena_sprintf(arena, "https://mail.google.com/mail/u/%s/#all/%s", c->owner, hex)
               : NULL;
    d->author = author;
    d->file_type = "eml";
    d->created_at = d->updated_at = when;
    const char **acl = ud_arena_alloc(arena, sizeof(*acl));
    acl[0] = c->owner_principal;
    d->acl = acl;
    d->acl_count = 1;
    d->metadata_json = ud_export_json(arena, meta);
    /* Metadata only: the header block is all that is kept, as the live
     * connector would fetch nothing more. */
    size_t raw_len = c->full_content ? mlen : header_length(message, mlen);
    sd.raw = ud_arena_strndup(arena, message, raw_len);
    sd.raw_len = raw_len;
    sd.raw_id = ud_export_raw_id(arena, key, ".eml");
    int rc = ud_export_emit_text(em, &sd, &t, item);
    ud_text_out_dispose(&t);
    ud_text_out_dispose(&line);
    ud_text_out_dispose(&body);
    json_decref(labels);
    g_object_unref(msg);
    free(message);
    return rc;
}

/* Every message of one mbox file, each one unit. */
static int sync_file(ud_export_emitter *em, gmail_ctx *c, const mbox_file *f)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        char reason[300];
        snprintf(reason, sizeof(reason), "cannot open: %s", strerror(errno));
        if (fd >= 0)
            close(fd);
        int n = ud_export_next(em);
        if (n > 0)
            ud_export_fail(em, f->name, reason);
        return n < 0 ? n : 0;
    }
    size_t len = (size_t)st.st_size;
    /* Mapped, not read: a Takeout mbox is often larger than memory. */
    const char *data = NULL;
    if (len > 0) {
        void *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            close(fd);
            int n = ud_export_next(em);
            if (n > 0)
                ud_export_fail(em, f->name, "cannot map the file into memory");
            return n < 0 ? n : 0;
        }
        data = map;
    }
    close(fd);
    int rc = 0;
    size_t start = 0;
    while (start < len && (data[start] == '\n' || data[start] == '\r'))
        start++;
    if (len > 0 && !is_from_line(data + start, data + len)) {
        int n = ud_export_next(em);
        if (n > 0)
            ud_export_fail(em, f->name,
                           "not an mbox file: it does not start with a \"From \" line");
        rc = n < 0 ? n : 0;
    } else if (len > 0) {
        mbox_cursor cur = {data, len, start};
        const char *from, *msg;
        size_t from_len, msg_len, number = 0;
        while (next_message(&cur, &from, &from_len, &msg, &msg_len)) {
            number++;
            int n = ud_export_next(em);
            if (n < 0) {
                rc = n;
                break;
            }
            if (n == 0) {
                remember_skipped(c, from, from_len, msg, msg_len);
                continue;
            }
            if ((rc = emit_message(em, c, f->name, number, from, from_len, msg, msg_len)) < 0)
                break;
        }
    }
    if (len > 0)
        munmap((void *)data, len);
    return rc;
}

/* ---- The connector ------------------------------------------------------------------------ */

static int open_ctx(gmail_ctx *c, ud_arena *arena, const ud_source_config *config,
                    const char **out_path)
{
    memset(c, 0, sizeof(*c));
    pthread_once(&gmime_once, init_gmime);
    int rc = ud_export_config(&c->config, config);
    if (rc < 0)
        return rc;
    const char *path = ud_export_config_string(c->config, "path");
    if (!path)
        return ud_error_set(UD_EINVAL,
                            "the Gmail export source needs a \"path\" (an mbox file or a folder)");
    const char *owner = ud_export_config_string(c->config, "owner");
    if (!owner || !strchr(owner, '@'))
        return ud_error_set(UD_EINVAL, "the Gmail export source needs the mailbox \"owner\" "
                                       "(an email address): only the owner may read the mail");
    char *lower = ud_arena_strdup(arena, owner);
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    c->owner = lower;
    c->owner_principal = ud_acl_user(arena, lower);
    if (!c->owner_principal)
        return ud_error_set(UD_EINVAL,
                            "the Gmail export's \"owner\" '%.100s' is not an email "
                            "address",
                            owner);
    c->full_content = ud_export_config_bool(c->config, "full_content", false);
    c->include_spam_trash = ud_export_config_bool(c->config, "include_spam_trash", false);
    c->item_cap = ud_export_item_cap(config);
    c->total_cap = ud_export_total_cap(config);
    c->seen = json_object();
    *out_path = path;
    return 0;
}

static void dispose_ctx(gmail_ctx *c)
{
    json_decref(c->config);
    json_decref(c->seen);
}

static int gmail_test_connection(const ud_source_config *config, char *message, size_t size)
{
    ud_arena arena;
    ud_arena_init(&arena);
    gmail_ctx c;
    const char *path = NULL;
    mbox_file *files = NULL;
    size_t count = 0;
    char fingerprint[17];
    int rc = open_ctx(&c, &arena, config, &path);
    if (rc == 0)
        rc = list_files(&files, &count, fingerprint, path, c.total_cap);
    uint64_t bytes = 0;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        bytes += files[i].size;
        int fd = open(files[i].path, O_RDONLY | O_CLOEXEC);
        char head[512];
        ssize_t n = fd >= 0 ? read(fd, head, sizeof(head)) : -1;
        if (fd >= 0)
            close(fd);
        if (n < 0)
            rc = ud_error_set(UD_EIO, "%s: cannot read: %s", files[i].name, strerror(errno));
        else if (n > 0) {
            ssize_t s = 0;
            while (s < n && (head[s] == '\n' || head[s] == '\r'))
                s++;
            if (!is_from_line(head + s, head + n))
                rc = ud_error_set(UD_ECORRUPT, "%s is not an mbox file: no \"From \" line first",
                                  files[i].name);
        }
    }
    if (rc < 0)
        snprintf(message, size, "%s", ud_error_last());
    else
        snprintf(message, size, "mbox export of %s: %zu file%s, %" PRIu64 " KiB (%s)", c.owner,
                 count, count == 1 ? "" : "s", bytes >> 10,
                 c.full_content ? "full content" : "metadata only");
    free_files(files, count);
    dispose_ctx(&c);
    ud_arena_dispose(&arena);
    return rc;
}

static int gmail_sync(const ud_source_config *config, ud_arena *arena, const ud_sync_sink *sink)
{
    gmail_ctx c;
    const char *path = NULL;
    mbox_file *files = NULL;
    size_t count = 0;
    char fingerprint[17];
    int rc = open_ctx(&c, arena, config, &path);
    if (rc == 0)
        rc = list_files(&files, &count, fingerprint, path, c.total_cap);
    if (rc < 0) {
        dispose_ctx(&c);
        return rc;
    }
    ud_export_emitter em;
    ud_export_emitter_init(&em, sink, config, fingerprint);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = sync_file(&em, &c, &files[i]);
    if (rc == 0)
        rc = ud_export_finish(&em);
    ud_export_emitter_dispose(&em);
    free_files(files, count);
    dispose_ctx(&c);
    return rc;
}

const ud_connector ud_connector_gmail_export = {
    .type = "gmail_export",
    .data_source_type = "gmail",
    .source_type = "gmail",
    .summary = "a Google Takeout mbox (file or folder): one document per message, metadata only "
               "unless full_content",
    .test_connection = gmail_test_connection,
    .sync = gmail_sync,
    .webhook = NULL,
};
