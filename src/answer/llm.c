/*
 * The generator table (llm.h): a config's kind to its constructor.
 */
#include "answer/llm.h"

#include <stdlib.h>
#include <string.h>

void ud_llm_result_dispose(ud_llm_result *result)
{
    if (!result)
        return;
    free(result->text);
    result->text = NULL;
    result->text_len = 0;
}

int ud_llm_new(ud_llm **out, const ud_llm_config *config)
{
    const char *kind = config && config->kind ? config->kind : "";
    if (strcmp(kind, "extractive") == 0)
        return ud_llm_extractive_new(out, config);
    if (strcmp(kind, "anthropic") != 0 && strcmp(kind, "openai") != 0)
        return ud_error_set(UD_EINVAL,
                            "unknown answer provider '%s' (anthropic, openai or "
                            "extractive)",
                            kind);
    if (!config->base_url || !config->base_url[0] || !config->model || !config->model[0])
        return ud_error_set(UD_EINVAL, "the %s provider needs a base URL and a model", kind);
    if (strcmp(kind, "anthropic") == 0)
        return ud_llm_anthropic_new(out, config);
    return ud_llm_openai_new(out, config);
}
