/*
 * Context assembly (context.h): the step between retrieval and generation.
 * The pipeline hands over the ranked chunks; the generator gets the text
 * below and the list of chunks it holds, which is also what citations are
 * matched against afterwards.
 *
 * Token counts are added up piece by piece. The count is subadditive
 * (tokens.c), so the sum is never below the count of the joined text and
 * the budget holds for the whole.
 */
#include "answer/context.h"

#include <string.h>

#include "answer/citations.h"
#include "base/str.h"
#include "doc/chunker.h"
#include "doc/tokens.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool blank(const char *text)
{
    for (; *text; text++)
        if (!is_space(*text))
            return false;
    return true;
}

/* The longest prefix of text[0..len) that counts at most `tokens`. */
static size_t prefix_within(const char *text, size_t len, size_t tokens)
{
    ud_token_counter counter;
    ud_token_counter_init(&counter);
    size_t pos = 0;
    while (pos < len) {
        int32_t cp;
        size_t step = ud_utf8_decode(text + pos, len - pos, &cp);
        ud_token_counter_feed(&counter, cp);
        if (counter.tokens > tokens)
            return pos;
        pos += step;
    }
    return len;
}

/* Where to cut text so that it ends within limit bytes: after the last
 * sentence or line that ends there if that keeps at least half, else at the
 * last space; 0 when there is no boundary at all. Trailing spaces are not
 * kept. */
static size_t cut_point(const char *text, size_t len, size_t limit)
{
    size_t cut = 0;
    for (size_t p = limit; p > limit / 2 && cut == 0; p--) {
        bool followed = p == len || is_space(text[p]);
        if (!followed)
            continue;
        char c = text[p - 1];
        if (c == '\n' || (p < len && text[p] == '\n'))
            cut = p;
        else if (c == '.' || c == '!' || c == '?')
            cut = p;
        else if ((c == ')' || c == '"' || c == '\'') && p >= 2 &&
                 (text[p - 2] == '.' || text[p - 2] == '!' || text[p - 2] == '?'))
            cut = p;
    }
    if (cut == 0)
        for (size_t p = limit; p > 0 && cut == 0; p--)
            if (p < len && is_space(text[p]))
                cut = p;
    while (cut > 0 && is_space(text[cut - 1]))
        cut--;
    return cut;
}

static int append_header(ud_buf *buf, ud_arena *arena, const ud_context_chunk *chunk)
{
    const char *title = ud_citation_title(arena, chunk->title);
    int rc = ud_buf_puts(buf, "[Source: ");
    if (rc == 0)
        rc = ud_buf_puts(buf, title);
    if (rc == 0 && chunk->source_type && !blank(chunk->source_type)) {
        rc = ud_buf_puts(buf, " (");
        if (rc == 0)
            rc = ud_buf_puts(buf, ud_citation_title(arena, chunk->source_type));
        if (rc == 0)
            rc = ud_buf_putc(buf, ')');
    }
    if (rc == 0)
        rc = ud_buf_puts(buf, "]\n");
    return rc;
}

int ud_context_build(ud_context *out, ud_arena *arena, const ud_context_chunk *ranked, size_t count,
                     const ud_context_opts *opts)
{
    if (!out || !arena || (!ranked && count))
        return ud_error_set(UD_EINVAL, "context: missing arguments");
    size_t max_chunks = opts && opts->max_chunks ? opts->max_chunks : UD_CONTEXT_MAX_CHUNKS;
    size_t budget = opts && opts->max_tokens ? opts->max_tokens : UD_CONTEXT_DEFAULT_TOKENS;
    ud_context ctx = {0};
    ctx.chunks = ud_arena_alloc(arena, (max_chunks < count ? max_chunks : count + 1) *
                                           sizeof(ud_context_chunk));
    /* Whitespace counts no tokens, so the budget does not bound the bytes:
     * the buffer's cap comes from the inputs (texts, capped titles). */
    size_t cap = 64;
    for (size_t i = 0; i < count; i++)
        cap += (ranked[i].text ? strlen(ranked[i].text) : 0) + 2 * (512 + 8) + 32;
    ud_buf buf;
    ud_buf_init(&buf, cap);
    size_t used = 0;
    int rc = 0;
    for (size_t i = 0; i < count && ctx.count < max_chunks; i++) {
        const ud_context_chunk *chunk = &ranked[i];
        const char *text = chunk->text ? chunk->text : "";
        if (blank(text))
            continue; /* nothing to read: not worth a header */
        size_t mark = buf.len;
        if (ctx.count > 0 && (rc = ud_buf_puts(&buf, "\n\n")) < 0)
            break;
        if ((rc = append_header(&buf, arena, chunk)) < 0)
            break;
        size_t header_tokens = ud_token_count(buf.ptr + mark, buf.len - mark);
        size_t text_len = strlen(text);
        size_t text_tokens = ud_token_count(text, text_len);
        ud_context_chunk included = *chunk;
        if (used + header_tokens + text_tokens <= budget) {
            if ((rc = ud_buf_append(&buf, text, text_len)) < 0)
                break;
            used += header_tokens + text_tokens;
            ctx.chunks[ctx.count++] = included;
            continue;
        }
        /* The block that does not fit: the part of it that does, cut at a
         * boundary, or nothing. Either way it is the last. */
        size_t avail = budget > used + header_tokens ? budget - used - header_tokens : 0;
        size_t cut = 0;
        if (avail >= UD_CONTEXT_MIN_PARTIAL_TOKENS)
            cut = cut_point(text, text_len, prefix_within(text, text_len, avail));
        if (cut == 0) {
            buf.len = mark;
            buf.ptr[mark] = '\0';
            break;
        }
        if ((rc = ud_buf_append(&buf, text, cut)) < 0)
            break;
        used += header_tokens + ud_token_count(text, cut);
        included.text = ud_arena_strndup(arena, text, cut);
        ctx.chunks[ctx.count++] = included;
        ctx.truncated = true;
        break;
    }
    if (rc < 0) {
        ud_buf_dispose(&buf);
        return rc;
    }
    ctx.text = ud_arena_strndup(arena, buf.ptr ? buf.ptr : "", buf.len);
    ctx.len = buf.len;
    ctx.tokens = ud_token_count(ctx.text, ctx.len);
    ud_buf_dispose(&buf);
    *out = ctx;
    return 0;
}
