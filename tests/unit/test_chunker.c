/*
 * Tests of token counting and the recursive chunker: budgets, overlap,
 * exact slices, multi-byte text and heading paths.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/chunker.h"
#include "doc/clean.h"
#include "test.h"

void test_chunker__token_counts_follow_the_rules(void)
{
    UD_CHECK_EQ_INT(0, ud_token_count("", 0));
    UD_CHECK_EQ_INT(0, ud_token_count(" \n\t ", 4));
    /* Hello , world ! */
    UD_CHECK_EQ_INT(4, ud_token_count("Hello, world!", 13));
    /* 20 letters: one token per started 8 */
    UD_CHECK_EQ_INT(3, ud_token_count("internationalization", 20));
    /* digits in threes: 123 45 */
    UD_CHECK_EQ_INT(2, ud_token_count("12345", 5));
    /* each ideograph is a token: 日本語 */
    const char *cjk = "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E";
    UD_CHECK_EQ_INT(3, ud_token_count(cjk, strlen(cjk)));
    /* é is one letter of a word, not a symbol */
    UD_CHECK_EQ_INT(1, ud_token_count("caf\xC3\xA9", 5));
}

void test_chunker__empty_text_gives_no_chunks(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_chunk *chunks = NULL;
    size_t count = 99;
    UD_CHECK_OK(ud_chunker_split(&chunks, &count, &arena, "  \n\n ", 5, NULL));
    UD_CHECK_EQ_INT(0, count);
    ud_arena_dispose(&arena);
}

void test_chunker__short_text_is_one_trimmed_chunk(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *text = "\n# Leave\n\nTake it.\n\n";
    ud_chunk *chunks = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_chunker_split(&chunks, &count, &arena, text, strlen(text), NULL));
    UD_CHECK_EQ_INT(1, count);
    UD_CHECK_EQ_STR("# Leave\n\nTake it.", chunks[0].text);
    UD_CHECK_EQ_INT(1, chunks[0].start);
    UD_CHECK_EQ_INT(0, chunks[0].index);
    UD_CHECK_EQ_STR("Leave", chunks[0].heading_path);
    /* # Leave Take it . */
    UD_CHECK_EQ_INT(5, chunks[0].tokens);
    ud_arena_dispose(&arena);
}

void test_chunker__bad_options_are_refused(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_chunk *chunks = NULL;
    size_t count = 0;
    ud_chunker_opts opts = {100, 100};
    UD_CHECK_EQ_INT(UD_EINVAL, ud_chunker_split(&chunks, &count, &arena, "a b", 3, &opts));
    ud_chunker_opts defaults;
    ud_chunker_opts_default(&defaults);
    UD_CHECK_EQ_INT(1000, defaults.target_tokens);
    UD_CHECK_EQ_INT(100, defaults.overlap_tokens);
    ud_arena_dispose(&arena);
}

/* Sentences "Sentence number N is about topic M." in paragraphs of five. */
static char *make_prose(size_t sentences)
{
    size_t cap = sentences * 64 + 1;
    char *text = malloc(cap);
    size_t len = 0;
    for (size_t i = 0; i < sentences; i++) {
        len += (size_t)snprintf(text + len, cap - len, "Sentence number %zu is about topic %zu.%s",
                                i, i % 7, (i % 5 == 4) ? "\n\n" : " ");
    }
    return text;
}

void test_chunker__chunks_fit_the_budget_overlap_and_are_exact_slices(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    char *text = make_prose(400);
    size_t len = strlen(text);
    ud_chunker_opts opts = {120, 30};
    ud_chunk *chunks = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_chunker_split(&chunks, &count, &arena, text, len, &opts));
    UD_CHECK(count > 10);
    size_t covered_to = 0;
    size_t overlapping = 0;
    for (size_t i = 0; i < count; i++) {
        const ud_chunk *c = &chunks[i];
        UD_CHECK_EQ_INT(i, c->index);
        UD_CHECK(c->tokens <= opts.target_tokens);
        UD_CHECK_EQ_INT(ud_token_count(c->text, c->len), c->tokens);
        UD_CHECK(c->start + c->len <= len);
        UD_CHECK(memcmp(text + c->start, c->text, c->len) == 0);
        /* No gap: every chunk starts at or before where the previous ended. */
        UD_CHECK(c->start <= covered_to + 2);
        if (i > 0 && c->start < chunks[i - 1].start + chunks[i - 1].len) {
            overlapping++;
            size_t shared = chunks[i - 1].start + chunks[i - 1].len - c->start;
            UD_CHECK(ud_token_count(c->text, shared) <= opts.overlap_tokens);
            /* ...and each chunk brings something new. */
            UD_CHECK(c->start + c->len > chunks[i - 1].start + chunks[i - 1].len);
        }
        covered_to = c->start + c->len;
    }
    UD_CHECK_EQ_INT(count - 1, overlapping);
    UD_CHECK(covered_to >= len - 2);
    /* Budgets are used: chunks are not tiny. */
    UD_CHECK(chunks[0].tokens > opts.target_tokens / 2);
    free(text);
    ud_arena_dispose(&arena);
}

void test_chunker__text_without_separators_is_cut_between_code_points(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    /* 3000 ideographs (3 bytes each) and 3000 "é" (2 bytes) with no space. */
    size_t len = 3000 * 3 + 3000 * 2;
    char *text = malloc(len + 1);
    for (size_t i = 0; i < 3000; i++)
        memcpy(text + i * 3, "\xE6\x97\xA5", 3);
    for (size_t i = 0; i < 3000; i++)
        memcpy(text + 9000 + i * 2, "\xC3\xA9", 2);
    text[len] = '\0';
    ud_chunker_opts opts = {100, 10};
    ud_chunk *chunks = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_chunker_split(&chunks, &count, &arena, text, len, &opts));
    UD_CHECK(count >= 30);
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        UD_CHECK(ud_utf8_valid(chunks[i].text, chunks[i].len));
        UD_CHECK(chunks[i].tokens <= 100);
        UD_CHECK(chunks[i].tokens > 0);
        total += chunks[i].len;
    }
    UD_CHECK_EQ_INT(len, total); /* pieces, no overlap possible between single pieces */
    free(text);
    ud_arena_dispose(&arena);
}

void test_chunker__chunks_carry_their_heading_path(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    char *body = make_prose(20);
    size_t cap = strlen(body) * 3 + 256;
    char *text = malloc(cap);
    snprintf(text, cap, "# Handbook\n\n## Leave\n\n%s\n\n### Parental\n\n%s\n\n# Travel\n\n%s",
             body, body, body);
    ud_chunker_opts opts = {60, 0};
    ud_chunk *chunks = NULL;
    size_t count = 0;
    UD_CHECK_OK(ud_chunker_split(&chunks, &count, &arena, text, strlen(text), &opts));
    bool saw_parental = false, saw_travel = false;
    for (size_t i = 0; i < count; i++) {
        const char *at = text + chunks[i].start;
        const char *parental = strstr(text, "### Parental");
        const char *travel = strstr(text, "# Travel");
        if (at < parental) {
            UD_CHECK(strncmp(chunks[i].heading_path, "Handbook", 8) == 0);
        } else if (at < travel) {
            UD_CHECK_EQ_STR("Handbook > Leave > Parental", chunks[i].heading_path);
            saw_parental = true;
        } else {
            UD_CHECK_EQ_STR("Travel", chunks[i].heading_path);
            saw_travel = true;
        }
    }
    UD_CHECK(saw_parental && saw_travel);
    UD_CHECK_EQ_STR("Handbook", chunks[0].heading_path);
    free(body);
    free(text);
    ud_arena_dispose(&arena);
}
