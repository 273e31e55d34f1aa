/*
 * The data step of the migration that typed ACL principals (doc/acl.h):
 * rewrites every stored document ACL and user group list to the typed
 * form, and marks every organization's index as behind the store so that
 * the next writer rebuilds it with the typed ACLs.
 */
#ifndef UD_STORE_MIGRATE_ACL_H
#define UD_STORE_MIGRATE_ACL_H

#include "base/arena.h"
#include "base/error.h"

typedef struct ud_meta ud_meta;

int ud_migrate_typed_principals(ud_meta *meta, ud_arena *arena) UD_MUST_CHECK;

#endif
