/*
 * The `static` embedding provider: a memory-mapped GloVe file (glove.h) and
 * SIF weighting (sif.h). Words are runs of letters and digits, case-folded
 * like the vocabulary (which is lower-case); words without a vector are
 * skipped; a text with none gets no vector.
 */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "base/mem.h"
#include "doc/tokens.h"
#include "embed/embedder.h"
#include "embed/glove.h"
#include "embed/sif.h"

#define MAX_WORD_BYTES 64

typedef struct glove {
    const uint8_t *base;
    size_t size;
    const ud_glove_header *h;
    const ud_glove_entry *entries;
    const char *strings;
    uint64_t strings_len;
    const float *vectors;
    const float *component;
} glove;

/* The entry of word, or NULL. */
static const ud_glove_entry *find(const glove *g, const char *word, size_t len)
{
    size_t lo = 0, hi = g->h->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const ud_glove_entry *e = &g->entries[mid];
        if (e->offset > g->strings_len || e->len > g->strings_len - e->offset)
            return NULL;
        size_t n = e->len < len ? e->len : len;
        int c = memcmp(g->strings + e->offset, word, n);
        if (c == 0)
            c = e->len < len ? -1 : e->len > len;
        if (c == 0)
            return e;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static bool is_word_cp(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) || c == UTF8PROC_CATEGORY_ND ||
           c == UTF8PROC_CATEGORY_MN;
}

static int embed(void *self, const char *text, size_t len, float *out, bool *out_has)
{
    const glove *g = self;
    uint32_t d = g->h->dims;
    double *sum = ud_calloc(d, sizeof(double));
    size_t words = 0;
    size_t pos = 0;
    char folded[MAX_WORD_BYTES * 3 + 1];
    while (pos < len) {
        int32_t cp;
        size_t n = ud_utf8_decode(text + pos, len - pos, &cp);
        if (!is_word_cp(cp)) {
            pos += n;
            continue;
        }
        size_t start = pos;
        while (pos < len) {
            n = ud_utf8_decode(text + pos, len - pos, &cp);
            if (!is_word_cp(cp))
                break;
            pos += n;
        }
        size_t word_len = pos - start;
        if (word_len > MAX_WORD_BYTES)
            continue;
        utf8proc_uint8_t *mapped = NULL;
        utf8proc_ssize_t m =
            utf8proc_map((const utf8proc_uint8_t *)text + start, (utf8proc_ssize_t)word_len,
                         &mapped, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
        if (m <= 0 || (size_t)m >= sizeof(folded)) {
            free(mapped);
            continue;
        }
        memcpy(folded, mapped, (size_t)m);
        free(mapped);
        const ud_glove_entry *e = find(g, folded, (size_t)m);
        if (!e)
            continue;
        size_t index = (size_t)(e - g->entries);
        double w = ud_sif_weight(e->rank, g->h->count);
        const float *v = &g->vectors[index * d];
        for (uint32_t i = 0; i < d; i++)
            sum[i] += w * v[i];
        words++;
    }
    *out_has = false;
    if (words > 0) {
        /* Remove the common component, then scale to unit length (the
         * mean's 1/words factor disappears in the normalisation). */
        double dot = 0;
        for (uint32_t i = 0; i < d; i++)
            dot += sum[i] * g->component[i];
        double norm = 0;
        for (uint32_t i = 0; i < d; i++) {
            sum[i] -= dot * g->component[i];
            norm += sum[i] * sum[i];
        }
        norm = sqrt(norm);
        if (norm > 0) {
            for (uint32_t i = 0; i < d; i++)
                out[i] = (float)(sum[i] / norm);
            *out_has = true;
        }
    }
    free(sum);
    return 0;
}

static void glove_free(void *self)
{
    glove *g = self;
    munmap((void *)g->base, g->size);
    free(g);
}

static const ud_embedder_ops STATIC_OPS = {.embed = embed, .free = glove_free};

int ud_embedder_open_static(ud_embedder **out, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ud_error_set(UD_ENOTFOUND, "no word vectors at %s", path);
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(ud_glove_header)) {
        close(fd);
        return ud_error_set(UD_ECORRUPT, "%s is not a word vectors file", path);
    }
    size_t size = (size_t)st.st_size;
    void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return ud_error_set(UD_EIO, "cannot map %s", path);
    const ud_glove_header *h = map;
    uint64_t count = h->count, dims = h->dims;
    bool ok = memcmp(h->magic, UD_GLOVE_MAGIC, 8) == 0 && h->file_len == size && dims > 0 &&
              dims <= 4096 && h->off_entries == sizeof(*h) &&
              h->off_strings == h->off_entries + count * sizeof(ud_glove_entry) &&
              h->off_strings <= h->off_vectors && h->off_vectors % 4 == 0 &&
              h->off_component == h->off_vectors + count * dims * sizeof(float) &&
              h->off_component + dims * sizeof(float) == size;
    if (!ok) {
        munmap(map, size);
        return ud_error_set(UD_ECORRUPT, "%s is not a valid word vectors file", path);
    }
    glove *g = ud_calloc(1, sizeof(*g));
    g->base = map;
    g->size = size;
    g->h = h;
    g->entries = (const ud_glove_entry *)(g->base + h->off_entries);
    g->strings = (const char *)(g->base + h->off_strings);
    g->strings_len = h->off_vectors - h->off_strings;
    g->vectors = (const float *)(g->base + h->off_vectors);
    g->component = (const float *)(g->base + h->off_component);
    ud_embedder *e = ud_calloc(1, sizeof(*e));
    e->ops = &STATIC_OPS;
    e->self = g;
    e->info = (ud_embedder_info){"static", "glove-100d-sif", h->dims};
    *out = e;
    return 0;
}

void ud_embedder_free(ud_embedder *e)
{
    if (!e)
        return;
    e->ops->free(e->self);
    free(e);
}
