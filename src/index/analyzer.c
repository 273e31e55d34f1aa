/*
 * The reference analyzer (see analyzer.h): Unicode word runs, case folding,
 * Lucene's English stop list, Snowball English stemming.
 */
#include "index/analyzer.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/mem.h"
#include "doc/tokens.h"

/* Words longer than this (base64 blobs, hashes) are not indexed. */
#define MAX_WORD_BYTES 64

struct ud_analyzer {
    struct sb_stemmer *stemmer;
};

/* Lucene's EnglishAnalyzer default stop set. Sorted for bsearch. */
static const char *const STOP_WORDS[] = {
    "a",   "an",    "and",  "are",   "as",    "at",   "be",   "but", "by",  "for",  "if",
    "in",  "into",  "is",   "it",    "no",    "not",  "of",   "on",  "or",  "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to",  "was", "will", "with",
};

static int compare_stop(const void *key, const void *item)
{
    return strcmp(key, *(const char *const *)item);
}

bool ud_analyzer_is_stop(const char *folded, size_t len)
{
    char word[8];
    if (len >= sizeof(word))
        return false;
    memcpy(word, folded, len);
    word[len] = '\0';
    return bsearch(word, STOP_WORDS, sizeof(STOP_WORDS) / sizeof(STOP_WORDS[0]),
                   sizeof(STOP_WORDS[0]), compare_stop) != NULL;
}

int ud_analyzer_new(ud_analyzer **out)
{
    struct sb_stemmer *stemmer = sb_stemmer_new("english", "UTF_8");
    if (!stemmer)
        return ud_error_set(UD_ENOMEM, "cannot create the English stemmer");
    ud_analyzer *analyzer = ud_calloc(1, sizeof(*analyzer));
    analyzer->stemmer = stemmer;
    *out = analyzer;
    return 0;
}

void ud_analyzer_free(ud_analyzer *analyzer)
{
    if (!analyzer)
        return;
    sb_stemmer_delete(analyzer->stemmer);
    free(analyzer);
}

static bool is_word_cp(int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
    }
}

/* Case-folds word into buf (at least MAX_WORD_BYTES * 3 + 1 bytes); returns
 * the folded length, or 0 if the word cannot be folded. */
static size_t fold_word(char *buf, size_t buf_size, const char *word, size_t len)
{
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)word[i] >= 0x80)
            ascii = false;
    if (ascii) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)((word[i] >= 'A' && word[i] <= 'Z') ? word[i] + 32 : word[i]);
        return len;
    }
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)word, (utf8proc_ssize_t)len, &folded,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n <= 0 || (size_t)n >= buf_size) {
        free(folded);
        return 0;
    }
    memcpy(buf, folded, (size_t)n);
    free(folded);
    return (size_t)n;
}

int ud_analyze(ud_term **out, size_t *out_count, ud_analyzer *analyzer, ud_arena *arena,
               const char *text, size_t len)
{
    ud_term *terms = NULL;
    size_t count = 0, cap = 0;
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
        size_t folded_len = fold_word(folded, sizeof(folded), text + start, word_len);
        if (folded_len == 0 || ud_analyzer_is_stop(folded, folded_len))
            continue;
        const sb_symbol *stem =
            sb_stemmer_stem(analyzer->stemmer, (const sb_symbol *)folded, (int)folded_len);
        if (!stem)
            return ud_error_set(UD_ENOMEM, "stemmer failed");
        size_t stem_len = (size_t)sb_stemmer_length(analyzer->stemmer);
        if (count == cap) {
            cap = cap ? cap * 2 : 32;
            ud_term *grown = ud_arena_alloc(arena, cap * sizeof(ud_term));
            if (count)
                memcpy(grown, terms, count * sizeof(ud_term));
            terms = grown;
        }
        terms[count++] =
            (ud_term){ud_arena_strndup(arena, (const char *)stem, stem_len), stem_len, start, pos};
    }
    *out = terms;
    *out_count = count;
    return 0;
}
