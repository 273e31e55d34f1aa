/*
 * The query parser (syntax in query.h and docs/search.md). The text is cut
 * into clauses: quoted phrases, "field:value" filters and words, each with
 * an optional + or - in front. Words and phrases go through the analyzer,
 * so the query matches what the index holds.
 */
#include "index/query.h"

#include <string.h>

#include "base/clock.h"

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Index of the term in q, adding it if new; -1 when the query is full. */
static int term_index(ud_query *q, const ud_term *t, ud_term_kind kind)
{
    for (size_t i = 0; i < q->term_count; i++) {
        ud_query_term *qt = &q->terms[i];
        if (qt->len == t->len && memcmp(qt->text, t->text, t->len) == 0) {
            /* The strictest use wins: excluded > required > optional. */
            if (kind > qt->kind)
                qt->kind = kind;
            qt->weight++;
            return (int)i;
        }
    }
    if (q->term_count == UD_QUERY_MAX_TERMS)
        return -1;
    q->terms[q->term_count] = (ud_query_term){t->text, t->len, kind, 1};
    return (int)q->term_count++;
}

static int too_many(void)
{
    return ud_error_set(UD_EINVAL, "the query has more than %d distinct terms", UD_QUERY_MAX_TERMS);
}

static int add_words(ud_query *q, ud_analyzer *analyzer, ud_arena *arena, const char *text,
                     size_t len, char sign, bool phrase)
{
    ud_term *terms = NULL;
    size_t count = 0;
    int rc = ud_analyze(&terms, &count, analyzer, arena, text, len);
    if (rc < 0)
        return rc;
    if (count == 0)
        return 0;
    ud_term_kind kind = sign == '-'                              ? UD_TERM_EXCLUDED
                        : (sign == '+' || (phrase && count > 1)) ? UD_TERM_REQUIRED
                                                                 : UD_TERM_OPTIONAL;
    if (!phrase || count == 1) {
        for (size_t i = 0; i < count; i++)
            if (term_index(q, &terms[i], kind) < 0)
                return too_many();
        return 0;
    }
    if (q->phrase_count == UD_QUERY_MAX_PHRASES)
        return ud_error_set(UD_EINVAL, "the query has more than %d phrases", UD_QUERY_MAX_PHRASES);
    ud_query_phrase *ph = &q->phrases[q->phrase_count];
    memset(ph, 0, sizeof(*ph));
    ph->excluded = sign == '-';
    if (count > UD_QUERY_MAX_PHRASE_TERMS)
        return ud_error_set(UD_EINVAL, "a phrase has more than %d words",
                            UD_QUERY_MAX_PHRASE_TERMS);
    for (size_t i = 0; i < count; i++) {
        /* An excluded phrase excludes the phrase, not each of its words. */
        int index = term_index(q, &terms[i], ph->excluded ? UD_TERM_CHECK_ONLY : UD_TERM_REQUIRED);
        if (index < 0)
            return too_many();
        ph->terms[ph->count] = (size_t)index;
        ph->offsets[ph->count] = (uint32_t)(terms[i].position - terms[0].position);
        ph->count++;
    }
    q->phrase_count++;
    return 0;
}

static int add_filter(const char **list, size_t *count, const char *value, const char *what)
{
    if (*count == UD_QUERY_MAX_FILTERS)
        return ud_error_set(UD_EINVAL, "more than %d %s filters", UD_QUERY_MAX_FILTERS, what);
    list[(*count)++] = value;
    return 0;
}

static int parse_date(int64_t *out, const char *value, const char *field)
{
    if (ud_time_parse(out, value) < 0)
        return ud_error_set(UD_EINVAL, "%s: expects a date like 2025-01-31, not '%s'", field,
                            value);
    return 0;
}

/* A field clause "name:value"; returns 1 if text was one, 0 if not. */
static int field_clause(ud_query *q, ud_arena *arena, const char *name, size_t name_len,
                        const char *value)
{
    if (name_len == 6 && memcmp(name, "source", 6) == 0)
        return add_filter(q->sources, &q->source_count, value, "source") < 0 ? -1 : 1;
    if (name_len == 6 && memcmp(name, "author", 6) == 0) {
        /* Matched by words (filter.c): folded the way the names are.
         * A value with no word folds to "", which matches no one. */
        size_t len = strlen(value);
        size_t size = 4 * len + 16; /* folding can grow text: "ß" is "ss" */
        char *folded = ud_arena_alloc(arena, size);
        ud_analyzer_fold_name(folded, size, value, len);
        return add_filter(q->authors, &q->author_count, folded, "author") < 0 ? -1 : 1;
    }
    if (name_len == 5 && memcmp(name, "after", 5) == 0)
        return parse_date(&q->after, value, "after") < 0 ? -1 : 1;
    if (name_len == 6 && memcmp(name, "before", 6) == 0)
        return parse_date(&q->before, value, "before") < 0 ? -1 : 1;
    return 0;
}

int ud_query_parse(ud_query *q, ud_analyzer *analyzer, ud_arena *arena, const char *text)
{
    memset(q, 0, sizeof(*q));
    const char *p = text;
    while (*p) {
        while (is_space(*p))
            p++;
        if (!*p)
            break;
        char sign = 0;
        if ((*p == '+' || *p == '-') && p[1] && !is_space(p[1])) {
            sign = *p;
            p++;
        }
        int rc;
        if (*p == '"') {
            const char *close = strchr(p + 1, '"');
            if (!close)
                return ud_error_set(UD_EINVAL, "unclosed quote in the query");
            rc = add_words(q, analyzer, arena, p + 1, (size_t)(close - p - 1), sign, true);
            if (rc < 0)
                return rc;
            p = close + 1;
            continue;
        }
        const char *start = p;
        while (*p && !is_space(*p) && *p != '"' && *p != ':')
            p++;
        if (*p == ':' && p > start && p[1] && !is_space(p[1]) && !sign) {
            const char *name = start;
            size_t name_len = (size_t)(p - start);
            const char *value_start = p + 1;
            const char *value_end;
            if (*value_start == '"') {
                value_end = strchr(value_start + 1, '"');
                if (!value_end)
                    return ud_error_set(UD_EINVAL, "unclosed quote in the query");
                value_start++;
            } else {
                value_end = value_start;
                while (*value_end && !is_space(*value_end))
                    value_end++;
            }
            char *value = ud_arena_strndup(arena, value_start, (size_t)(value_end - value_start));
            rc = field_clause(q, arena, name, name_len, value);
            if (rc < 0)
                return UD_EINVAL; /* the message is set */
            if (rc == 1) {
                p = *value_end == '"' ? value_end + 1 : value_end;
                continue;
            }
            /* Not a known field: "12:30" or "http://x" are words. */
        }
        while (*p && !is_space(*p) && *p != '"')
            p++;
        rc = add_words(q, analyzer, arena, start, (size_t)(p - start), sign, false);
        if (rc < 0)
            return rc;
    }
    if (q->after && q->before && q->after >= q->before)
        return ud_error_set(UD_EINVAL, "after: must be earlier than before:");
    return 0;
}

int ud_query_from_words(ud_query *q, ud_analyzer *analyzer, ud_arena *arena, const char *text)
{
    memset(q, 0, sizeof(*q));
    ud_term *terms = NULL;
    size_t count = 0;
    int rc = ud_analyze(&terms, &count, analyzer, arena, text, strlen(text));
    if (rc < 0)
        return rc;
    /* Long questions keep their first UD_QUERY_MAX_TERMS distinct terms. */
    for (size_t i = 0; i < count; i++)
        if (term_index(q, &terms[i], UD_TERM_OPTIONAL) < 0)
            break;
    return 0;
}
