/*
 * The prompts of the answer pipeline, as the spec writes them: the system
 * prompt (the same text for every question, so providers can cache it) and
 * the user prompt around the assembled context and the question.
 */
#ifndef UD_ANSWER_PROMPT_H
#define UD_ANSWER_PROMPT_H

/* The system prompt (static storage). */
const char *ud_answer_system_prompt(void);

/* "Context from connected data sources:\n\n<context>\n\nUser Question:
 * <question>\n\nAnswer the question based on the context above. Cite
 * specific sources." — malloc'd, the caller frees it. */
char *ud_answer_user_prompt(const char *context, const char *question);

#endif
