/*
 * The generator table (llm.h): a config's kind to its constructor.
 */
#include "answer/llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer/providers.h"
#include "base/http_client.h"

static const ud_llm_provider *const PROVIDERS[] = {
    &ud_llm_provider_anthropic,
    &ud_llm_provider_openai,
    &ud_llm_provider_extractive,
};
#define PROVIDER_COUNT (sizeof(PROVIDERS) / sizeof(PROVIDERS[0]))

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
    for (size_t i = 0; i < PROVIDER_COUNT; i++) {
        const ud_llm_provider *p = PROVIDERS[i];
        if (strcmp(kind, p->kind) != 0)
            continue;
        if (p->remote &&
            (!config->base_url || !config->base_url[0] || !config->model || !config->model[0]))
            return ud_error_set(UD_EINVAL, "the %s provider needs a base URL and a model", kind);
        return p->create(out, config);
    }
    char known[128] = "";
    for (size_t i = 0; i < PROVIDER_COUNT; i++)
        snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s",
                 i == 0                    ? ""
                 : i + 1 == PROVIDER_COUNT ? " or "
                                           : ", ",
                 PROVIDERS[i]->kind);
    return ud_error_set(UD_EINVAL, "unknown answer provider '%s' (%s)", kind, known);
}

#define DEFAULT_TIMEOUT_SECONDS 120
#define DEFAULT_RETRIES 2

int ud_llm_provider_setup(ud_llm *llm, struct ud_http_client **out_http, const char *kind,
                          const ud_llm_config *config)
{
    if (!config || !config->base_url || !config->base_url[0] || !config->model || !config->model[0])
        return ud_error_set(UD_EINVAL, "the %s provider needs a base URL and a model", kind);
    if (strlen(config->model) >= sizeof(llm->model))
        return ud_error_set(UD_EINVAL, "%s: model name too long", kind);
    long timeout = config->timeout_seconds > 0 ? config->timeout_seconds : DEFAULT_TIMEOUT_SECONDS;
    ud_http_client_config hc = {
        .name = kind,
        .timeout_ms = timeout * 1000,
        .idle_timeout_ms = timeout * 1000,
        .max_retries = config->max_retries > 0    ? (int)config->max_retries
                       : config->max_retries == 0 ? DEFAULT_RETRIES
                                                  : UD_HTTP_NO_RETRIES,
        .retry_base_ms = config->retry_base_ms,
    };
    int rc = ud_http_client_new(out_http, &hc);
    if (rc < 0)
        return rc;
    snprintf(llm->kind, sizeof(llm->kind), "%s", kind);
    snprintf(llm->model, sizeof(llm->model), "%s", config->model);
    return 0;
}
