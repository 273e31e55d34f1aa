/*
 * Tests of what the extractive answerer answers: the sentence that holds
 * what the question asks for (a person, a decision) over one that only
 * repeats its words, no message headers or signatures, the best
 * document's best sentence first with the rest in retrieval order, and a
 * sentence that leans on the one before it quoted with it.
 */
#include <stdlib.h>
#include <string.h>

#include "answer/answer_type.h"
#include "answer/citations.h"
#include "answer/llm.h"
#include "test.h"

/* The extractive answer to question over chunks (malloc'd). */
static char *ask(const char *question, const ud_context_chunk *chunks, size_t count)
{
    ud_llm *llm = NULL;
    ud_llm_config config = {.kind = "extractive"};
    UD_CHECK_OK(ud_llm_new(&llm, &config));
    ud_llm_request req = {.question = question, .chunks = chunks, .chunk_count = count};
    ud_llm_result result;
    UD_CHECK_OK(ud_llm_generate(llm, &result, &req, NULL, NULL));
    char *text = result.text;
    result.text = NULL;
    ud_llm_result_dispose(&result);
    ud_llm_free(llm);
    return text;
}

static void check_starts_with(const char *text, const char *prefix)
{
    if (strncmp(text, prefix, strlen(prefix)) != 0)
        ud_test_fail(__FILE__, __LINE__, "answer does not start with \"%s\": \"%s\"", prefix, text);
}

void test_extractive_answers__who_picks_the_person(void)
{
    ud_context_chunk chunks[] = {
        {"rota", 0, "Platform Rota", "file", NULL,
         "The platform on-call rota lists who is on call for the platform each week. "
         "On call this week: Ben Adeyemi, for the platform.",
         1}};
    char *text = ask("Who is on call for the platform this week?", chunks, 1);
    check_starts_with(text, "On call this week: Ben Adeyemi, for the platform.");
    free(text);
    /* The types themselves. */
    UD_CHECK(ud_answer_type_of_question("Who leads it?", 13) & UD_WANT_PERSON);
    UD_CHECK(ud_answer_type_of_sentence("Ben Adeyemi leads it.", 21) & UD_WANT_PERSON);
    UD_CHECK(!(ud_answer_type_of_sentence("The rota lists the team.", 24) & UD_WANT_PERSON));
    UD_CHECK(ud_answer_type_of_sentence("It went live on 6 June.", 23) & UD_WANT_DATE);
}

void test_extractive_answers__email_headers_and_signatures_are_never_quoted(void)
{
    ud_context_chunk chunks[] = {
        {"mail", 0, "Robots stuck behind the returns conveyor", "file", NULL,
         "From: Claire Martin <claire.martin@shop.example>\n"
         "To: Lena Fischer <lena.fischer@robots.example>\n"
         "Subject: Robots stuck behind the returns conveyor\n"
         "Date: 2025-06-12T08:40:00+02:00\n\n"
         "Hi Lena,\n\n"
         "since Monday our robots get stuck behind the returns conveyor in hall 2.\n\n"
         "Best regards,\n"
         "Claire Martin\n"
         "Head of Operations for the returns conveyor robots\n",
         1}};
    char *text = ask("When did the robots get stuck behind the returns conveyor?", chunks, 1);
    UD_CHECK_CONTAINS(text, "since Monday our robots get stuck behind the returns conveyor");
    UD_CHECK(!strstr(text, "From:"));
    UD_CHECK(!strstr(text, "Subject:"));
    UD_CHECK(!strstr(text, "Date:"));
    UD_CHECK(!strstr(text, "2025-06-12"));
    UD_CHECK(!strstr(text, "Head of Operations"));
    free(text);
}

void test_extractive_answers__citations_follow_retrieval_order(void)
{
    ud_context_chunk chunks[] = {
        {"d1", 0, "Travel Policy", "file", NULL,
         "Travel is booked in the portal, and travel approval is part of it. "
         "Trips above 2,500 EUR need travel approval from your director.",
         3},
        {"d2", 0, "Travel FAQ", "file", NULL,
         "Travel approval for trips above 2,500 EUR comes from the director.", 2},
        {"d3", 0, "Director Handbook", "file", NULL,
         "Directors give travel approval for trips above 2,500 EUR within two days.", 1},
    };
    char *text = ask("Which trips need travel approval from a director?", chunks, 3);
    /* The top document's best sentence leads, not its first. */
    check_starts_with(text, "Trips above 2,500 EUR need travel approval from your director.");
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations cits;
    UD_CHECK_OK(ud_citations_extract(&cits, &arena, text, strlen(text), chunks, 3));
    UD_CHECK(cits.count >= 2);
    UD_CHECK_EQ_STR("d1", cits.items[0].doc_id);
    for (size_t i = 1; i < cits.count; i++)
        UD_CHECK(cits.items[i].chunk > cits.items[i - 1].chunk);
    ud_arena_dispose(&arena);
    free(text);
}

void test_extractive_answers__decision_question_prefers_the_decision(void)
{
    ud_context_chunk chunks[] = {
        {"d1", 0, "Acme account notes", "file", NULL,
         "Acme wants to convert the pilot to 24 robots before the summer peak. "
         "Acme signed the conversion to 24 robots on 22 December.",
         1}};
    char *text = ask("What did Acme decide about the 24 robots?", chunks, 1);
    check_starts_with(text, "Acme signed the conversion to 24 robots on 22 December.");
    free(text);
}

void test_extractive_answers__a_leaning_sentence_keeps_the_one_before(void)
{
    ud_context_chunk chunks[] = {
        {"d1", 0, "Board minutes", "file", NULL,
         "The board met in Boston on 3 December with all members present. "
         "It approved the Gen 3 budget of 4 M EUR. Lunch was served at noon.",
         1}};
    char *text = ask("Who approved the Gen 3 budget?", chunks, 1);
    check_starts_with(text, "The board met in Boston on 3 December with all members present. "
                            "It approved the Gen 3 budget of 4 M EUR.");
    UD_CHECK(!strstr(text, "Lunch"));
    free(text);
}

/* The citations of text over chunks, in the arena. */
static ud_citations cited(ud_arena *arena, const char *text, const ud_context_chunk *chunks,
                          size_t count)
{
    ud_citations cits;
    UD_CHECK_OK(ud_citations_extract(&cits, arena, text, strlen(text), chunks, count));
    return cits;
}

void test_extractive_answers__top_documents_are_cited_even_without_a_full_sentence(void)
{
    /* Only d1 has a sentence holding the whole question; d2 and d3 hold
     * its words across sentences. The search ranked all three first, so
     * the answer cites all three, d1's answer leading. */
    ud_context_chunk chunks[] = {
        {"d1", 0, "Pump Manual", "file", NULL,
         "The coolant pump pressure must stay below 4 bar. Service it yearly.", 3},
        {"d2", 0, "Plant Log", "file", NULL,
         "The coolant was replaced in May. Pressure readings were logged by the night shift.", 2},
        {"d3", 0, "Safety Notes", "file", NULL,
         "Check the pump before each run. Pressure above the limit trips the alarm.", 1},
    };
    char *text = ask("What is the coolant pump pressure limit?", chunks, 3);
    check_starts_with(text, "The coolant pump pressure must stay below 4 bar.");
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations cits = cited(&arena, text, chunks, 3);
    UD_CHECK_EQ_INT(3, (long)cits.count);
    UD_CHECK_EQ_STR("d1", cits.items[0].doc_id);
    UD_CHECK_EQ_STR("d2", cits.items[1].doc_id);
    UD_CHECK_EQ_STR("d3", cits.items[2].doc_id);
    ud_arena_dispose(&arena);
    free(text);
}

void test_extractive_answers__no_direct_answer_says_so_and_cites_what_covers_it(void)
{
    ud_context_chunk chunks[] = {
        {"d1", 0, "Plant Log", "file", NULL,
         "The coolant was replaced in May. Pressure readings were logged by the night shift.", 2},
        {"d2", 0, "Canteen Menu", "file", NULL,
         "Soup of the day is served from noon until the kitchen closes.", 1},
    };
    char *text = ask("What is the coolant pressure limit of the pump?", chunks, 2);
    check_starts_with(text, "No one passage answers that directly; the closest ones:");
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations cits = cited(&arena, text, chunks, 2);
    /* The menu holds no word of the question: it is not cited. */
    UD_CHECK_EQ_INT(1, (long)cits.count);
    UD_CHECK_EQ_STR("d1", cits.items[0].doc_id);
    ud_arena_dispose(&arena);
    free(text);
    /* A question none of the documents speaks of is still not answered. */
    text = ask("Who won the chess tournament in Oslo?", chunks, 2);
    check_starts_with(text, "I could not find anything");
    free(text);
}

void test_extractive_answers__only_the_top_three_sources_are_quoted(void)
{
    /* d4 holds a date, the kind of answer "when" asks for, but the search
     * ranked it fourth (it is about the old scheme): the answer quotes the
     * top three. */
    ud_context_chunk chunks[] = {
        {"d1", 0, "Leave Policy", "file", NULL,
         "Parental leave starts once the birth is registered with HR.", 4},
        {"d2", 0, "Benefits Overview", "file", NULL,
         "Parental leave can start before the birth if your doctor advises it.", 3},
        {"d3", 0, "HR FAQ", "file", NULL, "Parental leave requests go to your HR partner.", 2},
        {"d4", 0, "Old Scheme", "file", NULL,
         "Parental leave under the old scheme starts on 1 March 2020.", 1},
    };
    char *text = ask("When does parental leave start?", chunks, 4);
    check_starts_with(text, "Parental leave starts once the birth is registered with HR.");
    UD_CHECK(!strstr(text, "Old Scheme"));
    free(text);
}

void test_extractive_answers__untitled_documents_are_cited_by_number(void)
{
    /* Two untitled documents: "[Source: Untitled]" could not tell them
     * apart, so each is cited by its place in the context. */
    ud_context_chunk chunks[] = {
        {"a", 0, "", "eval", NULL, "Magnetic core memories store bits in ferrite rings.", 2},
        {"b", 0, "", "eval", NULL, "Ferrite core memories are read destructively.", 1},
    };
    char *text = ask("How do ferrite core memories store bits?", chunks, 2);
    UD_CHECK_CONTAINS(text, "[1]");
    UD_CHECK_CONTAINS(text, "[2]");
    UD_CHECK(!strstr(text, "[Source: Untitled]"));
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations cits = cited(&arena, text, chunks, 2);
    UD_CHECK_EQ_INT(2, (long)cits.count);
    UD_CHECK_EQ_STR("a", cits.items[0].doc_id);
    UD_CHECK_EQ_STR("b", cits.items[1].doc_id);
    ud_arena_dispose(&arena);
    free(text);
}

void test_extractive_answers__a_line_repeating_the_title_is_not_quoted(void)
{
    ud_context_chunk chunks[] = {
        {"d1", 0, "Q3 2024 revenue summary", "file", NULL,
         "Q3 2024 revenue summary.\n\nRevenue: 6.1 M EUR, above the plan.", 1},
    };
    char *text = ask("What was revenue in Q3 2024?", chunks, 1);
    check_starts_with(text, "Revenue: 6.1 M EUR, above the plan.");
    free(text);
}

void test_extractive_answers__a_marker_shared_by_two_documents_cites_the_one_quoted(void)
{
    /* Two replies with one subject: "[Source: Re: Q3 plan]" after a
     * sentence of the second cites the second, not the better ranked. */
    ud_context_chunk chunks[] = {
        {"r1", 0, "Re: Q3 plan", "gmail", NULL, "Budget approved for the Lisbon offsite.", 2},
        {"r2", 0, "Re: Q3 plan", "gmail", NULL, "Hiring freeze lifted for the Berlin team.", 1},
    };
    const char *answer = "The hiring freeze was lifted for the Berlin team. [Source: Re: Q3 plan]";
    ud_arena arena;
    ud_arena_init(&arena);
    ud_citations cits = cited(&arena, answer, chunks, 2);
    UD_CHECK_EQ_INT(1, (long)cits.count);
    UD_CHECK_EQ_STR("r2", cits.items[0].doc_id);
    /* Without text before it, the marker cites the best ranked. */
    cits = cited(&arena, "[Source: Re: Q3 plan]", chunks, 2);
    UD_CHECK_EQ_STR("r1", cits.items[0].doc_id);
    /* The extractive answer quotes each as a source of its own, and each
     * paragraph's marker finds its own document. */
    char *text =
        ask("Was the Berlin hiring freeze lifted, and the Lisbon budget approved?", chunks, 2);
    cits = cited(&arena, text, chunks, 2);
    UD_CHECK_EQ_INT(2, (long)cits.count);
    UD_CHECK(strcmp(cits.items[0].doc_id, cits.items[1].doc_id) != 0);
    ud_arena_dispose(&arena);
    free(text);
}
