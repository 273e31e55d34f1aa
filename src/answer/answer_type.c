/*
 * Answer types of questions and sentences (answer_type.h). Both walk the
 * text word by word: a word is a run of letters, digits and the few marks
 * inside words ("-", "'", ".", ",", ":" between digits).
 */
#include "answer/answer_type.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "doc/tokens.h"

#define MAX_WORDS 400

typedef struct word {
    const char *ptr;
    size_t len;
} word;

static bool is_letter_or_digit(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Splits text into words (at most max); inner "-", "'", "." and digit
 * separators stay inside a word. */
static size_t split_words(word *out, size_t max, const char *text, size_t len)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && !is_letter_or_digit((unsigned char)text[i]))
            i++;
        size_t start = i;
        while (i < len) {
            unsigned char c = (unsigned char)text[i];
            if (is_letter_or_digit(c)) {
                i++;
                continue;
            }
            bool inner = (c == '-' || c == '\'' || c == '.' || c == ',' || c == ':') &&
                         i + 1 < len && is_letter_or_digit((unsigned char)text[i + 1]) && i > start;
            /* "3,000" and "10:00" but not "cold, dry" */
            if (inner && (c == ',' || c == ':' || c == '.'))
                inner = text[i - 1] >= '0' && text[i - 1] <= '9' && text[i + 1] >= '0' &&
                        text[i + 1] <= '9';
            if (!inner)
                break;
            i++;
        }
        if (i > start)
            out[n++] = (word){text + start, i - start};
    }
    return n;
}

static bool word_is(word w, const char *s)
{
    return strlen(s) == w.len && strncasecmp(w.ptr, s, w.len) == 0;
}

static bool word_starts(word w, const char *prefix)
{
    size_t n = strlen(prefix);
    return w.len >= n && strncasecmp(w.ptr, prefix, n) == 0;
}

static bool on(word w, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (word_is(w, list[i]))
            return true;
    return false;
}

static bool has_digit(word w)
{
    for (size_t i = 0; i < w.len; i++)
        if (w.ptr[i] >= '0' && w.ptr[i] <= '9')
            return true;
    return false;
}

static bool all_digits(word w)
{
    for (size_t i = 0; i < w.len; i++)
        if (w.ptr[i] < '0' || w.ptr[i] > '9')
            return false;
    return w.len > 0;
}

static bool starts_upper(const char *text, size_t len)
{
    if (len == 0)
        return false;
    if ((unsigned char)text[0] < 0x80)
        return text[0] >= 'A' && text[0] <= 'Z';
    int32_t cp;
    ud_utf8_decode(text, len, &cp);
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

/* A name's word: an upper-case letter, then at least one lower-case one
 * ("Lindqvist", "Müller", "O'Neil"). */
static bool is_name_word(word w)
{
    if (w.len < 2 || !starts_upper(w.ptr, w.len))
        return false;
    size_t first = 1;
    while (first < w.len && ((unsigned char)w.ptr[first] & 0xC0) == 0x80)
        first++;
    for (size_t i = first; i < w.len; i++) {
        char c = w.ptr[i];
        if (c >= 'A' && c <= 'Z')
            return false; /* "AMR", "McKinsey" is rare enough */
        if (c >= '0' && c <= '9')
            return false;
    }
    return first < w.len;
}

static const char *const DECISION_QUESTION_STEMS[] = {"decid",  "decision", "agree",
                                                      "conclu", "outcome",  NULL};

bool ud_answer_type_is_decision_word(const char *text, size_t len)
{
    word w = {text, len};
    for (size_t i = 0; DECISION_QUESTION_STEMS[i]; i++)
        if (word_starts(w, DECISION_QUESTION_STEMS[i]))
            return true;
    return false;
}

static const char *const PERSON_WORDS[] = {"who", "whom", "whose", NULL};
static const char *const HOW_NUMBER[] = {"many", "much", "long",  "often", "far",
                                         "big",  "old",  "large", "fast",  NULL};
static const char *const WHAT_NUMBER[] = {"percentage", "share", "number", "amount",
                                          "price",      "cost",  "rate",   NULL};
static const char *const WHAT_DATE[] = {"date", "day", "time", "year", "month", "week", NULL};

unsigned ud_answer_type_of_question(const char *question, size_t len)
{
    word words[64];
    size_t n = split_words(words, 64, question, len);
    unsigned wants = 0;
    for (size_t i = 0; i < n; i++) {
        word w = words[i], next = i + 1 < n ? words[i + 1] : (word){"", 0};
        if (on(w, PERSON_WORDS))
            wants |= UD_WANT_PERSON;
        else if (word_is(w, "when"))
            wants |= UD_WANT_DATE;
        else if (word_is(w, "where"))
            wants |= UD_WANT_PLACE;
        else if (word_is(w, "how") && on(next, HOW_NUMBER))
            wants |= UD_WANT_NUMBER;
        else if ((word_is(w, "what") || word_is(w, "which")) && on(next, WHAT_NUMBER))
            wants |= UD_WANT_NUMBER;
        else if ((word_is(w, "what") || word_is(w, "which")) && on(next, WHAT_DATE))
            wants |= UD_WANT_DATE;
        else if (ud_answer_type_is_decision_word(w.ptr, w.len))
            wants |= UD_WANT_DECISION;
    }
    return wants;
}

static const char *const MONTHS[] = {"january",
                                     "february",
                                     "march",
                                     "april",
                                     "may",
                                     "june",
                                     "july",
                                     "august",
                                     "september",
                                     "october",
                                     "november",
                                     "december",
                                     "jan",
                                     "feb",
                                     "mar",
                                     "apr",
                                     "jun",
                                     "jul",
                                     "aug",
                                     "sep",
                                     "sept",
                                     "oct",
                                     "nov",
                                     "dec",
                                     "januar",
                                     "februar",
                                     "m\xC3\xA4rz",
                                     "juni",
                                     "juli",
                                     "oktober",
                                     "dezember",
                                     "janvier",
                                     "f\xC3\xA9vrier",
                                     "mars",
                                     "avril",
                                     "mai",
                                     "juin",
                                     "juillet",
                                     "ao\xC3\xBBt",
                                     "septembre",
                                     "octobre",
                                     "novembre",
                                     "d\xC3\xA9"
                                     "cembre",
                                     NULL};
static const char *const WEEKDAYS[] = {
    "monday",   "tuesday",  "wednesday", "thursday",   "friday",   "saturday",  "sunday",
    "montag",   "dienstag", "mittwoch",  "donnerstag", "freitag",  "lundi",     "mardi",
    "mercredi", "jeudi",    "vendredi",  "today",      "tomorrow", "yesterday", NULL};
/* Words before a place's name, and words that are places themselves. */
static const char *const PLACE_PREPOSITIONS[] = {"in", "at", "from", "to", "near", "into", NULL};
static const char *const PLACE_NOUNS[] = {
    "office", "site",    "hall",      "building",     "room",    "region",
    "city",   "country", "warehouse", "plant",        "factory", "campus",
    "floor",  "aisle",   "location",  "headquarters", "store",   NULL};
/* Words that start a sentence with a capital letter without being a name. */
static const char *const NOT_NAMES[] = {
    "the",   "a",   "an",    "this",   "that",  "these",  "those", "in",   "on",  "at",
    "for",   "our", "we",    "if",     "when",  "all",    "every", "each", "new", "no",
    "it",    "its", "they",  "to",     "from",  "with",   "and",   "but",  "or",  "as",
    "by",    "of",  "after", "before", "since", "during", "there", "here", "his", "her",
    "their", "my",  "your",  "please", "dear",  "hi",     "hello", NULL};
/* Verbs and nouns of a decision taken (stems: "signed", "approves"). */
static const char *const DECISION_STEMS[] = {
    "decid",  "decision", "agreed",  "agree",   "signed", "sign",   "approv", "chose",
    "chosen", "select",   "confirm", "commit",  "accept", "resolv", "adopt",  "settl",
    "conclu", "opted",    "ordered", "awarded", "issued", "will",   "replac", NULL};

static bool is_year(word w)
{
    return w.len == 4 && all_digits(w) && (w.ptr[0] == '1' || w.ptr[0] == '2') &&
           (w.ptr[1] == '9' || w.ptr[1] == '0');
}

/* 2025-06-12, 12.06.2025, 06/12/2025, 10:00 */
static bool is_date_like(word w)
{
    size_t digits = 0, seps = 0;
    for (size_t i = 0; i < w.len; i++) {
        char c = w.ptr[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c == '-' || c == '/' || c == '.' || c == ':')
            seps++;
        else if (!(i >= 10 && (c == 'T' || c == 'Z' || c == '+')))
            return false;
    }
    return seps >= 1 && digits >= 3 && digits + seps == w.len && w.ptr[0] >= '0' &&
           w.ptr[0] <= '9' && (seps >= 2 || memchr(w.ptr, ':', w.len));
}

unsigned ud_answer_type_of_sentence(const char *text, size_t len)
{
    word words[MAX_WORDS];
    size_t n = split_words(words, MAX_WORDS, text, len);
    unsigned has = 0;
    for (size_t i = 0; i < n; i++) {
        word w = words[i];
        word prev = i > 0 ? words[i - 1] : (word){"", 0};
        word next = i + 1 < n ? words[i + 1] : (word){"", 0};
        if (has_digit(w))
            has |= UD_WANT_NUMBER;
        if (is_year(w) || is_date_like(w) || on(w, WEEKDAYS) ||
            (on(w, MONTHS) && (has_digit(prev) || has_digit(next)) &&
             (w.len > 3 || !word_is(w, "may") || has_digit(next))) ||
            (w.len == 2 && (w.ptr[0] == 'Q' || w.ptr[0] == 'H') && w.ptr[1] >= '1' &&
             w.ptr[1] <= '4' && is_year(next)))
            has |= UD_WANT_DATE;
        if (on(w, PLACE_NOUNS) || (on(w, PLACE_PREPOSITIONS) && is_name_word(next) &&
                                   !on(next, MONTHS) && !on(next, WEEKDAYS)))
            has |= UD_WANT_PLACE;
        if (is_name_word(w) && is_name_word(next) && !on(w, NOT_NAMES) && !on(w, MONTHS) &&
            !on(next, MONTHS) && !on(w, WEEKDAYS))
            has |= UD_WANT_PERSON;
        for (size_t k = 0; DECISION_STEMS[k] && !(has & UD_WANT_DECISION); k++)
            if (word_starts(w, DECISION_STEMS[k]))
                has |= UD_WANT_DECISION;
    }
    return has;
}
