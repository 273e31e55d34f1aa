/*
 * Telling an export by its shape (connector.h: ud_connector_recognize),
 * so that `unify ingest` and folder sources hand exports to their
 * importers instead of reading their JSON and CSV files as documents (which
 * would lose their permissions: a Slack export's private channels are
 * files like any other).
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "connectors/connector.h"
#include "connectors/export.h"
#include "connectors/importers.h"

static bool has_file(const char *dir, const char *name)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* "Some Page 0123456789abcdef0123456789abcdef.md": Notion's page names. */
static bool notion_page_name(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t n = strlen(base);
    if (n < 36 || !ends_with(base, ".md") || base[n - 36] != ' ')
        return false;
    for (size_t i = n - 35; i < n - 3; i++)
        if (!isxdigit((unsigned char)base[i]))
            return false;
    return true;
}

static const ud_connector *recognize_zip(const char *path)
{
    ud_export *ex = NULL;
    if (ud_export_open(&ex, path, UD_EXPORT_DEFAULT_ITEM_BYTES, UD_EXPORT_DEFAULT_TOTAL_BYTES) < 0)
        return NULL;
    const ud_connector *found = NULL;
    if (ud_export_find(ex, "channels.json") != SIZE_MAX &&
        ud_export_find(ex, "users.json") != SIZE_MAX)
        found = &ud_connector_slack_export;
    for (size_t i = 0; !found && i < ud_export_count(ex); i++)
        if (notion_page_name(ud_export_name(ex, i)))
            found = &ud_connector_notion_export;
    ud_export_free(ex);
    return found;
}

const ud_connector *ud_connector_recognize(const char *path)
{
    struct stat st;
    if (!path || stat(path, &st) < 0)
        return NULL;
    if (S_ISDIR(st.st_mode)) {
        if (has_file(path, "channels.json") && has_file(path, "users.json"))
            return &ud_connector_slack_export;
        static const char *const objects[] = {"Account.csv", "Contact.csv", "Opportunity.csv",
                                              "Lead.csv", "Case.csv"};
        for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
            if (has_file(path, objects[i]))
                return &ud_connector_salesforce_export;
        return NULL;
    }
    if (!S_ISREG(st.st_mode))
        return NULL;
    if (ends_with(path, ".mbox"))
        return &ud_connector_gmail_export;
    if (ends_with(path, ".zip"))
        return recognize_zip(path);
    return NULL;
}
