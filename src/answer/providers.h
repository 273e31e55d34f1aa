/*
 * What the generators' files give llm.c, and nothing else includes: one
 * table entry per generator (its kind, whether it calls a model at an
 * endpoint, its constructor), and the set-up the model providers share.
 * llm.h is the interface the rest of the program uses; it names no
 * provider, so adding one is a file and a line in llm.c's table.
 */
#ifndef UD_ANSWER_PROVIDERS_H
#define UD_ANSWER_PROVIDERS_H

#include <stdbool.h>

#include "answer/llm.h"

typedef struct ud_llm_provider {
    const char *kind; /* the answer_provider setting's value */
    /* True for a model behind an API: the config needs a base URL and a
     * model, checked before the constructor runs. */
    bool remote;
    int (*create)(ud_llm **out, const ud_llm_config *config);
} ud_llm_provider;

extern const ud_llm_provider ud_llm_provider_anthropic;  /* anthropic.c */
extern const ud_llm_provider ud_llm_provider_openai;     /* openai_chat.c */
extern const ud_llm_provider ud_llm_provider_extractive; /* extractive.c */

/* For the model providers' constructors: checks the config's base URL and
 * model (UD_EINVAL naming `kind`), sets llm->kind and llm->model, and
 * makes the HTTP client of the config's timeout (also the longest silence)
 * and retries. */
struct ud_http_client;
int ud_llm_provider_setup(ud_llm *llm, struct ud_http_client **out_http, const char *kind,
                          const ud_llm_config *config) UD_MUST_CHECK;

#endif
