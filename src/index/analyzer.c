/*
 * The analyzer (see analyzer.h for the rules): Unicode word runs joined
 * into identifiers where they carry digits or @, NFKC and case folding, a
 * stop list, Snowball English stemming.
 */
#include "index/analyzer.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "base/mem.h"
#include "doc/tokens.h"

/* Tokens longer than this (base64 blobs, hashes) are not indexed. */
#define MAX_WORD_BYTES 64

struct ud_analyzer {
    struct sb_stemmer *stemmer;
    char **stop_words; /* sorted, owned */
    size_t stop_count;
    size_t stop_max_len; /* longer words skip the lookup */
};

/* Lucene's EnglishAnalyzer default stop set. Sorted for bsearch. */
static const char *const STOP_WORDS[] = {
    "a",   "an",    "and",  "are",   "as",    "at",   "be",   "but", "by",  "for",  "if",
    "in",  "into",  "is",   "it",    "no",    "not",  "of",   "on",  "or",  "such", "that",
    "the", "their", "then", "there", "these", "they", "this", "to",  "was", "will", "with",
};
#define DEFAULT_STOP_COUNT (sizeof(STOP_WORDS) / sizeof(STOP_WORDS[0]))

static int compare_stop(const void *key, const void *item)
{
    return strcmp(key, *(const char *const *)item);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool on_list(const char *const *list, size_t count, const char *word, size_t len)
{
    char key[MAX_WORD_BYTES * 3 + 1];
    if (len >= sizeof(key))
        return false;
    memcpy(key, word, len);
    key[len] = '\0';
    return bsearch(key, list, count, sizeof(list[0]), compare_stop) != NULL;
}

bool ud_analyzer_is_stop(const char *folded, size_t len)
{
    return on_list(STOP_WORDS, DEFAULT_STOP_COUNT, folded, len);
}

int ud_analyzer_new_with_stop_words(ud_analyzer **out, const char *const *stop_words, size_t count)
{
    struct sb_stemmer *stemmer = sb_stemmer_new("english", "UTF_8");
    if (!stemmer)
        return ud_error_set(UD_ENOMEM, "cannot create the English stemmer");
    ud_analyzer *analyzer = ud_calloc(1, sizeof(*analyzer));
    analyzer->stemmer = stemmer;
    analyzer->stop_words = ud_calloc(count ? count : 1, sizeof(char *));
    for (size_t i = 0; i < count; i++) {
        analyzer->stop_words[i] = ud_strdup(stop_words[i]);
        size_t n = strlen(stop_words[i]);
        if (n > analyzer->stop_max_len)
            analyzer->stop_max_len = n;
    }
    qsort(analyzer->stop_words, count, sizeof(char *), compare_strings);
    analyzer->stop_count = count;
    *out = analyzer;
    return 0;
}

int ud_analyzer_new(ud_analyzer **out)
{
    return ud_analyzer_new_with_stop_words(out, STOP_WORDS, DEFAULT_STOP_COUNT);
}

void ud_analyzer_free(ud_analyzer *analyzer)
{
    if (!analyzer)
        return;
    sb_stemmer_delete(analyzer->stemmer);
    for (size_t i = 0; i < analyzer->stop_count; i++)
        free(analyzer->stop_words[i]);
    free(analyzer->stop_words);
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

static bool is_joiner(char c)
{
    return c == '-' || c == '_' || c == '.' || c == '@' || c == '/' || c == '+';
}

/* End of the word run starting at pos. */
static size_t word_end(const char *text, size_t len, size_t pos)
{
    while (pos < len) {
        int32_t cp;
        size_t n = ud_utf8_decode(text + pos, len - pos, &cp);
        if (!is_word_cp(cp))
            break;
        pos += n;
    }
    return pos;
}

static bool starts_word(const char *text, size_t len, size_t pos)
{
    if (pos >= len)
        return false;
    int32_t cp;
    ud_utf8_decode(text + pos, len - pos, &cp);
    return is_word_cp(cp);
}

/* NFKC + case folding into buf; returns the length, 0 if it does not fit. */
static size_t fold_word(char *buf, size_t buf_size, const char *word, size_t len)
{
    bool ascii = true;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)word[i] >= 0x80)
            ascii = false;
    if (ascii) {
        if (len >= buf_size)
            return 0;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)((word[i] >= 'A' && word[i] <= 'Z') ? word[i] + 32 : word[i]);
        return len;
    }
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)word, (utf8proc_ssize_t)len, &folded,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);
    if (n <= 0 || (size_t)n >= buf_size) {
        free(folded);
        return 0;
    }
    memcpy(buf, folded, (size_t)n);
    free(folded);
    return (size_t)n;
}

static void push(ud_term **terms, size_t *count, size_t *cap, ud_arena *arena, ud_term term)
{
    if (*count == *cap) {
        *cap = *cap ? *cap * 2 : 32;
        ud_term *grown = ud_arena_alloc(arena, *cap * sizeof(ud_term));
        if (*count)
            memcpy(grown, *terms, *count * sizeof(ud_term));
        *terms = grown;
    }
    (*terms)[(*count)++] = term;
}

int ud_analyze(ud_term **out, size_t *out_count, ud_analyzer *analyzer, ud_arena *arena,
               const char *text, size_t len)
{
    /* About one term per six bytes of text: sized once, so growing the
     * array (in the arena, by copying) is rare. */
    size_t cap = len / 6 + 16;
    ud_term *terms = ud_arena_alloc(arena, cap * sizeof(ud_term));
    size_t count = 0;
    size_t pos = 0;
    size_t position = 0;
    char folded[MAX_WORD_BYTES * 3 + 1];
    while (pos < len) {
        if (!starts_word(text, len, pos)) {
            int32_t cp;
            pos += ud_utf8_decode(text + pos, len - pos, &cp);
            continue;
        }
        /* The longest run of words and joiners; it stays one token if it
         * is an identifier, else its first word is the token. */
        size_t start = pos;
        size_t end = word_end(text, len, pos);
        size_t joined_end = end;
        bool identifier = false;
        while (joined_end + 1 < len && is_joiner(text[joined_end]) &&
               starts_word(text, len, joined_end + 1)) {
            identifier |= text[joined_end] == '@';
            joined_end = word_end(text, len, joined_end + 1);
        }
        if (joined_end > end && !identifier)
            for (size_t i = start; i < joined_end && !identifier; i++)
                identifier = text[i] >= '0' && text[i] <= '9';
        if (joined_end > end && identifier)
            end = joined_end;
        pos = end;
        size_t word_len = end - start;
        size_t word_position = position++;
        if (word_len > MAX_WORD_BYTES)
            continue;
        size_t folded_len = fold_word(folded, sizeof(folded), text + start, word_len);
        if (folded_len == 0 || (folded_len <= analyzer->stop_max_len &&
                                on_list((const char *const *)analyzer->stop_words,
                                        analyzer->stop_count, folded, folded_len)))
            continue;
        const char *term = folded;
        size_t term_len = folded_len;
        if (!identifier) {
            const sb_symbol *stem =
                sb_stemmer_stem(analyzer->stemmer, (const sb_symbol *)folded, (int)folded_len);
            if (!stem)
                return ud_error_set(UD_ENOMEM, "stemmer failed");
            term = (const char *)stem;
            term_len = (size_t)sb_stemmer_length(analyzer->stemmer);
        }
        push(&terms, &count, &cap, arena,
             (ud_term){ud_arena_strndup(arena, term, term_len), term_len, start, end,
                       word_position});
    }
    *out = terms;
    *out_count = count;
    return 0;
}

size_t ud_analyzer_fold_name(char *out, size_t size, const char *name, size_t len)
{
    if (size == 0)
        return 0;
    out[0] = '\0';
    /* Marks are stripped after decomposition, so "ë" is "e" and "Ü" is
     * "u"; case folding makes "ß" "ss". Invalid UTF-8 folds to nothing. */
    utf8proc_uint8_t *folded = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)name, (utf8proc_ssize_t)len, &folded,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                         UTF8PROC_STRIPMARK);
    if (n < 0)
        return 0;
    size_t at = 0;
    bool gap = false;
    for (size_t pos = 0; pos < (size_t)n;) {
        int32_t cp;
        size_t step = ud_utf8_decode((const char *)folded + pos, (size_t)n - pos, &cp);
        if (!is_word_cp(cp)) {
            gap = at > 0;
            pos += step;
            continue;
        }
        if (at + (gap ? 1 : 0) + step >= size) {
            at = 0; /* too long: nothing, rather than a cut name */
            break;
        }
        if (gap)
            out[at++] = ' ';
        gap = false;
        memcpy(out + at, folded + pos, step);
        at += step;
        pos += step;
    }
    free(folded);
    out[at] = '\0';
    return at;
}
