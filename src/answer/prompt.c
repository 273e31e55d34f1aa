/*
 * The spec's prompts (prompt.h). The system prompt is a constant so that
 * its bytes never vary between requests: that is what makes Anthropic's
 * prompt cache hit.
 */
#include "answer/prompt.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/mem.h"

static const char SYSTEM_PROMPT[] =
    "You are UnifyData.AI, an enterprise data intelligence assistant.\n"
    "\n"
    "Your role is to answer questions based on the provided context from the user's connected "
    "data sources (Salesforce, Slack, Google Drive, Notion, Gmail).\n"
    "\n"
    "Guidelines:\n"
    "- Answer based ONLY on the provided context\n"
    "- If the context doesn't contain enough information, say so clearly\n"
    "- Always cite sources using [Source: Title] format\n"
    "- Be concise but comprehensive\n"
    "- Use markdown formatting for better readability\n";

const char *ud_answer_system_prompt(void)
{
    return SYSTEM_PROMPT;
}

char *ud_answer_user_prompt(const char *context, const char *question)
{
    char *out = NULL;
    if (asprintf(&out,
                 "Context from connected data sources:\n\n%s\n\nUser Question: %s\n\n"
                 "Answer the question based on the context above. Cite specific sources.",
                 context ? context : "", question ? question : "") < 0)
        ud_oom(0);
    return out;
}
