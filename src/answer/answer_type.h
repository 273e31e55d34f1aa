/*
 * What kind of answer a question asks for, and what kinds of answer a
 * sentence holds: the extractive answerer (extractive.c) prefers, among
 * sentences that match a question's terms, those that hold what it asks
 * for: a person for "who", a date for "when", a place for "where", a
 * number for "how many/much/long/often", a decision for "what did ...
 * decide". Both sides are rules over the words (English, with the month
 * and weekday names of German and French), not a model: cheap, and wrong
 * in the way rules are (a capitalized pair of words reads as a name).
 */
#ifndef UD_ANSWER_TYPE_H
#define UD_ANSWER_TYPE_H

#include <stdbool.h>
#include <stddef.h>

enum {
    UD_WANT_PERSON = 1 << 0,
    UD_WANT_DATE = 1 << 1,
    UD_WANT_PLACE = 1 << 2,
    UD_WANT_NUMBER = 1 << 3,
    UD_WANT_DECISION = 1 << 4,
};

/* The UD_WANT_* bits the question asks for (0: no particular kind). */
unsigned ud_answer_type_of_question(const char *question, size_t len);

/* The UD_WANT_* bits text[0..len) holds. */
unsigned ud_answer_type_of_sentence(const char *text, size_t len);

/* True if word[0..len) only says that the question asks for a decision
 * ("decide", "decision", "agreed"): the answer need not repeat it. */
bool ud_answer_type_is_decision_word(const char *word, size_t len);

#endif
