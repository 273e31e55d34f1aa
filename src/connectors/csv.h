/*
 * CSV as exports write it (RFC 4180): fields separated by commas, records
 * by CRLF or LF, fields in double quotes may hold commas, quotes (doubled)
 * and line breaks. A UTF-8 byte order mark at the start is dropped (Notion
 * and Salesforce write one). Used by the Notion and Salesforce importers.
 *
 * The reader advances over a borrowed buffer; each record's fields are
 * copied, NUL-terminated, into the caller's arena.
 */
#ifndef UD_CONNECTORS_CSV_H
#define UD_CONNECTORS_CSV_H

#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

/* Fields in one record beyond this fail the file with UD_ELIMIT. */
#define UD_CSV_MAX_FIELDS 4096

typedef struct ud_csv {
    const char *ptr; /* the whole input, borrowed */
    size_t len;
    size_t pos;
    size_t line; /* 1-based line where the next record starts, for messages */
} ud_csv;

void ud_csv_init(ud_csv *csv, const char *data, size_t len);

/* Reads the next record into *out_fields (an arena array of *out_count
 * arena strings). Returns 1 for a record, 0 at the end of the input, or
 * UD_ECORRUPT (a quoted field that never ends, a NUL byte) / UD_ELIMIT with
 * a message naming the line. An empty line is a record of one empty field.
 * Lenient where spreadsheets are: a quote inside an unquoted field, or text
 * after a closing quote, is kept as text. */
int ud_csv_next(char ***out_fields, size_t *out_count, ud_csv *csv, ud_arena *arena) UD_MUST_CHECK;

#endif
