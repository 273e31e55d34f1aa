/*
 * ACL principals: the names a document's ACL lists and a caller's searches
 * carry. They are typed, so that no name of one kind can ever equal a name
 * of another: a group called like a person's email is "group:…" and never
 * matches that person's "user:…".
 *
 *   org:*          everyone in the organization
 *   user:EMAIL     one person; the email lower-cased, with one '@'
 *   group:NAME     a group of the organization; NAME is 1 to 64 of
 *                  [A-Za-z0-9._-], starting with a letter or digit (no '@',
 *                  no ':', no spaces), compared exactly
 *
 * Every principal that enters the store or the index is built here and
 * checked here (docs/security.md, "Principals").
 */
#ifndef UD_DOC_ACL_H
#define UD_DOC_ACL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

/* The principal that means "everyone in the organization". */
#define UD_ACL_EVERYONE "org:*"
#define UD_ACL_USER_PREFIX "user:"
#define UD_ACL_GROUP_PREFIX "group:"
#define UD_ACL_GROUP_NAME_MAX 64
#define UD_ACL_EMAIL_MAX 255

/* 0 if name may name a group; UD_EINVAL with a message that quotes it
 * (cut short) otherwise. */
int ud_acl_check_group_name(const char *name) UD_MUST_CHECK;

/* "user:" + the lower-cased email, in the arena; NULL when email is not an
 * address (empty, too long, no '@' or more than one, control characters or
 * spaces). */
const char *ud_acl_user(ud_arena *arena, const char *email);

/* "group:" + name, in the arena; NULL when name is not a valid group name. */
const char *ud_acl_group(ud_arena *arena, const char *name);

/* Whether p is a well-formed typed principal of one of the three kinds. */
bool ud_acl_principal_valid(const char *p);

/* 0 if every entry of an ACL is a valid principal; UD_EINVAL naming the
 * first that is not. A document with such an ACL is refused as a whole. */
int ud_acl_check_list(const char *const *acl, size_t count) UD_MUST_CHECK;

/* The typed form of a principal stored before principals were typed (the
 * migration of documents' ACLs): "org:*" and typed names stay as they are,
 * a name with '@' was a user, anything else a group. NULL when the result
 * would not be valid (it is then dropped: a document loses a reader, never
 * gains one). */
const char *ud_acl_upgrade_legacy(ud_arena *arena, const char *legacy);

#endif
