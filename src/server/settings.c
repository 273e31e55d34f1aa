/*
 * Validation of user and organization settings (settings.h).
 */
#include "server/settings.h"

#include <ctype.h>
#include <string.h>

#include "index/search.h"

static int check_preferences(const json_t *prefs)
{
    if (!json_is_object(prefs))
        return ud_error_set(UD_EINVAL, "source_preference must be an object of weights");
    if (json_object_size(prefs) > UD_MAX_SOURCE_PREFERENCES)
        return ud_error_set(UD_EINVAL, "source_preference names at most %d source types",
                            UD_MAX_SOURCE_PREFERENCES);
    const char *type;
    json_t *weight;
    json_object_foreach((json_t *)prefs, type, weight)
    {
        size_t n = strlen(type);
        bool word = n > 0 && n <= 50;
        for (size_t i = 0; word && i < n; i++)
            word = islower((unsigned char)type[i]) || isdigit((unsigned char)type[i]) ||
                   type[i] == '_';
        if (!word)
            return ud_error_set(UD_EINVAL, "source_preference: '%s' is not a source type", type);
        if (!json_is_number(weight) || json_number_value(weight) < UD_SOURCE_WEIGHT_MIN ||
            json_number_value(weight) > UD_SOURCE_WEIGHT_MAX)
            return ud_error_set(UD_EINVAL, "source_preference.%s must be a number from %g to %g",
                                type, UD_SOURCE_WEIGHT_MIN, UD_SOURCE_WEIGHT_MAX);
    }
    return 0;
}

int ud_settings_validate(const json_t *settings, ud_settings_kind kind)
{
    if (!json_is_object(settings))
        return ud_error_set(UD_EINVAL, "settings must be a JSON object");
    const char *name;
    json_t *value;
    json_object_foreach((json_t *)settings, name, value)
    {
        int rc = 0;
        if (strcmp(name, "source_preference") == 0)
            rc = check_preferences(value);
        else if (kind == UD_SETTINGS_ORG && strcmp(name, "default_mode") == 0)
            rc = json_is_string(value) && ud_search_mode_parse(json_string_value(value)) >= 0
                     ? 0
                     : ud_error_set(UD_EINVAL, "default_mode must be bm25, vector or hybrid");
        else
            rc = ud_error_set(UD_EINVAL, "unknown setting '%s'%s", name,
                              kind == UD_SETTINGS_ORG ? " (source_preference, default_mode)"
                                                      : " (source_preference)");
        if (rc < 0)
            return rc;
    }
    return 0;
}
