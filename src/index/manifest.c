/*
 * Manifest and deletion files: parsing and encoding (see manifest.h).
 */
#include "index/manifest.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "index/crc32c.h"
#include "index/segment_format.h"

#define CHECKSUM_PREFIX "crc32c "
#define CHECKSUM_LINE 16 /* "crc32c " + 8 hex digits + "\n" */
#define DEL_MAGIC "UDDEL001"
#define DEL_HEADER 16
#define DEL_TRAILER 8

void ud_manifest_dispose(ud_manifest *m)
{
    free(m->entries);
    memset(m, 0, sizeof(*m));
}

/* Splits off the checksum line: *out_body_len is what it covers. 1 when
 * the line is there and matches, 0 when there is none, or UD_ECORRUPT. */
static int split_checksum(size_t *out_body_len, const char *text, size_t len, const char *name)
{
    *out_body_len = len;
    if (len < CHECKSUM_LINE || text[len - 1] != '\n')
        return 0;
    const char *line = text + len - CHECKSUM_LINE;
    if (memcmp(line, CHECKSUM_PREFIX, strlen(CHECKSUM_PREFIX)) != 0 ||
        (line != text && line[-1] != '\n'))
        return 0;
    uint32_t want = 0;
    for (size_t i = strlen(CHECKSUM_PREFIX); i < CHECKSUM_LINE - 1; i++) {
        char c = line[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (digit < 0)
            return ud_error_set(UD_ECORRUPT, "manifest %s is damaged: bad checksum line", name);
        want = want << 4 | (uint32_t)digit;
    }
    *out_body_len = len - CHECKSUM_LINE;
    if (ud_crc32c(0, text, *out_body_len) != want)
        return ud_error_set(UD_ECORRUPT, "manifest %s is damaged: checksum mismatch", name);
    return 1;
}

/* An integer member in [min, max], else false. */
static bool get_int(json_int_t *out, json_t *obj, const char *key, json_int_t min, json_int_t max)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return false;
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return false;
    *out = x;
    return true;
}

static int damaged(json_t *root, const char *name, const char *what)
{
    json_decref(root);
    return ud_error_set(UD_ECORRUPT, "manifest %s is damaged: %s", name, what);
}

int ud_manifest_parse(ud_manifest *out, const char *text, size_t len, const char *name)
{
    if (len > UD_MANIFEST_MAX_BYTES)
        return ud_error_set(UD_ECORRUPT, "manifest %s is damaged: %zu bytes", name, len);
    size_t body = 0;
    int checked = split_checksum(&body, text, len, name);
    if (checked < 0)
        return checked;
    json_t *root = json_loadb(text, body, 0, NULL);
    if (!json_is_object(root))
        return damaged(root, name, "not JSON");
    json_int_t format = 0;
    if (!get_int(&format, root, "format", 1, INT32_MAX))
        return damaged(root, name, "no format");
    if (format < 2) {
        json_decref(root);
        return ud_error_set(UD_EUNSUPPORTED,
                            "the index of manifest %s has an older format; run `unify reindex`",
                            name);
    }
    /* Not damage: a writer must not replace it (UD_ECORRUPT would have
     * the index rebuilt). */
    if (format > UD_MANIFEST_FORMAT) {
        json_decref(root);
        return ud_error_set(UD_EINVAL, "manifest %s was written by a newer unify", name);
    }
    /* A manifest of format 3 always has its checksum line: without it, the
     * end of the file is gone. */
    if (format >= 3 && !checked)
        return damaged(root, name, "no checksum line");
    ud_manifest m = {.checksummed = checked == 1};
    json_int_t generation = 0, next_id = 0, store_generation = 0;
    json_t *segments = json_object_get(root, "segments");
    const char *embedding = json_string_value(json_object_get(root, "embedding"));
    if (!get_int(&generation, root, "generation", 0, UINT32_MAX) ||
        !get_int(&next_id, root, "next_id", 1, UINT32_MAX) ||
        !get_int(&store_generation, root, "store_generation", -1, INT64_MAX) ||
        !json_is_array(segments))
        return damaged(root, name, "a field is missing or out of range");
    if (json_array_size(segments) > UD_MANIFEST_MAX_SEGMENTS)
        return damaged(root, name, "too many segments");
    if (embedding && strlen(embedding) >= sizeof(m.embedding))
        return damaged(root, name, "embedding name too long");
    snprintf(m.embedding, sizeof(m.embedding), "%s", embedding ? embedding : "");
    m.generation = (uint64_t)generation;
    m.next_id = (uint32_t)next_id;
    m.store_generation = store_generation;
    size_t count = json_array_size(segments);
    m.entries = ud_calloc(count ? count : 1, sizeof(ud_manifest_entry));
    for (size_t i = 0; i < count; i++) {
        json_t *item = json_array_get(segments, i);
        json_int_t id = 0, del_gen = 0, docs = 0;
        /* Ids below next_id: a writer names new segments from next_id on,
         * and must never overwrite one this manifest names. */
        if (!get_int(&id, item, "id", 1, next_id - 1) ||
            !get_int(&del_gen, item, "del_gen", 0, generation) ||
            !get_int(&docs, item, "docs", 0, UINT32_MAX)) {
            free(m.entries);
            return damaged(root, name, "a segment entry is out of range");
        }
        for (size_t j = 0; j < i; j++)
            if (m.entries[j].id == (uint32_t)id) {
                free(m.entries);
                return damaged(root, name, "a segment is named twice");
            }
        m.entries[i] = (ud_manifest_entry){(uint32_t)id, (uint32_t)del_gen, (uint32_t)docs};
    }
    m.count = count;
    json_decref(root);
    *out = m;
    return 0;
}

char *ud_manifest_encode(const ud_manifest *m, size_t *out_len)
{
    json_t *segments = json_array();
    for (size_t i = 0; i < m->count; i++) {
        const ud_manifest_entry *e = &m->entries[i];
        json_array_append_new(segments,
                              json_pack("{s:I,s:I,s:I}", "id", (json_int_t)e->id, "del_gen",
                                        (json_int_t)e->del_gen, "docs", (json_int_t)e->doc_count));
    }
    json_t *root =
        json_pack("{s:i,s:I,s:I,s:I,s:s,s:o}", "format", UD_MANIFEST_FORMAT, "generation",
                  (json_int_t)m->generation, "next_id", (json_int_t)m->next_id, "store_generation",
                  (json_int_t)m->store_generation, "embedding", m->embedding, "segments", segments);
    char *json = json_dumps(root, JSON_INDENT(1));
    json_decref(root);
    if (!json)
        ud_oom(0);
    size_t len = strlen(json);
    char *text = ud_malloc(len + 1 + CHECKSUM_LINE + 1);
    memcpy(text, json, len);
    free(json);
    text[len++] = '\n';
    snprintf(text + len, CHECKSUM_LINE + 1, CHECKSUM_PREFIX "%08" PRIx32 "\n",
             ud_crc32c(0, text, len));
    *out_len = len + CHECKSUM_LINE;
    return text;
}

size_t ud_deletions_bitmap_bytes(uint32_t doc_count)
{
    return ((size_t)doc_count + 7) / 8;
}

int ud_deletions_parse(uint8_t **out, const void *data, size_t len, uint32_t doc_count,
                       const char *name)
{
    const uint8_t *p = data;
    size_t bytes = ud_deletions_bitmap_bytes(doc_count);
    if (len != DEL_HEADER + bytes + DEL_TRAILER || memcmp(p, DEL_MAGIC, 8) != 0)
        return ud_error_set(UD_ECORRUPT, "deletion file %s is damaged", name);
    uint32_t count;
    uint64_t checksum;
    memcpy(&count, p + 8, 4);
    memcpy(&checksum, p + DEL_HEADER + bytes, 8);
    if (count != doc_count)
        return ud_error_set(UD_ECORRUPT, "deletion file %s does not match its segment", name);
    if (checksum != ud_fnv1a64(p + DEL_HEADER, bytes, UD_FNV64_INIT))
        return ud_error_set(UD_ECORRUPT, "deletion file %s is damaged: checksum mismatch", name);
    uint8_t *bits = ud_malloc(bytes ? bytes : 1);
    memcpy(bits, p + DEL_HEADER, bytes);
    *out = bits;
    return 0;
}

uint8_t *ud_deletions_encode(const uint8_t *bits, uint32_t doc_count, size_t *out_len)
{
    size_t bytes = ud_deletions_bitmap_bytes(doc_count);
    uint8_t *data = ud_calloc(1, DEL_HEADER + bytes + DEL_TRAILER);
    memcpy(data, DEL_MAGIC, 8);
    memcpy(data + 8, &doc_count, 4);
    memcpy(data + DEL_HEADER, bits, bytes);
    uint64_t checksum = ud_fnv1a64(bits, bytes, UD_FNV64_INIT);
    memcpy(data + DEL_HEADER + bytes, &checksum, 8);
    *out_len = DEL_HEADER + bytes + DEL_TRAILER;
    return data;
}
