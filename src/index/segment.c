/*
 * Segment reader (see segment.h): mmap, bounds checks at open, term lookup
 * by binary search, stored fields, and postings cursors that decode one
 * block of 128 at a time and skip whole blocks by their last doc.
 */
#include "index/segment.h"

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "index/crc32c.h"
#include "index/path.h"
#include "index/quant.h"
#include "index/varint.h"

/* A chunk's stored fields are a few KB; more than this is damage. */
#define MAX_RECORD_BYTES (64u << 20)

struct ud_segment {
    /* Snapshots share the segments they have in common: the last of them
     * to let go unmaps it. */
    atomic_int refs;
    const uint8_t *base;
    size_t size;
    const ud_seg_header *header;
    const ud_seg_doc *docs;
    const ud_seg_term *terms;
    const uint8_t *term_bytes;
    uint64_t term_bytes_len;
    const ud_seg_block *blocks;
    const uint8_t *postings;
    const uint8_t *postings_end;
    const ud_seg_key *keys;
    const uint8_t *vector_bits; /* NULL when the segment has no vectors */
    const float *vectors;
    const uint8_t *vectors_i8; /* NULL unless vector_format is UD_SEG_VECTORS_I8 */
    ud_hnsw graph;
    bool has_graph;
    const uint8_t *stored;
    const uint8_t *stored_end;
    int fd;    /* kept open for ud_segment_read_vector */
    dev_t dev; /* the file's identity, for ud_segment_is_file */
    ino_t ino;
    char path[UD_INDEX_PATH_MAX];
};

static int corrupt(const char *path, const char *what)
{
    return ud_error_set(UD_ECORRUPT, "segment %s is damaged: %s", path, what);
}

/* Section [start, start + count * size) inside [lo, hi]. */
static bool section_fits(uint64_t start, uint64_t count, uint64_t size, uint64_t hi)
{
    if (size && count > UINT64_MAX / size)
        return false;
    return start <= hi && count * size <= hi - start;
}

static uint64_t vector_data_offset(const ud_seg_header *h)
{
    return h->off_vectors + ((uint64_t)h->doc_count + 7) / 8 + 7 -
           (((uint64_t)h->doc_count + 7) / 8 + 7) % 8;
}

static uint64_t round8(uint64_t x)
{
    return (x + 7) / 8 * 8;
}

/* Where the int8 records start: after the float32 vectors, aligned. */
static uint64_t vector_i8_offset(const ud_seg_header *h)
{
    return round8(vector_data_offset(h) + (uint64_t)h->doc_count * h->vector_dims * sizeof(float));
}

/* The vectors section is exactly the bitmap, padding and doc_count x dims
 * floats (then, for int8 segments, padding and doc_count records), or
 * absent. */
static bool vectors_fit(const ud_seg_header *h)
{
    if (h->vector_format != UD_SEG_VECTORS_F32 && h->vector_format != UD_SEG_VECTORS_I8)
        return false;
    if (h->vector_dims == 0)
        return h->off_vectors == h->off_graph && h->off_graph == h->file_len &&
               h->vector_format == UD_SEG_VECTORS_F32;
    if (h->vector_dims > 65536 || h->off_vectors % 8)
        return false;
    uint64_t data = vector_data_offset(h);
    uint64_t bytes = (uint64_t)h->doc_count * h->vector_dims * sizeof(float);
    if (data > h->off_graph || bytes > h->off_graph - data)
        return false;
    if (h->vector_format == UD_SEG_VECTORS_F32)
        return round8(data + bytes) == h->off_graph;
    uint64_t i8 = vector_i8_offset(h);
    uint64_t i8_bytes = (uint64_t)h->doc_count * UD_I8_RECORD(h->vector_dims);
    return i8 <= h->off_graph && i8_bytes <= h->off_graph - i8 &&
           round8(i8 + i8_bytes) == h->off_graph;
}

/* The header's CRC-32C, taken with its checksum field zero (version 5). */
static uint32_t header_crc(const ud_seg_header *h)
{
    ud_seg_header copy = *h;
    copy.checksum = 0;
    return ud_crc32c(0, &copy, sizeof(copy));
}

static bool content_matches(const uint8_t *base, size_t size, const ud_seg_header *h)
{
    const uint8_t *content = base + sizeof(ud_seg_header);
    size_t len = size - sizeof(ud_seg_header);
    if (h->version >= UD_SEG_VERSION_CRC)
        return ud_crc32c(0, content, len) == (uint32_t)h->checksum;
    return ud_fnv1a64(content, len, UD_FNV64_INIT) == h->checksum;
}

int ud_segment_open(ud_segment **out, const char *path)
{
    char name[UD_INDEX_PATH_MAX];
    int rc = ud_index_path(name, sizeof(name), "%s", path);
    if (rc < 0)
        return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ud_error_set(UD_EIO, "cannot open segment %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_size < (off_t)sizeof(ud_seg_header)) {
        close(fd);
        return corrupt(path, "shorter than its header");
    }
    size_t size = (size_t)st.st_size;
    void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) {
        close(fd);
        return ud_error_set(UD_EIO, "cannot map segment %s", path);
    }
    const ud_seg_header *h = map;
    const char *problem = NULL;
    if (memcmp(h->magic, UD_SEG_MAGIC, 8) != 0)
        problem = "not a segment file";
    else if (h->version < UD_SEG_VERSION_MIN || h->version > UD_SEG_VERSION)
        problem = "unknown format version";
    else if (h->version >= UD_SEG_VERSION_CRC && header_crc(h) != (uint32_t)(h->checksum >> 32))
        problem = "header checksum mismatch";
    else if (h->version < 3 && h->vector_format != 0)
        problem = "unknown vector format";
    else if (h->file_len != size)
        problem = "size does not match its header";
    else if (!(h->off_docs == sizeof(ud_seg_header) && h->off_docs <= h->off_stored &&
               h->off_stored <= h->off_terms && h->off_terms <= h->off_term_bytes &&
               h->off_term_bytes <= h->off_blocks && h->off_blocks <= h->off_postings &&
               h->off_postings <= h->off_keys && h->off_keys <= h->off_vectors &&
               h->off_vectors <= h->off_graph && h->off_graph <= size && h->off_graph % 8 == 0))
        problem = "sections out of order";
    else if (!section_fits(h->off_docs, h->doc_count, sizeof(ud_seg_doc), h->off_stored) ||
             !section_fits(h->off_terms, h->term_count, sizeof(ud_seg_term), h->off_term_bytes) ||
             !section_fits(h->off_blocks, h->block_count, sizeof(ud_seg_block), h->off_postings) ||
             !section_fits(h->off_keys, h->doc_count, sizeof(ud_seg_key), h->off_vectors) ||
             !vectors_fit(h) || h->off_terms % 8 || h->off_blocks % 8 || h->off_keys % 8)
        problem = "section sizes do not match their counts";
    else if (size <= UD_SEG_VERIFY_AT_OPEN && !content_matches(map, size, h))
        problem = "checksum mismatch";
    if (problem) {
        munmap(map, size);
        close(fd);
        return corrupt(path, problem);
    }
    ud_segment *s = ud_calloc(1, sizeof(*s));
    s->fd = fd;
    s->base = map;
    s->size = size;
    s->header = h;
    s->docs = (const ud_seg_doc *)(s->base + h->off_docs);
    s->stored = s->base + h->off_stored;
    s->stored_end = s->base + h->off_terms;
    s->terms = (const ud_seg_term *)(s->base + h->off_terms);
    s->term_bytes = s->base + h->off_term_bytes;
    s->term_bytes_len = h->off_blocks - h->off_term_bytes;
    s->blocks = (const ud_seg_block *)(s->base + h->off_blocks);
    s->postings = s->base + h->off_postings;
    s->postings_end = s->base + h->off_keys;
    s->keys = (const ud_seg_key *)(s->base + h->off_keys);
    if (h->vector_dims) {
        s->vector_bits = s->base + h->off_vectors;
        s->vectors = (const float *)(s->base + vector_data_offset(h));
        if (h->vector_format == UD_SEG_VECTORS_I8)
            s->vectors_i8 = s->base + vector_i8_offset(h);
    }
    if (h->off_graph < size) {
        if (!h->vector_dims || ud_hnsw_open(&s->graph, s->base + h->off_graph, size - h->off_graph,
                                            h->doc_count) < 0) {
            munmap(map, size);
            close(fd);
            free(s);
            return corrupt(path, "the vector graph is damaged");
        }
        s->has_graph = true;
    }
    memcpy(s->path, name, sizeof(s->path));
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    atomic_init(&s->refs, 1);
    *out = s;
    return 0;
}

void ud_segment_retain(ud_segment *s)
{
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void ud_segment_free(ud_segment *s)
{
    if (!s || atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    munmap((void *)s->base, s->size);
    close(s->fd);
    free(s);
}

int ud_segment_verify(const ud_segment *s)
{
    return content_matches(s->base, s->size, s->header) ? 0 : corrupt(s->path, "checksum mismatch");
}

bool ud_segment_header_checked(const ud_segment *s)
{
    return s->header->version >= UD_SEG_VERSION_CRC;
}

bool ud_segment_is_file(const ud_segment *s, const char *path)
{
    struct stat st;
    /* The mapping keeps the inode alive, so its number cannot have been
     * given to another file meanwhile. */
    return stat(path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino;
}

const char *ud_segment_path(const ud_segment *s)
{
    return s->path;
}

uint32_t ud_segment_vector_dims(const ud_segment *s)
{
    return s->header->vector_dims;
}

const ud_hnsw *ud_segment_graph(const ud_segment *s)
{
    return s->has_graph ? &s->graph : NULL;
}

const float *ud_segment_vectors(const ud_segment *s)
{
    return s->vectors;
}

const uint8_t *ud_segment_vectors_i8(const ud_segment *s)
{
    return s->vectors_i8;
}

const float *ud_segment_vector(const ud_segment *s, uint32_t doc)
{
    if (!s->vector_bits || doc >= s->header->doc_count ||
        !((s->vector_bits[doc >> 3] >> (doc & 7)) & 1))
        return NULL;
    return s->vectors + (size_t)doc * s->header->vector_dims;
}

const uint8_t *ud_segment_vector_bits(const ud_segment *s)
{
    return s->vector_bits;
}

int ud_segment_read_vector(const ud_segment *s, uint32_t doc, float *out)
{
    const float *v = ud_segment_vector(s, doc);
    if (!v)
        return 0;
    size_t bytes = (size_t)s->header->vector_dims * sizeof(float);
    off_t at = (off_t)((const uint8_t *)v - s->base);
    ssize_t got = pread(s->fd, out, bytes, at);
    if (got != (ssize_t)bytes) {
        /* Not worth failing a search for: the mapping has the same bytes. */
        memcpy(out, v, bytes);
    }
    return 1;
}

const ud_seg_header *ud_segment_header(const ud_segment *s)
{
    return s->header;
}

const ud_seg_doc *ud_segment_doc(const ud_segment *s, uint32_t doc)
{
    return &s->docs[doc];
}

/* The bytes of term entry i, or NULL if they fall outside their section. */
static const uint8_t *term_text(const ud_segment *s, const ud_seg_term *t)
{
    if (t->bytes_offset > s->term_bytes_len || t->bytes_len > s->term_bytes_len - t->bytes_offset)
        return NULL;
    return s->term_bytes + t->bytes_offset;
}

const ud_seg_term *ud_segment_term(const ud_segment *s, const char *term, size_t len)
{
    size_t lo = 0, hi = s->header->term_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ud_seg_term *t = &s->terms[mid];
        const uint8_t *text = term_text(s, t);
        if (!text)
            return NULL;
        size_t n = t->bytes_len < len ? t->bytes_len : len;
        int c = memcmp(text, term, n);
        if (c == 0)
            c = t->bytes_len < len ? -1 : t->bytes_len > len;
        if (c == 0) {
            if (t->first_block > s->header->block_count ||
                t->block_count > s->header->block_count - t->first_block)
                return NULL;
            return t;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void ud_segment_term_range(size_t *out_first, size_t *out_end, const ud_segment *s,
                           const char *prefix, size_t len)
{
    /* The first term not below the prefix, then the first past every term
     * that starts with it: both by binary search, damaged entries sorting
     * as if empty (they are refused by ud_segment_term_at). */
    size_t bounds[2];
    for (int upper = 0; upper < 2; upper++) {
        size_t lo = 0, hi = s->header->term_count;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            const ud_seg_term *t = &s->terms[mid];
            const uint8_t *text = term_text(s, t);
            size_t tlen = text ? t->bytes_len : 0;
            size_t n = tlen < len ? tlen : len;
            int c = n ? memcmp(text, prefix, n) : 0;
            if (c == 0 && tlen < len)
                c = -1; /* a shorter term that the prefix extends sorts first */
            if (c < 0 || (upper && c == 0))
                lo = mid + 1;
            else
                hi = mid;
        }
        bounds[upper] = lo;
    }
    *out_first = bounds[0];
    *out_end = bounds[1];
}

const ud_seg_term *ud_segment_term_at(const ud_segment *s, size_t i, const char **out_text,
                                      size_t *out_len)
{
    if (i >= s->header->term_count)
        return NULL;
    const ud_seg_term *t = &s->terms[i];
    const uint8_t *text = term_text(s, t);
    if (!text || t->first_block > s->header->block_count ||
        t->block_count > s->header->block_count - t->first_block)
        return NULL;
    *out_text = (const char *)text;
    *out_len = t->bytes_len;
    return t;
}

/* ---- stored fields ------------------------------------------------------ */

static bool read_string(const uint8_t **p, const uint8_t *end, ud_arena *arena, const char **out)
{
    uint64_t len;
    if (!ud_varint_decode(p, end, &len) || len > (uint64_t)(end - *p))
        return false;
    *out = ud_arena_strndup(arena, (const char *)*p, (size_t)len);
    *p += len;
    return true;
}

/* A chunk's stored record, read with pread into the arena: queries read
 * the stored fields of a few chunks each (excerpts, phrase checks), and
 * through the mapping those reads would leave the stored section, the
 * largest of the file, resident (see ud_segment_read_vector). A record
 * ends where the next chunk's begins. */
static int stored_record(const uint8_t **out, const uint8_t **out_end, const ud_segment *s,
                         ud_arena *arena, uint32_t doc)
{
    uint64_t len = (uint64_t)(s->stored_end - s->stored);
    uint64_t start = s->docs[doc].stored_offset;
    uint64_t stop = doc + 1 < s->header->doc_count ? s->docs[doc + 1].stored_offset : len;
    if (start > len || stop > len || stop < start || stop - start > MAX_RECORD_BYTES)
        return corrupt(s->path, "stored offset out of range");
    size_t n = (size_t)(stop - start);
    uint8_t *buf = ud_arena_alloc(arena, n ? n : 1);
    off_t at = (off_t)(s->header->off_stored + start);
    if (n && pread(s->fd, buf, n, at) != (ssize_t)n)
        memcpy(buf, s->stored + start, n); /* the mapping has the same bytes */
    *out = buf;
    *out_end = buf + n;
    return 0;
}

int ud_segment_stored(ud_stored_doc *out, const ud_segment *s, ud_arena *arena, uint32_t doc)
{
    if (doc >= s->header->doc_count)
        return ud_error_set(UD_EINVAL, "no chunk %u in segment", doc);
    const uint8_t *p = NULL, *end = NULL;
    int rc = stored_record(&p, &end, s, arena, doc);
    if (rc < 0)
        return rc;
    const ud_seg_doc *d = &s->docs[doc];
    ud_stored_doc r = {0};
    uint64_t chunk_index = 0, acl_count = 0;
    bool ok = read_string(&p, end, arena, &r.doc_id) && ud_varint_decode(&p, end, &chunk_index) &&
              read_string(&p, end, arena, &r.title) && read_string(&p, end, arena, &r.text) &&
              read_string(&p, end, arena, &r.source_type) && read_string(&p, end, arena, &r.url) &&
              read_string(&p, end, arena, &r.path) &&
              read_string(&p, end, arena, &r.heading_path) &&
              read_string(&p, end, arena, &r.author) && ud_varint_decode(&p, end, &acl_count) &&
              acl_count <= (uint64_t)(end - p);
    if (ok) {
        r.acl = ud_arena_alloc(arena, (acl_count ? acl_count : 1) * sizeof(char *));
        for (uint64_t i = 0; i < acl_count && ok; i++)
            ok = read_string(&p, end, arena, &r.acl[i]);
        r.acl_count = (size_t)acl_count;
    }
    if (!ok)
        return corrupt(s->path, "stored fields cut short");
    r.chunk_index = (uint32_t)chunk_index;
    r.updated_at = d->updated_at;
    *out = r;
    return 0;
}

/* Moves *p past one length-prefixed string. */
static bool skip_string(const uint8_t **p, const uint8_t *end)
{
    uint64_t len;
    if (!ud_varint_decode(p, end, &len) || len > (uint64_t)(end - *p))
        return false;
    *p += len;
    return true;
}

int ud_segment_source_type(ud_str *out, const ud_segment *s, ud_arena *arena, uint32_t doc)
{
    if (doc >= s->header->doc_count)
        return ud_error_set(UD_EINVAL, "no chunk %u in segment", doc);
    const uint8_t *p = NULL, *end = NULL;
    int rc = stored_record(&p, &end, s, arena, doc);
    if (rc < 0)
        return rc;
    uint64_t chunk_index, len;
    /* doc_id, chunk_index, title, text, then the source type. */
    if (!skip_string(&p, end) || !ud_varint_decode(&p, end, &chunk_index) ||
        !skip_string(&p, end) || !skip_string(&p, end) || !ud_varint_decode(&p, end, &len) ||
        len > (uint64_t)(end - p))
        return corrupt(s->path, "stored fields cut short");
    *out = (ud_str){(const char *)p, (size_t)len};
    return 0;
}

int ud_segment_find_document(const ud_segment *s, const char *doc_id, uint32_t *out, size_t max)
{
    size_t id_len = strlen(doc_id);
    uint64_t hash = ud_fnv1a64(doc_id, id_len, UD_FNV64_INIT);
    size_t lo = 0, hi = s->header->doc_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->keys[mid].hash < hash)
            lo = mid + 1;
        else
            hi = mid;
    }
    int found = 0;
    for (size_t i = lo; i < s->header->doc_count && s->keys[i].hash == hash; i++) {
        uint32_t doc = s->keys[i].doc;
        if (doc >= s->header->doc_count)
            return corrupt(s->path, "key table out of range");
        /* Hashes can collide: compare the stored id itself. */
        const ud_seg_doc *d = &s->docs[doc];
        const uint8_t *p = s->stored + d->stored_offset;
        uint64_t len;
        if (d->stored_offset > (uint64_t)(s->stored_end - s->stored) ||
            !ud_varint_decode(&p, s->stored_end, &len) || len > (uint64_t)(s->stored_end - p))
            return corrupt(s->path, "stored fields cut short");
        if (len == id_len && memcmp(p, doc_id, id_len) == 0) {
            if ((size_t)found < max)
                out[found] = doc;
            found++;
        }
    }
    return found;
}

/* ---- postings ----------------------------------------------------------- */

void ud_postings_init(ud_postings *p, const ud_segment *s, const ud_seg_term *term)
{
    memset(p, 0, offsetof(ud_postings, docs));
    p->segment = s;
    p->blocks = term ? s->blocks + term->first_block : NULL;
    p->block_count = term ? term->block_count : 0;
    p->block = 0;
    p->decoded = false;
    p->corrupt = false;
    p->count = 0;
    p->index = 0;
    p->doc = UD_DOC_END;
    if (p->block_count > 0)
        ud_postings_advance(p, 0);
}

static void fail(ud_postings *p)
{
    p->corrupt = true;
    p->doc = UD_DOC_END;
    p->block = p->block_count;
}

/* Decodes block p->block's documents into p->docs; the pairs wait for
 * decode_pairs. */
static void decode_block(ud_postings *p)
{
    const ud_seg_block *blk = &p->blocks[p->block];
    const ud_segment *s = p->segment;
    if (blk->count == 0 || blk->count > UD_SEG_BLOCK_SIZE ||
        blk->postings_offset > (uint64_t)(s->postings_end - s->postings)) {
        fail(p);
        return;
    }
    const uint8_t *q = s->postings + blk->postings_offset;
    const uint8_t *end = s->postings_end;
    uint32_t prev = p->block > 0 ? p->blocks[p->block - 1].last_doc : 0;
    for (uint32_t i = 0; i < blk->count; i++) {
        uint64_t delta;
        if (!ud_varint_decode(&q, end, &delta) || delta > UINT32_MAX - prev) {
            fail(p);
            return;
        }
        prev += (uint32_t)delta;
        if (prev >= s->header->doc_count || (i > 0 && delta == 0) ||
            (i == 0 && p->block > 0 && delta == 0)) {
            fail(p);
            return;
        }
        p->docs[i] = prev;
    }
    p->pairs = q;
    p->pairs_decoded = 0;
    p->positions_found = false;
    p->count = blk->count;
    p->index = 0;
    p->decoded = true;
}

/* Decodes the current block's pairs up to and including posting `upto`. */
static bool decode_pairs(ud_postings *p, uint32_t upto)
{
    if (p->corrupt || !p->decoded || upto >= p->count)
        return false;
    const uint8_t *end = p->segment->postings_end;
    while (p->pairs_decoded <= upto) {
        uint64_t text, title;
        if (!ud_varint_decode(&p->pairs, end, &text) || !ud_varint_decode(&p->pairs, end, &title) ||
            text > 65535 || title > 65535) {
            fail(p);
            return false;
        }
        p->tf_text[p->pairs_decoded] = (uint16_t)text;
        p->tf_title[p->pairs_decoded] = (uint16_t)title;
        p->pairs_decoded++;
    }
    return true;
}

/* Points the window at where the current block's positions start: after
 * its pairs, or (version 4) at the offset that follows them. */
static bool find_positions(ud_postings *p)
{
    if (p->positions_found)
        return true;
    if (!decode_pairs(p, p->count - 1))
        return false;
    const ud_segment *s = p->segment;
    const uint8_t *q = p->pairs;
    uint64_t at = (uint64_t)(q - s->postings);
    if (s->header->version >= 4 && (!ud_varint_decode(&q, s->postings_end, &at) ||
                                    at >= (uint64_t)(s->postings_end - s->postings))) {
        fail(p);
        return false;
    }
    p->window_next = at;
    p->window_at = p->window_len = 0;
    p->positions_index = 0;
    p->positions_found = true;
    return true;
}

/* The next varint of the positions, refilling the window when fewer bytes
 * than a varint can take are left in it. */
static bool positions_varint(ud_postings *p, uint64_t *out)
{
    const ud_segment *s = p->segment;
    if (p->window_len - p->window_at < 10) {
        uint32_t kept = p->window_len - p->window_at;
        memmove(p->window, p->window + p->window_at, kept);
        uint64_t section = (uint64_t)(s->postings_end - s->postings);
        size_t want = sizeof(p->window) - kept;
        if (want > section - p->window_next)
            want = (size_t)(section - p->window_next);
        const uint8_t *from = s->postings + p->window_next;
        ssize_t got = pread(s->fd, p->window + kept, want, (off_t)(from - s->base));
        if (got != (ssize_t)want) /* the mapping has the same bytes */
            memcpy(p->window + kept, from, want);
        p->window_next += want;
        p->window_at = 0;
        p->window_len = kept + (uint32_t)want;
    }
    const uint8_t *q = p->window + p->window_at;
    if (!ud_varint_decode(&q, p->window + p->window_len, out))
        return false;
    p->window_at = (uint32_t)(q - p->window);
    return true;
}

/* The first block from p->block on whose last doc is >= target, or
 * block_count. Gallops (1, 2, 4... blocks ahead) and then bisects, so that
 * a long list crossed in a few big jumps costs a few probes per jump
 * rather than a look at every block in between. */
static uint32_t find_block(const ud_postings *p, uint32_t target)
{
    uint32_t lo = p->block;
    if (lo >= p->block_count || p->blocks[lo].last_doc >= target)
        return lo;
    /* blocks[lo].last_doc < target: the answer lies after lo. */
    uint32_t step = 1, hi = lo + 1;
    while (hi < p->block_count && p->blocks[hi].last_doc < target) {
        lo = hi;
        step *= 2;
        hi = step < p->block_count - lo ? lo + step : p->block_count;
    }
    /* blocks[lo] ends before target; hi is block_count or ends at or after
     * it. Bisect (lo, hi]. */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->blocks[mid].last_doc < target)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

void ud_postings_advance(ud_postings *p, uint32_t target)
{
    if (p->corrupt)
        return;
    if (p->decoded && p->doc != UD_DOC_END && p->doc >= target)
        return;
    uint32_t b = find_block(p, target);
    if (b >= p->block_count) {
        p->block = p->block_count;
        p->doc = UD_DOC_END;
        return;
    }
    if (b != p->block || !p->decoded) {
        p->block = b;
        decode_block(p);
        if (p->corrupt)
            return;
    }
    while (p->index < p->count && p->docs[p->index] < target)
        p->index++;
    if (p->index >= p->count) {
        /* last_doc said the block reaches target: the data disagrees. */
        fail(p);
        return;
    }
    p->doc = p->docs[p->index];
}

void ud_postings_next(ud_postings *p)
{
    if (p->doc == UD_DOC_END)
        return;
    ud_postings_advance(p, p->doc + 1);
}

bool ud_postings_read_block(ud_postings *p, uint32_t block)
{
    if (p->corrupt || block >= p->block_count)
        return false;
    if (block != p->block || !p->decoded) {
        p->block = block;
        decode_block(p);
        if (p->corrupt)
            return false;
    }
    p->index = 0;
    p->doc = p->docs[0];
    return true;
}

const ud_seg_block *ud_postings_block_for(ud_postings *p, uint32_t target)
{
    uint32_t b = find_block(p, target);
    return b < p->block_count ? &p->blocks[b] : NULL;
}

uint32_t ud_postings_tf_text(ud_postings *p)
{
    if (p->doc == UD_DOC_END || !decode_pairs(p, p->index))
        return 0;
    return p->tf_text[p->index];
}

uint32_t ud_postings_tf_title(ud_postings *p)
{
    if (p->doc == UD_DOC_END || !decode_pairs(p, p->index))
        return 0;
    return p->tf_title[p->index];
}

int ud_postings_positions(ud_postings *p, uint32_t *out, size_t max)
{
    if (p->doc == UD_DOC_END || p->corrupt)
        return -1;
    if (p->positions_found && p->positions_index > p->index)
        p->positions_found = false; /* read already: start the block again */
    if (!find_positions(p))
        return -1;
    /* Skip the positions of the postings before the current one. */
    while (p->positions_index < p->index) {
        uint64_t n, delta;
        if (!positions_varint(p, &n))
            return -1;
        for (uint64_t k = 0; k < n; k++)
            if (!positions_varint(p, &delta))
                return -1;
        p->positions_index++;
    }
    uint64_t n;
    if (!positions_varint(p, &n) || n > UINT32_MAX)
        return -1;
    uint64_t pos = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t delta;
        if (!positions_varint(p, &delta))
            return -1;
        pos += delta;
        if (k < max)
            out[k] = (uint32_t)pos;
    }
    p->positions_index++;
    return (int)(n > INT32_MAX ? INT32_MAX : n);
}
