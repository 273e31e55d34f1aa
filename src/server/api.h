/*
 * The product's HTTP API (routes under /v1 plus /healthz). Handlers use the
 * metadata store and the searcher; the organization comes from the server's
 * context (one default organization until authentication arrives).
 */
#ifndef UD_SERVER_API_H
#define UD_SERVER_API_H

#include <stddef.h>

#include "index/search.h"
#include "server/http.h"
#include "store/meta.h"

typedef struct ud_api_context {
    ud_meta *meta;
    ud_searcher *searcher;
    const char *org_id; /* the organization served */
    const char *version;
} ud_api_context;

/* The route table; pass the context as the server's payload. */
const ud_http_route *ud_api_routes(size_t *out_count);

#endif
