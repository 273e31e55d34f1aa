/*
 * The extractive generator (llm.h): the answer when no model is
 * configured, and the default of `make run`. It reads the chunks the
 * pipeline retrieved, never the index.
 *
 *   1. Each chunk's text becomes sentences. The text is what ingest left:
 *      Markdown with hard-wrapped lines, PDF text with page footers and
 *      numbered headings, tables with and without separator rows. Lines
 *      are joined into blocks (paragraphs, list items), headings are kept
 *      aside as the context of what follows them, table rows become
 *      "cell: cell" sentences (with their column names when the table has
 *      a header), emphasis and link syntax are dropped, and blocks are cut
 *      into sentences at . ! ? unless an abbreviation (e.g., Dr., Inc.,
 *      U.S.), an initial or a decimal says otherwise.
 *      JSON documents (flattened to "key: value" lines by ingest) give
 *      their prose fields as prose and the rest as one "key: value; ..."
 *      sentence per record. Message headers ("From:", "Subject:"), closing
 *      lines and the signature under them, and mail boilerplate are
 *      dropped.
 *   2. Each sentence is scored by the share of the question's terms it
 *      holds (stemmed by the index's analyzer, question words like "what"
 *      and "how many" left out), each weighted by how rare it is among the
 *      sentences given. Terms found only in the heading of its section,
 *      in the "...:" sentence its list hangs from, or in its document's
 *      title count in part; words next to each other in the question and
 *      in the sentence count extra. With word vectors, the cosine of
 *      sentence and question scales the score. Higher-ranked chunks win
 *      ties. A sentence holding the kind of answer the question asks for
 *      (a person for "who", a date for "when", answer_type.h) scores more.
 *   3. The best few sentences of the search's first three sources,
 *      near-duplicates dropped, are grouped by source: a paragraph per
 *      document in rank order, its best sentence first, a sentence that
 *      leans on the one before it ("It was ...") joined to it, each
 *      paragraph ending with its [Source: Title] marker (written as
 *      citations.c reads it; [n] for untitled documents). Each of those
 *      three sources left unquoted that holds the question's terms adds
 *      its best sentence, so the answer cites what the search ranked
 *      first. If nothing covers enough of the question, the answer says
 *      nothing was found.
 *
 * Every loop is capped (chunks, bytes per chunk, sentences, terms), so the
 * work is bounded whatever the chunks hold.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "answer/answer_type.h"
#include "answer/citations.h"
#include "answer/llm.h"
#include "answer/providers.h"
#include "base/arena.h"
#include "base/mem.h"
#include "base/str.h"
#include "doc/chunker.h"
#include "doc/tokens.h"
#include "embed/embedder.h"
#include "index/analyzer.h"

#define MAX_CHUNKS 10
#define MAX_CHUNK_BYTES (64 * 1024)
#define MAX_SENTENCES_PER_CHUNK 300
#define MAX_TABLE_ROWS 200
#define MAX_TABLE_CELLS 16
#define MAX_RECORD_FIELDS 64
#define MAX_SENTENCE_BYTES 360
#define MAX_QUESTION_BYTES 2048
#define MAX_QUERY_TERMS 32

/* The answer's budget. */
#define ANSWER_SENTENCES 5
#define ANSWER_SOURCES 3
#define SENTENCES_PER_SOURCE 3
#define ANSWER_BYTES 900 /* of sentences, after the first */
/* With the sentences joined to them, and a sentence of each top document
 * the answer would otherwise not cite (add_support). */
#define MAX_PICKS (2 * ANSWER_SENTENCES + ANSWER_SOURCES)

/* Scoring. Coverage is the share of the question's term weight a sentence
 * holds; below MIN_COVERAGE for the best sentence, nothing was found. */
#define MIN_COVERAGE 0.5
#define MIN_COVERAGE_WITH_VECTORS 0.4 /* when the vectors agree (MIN_COSINE) */
#define MIN_COSINE 0.75
#define HEADING_SHARE 0.7 /* a term found only in the heading of the sentence's section */
#define TITLE_SHARE 0.5   /* ... only in its document's title */
#define PREFIX_SHARE 0.8
#define MIN_HEADING_SHARE 0.25 /* of the weight, for a sentence without a term to count */
/* The score's factor runs from 1 - this to 1 + this. Word vectors of short
 * sentences are noisy: at 0.2 they reordered right sentences behind
 * neighbours that share no question term (docs/answers.md). */
#define VECTOR_WEIGHT 0.1
#define PHRASE_BONUS 0.25
#define KEEP_RELATIVE 0.7 /* sentences after the best need this share of its score */
/* Under a heading that names the question, each sentence after the
 * section's first scores this much less (the first usually states it). */
#define SECTION_STEP 0.03

#define DUPLICATE_JACCARD 0.6
#define DUPLICATE_CONTAINMENT 0.85
/* A sentence that holds what the question asks for (a person for "who",
 * answer_type.h) scores this much more; one that does not, less. */
#define TYPE_BONUS 1.25
#define TYPE_MISSING 0.9
/* Long questions (many terms) rarely meet in one sentence: past
 * LONG_QUESTION_TERMS the coverage needed falls to LONG_COVERAGE_TERMS
 * terms' worth, never below MIN_LONG_COVERAGE, and three terms must match. */
#define LONG_QUESTION_TERMS 5
#define LONG_COVERAGE_TERMS 2.5
#define MIN_LONG_COVERAGE 0.25

static const char NOTHING_FOUND[] =
    "I could not find anything about that in your connected sources.";
/* Before the passages of documents that cover the question as a whole
 * when no one sentence answers it. */
static const char NO_DIRECT_ANSWER[] =
    "No one passage answers that directly; the closest ones:\n\n";

/* ---- small text helpers ------------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_ascii_punct(char c)
{
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* True if text starts with an upper-case letter (any script). */
static bool starts_upper(const char *text, size_t len)
{
    if (len == 0)
        return false;
    if (text[0] >= 'A' && text[0] <= 'Z')
        return true;
    if ((unsigned char)text[0] < 0x80)
        return false;
    int32_t cp;
    ud_utf8_decode(text, len, &cp);
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

/* True if s ends a sentence: . ! ? or …, maybe inside closing quotes or
 * brackets. */
static bool ends_sentence(ud_str s)
{
    size_t n = s.len;
    while (n > 0 && (s.ptr[n - 1] == ')' || s.ptr[n - 1] == '"' || s.ptr[n - 1] == '\''))
        n--;
    /* ” and ’ (E2 80 9D / 99) */
    while (n >= 3 && (unsigned char)s.ptr[n - 3] == 0xE2 && (unsigned char)s.ptr[n - 2] == 0x80 &&
           ((unsigned char)s.ptr[n - 1] == 0x9D || (unsigned char)s.ptr[n - 1] == 0x99))
        n -= 3;
    if (n == 0)
        return false;
    char c = s.ptr[n - 1];
    if (c == '.' || c == '!' || c == '?')
        return true;
    return n >= 3 && memcmp(s.ptr + n - 3, "\xE2\x80\xA6", 3) == 0;
}

static size_t count_words(ud_str s)
{
    size_t words = 0;
    bool in_word = false;
    for (size_t i = 0; i < s.len; i++) {
        bool space = is_space(s.ptr[i]);
        if (!space && !in_word)
            words++;
        in_word = !space;
    }
    return words;
}

/* Collapses whitespace runs to one space and trims, in place. */
static size_t collapse_spaces(char *text, size_t len)
{
    size_t n = 0;
    bool pending = false;
    for (size_t i = 0; i < len; i++) {
        if (is_space(text[i])) {
            pending = n > 0;
            continue;
        }
        if (pending)
            text[n++] = ' ';
        pending = false;
        text[n++] = text[i];
    }
    text[n] = '\0';
    return n;
}

/* Appends s to buf without the inline Markdown that would look broken in
 * a sentence of its own: emphasis marks, code ticks, link targets. Square
 * brackets left over become parentheses, so that no document can write a
 * citation marker into the answer. Invalid UTF-8 becomes U+FFFD, control
 * characters spaces. */
static int clean_append(ud_buf *buf, const char *s, size_t len)
{
    int rc = 0;
    size_t i = 0;
    while (i < len && rc == 0) {
        char c = s[i];
        if (c == '`') {
            i++;
            continue;
        }
        if (c == '*' || c == '_') {
            size_t r = 1;
            while (i + r < len && s[i + r] == c)
                r++;
            char prev = i > 0 ? s[i - 1] : ' ';
            char next = i + r < len ? s[i + r] : ' ';
            bool left = is_space(prev) || (is_ascii_punct(prev) && prev != c);
            bool right = is_space(next) || (is_ascii_punct(next) && next != c);
            /* An emphasis mark touches a word on one side only. */
            if (left != right || r >= 2) {
                i += r;
                continue;
            }
            rc = ud_buf_append(buf, s + i, r);
            i += r;
            continue;
        }
        if (c == '!' && i + 1 < len && s[i + 1] == '[') {
            i++; /* an image: its alt text stays */
            continue;
        }
        if (c == '[') {
            /* [text](target) keeps the text. */
            size_t close = i + 1;
            while (close < len && close - i < 300 && s[close] != ']' && s[close] != '[')
                close++;
            if (close < len && s[close] == ']' && close + 1 < len && s[close + 1] == '(') {
                size_t end = close + 2;
                while (end < len && end - close < 600 && s[end] != ')' && !is_space(s[end]))
                    end++;
                if (end < len && s[end] == ')') {
                    rc = clean_append(buf, s + i + 1, close - i - 1);
                    i = end + 1;
                    continue;
                }
            }
            rc = ud_buf_putc(buf, '(');
            i++;
            continue;
        }
        if (c == ']') {
            rc = ud_buf_putc(buf, ')');
            i++;
            continue;
        }
        if ((unsigned char)c < 0x20 || c == 0x7F) {
            rc = ud_buf_putc(buf, ' ');
            i++;
            continue;
        }
        if ((unsigned char)c < 0x80) {
            rc = ud_buf_putc(buf, c);
            i++;
            continue;
        }
        int32_t cp;
        size_t step = ud_utf8_decode(s + i, len - i, &cp);
        if (cp == 0xFFFD && step == 1)
            rc = ud_buf_append(buf, "\xEF\xBF\xBD", 3);
        else
            rc = ud_buf_append(buf, s + i, step);
        i += step;
    }
    return rc;
}

/* ---- line classes ----------------------------------------------------- */

/* "... page 3 of 12" or "Page 3/12" at the end of a line: a PDF footer. */
static bool is_page_footer(ud_str line)
{
    if (line.len > 160)
        return false;
    for (size_t i = 0; i + 5 <= line.len; i++) {
        if (strncasecmp(line.ptr + i, "page ", 5) != 0)
            continue;
        size_t k = i + 5;
        size_t digits = 0;
        while (k < line.len && is_digit(line.ptr[k])) {
            k++;
            digits++;
        }
        if (digits == 0)
            continue;
        if (k == line.len)
            return true;
        if (line.ptr[k] == '/') {
            k++;
        } else if (k + 4 <= line.len && strncasecmp(line.ptr + k, " of ", 4) == 0) {
            k += 4;
        } else {
            continue;
        }
        size_t digits2 = 0;
        while (k < line.len && is_digit(line.ptr[k])) {
            k++;
            digits2++;
        }
        if (digits2 && k == line.len)
            return true;
    }
    return false;
}

/* Field names of message and document headers ("From:", "Betreff:"),
 * matched without case: what they label is metadata, never an answer. */
static const char *const HEADER_FIELDS[] = {"from",
                                            "to",
                                            "cc",
                                            "bcc",
                                            "subject",
                                            "date",
                                            "sent",
                                            "reply-to",
                                            "message-id",
                                            "mime-version",
                                            "content-type",
                                            "content-transfer-encoding",
                                            "content-disposition",
                                            "author",
                                            "von",
                                            "an",
                                            "betreff",
                                            "datum",
                                            "gesendet",
                                            "de",
                                            "objet",
                                            "envoy\xC3\xA9",
                                            "\xC3\xA0",
                                            NULL};

/* "Subject: ..." and the like: a header field name, a colon, a space. */
static bool is_header_line(ud_str line)
{
    if (!starts_upper(line.ptr, line.len)) /* "date: ..." is a JSON record's field */
        return false;
    size_t i = 0;
    while (i < line.len && i < 28 && line.ptr[i] != ':' && line.ptr[i] != ' ')
        i++;
    if (i == 0 || i >= line.len || line.ptr[i] != ':' ||
        (i + 1 < line.len && line.ptr[i + 1] != ' '))
        return false;
    for (size_t k = 0; HEADER_FIELDS[k]; k++)
        if (strlen(HEADER_FIELDS[k]) == i && strncasecmp(HEADER_FIELDS[k], line.ptr, i) == 0)
            return true;
    return false;
}

/* Closing lines of a message ("Best regards," "Viele Grüße"): what follows
 * them up to the paragraph's end is a signature. */
static const char *const CLOSINGS[] = {"best regards",
                                       "kind regards",
                                       "regards",
                                       "best",
                                       "thanks",
                                       "thank you",
                                       "many thanks",
                                       "cheers",
                                       "sincerely",
                                       "yours sincerely",
                                       "all the best",
                                       "best wishes",
                                       "mit freundlichen gr\xC3\xBC\xC3\x9F"
                                       "en",
                                       "viele gr\xC3\xBC\xC3\x9F"
                                       "e",
                                       "beste gr\xC3\xBC\xC3\x9F"
                                       "e",
                                       "gru\xC3\x9F",
                                       "cordialement",
                                       "bien \xC3\xA0 vous",
                                       "bien cordialement",
                                       "merci",
                                       NULL};

static bool is_closing_line(ud_str line)
{
    if (line.len == 2 && memcmp(line.ptr, "--", 2) == 0)
        return true;
    while (line.len && (line.ptr[line.len - 1] == ',' || line.ptr[line.len - 1] == '!' ||
                        line.ptr[line.len - 1] == '.'))
        line.len--;
    for (size_t k = 0; CLOSINGS[k]; k++)
        if (strlen(CLOSINGS[k]) == line.len && strncasecmp(CLOSINGS[k], line.ptr, line.len) == 0)
            return true;
    return false;
}

/* Phrases of the text that mail systems and templates add to every
 * message: a sentence holding one is not the author's. */
static const char *const BOILERPLATE[] = {"multi-part message in mime format",
                                          "unsubscribe",
                                          "sent from my",
                                          "this email and any",
                                          "this e-mail and any",
                                          "intended recipient",
                                          "is confidential and",
                                          "all rights reserved",
                                          "do not reply to this",
                                          "view this email in your browser",
                                          NULL};

static bool is_boilerplate(const char *text, size_t len)
{
    for (size_t k = 0; BOILERPLATE[k]; k++) {
        size_t n = strlen(BOILERPLATE[k]);
        for (size_t i = 0; i + n <= len; i++)
            if (strncasecmp(text + i, BOILERPLATE[k], n) == 0)
                return true;
    }
    return false;
}

/* The text of a Markdown heading line, or false. */
static bool heading_text(ud_str line, ud_str *out)
{
    size_t n = 0;
    while (n < line.len && line.ptr[n] == '#')
        n++;
    if (n == 0 || n > 6 || (n < line.len && line.ptr[n] != ' '))
        return false;
    ud_str rest = {line.ptr + n, line.len - n};
    rest = ud_str_trim(rest);
    while (rest.len && rest.ptr[rest.len - 1] == '#')
        rest.len--;
    *out = ud_str_trim(rest);
    return true;
}

static bool is_table_row(ud_str line)
{
    if (line.len && line.ptr[0] == '|')
        return true;
    for (size_t i = 0; i + 3 <= line.len; i++)
        if (line.ptr[i] == ' ' && line.ptr[i + 1] == '|' && line.ptr[i + 2] == ' ')
            return true;
    return false;
}

static bool is_table_separator(ud_str line)
{
    bool dash = false;
    for (size_t i = 0; i < line.len; i++) {
        char c = line.ptr[i];
        if (c == '-')
            dash = true;
        else if (c != '|' && c != ':' && c != ' ' && c != '+' && c != '=')
            return false;
    }
    return dash;
}

/* Strips a list marker ("- ", "* ", "+ ", "• ", "1. ", "2) ", "a) ", and
 * "- • " as PDF text has them); true if there was one. */
static bool strip_list_marker(ud_str *line)
{
    bool stripped = false;
    for (int round = 0; round < 2; round++) {
        ud_str s = *line;
        size_t skip = 0;
        if (s.len >= 2 && (s.ptr[0] == '-' || s.ptr[0] == '*' || s.ptr[0] == '+') &&
            s.ptr[1] == ' ') {
            skip = 2;
        } else if (s.len >= 3 && memcmp(s.ptr, "\xE2\x80\xA2", 3) == 0) { /* • */
            skip = 3;
        } else if (s.len >= 2 && memcmp(s.ptr, "\xC2\xB7", 2) == 0) { /* · */
            skip = 2;
        } else if (round == 0) {
            size_t d = 0;
            while (d < s.len && d < 3 && is_digit(s.ptr[d]))
                d++;
            if (d > 0 && d + 1 < s.len && (s.ptr[d] == '.' || s.ptr[d] == ')') &&
                s.ptr[d + 1] == ' ')
                skip = d + 2;
            else if (s.len >= 3 && s.ptr[0] >= 'a' && s.ptr[0] <= 'z' && s.ptr[1] == ')' &&
                     s.ptr[2] == ' ')
                skip = 3;
        }
        if (skip == 0)
            break;
        s.ptr += skip;
        s.len -= skip;
        *line = ud_str_trim(s);
        stripped = true;
    }
    return stripped;
}

/* ---- sentences --------------------------------------------------------- */

enum { KIND_PROSE, KIND_TABLE, KIND_RECORD, KIND_LEAD_IN };

typedef struct term_set {
    const char **terms; /* distinct stems, in the arena */
    size_t count;
    const ud_term *words; /* every term in text order, with positions */
    size_t word_count;
} term_set;

typedef struct sentence {
    char *text; /* cleaned, in the arena */
    size_t len;
    size_t chunk; /* in the request's chunks */
    size_t order; /* in the chunk */
    int kind;
    term_set terms;
    const term_set *heading; /* terms of the heading above it (may be NULL) */
    const term_set *lead;    /* of the "...:" sentence its list hangs from (may be NULL) */
    size_t in_section;       /* sentences before it under the same heading */
    double coverage;         /* share of the question's weight it holds */
    double score;
    double type_factor; /* of the score: TYPE_BONUS, TYPE_MISSING or 1 */
    bool candidate;
    bool direct; /* holds a question term in its own text */
} sentence;

typedef struct extractor {
    ud_arena *arena;
    ud_analyzer *analyzer;
    sentence *sentences;
    size_t count;
    size_t cap;
    /* While reading one chunk: */
    size_t chunk;
    size_t order;
    const term_set *heading;
    size_t in_section;    /* sentences read under heading */
    const term_set *lead; /* the last lead-in, while list items follow it */
    ud_buf block;
    bool block_bullet;
    ud_str *rows[MAX_TABLE_ROWS]; /* the current table's cells (arena) */
    size_t row_cells[MAX_TABLE_ROWS];
    ud_str raw_rows[MAX_TABLE_ROWS];
    size_t row_count;
    ud_str field_keys[MAX_RECORD_FIELDS]; /* the current record's "key: value" lines */
    ud_str field_values[MAX_RECORD_FIELDS];
    size_t field_count;
} extractor;

static bool has_term(const term_set *set, const char *term)
{
    if (!set)
        return false;
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->terms[i], term) == 0)
            return true;
    return false;
}

/* How well a set holds a question term: 1 for the term itself, PREFIX_SHARE
 * for a stem a few letters longer or shorter (the stemmer leaves
 * "overheating" as "overh" but "overheat" whole), else 0. */
static double match_term(const term_set *set, const char *term)
{
    if (!set)
        return 0;
    size_t len = strlen(term);
    double best = 0;
    for (size_t i = 0; i < set->count && best < 1; i++) {
        const char *other = set->terms[i];
        if (strcmp(other, term) == 0)
            return 1;
        size_t other_len = strlen(other);
        size_t shorter = len < other_len ? len : other_len;
        size_t longer = len < other_len ? other_len : len;
        if (shorter >= 5 && longer - shorter <= 3 && memcmp(other, term, shorter) == 0)
            best = PREFIX_SHARE;
    }
    return best;
}

static int analyze_set(term_set *out, extractor *x, const char *text, size_t len)
{
    ud_term *terms = NULL;
    size_t count = 0;
    int rc = ud_analyze(&terms, &count, x->analyzer, x->arena, text, len);
    if (rc < 0)
        return rc;
    out->terms = ud_arena_alloc(x->arena, (count ? count : 1) * sizeof(char *));
    out->count = 0;
    out->words = terms;
    out->word_count = count;
    for (size_t i = 0; i < count; i++) {
        if (has_term(out, terms[i].text))
            continue;
        out->terms[out->count++] = terms[i].text;
    }
    return 0;
}

/* Adds a sentence (already cleaned), cutting one that runs on too long. */
static int add_sentence(extractor *x, const char *text, size_t len, int kind)
{
    ud_str s = ud_str_trim((ud_str){text, len});
    if (s.len < 8 || count_words(s) < 3 || x->order >= MAX_SENTENCES_PER_CHUNK ||
        is_boilerplate(s.ptr, s.len))
        return 0;
    bool cut = false;
    if (s.len > MAX_SENTENCE_BYTES) {
        size_t at = MAX_SENTENCE_BYTES;
        while (at > MAX_SENTENCE_BYTES / 2 && s.ptr[at] != ' ')
            at--;
        while (at > 0 && ((unsigned char)s.ptr[at] & 0xC0) == 0x80)
            at--; /* never inside a character */
        s.len = at;
        while (s.len &&
               (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == ',' || s.ptr[s.len - 1] == ';'))
            s.len--;
        cut = true;
    }
    if (x->count == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 64;
        x->sentences = ud_realloc(x->sentences, x->cap * sizeof(sentence));
    }
    sentence *out = &x->sentences[x->count];
    memset(out, 0, sizeof(*out));
    out->text = ud_arena_alloc(x->arena, s.len + 4);
    memcpy(out->text, s.ptr, s.len);
    out->len = s.len;
    if (cut) {
        memcpy(out->text + out->len, "\xE2\x80\xA6", 3);
        out->len += 3;
    }
    out->text[out->len] = '\0';
    out->chunk = x->chunk;
    out->order = x->order++;
    out->kind = kind;
    if (kind == KIND_PROSE && s.ptr[s.len - 1] == ':')
        out->kind = KIND_LEAD_IN;
    out->heading = x->heading;
    out->in_section = x->in_section;
    out->lead = out->kind == KIND_LEAD_IN ? NULL : x->lead;
    int rc = analyze_set(&out->terms, x, out->text, out->len);
    if (rc < 0)
        return rc;
    if (out->terms.count > 0) {
        x->count++;
        x->in_section++;
    }
    return 0;
}

static bool on_list(const char *const *list, const char *word, size_t len)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == len && strncasecmp(list[i], word, len) == 0)
            return true;
    return false;
}

/* Words that a period after them does not end a sentence with. */
static const char *const ABBREVIATIONS[] = {
    "mr",   "mrs", "ms",  "dr",     "prof", "sr",   "jr",   "st",  "inc",  "ltd", "co",
    "corp", "llc", "vs",  "approx", "dept", "est",  "fig",  "nr",  "vol",  "ca",  "cf",
    "jan",  "feb", "mar", "apr",    "jun",  "jul",  "aug",  "sep", "sept", "oct", "nov",
    "dec",  "mt",  "gen", "rev",    "ref",  "incl", "resp", NULL};

/* True if the period at text[dot] closes an abbreviation rather than a
 * sentence; next is the first byte of what follows. */
static bool abbreviation_before(const char *text, size_t dot, char next)
{
    size_t start = dot;
    while (start > 0 && !is_space(text[start - 1]) && text[start - 1] != '(' &&
           text[start - 1] != '"')
        start--;
    const char *word = text + start;
    size_t len = dot - start;
    if (len == 0)
        return false;
    /* An initial: "J. Smith". */
    if (len == 1 && ((word[0] >= 'A' && word[0] <= 'Z') || (word[0] >= 'a' && word[0] <= 'z')))
        return true;
    /* Dotted letters: U.S., e.g., i.e., a.m. */
    if (memchr(word, '.', len)) {
        size_t run = 0;
        bool ok = true;
        for (size_t i = 0; i < len && ok; i++) {
            if (word[i] == '.') {
                ok = run >= 1 && run <= 2;
                run = 0;
            } else if ((word[i] >= 'A' && word[i] <= 'Z') || (word[i] >= 'a' && word[i] <= 'z')) {
                run++;
            } else {
                ok = false;
            }
        }
        if (ok && run >= 1 && run <= 2)
            return true;
    }
    /* "No. 5" but not "the answer is no." */
    if (len == 2 && strncasecmp(word, "no", 2) == 0)
        return is_digit(next);
    return on_list(ABBREVIATIONS, word, len);
}

/* Cuts a cleaned block into sentences. */
static int split_block(extractor *x, char *text, size_t len, bool bullet)
{
    size_t start = 0;
    size_t index = 0;                /* sentences of the block so far */
    size_t pending_start = SIZE_MAX; /* a short bullet lead held back */
    int rc = 0;
    size_t i = 0;
    while (i < len && rc == 0) {
        char c = text[i];
        bool ellipsis = i + 3 <= len && memcmp(text + i, "\xE2\x80\xA6", 3) == 0;
        if (c != '.' && c != '!' && c != '?' && !ellipsis) {
            i++;
            continue;
        }
        size_t j = ellipsis ? i + 3 : i + 1;
        while (j < len && (text[j] == '.' || text[j] == '!' || text[j] == '?'))
            j++;
        while (j < len && (text[j] == ')' || text[j] == '"' || text[j] == '\''))
            j++;
        if (j < len && text[j] != ' ') {
            i = j; /* 3.5, v2.1, U.S.A: no break inside a word */
            continue;
        }
        size_t next = j < len ? j + 1 : len;
        bool boundary = next >= len;
        if (!boundary) {
            char n = text[next];
            boundary = starts_upper(text + next, len - next) || is_digit(n) || n == '(' ||
                       n == '"' || n == '\'' || (unsigned char)n == 0xE2;
            if (boundary && c == '.' && j == i + 1 && abbreviation_before(text, i, n))
                boundary = false;
        }
        if (!boundary) {
            i = j;
            continue;
        }
        /* A bullet's bold lead ("Fencing without confirmation.") reads
         * as part of the sentence after it. */
        if (bullet && index == 0 && next < len &&
            count_words((ud_str){text + start, j - start}) <= 6) {
            pending_start = start;
            index++;
            start = next;
            i = next;
            continue;
        }
        size_t from = pending_start != SIZE_MAX ? pending_start : start;
        pending_start = SIZE_MAX;
        rc = add_sentence(x, text + from, j - from, KIND_PROSE);
        index++;
        start = next;
        i = next;
    }
    if (rc == 0 && start < len) {
        size_t from = pending_start != SIZE_MAX ? pending_start : start;
        rc = add_sentence(x, text + from, len - from, KIND_PROSE);
    }
    return rc;
}

static int set_heading(extractor *x, const char *text, size_t len)
{
    term_set *heading = ud_arena_alloc(x->arena, sizeof(term_set));
    int rc = analyze_set(heading, x, text, len);
    if (rc < 0)
        return rc;
    x->heading = heading;
    x->in_section = 0;
    x->lead = NULL;
    return 0;
}

/* Ends the current block: a heading, a fragment, or sentences. */
static int flush_block(extractor *x)
{
    if (x->block.len == 0)
        return 0;
    size_t len = collapse_spaces(x->block.ptr, x->block.len);
    x->block.len = len;
    char *text = ud_arena_strndup(x->arena, x->block.ptr, len);
    bool bullet = x->block_bullet;
    ud_buf_reset(&x->block);
    x->block_bullet = false;
    ud_str s = {text, len};
    if (len == 0)
        return 0;
    if (!ends_sentence(s) && text[len - 1] != ':') {
        size_t words = count_words(s);
        /* A short line without a full stop is a heading (PDF headings are
         * numbered list items), unless it is a "Key: value" line. */
        bool labelled = false;
        for (size_t i = 0; i + 1 < len && !labelled; i++)
            labelled = text[i] == ':' && text[i + 1] == ' ';
        if (words <= 6 && !labelled)
            return set_heading(x, text, len);
        if (words < 3)
            return 0;
    }
    int rc = split_block(x, text, len, bullet);
    /* "Every employee gets paid vacation days each year:" is what the list
     * items after it are about, as a heading would be. Prose ends that. */
    if (rc == 0 && !bullet) {
        x->lead = NULL;
        if (text[len - 1] == ':') {
            term_set *lead = ud_arena_alloc(x->arena, sizeof(term_set));
            rc = analyze_set(lead, x, text, len);
            x->lead = lead;
        }
    }
    return rc;
}

/* Splits a table line into trimmed, cleaned cells (at most
 * MAX_TABLE_CELLS; escaped pipes stay in their cell). */
static size_t split_cells(extractor *x, ud_str line, ud_str *cells)
{
    size_t count = 0;
    size_t start = 0;
    if (line.len && line.ptr[0] == '|')
        start = 1;
    size_t end = line.len;
    if (end > start && line.ptr[end - 1] == '|' && (end < 2 || line.ptr[end - 2] != '\\'))
        end--;
    size_t cell_start = start;
    for (size_t i = start; i <= end && count < MAX_TABLE_CELLS; i++) {
        if (i < end && (line.ptr[i] != '|' || (i > 0 && line.ptr[i - 1] == '\\')))
            continue;
        ud_buf buf;
        ud_buf_init(&buf, MAX_CHUNK_BYTES * 3);
        ud_str raw = ud_str_trim((ud_str){line.ptr + cell_start, i - cell_start});
        if (clean_append(&buf, raw.ptr, raw.len) == 0 && buf.len) {
            size_t n = collapse_spaces(buf.ptr, buf.len);
            cells[count] = (ud_str){ud_arena_strndup(x->arena, buf.ptr, n), n};
        } else {
            cells[count] = (ud_str){"", 0};
        }
        ud_buf_dispose(&buf);
        count++;
        cell_start = i + 1;
    }
    return count;
}

static bool has_digit(ud_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (is_digit(s.ptr[i]))
            return true;
    return false;
}

static bool row_has_digit(ud_str *cells, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (has_digit(cells[i]))
            return true;
    return false;
}

/* Each data row of the table read so far becomes one sentence:
 * "first cell: second cell", or with a header and more columns
 * "first cell — Column: cell; Column: cell". */
static int flush_table(extractor *x)
{
    size_t rows = x->row_count;
    x->row_count = 0;
    if (rows == 0)
        return 0;
    size_t first = 0;
    size_t header = SIZE_MAX;
    if (rows >= 2 && is_table_separator(x->raw_rows[1])) {
        header = 0;
        first = 2;
    } else if (rows >= 2 && !row_has_digit(x->rows[0], x->row_cells[0])) {
        header = 0; /* no separator (PDF text): a first row of names */
        first = 1;
    }
    int rc = 0;
    ud_buf out;
    ud_buf_init(&out, MAX_SENTENCE_BYTES * 8);
    for (size_t r = first; r < rows && rc == 0; r++) {
        if (is_table_separator(x->raw_rows[r]))
            continue;
        ud_str *cells = x->rows[r];
        size_t n = x->row_cells[r];
        ud_buf_reset(&out);
        size_t written = 0;
        for (size_t c = 0; c < n && rc == 0; c++) {
            if (cells[c].len == 0)
                continue;
            const ud_str *name =
                header != SIZE_MAX && c < x->row_cells[header] && x->rows[header][c].len
                    ? &x->rows[header][c]
                    : NULL;
            if (written == 1)
                rc = ud_buf_puts(&out, n > 2 && name ? " \xE2\x80\x94 " : ": ");
            else if (written > 1)
                rc = ud_buf_puts(&out, "; ");
            if (rc == 0 && written >= 1 && n > 2 && name) {
                rc = ud_buf_append(&out, name->ptr, name->len);
                if (rc == 0)
                    rc = ud_buf_puts(&out, ": ");
            }
            if (rc == 0)
                rc = ud_buf_append(&out, cells[c].ptr, cells[c].len);
            written++;
        }
        if (rc == UD_ELIMIT)
            rc = 0; /* a row too long for the buffer: what it holds is cut anyway */
        if (rc == 0 && written >= 2)
            rc = add_sentence(x, out.ptr, out.len, KIND_TABLE);
    }
    ud_buf_dispose(&out);
    return rc;
}

/* "key: value" as JSON documents read (extract/json.c flattens them so):
 * a lower-case ASCII key. An empty value opens a nested object or list. */
static bool field_line(ud_str line, ud_str *key, ud_str *value)
{
    if (line.len == 0 || line.ptr[0] < 'a' || line.ptr[0] > 'z')
        return false;
    size_t i = 0;
    while (
        i < line.len && i < 40 &&
        ((line.ptr[i] >= 'a' && line.ptr[i] <= 'z') || is_digit(line.ptr[i]) || line.ptr[i] == '_'))
        i++;
    if (i >= line.len || line.ptr[i] != ':' || (i + 1 < line.len && line.ptr[i + 1] != ' '))
        return false;
    *key = (ud_str){line.ptr, i};
    *value = ud_str_trim((ud_str){line.ptr + i + 1, line.len - i - 1});
    return true;
}

/* A record's prose fields (a description, a comment) are read as prose;
 * the rest becomes one "key: value; key: value" sentence. The title field
 * repeats the document's title and is left out. */
static int flush_record(extractor *x)
{
    size_t count = x->field_count;
    x->field_count = 0;
    if (count == 0)
        return 0;
    ud_buf out;
    ud_buf_init(&out, MAX_SENTENCE_BYTES * 4);
    size_t fields = 0;
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        ud_str key = x->field_keys[i], value = x->field_values[i];
        if (value.len == 0 || (key.len == 5 && memcmp(key.ptr, "title", 5) == 0))
            continue;
        if (count_words(value) >= 6 &&
            (ends_sentence(value) || memmem(value.ptr, value.len, ". ", 2))) {
            rc = clean_append(&x->block, value.ptr, value.len);
            if (rc == 0)
                rc = flush_block(x);
            continue;
        }
        if (fields > 0)
            rc = ud_buf_puts(&out, "; ");
        for (size_t k = 0; k < key.len && rc == 0; k++)
            rc = ud_buf_putc(&out, key.ptr[k] == '_' ? ' ' : key.ptr[k]);
        if (rc == 0)
            rc = ud_buf_puts(&out, ": ");
        if (rc == 0)
            rc = clean_append(&out, value.ptr, value.len);
        fields++;
    }
    if (rc == UD_ELIMIT)
        rc = 0; /* a long record: what fits, cut like any long sentence */
    if (rc == 0 && fields > 0) {
        size_t n = collapse_spaces(out.ptr, out.len);
        rc = add_sentence(x, out.ptr, n, KIND_RECORD);
    }
    ud_buf_dispose(&out);
    return rc;
}

/* Ends whatever is open: a record, a table, a block. */
static int flush_all(extractor *x)
{
    int rc = flush_record(x);
    if (rc == 0)
        rc = flush_table(x);
    if (rc == 0)
        rc = flush_block(x);
    return rc;
}

/* A line of wrapped text that ends a block although no blank line
 * follows: short, without closing punctuation, and followed by a line that
 * starts like a new one ("Author: ...", a PDF heading). */
static bool breaks_after(ud_str prev, ud_str line)
{
    if (prev.len == 0 || prev.len >= 48 || ends_sentence(prev))
        return false;
    char last = prev.ptr[prev.len - 1];
    if (last == ',' || last == ';' || last == '-' || last == '(')
        return false;
    return starts_upper(line.ptr, line.len) || is_digit(line.ptr[0]);
}

static int add_table_row(extractor *x, ud_str line)
{
    if (x->row_count >= MAX_TABLE_ROWS)
        return 0;
    ud_str *cells = ud_arena_alloc(x->arena, MAX_TABLE_CELLS * sizeof(ud_str));
    x->row_cells[x->row_count] = split_cells(x, line, cells);
    x->rows[x->row_count] = cells;
    x->raw_rows[x->row_count] = line;
    x->row_count++;
    return 0;
}

/* Reads one chunk's text into sentences. */
static int read_chunk(extractor *x, size_t chunk, const char *text)
{
    size_t len = strlen(text);
    if (len > MAX_CHUNK_BYTES) {
        len = MAX_CHUNK_BYTES;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    x->chunk = chunk;
    x->order = 0;
    x->heading = NULL;
    x->in_section = 0;
    x->lead = NULL;
    x->row_count = 0;
    x->field_count = 0;
    x->block_bullet = false;
    ud_buf_reset(&x->block);
    ud_str prev = {NULL, 0};
    bool after_footer = false;
    bool in_signature = false; /* after a closing line, until the paragraph ends */
    int rc = 0;
    size_t pos = 0;
    while (pos < len && rc == 0) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t eol = nl ? (size_t)(nl - text) : len;
        ud_str line = ud_str_trim((ud_str){text + pos, eol - pos});
        pos = eol + 1;
        if (line.len == 0) {
            /* A page break inside a paragraph is not the paragraph's end. */
            if (after_footer)
                continue;
            rc = flush_all(x);
            prev = (ud_str){NULL, 0};
            in_signature = false;
            continue;
        }
        after_footer = false;
        if (is_page_footer(line)) {
            after_footer = true;
            continue;
        }
        /* Headers, closings and the signature under them are never
         * quoted; they end the block they interrupt. */
        if (in_signature || is_header_line(line) || is_closing_line(line)) {
            in_signature = in_signature || is_closing_line(line);
            rc = flush_all(x);
            prev = (ud_str){NULL, 0};
            continue;
        }
        while (line.len >= 1 && line.ptr[0] == '>')
            line = ud_str_trim((ud_str){line.ptr + 1, line.len - 1});
        if (line.len == 0)
            continue;
        ud_str heading, key, value;
        if (field_line(line, &key, &value)) {
            if (x->field_count == 0 && (rc = flush_all(x)) < 0)
                break;
            if (value.len == 0) {
                /* "incidents:" names what the records below it are. */
                rc = flush_record(x);
                if (rc == 0)
                    rc = set_heading(x, key.ptr, key.len);
            } else if (x->field_count < MAX_RECORD_FIELDS) {
                x->field_keys[x->field_count] = key;
                x->field_values[x->field_count++] = value;
            }
            prev = (ud_str){NULL, 0};
            continue;
        }
        if (x->field_count && (rc = flush_record(x)) < 0)
            break;
        if (heading_text(line, &heading)) {
            rc = flush_table(x);
            if (rc == 0)
                rc = flush_block(x);
            if (rc == 0)
                rc = set_heading(x, heading.ptr, heading.len);
            prev = (ud_str){NULL, 0};
            continue;
        }
        if (is_table_row(line)) {
            rc = flush_block(x);
            if (rc == 0)
                rc = add_table_row(x, line);
            prev = (ud_str){NULL, 0};
            continue;
        }
        if (x->row_count && (rc = flush_table(x)) < 0)
            break;
        bool bullet = strip_list_marker(&line);
        if (line.len == 0)
            continue;
        if (bullet || (x->block.len && breaks_after(prev, line))) {
            rc = flush_block(x);
            x->block_bullet = bullet;
        }
        if (rc == 0 && x->block.len)
            rc = ud_buf_putc(&x->block, ' ');
        if (rc == 0)
            rc = clean_append(&x->block, line.ptr, line.len);
        prev = line;
    }
    if (rc == 0)
        rc = flush_all(x);
    return rc;
}

/* ---- the question ----------------------------------------------------- */

/* Words of a question that say what kind of answer is wanted, not what it
 * is about (the analyzer's stop list has the rest). */
static const char *const QUESTION_WORDS[] = {
    "what",   "whats",     "which",     "who",       "whom",       "whose",   "when",     "where",
    "why",    "how",       "many",      "much",      "do",         "does",    "did",      "doing",
    "done",   "has",       "have",      "had",       "having",     "can",     "could",    "would",
    "should", "shall",     "may",       "might",     "must",       "i",       "me",       "my",
    "we",     "us",        "our",       "you",       "your",       "he",      "she",      "him",
    "her",    "his",       "its",       "them",      "tell",       "explain", "describe", "give",
    "show",   "know",      "find",      "please",    "about",      "any",     "some",     "get",
    "gets",   "got",       "need",      "want",      "here",       "from",    "than",     "am",
    "been",   "being",     "were",      "s",         "t",          "d",       "ll",       "re",
    "ve",     "m",         "anything",  "something", "everything", "thing",   "things",   "kind",
    "list",   "summarize", "summarise", NULL};

/* After "how": "how long", "how often" ask for a number, not about length. */
static const char *const HOW_WORDS[] = {"long", "often", "far",  "big",   "old",
                                        "soon", "late",  "fast", "large", NULL};

typedef struct query_term {
    const char *text;
    double weight;
    size_t position; /* in the question, stop words counted */
    bool absent;     /* in no sentence */
} query_term;

static int question_terms(query_term *out, size_t *out_count, extractor *x, const char *question)
{
    *out_count = 0;
    size_t len = strlen(question);
    if (len > MAX_QUESTION_BYTES)
        len = MAX_QUESTION_BYTES;
    ud_term *terms = NULL;
    size_t count = 0;
    int rc = ud_analyze(&terms, &count, x->analyzer, x->arena, question, len);
    if (rc < 0)
        return rc;
    size_t n = 0;
    for (size_t i = 0; i < count && n < MAX_QUERY_TERMS; i++) {
        const char *word = question + terms[i].start;
        size_t word_len = terms[i].end - terms[i].start;
        if (on_list(QUESTION_WORDS, word, word_len) ||
            ud_answer_type_is_decision_word(word, word_len))
            continue;
        if (i > 0 && terms[i - 1].position + 1 == terms[i].position &&
            terms[i - 1].end - terms[i - 1].start == 3 &&
            strncasecmp(question + terms[i - 1].start, "how", 3) == 0 &&
            on_list(HOW_WORDS, word, word_len))
            continue;
        bool seen = false;
        for (size_t j = 0; j < n && !seen; j++)
            seen = strcmp(out[j].text, terms[i].text) == 0;
        if (!seen)
            out[n++] = (query_term){terms[i].text, 0, terms[i].position, false};
    }
    *out_count = n;
    return 0;
}

/* ---- scoring and choosing ------------------------------------------- */

static bool near_duplicate(const sentence *a, const sentence *b)
{
    size_t shared = 0;
    for (size_t i = 0; i < a->terms.count; i++)
        shared += has_term(&b->terms, a->terms.terms[i]);
    size_t smaller = a->terms.count < b->terms.count ? a->terms.count : b->terms.count;
    size_t all = a->terms.count + b->terms.count - shared;
    if (all == 0)
        return true;
    if ((double)shared / (double)all >= DUPLICATE_JACCARD)
        return true;
    return smaller >= 4 && (double)shared / (double)smaller >= DUPLICATE_CONTAINMENT;
}

static double dot(const float *a, const float *b, uint32_t dims)
{
    double sum = 0;
    for (uint32_t i = 0; i < dims; i++)
        sum += (double)a[i] * (double)b[i];
    return sum;
}

/* True if the sentence has term b within two words after term a. */
/* True when every term of a is in b. */
static bool within_set(const term_set *a, const term_set *b)
{
    for (size_t i = 0; i < a->count; i++)
        if (!has_term(b, a->terms[i]))
            return false;
    return a->count > 0;
}

static bool has_pair(const term_set *set, const char *a, const char *b)
{
    for (size_t i = 0; i < set->word_count; i++) {
        if (strcmp(set->words[i].text, a) != 0)
            continue;
        for (size_t j = i + 1; j < set->word_count; j++) {
            size_t gap = set->words[j].position - set->words[i].position;
            if (gap > 2)
                break;
            if (strcmp(set->words[j].text, b) == 0)
                return true;
        }
    }
    return false;
}

typedef struct scoring {
    const ud_llm_request *req;
    const term_set *titles; /* per chunk */
    query_term *query;
    size_t query_count;
    ud_embedder *embedder;
    unsigned wants; /* UD_WANT_* of the question */
    /* Set by score_sentences: */
    double total;        /* the question's weight */
    double min_coverage; /* of it, for a sentence to answer */
    size_t min_matched;  /* question terms a sentence must hold */
} scoring;

/* Scores every sentence; returns the best coverage of a candidate. */
static int score_sentences(double *out_best, extractor *x, scoring *sc)
{
    *out_best = 0;
    double total = 0;
    for (size_t q = 0; q < sc->query_count; q++) {
        size_t df = 0;
        for (size_t i = 0; i < x->count; i++)
            df += match_term(&x->sentences[i].terms, sc->query[q].text) > 0;
        double n = (double)x->count;
        double w = log(1.0 + (n - (double)df + 0.5) / ((double)df + 0.5));
        sc->query[q].weight = w < 0.05 ? 0.05 : w;
        sc->query[q].absent = df == 0;
    }
    /* A term no sentence holds weighs as much as the rarest one that some
     * sentence does: it should cost coverage ("grow" where the text says
     * "grew"), but in a small context its weight would drown the rest. */
    double rarest = 0;
    for (size_t q = 0; q < sc->query_count; q++)
        if (!sc->query[q].absent && sc->query[q].weight > rarest)
            rarest = sc->query[q].weight;
    for (size_t q = 0; q < sc->query_count; q++) {
        if (sc->query[q].absent && rarest > 0 && sc->query[q].weight > rarest)
            sc->query[q].weight = rarest;
        total += sc->query[q].weight;
    }
    if (total <= 0)
        return 0;
    bool long_question = sc->query_count > LONG_QUESTION_TERMS;
    double min_coverage = MIN_COVERAGE;
    if (long_question && LONG_COVERAGE_TERMS / (double)sc->query_count < min_coverage)
        min_coverage = LONG_COVERAGE_TERMS / (double)sc->query_count;
    if (min_coverage < MIN_LONG_COVERAGE)
        min_coverage = MIN_LONG_COVERAGE;
    size_t min_matched = sc->query_count < 2 ? sc->query_count : long_question ? 3 : 2;
    sc->total = total;
    sc->min_coverage = min_coverage;
    sc->min_matched = min_matched;
    float *qvec = NULL, *svec = NULL;
    uint32_t dims = sc->embedder ? sc->embedder->info.dims : 0;
    if (dims) {
        qvec = ud_arena_alloc(x->arena, dims * sizeof(float));
        svec = ud_arena_alloc(x->arena, dims * sizeof(float));
        bool has = false;
        size_t qlen = strlen(sc->req->question);
        int rc =
            ud_embedder_embed(sc->embedder, sc->req->question,
                              qlen > MAX_QUESTION_BYTES ? MAX_QUESTION_BYTES : qlen, qvec, &has);
        if (rc < 0)
            return rc;
        if (!has)
            dims = 0;
    }
    for (size_t i = 0; i < x->count; i++) {
        sentence *s = &x->sentences[i];
        double direct = 0, heading = 0, title = 0;
        size_t matched = 0; /* question terms found anywhere */
        for (size_t q = 0; q < sc->query_count; q++) {
            const char *term = sc->query[q].text;
            double w = sc->query[q].weight;
            /* The best of the three places counts. A heading that repeats
             * the title (a document's "# Title") adds nothing to it. */
            double in_text = match_term(&s->terms, term);
            double in_title = TITLE_SHARE * match_term(&sc->titles[s->chunk], term);
            double in_heading = in_title > 0 ? 0 : HEADING_SHARE * match_term(s->heading, term);
            double in_lead = HEADING_SHARE * match_term(s->lead, term);
            if (in_lead > in_heading)
                in_heading = in_lead;
            if (in_text > 0 || in_heading > 0 || in_title > 0)
                matched++;
            if (in_text > 0 && in_text >= in_title && in_text >= in_heading)
                direct += in_text * w;
            else if (in_heading > 0)
                heading += in_heading * w;
            else
                title += in_title * w;
        }
        /* A sentence must hold a term of the question itself, or sit in a
         * section whose heading does ("## Root cause" over the causes), and
         * say more than its document's title (a text file's first line). */
        s->direct = direct > 0;
        s->candidate = (direct > 0 || heading >= MIN_HEADING_SHARE * total) &&
                       !within_set(&s->terms, &sc->titles[s->chunk]);
        double context = heading + title;
        if (!s->candidate)
            continue;
        s->coverage = (direct + context) / total;
        double score = s->coverage;
        /* Words next to each other in the question ("battery life", "root
         * cause") and in the sentence too. */
        size_t pairs = 0, found = 0;
        for (size_t q = 0; q + 1 < sc->query_count; q++) {
            if (sc->query[q + 1].position - sc->query[q].position > 2)
                continue;
            pairs++;
            found += has_pair(&s->terms, sc->query[q].text, sc->query[q + 1].text);
        }
        if (pairs)
            score *= 1.0 + PHRASE_BONUS * (double)found / (double)pairs;
        /* Very short sentences say little; long ones bury their point. */
        if (s->terms.count < 4)
            score *= 0.8;
        else if (s->terms.count > 25)
            score *= 1.0 / (1.0 + 0.01 * (double)(s->terms.count - 25));
        if (direct == 0)
            score *= 1.0 - SECTION_STEP * (double)(s->in_section < 10 ? s->in_section : 10);
        if (s->kind == KIND_TABLE)
            score *= 0.85;
        else if (s->kind == KIND_RECORD)
            score *= 0.8;
        else if (s->kind == KIND_LEAD_IN)
            score *= 0.7;
        s->type_factor = 1;
        if (sc->wants)
            s->type_factor = (ud_answer_type_of_sentence(s->text, s->len) & sc->wants)
                                 ? TYPE_BONUS
                                 : TYPE_MISSING;
        score *= s->type_factor;
        score *= 1.0 - 0.03 * (double)s->chunk;
        double cosine = 0;
        if (dims) {
            bool has = false;
            int rc = ud_embedder_embed(sc->embedder, s->text, s->len, svec, &has);
            if (rc < 0)
                return rc;
            if (has) {
                /* A factor, not a term: the cosines of one question's
                 * sentences differ little, and an offset would flatten
                 * the differences of coverage. */
                cosine = dot(qvec, svec, dims);
                score *= 1.0 - VECTOR_WEIGHT + 2 * VECTOR_WEIGHT * (cosine > 0 ? cosine : 0);
            }
        }
        s->score = score;
        /* One term of several is not an answer, however rare it is. */
        bool relevant =
            matched >= min_matched &&
            (s->coverage >= min_coverage ||
             (dims && s->coverage >= MIN_COVERAGE_WITH_VECTORS && cosine >= MIN_COSINE));
        if (relevant && s->coverage > *out_best)
            *out_best = s->coverage;
        if (!relevant)
            s->candidate = false;
    }
    return 0;
}

static int by_score(const void *a, const void *b)
{
    const sentence *x = *(const sentence *const *)a, *y = *(const sentence *const *)b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->chunk != y->chunk)
        return x->chunk < y->chunk ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

typedef struct pick {
    const sentence *sentence;
    size_t group; /* rank of its source paragraph */
    size_t unit;  /* rank of the sentence it belongs with, in its paragraph */
} pick;

/* The answer's order: paragraphs by their best sentence (the first of
 * which is the best document's best sentence), in a paragraph sentences
 * by score, a sentence joined to another next to it in the text's order. */
static int by_place(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    if (x->sentence->chunk != y->sentence->chunk)
        return x->sentence->chunk < y->sentence->chunk ? -1 : 1;
    return x->sentence->order < y->sentence->order ? -1 : 1;
}

/* Words that open a sentence which leans on the one before it ("It was
 * signed on ...", "This means ..."). */
static const char *const LEANING_OPENERS[] = {
    "it",    "this", "that",    "these",   "those",     "they",  "its",
    "their", "he",   "she",     "his",     "her",       "both",  "such",
    "then",  "also", "however", "instead", "otherwise", "there", NULL};

static bool leans_on_previous(const sentence *s)
{
    size_t n = 0;
    while (n < s->len && n < 12 && s->text[n] != ' ' && s->text[n] != ',')
        n++;
    return s->order > 0 && s->kind == KIND_PROSE && starts_upper(s->text, s->len) &&
           on_list(LEANING_OPENERS, s->text, n);
}

static bool picked(const pick *picks, size_t count, const sentence *s)
{
    for (size_t i = 0; i < count; i++)
        if (picks[i].sentence == s)
            return true;
    return false;
}

/* Adds the sentences that the picks need next to them: the one before a
 * sentence that leans on it, the one after a lead-in ("...:"). picks has
 * room for MAX_PICKS. */
static size_t join_neighbours(pick *picks, size_t count, const extractor *x)
{
    size_t main_count = count;
    for (size_t i = 0; i < main_count && count < MAX_PICKS; i++) {
        const sentence *s = picks[i].sentence;
        size_t at = (size_t)(s - x->sentences);
        const sentence *other = NULL;
        if (leans_on_previous(s) && at > 0)
            other = &x->sentences[at - 1];
        else if (s->kind == KIND_LEAD_IN && at + 1 < x->count)
            other = &x->sentences[at + 1];
        if (!other || other->chunk != s->chunk ||
            (other->order + 1 != s->order && s->order + 1 != other->order) ||
            picked(picks, count, other))
            continue;
        picks[count++] = (pick){other, picks[i].group, picks[i].unit};
    }
    return count;
}

/* Chooses the answer's sentences into picks (sorted for output; room for
 * MAX_PICKS). */
static size_t choose(pick *picks, extractor *x, const char *const *group_titles)
{
    sentence **ranked = ud_malloc((x->count ? x->count : 1) * sizeof(sentence *));
    size_t n = 0;
    for (size_t i = 0; i < x->count; i++)
        if (x->sentences[i].candidate)
            ranked[n++] = &x->sentences[i];
    qsort(ranked, n, sizeof(*ranked), by_score);
    size_t count = 0;
    const char *groups[ANSWER_SOURCES];
    size_t group_count = 0;
    size_t per_group[ANSWER_SOURCES] = {0};
    size_t bytes = 0;
    /* Two passes: the first spreads the answer over sources, the second
     * fills what is left with the best sentences of any of them. */
    for (size_t i = 0, pass = 0; pass < 2; i++) {
        if (i == n || count == ANSWER_SENTENCES) {
            pass++;
            i = SIZE_MAX; /* the loop's i++ starts the next pass at 0 */
            continue;
        }
        const sentence *s = ranked[i];
        /* The type orders the sentences; it does not keep out one that
         * matches the question as well as the best. */
        if (count > 0 &&
            s->score / s->type_factor < KEEP_RELATIVE * ranked[0]->score / ranked[0]->type_factor) {
            i = n - 1; /* the rest scores lower still */
            continue;
        }
        bool dup = false;
        for (size_t j = 0; j < count && !dup; j++)
            dup = picks[j].sentence == s || near_duplicate(s, picks[j].sentence);
        if (dup || (count > 0 && bytes + s->len > ANSWER_BYTES))
            continue;
        /* Chunks of one source share a paragraph (group_titles tells
         * sources apart, see source_keys). */
        const char *title = group_titles[s->chunk];
        size_t g = 0;
        while (g < group_count && strcmp(groups[g], title) != 0)
            g++;
        if (g == group_count) {
            if (group_count == ANSWER_SOURCES)
                continue;
            groups[group_count++] = title;
        }
        if (pass == 0 && per_group[g] == SENTENCES_PER_SOURCE)
            continue;
        per_group[g]++;
        bytes += s->len;
        picks[count] = (pick){s, g, count};
        count++;
    }
    free(ranked);
    /* Paragraphs in retrieval order (the rank of their best-ranked chunk
     * among the picks): the first is the best document's. */
    size_t rank[ANSWER_SOURCES];
    for (size_t g = 0; g < group_count; g++) {
        rank[g] = SIZE_MAX;
        for (size_t i = 0; i < count; i++)
            if (picks[i].group == g && picks[i].sentence->chunk < rank[g])
                rank[g] = picks[i].sentence->chunk;
    }
    for (size_t i = 0; i < count; i++) {
        size_t g = picks[i].group, before = 0;
        for (size_t h = 0; h < group_count; h++)
            before += rank[h] < rank[g] || (rank[h] == rank[g] && h < g);
        picks[i].group = before;
    }
    count = join_neighbours(picks, count, x);
    qsort(picks, count, sizeof(*picks), by_place);
    return count;
}

/* How many of the question's terms the document of chunk c (the chunks
 * sharing its key) holds, anywhere in its sentences or its title. */
static size_t document_terms(const extractor *x, const scoring *sc, const char *const *keys,
                             size_t c)
{
    size_t matched = 0;
    for (size_t q = 0; q < sc->query_count; q++) {
        const char *term = sc->query[q].text;
        bool found = match_term(&sc->titles[c], term) > 0;
        for (size_t i = 0; i < x->count && !found; i++) {
            const sentence *s = &x->sentences[i];
            found = strcmp(keys[s->chunk], keys[c]) == 0 && match_term(&s->terms, term) > 0;
        }
        matched += found;
    }
    return matched;
}

/* What add_support quotes of the document of chunk c: its best sentence
 * holding a question term that is not a repeat of one quoted; when no
 * sentence holds one (they are in its title), its first sentence; else
 * NULL (all it has to say is quoted already). */
static const sentence *support_sentence(const extractor *x, const scoring *sc,
                                        const char *const *keys, size_t c, const pick *picks,
                                        size_t count)
{
    const sentence *best = NULL, *first = NULL;
    bool any_direct = false; /* repeats included */
    for (size_t i = 0; i < x->count; i++) {
        const sentence *s = &x->sentences[i];
        if (strcmp(keys[s->chunk], keys[c]) != 0)
            continue;
        any_direct |= s->direct;
        bool repeat = false;
        for (size_t j = 0; j < count && !repeat; j++)
            repeat = near_duplicate(s, picks[j].sentence);
        if (repeat)
            continue;
        if (!first)
            first = s;
        if (s->direct && !within_set(&s->terms, &sc->titles[s->chunk]) &&
            (!best || s->score > best->score))
            best = s;
    }
    return best ? best : any_direct ? NULL : first;
}

/* The search's first ANSWER_SOURCES documents that the answer does not
 * quote, although each holds the question's terms (no one sentence of it
 * answered well enough): each adds its best sentence holding a question
 * term, not a repeat of one quoted, as a paragraph of its own in retrieval
 * order after the answer's first, so the answer cites what retrieval
 * ranked best and its best sentence still leads. picks is in output order
 * (choose); returns the new count. */
static size_t add_support(pick *picks, size_t count, const extractor *x, const scoring *sc,
                          const char *const *keys, size_t chunk_count)
{
    pick support[ANSWER_SOURCES];
    size_t support_count = 0;
    const char *seen[ANSWER_SOURCES];
    size_t seen_count = 0;
    for (size_t c = 0; c < chunk_count && seen_count < ANSWER_SOURCES; c++) {
        bool known = false;
        for (size_t i = 0; i < seen_count && !known; i++)
            known = strcmp(seen[i], keys[c]) == 0;
        if (known)
            continue;
        seen[seen_count++] = keys[c];
        bool cited = false;
        for (size_t i = 0; i < count && !cited; i++)
            cited = strcmp(keys[picks[i].sentence->chunk], keys[c]) == 0;
        /* Two of the question's terms (one for a question of one term):
         * one word in common is what retrieval finds for questions nothing
         * answers ("world" for "Who won the world cup?"). */
        size_t needed = sc->query_count < 2 ? 1 : 2;
        if (cited || count + support_count == MAX_PICKS || document_terms(x, sc, keys, c) < needed)
            continue;
        const sentence *best = support_sentence(x, sc, keys, c, picks, count);
        if (best)
            support[support_count++] = (pick){best, c, 0};
    }
    /* Merge: a paragraph's place is its best-ranked chunk; the answer's
     * first paragraph stays first. */
    pick merged[MAX_PICKS];
    size_t n = 0, next = 0;
    for (size_t i = 0; i < count; i++) {
        bool opens = i == 0 || picks[i].group != picks[i - 1].group;
        size_t place = SIZE_MAX;
        for (size_t j = i; opens && j < count && picks[j].group == picks[i].group; j++)
            if (picks[j].sentence->chunk < place)
                place = picks[j].sentence->chunk;
        while (opens && i > 0 && next < support_count && support[next].group < place)
            merged[n++] = support[next++];
        merged[n++] = picks[i];
    }
    while (next < support_count)
        merged[n++] = support[next++];
    /* Paragraphs are told apart by group: number them afresh. */
    for (size_t i = 0, g = 0; i < n; i++) {
        if (i > 0 &&
            (merged[i].group != merged[i - 1].group ||
             strcmp(keys[merged[i].sentence->chunk], keys[merged[i - 1].sentence->chunk]) != 0))
            g++;
        merged[i].group = g;
    }
    memcpy(picks, merged, n * sizeof(pick));
    return n;
}

/* What tells the context's sources apart: keys[c] is chunk c's title and
 * markers[c] its "[Source: Title]" marker, unless another document of the
 * context has the same title. Then the key adds the number of the
 * document's first chunk, so each is a source of its own (citations.c
 * tells their markers apart by the sentences before them), and an untitled
 * document's marker is that number, "[n]", its place in the context. */
static void source_keys(const char **keys, const char **markers, ud_arena *arena,
                        const ud_context_chunk *chunks, const char *const *titles, size_t count)
{
    for (size_t c = 0; c < count; c++) {
        size_t first = c;
        bool shared = false;
        for (size_t j = 0; j < count; j++) {
            if (j == c || strcmp(titles[j], titles[c]) != 0)
                continue;
            bool same = chunks[j].doc_id && chunks[c].doc_id &&
                        strcmp(chunks[j].doc_id, chunks[c].doc_id) == 0;
            if (same && j < first)
                first = j;
            shared |= !same && chunks[j].doc_id && chunks[c].doc_id;
        }
        bool untitled = strcmp(titles[c], UD_CITATION_UNTITLED) == 0;
        keys[c] = shared ? ud_arena_sprintf(arena, "%s\x1f%zu", titles[c], first + 1) : titles[c];
        markers[c] = shared && untitled ? ud_arena_sprintf(arena, " [%zu]", first + 1)
                                        : ud_arena_sprintf(arena, " [Source: %s]", titles[c]);
    }
}

/* The answer quotes the search's first ANSWER_SOURCES sources only: a
 * sentence of a lower one may share more words with the question, but
 * retrieval judged the whole document and ranked it lower (docs/answers.md
 * measures both). */
static void keep_top_sources(extractor *x, const char *const *keys, size_t chunk_count)
{
    size_t rank[MAX_CHUNKS];
    size_t sources = 0;
    for (size_t c = 0; c < chunk_count; c++) {
        size_t j = 0;
        while (j < c && strcmp(keys[j], keys[c]) != 0)
            j++;
        rank[c] = j < c ? rank[j] : sources++;
    }
    for (size_t i = 0; i < x->count; i++)
        if (rank[x->sentences[i].chunk] >= ANSWER_SOURCES)
            x->sentences[i].candidate = false;
}

/* ---- the generator ------------------------------------------------------ */

typedef struct extractive {
    ud_llm base;
    ud_embedder *embedder; /* borrowed, may be NULL */
} extractive;

typedef struct stream {
    ud_buf text;
    ud_llm_result *out;
    ud_llm_on_text on_text;
    void *payload;
    bool canceled;
} stream;

static int emit(stream *st, const char *text, size_t len)
{
    if (st->canceled || len == 0)
        return 0;
    int rc = ud_buf_append(&st->text, text, len);
    if (rc < 0)
        return rc;
    if (st->on_text) {
        st->out->text_sent = true;
        if (st->on_text(text, len, st->payload) != 0) {
            st->canceled = true;
            return ud_error_set(UD_ECANCELED, "the listener went away");
        }
    }
    return 0;
}

/* One sentence as the answer writes it: with its full stop. */
static int emit_sentence(stream *st, const char *lead, const sentence *s, bool continues)
{
    ud_buf piece;
    ud_buf_init(&piece, MAX_SENTENCE_BYTES * 2 + 16);
    int rc = ud_buf_puts(&piece, lead);
    size_t len = s->len;
    /* A lead-in keeps its colon only when what it leads in follows. */
    if (rc == 0 && s->text[len - 1] == ':' && !continues)
        len--;
    if (rc == 0)
        rc = ud_buf_append(&piece, s->text, len);
    ud_str written = {s->text, len};
    if (rc == 0 && !ends_sentence(written) && s->text[len - 1] != ':')
        rc = ud_buf_putc(&piece, '.');
    if (rc == 0)
        rc = emit(st, piece.ptr, piece.len);
    ud_buf_dispose(&piece);
    return rc;
}

/* Streams the picks (in output order) as paragraphs, each ending with its
 * source's marker. */
static int answer_text(stream *st, pick *picks, size_t count, const char *const *markers,
                       int max_tokens)
{
    /* Fewer sentences when the answer would pass max_tokens: the weakest
     * goes first, the strongest always stays. */
    while (count > 1 && max_tokens > 0) {
        size_t tokens = 0;
        for (size_t i = 0; i < count; i++)
            tokens += ud_token_count(picks[i].sentence->text, picks[i].sentence->len) + 1;
        for (size_t i = 0; i < count; i++)
            if (i + 1 == count || picks[i + 1].group != picks[i].group)
                tokens += ud_token_count(markers[picks[i].sentence->chunk],
                                         strlen(markers[picks[i].sentence->chunk]));
        if (tokens <= (size_t)max_tokens)
            break;
        size_t weakest = 0;
        for (size_t i = 1; i < count; i++)
            if (picks[i].sentence->score < picks[weakest].sentence->score)
                weakest = i;
        memmove(picks + weakest, picks + weakest + 1, (count - weakest - 1) * sizeof(pick));
        count--;
        snprintf(st->out->stop_reason, sizeof(st->out->stop_reason), "max_tokens");
    }
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        bool first_of_group = i == 0 || picks[i - 1].group != picks[i].group;
        bool last_of_group = i + 1 == count || picks[i + 1].group != picks[i].group;
        const char *lead = i == 0 ? "" : first_of_group ? "\n\n" : " ";
        bool continues = !last_of_group &&
                         picks[i + 1].sentence->chunk == picks[i].sentence->chunk &&
                         picks[i + 1].sentence->order == picks[i].sentence->order + 1;
        rc = emit_sentence(st, lead, picks[i].sentence, continues);
        if (rc == 0 && last_of_group) {
            const char *marker = markers[picks[i].sentence->chunk];
            rc = emit(st, marker, strlen(marker));
        }
    }
    return rc;
}

static int extractive_generate(ud_llm *self, ud_llm_result *out, const ud_llm_request *req,
                               ud_llm_on_text on_text, void *payload)
{
    extractive *e = (extractive *)self;
    memset(out, 0, sizeof(*out));
    snprintf(out->provider, sizeof(out->provider), "extractive");
    snprintf(out->stop_reason, sizeof(out->stop_reason), "stop");
    if (!req || (!req->chunks && req->chunk_count))
        return ud_error_set(UD_EINVAL, "extractive: no request");
    ud_arena arena;
    ud_arena_init(&arena);
    extractor x = {.arena = &arena};
    ud_buf_init(&x.block, MAX_CHUNK_BYTES * 3 + 16);
    stream st = {.out = out, .on_text = on_text, .payload = payload};
    ud_buf_init(&st.text, 64 * 1024);
    size_t chunk_count = req->chunk_count < MAX_CHUNKS ? req->chunk_count : MAX_CHUNKS;
    pick picks[MAX_PICKS];
    size_t pick_count = 0;
    const char **group_titles = ud_arena_alloc(&arena, (chunk_count + 1) * sizeof(char *));
    term_set *titles = ud_arena_alloc(&arena, (chunk_count + 1) * sizeof(term_set));
    query_term query[MAX_QUERY_TERMS];
    size_t query_count = 0;
    int rc = ud_analyzer_new(&x.analyzer);
    if (rc == 0)
        rc = question_terms(query, &query_count, &x, req->question ? req->question : "");
    for (size_t i = 0; i < chunk_count && rc == 0 && query_count > 0; i++) {
        const ud_context_chunk *c = &req->chunks[i];
        group_titles[i] = ud_citation_title(&arena, c->title);
        rc = analyze_set(&titles[i], &x, group_titles[i], strlen(group_titles[i]));
        if (rc == 0)
            rc = read_chunk(&x, i, c->text ? c->text : "");
    }
    double best = 0;
    const char *question = req->question ? req->question : "";
    size_t question_len = strlen(question);
    scoring sc = {.req = req,
                  .titles = titles,
                  .query = query,
                  .query_count = query_count,
                  .embedder = e->embedder,
                  .wants = ud_answer_type_of_question(question, question_len < MAX_QUESTION_BYTES
                                                                    ? question_len
                                                                    : MAX_QUESTION_BYTES)};
    bool scored = rc == 0 && query_count > 0 && x.count > 0;
    if (scored)
        rc = score_sentences(&best, &x, &sc);
    const char **keys = ud_arena_alloc(&arena, (chunk_count + 1) * sizeof(char *));
    const char **markers = ud_arena_alloc(&arena, (chunk_count + 1) * sizeof(char *));
    if (scored) {
        source_keys(keys, markers, &arena, req->chunks, group_titles, chunk_count);
        keep_top_sources(&x, keys, chunk_count);
    }
    if (rc == 0 && best > 0)
        pick_count = choose(picks, &x, keys);
    size_t answer_count = pick_count;
    if (rc == 0 && scored)
        pick_count = add_support(picks, pick_count, &x, &sc, keys, chunk_count);
    if (rc == 0 && pick_count == 0)
        rc = emit(&st, NOTHING_FOUND, sizeof(NOTHING_FOUND) - 1);
    else if (rc == 0 && answer_count == 0)
        rc = emit(&st, NO_DIRECT_ANSWER, sizeof(NO_DIRECT_ANSWER) - 1);
    if (rc == 0 && pick_count > 0)
        rc = answer_text(&st, picks, pick_count, markers, req->max_tokens);
    if (st.canceled)
        rc = UD_ECANCELED;
    out->text_len = st.text.len;
    out->text = ud_buf_take(&st.text);
    if (!out->text)
        out->text = ud_strdup("");
    ud_buf_dispose(&st.text);
    ud_buf_dispose(&x.block);
    free(x.sentences);
    ud_analyzer_free(x.analyzer);
    ud_arena_dispose(&arena);
    return rc;
}

static void extractive_free(ud_llm *self)
{
    free(self);
}

static const ud_llm_ops EXTRACTIVE_OPS = {extractive_generate, extractive_free};

static int extractive_new(ud_llm **out, const ud_llm_config *config)
{
    extractive *e = ud_calloc(1, sizeof(*e));
    e->base.ops = &EXTRACTIVE_OPS;
    snprintf(e->base.kind, sizeof(e->base.kind), "extractive");
    e->base.model[0] = '\0';
    e->embedder = config ? config->embedder : NULL;
    *out = &e->base;
    return 0;
}

const ud_llm_provider ud_llm_provider_extractive = {"extractive", false, extractive_new};
