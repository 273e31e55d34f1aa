/*
 * Validation of user and organization settings (settings.h).
 */
#include "server/settings.h"

#include <ctype.h>
#include <string.h>

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

/* Adds the entries of one source_preference object; `override` replaces
 * an entry already there. */
static void add_weights(ud_source_weight *weights, size_t *count, ud_arena *arena,
                        const char *settings_json, bool override)
{
    json_t *settings = settings_json ? json_loads(settings_json, 0, NULL) : NULL;
    json_t *prefs = json_object_get(settings, "source_preference");
    const char *type;
    json_t *weight;
    if (json_is_object(prefs))
        json_object_foreach(prefs, type, weight)
        {
            if (!json_is_number(weight))
                continue;
            size_t i = 0;
            while (i < *count && strcmp(weights[i].source_type, type) != 0)
                i++;
            if (i < *count && !override)
                continue;
            if (i == *count) {
                if (*count == 2 * UD_MAX_SOURCE_PREFERENCES)
                    continue;
                weights[i].source_type = ud_arena_strdup(arena, type);
                (*count)++;
            }
            weights[i].multiplier = json_number_value(weight);
        }
    json_decref(settings);
}

void ud_settings_source_weights(const ud_source_weight **out, size_t *out_count, ud_arena *arena,
                                const char *org_settings_json, const char *user_settings_json)
{
    ud_source_weight *weights =
        ud_arena_alloc(arena, 2 * UD_MAX_SOURCE_PREFERENCES * sizeof(*weights));
    size_t count = 0;
    add_weights(weights, &count, arena, org_settings_json, false);
    add_weights(weights, &count, arena, user_settings_json, true);
    *out = count ? weights : NULL;
    *out_count = count;
}

ud_search_mode ud_settings_default_mode(const char *org_settings_json, ud_search_mode fallback)
{
    json_t *settings = org_settings_json ? json_loads(org_settings_json, 0, NULL) : NULL;
    int mode = ud_search_mode_parse(json_string_value(json_object_get(settings, "default_mode")));
    json_decref(settings);
    return mode < 0 ? fallback : (ud_search_mode)mode;
}
