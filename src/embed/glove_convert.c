/*
 * The one-time converter of the GloVe JSON into the binary file (see
 * glove.h). A small pull parser reads the JSON through a 64 KiB buffer: it
 * skips every member of the root object but "dimensions" and "vectors",
 * so the 300 MB text is never held in memory.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "embed/glove.h"
#include "embed/sif.h"

#define MAX_WORD_BYTES 256
#define MAX_DIMS 4096
#define MAX_WORDS 10000000u
#define POWER_ITERATIONS 100

typedef struct reader {
    FILE *file;
    unsigned char buf[1 << 16];
    size_t len, pos;
    size_t offset; /* of buf[0] in the file, for messages */
} reader;

static int peek(reader *r)
{
    if (r->pos == r->len) {
        r->offset += r->len;
        r->len = fread(r->buf, 1, sizeof(r->buf), r->file);
        r->pos = 0;
        if (r->len == 0)
            return -1;
    }
    return r->buf[r->pos];
}

static int next(reader *r)
{
    int c = peek(r);
    if (c >= 0)
        r->pos++;
    return c;
}

static int skip_ws(reader *r)
{
    int c;
    while ((c = peek(r)) == ' ' || c == '\n' || c == '\r' || c == '\t')
        r->pos++;
    return c;
}

static int bad(reader *r, const char *what)
{
    return ud_error_set(UD_ECORRUPT, "word vectors JSON: %s at byte %zu", what, r->offset + r->pos);
}

static int expect(reader *r, char c)
{
    if (skip_ws(r) != c)
        return bad(r, "unexpected character");
    r->pos++;
    return 0;
}

static void put_utf8(char *out, size_t *len, size_t cap, uint32_t cp)
{
    char tmp[4];
    size_t n;
    if (cp < 0x80) {
        tmp[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        tmp[0] = (char)(0xC0 | (cp >> 6));
        tmp[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        tmp[0] = (char)(0xE0 | (cp >> 12));
        tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        tmp[0] = (char)(0xF0 | (cp >> 18));
        tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        tmp[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    if (*len + n < cap) {
        memcpy(out + *len, tmp, n);
        *len += n;
    }
}

static int hex4(reader *r, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int c = next(r);
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return bad(r, "bad \\u escape");
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

/* Reads a string into out (cut at cap - 1 bytes, NUL-terminated). */
static int read_string(reader *r, char *out, size_t cap, size_t *out_len)
{
    if (skip_ws(r) != '"')
        return bad(r, "expected a string");
    r->pos++;
    size_t len = 0;
    for (;;) {
        int c = next(r);
        if (c < 0)
            return bad(r, "unterminated string");
        if (c == '"')
            break;
        if (c == '\\') {
            int e = next(r);
            uint32_t cp = 0;
            switch (e) {
            case 'n': cp = '\n'; break;
            case 't': cp = '\t'; break;
            case 'r': cp = '\r'; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'u':
                if (hex4(r, &cp) < 0)
                    return UD_ECORRUPT;
                if (cp >= 0xD800 && cp < 0xDC00 && next(r) == '\\' && next(r) == 'u') {
                    uint32_t low;
                    if (hex4(r, &low) < 0)
                        return UD_ECORRUPT;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                break;
            default:
                if (e < 0)
                    return bad(r, "unterminated string");
                cp = (uint32_t)e;
            }
            put_utf8(out, &len, cap, cp);
            continue;
        }
        if (len + 1 < cap)
            out[len++] = (char)c;
    }
    out[len] = '\0';
    if (out_len)
        *out_len = len;
    return 0;
}

static int read_number(reader *r, double *out)
{
    char token[64];
    size_t n = 0;
    int c = skip_ws(r);
    while (c >= 0 && (strchr("+-.eE", c) || (c >= '0' && c <= '9'))) {
        if (n + 1 >= sizeof(token))
            return bad(r, "number too long");
        token[n++] = (char)c;
        r->pos++;
        c = peek(r);
    }
    token[n] = '\0';
    char *end = NULL;
    *out = strtod(token, &end);
    if (n == 0 || *end)
        return bad(r, "expected a number");
    return 0;
}

/* Skips one value of any kind, nesting counted without recursion. */
static int skip_value(reader *r)
{
    char scratch[8];
    int depth = 0;
    do {
        int c = skip_ws(r);
        if (c < 0)
            return bad(r, "unexpected end");
        if (c == '"') {
            if (read_string(r, scratch, sizeof(scratch), NULL) < 0)
                return UD_ECORRUPT;
        } else if (c == '[' || c == '{') {
            depth++;
            r->pos++;
        } else if (c == ']' || c == '}') {
            depth--;
            r->pos++;
        } else if (c == ',' || c == ':') {
            r->pos++;
        } else {
            /* a number or a literal: up to the next delimiter */
            while ((c = peek(r)) >= 0 && !strchr(",:]} \t\r\n\"[{", c))
                r->pos++;
        }
    } while (depth > 0);
    return 0;
}

typedef struct vocabulary {
    uint32_t dims;
    char *strings;
    size_t strings_len, strings_cap;
    ud_glove_entry *entries;
    float *vectors;
    size_t count, cap;
} vocabulary;

static int read_vectors(reader *r, vocabulary *v)
{
    if (expect(r, '{') < 0)
        return UD_ECORRUPT;
    if (skip_ws(r) == '}') {
        r->pos++;
        return 0;
    }
    char word[MAX_WORD_BYTES];
    double *values = ud_malloc((MAX_DIMS + 2) * sizeof(double));
    int rc = 0;
    for (;;) {
        size_t word_len = 0;
        rc = read_string(r, word, sizeof(word), &word_len);
        if (rc == 0)
            rc = expect(r, ':');
        if (rc == 0)
            rc = expect(r, '[');
        size_t n = 0;
        while (rc == 0) {
            if (n == MAX_DIMS + 2) {
                rc = bad(r, "vector too long");
                break;
            }
            rc = read_number(r, &values[n++]);
            int c = skip_ws(r);
            r->pos++;
            if (c == ']')
                break;
            if (rc == 0 && c != ',')
                rc = bad(r, "expected , or ]");
        }
        if (rc < 0)
            break;
        /* [d values, l2 norm, rank] */
        if (v->dims == 0 && n > 2)
            v->dims = (uint32_t)(n - 2);
        if (n != v->dims + 2) {
            rc = bad(r, "a vector of another length");
            break;
        }
        if (v->count == v->cap) {
            if (v->count >= MAX_WORDS) {
                rc = ud_error_set(UD_ELIMIT, "more than %u words", MAX_WORDS);
                break;
            }
            v->cap = v->cap ? v->cap * 2 : 65536;
            v->entries = ud_realloc(v->entries, v->cap * sizeof(ud_glove_entry));
            v->vectors = ud_realloc(v->vectors, v->cap * v->dims * sizeof(float));
        }
        if (v->strings_len + word_len > v->strings_cap) {
            v->strings_cap = (v->strings_cap + word_len) * 2 + 65536;
            v->strings = ud_realloc(v->strings, v->strings_cap);
        }
        memcpy(v->strings + v->strings_len, word, word_len);
        double rank = values[v->dims + 1];
        v->entries[v->count] = (ud_glove_entry){
            v->strings_len, (uint32_t)word_len,
            rank >= 0 && rank < 4294967295.0 ? (uint32_t)rank : (uint32_t)v->count};
        v->strings_len += word_len;
        for (uint32_t d = 0; d < v->dims; d++)
            v->vectors[v->count * v->dims + d] = (float)values[d];
        v->count++;
        int c = skip_ws(r);
        r->pos++;
        if (c == '}')
            break;
        if (c != ',') {
            rc = bad(r, "expected , or }");
            break;
        }
    }
    free(values);
    return rc;
}

static int compare_words(const void *a, const void *b, void *payload)
{
    const vocabulary *v = payload;
    const ud_glove_entry *x = &v->entries[*(const uint32_t *)a];
    const ud_glove_entry *y = &v->entries[*(const uint32_t *)b];
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(v->strings + x->offset, v->strings + y->offset, n);
    return c ? c : (x->len < y->len ? -1 : x->len > y->len);
}

/* The first principal component of the word vectors weighted by their
 * probability: the direction every SIF text vector shares, which is
 * removed from them. Power iteration on the dims x dims matrix. */
static void principal_component(float *out, const vocabulary *v)
{
    size_t d = v->dims;
    double *cov = ud_calloc(d * d, sizeof(double));
    for (size_t w = 0; w < v->count; w++) {
        double p = ud_sif_probability(v->entries[w].rank, v->count);
        const float *x = &v->vectors[w * d];
        for (size_t i = 0; i < d; i++)
            for (size_t j = 0; j < d; j++)
                cov[i * d + j] += p * x[i] * x[j];
    }
    double *u = ud_malloc(d * sizeof(double)), *next_u = ud_malloc(d * sizeof(double));
    for (size_t i = 0; i < d; i++)
        u[i] = 1.0 / sqrt((double)d);
    for (int it = 0; it < POWER_ITERATIONS; it++) {
        double norm = 0;
        for (size_t i = 0; i < d; i++) {
            double s = 0;
            for (size_t j = 0; j < d; j++)
                s += cov[i * d + j] * u[j];
            next_u[i] = s;
            norm += s * s;
        }
        norm = sqrt(norm);
        if (norm == 0)
            break;
        for (size_t i = 0; i < d; i++)
            u[i] = next_u[i] / norm;
    }
    for (size_t i = 0; i < d; i++)
        out[i] = (float)u[i];
    free(u);
    free(next_u);
    free(cov);
}

static int write_binary(const vocabulary *v, const char *out_path)
{
    uint32_t *order = ud_malloc((v->count ? v->count : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < v->count; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, v->count, sizeof(uint32_t), compare_words, (void *)v);
    float *component = ud_calloc(v->dims ? v->dims : 1, sizeof(float));
    principal_component(component, v);

    ud_glove_header h = {0};
    memcpy(h.magic, UD_GLOVE_MAGIC, 8);
    h.dims = v->dims;
    h.count = (uint32_t)v->count;
    h.off_entries = sizeof(h);
    h.off_strings = h.off_entries + v->count * sizeof(ud_glove_entry);
    h.off_vectors = (h.off_strings + v->strings_len + 7) / 8 * 8;
    h.off_component = h.off_vectors + v->count * v->dims * sizeof(float);
    h.file_len = h.off_component + v->dims * sizeof(float);

    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s.tmp", out_path);
    FILE *f = fopen(tmp, "wb");
    int rc = f ? 0 : ud_error_set(UD_EIO, "cannot create %s", tmp);
    if (rc == 0) {
        bool ok = fwrite(&h, sizeof(h), 1, f) == 1;
        uint64_t offset = 0;
        for (size_t i = 0; i < v->count && ok; i++) {
            ud_glove_entry e = v->entries[order[i]];
            e.offset = offset;
            offset += e.len;
            ok = fwrite(&e, sizeof(e), 1, f) == 1;
        }
        for (size_t i = 0; i < v->count && ok; i++) {
            const ud_glove_entry *e = &v->entries[order[i]];
            ok = fwrite(v->strings + e->offset, 1, e->len, f) == e->len;
        }
        static const char zeros[8] = {0};
        size_t pad = h.off_vectors - h.off_strings - v->strings_len;
        ok = ok && fwrite(zeros, 1, pad, f) == pad;
        for (size_t i = 0; i < v->count && ok; i++)
            ok = fwrite(&v->vectors[(size_t)order[i] * v->dims], sizeof(float), v->dims, f) ==
                 v->dims;
        ok = ok && fwrite(component, sizeof(float), v->dims, f) == v->dims;
        ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
        ok = fclose(f) == 0 && ok;
        if (!ok || rename(tmp, out_path) != 0) {
            unlink(tmp);
            rc = ud_error_set(UD_EIO, "cannot write %s", out_path);
        }
    }
    free(component);
    free(order);
    return rc;
}

int ud_glove_convert(size_t *out_count, const char *json_path, const char *out_path)
{
    FILE *file = fopen(json_path, "rb");
    if (!file)
        return ud_error_set(UD_ENOTFOUND, "cannot open word vectors %s", json_path);
    reader *r = ud_calloc(1, sizeof(*r));
    r->file = file;
    vocabulary v = {0};
    int rc = expect(r, '{');
    char key[64];
    bool saw_vectors = false;
    while (rc == 0) {
        int c = skip_ws(r);
        if (c == '}')
            break;
        rc = read_string(r, key, sizeof(key), NULL);
        if (rc == 0)
            rc = expect(r, ':');
        if (rc < 0)
            break;
        if (strcmp(key, "dimensions") == 0) {
            double dims;
            rc = read_number(r, &dims);
            if (rc == 0 && (dims < 1 || dims > MAX_DIMS))
                rc = bad(r, "dimensions out of range");
            v.dims = (uint32_t)dims;
        } else if (strcmp(key, "vectors") == 0) {
            rc = read_vectors(r, &v);
            saw_vectors = true;
        } else {
            rc = skip_value(r);
        }
        if (rc < 0)
            break;
        c = skip_ws(r);
        r->pos++;
        if (c == '}')
            break;
        if (c != ',')
            rc = bad(r, "expected , or }");
    }
    fclose(file);
    free(r);
    if (rc == 0 && (!saw_vectors || v.count == 0))
        rc = ud_error_set(UD_ECORRUPT, "%s has no \"vectors\" object", json_path);
    if (rc == 0)
        rc = write_binary(&v, out_path);
    if (rc == 0 && out_count)
        *out_count = v.count;
    free(v.strings);
    free(v.entries);
    free(v.vectors);
    return rc;
}
