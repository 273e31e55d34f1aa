/*
 * The schema, as ordered migrations: the spec's tables exactly (section "Key
 * Tables & Schema" of the product spec), then the tables of the index.
 * Migrations are append-only: a released migration is never edited, a change
 * is a new one.
 *
 * One text serves both backends. Where their SQL differs the text holds a
 * {token} that the driver's dialect replaces (meta_backend.h): {uuid_pk},
 * {uuid}, {json}, {text_array}, {now}, and {setup} for what one backend needs
 * first (PostgreSQL's ud_epoch() function). Statements that only one
 * backend runs sit between {if sqlite} or {if postgres} and {end}.
 */
#include "store/meta_backend.h"
#include "store/migrate_acl.h"

static const ud_meta_migration MIGRATIONS[] = {
    {1, "spec schema",
     "{setup}"
     "CREATE TABLE organizations (\n"
     "    id {uuid_pk},\n"
     "    name VARCHAR(255) NOT NULL,\n"
     "    slug VARCHAR(100) UNIQUE NOT NULL,\n"
     "    plan VARCHAR(50) NOT NULL CHECK (plan IN ('starter', 'professional', 'enterprise')),\n"
     "    status VARCHAR(50) DEFAULT 'active' CHECK (status IN ('active', 'suspended', "
     "'cancelled')),\n"
     "    max_data_sources INTEGER,\n"
     "    max_users INTEGER,\n"
     "    billing_email VARCHAR(255),\n"
     "    created_at TIMESTAMP DEFAULT {now},\n"
     "    updated_at TIMESTAMP DEFAULT {now}\n"
     ");\n"
     "CREATE INDEX idx_organizations_slug ON organizations(slug);\n"
     "CREATE TABLE users (\n"
     "    id {uuid_pk},\n"
     "    email VARCHAR(255) UNIQUE NOT NULL,\n"
     "    password_hash VARCHAR(255) NOT NULL,\n"
     "    role VARCHAR(50) NOT NULL CHECK (role IN ('admin', 'user', 'viewer')),\n"
     "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    first_name VARCHAR(100),\n"
     "    last_name VARCHAR(100),\n"
     "    avatar_url TEXT,\n"
     "    is_email_verified BOOLEAN DEFAULT FALSE,\n"
     "    last_login_at TIMESTAMP,\n"
     "    created_at TIMESTAMP DEFAULT {now},\n"
     "    updated_at TIMESTAMP DEFAULT {now}\n"
     ");\n"
     "CREATE INDEX idx_users_email ON users(email);\n"
     "CREATE INDEX idx_users_org_id ON users(org_id);\n"
     "CREATE TABLE data_sources (\n"
     "    id {uuid_pk},\n"
     "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    type VARCHAR(50) NOT NULL CHECK (type IN ('salesforce', 'slack', 'google_drive', "
     "'notion', 'gmail')),\n"
     "    name VARCHAR(255) NOT NULL,\n"
     "    credentials_encrypted TEXT NOT NULL,\n"
     "    status VARCHAR(50) DEFAULT 'pending' CHECK (status IN ('pending', 'connected', "
     "'syncing', 'error', 'disconnected')),\n"
     "    last_sync_at TIMESTAMP,\n"
     "    last_sync_status VARCHAR(50),\n"
     "    sync_frequency_minutes INTEGER DEFAULT 30,\n"
     "    config {json},\n"
     "    error_message TEXT,\n"
     "    created_by {uuid} REFERENCES users(id),\n"
     "    created_at TIMESTAMP DEFAULT {now},\n"
     "    updated_at TIMESTAMP DEFAULT {now}\n"
     ");\n"
     "CREATE INDEX idx_data_sources_org_id ON data_sources(org_id);\n"
     "CREATE INDEX idx_data_sources_status ON data_sources(status);\n"
     "CREATE INDEX idx_data_sources_type ON data_sources(type);\n"
     "CREATE TABLE search_history (\n"
     "    id {uuid_pk},\n"
     "    user_id {uuid} NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
     "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    query TEXT NOT NULL,\n"
     "    results_count INTEGER DEFAULT 0,\n"
     "    response_time_ms INTEGER,\n"
     "    sources_used {text_array},\n"
     "    is_saved BOOLEAN DEFAULT FALSE,\n"
     "    timestamp TIMESTAMP DEFAULT {now}\n"
     ");\n"
     "CREATE INDEX idx_search_history_user_id ON search_history(user_id);\n"
     "CREATE INDEX idx_search_history_timestamp ON search_history(timestamp DESC);\n"
     "CREATE TABLE api_keys (\n"
     "    id {uuid_pk},\n"
     "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    name VARCHAR(255) NOT NULL,\n"
     "    key_hash VARCHAR(255) UNIQUE NOT NULL,\n"
     "    key_prefix VARCHAR(10) NOT NULL,\n"
     "    permissions {json} DEFAULT '{\"search\": true, \"admin\": false}',\n"
     "    last_used_at TIMESTAMP,\n"
     "    expires_at TIMESTAMP,\n"
     "    created_by {uuid} REFERENCES users(id),\n"
     "    created_at TIMESTAMP DEFAULT {now}\n"
     ");\n"
     "CREATE INDEX idx_api_keys_org_id ON api_keys(org_id);\n"
     "CREATE INDEX idx_api_keys_key_hash ON api_keys(key_hash);\n"
     "CREATE TABLE sync_logs (\n"
     "    id {uuid_pk},\n"
     "    data_source_id {uuid} NOT NULL REFERENCES data_sources(id) ON DELETE CASCADE,\n"
     "    status VARCHAR(50) NOT NULL CHECK (status IN ('started', 'completed', 'failed')),\n"
     "    documents_processed INTEGER DEFAULT 0,\n"
     "    documents_added INTEGER DEFAULT 0,\n"
     "    documents_updated INTEGER DEFAULT 0,\n"
     "    documents_deleted INTEGER DEFAULT 0,\n"
     "    error_message TEXT,\n"
     "    duration_seconds INTEGER,\n"
     "    started_at TIMESTAMP DEFAULT {now},\n"
     "    completed_at TIMESTAMP\n"
     ");\n"
     "CREATE INDEX idx_sync_logs_data_source_id ON sync_logs(data_source_id);\n"
     "CREATE INDEX idx_sync_logs_started_at ON sync_logs(started_at DESC);\n"},
    {2, "documents and chunks",
     "CREATE TABLE documents (\n"
     "    id {uuid_pk},\n"
     "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    data_source_id {uuid} REFERENCES data_sources(id) ON DELETE CASCADE,\n"
     "    source_key TEXT NOT NULL,\n"
     "    source_type VARCHAR(50) NOT NULL,\n"
     "    title TEXT,\n"
     "    url TEXT,\n"
     "    path TEXT,\n"
     "    author TEXT,\n"
     "    language VARCHAR(16),\n"
     "    file_type VARCHAR(16),\n"
     "    content_hash CHAR(64) NOT NULL,\n"
     "    metadata {json} NOT NULL DEFAULT '{}',\n"
     "    acl {json} NOT NULL DEFAULT '[]',\n"
     "    chunk_count INTEGER NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),\n"
     "    text_bytes BIGINT NOT NULL DEFAULT 0,\n"
     "    created_at TIMESTAMP,\n"
     "    updated_at TIMESTAMP,\n"
     "    indexed_at TIMESTAMP DEFAULT {now},\n"
     "    UNIQUE (org_id, source_key)\n"
     ");\n"
     "CREATE INDEX idx_documents_data_source_id ON documents(data_source_id);\n"
     "CREATE TABLE chunks (\n"
     "    document_id {uuid} NOT NULL REFERENCES documents(id) ON DELETE CASCADE,\n"
     "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    chunk_index INTEGER NOT NULL CHECK (chunk_index >= 0),\n"
     "    text TEXT NOT NULL,\n"
     "    tokens INTEGER NOT NULL,\n"
     "    start_offset BIGINT NOT NULL,\n"
     "    heading_path TEXT NOT NULL DEFAULT '',\n"
     "    PRIMARY KEY (document_id, chunk_index)\n"
     ");\n"
     "CREATE INDEX idx_chunks_org_id ON chunks(org_id);\n"
     "CREATE TABLE org_index_state (\n"
     "    org_id {uuid} PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    generation BIGINT NOT NULL DEFAULT 0\n"
     ");\n"},
    {3, "identity: groups, settings, sessions, key revocation, audit log",
     /* users.groups: the group ids a user's searches carry as ACL principals. */
     "ALTER TABLE users ADD COLUMN groups {json} NOT NULL DEFAULT '[]';\n"
     "ALTER TABLE users ADD COLUMN settings {json} NOT NULL DEFAULT '{}';\n"
     "ALTER TABLE organizations ADD COLUMN settings {json} NOT NULL DEFAULT '{}';\n"
     "ALTER TABLE api_keys ADD COLUMN revoked_at TIMESTAMP;\n"
     /* A search by an API key is recorded under the key's creator and the key. */
     "ALTER TABLE search_history ADD COLUMN api_key_id {uuid} REFERENCES api_keys(id) "
     "ON DELETE SET NULL;\n"
     "CREATE INDEX idx_search_history_org_user ON search_history(org_id, user_id);\n"
     /* Refresh tokens: only their hash is kept. Rotation marks the presented
      * token used and issues the next one of the same family; presenting a
      * used token again revokes the family. */
     "CREATE TABLE refresh_tokens (\n"
     "    id {uuid_pk},\n"
     "    family_id {uuid} NOT NULL,\n"
     "    user_id {uuid} NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
     "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
     "    token_hash CHAR(64) UNIQUE NOT NULL,\n"
     "    expires_at TIMESTAMP NOT NULL,\n"
     "    created_at TIMESTAMP DEFAULT {now},\n"
     "    used_at TIMESTAMP,\n"
     "    revoked_at TIMESTAMP\n"
     ");\n"
     "CREATE INDEX idx_refresh_tokens_family_id ON refresh_tokens(family_id);\n"
     /* The audit log is a hash chain: each entry's hash covers its fields and
      * the previous entry's hash (audit.c). No foreign key: entries outlive
      * the users and organizations they name. detail is TEXT, not {json}, so
      * that the hashed bytes are the stored bytes (JSONB would reformat). */
     "CREATE TABLE audit_log (\n"
     "    seq BIGINT PRIMARY KEY,\n"
     "    org_id {uuid},\n"
     "    at TIMESTAMP NOT NULL,\n"
     "    actor TEXT NOT NULL,\n"
     "    action VARCHAR(64) NOT NULL,\n"
     "    target TEXT NOT NULL DEFAULT '',\n"
     "    detail TEXT NOT NULL DEFAULT '{}',\n"
     "    prev_hash CHAR(64) NOT NULL,\n"
     "    hash CHAR(64) NOT NULL\n"
     ");\n"
     "CREATE INDEX idx_audit_log_org_id ON audit_log(org_id, seq);\n"
     /* The newest entry, kept apart from the chain, so that cutting entries
      * off the end of the log is found too. */
     "CREATE TABLE audit_head (\n"
     "    id INTEGER PRIMARY KEY CHECK (id = 1),\n"
     "    seq BIGINT NOT NULL,\n"
     "    hash CHAR(64) NOT NULL\n"
     ");\n"},
    {4, "answers: what each search or ask cost",
     /* kind says whether a row is a search or an answer; an answer records
      * the generator that wrote it, the route the router chose, its tokens
      * and their price, so usage and cost come from the history alone. */
     "ALTER TABLE search_history ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'search' "
     "CHECK (kind IN ('search', 'ask'));\n"
     "ALTER TABLE search_history ADD COLUMN provider VARCHAR(32);\n"
     "ALTER TABLE search_history ADD COLUMN model VARCHAR(128);\n"
     "ALTER TABLE search_history ADD COLUMN route VARCHAR(64);\n"
     "ALTER TABLE search_history ADD COLUMN input_tokens BIGINT NOT NULL DEFAULT 0;\n"
     "ALTER TABLE search_history ADD COLUMN output_tokens BIGINT NOT NULL DEFAULT 0;\n"
     "ALTER TABLE search_history ADD COLUMN cache_read_tokens BIGINT NOT NULL DEFAULT 0;\n"
     "ALTER TABLE search_history ADD COLUMN cache_write_tokens BIGINT NOT NULL DEFAULT 0;\n"
     "ALTER TABLE search_history ADD COLUMN cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0;\n"
     "ALTER TABLE search_history ADD COLUMN citations_dropped INTEGER NOT NULL DEFAULT 0;\n"
     "CREATE INDEX idx_search_history_org_time ON search_history(org_id, timestamp);\n"},
    {5, "sync jobs: checkpoints, progress, failures, documents seen",
     /* data_sources.checkpoint: where an unfinished sync resumes. sync_logs is
      * the job's own row: who runs it (host:pid) and its heartbeat, so a
      * job whose process died can be taken over; how far it got; the
      * failed items and the PII counts as JSON. documents.last_sync_id: the
      * sync that last saw a document, so that a full sync can delete what
      * it did not see. */
     "ALTER TABLE data_sources ADD COLUMN checkpoint TEXT;\n"
     "ALTER TABLE sync_logs ADD COLUMN documents_failed INTEGER NOT NULL DEFAULT 0;\n"
     "ALTER TABLE sync_logs ADD COLUMN documents_total INTEGER;\n"
     "ALTER TABLE sync_logs ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'full' "
     "CHECK (kind IN ('full', 'incremental'));\n"
     "ALTER TABLE sync_logs ADD COLUMN details TEXT NOT NULL DEFAULT '{}';\n"
     "ALTER TABLE sync_logs ADD COLUMN worker TEXT;\n"
     "ALTER TABLE sync_logs ADD COLUMN heartbeat_at TIMESTAMP;\n"
     "ALTER TABLE documents ADD COLUMN last_sync_id {uuid};\n"
     "CREATE INDEX idx_documents_source_sync ON documents(data_source_id, last_sync_id);\n"},
    {.version = 6,
     .name = "documents belong to their source: unique on (org, source, key)",
     /* A document is identified by its data source and its id there: the
      * same key in two sources (one Message-ID in two mailboxes, one
      * channel id in two workspaces, one file under two folder sources) is
      * two documents, each with its own ACL and text. The files of `unify
      * ingest` have no source (NULL), which a UNIQUE constraint would let
      * repeat, so two partial unique indexes cover the two cases, the same
      * in both backends. Rows are kept as they are: each is its current
      * source's (a document one source took from another before this
      * migration stays with the taker, and the other source adds its own
      * copy again at its next sync).
      *
      * PostgreSQL drops migration 2's constraint by its name. SQLite cannot
      * drop a constraint written inside CREATE TABLE, so the table is
      * rebuilt, in this migration's transaction with foreign keys on: the
      * chunks, which reference documents, are rebuilt with it (DROP TABLE
      * documents deletes its rows first, which would cascade to chunks
      * still referencing it), and renaming documents_v6 to documents points
      * chunks_v6's reference at the new name. This copies the stored text
      * once. */
     .sql = "{if postgres}"
            "ALTER TABLE documents DROP CONSTRAINT documents_org_id_source_key_key;\n"
            "{end}"
            "{if sqlite}"
            "CREATE TABLE documents_v6 (\n"
            "    id {uuid_pk},\n"
            "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
            "    data_source_id {uuid} REFERENCES data_sources(id) ON DELETE CASCADE,\n"
            "    source_key TEXT NOT NULL,\n"
            "    source_type VARCHAR(50) NOT NULL,\n"
            "    title TEXT,\n"
            "    url TEXT,\n"
            "    path TEXT,\n"
            "    author TEXT,\n"
            "    language VARCHAR(16),\n"
            "    file_type VARCHAR(16),\n"
            "    content_hash CHAR(64) NOT NULL,\n"
            "    metadata {json} NOT NULL DEFAULT '{}',\n"
            "    acl {json} NOT NULL DEFAULT '[]',\n"
            "    chunk_count INTEGER NOT NULL DEFAULT 0 CHECK (chunk_count >= 0),\n"
            "    text_bytes BIGINT NOT NULL DEFAULT 0,\n"
            "    created_at TIMESTAMP,\n"
            "    updated_at TIMESTAMP,\n"
            "    indexed_at TIMESTAMP DEFAULT {now},\n"
            "    last_sync_id {uuid}\n"
            ");\n"
            "INSERT INTO documents_v6 (id, org_id, data_source_id, source_key, source_type, "
            "title, url, path, author, language, file_type, content_hash, metadata, acl, "
            "chunk_count, text_bytes, created_at, updated_at, indexed_at, last_sync_id) "
            "SELECT id, org_id, data_source_id, source_key, source_type, title, url, path, "
            "author, language, file_type, content_hash, metadata, acl, chunk_count, text_bytes, "
            "created_at, updated_at, indexed_at, last_sync_id FROM documents;\n"
            "CREATE TABLE chunks_v6 (\n"
            "    document_id {uuid} NOT NULL REFERENCES documents_v6(id) ON DELETE CASCADE,\n"
            "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
            "    chunk_index INTEGER NOT NULL CHECK (chunk_index >= 0),\n"
            "    text TEXT NOT NULL,\n"
            "    tokens INTEGER NOT NULL,\n"
            "    start_offset BIGINT NOT NULL,\n"
            "    heading_path TEXT NOT NULL DEFAULT '',\n"
            "    PRIMARY KEY (document_id, chunk_index)\n"
            ");\n"
            "INSERT INTO chunks_v6 (document_id, org_id, chunk_index, text, tokens, start_offset, "
            "heading_path) SELECT document_id, org_id, chunk_index, text, tokens, start_offset, "
            "heading_path FROM chunks;\n"
            "DROP TABLE chunks;\n"
            "DROP TABLE documents;\n"
            "ALTER TABLE documents_v6 RENAME TO documents;\n"
            "ALTER TABLE chunks_v6 RENAME TO chunks;\n"
            "CREATE INDEX idx_documents_data_source_id ON documents(data_source_id);\n"
            "CREATE INDEX idx_documents_source_sync ON documents(data_source_id, last_sync_id);\n"
            "CREATE INDEX idx_chunks_org_id ON chunks(org_id);\n"
            "{end}"
            "CREATE UNIQUE INDEX idx_documents_source_key ON documents(org_id, data_source_id, "
            "source_key) WHERE data_source_id IS NOT NULL;\n"
            "CREATE UNIQUE INDEX idx_documents_unsourced_key ON documents(org_id, source_key) "
            "WHERE data_source_id IS NULL;\n"},
    {7, "typed ACL principals: user:EMAIL, group:NAME, org:*",
     /* Stored ACLs and group lists are rewritten in C (migrate_acl.c): the
      * rule of what an untyped name was is doc/acl.h's, not SQL's. */
     NULL},
    {.version = 8,
     .name = "usage counts every caller: search_history.caller, user_id optional",
     /* Every search and ask is a row, whoever made it: a user, an API key
      * (under its creator when it has one: `unify apikey create` keys have
      * none) or the CLI (no user). caller says which; rows of before are a
      * key's when they name one. SQLite cannot drop a NOT NULL, so the
      * table is rebuilt (nothing references it). */
     .sql = "{if postgres}"
            "ALTER TABLE search_history ALTER COLUMN user_id DROP NOT NULL;\n"
            "ALTER TABLE search_history ADD COLUMN caller VARCHAR(8) NOT NULL DEFAULT 'user' "
            "CHECK (caller IN ('user', 'key', 'cli'));\n"
            "{end}"
            "{if sqlite}"
            "CREATE TABLE search_history_v8 (\n"
            "    id {uuid_pk},\n"
            "    user_id {uuid} REFERENCES users(id) ON DELETE CASCADE,\n"
            "    org_id {uuid} NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,\n"
            "    query TEXT NOT NULL,\n"
            "    results_count INTEGER DEFAULT 0,\n"
            "    response_time_ms INTEGER,\n"
            "    sources_used {text_array},\n"
            "    is_saved BOOLEAN DEFAULT FALSE,\n"
            "    timestamp TIMESTAMP DEFAULT {now},\n"
            "    api_key_id {uuid} REFERENCES api_keys(id) ON DELETE SET NULL,\n"
            "    kind VARCHAR(16) NOT NULL DEFAULT 'search' CHECK (kind IN ('search', 'ask')),\n"
            "    provider VARCHAR(32),\n"
            "    model VARCHAR(128),\n"
            "    route VARCHAR(64),\n"
            "    input_tokens BIGINT NOT NULL DEFAULT 0,\n"
            "    output_tokens BIGINT NOT NULL DEFAULT 0,\n"
            "    cache_read_tokens BIGINT NOT NULL DEFAULT 0,\n"
            "    cache_write_tokens BIGINT NOT NULL DEFAULT 0,\n"
            "    cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,\n"
            "    citations_dropped INTEGER NOT NULL DEFAULT 0,\n"
            "    caller VARCHAR(8) NOT NULL DEFAULT 'user' CHECK (caller IN ('user', 'key', "
            "'cli'))\n"
            ");\n"
            "INSERT INTO search_history_v8 (id, user_id, org_id, query, results_count, "
            "response_time_ms, sources_used, is_saved, timestamp, api_key_id, kind, provider, "
            "model, route, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
            "cost_usd, citations_dropped) SELECT id, user_id, org_id, query, results_count, "
            "response_time_ms, sources_used, is_saved, timestamp, api_key_id, kind, provider, "
            "model, route, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, "
            "cost_usd, citations_dropped FROM search_history;\n"
            "DROP TABLE search_history;\n"
            "ALTER TABLE search_history_v8 RENAME TO search_history;\n"
            "CREATE INDEX idx_search_history_user_id ON search_history(user_id);\n"
            "CREATE INDEX idx_search_history_timestamp ON search_history(timestamp DESC);\n"
            "CREATE INDEX idx_search_history_org_user ON search_history(org_id, user_id);\n"
            "CREATE INDEX idx_search_history_org_time ON search_history(org_id, timestamp);\n"
            "{end}"
            "UPDATE search_history SET caller = 'key' WHERE api_key_id IS NOT NULL;\n"},
};

/* The migrations that also rewrite stored values in C. */
static const struct {
    int version;
    ud_meta_data_step step;
} DATA_STEPS[] = {
    {7, ud_migrate_typed_principals},
};

const ud_meta_migration *ud_schema_migrations(size_t *out_count)
{
    *out_count = sizeof(MIGRATIONS) / sizeof(MIGRATIONS[0]);
    return MIGRATIONS;
}

ud_meta_data_step ud_schema_data_step(int version)
{
    for (size_t i = 0; i < sizeof(DATA_STEPS) / sizeof(DATA_STEPS[0]); i++)
        if (DATA_STEPS[i].version == version)
            return DATA_STEPS[i].step;
    return NULL;
}
