/*
 * Tests of text cleaning (UTF-8 repair, NFC, whitespace) and language
 * detection.
 */
#include <stdlib.h>
#include <string.h>

#include "doc/clean.h"
#include "doc/language.h"
#include "test.h"

static const char *clean(ud_arena *arena, const char *text, size_t len)
{
    char *out = NULL;
    size_t out_len = 0;
    UD_CHECK_OK(ud_clean_text(&out, &out_len, arena, text, len));
    UD_CHECK_EQ_INT(strlen(out), out_len);
    return out;
}

void test_clean__invalid_utf8_becomes_replacement_characters(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    /* a lone continuation byte, a truncated sequence, an overlong "/", a
     * UTF-16 surrogate */
    const char bad[] = "a\x80"
                       "b\xC3"
                       "c\xC0\xAF"
                       "d\xED\xA0\x80"
                       "e";
    UD_CHECK(!ud_utf8_valid(bad, sizeof(bad) - 1));
    const char *out = clean(&arena, bad, sizeof(bad) - 1);
    UD_CHECK(ud_utf8_valid(out, strlen(out)));
    UD_CHECK_EQ_STR("a\xEF\xBF\xBD"
                    "b\xEF\xBF\xBD"
                    "c\xEF\xBF\xBD\xEF\xBF\xBD"
                    "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                    "e",
                    out);
    ud_arena_dispose(&arena);
}

void test_clean__text_is_nfc_normalised(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    /* "e" + combining acute accent becomes the single code point é */
    UD_CHECK_EQ_STR("caf\xC3\xA9", clean(&arena, "cafe\xCC\x81", 6));
    ud_arena_dispose(&arena);
}

void test_clean__whitespace_folds_but_structure_stays(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *text = "\n\n# Title  \r\n\r\nSome   text\twith \x01gaps.\n\n\n\n\n- item one\n  - "
                       "nested\n| a | b |\n\xC2\xA0\xC2\xA0\n";
    UD_CHECK_EQ_STR("# Title\n\nSome text with gaps.\n\n- item one\n  - nested\n| a | b |",
                    clean(&arena, text, strlen(text)));
    UD_CHECK_EQ_STR("", clean(&arena, " \n\t\n", 4));
    /* A form feed (PDF page break) separates blocks. */
    UD_CHECK_EQ_STR("page one\n\npage two", clean(&arena, "page one\fpage two", 17));
    ud_arena_dispose(&arena);
}

void test_clean__language_is_detected(void)
{
    const char *en = "The parental leave policy gives every employee sixteen weeks of paid leave "
                     "after the birth or adoption of a child, and the company keeps their job.";
    const char *de = "Die Betriebsvereinbarung regelt die Arbeitszeit aller Mitarbeiterinnen und "
                     "Mitarbeiter sowie die Erfassung der Überstunden im Unternehmen.";
    const char *fr = "La politique de congé parental accorde à chaque salarié seize semaines de "
                     "congé payé après la naissance ou l'adoption d'un enfant.";
    UD_CHECK_EQ_STR("en", ud_language_detect(en, strlen(en)));
    UD_CHECK_EQ_STR("de", ud_language_detect(de, strlen(de)));
    UD_CHECK_EQ_STR("fr", ud_language_detect(fr, strlen(fr)));
    UD_CHECK(ud_language_detect("ok", 2) == NULL);
}

/* NFC runs on pieces of about 64 KiB (clean.c): a long text whose
 * characters compose across any place a piece could end gives exactly
 * what one pass over the whole text gives. */
void test_clean__nfc_over_long_text_is_the_same_in_pieces(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    /* "e" + U+0301 (composes to U+00E9), a Hangul L+V pair (to U+AC00),
     * a CJK ideograph and a Cyrillic letter + U+0308 (to U+0451, after no
     * ASCII for a while): 200,000 bytes, three pieces and more. */
    static const char unit[] = "e\xCC\x81 \xE1\x84\x80\xE1\x85\xA1\xE4\xB8\x80\xD0\xB5\xCC\x88";
    static const char nfc[] = "\xC3\xA9 \xEA\xB0\x80\xE4\xB8\x80\xD1\x91";
    size_t n = 200000 / (sizeof(unit) - 1);
    char *text = malloc(n * (sizeof(unit) - 1) + 1);
    char *expected = malloc(n * (sizeof(nfc) - 1) + 1);
    UD_CHECK(text && expected);
    for (size_t i = 0; i < n; i++) {
        memcpy(text + i * (sizeof(unit) - 1), unit, sizeof(unit) - 1);
        memcpy(expected + i * (sizeof(nfc) - 1), nfc, sizeof(nfc) - 1);
    }
    text[n * (sizeof(unit) - 1)] = '\0';
    expected[n * (sizeof(nfc) - 1)] = '\0';
    char *out = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_clean_text(&out, &len, &arena, text, n * (sizeof(unit) - 1)));
    UD_CHECK_EQ_INT(n * (sizeof(nfc) - 1), len);
    UD_CHECK(memcmp(out, expected, len) == 0);
    free(text);
    free(expected);
    ud_arena_dispose(&arena);
}
