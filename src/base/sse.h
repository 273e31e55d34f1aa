/*
 * A Server-Sent Events parser (the WHATWG event-stream format) for the
 * streaming answers of model providers: bytes go in as they arrive, in
 * chunks cut anywhere, and whole events {event, data} come out.
 *
 * Lines end with "\r\n", "\n" or "\r" (a "\r" at the end of one chunk and a
 * "\n" at the start of the next are one line end). "data:" lines of one
 * event are joined with "\n"; lines starting with ":" are comments; a blank
 * line dispatches the event; "id:" is kept, "retry:" and unknown fields are
 * ignored. A line, and the data of one event, are capped: past the cap the
 * parser fails with UD_ELIMIT instead of growing without bound.
 */
#ifndef UD_BASE_SSE_H
#define UD_BASE_SSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/str.h"

typedef struct ud_sse_event {
    ud_str event; /* the "event:" field, "message" when there was none */
    ud_str data;  /* the data lines joined by "\n" (may be empty) */
    ud_str id;    /* the last "id:" seen in the stream, "" if none */
} ud_sse_event;

/* Receives each event; the slices are borrowed for the call only. A
 * non-zero return stops the parser, and ud_sse_parser_feed returns it. */
typedef int (*ud_sse_on_event)(const ud_sse_event *event, void *payload);

/* Parser state (embed it; ud_sse_parser_init / ud_sse_parser_dispose). Not
 * thread-safe: one stream, one parser. */
typedef struct ud_sse_parser {
    ud_buf line;  /* the line being read */
    ud_buf event; /* the event type of the event being read */
    ud_buf data;  /* its data lines, each followed by "\n" */
    ud_buf id;
    bool has_data;      /* a data: line was seen (an empty one counts) */
    bool after_cr;      /* the last byte was a "\r" that ended a line */
    bool started;       /* bytes were seen (the BOM is skipped only first) */
    size_t bom_matched; /* bytes of a leading UTF-8 BOM matched so far */
    size_t events;      /* events dispatched so far */
} ud_sse_parser;

/* max_bytes caps one line and the data of one event (0: 1 MiB). */
void ud_sse_parser_init(ud_sse_parser *parser, size_t max_bytes);
void ud_sse_parser_dispose(ud_sse_parser *parser);

/* Parses the next `len` bytes of the stream, calling on_event for each
 * event they complete. Returns 0, UD_ELIMIT past the cap, or the first
 * non-zero value returned by on_event (the parser must not be fed again
 * after an error). */
int ud_sse_parser_feed(ud_sse_parser *parser, const char *bytes, size_t len,
                       ud_sse_on_event on_event, void *payload) UD_MUST_CHECK;

/* The stream ended: a last line without its line end is parsed, and an
 * event whose blank line never came is dispatched (servers often omit the
 * final blank line). Returns like ud_sse_parser_feed. */
int ud_sse_parser_finish(ud_sse_parser *parser, ud_sse_on_event on_event,
                         void *payload) UD_MUST_CHECK;

#endif
