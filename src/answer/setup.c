/*
 * Generators from the configuration (setup.h).
 */
#include "answer/setup.h"

#include <stdio.h>
#include <string.h>

#include "answer/router.h"

static int make_one(ud_llm **out, const char *role, const char *provider, const char *model,
                    const char *base_url, const char *api_key, const ud_config *config,
                    ud_embedder *embedder)
{
    ud_llm_config c = {.kind = provider,
                       .base_url = base_url,
                       .api_key = api_key && api_key[0] ? api_key : NULL,
                       .model = model,
                       .timeout_seconds = config->answer_timeout_seconds,
                       .max_retries = 2,
                       .embedder = embedder};
    int rc = ud_llm_new(out, &c);
    if (rc < 0) {
        char message[512];
        snprintf(message, sizeof(message), "%s", ud_error_last());
        return ud_error_set(rc, "%s answer generator: %s", role, message);
    }
    return 0;
}

int ud_answer_llm_from_config(ud_llm **out, const ud_config *config, ud_embedder *embedder)
{
    ud_llm *primary = NULL, *cheap = NULL, *fallback = NULL;
    int rc = make_one(&primary, "answer_provider", config->answer_provider, config->answer_model,
                      config->answer_base_url, config->answer_api_key, config, embedder);
    if (rc == 0 && config->answer_cheap_provider[0])
        rc = make_one(&cheap, "answer_cheap_provider", config->answer_cheap_provider,
                      config->answer_cheap_model, config->answer_cheap_base_url,
                      config->answer_cheap_api_key, config, embedder);
    if (rc == 0 && config->answer_fallback_provider[0])
        rc = make_one(&fallback, "answer_fallback_provider", config->answer_fallback_provider,
                      config->answer_fallback_model, config->answer_fallback_base_url,
                      config->answer_fallback_api_key, config, embedder);
    if (rc == 0) {
        ud_llm_router_config router = {.primary = primary, .cheap = cheap, .fallback = fallback};
        rc = ud_llm_router_new(out, &router);
        if (rc == 0)
            return 0; /* the router owns them now */
    }
    ud_llm_free(primary);
    ud_llm_free(cheap);
    ud_llm_free(fallback);
    return rc;
}
