/*
 * The RFC 4180 reader of csv.h. One pass per record: a field is either
 * quoted (read up to the closing quote, "" standing for one quote) or not
 * (read up to the next comma or line break).
 */
#include "connectors/csv.h"

#include <string.h>

#include "base/mem.h"
#include "base/str.h"

void ud_csv_init(ud_csv *csv, const char *data, size_t len)
{
    csv->ptr = data;
    csv->len = len;
    csv->pos = 0;
    csv->line = 1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        csv->pos = 3;
}

/* Appends one field (the buffer's contents) to the growing record. */
static void push_field(char ***fields, size_t *count, size_t *cap, ud_arena *arena, ud_buf *field)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        char **grown = ud_arena_alloc(arena, ncap * sizeof(*grown));
        if (*count)
            memcpy(grown, *fields, *count * sizeof(*grown));
        *fields = grown;
        *cap = ncap;
    }
    (*fields)[(*count)++] = ud_arena_strndup(arena, field->ptr ? field->ptr : "", field->len);
    ud_buf_reset(field);
}

int ud_csv_next(char ***out_fields, size_t *out_count, ud_csv *csv, ud_arena *arena)
{
    if (csv->pos >= csv->len)
        return 0;
    const char *p = csv->ptr;
    size_t n = csv->len, i = csv->pos;
    size_t start_line = csv->line;
    char **fields = NULL;
    size_t count = 0, cap = 0;
    ud_buf field;
    /* A field is never longer than the input it came from. */
    ud_buf_init(&field, n + 1);
    int rc = 1;
    bool quoted = false, in_quotes = false, ended = false;
    while (!ended) {
        if (i >= n) {
            if (in_quotes) {
                rc = ud_error_set(UD_ECORRUPT,
                                  "CSV: the quoted field starting on line %zu never ends",
                                  start_line);
                goto done;
            }
            ended = true;
            break;
        }
        char c = p[i];
        if (c == '\0') {
            rc = ud_error_set(UD_ECORRUPT, "CSV: NUL byte on line %zu", csv->line);
            goto done;
        }
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < n && p[i + 1] == '"') {
                    if (ud_buf_putc(&field, '"') < 0)
                        goto limit;
                    i += 2;
                    continue;
                }
                in_quotes = false;
                i++;
                continue;
            }
            if (c == '\n')
                csv->line++;
            if (ud_buf_putc(&field, c) < 0)
                goto limit;
            i++;
            continue;
        }
        if (c == '"' && field.len == 0 && !quoted) {
            quoted = in_quotes = true;
            i++;
            continue;
        }
        if (c == ',') {
            if (count + 1 >= UD_CSV_MAX_FIELDS) {
                rc = ud_error_set(UD_ELIMIT, "CSV: more than %d fields on line %zu",
                                  UD_CSV_MAX_FIELDS, start_line);
                goto done;
            }
            push_field(&fields, &count, &cap, arena, &field);
            quoted = false;
            i++;
            continue;
        }
        if (c == '\r' && i + 1 < n && p[i + 1] == '\n') {
            i += 2;
            csv->line++;
            break;
        }
        if (c == '\n' || c == '\r') {
            i++;
            csv->line++;
            break;
        }
        if (ud_buf_putc(&field, c) < 0)
            goto limit;
        i++;
    }
    push_field(&fields, &count, &cap, arena, &field);
    csv->pos = i;
    *out_fields = fields;
    *out_count = count;
    goto done;
limit:
    rc = ud_error_set(UD_ELIMIT, "CSV: field on line %zu too long", start_line);
done:
    ud_buf_dispose(&field);
    return rc;
}
