/*
 * The Server-Sent Events parser (sse.h). It keeps only the line being read
 * and the event being built, so a stream of any length is parsed in bounded
 * memory, and it never assumes a chunk ends at a line or event boundary.
 */
#include "base/sse.h"

#include <string.h>

#define DEFAULT_MAX_BYTES (1u << 20)

static const unsigned char BOM[3] = {0xEF, 0xBB, 0xBF};

void ud_sse_parser_init(ud_sse_parser *parser, size_t max_bytes)
{
    if (max_bytes == 0)
        max_bytes = DEFAULT_MAX_BYTES;
    memset(parser, 0, sizeof(*parser));
    ud_buf_init(&parser->line, max_bytes);
    ud_buf_init(&parser->event, 256);
    /* Each data line adds its "\n": one more byte than the cap of its line. */
    ud_buf_init(&parser->data, max_bytes + 1);
    ud_buf_init(&parser->id, 256);
}

void ud_sse_parser_dispose(ud_sse_parser *parser)
{
    ud_buf_dispose(&parser->line);
    ud_buf_dispose(&parser->event);
    ud_buf_dispose(&parser->data);
    ud_buf_dispose(&parser->id);
}

static ud_str slice(const ud_buf *buf, size_t len)
{
    return (ud_str){buf->ptr ? buf->ptr : "", len};
}

/* A blank line: hands the event over if it had data, then starts afresh. */
static int dispatch(ud_sse_parser *p, ud_sse_on_event on_event, void *payload)
{
    int rc = 0;
    if (p->has_data) {
        ud_sse_event ev;
        ev.event = p->event.len ? slice(&p->event, p->event.len) : UD_STR("message");
        /* Drop the "\n" that followed the last data line. */
        ev.data = slice(&p->data, p->data.len ? p->data.len - 1 : 0);
        ev.id = slice(&p->id, p->id.len);
        p->events++;
        rc = on_event(&ev, payload);
    }
    ud_buf_reset(&p->event);
    ud_buf_reset(&p->data);
    p->has_data = false;
    return rc;
}

static int process_line(ud_sse_parser *p, const char *line, size_t len, ud_sse_on_event on_event,
                        void *payload)
{
    if (len == 0)
        return dispatch(p, on_event, payload);
    if (line[0] == ':')
        return 0; /* a comment (servers send them as keep-alives) */
    const char *colon = memchr(line, ':', len);
    size_t name_len = colon ? (size_t)(colon - line) : len;
    const char *value = colon ? colon + 1 : line + len;
    size_t value_len = (size_t)(line + len - value);
    if (value_len && value[0] == ' ') {
        value++;
        value_len--;
    }
    ud_str name = {line, name_len};
    int rc = 0;
    if (ud_str_eq_cstr(name, "data")) {
        rc = ud_buf_append(&p->data, value, value_len);
        if (rc == 0)
            rc = ud_buf_putc(&p->data, '\n');
        if (rc < 0)
            return ud_error_set(UD_ELIMIT, "an event's data is longer than %zu bytes",
                                p->data.max - 1);
        p->has_data = true;
    } else if (ud_str_eq_cstr(name, "event")) {
        ud_buf_reset(&p->event);
        if (ud_buf_append(&p->event, value, value_len) < 0)
            return ud_error_set(UD_ELIMIT, "an event name is longer than %zu bytes", p->event.max);
    } else if (ud_str_eq_cstr(name, "id")) {
        /* The spec ignores ids that contain NUL. */
        if (!memchr(value, '\0', value_len)) {
            ud_buf_reset(&p->id);
            if (ud_buf_append(&p->id, value, value_len) < 0)
                return ud_error_set(UD_ELIMIT, "an event id is longer than %zu bytes", p->id.max);
        }
    }
    return rc;
}

/* The bytes of one chunk after the BOM check. */
static int feed_bytes(ud_sse_parser *p, const char *bytes, size_t len, ud_sse_on_event on_event,
                      void *payload)
{
    size_t i = 0;
    while (i < len) {
        if (p->after_cr) {
            p->after_cr = false;
            if (bytes[i] == '\n') {
                i++;
                continue;
            }
        }
        size_t j = i;
        while (j < len && bytes[j] != '\n' && bytes[j] != '\r')
            j++;
        if (j > i && ud_buf_append(&p->line, bytes + i, j - i) < 0)
            return ud_error_set(UD_ELIMIT, "an event-stream line is longer than %zu bytes",
                                p->line.max);
        if (j == len)
            break;
        p->after_cr = bytes[j] == '\r';
        int rc = process_line(p, p->line.ptr, p->line.len, on_event, payload);
        ud_buf_reset(&p->line);
        if (rc != 0)
            return rc;
        i = j + 1;
    }
    return 0;
}

int ud_sse_parser_feed(ud_sse_parser *p, const char *bytes, size_t len, ud_sse_on_event on_event,
                       void *payload)
{
    /* A UTF-8 byte order mark at the very start of the stream is skipped;
     * it may itself arrive split across chunks. */
    while (!p->started && len > 0) {
        if ((unsigned char)bytes[0] == BOM[p->bom_matched]) {
            bytes++;
            len--;
            if (++p->bom_matched == sizeof(BOM))
                p->started = true;
            continue;
        }
        p->started = true;
        if (p->bom_matched > 0) {
            /* Not a BOM after all: those bytes were text. */
            int rc = feed_bytes(p, (const char *)BOM, p->bom_matched, on_event, payload);
            if (rc != 0)
                return rc;
        }
    }
    return feed_bytes(p, bytes, len, on_event, payload);
}

int ud_sse_parser_finish(ud_sse_parser *p, ud_sse_on_event on_event, void *payload)
{
    if (!p->started && p->bom_matched > 0) {
        p->started = true;
        int rc = feed_bytes(p, (const char *)BOM, p->bom_matched, on_event, payload);
        if (rc != 0)
            return rc;
    }
    if (p->line.len > 0) {
        int rc = process_line(p, p->line.ptr, p->line.len, on_event, payload);
        ud_buf_reset(&p->line);
        if (rc != 0)
            return rc;
    }
    return dispatch(p, on_event, payload);
}
