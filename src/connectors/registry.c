/*
 * The connector registry (connector.h): every connector, by name, and
 * the source types their documents carry.
 */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "connectors/connector.h"
#include "connectors/importers.h"
#include "index/analyzer.h"
#include "index/query.h"

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

/* True when a and b are the same name, '-' and '_' alike. */
static bool same_name(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
            return false;
    return *a == *b;
}

const ud_connector *ud_connector_find(const char *type)
{
    size_t count = 0;
    const ud_connector *const *all = ud_connectors(&count);
    for (size_t i = 0; type && i < count; i++)
        if (same_name(all[i]->type, type))
            return all[i];
    return NULL;
}

void ud_connector_spelling(char *out, size_t size, const char *type)
{
    snprintf(out, size, "%s", type ? type : "");
    for (char *p = out; *p; p++)
        if (*p == '_')
            *p = '-';
}

/* Appends ", name" (or the first name) to the list in out. */
static void append_name(char *out, size_t size, const char *name)
{
    size_t used = strlen(out);
    if (used < size)
        snprintf(out + used, size - used, "%s%s", used ? ", " : "", name);
}

void ud_connector_names(char *out, size_t size)
{
    size_t count = 0;
    const ud_connector *const *all = ud_connectors(&count);
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        char name[64];
        ud_connector_spelling(name, sizeof(name), all[i]->type);
        append_name(out, size, name);
    }
}

/* True when a connector before the i-th gives its documents this type. */
static bool source_type_seen(const ud_connector *const *all, size_t i, const char *type)
{
    for (size_t k = 0; k < i; k++)
        if (strcmp(all[k]->source_type, type) == 0)
            return true;
    return false;
}

void ud_source_type_names(char *out, size_t size)
{
    size_t count = 0;
    const ud_connector *const *all = ud_connectors(&count);
    out[0] = '\0';
    for (size_t i = 0; i < count; i++)
        if (!source_type_seen(all, i, all[i]->source_type))
            append_name(out, size, all[i]->source_type);
}

int ud_source_types_check(const char *const *types, size_t count)
{
    size_t known = 0;
    const ud_connector *const *all = ud_connectors(&known);
    for (size_t i = 0; i < count; i++)
        if (!source_type_seen(all, known, types[i] ? types[i] : "")) {
            char names[256];
            ud_source_type_names(names, sizeof(names));
            return ud_error_set(UD_EINVAL, "unknown source type '%s'; the source types are %s",
                                types[i] ? types[i] : "", names);
        }
    return 0;
}

int ud_query_source_types_check(const char *query)
{
    /* Most queries have no filter: they need no parse. */
    if (!query || !strstr(query, "source:"))
        return 0;
    ud_analyzer *analyzer = NULL;
    int rc = ud_analyzer_new(&analyzer);
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query q;
    if (rc == 0 && ud_query_parse(&q, analyzer, &arena, query) == 0)
        rc = ud_source_types_check(q.sources, q.source_count);
    ud_arena_dispose(&arena);
    ud_analyzer_free(analyzer);
    return rc;
}
