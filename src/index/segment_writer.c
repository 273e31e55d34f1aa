/*
 * The segment builder (see segment_writer.h). Adding a chunk analyzes its
 * title and text, groups the occurrences by term, and appends one posting
 * per term with its positions; filter values become postings of 0x01-prefixed
 * terms. Writing sorts the terms, cuts each postings list into blocks of 128
 * with their score bounds (positions apart from the rest, see
 * segment_format.h), and streams the sections to the file with a running
 * checksum; the header, which holds the checksum, is written last.
 */
#include "index/segment_writer.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/str.h"
#include "index/crc32c.h"
#include "index/hnsw.h"
#include "index/path.h"
#include "index/quant.h"
#include "index/segment_format.h"
#include "index/varint.h"

#define MAX_DOCS (1u << 31)
#define TF_MAX 65535u

typedef struct posting {
    uint32_t doc;
    uint32_t tf_text;
    uint32_t tf_title;
    uint32_t pos_count;
    uint64_t pos_start; /* into builder->positions */
} posting;

typedef struct term_acc {
    char *text;
    uint32_t len;
    uint64_t hash;
    posting *postings;
    uint32_t count;
    uint32_t cap;
} term_acc;

struct ud_segment_builder {
    ud_analyzer *analyzer;
    term_acc *terms;
    size_t term_count, term_cap;
    uint32_t *slots; /* open addressing, term index + 1 */
    size_t slot_count;
    uint32_t *positions;
    size_t position_count, position_cap;
    ud_seg_doc *docs;
    size_t doc_count, doc_cap;
    ud_buf stored;
    uint64_t *key_hashes;
    uint64_t total_len_text, total_len_title;
    size_t memory;
    uint32_t vector_dims;
    uint32_t vector_format;
    float *vectors;      /* doc_count x vector_dims */
    uint8_t *has_vector; /* one byte per doc */
};

int ud_segment_builder_new(ud_segment_builder **out, ud_analyzer *analyzer, uint32_t vector_dims,
                           uint32_t vector_format)
{
    if (vector_format != UD_SEG_VECTORS_F32 && vector_format != UD_SEG_VECTORS_I8)
        return ud_error_set(UD_EINVAL, "unknown vector format %u", vector_format);
    ud_segment_builder *b = ud_calloc(1, sizeof(*b));
    b->analyzer = analyzer;
    b->vector_dims = vector_dims;
    b->vector_format = vector_dims ? vector_format : UD_SEG_VECTORS_F32;
    b->slot_count = 4096;
    b->slots = ud_calloc(b->slot_count, sizeof(uint32_t));
    ud_buf_init(&b->stored, (size_t)1 << 40);
    *out = b;
    return 0;
}

void ud_segment_builder_free(ud_segment_builder *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->term_count; i++) {
        free(b->terms[i].text);
        free(b->terms[i].postings);
    }
    free(b->terms);
    free(b->slots);
    free(b->positions);
    free(b->docs);
    free(b->key_hashes);
    free(b->vectors);
    free(b->has_vector);
    ud_buf_dispose(&b->stored);
    free(b);
}

size_t ud_segment_builder_count(const ud_segment_builder *b)
{
    return b->doc_count;
}

size_t ud_segment_builder_memory(const ud_segment_builder *b)
{
    return b->memory + b->stored.len + b->position_count * sizeof(uint32_t) +
           b->doc_count * (sizeof(ud_seg_doc) + 9 + b->vector_dims * sizeof(float));
}

static term_acc *intern(ud_segment_builder *b, const char *text, size_t len)
{
    uint64_t hash = ud_fnv1a64(text, len, UD_FNV64_INIT);
    size_t mask = b->slot_count - 1;
    size_t slot = hash & mask;
    while (b->slots[slot]) {
        term_acc *t = &b->terms[b->slots[slot] - 1];
        if (t->hash == hash && t->len == len && memcmp(t->text, text, len) == 0)
            return t;
        slot = (slot + 1) & mask;
    }
    if ((b->term_count + 1) * 10 > b->slot_count * 7) {
        free(b->slots);
        b->slot_count *= 2;
        b->slots = ud_calloc(b->slot_count, sizeof(uint32_t));
        mask = b->slot_count - 1;
        for (size_t i = 0; i < b->term_count; i++) {
            size_t s = b->terms[i].hash & mask;
            while (b->slots[s])
                s = (s + 1) & mask;
            b->slots[s] = (uint32_t)(i + 1);
        }
        slot = hash & mask;
        while (b->slots[slot])
            slot = (slot + 1) & mask;
    }
    if (b->term_count == b->term_cap) {
        b->term_cap = b->term_cap ? b->term_cap * 2 : 1024;
        b->terms = ud_realloc(b->terms, b->term_cap * sizeof(term_acc));
    }
    term_acc *t = &b->terms[b->term_count];
    *t = (term_acc){.text = ud_strndup(text, len), .len = (uint32_t)len, .hash = hash};
    b->slots[slot] = (uint32_t)(++b->term_count);
    b->memory += len + 1 + sizeof(term_acc) + 8;
    return t;
}

static uint32_t term_id(const ud_segment_builder *b, const term_acc *t)
{
    return (uint32_t)(t - b->terms);
}

static posting *add_posting(ud_segment_builder *b, term_acc *t, uint32_t doc)
{
    if (t->count == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 2;
        t->postings = ud_realloc(t->postings, t->cap * sizeof(posting));
        b->memory += t->cap / 2 * sizeof(posting);
    }
    posting *p = &t->postings[t->count++];
    *p = (posting){.doc = doc, .pos_start = b->position_count};
    return p;
}

static void add_filter(ud_segment_builder *b, const char *prefix, const char *value, uint32_t doc)
{
    if (!value || !value[0])
        return;
    char key[512];
    int n = snprintf(key, sizeof(key), "%s%s", prefix, value);
    if (n <= 0 || (size_t)n >= sizeof(key))
        return; /* absurdly long values are not filterable */
    term_acc *t = intern(b, key, (size_t)n);
    if (t->count == 0 || t->postings[t->count - 1].doc != doc)
        add_posting(b, t, doc);
}

/* One occurrence of a term in the doc being added. */
typedef struct occurrence {
    uint32_t term; /* index: interning may move the terms array */
    uint32_t position;
    bool title;
} occurrence;

static int compare_occurrences(const void *a, const void *b)
{
    const occurrence *x = a, *y = b;
    if (x->term != y->term)
        return x->term < y->term ? -1 : 1;
    return x->position < y->position ? -1 : x->position > y->position;
}

static int put_string(ud_buf *buf, const char *s)
{
    uint8_t len[10];
    size_t slen = s ? strlen(s) : 0;
    int rc = ud_buf_append(buf, len, ud_varint_encode(len, slen));
    if (rc == 0 && slen)
        rc = ud_buf_append(buf, s, slen);
    return rc;
}

static int put_number(ud_buf *buf, uint64_t v)
{
    uint8_t bytes[10];
    return ud_buf_append(buf, bytes, ud_varint_encode(bytes, v));
}

int ud_segment_builder_add(ud_segment_builder *b, const ud_index_doc *doc)
{
    if (b->doc_count >= MAX_DOCS)
        return ud_error_set(UD_ELIMIT, "a segment holds at most 2^31 chunks");
    ud_arena arena;
    ud_arena_init(&arena);
    ud_term *title_terms = NULL, *text_terms = NULL;
    size_t title_count = 0, text_count = 0;
    const char *title = doc->title ? doc->title : "";
    const char *text = doc->text ? doc->text : "";
    int rc = ud_analyze(&title_terms, &title_count, b->analyzer, &arena, title, strlen(title));
    if (rc == 0)
        rc = ud_analyze(&text_terms, &text_count, b->analyzer, &arena, text, strlen(text));
    if (rc < 0) {
        ud_arena_dispose(&arena);
        return rc;
    }
    uint32_t id = (uint32_t)b->doc_count;
    size_t total = title_count + text_count;
    occurrence *occ = ud_arena_alloc(&arena, (total ? total : 1) * sizeof(occurrence));
    uint32_t text_base = title_count ? (uint32_t)title_terms[title_count - 1].position + 1 : 0;
    text_base += UD_SEG_TITLE_GAP;
    for (size_t i = 0; i < title_count; i++)
        occ[i] = (occurrence){term_id(b, intern(b, title_terms[i].text, title_terms[i].len)),
                              (uint32_t)title_terms[i].position, true};
    for (size_t i = 0; i < text_count; i++)
        occ[title_count + i] =
            (occurrence){term_id(b, intern(b, text_terms[i].text, text_terms[i].len)),
                         text_base + (uint32_t)text_terms[i].position, false};
    qsort(occ, total, sizeof(occurrence), compare_occurrences);
    if (b->position_count + total > b->position_cap) {
        while (b->position_count + total > b->position_cap)
            b->position_cap = b->position_cap ? b->position_cap * 2 : 65536;
        b->positions = ud_realloc(b->positions, b->position_cap * sizeof(uint32_t));
    }
    for (size_t i = 0; i < total;) {
        posting *p = add_posting(b, &b->terms[occ[i].term], id);
        size_t j = i;
        for (; j < total && occ[j].term == occ[i].term; j++) {
            if (occ[j].title)
                p->tf_title++;
            else
                p->tf_text++;
            b->positions[b->position_count++] = occ[j].position;
        }
        p->pos_count = (uint32_t)(j - i);
        i = j;
    }
    add_filter(b, UD_SEG_FILTER_SOURCE, doc->source_type, id);
    for (size_t i = 0; i < doc->acl_count; i++)
        add_filter(b, UD_SEG_FILTER_PRINCIPAL, doc->acl[i], id);
    if (doc->author) {
        /* Authors filter case-insensitively: folded like words. */
        char folded[256];
        size_t n = strlen(doc->author);
        if (n < sizeof(folded)) {
            for (size_t i = 0; i <= n; i++) {
                char c = doc->author[i];
                folded[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
            add_filter(b, UD_SEG_FILTER_AUTHOR, folded, id);
        }
    }

    if (b->doc_count == b->doc_cap) {
        b->doc_cap = b->doc_cap ? b->doc_cap * 2 : 1024;
        b->docs = ud_realloc(b->docs, b->doc_cap * sizeof(ud_seg_doc));
        b->key_hashes = ud_realloc(b->key_hashes, b->doc_cap * sizeof(uint64_t));
        if (b->vector_dims) {
            b->vectors = ud_realloc(b->vectors, b->doc_cap * b->vector_dims * sizeof(float));
            b->has_vector = ud_realloc(b->has_vector, b->doc_cap);
        }
    }
    if (b->vector_dims) {
        float *slot = &b->vectors[b->doc_count * b->vector_dims];
        if (doc->vector)
            memcpy(slot, doc->vector, b->vector_dims * sizeof(float));
        else
            memset(slot, 0, b->vector_dims * sizeof(float));
        b->has_vector[b->doc_count] = doc->vector != NULL;
    }
    ud_seg_doc *d = &b->docs[b->doc_count];
    d->len_text = (uint32_t)text_count;
    d->len_title = (uint32_t)title_count;
    d->updated_at = doc->updated_at;
    d->stored_offset = b->stored.len;
    const char *doc_id = doc->doc_id ? doc->doc_id : "";
    b->key_hashes[b->doc_count] = ud_fnv1a64(doc_id, strlen(doc_id), UD_FNV64_INIT);
    rc = put_string(&b->stored, doc_id);
    if (rc == 0)
        rc = put_number(&b->stored, doc->chunk_index);
    const char *fields[] = {
        title, text, doc->source_type, doc->url, doc->path, doc->heading_path, doc->author};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]) && rc == 0; i++)
        rc = put_string(&b->stored, fields[i]);
    if (rc == 0)
        rc = put_number(&b->stored, doc->acl_count);
    for (size_t i = 0; i < doc->acl_count && rc == 0; i++)
        rc = put_string(&b->stored, doc->acl[i]);
    ud_arena_dispose(&arena);
    if (rc < 0)
        return rc;
    b->total_len_text += text_count;
    b->total_len_title += title_count;
    b->doc_count++;
    return 0;
}

/* ---- writing ------------------------------------------------------------ */

typedef struct file_out {
    FILE *file;
    uint64_t offset;
    uint32_t checksum; /* CRC-32C of what was emitted */
    bool failed;
} file_out;

static void emit(file_out *f, const void *data, size_t len)
{
    if (f->failed || len == 0)
        return;
    if (fwrite(data, 1, len, f->file) != len) {
        f->failed = true;
        return;
    }
    f->checksum = ud_crc32c(f->checksum, data, len);
    f->offset += len;
}

static void align8(file_out *f)
{
    static const uint8_t zeros[8] = {0};
    emit(f, zeros, (8 - f->offset % 8) % 8);
}

static int compare_term_index(const void *a, const void *b, void *payload)
{
    const term_acc *terms = payload;
    const term_acc *x = &terms[*(const uint32_t *)a];
    const term_acc *y = &terms[*(const uint32_t *)b];
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

static int compare_keys(const void *a, const void *b)
{
    const ud_seg_key *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static uint16_t saturate(uint32_t v)
{
    return (uint16_t)(v > TF_MAX ? TF_MAX : v);
}

/* Encodes one block: its positions into `positions`, its doc deltas, term
 * frequencies and the offset of its positions into `postings`, and fills
 * its entry (postings_offset from the start of `postings` for now: the
 * positions go first in the file, see ud_segment_builder_write). The
 * bytes are written into one scratch area sized for the worst case and
 * appended at once: a function call per varint was a tenth of the
 * indexing time. */
static int encode_block(ud_seg_block *block, ud_buf *postings_buf, ud_buf *positions_buf,
                        const ud_segment_builder *b, const posting *postings, size_t count,
                        uint32_t prev_doc)
{
    size_t worst = count * (5 + 3 + 3 + 5) + 10;
    for (size_t i = 0; i < count; i++)
        worst += (size_t)postings[i].pos_count * 5;
    uint8_t *scratch = ud_malloc(worst);
    size_t at = 0;
    *block = (ud_seg_block){.count = (uint16_t)count,
                            .min_len_text = UINT32_MAX,
                            .min_len_title = UINT32_MAX,
                            .postings_offset = postings_buf->len};
    uint64_t positions_offset = positions_buf->len;
    for (size_t i = 0; i < count; i++) {
        const posting *p = &postings[i];
        at += ud_varint_encode(scratch + at, p->pos_count);
        uint32_t prev = 0;
        for (uint32_t k = 0; k < p->pos_count; k++) {
            uint32_t pos = b->positions[p->pos_start + k];
            at += ud_varint_encode(scratch + at, pos - prev);
            prev = pos;
        }
    }
    int rc = ud_buf_append(positions_buf, scratch, at);
    at = 0;
    for (size_t i = 0; i < count; i++) {
        at += ud_varint_encode(scratch + at, postings[i].doc - prev_doc);
        prev_doc = postings[i].doc;
    }
    for (size_t i = 0; i < count; i++) {
        const posting *p = &postings[i];
        uint16_t text = saturate(p->tf_text), title = saturate(p->tf_title);
        at += ud_varint_encode(scratch + at, text);
        at += ud_varint_encode(scratch + at, title);
        const ud_seg_doc *d = &b->docs[p->doc];
        if (text > block->max_tf_text)
            block->max_tf_text = text;
        if (title > block->max_tf_title)
            block->max_tf_title = title;
        if (d->len_text < block->min_len_text)
            block->min_len_text = d->len_text;
        if (d->len_title < block->min_len_title)
            block->min_len_title = d->len_title;
    }
    at += ud_varint_encode(scratch + at, positions_offset);
    block->last_doc = postings[count - 1].doc;
    if (rc == 0)
        rc = ud_buf_append(postings_buf, scratch, at);
    free(scratch);
    return rc;
}

int ud_segment_builder_write(ud_segment_builder *b, const char *path)
{
    uint32_t *order = ud_malloc((b->term_count ? b->term_count : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < b->term_count; i++)
        order[i] = (uint32_t)i;
    qsort_r(order, b->term_count, sizeof(uint32_t), compare_term_index, b->terms);

    /* Blocks and the postings they point into, built in memory first. */
    size_t block_count = 0;
    for (size_t i = 0; i < b->term_count; i++)
        block_count += (b->terms[i].count + UD_SEG_BLOCK_SIZE - 1) / UD_SEG_BLOCK_SIZE;
    ud_seg_block *blocks = ud_calloc(block_count ? block_count : 1, sizeof(ud_seg_block));
    ud_seg_term *entries = ud_calloc(b->term_count ? b->term_count : 1, sizeof(ud_seg_term));
    ud_buf postings, positions;
    ud_buf_init(&postings, (size_t)1 << 40);
    ud_buf_init(&positions, (size_t)1 << 40);
    int rc = 0;
    size_t next_block = 0;
    uint64_t bytes_offset = 0;
    for (size_t i = 0; i < b->term_count && rc == 0; i++) {
        const term_acc *t = &b->terms[order[i]];
        entries[i] = (ud_seg_term){.bytes_offset = bytes_offset,
                                   .bytes_len = t->len,
                                   .df = t->count,
                                   .first_block = next_block};
        bytes_offset += t->len;
        uint32_t prev_doc = 0;
        for (uint32_t start = 0; start < t->count && rc == 0; start += UD_SEG_BLOCK_SIZE) {
            uint32_t n =
                t->count - start < UD_SEG_BLOCK_SIZE ? t->count - start : UD_SEG_BLOCK_SIZE;
            rc = encode_block(&blocks[next_block++], &postings, &positions, b, t->postings + start,
                              n, prev_doc);
            prev_doc = t->postings[start + n - 1].doc;
            entries[i].block_count++;
        }
    }
    ud_seg_key *keys = ud_calloc(b->doc_count ? b->doc_count : 1, sizeof(ud_seg_key));
    for (size_t i = 0; i < b->doc_count; i++)
        keys[i] = (ud_seg_key){b->key_hashes[i], (uint32_t)i, 0};
    qsort(keys, b->doc_count, sizeof(ud_seg_key), compare_keys);

    char tmp[UD_INDEX_PATH_MAX];
    if (rc == 0)
        rc = ud_index_path(tmp, sizeof(tmp), "%s.tmp", path);
    FILE *file = rc == 0 ? fopen(tmp, "wb") : NULL;
    if (rc == 0 && !file)
        rc = ud_error_set(UD_EIO, "cannot create %s", tmp);
    if (rc == 0) {
        ud_seg_header h = {0};
        memcpy(h.magic, UD_SEG_MAGIC, 8);
        h.version = UD_SEG_VERSION;
        h.doc_count = (uint32_t)b->doc_count;
        h.term_count = b->term_count;
        h.block_count = block_count;
        h.total_len_text = b->total_len_text;
        h.total_len_title = b->total_len_title;
        file_out f = {file, 0, 0, false};
        if (fwrite(&h, sizeof(h), 1, file) != 1)
            f.failed = true;
        f.offset = sizeof(h);
        h.off_docs = f.offset;
        emit(&f, b->docs, b->doc_count * sizeof(ud_seg_doc));
        h.off_stored = f.offset;
        emit(&f, b->stored.ptr, b->stored.len);
        align8(&f);
        h.off_terms = f.offset;
        emit(&f, entries, b->term_count * sizeof(ud_seg_term));
        h.off_term_bytes = f.offset;
        for (size_t i = 0; i < b->term_count; i++)
            emit(&f, b->terms[order[i]].text, b->terms[order[i]].len);
        align8(&f);
        h.off_blocks = f.offset;
        for (size_t i = 0; i < block_count; i++)
            blocks[i].postings_offset += positions.len;
        emit(&f, blocks, block_count * sizeof(ud_seg_block));
        h.off_postings = f.offset;
        /* Positions first, then what scoring reads: the blocks point past
         * the positions. */
        emit(&f, positions.ptr, positions.len);
        emit(&f, postings.ptr, postings.len);
        align8(&f);
        h.off_keys = f.offset;
        emit(&f, keys, b->doc_count * sizeof(ud_seg_key));
        h.off_vectors = f.offset;
        if (b->vector_dims) {
            h.vector_dims = b->vector_dims;
            size_t bytes = (b->doc_count + 7) / 8;
            uint8_t *bits = ud_calloc(bytes ? bytes : 1, 1);
            for (size_t i = 0; i < b->doc_count; i++)
                if (b->has_vector[i])
                    bits[i >> 3] |= (uint8_t)(1u << (i & 7));
            emit(&f, bits, bytes);
            free(bits);
            align8(&f);
            emit(&f, b->vectors, b->doc_count * b->vector_dims * sizeof(float));
            if (b->vector_format == UD_SEG_VECTORS_I8) {
                h.vector_format = UD_SEG_VECTORS_I8;
                align8(&f);
                /* Encoded a batch at a time: no second copy of them all. */
                size_t record = UD_I8_RECORD(b->vector_dims);
                uint8_t *batch = ud_malloc(record * 1024);
                for (size_t i = 0; i < b->doc_count; i += 1024) {
                    size_t n = b->doc_count - i < 1024 ? b->doc_count - i : 1024;
                    memset(batch, 0, record * n);
                    for (size_t j = 0; j < n; j++)
                        if (b->has_vector[i + j])
                            ud_i8_encode(batch + j * record, &b->vectors[(i + j) * b->vector_dims],
                                         b->vector_dims);
                    emit(&f, batch, record * n);
                }
                free(batch);
            }
        }
        align8(&f);
        h.off_graph = f.offset;
        size_t with_vectors = 0;
        for (size_t i = 0; b->vector_dims && i < b->doc_count; i++)
            with_vectors += b->has_vector[i];
        if (with_vectors >= UD_SEG_GRAPH_MIN_VECTORS && !f.failed) {
            ud_hnsw_params hp;
            ud_hnsw_params_default(&hp);
            ud_buf graph;
            ud_buf_init(&graph, (size_t)1 << 40);
            rc = ud_hnsw_build(&graph, b->vectors, b->has_vector, (uint32_t)b->doc_count,
                               b->vector_dims, &hp);
            emit(&f, graph.ptr, graph.len);
            ud_buf_dispose(&graph);
        }
        h.file_len = f.offset;
        /* The header's own CRC, taken with the field zero, then both. */
        h.checksum = 0;
        h.checksum = (uint64_t)ud_crc32c(0, &h, sizeof(h)) << 32 | f.checksum;
        if (!f.failed && (fseek(file, 0, SEEK_SET) != 0 || fwrite(&h, sizeof(h), 1, file) != 1))
            f.failed = true;
        if (!f.failed && (fflush(file) != 0 || fsync(fileno(file)) != 0))
            f.failed = true;
        if (fclose(file) != 0)
            f.failed = true;
        if (f.failed)
            rc = ud_error_set(UD_EIO, "cannot write segment %s (disk full?)", tmp);
        else if (rename(tmp, path) != 0)
            rc = ud_error_set(UD_EIO, "cannot rename %s to %s", tmp, path);
        if (rc < 0)
            unlink(tmp);
    }
    ud_buf_dispose(&postings);
    ud_buf_dispose(&positions);
    free(keys);
    free(entries);
    free(blocks);
    free(order);
    return rc;
}
