/*
 * Exact BM25 (formula in bm25_exact.h): a hash table from term to a postings
 * list of (document, weighted tf), document lengths, and a search that adds
 * up every posting of every query term into a score per document.
 */
#include "index/bm25_exact.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

typedef struct posting {
    uint32_t doc; /* index into corpus->docs */
    double tf;    /* tf_text + title_weight * tf_title */
} posting;

typedef struct term_entry {
    char *text;
    size_t len;
    uint64_t hash;
    posting *postings;
    size_t count;
    size_t cap;
} term_entry;

typedef struct doc_entry {
    uint64_t value; /* the caller's id */
    double length;  /* len_text + title_weight * len_title */
} doc_entry;

struct ud_bm25_corpus {
    ud_bm25_params params;
    term_entry *terms;
    size_t term_count;
    size_t term_cap;
    uint32_t *slots; /* open addressing: term index + 1, 0 = empty */
    size_t slot_count;
    doc_entry *docs;
    size_t doc_count;
    size_t doc_cap;
    double total_length;
};

void ud_bm25_params_default(ud_bm25_params *out)
{
    out->k1 = 0.9;
    out->b = 0.4;
    out->title_weight = 1.0;
}

int ud_bm25_corpus_new(ud_bm25_corpus **out, const ud_bm25_params *params)
{
    ud_bm25_corpus *corpus = ud_calloc(1, sizeof(*corpus));
    if (params)
        corpus->params = *params;
    else
        ud_bm25_params_default(&corpus->params);
    if (corpus->params.k1 < 0 || corpus->params.b < 0 || corpus->params.b > 1 ||
        corpus->params.title_weight < 0) {
        free(corpus);
        return ud_error_set(UD_EINVAL, "BM25 needs k1 >= 0, 0 <= b <= 1, title weight >= 0");
    }
    corpus->slot_count = 1024;
    corpus->slots = ud_calloc(corpus->slot_count, sizeof(uint32_t));
    *out = corpus;
    return 0;
}

void ud_bm25_corpus_free(ud_bm25_corpus *corpus)
{
    if (!corpus)
        return;
    for (size_t i = 0; i < corpus->term_count; i++) {
        free(corpus->terms[i].text);
        free(corpus->terms[i].postings);
    }
    free(corpus->terms);
    free(corpus->slots);
    free(corpus->docs);
    free(corpus);
}

size_t ud_bm25_corpus_size(const ud_bm25_corpus *corpus)
{
    return corpus->doc_count;
}

static uint64_t hash_term(const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)text[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot holding the term, or the empty slot where it would go. */
static size_t find_slot(const ud_bm25_corpus *corpus, const char *text, size_t len, uint64_t hash)
{
    size_t mask = corpus->slot_count - 1;
    size_t slot = hash & mask;
    while (corpus->slots[slot]) {
        const term_entry *t = &corpus->terms[corpus->slots[slot] - 1];
        if (t->hash == hash && t->len == len && memcmp(t->text, text, len) == 0)
            return slot;
        slot = (slot + 1) & mask;
    }
    return slot;
}

static void grow_slots(ud_bm25_corpus *corpus)
{
    free(corpus->slots);
    corpus->slot_count *= 2;
    corpus->slots = ud_calloc(corpus->slot_count, sizeof(uint32_t));
    size_t mask = corpus->slot_count - 1;
    for (size_t i = 0; i < corpus->term_count; i++) {
        size_t slot = corpus->terms[i].hash & mask;
        while (corpus->slots[slot])
            slot = (slot + 1) & mask;
        corpus->slots[slot] = (uint32_t)(i + 1);
    }
}

static term_entry *lookup(const ud_bm25_corpus *corpus, const char *text, size_t len)
{
    uint64_t hash = hash_term(text, len);
    size_t slot = find_slot(corpus, text, len, hash);
    return corpus->slots[slot] ? &corpus->terms[corpus->slots[slot] - 1] : NULL;
}

static term_entry *intern(ud_bm25_corpus *corpus, const char *text, size_t len)
{
    uint64_t hash = hash_term(text, len);
    size_t slot = find_slot(corpus, text, len, hash);
    if (corpus->slots[slot])
        return &corpus->terms[corpus->slots[slot] - 1];
    if ((corpus->term_count + 1) * 10 > corpus->slot_count * 7) {
        grow_slots(corpus);
        slot = find_slot(corpus, text, len, hash);
    }
    if (corpus->term_count == corpus->term_cap) {
        corpus->term_cap = corpus->term_cap ? corpus->term_cap * 2 : 64;
        corpus->terms = ud_realloc(corpus->terms, corpus->term_cap * sizeof(term_entry));
    }
    term_entry *t = &corpus->terms[corpus->term_count];
    *t = (term_entry){.text = ud_strndup(text, len), .len = len, .hash = hash};
    corpus->slots[slot] = (uint32_t)(++corpus->term_count);
    return t;
}

static void add_occurrence(ud_bm25_corpus *corpus, const ud_term *term, uint32_t doc, double weight)
{
    term_entry *t = intern(corpus, term->text, term->len);
    if (t->count == 0 || t->postings[t->count - 1].doc != doc) {
        if (t->count == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 4;
            t->postings = ud_realloc(t->postings, t->cap * sizeof(posting));
        }
        t->postings[t->count++] = (posting){doc, 0.0};
    }
    t->postings[t->count - 1].tf += weight;
}

int ud_bm25_corpus_add(ud_bm25_corpus *corpus, ud_analyzer *analyzer, uint64_t doc,
                       const char *title, size_t title_len, const char *text, size_t text_len)
{
    if (corpus->doc_count >= UINT32_MAX - 1)
        return ud_error_set(UD_ELIMIT, "the exact BM25 corpus holds at most 2^32 documents");
    ud_arena arena;
    ud_arena_init(&arena);
    ud_term *title_terms, *text_terms;
    size_t title_count, text_count;
    int rc = ud_analyze(&title_terms, &title_count, analyzer, &arena, title ? title : "",
                        title ? title_len : 0);
    if (rc == 0)
        rc = ud_analyze(&text_terms, &text_count, analyzer, &arena, text ? text : "",
                        text ? text_len : 0);
    if (rc < 0) {
        ud_arena_dispose(&arena);
        return rc;
    }
    uint32_t index = (uint32_t)corpus->doc_count;
    double title_weight = corpus->params.title_weight;
    for (size_t i = 0; i < text_count; i++)
        add_occurrence(corpus, &text_terms[i], index, 1.0);
    if (title_weight > 0)
        for (size_t i = 0; i < title_count; i++)
            add_occurrence(corpus, &title_terms[i], index, title_weight);
    if (corpus->doc_count == corpus->doc_cap) {
        corpus->doc_cap = corpus->doc_cap ? corpus->doc_cap * 2 : 256;
        corpus->docs = ud_realloc(corpus->docs, corpus->doc_cap * sizeof(doc_entry));
    }
    double length = (double)text_count + title_weight * (double)title_count;
    corpus->docs[corpus->doc_count++] = (doc_entry){doc, length};
    corpus->total_length += length;
    ud_arena_dispose(&arena);
    return 0;
}

typedef struct scored {
    uint32_t doc;
    double score;
} scored;

static int compare_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->doc < y->doc ? -1 : x->doc > y->doc;
}

int ud_bm25_search(ud_bm25_hit **out, size_t *out_count, const ud_bm25_corpus *corpus,
                   ud_analyzer *analyzer, ud_arena *arena, const char *query, size_t query_len,
                   size_t top_k)
{
    ud_term *terms;
    size_t term_count;
    int rc = ud_analyze(&terms, &term_count, analyzer, arena, query, query_len);
    if (rc < 0)
        return rc;
    *out = NULL;
    *out_count = 0;
    if (corpus->doc_count == 0 || term_count == 0 || top_k == 0)
        return 0;

    double n = (double)corpus->doc_count;
    double avgdl = corpus->total_length / n;
    if (avgdl <= 0)
        avgdl = 1;
    const ud_bm25_params *p = &corpus->params;
    double *scores = ud_calloc(corpus->doc_count, sizeof(double));
    unsigned char *touched = ud_calloc(corpus->doc_count, 1);
    uint32_t *matched = NULL;
    size_t matched_count = 0, matched_cap = 0;

    for (size_t i = 0; i < term_count; i++) {
        /* A term repeated in the query counts as often as it is repeated
         * (as in Lucene's boolean queries); it is scored once, with that
         * weight, at its first occurrence. */
        bool repeated = false;
        double weight = 1;
        for (size_t j = 0; j < i && !repeated; j++)
            repeated = terms[j].len == terms[i].len &&
                       memcmp(terms[j].text, terms[i].text, terms[i].len) == 0;
        for (size_t j = i + 1; j < term_count && !repeated; j++)
            weight += terms[j].len == terms[i].len &&
                      memcmp(terms[j].text, terms[i].text, terms[i].len) == 0;
        const term_entry *t = repeated ? NULL : lookup(corpus, terms[i].text, terms[i].len);
        if (!t || t->count == 0)
            continue;
        double df = (double)t->count;
        double idf = log(1.0 + (n - df + 0.5) / (df + 0.5));
        for (size_t k = 0; k < t->count; k++) {
            const posting *post = &t->postings[k];
            double dl = corpus->docs[post->doc].length;
            double norm = p->k1 * (1.0 - p->b + p->b * dl / avgdl);
            scores[post->doc] += weight * idf * post->tf * (p->k1 + 1.0) / (post->tf + norm);
            if (!touched[post->doc]) {
                touched[post->doc] = 1;
                if (matched_count == matched_cap) {
                    matched_cap = matched_cap ? matched_cap * 2 : 64;
                    matched = ud_realloc(matched, matched_cap * sizeof(uint32_t));
                }
                matched[matched_count++] = post->doc;
            }
        }
    }

    scored *all = ud_malloc((matched_count ? matched_count : 1) * sizeof(scored));
    for (size_t i = 0; i < matched_count; i++)
        all[i] = (scored){matched[i], scores[matched[i]]};
    qsort(all, matched_count, sizeof(scored), compare_scored);
    size_t count = matched_count < top_k ? matched_count : top_k;
    ud_bm25_hit *hits = ud_arena_alloc(arena, (count ? count : 1) * sizeof(ud_bm25_hit));
    for (size_t i = 0; i < count; i++)
        hits[i] = (ud_bm25_hit){corpus->docs[all[i].doc].value, all[i].score};
    free(all);
    free(matched);
    free(touched);
    free(scores);
    *out = hits;
    *out_count = count;
    return 0;
}
