/*
 * The product's HTTP API: routes under /v1 plus /healthz, each declaring
 * the access it needs (auth.h); the guard authenticates every non-public
 * request, checks the caller's right to the route and the per-minute rate
 * before any handler runs. The organization of every request comes from
 * its credential.
 */
#ifndef UD_SERVER_API_H
#define UD_SERVER_API_H

#include <stddef.h>

#include "answer/cost.h"
#include "base/config.h"
#include "index/search.h"
#include "server/auth.h"
#include "server/http.h"
#include "server/limits.h"
#include "server/password.h"
#include "store/blobs.h"
#include "store/cache.h"
#include "store/counters.h"
#include "store/meta.h"

typedef struct ud_api_context {
    ud_meta *meta;         /* borrowed */
    ud_searcher *searcher; /* borrowed */
    ud_auth auth;
    ud_limits limits;
    ud_password_params password_params;
    /* An argon2id hash of a random password: a login for an unknown email
     * is checked against it, so it takes as long as one for a known email. */
    char dummy_hash[256];
    const char *version;
    /* Answers (/v1/ask): the generator of the answer_* settings and the
     * query cache, made by init and owned by the context; prices and limits
     * from the config. */
    struct ud_llm *llm;
    ud_cache *cache;
    ud_price_table prices;
    double cost_alert_usd;
    size_t context_tokens;
    int max_answer_tokens;
    /* Data sources: the scheduler that runs their syncs and the object
     * store of their raw files (borrowed, set by the caller; NULL: "sync
     * now" is refused), the key their credentials are encrypted with, and
     * the directories sources may read from (source_paths). */
    struct ud_scheduler *scheduler;
    ud_blobs *blobs;
    char fernet_key[64];
    char source_roots[1024];
} ud_api_context;

/* Sets up the context from the configuration (secret_key, limits, argon2
 * parameters, the answer generator, the query cache). The counters are
 * borrowed. UD_EINVAL if secret_key is missing or short, or an answer
 * setting is wrong. */
int ud_api_context_init(ud_api_context *ctx, ud_meta *meta, ud_searcher *searcher,
                        ud_counters *counters, const ud_config *config,
                        const char *version) UD_MUST_CHECK;
void ud_api_context_dispose(ud_api_context *ctx);

/* The route table; pass the context as the server's payload and
 * ud_api_guard as its guard. */
const ud_http_route *ud_api_routes(size_t *out_count);
int ud_api_guard(ud_http_response *res, ud_http_request *req, int access, void *payload);

#endif
