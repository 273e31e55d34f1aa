/*
 * Token counting for the chunker. Chunk sizes in the spec are in model
 * tokens; we cannot ship a model's vocabulary, so we count with the rules
 * that byte-pair tokenizers' pre-tokenizers follow, which track real token
 * counts of English prose within a few percent:
 *
 *   - whitespace is never a token of its own (it joins the next word);
 *   - a run of letters (and combining marks) is one token per started
 *     LETTERS_PER_TOKEN code points;
 *   - a run of digits is one token per started three digits;
 *   - ideographs and kana (scripts written without spaces) are one token
 *     each;
 *   - every other character (punctuation, symbols) is one token.
 *
 * The count is subadditive: splitting a text anywhere never gives pieces
 * whose counts sum to less than the whole's. The chunker relies on that when
 * it adds up the counts of pieces.
 */
#include "doc/tokens.h"

#include "doc/chunker.h"

#include <utf8proc.h>

#define LETTERS_PER_TOKEN 8
#define DIGITS_PER_TOKEN 3

static bool is_space_cp(int32_t cp)
{
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v')
        return true;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

static bool is_unspaced_script(int32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30FF) || /* hiragana, katakana */
           (cp >= 0x3400 && cp <= 0x4DBF) || /* CJK extension A */
           (cp >= 0x4E00 && cp <= 0x9FFF) || /* CJK unified ideographs */
           (cp >= 0xF900 && cp <= 0xFAFF) || /* CJK compatibility */
           (cp >= 0x20000 && cp <= 0x2FFFF); /* CJK extensions B.. */
}

static ud_token_class classify(int32_t cp)
{
    if (is_space_cp(cp))
        return UD_TOKEN_SPACE;
    if (is_unspaced_script(cp))
        return UD_TOKEN_SINGLE;
    utf8proc_category_t cat = utf8proc_category(cp);
    switch (cat) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return UD_TOKEN_LETTER;
    case UTF8PROC_CATEGORY_ND: return UD_TOKEN_DIGIT;
    default: return UD_TOKEN_SINGLE;
    }
}

void ud_token_counter_init(ud_token_counter *counter)
{
    counter->run_class = UD_TOKEN_SPACE;
    counter->run_length = 0;
    counter->tokens = 0;
}

size_t ud_token_counter_feed(ud_token_counter *counter, int32_t cp)
{
    ud_token_class cls = classify(cp);
    size_t before = counter->tokens;
    if (cls == UD_TOKEN_LETTER || cls == UD_TOKEN_DIGIT) {
        size_t per = cls == UD_TOKEN_LETTER ? LETTERS_PER_TOKEN : DIGITS_PER_TOKEN;
        if (counter->run_class != cls)
            counter->run_length = 0;
        if (counter->run_length % per == 0)
            counter->tokens++;
        counter->run_length++;
    } else if (cls == UD_TOKEN_SINGLE) {
        counter->tokens++;
        counter->run_length = 0;
    } else {
        counter->run_length = 0;
    }
    counter->run_class = cls;
    return counter->tokens - before;
}

size_t ud_utf8_decode(const char *text, size_t len, int32_t *out_cp)
{
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)text, (utf8proc_ssize_t)len, out_cp);
    if (n <= 0) {
        /* Invalid byte: count it as one symbol and move on by one byte, so
         * counting never stalls on unrepaired input. */
        *out_cp = 0xFFFD;
        return 1;
    }
    return (size_t)n;
}

size_t ud_token_count(const char *text, size_t len)
{
    ud_token_counter counter;
    ud_token_counter_init(&counter);
    size_t pos = 0;
    while (pos < len) {
        int32_t cp;
        pos += ud_utf8_decode(text + pos, len - pos, &cp);
        ud_token_counter_feed(&counter, cp);
    }
    return counter.tokens;
}
