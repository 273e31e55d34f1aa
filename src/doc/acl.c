/*
 * The typed ACL principals of acl.h: how each kind is spelled and checked.
 * Connectors build their documents' ACLs with these functions, the server
 * builds a caller's principals with them, and the pipeline refuses any ACL
 * entry that is not valid, so an untyped name can enter neither side.
 */
#include "doc/acl.h"

#include <ctype.h>
#include <string.h>

static bool group_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '-';
}

static bool group_name_valid(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > UD_ACL_GROUP_NAME_MAX || !isalnum((unsigned char)name[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!group_char((unsigned char)name[i]))
            return false;
    return true;
}

int ud_acl_check_group_name(const char *name)
{
    if (group_name_valid(name))
        return 0;
    if (!name || !name[0])
        return ud_error_set(UD_EINVAL, "a group name cannot be empty");
    return ud_error_set(UD_EINVAL,
                        "group name '%.80s' is not valid: 1 to %d letters, digits, '.', '_' or "
                        "'-', starting with a letter or digit (no '@': a group is never a user)",
                        name, UD_ACL_GROUP_NAME_MAX);
}

static bool email_valid(const char *email)
{
    size_t n = email ? strlen(email) : 0;
    if (n < 3 || n > UD_ACL_EMAIL_MAX)
        return false;
    const char *at = strchr(email, '@');
    if (!at || at == email || !at[1] || strchr(at + 1, '@'))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)email[i];
        if (c <= ' ' || c == 0x7f)
            return false;
    }
    return true;
}

const char *ud_acl_user(ud_arena *arena, const char *email)
{
    if (!email_valid(email))
        return NULL;
    char *out = ud_arena_sprintf(arena, UD_ACL_USER_PREFIX "%s", email);
    for (char *p = out + strlen(UD_ACL_USER_PREFIX); *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

const char *ud_acl_group(ud_arena *arena, const char *name)
{
    return group_name_valid(name) ? ud_arena_sprintf(arena, UD_ACL_GROUP_PREFIX "%s", name) : NULL;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool ud_acl_principal_valid(const char *p)
{
    if (!p)
        return false;
    if (strcmp(p, UD_ACL_EVERYONE) == 0)
        return true;
    if (has_prefix(p, UD_ACL_USER_PREFIX)) {
        const char *email = p + strlen(UD_ACL_USER_PREFIX);
        if (!email_valid(email))
            return false;
        for (const char *c = email; *c; c++)
            if (isupper((unsigned char)*c))
                return false;
        return true;
    }
    if (has_prefix(p, UD_ACL_GROUP_PREFIX))
        return group_name_valid(p + strlen(UD_ACL_GROUP_PREFIX));
    return false;
}

int ud_acl_check_list(const char *const *acl, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (!ud_acl_principal_valid(acl[i]))
            return ud_error_set(UD_EINVAL,
                                "ACL entry '%.80s' is not a principal (org:*, user:EMAIL or "
                                "group:NAME)",
                                acl[i] ? acl[i] : "(null)");
    return 0;
}

const char *ud_acl_upgrade_legacy(ud_arena *arena, const char *legacy)
{
    if (!legacy)
        return NULL;
    if (ud_acl_principal_valid(legacy))
        return legacy;
    if (strchr(legacy, '@'))
        return ud_acl_user(arena, legacy);
    return ud_acl_group(arena, legacy);
}
