/*
 * Settings of users and organizations: JSON objects with a fixed set of
 * names, checked before they are stored.
 *   source_preference  {"slack": 1.5, "gmail": 0.8}: how much to favour a
 *                      source type in ranking (0.5 to 2; 1 is neutral);
 *                      a user's overrides the organization's
 *   default_mode       (organization only) "bm25", "vector" or "hybrid"
 */
#ifndef UD_SERVER_SETTINGS_H
#define UD_SERVER_SETTINGS_H

#include <jansson.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"
#include "index/search.h"

typedef enum { UD_SETTINGS_USER, UD_SETTINGS_ORG } ud_settings_kind;

#define UD_MAX_SOURCE_PREFERENCES 16

/* 0 if `settings` is a valid settings object of that kind, else UD_EINVAL
 * naming the offending entry. */
int ud_settings_validate(const json_t *settings, ud_settings_kind kind) UD_MUST_CHECK;

/* The source weights a search of this caller ranks with: the
 * organization's source_preference, overridden per source type by the
 * user's. Settings that do not parse give none. Strings in the arena. */
void ud_settings_source_weights(const ud_source_weight **out, size_t *out_count, ud_arena *arena,
                                const char *org_settings_json, const char *user_settings_json);

/* The organization's default_mode, or `fallback`. */
ud_search_mode ud_settings_default_mode(const char *org_settings_json, ud_search_mode fallback);

#endif
