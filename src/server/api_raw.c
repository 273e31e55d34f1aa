/*
 * Pre-signed links to raw documents, for the file backend. A caller who
 * may read a document asks for a link (POST /v1/documents/{id}/link); the
 * link carries its expiry and an HMAC over path and expiry
 * (base/presign.h, keyed by the server's link key), so it can be handed
 * to a browser or a download tool without the caller's credential, and is
 * good for one hour. GET /v1/raw/{org}/{id} serves the bytes only if the
 * signature holds, the link has not expired, and the file on disk is still
 * the one that was indexed (same SHA-256).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/crypto.h"
#include "base/fs.h"
#include "base/presign.h"
#include "server/api_routes.h"
#include "server/api_util.h"

#define LINK_SECONDS 3600
#define MAX_RAW_BYTES (256u << 20)

static const char *raw_path(ud_arena *arena, const char *org_id, const char *doc_id)
{
    return ud_arena_sprintf(arena, "/v1/raw/%s/%s", org_id, doc_id);
}

int ud_api_document_link(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    ud_doc_row doc;
    int rc = ud_api_readable_document(&doc, ctx, req, ud_http_param(req, "id"));
    if (rc < 0)
        return rc;
    if (!doc.path || !doc.path[0])
        return ud_error_set(UD_ENOTFOUND, "document '%s' has no raw file", doc.id);
    int64_t expires = ud_now() + LINK_SECONDS;
    const char *path = raw_path(req->arena, doc.org_id, doc.id);
    char sig[UD_PRESIGN_SIG_LEN + 1];
    rc = ud_presign_sign(sig, path, expires, ctx->auth.link_key, sizeof(ctx->auth.link_key));
    if (rc < 0)
        return rc;
    const char *url =
        ud_arena_sprintf(req->arena, "%s?expires=%lld&sig=%s", path, (long long)expires, sig);
    return ud_http_respond_json(
        res, req, 200,
        json_pack("{s:s,s:o}", "url", url, "expires_at", ud_api_time_or_null(expires)));
}

static const char *content_type_of(const char *file_type)
{
    static const char *const types[][2] = {
        {"pdf", "application/pdf"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"html", "text/html; charset=utf-8"},
        {"md", "text/markdown; charset=utf-8"},
        {"txt", "text/plain; charset=utf-8"},
        {"json", "application/json"},
        {"eml", "message/rfc822"},
    };
    for (size_t i = 0; file_type && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i][0], file_type) == 0)
            return types[i][1];
    return "application/octet-stream";
}

int ud_api_raw(ud_http_response *res, const ud_http_request *req, void *payload)
{
    ud_api_context *ctx = payload;
    const char *org_id = ud_http_param(req, "org");
    const char *doc_id = ud_http_param(req, "id");
    const char *expires_text = ud_http_query_arg(req, "expires");
    const char *sig = ud_http_query_arg(req, "sig");
    char *end = NULL;
    long long expires = expires_text ? strtoll(expires_text, &end, 10) : 0;
    if (!expires_text || !sig || end == expires_text || *end != '\0')
        return ud_error_set(UD_EAUTH, "a raw link needs expires and sig");
    int rc = ud_presign_verify(raw_path(req->arena, org_id, doc_id), expires, sig, ud_now(),
                               ctx->auth.link_key, sizeof(ctx->auth.link_key));
    if (rc < 0)
        return ud_error_set(UD_EAUTH, "invalid or expired link");
    ud_org org;
    rc = ud_meta_org_get(&org, ctx->meta, req->arena, org_id);
    if (rc == 0 && strcmp(org.status, "active") != 0)
        return ud_error_set(UD_EFORBIDDEN, "the organization is %s", org.status);
    ud_doc_row doc;
    if (rc == 0)
        rc = ud_meta_document_get(&doc, ctx->meta, req->arena, org_id, doc_id);
    if (rc < 0)
        return rc;
    char *bytes = NULL;
    size_t len = 0;
    if (!doc.path || !doc.path[0])
        return ud_error_set(UD_ENOTFOUND, "document '%s' has no raw file", doc.id);
    rc = ud_file_read(&bytes, &len, doc.path, MAX_RAW_BYTES);
    if (rc < 0)
        return rc == UD_ELIMIT ? rc : ud_error_set(UD_ENOTFOUND, "the raw file is gone");
    ud_arena_on_dispose(req->arena, free, bytes);
    char hash[UD_SHA256_HEX_LEN + 1];
    ud_sha256_hex(hash, bytes, len);
    if (!doc.content_hash || strcmp(hash, doc.content_hash) != 0)
        return ud_error_set(UD_ENOTFOUND, "the file changed since it was indexed; reindex it");
    res->status = 200;
    res->content_type = content_type_of(doc.file_type);
    res->body = bytes;
    res->body_len = len;
    return 0;
}
