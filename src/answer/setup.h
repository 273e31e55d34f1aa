/*
 * The generator the configuration asks for: the primary (answer_*), with
 * a cheaper model for simple questions (answer_cheap_*) and a fallback
 * (answer_fallback_*) behind the router when they are set. The default,
 * answer_provider = extractive, needs nothing but the index.
 */
#ifndef UD_ANSWER_SETUP_H
#define UD_ANSWER_SETUP_H

#include "answer/llm.h"
#include "base/config.h"
#include "embed/embedder.h"

/* embedder (borrowed, may be NULL) serves the extractive generator. */
int ud_answer_llm_from_config(ud_llm **out, const ud_config *config,
                              ud_embedder *embedder) UD_MUST_CHECK;

#endif
