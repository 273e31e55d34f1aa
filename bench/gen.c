/*
 * Generates the benchmark data, deterministically from a seed, out of the
 * converted GloVe file (src/embed/glove.h):
 *
 *   corpus.tsv     N chunks, "id\ttext": 50-400 words drawn from the
 *                  vocabulary's alphabetic words with a Zipf distribution
 *                  over their frequency rank
 *   queries.tsv    200 queries each of 1, 2 and 4 terms, "terms\twords",
 *                  words from ranks 100-20,000 (neither stop words nor
 *                  hapaxes)
 *   base.f32       the normalised GloVe vectors of the words not held out
 *   ann_queries.f32  the held-out words' vectors (every 34th word)
 *   truth.u32      the exact top 10 of each held-out vector in base
 *
 * usage: gen GLOVE.bin OUT_DIR CHUNKS ANN_QUERIES [MAX_BASE_VECTORS]
 */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embed/glove.h"

static uint64_t state = 20251124;

static double uniform(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return (double)((state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

typedef struct word {
    const char *text;
    uint32_t len;
    uint32_t rank;
    const float *vector;
} word;

static int by_rank(const void *a, const void *b)
{
    const word *x = a, *y = b;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int alphabetic(const word *w)
{
    for (uint32_t i = 0; i < w->len; i++)
        if (w->text[i] < 'a' || w->text[i] > 'z')
            return 0;
    return w->len >= 2;
}

typedef struct truth_job {
    const float *base, *queries;
    size_t base_count, first, last;
    uint32_t dims;
    uint32_t *out;
} truth_job;

static void *exact_top10(void *arg)
{
    truth_job *j = arg;
    for (size_t q = j->first; q < j->last; q++) {
        float best[10];
        uint32_t ids[10];
        for (int i = 0; i < 10; i++)
            best[i] = -2, ids[i] = 0;
        const float *qv = &j->queries[q * j->dims];
        for (size_t b = 0; b < j->base_count; b++) {
            const float *bv = &j->base[b * j->dims];
            float s = 0;
            for (uint32_t d = 0; d < j->dims; d++)
                s += qv[d] * bv[d];
            if (s <= best[9])
                continue;
            int k = 9;
            while (k > 0 && best[k - 1] < s) {
                best[k] = best[k - 1];
                ids[k] = ids[k - 1];
                k--;
            }
            best[k] = s;
            ids[k] = (uint32_t)b;
        }
        memcpy(&j->out[q * 10], ids, sizeof(ids));
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: gen GLOVE.bin OUT_DIR CHUNKS ANN_QUERIES [MAX_BASE_VECTORS]\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        fprintf(stderr, "gen: cannot open %s\n", argv[1]);
        return 1;
    }
    const uint8_t *base = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
    const ud_glove_header *h = (const void *)base;
    const ud_glove_entry *entries = (const void *)(base + h->off_entries);
    const char *strings = (const char *)(base + h->off_strings);
    const float *vectors = (const float *)(base + h->off_vectors);
    uint32_t dims = h->dims;
    word *words = malloc(h->count * sizeof(word));
    for (uint32_t i = 0; i < h->count; i++)
        words[i] = (word){strings + entries[i].offset, entries[i].len, entries[i].rank,
                          &vectors[(size_t)i * dims]};
    qsort(words, h->count, sizeof(word), by_rank);

    /* Text vocabulary: alphabetic words in frequency order, Zipf weights. */
    size_t vocab = 0;
    word *text_words = malloc(h->count * sizeof(word));
    for (uint32_t i = 0; i < h->count; i++)
        if (alphabetic(&words[i]))
            text_words[vocab++] = words[i];
    double *cumulative = malloc(vocab * sizeof(double));
    double sum = 0;
    for (size_t i = 0; i < vocab; i++)
        cumulative[i] = (sum += 1.0 / (double)(i + 1));
    long chunks = strtol(argv[3], NULL, 10);
    char path[4096];
    snprintf(path, sizeof(path), "%s/corpus.tsv", argv[2]);
    FILE *f = fopen(path, "w");
    for (long c = 0; c < chunks; c++) {
        fprintf(f, "%ld\t", c);
        int n = 50 + (int)(uniform() * 351);
        for (int i = 0; i < n; i++) {
            double x = uniform() * sum;
            size_t lo = 0, hi = vocab - 1;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (cumulative[mid] < x)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            fprintf(f, "%s%.*s", i ? " " : "", (int)text_words[lo].len, text_words[lo].text);
        }
        fputc('\n', f);
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/queries.tsv", argv[2]);
    f = fopen(path, "w");
    int sizes[] = {1, 2, 4};
    for (int s = 0; s < 3; s++)
        for (int q = 0; q < 200; q++) {
            fprintf(f, "%d\t", sizes[s]);
            for (int t = 0; t < sizes[s]; t++) {
                size_t r = 100 + (size_t)(uniform() * 19900);
                fprintf(f, "%s%.*s", t ? " " : "", (int)text_words[r].len, text_words[r].text);
            }
            fputc('\n', f);
        }
    fclose(f);

    /* ANN: every 34th word held out as a query, normalised vectors. */
    long ann_queries = strtol(argv[4], NULL, 10);
    size_t max_base = argc == 6 ? (size_t)strtol(argv[5], NULL, 10) : SIZE_MAX;
    float *base_vectors = malloc((size_t)h->count * dims * sizeof(float));
    float *query_vectors = malloc((size_t)ann_queries * dims * sizeof(float));
    size_t base_count = 0, query_count = 0;
    for (uint32_t i = 0; i < h->count; i++) {
        double norm = 0;
        for (uint32_t d = 0; d < dims; d++)
            norm += (double)words[i].vector[d] * words[i].vector[d];
        norm = sqrt(norm);
        if (norm == 0)
            continue;
        bool held_out = i % 34 == 33 && query_count < (size_t)ann_queries;
        if (!held_out && base_count == max_base)
            continue;
        float *out = held_out ? &query_vectors[query_count++ * dims]
                              : &base_vectors[base_count++ * dims];
        for (uint32_t d = 0; d < dims; d++)
            out[d] = (float)(words[i].vector[d] / norm);
    }
    snprintf(path, sizeof(path), "%s/base.f32", argv[2]);
    f = fopen(path, "wb");
    fwrite(&dims, 4, 1, f);
    fwrite(base_vectors, sizeof(float), base_count * dims, f);
    fclose(f);
    snprintf(path, sizeof(path), "%s/ann_queries.f32", argv[2]);
    f = fopen(path, "wb");
    fwrite(&dims, 4, 1, f);
    fwrite(query_vectors, sizeof(float), query_count * dims, f);
    fclose(f);
    uint32_t *truth = malloc(query_count * 10 * sizeof(uint32_t));
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t threads = cpus > 0 && cpus < 64 ? (size_t)cpus : 2;
    pthread_t tids[64];
    truth_job jobs[64];
    for (size_t t = 0; t < threads; t++) {
        jobs[t] = (truth_job){base_vectors, query_vectors, base_count,
                              query_count * t / threads, query_count * (t + 1) / threads, dims,
                              truth};
        pthread_create(&tids[t], NULL, exact_top10, &jobs[t]);
    }
    for (size_t t = 0; t < threads; t++)
        pthread_join(tids[t], NULL);
    snprintf(path, sizeof(path), "%s/truth.u32", argv[2]);
    f = fopen(path, "wb");
    fwrite(truth, sizeof(uint32_t), query_count * 10, f);
    fclose(f);
    fprintf(stderr, "gen: %ld chunks, 600 queries, %zu base vectors, %zu ANN queries\n", chunks,
            base_count, query_count);
    return 0;
}
