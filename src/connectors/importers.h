/*
 * The offline importers: each source's own export format mapped to exactly
 * the documents, ids and ACLs its live connector produces. Each is one
 * connector (connector.h) in its own file; the registry lists them.
 *
 *   slack_export.c       a Slack workspace export (zip or folder)
 *   gmail_export.c       a Google Takeout mbox (a file or a folder of them)
 *   notion_export.c      a Notion "Markdown & CSV" export (zip or folder)
 *   salesforce_export.c  Salesforce Data Export CSVs and sObject Tree JSON
 *
 * Every importer reads the export named by the config's "path" and writes
 * the checkpoint described in export.h.
 */
#ifndef UD_CONNECTORS_IMPORTERS_H
#define UD_CONNECTORS_IMPORTERS_H

#include "connectors/connector.h"

extern const ud_connector ud_connector_slack_export;
extern const ud_connector ud_connector_gmail_export;
extern const ud_connector ud_connector_notion_export;
extern const ud_connector ud_connector_salesforce_export;

#endif
