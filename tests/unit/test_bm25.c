/*
 * Tests of the analyzer, the exact BM25 scorer (against values computed by
 * hand from the formula in bm25_exact.h) and excerpts.
 */
#include <string.h>

#include "doc/clean.h"
#include "index/analyzer.h"
#include "index/bm25_exact.h"
#include "index/excerpt.h"
#include "test.h"

static size_t analyze(ud_analyzer *analyzer, ud_arena *arena, const char *text, ud_term **terms)
{
    size_t count = 0;
    UD_CHECK_OK(ud_analyze(terms, &count, analyzer, arena, text, strlen(text)));
    return count;
}

static void check_terms(ud_analyzer *analyzer, ud_arena *arena, const char *text,
                        const char *const *expected, size_t expected_count)
{
    ud_term *terms = NULL;
    size_t count = analyze(analyzer, arena, text, &terms);
    UD_CHECK_EQ_INT(expected_count, count);
    for (size_t i = 0; i < count && i < expected_count; i++)
        UD_CHECK_EQ_STR(expected[i], terms[i].text);
}

void test_bm25__analyzer_folds_stems_and_drops_stop_words(void)
{
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    const char *text = "The Running dogs, and CAFÉ Müller's ﬁles";
    const char *expected[] = {"run", "dog", "café", "müller", "s", "file"};
    check_terms(analyzer, &arena, text, expected, 6);
    ud_term *terms = NULL;
    analyze(analyzer, &arena, text, &terms);
    /* Offsets point at the original words; positions count stop words. */
    UD_CHECK_EQ_INT(4, terms[0].start);
    UD_CHECK_EQ_INT(11, terms[0].end);
    UD_CHECK_EQ_INT(1, terms[0].position);
    UD_CHECK_EQ_INT(4, terms[2].position);
    UD_CHECK(ud_analyzer_is_stop("the", 3));
    UD_CHECK(!ud_analyzer_is_stop("leave", 5));
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
}

void test_bm25__identifiers_survive_as_tokens(void)
{
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    const char *ids = "Q4 report for ACME-123 by john@acme.com on v2.1, then state-of-the-art.";
    const char *expected[] = {"q4", "report", "acme-123", "john@acme.com", "v2.1", "state", "art"};
    check_terms(analyzer, &arena, ids, expected, 7);
    /* A joiner at the end of a sentence is not part of the token. */
    const char *tail[] = {"releas", "2025-01-01"};
    check_terms(analyzer, &arena, "Released 2025-01-01.", tail, 2);
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
}

void test_bm25__stop_list_is_configurable(void)
{
    const char *stops[] = {"robot", "the"};
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new_with_stop_words(&analyzer, stops, 2));
    ud_arena arena;
    ud_arena_init(&arena);
    const char *expected[] = {"and", "arm"};
    check_terms(analyzer, &arena, "The robot and the arm", expected, 2);
    ud_analyzer_free(analyzer);
    UD_CHECK_OK(ud_analyzer_new_with_stop_words(&analyzer, NULL, 0));
    const char *all[] = {"the", "robot"};
    check_terms(analyzer, &arena, "The robot", all, 2);
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
}

typedef struct fixture {
    ud_analyzer *analyzer;
    ud_bm25_corpus *corpus;
    ud_arena arena;
} fixture;

static void setup(fixture *f, const ud_bm25_params *params)
{
    UD_CHECK_OK(ud_analyzer_new(&f->analyzer));
    UD_CHECK_OK(ud_bm25_corpus_new(&f->corpus, params));
    ud_arena_init(&f->arena);
}

static void teardown(fixture *f)
{
    ud_arena_dispose(&f->arena);
    ud_bm25_corpus_free(f->corpus);
    ud_analyzer_free(f->analyzer);
}

static void add(fixture *f, uint64_t id, const char *title, const char *text)
{
    UD_CHECK_OK(
        ud_bm25_corpus_add(f->corpus, f->analyzer, id, title, strlen(title), text, strlen(text)));
}

static size_t search(fixture *f, const char *query, ud_bm25_hit **hits, size_t top_k)
{
    size_t count = 0;
    UD_CHECK_OK(ud_bm25_search(hits, &count, f->corpus, f->analyzer, &f->arena, query,
                               strlen(query), top_k));
    return count;
}

/* N = 3, lengths 2, 3, 4, avgdl = 3, k1 = 0.9, b = 0.4:
 *   idf(apple) = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln 1.6
 *   d0: tf 1, dl 2 -> ln1.6 * 1.9 / (1 + 0.9 * (0.6 + 0.4 * 2/3)) = 0.501689267172
 *   d1: tf 2, dl 3 -> ln1.6 * 2 * 1.9 / (2 + 0.9)                  = 0.615866824529 */
void test_bm25__scores_match_hand_computed_values(void)
{
    fixture f;
    setup(&f, NULL);
    add(&f, 100, "", "apple banana");
    add(&f, 101, "", "apple apple cherry");
    add(&f, 102, "", "banana cherry cherry durian");
    UD_CHECK_EQ_INT(3, ud_bm25_corpus_size(f.corpus));
    ud_bm25_hit *hits = NULL;
    UD_CHECK_EQ_INT(2, search(&f, "apple", &hits, 10));
    UD_CHECK_EQ_INT(101, hits[0].doc);
    UD_CHECK_NEAR(0.615866824529, hits[0].score, 1e-9);
    UD_CHECK_EQ_INT(100, hits[1].doc);
    UD_CHECK_NEAR(0.501689267172, hits[1].score, 1e-9);
    /* idf(durian) = ln(1 + 2.5 / 1.5); a query term repeated counts twice. */
    UD_CHECK_EQ_INT(1, search(&f, "durian", &hits, 10));
    UD_CHECK_NEAR(0.922562168674, hits[0].score, 1e-9);
    UD_CHECK_EQ_INT(1, search(&f, "durian durian", &hits, 10));
    UD_CHECK_NEAR(2 * 0.922562168674, hits[0].score, 1e-9);
    /* Scores of several terms add up. */
    UD_CHECK_EQ_INT(3, search(&f, "apple cherries", &hits, 10));
    UD_CHECK_EQ_INT(101, hits[0].doc);
    UD_CHECK_NEAR(0.615866824529 + 0.470003629246, hits[0].score, 1e-9);
    UD_CHECK_EQ_INT(102, hits[1].doc);
    UD_CHECK_NEAR(0.591395295077, hits[1].score, 1e-9);
    /* top_k cuts, unknown and stop words match nothing. */
    UD_CHECK_EQ_INT(1, search(&f, "apple", &hits, 1));
    UD_CHECK_EQ_INT(0, search(&f, "zebra", &hits, 10));
    UD_CHECK_EQ_INT(0, search(&f, "the and of", &hits, 10));
    teardown(&f);
}

/* title_weight 2: d0 = title "apple", text "banana": tf 2, dl 1 + 2 = 3;
 * d1 = text "apple banana cherry": tf 1, dl 3; avgdl 3, N 2, df 2:
 *   idf = ln(1 + 0.5 / 2.5) = ln 1.2
 *   d0: ln1.2 * 2 * 1.9 / (2 + 0.9) = 0.238904108902
 *   d1: ln1.2 * 1.9 / (1 + 0.9)     = 0.182321556794 */
void test_bm25__title_weight_counts_title_terms(void)
{
    ud_bm25_params params;
    ud_bm25_params_default(&params);
    params.title_weight = 2.0;
    fixture f;
    setup(&f, &params);
    add(&f, 1, "Apple", "banana");
    add(&f, 2, "", "apple banana cherry");
    ud_bm25_hit *hits = NULL;
    UD_CHECK_EQ_INT(2, search(&f, "apple", &hits, 10));
    UD_CHECK_EQ_INT(1, hits[0].doc);
    UD_CHECK_NEAR(0.238904108902, hits[0].score, 1e-9);
    UD_CHECK_NEAR(0.182321556794, hits[1].score, 1e-9);
    teardown(&f);
}

void test_bm25__ties_keep_insertion_order(void)
{
    fixture f;
    setup(&f, NULL);
    for (uint64_t i = 0; i < 5; i++)
        add(&f, 50 - i, "", "same words here");
    ud_bm25_hit *hits = NULL;
    UD_CHECK_EQ_INT(5, search(&f, "words", &hits, 10));
    for (uint64_t i = 0; i < 5; i++)
        UD_CHECK_EQ_INT(50 - i, hits[i].doc);
    teardown(&f);
}

void test_bm25__bad_parameters_are_refused(void)
{
    ud_bm25_params params = {0.9, 1.5, 1.0};
    ud_bm25_corpus *corpus = NULL;
    UD_CHECK_EQ_INT(UD_EINVAL, ud_bm25_corpus_new(&corpus, &params));
}

/* Appends s to the NUL-terminated text in buf (large enough by design). */
static void append(char *buf, const char *s)
{
    size_t len = strlen(buf);
    memcpy(buf + len, s, strlen(s) + 1);
}

void test_bm25__excerpt_marks_matches_in_the_best_window(void)
{
    ud_analyzer *analyzer = NULL;
    UD_CHECK_OK(ud_analyzer_new(&analyzer));
    ud_arena arena;
    ud_arena_init(&arena);
    char text[2048] = "Policies about travel are elsewhere. ";
    for (int i = 0; i < 20; i++)
        append(text, "Filler sentence with nothing relevant in it at all. ");
    append(text, "Our parental leave policy gives sixteen weeks.\nMore text follows here.");
    ud_excerpt_opts opts = {120, "[", "]"};
    char *excerpt = NULL;
    UD_CHECK_OK(ud_excerpt_build(&excerpt, analyzer, &arena, text, strlen(text),
                                 "parental leave policies", &opts));
    /* The window with all three terms wins over the one with "Policies". */
    UD_CHECK_CONTAINS(excerpt, "[parental] [leave] [policy]");
    UD_CHECK(strncmp(excerpt, "…", strlen("…")) == 0);
    UD_CHECK(strstr(excerpt, "\n") == NULL);
    UD_CHECK(strlen(excerpt) < 200);
    /* Multi-byte text is never cut inside a character. */
    char wide[4096] = "";
    for (int i = 0; i < 300; i++)
        append(wide, "ü");
    append(wide, " Zoë");
    UD_CHECK_OK(ud_excerpt_build(&excerpt, analyzer, &arena, wide, strlen(wide), "zoë", &opts));
    UD_CHECK(ud_utf8_valid(excerpt, strlen(excerpt)));
    UD_CHECK_CONTAINS(excerpt, "[Zoë]");
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
}
