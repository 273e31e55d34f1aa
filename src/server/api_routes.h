/*
 * The handlers of the API, one file per area, gathered into the route
 * table of api.c. Private to src/server.
 */
#ifndef UD_SERVER_API_ROUTES_H
#define UD_SERVER_API_ROUTES_H

#include "server/api.h"
#include "server/http.h"
#include "store/meta.h"

/* api.c: the document `id` of the caller's organization if the caller may
 * read it (its ACL names one of their principals); UD_ENOTFOUND otherwise,
 * exactly as for a document that does not exist. */
int ud_api_readable_document(ud_doc_row *out, ud_api_context *ctx, const ud_http_request *req,
                             const char *id) UD_MUST_CHECK;

/* api_auth.c: sessions and the caller's own account. */
int ud_api_login(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_refresh(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_logout(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_me(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_my_settings_get(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_my_settings_put(ud_http_response *res, const ud_http_request *req, void *payload);

/* api_admin.c: an organization's users, keys, settings and audit log. */
int ud_api_users_list(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_users_create(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_user_get(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_user_update(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_user_delete(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_keys_list(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_keys_create(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_key_revoke(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_org_settings_get(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_org_settings_put(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_audit_list(ud_http_response *res, const ud_http_request *req, void *payload);

/* api_history.c: the caller's search history and saved searches. */
int ud_api_history_list(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_history_update(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_history_delete(ud_http_response *res, const ud_http_request *req, void *payload);

/* api_ask.c: answers with citations, one JSON or streamed. */
int ud_api_ask(ud_http_response *res, const ud_http_request *req, void *payload);

/* api_admin.c: the organization's spend. */
int ud_api_usage(ud_http_response *res, const ud_http_request *req, void *payload);

/* api_sources.c: the organization's data sources and their syncs. */
int ud_api_sources_list(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_sources_create(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_source_get(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_source_delete(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_source_sync(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_source_logs(ud_http_response *res, const ud_http_request *req, void *payload);

/* api_raw.c: pre-signed links to raw documents. */
int ud_api_document_link(ud_http_response *res, const ud_http_request *req, void *payload);
int ud_api_raw(ud_http_response *res, const ud_http_request *req, void *payload);

#endif
