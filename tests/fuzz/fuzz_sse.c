/*
 * Fuzz target: the Server-Sent Events parser (src/base/sse.c). The first
 * byte sets the chunk size the stream is fed in (1 to 64 bytes), so line
 * ends and BOMs split across chunks are reached; the cap is small so that
 * its path is too.
 */
#include <string.h>

#include "base/error.h"
#include "base/sse.h"
#include "fuzz.h"

static int on_event(const ud_sse_event *event, void *payload)
{
    size_t *count = payload;
    UD_FUZZ_ASSERT(event->event.ptr != NULL && event->data.len <= 4096);
    UD_FUZZ_ASSERT(event->id.ptr != NULL);
    /* A callback may stop the stream: every 50th event does. */
    return ++*count % 50 == 0 ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t chunk = (size_t)(data[0] % 64) + 1;
    data++;
    size--;
    ud_sse_parser parser;
    ud_sse_parser_init(&parser, 4096);
    size_t events = 0;
    int rc = 0;
    for (size_t at = 0; at < size && rc == 0; at += chunk) {
        size_t n = size - at < chunk ? size - at : chunk;
        rc = ud_sse_parser_feed(&parser, (const char *)data + at, n, on_event, &events);
    }
    if (rc == 0)
        rc = ud_sse_parser_finish(&parser, on_event, &events);
    UD_FUZZ_ASSERT(rc == 0 || rc == 1 || rc == UD_ELIMIT);
    ud_error_clear();
    ud_sse_parser_dispose(&parser);
    return 0;
}
