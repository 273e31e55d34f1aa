/*
 * Tests of the answer's building blocks: context assembly (format, order,
 * the token budget and where a block is cut), citation parsing (the marker
 * styles, unknown and out-of-range citations, hostile text), and the
 * extractive answerer, alone and on the demo workspace with questions whose
 * right sentences are known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/citations.h"
#include "answer/context.h"
#include "answer/llm.h"
#include "base/fs.h"
#include "doc/chunker.h"
#include "doc/tokens.h"
#include "embed/embedder.h"
#include "embed/glove.h"
#include "index/search.h"
#include "store/meta.h"
#include "sync/ingest.h"
#include "sync/reindex.h"
#include "test.h"

static const char NOTHING_FOUND[] =
    "I could not find anything about that in your connected sources.";

static bool valid_utf8(const char *text)
{
    size_t len = strlen(text), pos = 0;
    while (pos < len) {
        int32_t cp;
        size_t step = ud_utf8_decode(text + pos, len - pos, &cp);
        if (cp == 0xFFFD && step == 1)
            return false;
        pos += step;
    }
    return true;
}

static size_t count_of(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* ---- context --------------------------------------------------------- */

void test_answer__context_format_and_order(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_context_chunk chunks[] = {
        {"d1", 0, "Parental Leave Policy", "file", "https://x.example/p", "Sixteen weeks.", 3.0},
        {"d2", 2, "#general", "slack", NULL, "Lunch is at noon.", 2.0},
        {"d3", 0, "Notes", "", NULL, "Third text.", 1.0},
        {"d4", 0, "Empty", "file", NULL, "  \n ", 0.5},
    };
    ud_context ctx;
    UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 4, NULL));
    UD_CHECK_EQ_STR("[Source: Parental Leave Policy (file)]\nSixteen weeks.\n\n"
                    "[Source: #general (slack)]\nLunch is at noon.\n\n"
                    "[Source: Notes]\nThird text.",
                    ctx.text);
    UD_CHECK_EQ_INT(strlen(ctx.text), ctx.len);
    /* The blank chunk has nothing to say and is left out. */
    UD_CHECK_EQ_INT(3, ctx.count);
    UD_CHECK_EQ_STR("d1", ctx.chunks[0].doc_id);
    UD_CHECK_EQ_STR("d2", ctx.chunks[1].doc_id);
    UD_CHECK_EQ_INT(2, ctx.chunks[1].chunk_index);
    UD_CHECK_EQ_STR("https://x.example/p", ctx.chunks[0].url);
    UD_CHECK_EQ_STR("d3", ctx.chunks[2].doc_id);
    UD_CHECK(!ctx.truncated);
    UD_CHECK_EQ_INT(ud_token_count(ctx.text, ctx.len), ctx.tokens);

    /* Nothing in, nothing out. */
    UD_CHECK_OK(ud_context_build(&ctx, &arena, NULL, 0, NULL));
    UD_CHECK_EQ_STR("", ctx.text);
    UD_CHECK_EQ_INT(0, ctx.count);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_context_build(NULL, &arena, chunks, 1, NULL));
    ud_arena_dispose(&arena);
}

void test_answer__context_takes_the_top_ten(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_context_chunk chunks[14];
    for (int i = 0; i < 14; i++)
        chunks[i] = (ud_context_chunk){ud_arena_sprintf(&arena, "d%d", i),
                                       0,
                                       ud_arena_sprintf(&arena, "Doc %d", i),
                                       "file",
                                       NULL,
                                       ud_arena_sprintf(&arena, "Text number %d.", i),
                                       14.0 - i};
    ud_context ctx;
    UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 14, NULL));
    UD_CHECK_EQ_INT(10, ctx.count);
    for (int i = 0; i < 10; i++)
        UD_CHECK_EQ_STR(chunks[i].doc_id, ctx.chunks[i].doc_id);
    UD_CHECK_CONTAINS(ctx.text, "[Source: Doc 9 (file)]\nText number 9.");
    UD_CHECK(!strstr(ctx.text, "Doc 10"));
    ud_context_opts opts = {.max_chunks = 3};
    UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 14, &opts));
    UD_CHECK_EQ_INT(3, ctx.count);
    ud_arena_dispose(&arena);
}

void test_answer__context_budget_cuts_the_last_block_at_a_sentence(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    const char *second = "The first sentence of the second block is here. The second sentence "
                         "follows it closely. A third sentence makes the block long enough to "
                         "need cutting somewhere in the middle. And a fourth one closes it.";
    ud_context_chunk chunks[] = {
        {"a", 0, "First", "file", NULL, "Short first block.", 2},
        {"b", 0, "Second", "file", NULL, second, 1},
        {"c", 0, "Third", "file", NULL, "Never reached.", 0.5},
    };
    size_t whole = ud_token_count(second, strlen(second));
    ud_context_opts opts = {.max_tokens = 12 + 8 + whole * 3 / 4};
    ud_context ctx;
    UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 3, &opts));
    UD_CHECK(ctx.truncated);
    UD_CHECK_EQ_INT(2, ctx.count);
    UD_CHECK(ctx.tokens <= opts.max_tokens);
    UD_CHECK(ud_token_count(ctx.text, ctx.len) <= opts.max_tokens);
    /* The included text of the cut block is a prefix that ends a sentence. */
    const char *cut = ctx.chunks[1].text;
    size_t cut_len = strlen(cut);
    UD_CHECK(cut_len > 0 && cut_len < strlen(second));
    UD_CHECK(strncmp(cut, second, cut_len) == 0);
    UD_CHECK_EQ_INT('.', cut[cut_len - 1]);
    UD_CHECK(ctx.len >= cut_len && strcmp(ctx.text + ctx.len - cut_len, cut) == 0);
    UD_CHECK(!strstr(ctx.text, "Third"));
    /* The input chunks are untouched. */
    UD_CHECK_EQ_STR(second, chunks[1].text);
    ud_arena_dispose(&arena);
}

void test_answer__context_budget_cuts_at_a_word_or_leaves_the_block_out(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    /* No sentence ends anywhere: the cut falls between two words. */
    char words[4000];
    size_t at = 0;
    for (int i = 0; at + 16 < sizeof(words); i++)
        at += (size_t)snprintf(words + at, sizeof(words) - at, "%sword%d", i ? " " : "", i);
    ud_context_chunk chunks[] = {
        {"a", 0, "First", "file", NULL, "Short first block.", 2},
        {"b", 0, "Second", "file", NULL, words, 1},
    };
    ud_context_opts opts = {.max_tokens = 120};
    ud_context ctx;
    UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 2, &opts));
    UD_CHECK(ctx.truncated);
    UD_CHECK_EQ_INT(2, ctx.count);
    const char *cut = ctx.chunks[1].text;
    size_t cut_len = strlen(cut);
    UD_CHECK(cut_len > 0 && strncmp(cut, words, cut_len) == 0);
    UD_CHECK_EQ_INT(' ', words[cut_len]); /* a whole word was kept, no more */
    UD_CHECK(ctx.tokens <= 120);

    /* Room for the first block and a header but not a useful part of the
     * second: it is left out, and the context is not marked as cut. */
    size_t first = ud_token_count(ctx.text, strlen("[Source: First (file)]\nShort first block."));
    opts.max_tokens = first + 10;
    UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 2, &opts));
    UD_CHECK_EQ_INT(1, ctx.count);
    UD_CHECK(!ctx.truncated);
    UD_CHECK_EQ_STR("[Source: First (file)]\nShort first block.", ctx.text);

    /* Whatever the budget, the text never counts more. */
    for (size_t budget = 1; budget < 700; budget += 7) {
        opts.max_tokens = budget;
        UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 2, &opts));
        UD_CHECK(ud_token_count(ctx.text, ctx.len) <= budget);
    }
    ud_arena_dispose(&arena);
}

void test_answer__context_titles_are_made_safe_for_markers(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_context_chunk chunks[] = {
        {"a", 0, "Q3 [draft]\nplan\t\x01 notes", "file", NULL, "Plan text.", 2},
        {"b", 0, "  ", "gmail]", NULL, "Untitled text.", 1},
        {"c", 0, "Bad \xff byte", "file", NULL, "Bad text.", 1},
    };
    ud_context ctx;
    UD_CHECK_OK(ud_context_build(&ctx, &arena, chunks, 3, NULL));
    UD_CHECK_CONTAINS(ctx.text, "[Source: Q3 (draft) plan notes (file)]\nPlan text.");
    UD_CHECK_CONTAINS(ctx.text, "[Source: Untitled (gmail))]\nUntitled text.");
    UD_CHECK_CONTAINS(ctx.text, "[Source: Bad \xEF\xBF\xBD byte (file)]");
    UD_CHECK(valid_utf8(ctx.text));
    /* The markers a model copies from that context parse back. */
    const char *answer = "One [Source: Q3 (draft) plan notes]. Two [Source: Untitled (gmail))]. "
                         "Three [Source: Bad \xEF\xBF\xBD byte (file)].";
    ud_citations cits;
    UD_CHECK_OK(ud_citations_extract(&cits, &arena, answer, strlen(answer), ctx.chunks, ctx.count));
    UD_CHECK_EQ_INT(3, cits.count);
    UD_CHECK_EQ_STR("a", cits.items[0].doc_id);
    UD_CHECK_EQ_STR("b", cits.items[1].doc_id);
    UD_CHECK_EQ_STR("c", cits.items[2].doc_id);
    UD_CHECK_EQ_INT(0, cits.dropped);
    /* The citation keeps the chunk's own title. */
    UD_CHECK_EQ_STR("Q3 [draft]\nplan\t\x01 notes", cits.items[0].title);
    ud_arena_dispose(&arena);
}

/* ---- citations -------------------------------------------------------- */

static const ud_context_chunk CITED[] = {
    {"doc-leave", 0, "Parental Leave Policy", "file", "file:///demo/hr/parental-leave-policy.md",
     "# Parental Leave Policy\nPrimary caregivers get 16 weeks of fully paid parental leave.", 9},
    {"doc-atlas", 1, "Atlas AMR Product Specification", "file", NULL,
     "Battery life per charge: 10 hours.", 8},
    {"doc-outage", 0, "Postmortem: Hermes Cloud Database Outage, 12 March 2025", "file", NULL,
     "A planned failover did not complete.", 7},
    {"doc-standup", 0, "Standup", "slack", NULL, "Slack standup notes.", 6},
    {"doc-standup-mail", 0, "Standup", "gmail", NULL, "Mail standup notes.", 5},
};
#define CITED_COUNT (sizeof(CITED) / sizeof(CITED[0]))

static ud_citations cite(ud_arena *arena, const char *answer)
{
    ud_citations cits;
    UD_CHECK_OK(ud_citations_extract(&cits, arena, answer, strlen(answer), CITED, CITED_COUNT));
    return cits;
}

void test_answer__citations_both_marker_styles(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations c = cite(&arena, "Atlas runs 10 hours [Source: Atlas AMR Product Specification "
                                  "(file)]. Leave is 16 weeks [Source: Parental Leave Policy]. "
                                  "Again [Source: Atlas AMR Product Specification].");
    UD_CHECK_EQ_INT(2, c.count);
    UD_CHECK_EQ_INT(0, c.dropped);
    /* First-cited order, deduplicated. */
    UD_CHECK_EQ_STR("Atlas AMR Product Specification", c.items[0].title);
    UD_CHECK_EQ_STR("doc-atlas", c.items[0].doc_id);
    UD_CHECK_EQ_INT(1, c.items[0].chunk);
    UD_CHECK(c.items[0].url == NULL);
    UD_CHECK_EQ_STR("file", c.items[0].source_type);
    UD_CHECK_EQ_STR("Battery life per charge: 10 hours.", c.items[0].excerpt);
    UD_CHECK_EQ_STR("Parental Leave Policy", c.items[1].title);
    UD_CHECK_EQ_STR("file:///demo/hr/parental-leave-policy.md", c.items[1].url);
    /* The heading marks are not part of the excerpt. */
    UD_CHECK_EQ_STR("Parental Leave Policy Primary caregivers get 16 weeks of fully paid "
                    "parental leave.",
                    c.items[1].excerpt);

    /* Case, spacing, Markdown emphasis and quotes do not matter. */
    c = cite(&arena, "x [source:   parental  LEAVE policy ] y [SOURCES: **Atlas AMR product "
                     "specification**] z [Source: \xE2\x80\x9CParental Leave Policy\xE2\x80\x9D]");
    UD_CHECK_EQ_INT(2, c.count);
    UD_CHECK_EQ_INT(0, c.dropped);
    UD_CHECK_EQ_STR("doc-leave", c.items[0].doc_id);
    UD_CHECK_EQ_STR("doc-atlas", c.items[1].doc_id);

    /* Numeric markers are 1-based positions in the context. */
    c = cite(&arena, "First [2]. Then [1, 3] and [3]. Range [4-5].");
    UD_CHECK_EQ_INT(5, c.count);
    UD_CHECK_EQ_STR("doc-atlas", c.items[0].doc_id);
    UD_CHECK_EQ_STR("doc-leave", c.items[1].doc_id);
    UD_CHECK_EQ_STR("doc-outage", c.items[2].doc_id);
    UD_CHECK_EQ_STR("doc-standup", c.items[3].doc_id);
    UD_CHECK_EQ_STR("doc-standup-mail", c.items[4].doc_id);
    UD_CHECK_EQ_INT(0, c.dropped);
    ud_arena_dispose(&arena);
}

void test_answer__citations_several_titles_in_one_marker(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations c = cite(&arena, "[Sources: Parental Leave Policy; Atlas AMR Product "
                                  "Specification]");
    UD_CHECK_EQ_INT(2, c.count);
    UD_CHECK_EQ_STR("doc-leave", c.items[0].doc_id);
    UD_CHECK_EQ_STR("doc-atlas", c.items[1].doc_id);

    /* A title holding a comma survives splitting at commas. */
    c = cite(&arena, "[Source: Postmortem: Hermes Cloud Database Outage, 12 March 2025, "
                     "Parental Leave Policy (file); Source: Atlas AMR Product Specification]");
    UD_CHECK_EQ_INT(3, c.count);
    UD_CHECK_EQ_STR("doc-outage", c.items[0].doc_id);
    UD_CHECK_EQ_STR("doc-leave", c.items[1].doc_id);
    UD_CHECK_EQ_STR("doc-atlas", c.items[2].doc_id);
    UD_CHECK_EQ_INT(0, c.dropped);

    /* Known and unknown together: the unknown part alone is dropped. */
    c = cite(&arena, "[Source: Parental Leave Policy, Travel Policy; 2]");
    UD_CHECK_EQ_INT(2, c.count);
    UD_CHECK_EQ_STR("doc-leave", c.items[0].doc_id);
    UD_CHECK_EQ_STR("doc-atlas", c.items[1].doc_id);
    UD_CHECK_EQ_INT(1, c.dropped);
    ud_arena_dispose(&arena);
}

void test_answer__citations_of_unknown_titles_are_dropped_and_counted(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations c = cite(&arena, "[Source: Travel Policy] and [Source: Parental Leave] and "
                                  "[Source: Parental Leave Policy] and [Source: Nowhere (slack)]");
    UD_CHECK_EQ_INT(1, c.count);
    UD_CHECK_EQ_STR("doc-leave", c.items[0].doc_id);
    UD_CHECK_EQ_INT(3, c.dropped);

    /* A title several chunks share names the best ranked, unless the
     * source type says which. */
    c = cite(&arena, "[Source: Standup]");
    UD_CHECK_EQ_INT(1, c.count);
    UD_CHECK_EQ_STR("doc-standup", c.items[0].doc_id);
    c = cite(&arena, "[Source: Standup (gmail)]");
    UD_CHECK_EQ_INT(1, c.count);
    UD_CHECK_EQ_STR("doc-standup-mail", c.items[0].doc_id);
    ud_arena_dispose(&arena);
}

void test_answer__citations_numbers_out_of_range_are_dropped(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations c = cite(&arena, "[0] [6] [1] [99999999999999999999] [2, 7] [3-1] [1-1000] "
                                  "[18446744073709551617]");
    UD_CHECK_EQ_INT(2, c.count);
    UD_CHECK_EQ_STR("doc-leave", c.items[0].doc_id);
    UD_CHECK_EQ_STR("doc-atlas", c.items[1].doc_id);
    /* 0, 6, the huge one, 7, the backwards range, the huge range, the other
     * huge one. */
    UD_CHECK_EQ_INT(7, c.dropped);
    /* Bracketed text that is not a citation is neither. */
    c = cite(&arena, "[x] [ ] [see above] [link](http://x.example) [-] [Source] [1a] [[]]");
    UD_CHECK_EQ_INT(0, c.count);
    UD_CHECK_EQ_INT(0, c.dropped);
    /* No chunks: every citation is dropped. */
    ud_citations none;
    UD_CHECK_OK(ud_citations_extract(&none, &arena, "[1] [Source: A]", 15, NULL, 0));
    UD_CHECK_EQ_INT(0, none.count);
    UD_CHECK_EQ_INT(2, none.dropped);
    ud_arena_dispose(&arena);
}

void test_answer__citations_survive_hostile_text(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    /* Unclosed, nested, invalid UTF-8, NUL bytes and control characters. */
    const char nasty[] = "[Source: Parental Leave Policy [Source: Atlas AMR Product "
                         "Specification]] [Source: \xff\xfe\xc3] [Source: Pa\0rental] [2\x01] "
                         "[Source: Parental Leave Policy";
    ud_citations c;
    UD_CHECK_OK(ud_citations_extract(&c, &arena, nasty, sizeof(nasty) - 1, CITED, CITED_COUNT));
    UD_CHECK_EQ_INT(1, c.count);
    UD_CHECK_EQ_STR("doc-atlas", c.items[0].doc_id);
    UD_CHECK_EQ_INT(2, c.dropped);

    /* Megabytes of brackets, of one endless marker, of markers with many
     * parts, of numbers: bounded work, bounded counts, no crash. */
    size_t size = 2u << 20;
    char *big = malloc(size + 1);
    memset(big, '[', size);
    big[size] = '\0';
    UD_CHECK_OK(ud_citations_extract(&c, &arena, big, size, CITED, CITED_COUNT));
    UD_CHECK_EQ_INT(0, c.count);
    memcpy(big, "[Source: ", 9);
    memset(big + 9, 'a', size - 9);
    UD_CHECK_OK(ud_citations_extract(&c, &arena, big, size, CITED, CITED_COUNT));
    UD_CHECK_EQ_INT(0, c.count);
    size_t at = 0;
    while (at + 64 < size)
        at += (size_t)snprintf(big + at, size - at, "[Source: x, y; z, w; %zu, Standup] ", at);
    UD_CHECK_OK(ud_citations_extract(&c, &arena, big, at, CITED, CITED_COUNT));
    UD_CHECK_EQ_INT(1, c.count);
    UD_CHECK(c.dropped <= UD_CITATION_MAX_MARKERS * UD_CITATION_MAX_PARTS);
    at = 0;
    while (at + 16 < size)
        at += (size_t)snprintf(big + at, size - at, "[%zu] ", at % 9);
    UD_CHECK_OK(ud_citations_extract(&c, &arena, big, at, CITED, CITED_COUNT));
    UD_CHECK_EQ_INT(5, c.count);
    UD_CHECK(c.dropped <= UD_CITATION_MAX_MARKERS);
    free(big);
    UD_CHECK_EQ_INT(UD_EINVAL, ud_citations_extract(&c, &arena, NULL, 3, CITED, CITED_COUNT));
    ud_arena_dispose(&arena);
}

void test_answer__citation_excerpts_are_cut_at_words(void)
{
    ud_arena arena;
    ud_arena_init(&arena);
    UD_CHECK_EQ_STR("Short text.", ud_citation_excerpt(&arena, "  Short\n\n  text.  ", 200));
    UD_CHECK_EQ_STR("", ud_citation_excerpt(&arena, "", 200));
    /* Long text with two-byte letters: ~200 characters, whole words, the
     * ellipsis, valid UTF-8. */
    char text[3000];
    size_t at = 0;
    for (int i = 0; at + 20 < sizeof(text); i++)
        at += (size_t)snprintf(text + at, sizeof(text) - at, "Grüße%d ", i);
    char *ex = ud_citation_excerpt(&arena, text, UD_CITATION_EXCERPT_CHARS);
    size_t len = strlen(ex);
    UD_CHECK(valid_utf8(ex));
    UD_CHECK(len >= 3 && strcmp(ex + len - 3, "\xE2\x80\xA6") == 0);
    size_t kept = len - 3;
    UD_CHECK(strncmp(ex, text, kept) == 0);
    UD_CHECK_EQ_INT(' ', text[kept]);
    size_t chars = 0;
    for (size_t i = 0; i < kept; i++)
        chars += ((unsigned char)ex[i] & 0xC0) != 0x80;
    UD_CHECK(chars <= UD_CITATION_EXCERPT_CHARS && chars > UD_CITATION_EXCERPT_CHARS - 20);
    /* One word longer than the excerpt: cut inside it, at a character. */
    char word[1000];
    for (size_t i = 0; i + 2 < sizeof(word); i += 2)
        memcpy(word + i, "\xC3\xA9", 2);
    word[sizeof(word) - 2] = '\0';
    ex = ud_citation_excerpt(&arena, word, 10);
    UD_CHECK_EQ_STR("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3"
                    "\xA9\xE2\x80\xA6",
                    ex);
    /* Invalid bytes become U+FFFD. */
    ex = ud_citation_excerpt(&arena, "ab\xff\xc3 cd", 200);
    UD_CHECK_EQ_STR("ab\xEF\xBF\xBD\xEF\xBF\xBD cd", ex);
    ud_arena_dispose(&arena);
}

/* ---- the extractive answerer ------------------------------------------- */

typedef struct collected {
    char text[16384];
    size_t len;
    size_t deltas;
    size_t stop_after; /* 0: never */
} collected;

static int collect(const char *delta, size_t len, void *payload)
{
    collected *c = payload;
    if (c->len + len < sizeof(c->text)) {
        memcpy(c->text + c->len, delta, len);
        c->len += len;
        c->text[c->len] = '\0';
    }
    c->deltas++;
    return c->stop_after && c->deltas >= c->stop_after;
}

/* Answers question over chunks; the text is malloc'd. */
static char *answer(ud_llm *llm, const char *question, const ud_context_chunk *chunks, size_t count)
{
    ud_llm_request req = {.question = question, .chunks = chunks, .chunk_count = count};
    ud_llm_result result;
    collected streamed = {.len = 0};
    UD_CHECK_OK(ud_llm_generate(llm, &result, &req, collect, &streamed));
    UD_CHECK_EQ_STR("extractive", result.provider);
    UD_CHECK_EQ_STR(result.text, streamed.text); /* streamed, nothing lost or doubled */
    UD_CHECK_EQ_INT(strlen(result.text), result.text_len);
    UD_CHECK(result.text_sent);
    UD_CHECK(valid_utf8(result.text));
    char *text = result.text;
    result.text = NULL;
    ud_llm_result_dispose(&result);
    return text;
}

static ud_llm *extractive(ud_embedder *embedder)
{
    ud_llm *llm = NULL;
    ud_llm_config config = {.kind = "extractive", .embedder = embedder};
    UD_CHECK_OK(ud_llm_new(&llm, &config));
    UD_CHECK_EQ_STR("extractive", llm->kind);
    return llm;
}

void test_answer__extractive_sentences_abbreviations_and_decimals(void)
{
    ud_llm *llm = extractive(NULL);
    ud_context_chunk chunks[] = {
        {"d1", 0, "Team Notes", "file", NULL,
         "Dr. Smith leads the U.S. robotics team at Acme Inc. in Boston. The robotics team "
         "grew 3.5 times in 2024, e.g. in the Boston lab. Lunch is served at noon.",
         1}};
    char *text = answer(llm, "Who leads the robotics team?", chunks, 1);
    UD_CHECK_CONTAINS(text, "Dr. Smith leads the U.S. robotics team at Acme Inc. in Boston.");
    UD_CHECK_CONTAINS(text, "[Source: Team Notes]");
    UD_CHECK(!strstr(text, "Lunch"));
    free(text);
    text = answer(llm, "Which robotics team grew 3.5 times in 2024?", chunks, 1);
    UD_CHECK_CONTAINS(text, "The robotics team grew 3.5 times in 2024, e.g. in the Boston lab.");
    free(text);
    ud_llm_free(llm);
}

void test_answer__extractive_reads_markdown_lists_tables_and_headings(void)
{
    ud_llm *llm = extractive(NULL);
    ud_context_chunk chunks[] = {
        {"d1", 0, "Robot Spec", "file", NULL,
         "# Robot Spec\n\n## Charging\n\n"
         "- **Fast charge**: 2 hours from 10% to 100% at the\n"
         "  charging dock, with the *standard* cable.\n"
         "- • Cold store: runtime drops by 15% below zero.\n"
         "1. **Dock check.** Inspect the dock springs every quarter.\n\n"
         "| Parameter | Value |\n|---|---|\n| Charging current | 60 A |\n| Weight | 182 kg |\n\n"
         "| Region | Weekday standby | Weekend standby |\n|---|---|---|\n"
         "| Germany | 45 EUR | 90 EUR |\n\n"
         "Robot Spec - page 1 of 3\n",
         1}};
    char *text = answer(llm, "How long does a fast charge take at the charging dock?", chunks, 1);
    UD_CHECK_CONTAINS(text, "Fast charge: 2 hours from 10% to 100% at the charging dock, with "
                            "the standard cable.");
    UD_CHECK(!strstr(text, "**"));
    UD_CHECK(!strstr(text, "- "));
    UD_CHECK(!strstr(text, "#"));
    UD_CHECK(!strstr(text, "page 1"));
    free(text);
    /* A table row with a header reads as "first cell: value". */
    text = answer(llm, "What is the charging current?", chunks, 1);
    UD_CHECK_CONTAINS(text, "Charging current: 60 A.");
    UD_CHECK(!strstr(text, "|"));
    UD_CHECK(!strstr(text, "Parameter"));
    free(text);
    text = answer(llm, "What is the weekend standby pay in Germany?", chunks, 1);
    UD_CHECK_CONTAINS(text,
                      "Germany \xE2\x80\x94 Weekday standby: 45 EUR; Weekend standby: 90 EUR.");
    free(text);
    /* A numbered item's bold lead stays with its sentence. */
    text = answer(llm, "How often are the dock springs inspected?", chunks, 1);
    UD_CHECK_CONTAINS(text, "Dock check. Inspect the dock springs every quarter.");
    free(text);
    ud_llm_free(llm);
}

void test_answer__extractive_groups_by_source_and_drops_repeats(void)
{
    ud_llm *llm = extractive(NULL);
    ud_context_chunk chunks[] = {
        {"d1", 0, "Vacation Policy", "file", NULL,
         "Employees in Germany get 30 vacation days a year. Vacation days expire in March.", 3},
        {"d2", 0, "Employee Handbook", "file", NULL,
         "Employees in Germany get 30 vacation days a year. The handbook covers conduct.", 2},
        {"d3", 0, "Munich Office Notes", "file", NULL,
         "Employees in Munich, Germany, add two extra vacation days for carnival.", 1},
    };
    char *text = answer(llm, "How many vacation days do employees in Germany get?", chunks, 3);
    /* The same sentence in two documents is said once. */
    UD_CHECK_EQ_INT(1, count_of(text, "Employees in Germany get 30 vacation days a year."));
    /* One paragraph per source in rank order, each with its marker. */
    const char *first = strstr(text, "[Source: Vacation Policy]");
    const char *third = strstr(text, "[Source: Munich Office Notes]");
    UD_CHECK(first && third && first < third);
    UD_CHECK(!strstr(text, "[Source: Employee Handbook]"));
    UD_CHECK_CONTAINS(text, "[Source: Vacation Policy]\n\n");
    UD_CHECK_EQ_INT(2, count_of(text, "[Source: "));
    /* What the answer cites parses back to the chunks, nothing dropped. */
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations cits;
    UD_CHECK_OK(ud_citations_extract(&cits, &arena, text, strlen(text), chunks, 3));
    UD_CHECK_EQ_INT(2, cits.count);
    UD_CHECK_EQ_STR("d1", cits.items[0].doc_id);
    UD_CHECK_EQ_STR("d3", cits.items[1].doc_id);
    UD_CHECK_EQ_INT(0, cits.dropped);
    ud_arena_dispose(&arena);
    free(text);
    ud_llm_free(llm);
}

void test_answer__extractive_says_so_when_nothing_is_relevant(void)
{
    ud_llm *llm = extractive(NULL);
    ud_context_chunk chunks[] = {
        {"d1", 0, "Vacation Policy", "file", NULL, "Employees get 30 vacation days a year.", 1}};
    char *text = answer(llm, "What is the recipe for chocolate cake?", chunks, 1);
    UD_CHECK_EQ_STR(NOTHING_FOUND, text);
    free(text);
    /* One term of two is not enough. */
    text = answer(llm, "What is the vacation budget of the CEO?", chunks, 1);
    UD_CHECK_EQ_STR(NOTHING_FOUND, text);
    free(text);
    text = answer(llm, "What is the vacation policy?", NULL, 0);
    UD_CHECK_EQ_STR(NOTHING_FOUND, text);
    free(text);
    /* A question of question words only. */
    text = answer(llm, "What is it, and how?", chunks, 1);
    UD_CHECK_EQ_STR(NOTHING_FOUND, text);
    free(text);
    ud_llm_free(llm);
}

void test_answer__extractive_stops_when_the_listener_goes_away(void)
{
    ud_llm *llm = extractive(NULL);
    ud_context_chunk chunks[] = {
        {"d1", 0, "Vacation Policy", "file", NULL,
         "Employees get 30 vacation days a year. Unused vacation days expire in March. Vacation "
         "days are booked in the HR portal.",
         1}};
    ud_llm_request req = {.question = "vacation days", .chunks = chunks, .chunk_count = 1};
    ud_llm_result result;
    collected streamed = {.stop_after = 1};
    UD_CHECK_EQ_INT(UD_ECANCELED, ud_llm_generate(llm, &result, &req, collect, &streamed));
    UD_CHECK(result.text_sent);
    UD_CHECK_EQ_INT(1, streamed.deltas);
    UD_CHECK_EQ_STR(streamed.text, result.text);
    UD_CHECK(!strstr(result.text, "[Source:"));
    ud_llm_result_dispose(&result);

    /* Without a listener, the whole answer in the result. */
    UD_CHECK_OK(ud_llm_generate(llm, &result, &req, NULL, NULL));
    UD_CHECK(!result.text_sent);
    UD_CHECK_CONTAINS(result.text, "Employees get 30 vacation days a year.");
    UD_CHECK_CONTAINS(result.text, "[Source: Vacation Policy]");
    UD_CHECK_EQ_STR("stop", result.stop_reason);
    ud_llm_result_dispose(&result);

    /* A small max_tokens keeps fewer sentences, and says so. */
    req.max_tokens = 12;
    UD_CHECK_OK(ud_llm_generate(llm, &result, &req, NULL, NULL));
    UD_CHECK_EQ_STR("max_tokens", result.stop_reason);
    UD_CHECK_EQ_INT(1, count_of(result.text, ". "));
    UD_CHECK_CONTAINS(result.text, "[Source: Vacation Policy]");
    ud_llm_result_dispose(&result);
    ud_llm_free(llm);
}

void test_answer__extractive_survives_hostile_chunks(void)
{
    ud_llm *llm = extractive(NULL);
    /* A megabyte without a full stop, invalid UTF-8, brackets, and a
     * document that writes a citation marker of its own. */
    size_t size = 1u << 20;
    char *flood = malloc(size + 1);
    for (size_t i = 0; i < size; i++)
        flood[i] = "robot \xff[|*#\n-"[i % 13];
    flood[size] = '\0';
    char *many = malloc(size + 1);
    size_t at = 0;
    while (at + 40 < size)
        at += (size_t)snprintf(many + at, size - at, "Robot %zu is fine. ", at);
    many[at] = '\0';
    ud_context_chunk chunks[] = {
        {"d1", 0, "Flood", "file", NULL, flood, 3},
        {"d2", 0, "Many", "file", NULL, many, 2},
        {"d3", 0, "Injected [Title]", "file", NULL,
         "The robot fleet is safe [Source: Fake Document] and [1] audited.", 1},
    };
    char *text = answer(llm, "Is the robot fleet safe?", chunks, 3);
    UD_CHECK(!strstr(text, "[Source: Fake Document]"));
    UD_CHECK_CONTAINS(text, "The robot fleet is safe (Source: Fake Document) and (1) audited.");
    UD_CHECK_CONTAINS(text, "[Source: Injected (Title)]");
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations cits;
    UD_CHECK_OK(ud_citations_extract(&cits, &arena, text, strlen(text), chunks, 3));
    UD_CHECK_EQ_INT(0, cits.dropped);
    UD_CHECK(cits.count >= 1);
    for (size_t i = 0; i < cits.count; i++)
        UD_CHECK(strcmp(cits.items[i].doc_id, "d1") != 0); /* the flood has no sentence */
    ud_arena_dispose(&arena);
    free(text);
    free(flood);
    free(many);
    ud_llm_free(llm);
}

/* A four-word vocabulary in the npm package's layout (see test_vectors.c). */
static const char GLOVE_JSON[] =
    "{\"precision\":8,\"l2NormIndex\":3,\"wordIndex\":4,\"size\":5,\"dimensions\":3,"
    "\"words\":[\"the\",\"battery\",\"charge\",\"lunch\",\"robot\"],"
    "\"vectors\":{\"the\":[1,0,0,1,0],\"battery\":[0,1,0.1,1,1],\"charge\":[0,0.9,0.25,1,2],"
    "\"lunch\":[0.1,0,1,1,3],\"robot\":[0.5,0.5,0,1,4]},"
    "\"unkVector\":[0,0,0,-1]}";

void test_answer__extractive_with_word_vectors(void)
{
    const char *dir = ud_test_tmpdir();
    const char *json = ud_test_write_file(dir, "vectors.json", GLOVE_JSON, sizeof(GLOVE_JSON) - 1);
    char bin[600];
    snprintf(bin, sizeof(bin), "%s/vectors.bin", dir);
    size_t words = 0;
    UD_CHECK_OK(ud_glove_convert(&words, json, bin));
    ud_embedder *embedder = NULL;
    UD_CHECK_OK(ud_embedder_open_static(&embedder, bin));
    ud_llm *llm = extractive(embedder);
    ud_context_chunk chunks[] = {
        {"d1", 0, "Robot Notes", "file", NULL,
         "The robot battery lasts ten hours on one charge. The robot battery is blue. Lunch "
         "is at noon.",
         1}};
    char *text = answer(llm, "How long does the robot battery last on a charge?", chunks, 1);
    UD_CHECK_CONTAINS(text, "The robot battery lasts ten hours on one charge.");
    UD_CHECK(!strstr(text, "Lunch"));
    UD_CHECK_CONTAINS(text, "[Source: Robot Notes]");
    free(text);
    text = answer(llm, "What is the recipe for chocolate cake?", chunks, 1);
    UD_CHECK_EQ_STR(NOTHING_FOUND, text);
    free(text);
    ud_llm_free(llm);
    ud_embedder_free(embedder);
}

/* ---- the demo workspace ------------------------------------------------ */

typedef struct demo {
    char data[600];
    ud_meta *meta;
    ud_searcher *searcher;
    const char *org_id;
    ud_arena arena; /* lives as long as the demo */
} demo;

/* Ingests demo/ into a fresh data directory (store, index; no vectors, so
 * retrieval is BM25 and the answers do not depend on a vector file). */
static void skip_export(const char *path, const char *connector, void *payload)
{
    (void)path;
    (void)connector;
    (void)payload;
}

static void demo_open(demo *d)
{
    ud_arena_init(&d->arena);
    snprintf(d->data, sizeof(d->data), "%s/data", ud_test_tmpdir());
    char url[700];
    snprintf(url, sizeof(url), "sqlite://%s/meta.db", d->data);
    UD_CHECK_OK(ud_mkdirs(d->data));
    UD_CHECK_OK(ud_meta_open(&d->meta, url));
    UD_CHECK_OK(ud_meta_migrate(d->meta, NULL));
    ud_org org;
    UD_CHECK_OK(ud_meta_org_create(&org, d->meta, &d->arena, "Northwind", "northwind", "starter"));
    d->org_id = org.id;
    ud_collection_writer *index = NULL;
    UD_CHECK_OK(ud_index_open_writer(&index, NULL, d->data, d->meta, d->org_id, NULL));
    ud_ingest_opts opts;
    ud_ingest_opts_default(&opts, d->org_id);
    opts.index = index;
    opts.on_export = skip_export; /* the questions are about the demo's files */
    ud_ingest_stats stats;
    const char *paths[] = {"demo"};
    UD_CHECK_OK(ud_ingest_paths(&stats, d->meta, paths, 1, &opts));
    ud_collection_writer_close(index);
    UD_CHECK_EQ_INT(0, stats.counts.failed);
    UD_CHECK(stats.counts.added >= 200);
    UD_CHECK_OK(ud_searcher_new(&d->searcher, d->data, NULL, NULL));
}

static void demo_close(demo *d)
{
    ud_searcher_free(d->searcher);
    ud_meta_close(d->meta);
    ud_arena_dispose(&d->arena);
}

/* What the pipeline does: retrieve, assemble the context, generate,
 * extract the citations. */
static char *demo_ask(demo *d, ud_arena *arena, const char *question, ud_citations *cits)
{
    ud_search_hit *hits = NULL;
    size_t count = 0;
    ud_search_opts so = {.top_k = 10};
    UD_CHECK_OK(ud_searcher_search(&hits, &count, d->searcher, arena, d->org_id, question, &so));
    ud_context_chunk *ranked = ud_arena_alloc(arena, (count + 1) * sizeof(ud_context_chunk));
    for (size_t i = 0; i < count; i++) {
        UD_CHECK(hits[i].text != NULL);
        ranked[i] = (ud_context_chunk){hits[i].doc_id,      hits[i].chunk_index, hits[i].title,
                                       hits[i].source_type, hits[i].url,         hits[i].text,
                                       hits[i].score};
    }
    ud_context ctx;
    ud_context_opts co = {.max_tokens = 8000};
    UD_CHECK_OK(ud_context_build(&ctx, arena, ranked, count, &co));
    UD_CHECK(ctx.tokens <= 8000);
    ud_llm *llm = extractive(NULL);
    char *text = answer(llm, question, ctx.chunks, ctx.count);
    ud_llm_free(llm);
    UD_CHECK_OK(ud_citations_extract(cits, arena, text, strlen(text), ctx.chunks, ctx.count));
    UD_CHECK_EQ_INT(0, cits->dropped);
    return text;
}

static bool cites(const ud_citations *cits, const char *title)
{
    for (size_t i = 0; i < cits->count; i++)
        if (strcmp(cits->items[i].title, title) == 0)
            return true;
    return false;
}

void test_answer__extractive_answers_demo_questions(void)
{
    demo d;
    demo_open(&d);
    static const struct {
        const char *question;
        const char *sentence; /* the right one, as the answer must say it */
        const char *title;    /* the document it comes from */
    } QUESTIONS[] = {
        {"How many weeks of paid parental leave do primary caregivers get?",
         "Primary caregivers get 16 weeks of fully paid parental leave.", "Parental Leave Policy"},
        {"What is the battery life of the Atlas AMR?",
         "Battery life per charge: 10 hours of runtime in typical mixed duty",
         "Atlas AMR Product Specification"},
        {"What was the root cause of the Hermes database outage?",
         "The switchover script promoted the replica and sent a stop request to the old primary, "
         "but did not wait for confirmation that the old primary had stopped.",
         "Postmortem: Hermes Cloud Database Outage, 12 March 2025"},
        {"What caused the charging dock to overheat at Granite Foods?",
         "A bent contact spring on the dock reduced the contact area, raising resistance.",
         "Incident Review: Charging Dock Overheating at Granite Foods"},
        {"How much is the learning budget per employee?",
         "Each employee has 1,500 EUR (or 1,600 USD) per year for courses, books and "
         "conferences, plus up to three working days.",
         "Learning and Conference Budget"},
        {"What is the home office allowance?",
         "One-off 600 EUR / 650 USD for a desk, chair and monitor, plus 30 EUR / 35 USD a month "
         "towards internet.",
         "Remote and Hybrid Work Policy"},
        {"How much is weekend on-call standby pay in Germany?",
         "Germany \xE2\x80\x94 Weekday standby (per day): 45 EUR; Weekend/holiday standby (per "
         "day): 90 EUR",
         "On-Call Compensation"},
    };
    for (size_t i = 0; i < sizeof(QUESTIONS) / sizeof(QUESTIONS[0]); i++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_citations cits;
        char *text = demo_ask(&d, &arena, QUESTIONS[i].question, &cits);
        if (!strstr(text, QUESTIONS[i].sentence))
            ud_test_fail(__FILE__, __LINE__, "%s\nanswer: %s\nmissing: %s", QUESTIONS[i].question,
                         text, QUESTIONS[i].sentence);
        char marker[300];
        snprintf(marker, sizeof(marker), "[Source: %s]", QUESTIONS[i].title);
        UD_CHECK_CONTAINS(text, marker);
        /* The right source is cited first: its paragraph leads. */
        UD_CHECK(cits.count >= 1);
        UD_CHECK_EQ_STR(QUESTIONS[i].title, cits.items[0].title);
        UD_CHECK(cites(&cits, QUESTIONS[i].title));
        UD_CHECK(cits.count <= 3);
        UD_CHECK(strlen(text) < 2000); /* a handful of sentences, not a page */
        free(text);
        ud_arena_dispose(&arena);
    }
    demo_close(&d);
}

void test_answer__extractive_on_demo_says_when_nothing_is_found(void)
{
    demo d;
    demo_open(&d);
    static const char *const ABSENT[] = {
        "What is the recipe for chocolate cake?",
        "Who won the football world cup in 2018?",
        "What is the salary of the CEO?",
    };
    for (size_t i = 0; i < sizeof(ABSENT) / sizeof(ABSENT[0]); i++) {
        ud_arena arena;
        ud_arena_init(&arena);
        ud_citations cits;
        char *text = demo_ask(&d, &arena, ABSENT[i], &cits);
        if (strcmp(text, NOTHING_FOUND) != 0)
            ud_test_fail(__FILE__, __LINE__, "%s\nanswer: %s", ABSENT[i], text);
        UD_CHECK_EQ_INT(0, cits.count);
        free(text);
        ud_arena_dispose(&arena);
    }
    demo_close(&d);
}
