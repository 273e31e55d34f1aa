/*
 * The connector registry (connector.h): every connector, by name.
 */
#include <string.h>

#include "connectors/connector.h"
#include "connectors/importers.h"

extern const ud_connector ud_connector_folder;

static const ud_connector *const CONNECTORS[] = {
    &ud_connector_folder,        &ud_connector_slack_export,      &ud_connector_gmail_export,
    &ud_connector_notion_export, &ud_connector_salesforce_export,
};

const ud_connector *const *ud_connectors(size_t *out_count)
{
    *out_count = sizeof(CONNECTORS) / sizeof(CONNECTORS[0]);
    return CONNECTORS;
}

const ud_connector *ud_connector_find(const char *type)
{
    size_t count = 0;
    const ud_connector *const *all = ud_connectors(&count);
    for (size_t i = 0; type && i < count; i++)
        if (strcmp(all[i]->type, type) == 0)
            return all[i];
    return NULL;
}
