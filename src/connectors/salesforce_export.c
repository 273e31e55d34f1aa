/*
 * The Salesforce importer: a Data Export (one CSV per object: Account.csv,
 * Contact.csv, ..., as a folder or its zip) and sObject Tree JSON files
 * ({"records": [{"attributes": {"type", "referenceId"}, ...}]}, references
 * written "@referenceId", children nested under relationship names), mapped
 * to the documents the live Salesforce connector will produce.
 *
 * Every record of the export is loaded first, so that references resolve in
 * both directions: a record's document names what it points to (an
 * Opportunity its Account, a Contact its Account, a Task what it is about)
 * and lists what points to it (an Account its Contacts, open Opportunities,
 * open Cases and activities), in the shape of the spec's "Salesforce Account
 * -> Unified Document" example ("Company: Acme Corp", "Industry: ...",
 * "Owner: ...").
 *
 * Documents: the records of the selected objects ({"objects": [...]}, by
 * default Account, Contact, Opportunity, Case, Lead, Task and Event; the
 * others, such as User, are read to resolve names). Id
 * "salesforce:{object lower-case}:{Id}" (a tree record without an Id uses
 * its referenceId); url "{instance_url}/{Id}" when the config gives
 * "instance_url". Deleted rows (IsDeleted) are skipped.
 *
 * ACL: everyone in the organisation (UD_ACL_EVERYONE), which is what the
 * default organisation-wide "public read" sharing of these objects gives.
 * With {"acl": "owner"} each record is readable by its owner only: the
 * owner's email from the config's {"owners": {"005...": "email"}}, else
 * from the export's User records (or a nested Owner object); a record
 * whose owner has no email fails with that reason rather than being
 * indexed for nobody or for everyone.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/str.h"
#include "connectors/csv.h"
#include "connectors/export.h"
#include "connectors/importers.h"
#include "doc/acl.h"
#include "doc/extract/extract_util.h"

#define MAX_RECORDS 5000000
#define MAX_RELATED 50
#define MAX_TREE_DEPTH 8

/* The objects emitted by default, in the order they are emitted. */
static const char *const DEFAULT_OBJECTS[] = {"Account", "Contact", "Opportunity", "Case",
                                              "Lead",    "Task",    "Event"};

/* How each standard object's document starts ("Company: Acme Corp") and
 * the fields that come first, in order. */
static const struct {
    const char *type;
    const char *title_label;
    const char *fields[12];
} SHAPES[] = {
    {"Account",
     "Company",
     {"Type", "Industry", "Website", "Phone", "BillingCity", "BillingCountry", "AnnualRevenue",
      "NumberOfEmployees", "ParentId", "OwnerId", "CreatedDate", "Description"}},
    {"Contact",
     "Contact",
     {"Title", "AccountId", "Email", "Phone", "MobilePhone", "Department", "MailingCity",
      "MailingCountry", "OwnerId", "CreatedDate", "Description", NULL}},
    {"Opportunity",
     "Opportunity",
     {"AccountId", "StageName", "Amount", "CloseDate", "Probability", "Type", "LeadSource",
      "NextStep", "OwnerId", "CreatedDate", "Description", NULL}},
    {"Case",
     NULL, /* the first line is "Case 00001026: Subject" */
     {"AccountId", "ContactId", "Status", "Priority", "Origin", "Type", "Reason", "OwnerId",
      "CreatedDate", "Description", NULL}},
    {"Lead",
     "Lead",
     {"Company", "Title", "Email", "Phone", "Status", "LeadSource", "Industry", "City", "Country",
      "OwnerId", "CreatedDate", "Description"}},
    {"Task",
     "Task",
     {"WhatId", "WhoId", "ActivityDate", "Status", "Priority", "Type", "OwnerId", "CreatedDate",
      "Description", NULL}},
    {"Event",
     "Event",
     {"WhatId", "WhoId", "StartDateTime", "EndDateTime", "Location", "Type", "OwnerId",
      "CreatedDate", "Description", NULL}},
};

/* Fields that say nothing to a reader. */
static const char *const SYSTEM_FIELDS[] = {
    "Id",
    "IsDeleted",
    "MasterRecordId",
    "SystemModstamp",
    "CreatedById",
    "LastModifiedById",
    "LastViewedDate",
    "LastReferencedDate",
    "LastActivityDate",
    "PhotoUrl",
    "Jigsaw",
    "JigsawCompanyId",
    "JigsawContactId",
    "CleanStatus",
    "attributes",
    "IsArchived",
    "RecurrenceActivityId",
    "IsRecurrence",
    "IsReminderSet",
    "ReminderDateTime",
    "ConnectionReceivedId",
    "ConnectionSentId",
    "Name",
    "LastModifiedDate",
};

/* Friendlier labels of common fields. */
static const struct {
    const char *field, *label;
} LABELS[] = {
    {"OwnerId", "Owner"},           {"AccountId", "Account"},   {"ContactId", "Contact"},
    {"ParentId", "Parent account"}, {"WhatId", "Related to"},   {"WhoId", "Name"},
    {"StageName", "Stage"},         {"CreatedDate", "Created"}, {"CaseNumber", "Case number"},
    {"ActivityDate", "Due date"},   {"StartDateTime", "Start"}, {"EndDateTime", "End"},
};

typedef struct sf_record {
    const char *type;  /* "Account" */
    json_t *fields;    /* field -> value (CSV: strings) */
    const char *id;    /* Id, else referenceId */
    bool has_id;       /* a real Salesforce Id (for the url) */
    json_t *referrers; /* indexes of records pointing here */
} sf_record;

typedef struct sf_ctx {
    ud_export *ex;
    json_t *config;
    ud_arena arena; /* records' strings, for the whole sync */
    size_t item_cap;
    sf_record *records;
    size_t count, cap;
    json_t *by_key;       /* Id, "@referenceId" -> record index */
    json_t *failures;     /* [[file, reason]] */
    const char *instance; /* "https://x.my.salesforce.com", no trailing '/' */
    bool owner_acl;
} sf_ctx;

/* ---- Loading ------------------------------------------------------------------------- */

static const char *canonical_type(const char *type)
{
    static const char *const STANDARD[] = {"Account", "Contact", "Opportunity", "Case",
                                           "Lead",    "Task",    "Event",       "User"};
    for (size_t i = 0; i < sizeof(STANDARD) / sizeof(STANDARD[0]); i++)
        if (strcasecmp(type, STANDARD[i]) == 0)
            return STANDARD[i];
    return NULL;
}

static int add_record(sf_ctx *c, const char *type, json_t *fields, const char *ref)
{
    if (c->count >= MAX_RECORDS) {
        json_decref(fields);
        return ud_error_set(UD_ELIMIT, "more than %d records in the export", MAX_RECORDS);
    }
    const char *deleted = json_string_value(json_object_get(fields, "IsDeleted"));
    if (deleted && (strcasecmp(deleted, "true") == 0 || strcmp(deleted, "1") == 0)) {
        json_decref(fields);
        return 0;
    }
    if (json_is_true(json_object_get(fields, "IsDeleted"))) {
        json_decref(fields);
        return 0;
    }
    const char *id = json_string_value(json_object_get(fields, "Id"));
    bool has_id = id && id[0];
    if (!has_id)
        id = ref;
    if (!id || !id[0]) {
        json_decref(fields);
        return 0; /* nothing to name it by */
    }
    if (json_object_get(c->by_key, id)) {
        json_decref(fields); /* the same record twice: the first wins */
        return 0;
    }
    if (c->count == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->records = ud_realloc(c->records, c->cap * sizeof(*c->records));
    }
    sf_record *r = &c->records[c->count];
    const char *canon = canonical_type(type);
    r->type = canon ? canon : ud_arena_strdup(&c->arena, type);
    r->fields = fields;
    r->id = ud_arena_strdup(&c->arena, id);
    r->has_id = has_id;
    r->referrers = NULL;
    json_object_set_new(c->by_key, r->id, json_integer((json_int_t)c->count));
    if (ref && ref[0]) {
        char *at = ud_arena_sprintf(&c->arena, "@%s", ref);
        json_object_set_new(c->by_key, at, json_integer((json_int_t)c->count));
        if (has_id)
            json_object_set_new(c->by_key, ref, json_integer((json_int_t)c->count));
    }
    c->count++;
    return 0;
}

static int load_csv(sf_ctx *c, const char *type, const char *data, size_t len)
{
    ud_arena scratch;
    ud_arena_init(&scratch);
    ud_csv csv;
    ud_csv_init(&csv, data, len);
    char **columns = NULL;
    size_t ncols = 0;
    int rc = ud_csv_next(&columns, &ncols, &csv, &scratch);
    if (rc == 0)
        rc = ud_error_set(UD_ECORRUPT, "the CSV has no header row");
    while (rc > 0) {
        char **row;
        size_t n;
        rc = ud_csv_next(&row, &n, &csv, &scratch);
        if (rc <= 0)
            break;
        if (n == 1 && !row[0][0])
            continue;
        json_t *fields = json_object();
        for (size_t i = 0; i < ncols && i < n; i++)
            if (columns[i][0] && row[i][0])
                json_object_set_new(fields, columns[i], ud_export_json_string(row[i]));
        rc = add_record(c, type, fields, NULL);
        if (rc == 0)
            rc = 1;
    }
    ud_arena_dispose(&scratch);
    return rc < 0 ? rc : 0;
}

/* The lookup field a nested child uses for its parent: AccountId for a
 * standard parent, the custom object's own name for a custom one. */
static const char *parent_field(ud_arena *arena, const char *parent_type)
{
    size_t n = strlen(parent_type);
    if (n > 3 && strcmp(parent_type + n - 3, "__c") == 0)
        return parent_type;
    return ud_arena_sprintf(arena, "%sId", parent_type);
}

static int load_tree(sf_ctx *c, json_t *records, const char *parent_type, const char *parent_key,
                     int depth, const char *name)
{
    if (depth > MAX_TREE_DEPTH)
        return ud_error_set(UD_ELIMIT, "%s: records nested more than %d deep", name,
                            MAX_TREE_DEPTH);
    size_t i;
    json_t *rec;
    json_array_foreach(records, i, rec)
    {
        if (!json_is_object(rec))
            continue;
        json_t *attrs = json_object_get(rec, "attributes");
        const char *type = json_string_value(json_object_get(attrs, "type"));
        const char *ref = json_string_value(json_object_get(attrs, "referenceId"));
        if (!type || !type[0])
            return ud_error_set(UD_ECORRUPT, "%s: record %zu has no attributes.type", name, i + 1);
        json_t *fields = json_object();
        json_t *children = json_object();
        const char *key;
        json_t *value;
        json_object_foreach(rec, key, value)
        {
            if (strcmp(key, "attributes") == 0)
                continue;
            if (json_is_object(value) && json_is_array(json_object_get(value, "records")))
                json_object_set(children, key, json_object_get(value, "records"));
            else
                json_object_set(fields, key, value);
        }
        if (parent_type && parent_key) {
            const char *pf = parent_field(&c->arena, parent_type);
            if (!json_object_get(fields, pf))
                json_object_set_new(fields, pf, json_string(parent_key));
        }
        const char *id = json_string_value(json_object_get(fields, "Id"));
        const char *self = id && id[0] ? ud_arena_strdup(&c->arena, id)
                           : ref       ? ud_arena_sprintf(&c->arena, "@%s", ref)
                                       : NULL;
        int rc = add_record(c, type, fields, ref);
        json_t *kids;
        json_object_foreach(children, key, kids)
        {
            if (rc == 0)
                rc = load_tree(c, kids, type, self, depth + 1, name);
        }
        json_decref(children);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The object a CSV holds, from its name ("Account.csv", "account.csv"). */
static const char *csv_type(ud_arena *arena, const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    char stem[256];
    snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(base) - 4), base);
    const char *canon = canonical_type(stem);
    return canon ? canon : ud_arena_strdup(arena, stem);
}

static void note_failure(sf_ctx *c, const char *name)
{
    json_array_append_new(c->failures,
                          json_pack("[so]", name, ud_export_json_string(ud_error_last())));
    ud_error_clear();
}

static int load_export(sf_ctx *c)
{
    size_t files = 0;
    for (size_t i = 0; i < ud_export_count(c->ex); i++) {
        const char *name = ud_export_name(c->ex, i);
        bool is_csv = ud_str_ends_with_ci(ud_str_from(name), ".csv");
        bool is_json = ud_str_ends_with_ci(ud_str_from(name), ".json");
        if (!is_csv && !is_json)
            continue;
        char *data = NULL;
        size_t len = 0;
        int rc = ud_export_read(&data, &len, c->ex, i);
        if (rc < 0) {
            note_failure(c, name);
            continue;
        }
        if (is_csv) {
            files++;
            rc = load_csv(c, csv_type(&c->arena, name), data, len);
        } else {
            json_t *root = NULL;
            rc = ud_export_parse_json(&root, data, len, name);
            json_t *records = json_object_get(root, "records");
            if (rc == 0 && json_is_array(records)) {
                files++;
                rc = load_tree(c, records, NULL, NULL, 0, name);
            }
            /* Other JSON (a sample-data plan) is not records: ignored. */
            json_decref(root);
        }
        free(data);
        if (rc < 0) {
            if (rc == UD_ELIMIT && c->count >= MAX_RECORDS)
                return rc;
            note_failure(c, name);
        }
    }
    if (files == 0 && json_array_size(c->failures) == 0)
        return ud_error_set(UD_EINVAL,
                            "not a Salesforce export: no object CSV (Account.csv, ...) or "
                            "sObject Tree JSON ({\"records\": [...]}) in it");
    return 0;
}

/* ---- References ----------------------------------------------------------------------- */

static sf_record *lookup(sf_ctx *c, const char *key)
{
    json_t *at = key ? json_object_get(c->by_key, key) : NULL;
    return at ? &c->records[json_integer_value(at)] : NULL;
}

static const char *field(const sf_record *r, const char *name)
{
    const char *s = json_string_value(json_object_get(r->fields, name));
    return s && s[0] ? s : NULL;
}

/* The record a field points to, if the value is the key of one. */
static sf_record *target(sf_ctx *c, const sf_record *r, const char *name, json_t *value)
{
    if (strcmp(name, "Id") == 0 || !json_is_string(value))
        return NULL;
    sf_record *t = lookup(c, json_string_value(value));
    return t == r ? NULL : t;
}

static void link_references(sf_ctx *c)
{
    for (size_t i = 0; i < c->count; i++) {
        sf_record *r = &c->records[i];
        const char *key;
        json_t *value;
        json_object_foreach(r->fields, key, value)
        {
            sf_record *t = target(c, r, key, value);
            if (!t)
                continue;
            if (!t->referrers)
                t->referrers = json_array();
            json_array_append_new(t->referrers, json_integer((json_int_t)i));
        }
    }
}

/* What a record is called: Name, else first and last name, else the
 * object's own naming field. */
static const char *display_name(ud_arena *arena, const sf_record *r)
{
    if (strcmp(r->type, "Case") == 0) {
        const char *number = field(r, "CaseNumber"), *subject = field(r, "Subject");
        if (number && subject)
            return ud_arena_sprintf(arena, "Case %s: %s", number, subject);
        if (number)
            return ud_arena_sprintf(arena, "Case %s", number);
        if (subject)
            return subject;
    }
    const char *name = field(r, "Name");
    if (name)
        return name;
    const char *first = field(r, "FirstName"), *last = field(r, "LastName");
    if (first && last)
        return ud_arena_sprintf(arena, "%s %s", first, last);
    if (last || first)
        return last ? last : first;
    const char *subject = field(r, "Subject");
    if (subject)
        return subject;
    const char *title = field(r, "Title");
    return title ? title : r->id;
}

/* The text of a value: strings as they are, numbers and booleans written
 * out, a nested object by its Name; NULL for nothing to show. */
static const char *value_text(ud_arena *arena, json_t *value)
{
    if (json_is_string(value))
        return json_string_value(value)[0] ? json_string_value(value) : NULL;
    if (json_is_integer(value))
        return ud_arena_sprintf(arena, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
    if (json_is_real(value))
        return ud_arena_sprintf(arena, "%.15g", json_real_value(value));
    if (json_is_boolean(value))
        return json_is_true(value) ? "true" : "false";
    if (json_is_object(value))
        return json_string_value(json_object_get(value, "Name"));
    return NULL;
}

/* "BillingCity" -> "Billing city", "Product_Family__c" -> "Product family",
 * "AccountId" -> "Account". */
static const char *label_of(ud_arena *arena, const char *name)
{
    for (size_t i = 0; i < sizeof(LABELS) / sizeof(LABELS[0]); i++)
        if (strcmp(name, LABELS[i].field) == 0)
            return LABELS[i].label;
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, "__c") == 0)
        n -= 3;
    else if (n > 2 && strcmp(name + n - 2, "Id") == 0)
        n -= 2;
    char *out = ud_arena_alloc(arena, 2 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        if (ch == '_') {
            if (o && out[o - 1] != ' ')
                out[o++] = ' ';
            continue;
        }
        bool upper = ch >= 'A' && ch <= 'Z';
        bool prev_lower = i > 0 && name[i - 1] >= 'a' && name[i - 1] <= 'z';
        bool next_upper = i + 1 < n && name[i + 1] >= 'A' && name[i + 1] <= 'Z';
        bool next_lower = i + 1 < n && name[i + 1] >= 'a' && name[i + 1] <= 'z';
        bool prev_upper = i > 0 && name[i - 1] >= 'A' && name[i - 1] <= 'Z';
        /* A word starts at "aB" and at the last capital of "ABc". */
        if (upper && (prev_lower || (prev_upper && next_lower)) && o && out[o - 1] != ' ')
            out[o++] = ' ';
        /* Words are lower-cased, acronyms ("SLA") kept. */
        bool keep = o == 0 || !upper || next_upper || (prev_upper && !next_lower);
        out[o] = keep ? ch : (char)tolower((unsigned char)ch);
        o++;
    }
    out[o] = '\0';
    if (o)
        out[0] = (char)toupper((unsigned char)out[0]);
    return out;
}

static bool is_system(const char *name)
{
    for (size_t i = 0; i < sizeof(SYSTEM_FIELDS) / sizeof(SYSTEM_FIELDS[0]); i++)
        if (strcmp(name, SYSTEM_FIELDS[i]) == 0)
            return true;
    return false;
}

static bool is_open(const sf_record *r)
{
    const char *closed = field(r, "IsClosed");
    if ((closed && strcasecmp(closed, "true") == 0) ||
        json_is_true(json_object_get(r->fields, "IsClosed")))
        return false;
    if (strcmp(r->type, "Opportunity") == 0) {
        const char *stage = field(r, "StageName");
        return !(stage && strncasecmp(stage, "Closed", 6) == 0);
    }
    if (strcmp(r->type, "Case") == 0) {
        const char *status = field(r, "Status");
        return !(status && strcasecmp(status, "Closed") == 0);
    }
    return true;
}

static size_t type_rank(const char *type)
{
    for (size_t i = 0; i < sizeof(DEFAULT_OBJECTS) / sizeof(DEFAULT_OBJECTS[0]); i++)
        if (strcmp(type, DEFAULT_OBJECTS[i]) == 0)
            return i;
    return sizeof(DEFAULT_OBJECTS) / sizeof(DEFAULT_OBJECTS[0]);
}

/* One line about a related record, in a related list. */
static void put_related(ud_text_out *t, ud_arena *arena, const sf_record *r)
{
    ud_text_out_puts(t, "- ");
    ud_text_out_inline(t, display_name(arena, r), strlen(display_name(arena, r)));
    const char *extra[4] = {NULL, NULL, NULL, NULL};
    if (strcmp(r->type, "Contact") == 0) {
        extra[0] = field(r, "Title");
        extra[1] = field(r, "Email");
    } else if (strcmp(r->type, "Opportunity") == 0) {
        extra[0] = field(r, "StageName");
        extra[1] = field(r, "Amount");
        const char *close = field(r, "CloseDate");
        extra[2] = close ? ud_arena_sprintf(arena, "closes %s", close) : NULL;
    } else if (strcmp(r->type, "Case") == 0) {
        extra[0] = field(r, "Status");
        extra[1] = field(r, "Priority");
    } else if (strcmp(r->type, "Task") == 0) {
        extra[0] = field(r, "ActivityDate");
        extra[1] = field(r, "Status");
    } else if (strcmp(r->type, "Event") == 0) {
        extra[0] = field(r, "StartDateTime");
    }
    bool first = true;
    for (int i = 0; i < 4; i++) {
        if (!extra[i])
            continue;
        ud_text_out_puts(t, first ? " (" : ", ");
        ud_text_out_inline(t, extra[i], strlen(extra[i]));
        first = false;
    }
    if (!first)
        ud_text_out_puts(t, ")");
    ud_text_out_break(t, 1);
}

static const char *section_title(ud_arena *arena, const char *type)
{
    static const struct {
        const char *type, *title;
    } SECTIONS[] = {
        {"Contact", "Contacts"}, {"Opportunity", "Open opportunities"},
        {"Case", "Open cases"},  {"Task", "Tasks"},
        {"Event", "Events"},     {"Account", "Accounts"},
        {"Lead", "Leads"},
    };
    for (size_t i = 0; i < sizeof(SECTIONS) / sizeof(SECTIONS[0]); i++)
        if (strcmp(type, SECTIONS[i].type) == 0)
            return SECTIONS[i].title;
    return ud_arena_sprintf(arena, "%s records", label_of(arena, type));
}

/* The related lists: records pointing here, grouped by object in the
 * order they were loaded; opportunities and cases only while open. */
static void put_related_lists(ud_text_out *t, sf_ctx *c, ud_arena *arena, const sf_record *r,
                              json_t *related_meta)
{
    if (!r->referrers)
        return;
    /* Objects in the standard order (contacts, opportunities, cases,
     * activities), then the others as first seen. */
    json_t *types = json_array();
    size_t i;
    json_t *idx;
    json_array_foreach(r->referrers, i, idx)
    {
        const char *type = c->records[json_integer_value(idx)].type;
        size_t k, at = json_array_size(types);
        json_t *ty;
        bool seen = false;
        json_array_foreach(types, k, ty)
        {
            if (strcmp(json_string_value(ty), type) == 0)
                seen = true;
            else if (at == json_array_size(types) &&
                     type_rank(type) < type_rank(json_string_value(ty)))
                at = k;
        }
        if (!seen)
            json_array_insert_new(types, at, json_string(type));
    }
    size_t k;
    json_t *ty;
    json_array_foreach(types, k, ty)
    {
        const char *type = json_string_value(ty);
        size_t shown = 0, more = 0;
        json_t *list = json_array();
        json_array_foreach(r->referrers, i, idx)
        {
            const sf_record *o = &c->records[json_integer_value(idx)];
            if (strcmp(o->type, type) != 0 || !is_open(o))
                continue;
            if (shown == MAX_RELATED) {
                more++;
                continue;
            }
            if (shown == 0) {
                ud_text_out_break(t, 2);
                ud_text_out_puts(t, section_title(arena, type));
                ud_text_out_puts(t, ":\n");
            }
            put_related(t, arena, o);
            json_array_append_new(list, json_pack("{s:s,s:o}", "id", o->id, "name",
                                                  ud_export_json_string(display_name(arena, o))));
            shown++;
        }
        if (more) {
            char line[64];
            snprintf(line, sizeof(line), "- and %zu more\n", more);
            ud_text_out_puts(t, line);
        }
        if (shown)
            json_object_set_new(related_meta, section_title(arena, type), list);
        else
            json_decref(list);
    }
    json_decref(types);
}

/* ---- One record ------------------------------------------------------------------------- */

static const char *owner_email(sf_ctx *c, const sf_record *r)
{
    const char *owner_id = field(r, "OwnerId");
    const char *mapped =
        owner_id
            ? json_string_value(json_object_get(json_object_get(c->config, "owners"), owner_id))
            : NULL;
    if (mapped && mapped[0])
        return mapped;
    sf_record *user = lookup(c, owner_id);
    if (user && field(user, "Email"))
        return field(user, "Email");
    json_t *nested = json_object_get(r->fields, "Owner");
    const char *email = json_string_value(json_object_get(nested, "Email"));
    return email && email[0] ? email : NULL;
}

static const char *owner_name(sf_ctx *c, ud_arena *arena, const sf_record *r)
{
    sf_record *user = lookup(c, field(r, "OwnerId"));
    if (user)
        return display_name(arena, user);
    return json_string_value(json_object_get(json_object_get(r->fields, "Owner"), "Name"));
}

static void put_field(ud_text_out *t, sf_ctx *c, ud_arena *arena, const sf_record *r,
                      const char *name, json_t *value, json_t *refs)
{
    const char *text = NULL;
    sf_record *to = target(c, r, name, value);
    const char *label = label_of(arena, name);
    if (to) {
        text = display_name(arena, to);
        json_object_set_new(refs, label,
                            json_pack("{s:s,s:s,s:o}", "type", to->type, "id", to->id, "name",
                                      ud_export_json_string(text)));
        /* Who and What point to several objects: say which. */
        if (strcmp(name, "WhatId") == 0 || strcmp(name, "WhoId") == 0)
            text = ud_arena_sprintf(arena, "%s (%s)", text, to->type);
    } else {
        text = value_text(arena, value);
    }
    if (!text || !text[0])
        return;
    ud_text_out_puts(t, label);
    ud_text_out_puts(t, ": ");
    ud_text_out_inline(t, text, strlen(text));
    ud_text_out_break(t, 1);
}

static int emit_record(ud_export_emitter *em, sf_ctx *c, const sf_record *r)
{
    ud_arena *arena = &em->arena;
    char *type_lower = ud_arena_strdup(arena, r->type);
    for (char *p = type_lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    const char *key = ud_arena_sprintf(arena, "salesforce:%s:%s", type_lower, r->id);
    const char **acl = ud_arena_alloc(arena, sizeof(*acl));
    const char *email = owner_email(c, r);
    if (c->owner_acl) {
        if (!email) {
            char reason[300];
            snprintf(reason, sizeof(reason),
                     "the ACL is the owner's, and owner %s has no email (config \"owners\" or "
                     "User records)",
                     field(r, "OwnerId") ? field(r, "OwnerId") : "(none)");
            ud_export_fail(em, key, reason);
            return 0;
        }
        acl[0] = ud_acl_user(arena, email);
        if (!acl[0]) {
            char reason[400];
            snprintf(reason, sizeof(reason),
                     "the ACL is the owner's, and owner email '%.100s' "
                     "is not an email address",
                     email);
            ud_export_fail(em, key, reason);
            return 0;
        }
    } else {
        acl[0] = UD_ACL_EVERYONE;
    }
    size_t shape = SIZE_MAX;
    for (size_t i = 0; i < sizeof(SHAPES) / sizeof(SHAPES[0]); i++)
        if (strcmp(SHAPES[i].type, r->type) == 0)
            shape = i;
    const char *name = display_name(arena, r);
    ud_extract_limits lim = {.max_text_bytes = c->item_cap};
    ud_text_out t;
    ud_text_out_init(&t, key, &lim);
    const char *title_label =
        shape != SIZE_MAX ? SHAPES[shape].title_label : label_of(arena, r->type);
    if (title_label) {
        ud_text_out_puts(&t, title_label);
        ud_text_out_puts(&t, ": ");
    }
    ud_text_out_inline(&t, name, strlen(name));
    ud_text_out_break(&t, 1);
    json_t *refs = json_object();
    json_t *done = json_object();
    if (shape != SIZE_MAX) {
        for (size_t i = 0; i < 12 && SHAPES[shape].fields[i]; i++) {
            const char *f = SHAPES[shape].fields[i];
            json_t *value = json_object_get(r->fields, f);
            if (value)
                put_field(&t, c, arena, r, f, value, refs);
            json_object_set_new(done, f, json_true());
        }
    }
    const char *fname;
    json_t *value;
    json_object_foreach(r->fields, fname, value)
    {
        /* What the first line says already, and flags that are off. */
        const char *v = json_string_value(value);
        if (json_object_get(done, fname) || is_system(fname) || strcmp(fname, "FirstName") == 0 ||
            strcmp(fname, "LastName") == 0 || strcmp(fname, "Subject") == 0 ||
            strcmp(fname, "CaseNumber") == 0 || strcmp(fname, "Owner") == 0 ||
            (strncmp(fname, "Is", 2) == 0 &&
             (json_is_false(value) || (v && strcasecmp(v, "false") == 0))))
            continue;
        put_field(&t, c, arena, r, fname, value, refs);
    }
    const char *owner = owner_name(c, arena, r);
    if (owner && !field(r, "OwnerId")) {
        ud_text_out_puts(&t, "Owner: ");
        ud_text_out_puts(&t, owner);
        ud_text_out_break(&t, 1);
    }
    json_decref(done);
    json_t *related = json_object();
    put_related_lists(&t, c, arena, r, related);

    ud_source_document sd;
    memset(&sd, 0, sizeof(sd));
    ud_document *d = &sd.doc;
    d->source_key = key;
    d->source_type = "salesforce";
    d->title = name;
    d->url = c->instance && r->has_id ? ud_arena_sprintf(arena, "%s/%s", c->instance, r->id) : NULL;
    d->author = owner ? ud_arena_strdup(arena, owner) : NULL;
    d->file_type = "json";
    d->created_at = ud_parse_date_or_zero(field(r, "CreatedDate"));
    d->updated_at = ud_parse_date_or_zero(field(r, "LastModifiedDate"));
    if (!d->updated_at)
        d->updated_at = d->created_at;
    d->acl = acl;
    d->acl_count = 1;
    json_t *meta = json_object();
    json_object_set_new(meta, "object_type", json_string(r->type));
    json_object_set_new(meta, "id", json_string(r->id));
    if (email)
        json_object_set_new(meta, "owner", ud_export_json_string(email));
    if (owner)
        json_object_set_new(meta, "owner_name", ud_export_json_string(owner));
    if (d->url)
        json_object_set_new(meta, "url", json_string(d->url));
    json_object_set_new(meta, "references", refs);
    json_object_set_new(meta, "related", related);
    d->metadata_json = ud_export_json(arena, meta);
    json_t *raw = json_object();
    json_object_set_new(raw, "attributes", json_pack("{s:s}", "type", r->type));
    json_object_update(raw, r->fields);
    const char *raw_text = ud_export_json(arena, raw);
    sd.raw = raw_text;
    sd.raw_len = strlen(raw_text);
    sd.raw_id = ud_export_raw_id(arena, key, ".json");
    int rc = ud_export_emit_text(em, &sd, &t, key);
    ud_text_out_dispose(&t);
    return rc;
}

/* ---- The connector ------------------------------------------------------------------------- */

static void dispose_ctx(sf_ctx *c)
{
    for (size_t i = 0; i < c->count; i++) {
        json_decref(c->records[i].fields);
        json_decref(c->records[i].referrers);
    }
    free(c->records);
    json_decref(c->by_key);
    json_decref(c->failures);
    json_decref(c->config);
    ud_export_free(c->ex);
    ud_arena_dispose(&c->arena);
}

static int open_ctx(sf_ctx *c, const ud_source_config *config)
{
    memset(c, 0, sizeof(*c));
    ud_arena_init(&c->arena);
    c->by_key = json_object();
    c->failures = json_array();
    int rc = ud_export_config(&c->config, config);
    if (rc < 0)
        return rc;
    const char *path = ud_export_config_string(c->config, "path");
    if (!path)
        return ud_error_set(UD_EINVAL, "the Salesforce export source needs a \"path\" (a folder "
                                       "or zip of CSVs, or sObject Tree JSON files)");
    const char *acl = ud_export_config_string(c->config, "acl");
    if (acl && strcmp(acl, "owner") != 0 && strcmp(acl, "everyone") != 0)
        return ud_error_set(UD_EINVAL, "\"acl\" must be \"everyone\" or \"owner\", not \"%s\"",
                            acl);
    c->owner_acl = acl && strcmp(acl, "owner") == 0;
    const char *instance = ud_export_config_string(c->config, "instance_url");
    if (instance) {
        size_t n = strlen(instance);
        while (n > 0 && instance[n - 1] == '/')
            n--;
        c->instance = strstr(instance, "://")
                          ? ud_arena_strndup(&c->arena, instance, n)
                          : ud_arena_sprintf(&c->arena, "https://%.*s", (int)n, instance);
    }
    c->item_cap = ud_export_item_cap(config);
    if ((rc = ud_export_open(&c->ex, path, c->item_cap, ud_export_total_cap(config))) < 0)
        return rc;
    if ((rc = load_export(c)) < 0)
        return rc;
    link_references(c);
    return 0;
}

/* The objects to emit, in emission order: the config's list, or the
 * standard seven; either way standard ones first, in DEFAULT_OBJECTS order. */
static bool emitted_type(sf_ctx *c, const char *type)
{
    bool listed = false;
    if (ud_export_config_lists(c->config, "objects", type, &listed))
        return true;
    if (listed)
        return false;
    for (size_t i = 0; i < sizeof(DEFAULT_OBJECTS) / sizeof(DEFAULT_OBJECTS[0]); i++)
        if (strcmp(type, DEFAULT_OBJECTS[i]) == 0)
            return true;
    return false;
}

typedef struct order_item {
    size_t rank;
    const char *type;
    size_t index;
} order_item;

static int compare_order(const void *a, const void *b)
{
    const order_item *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    int d = strcmp(x->type, y->type);
    if (d)
        return d;
    return x->index < y->index ? -1 : x->index > y->index;
}

static int salesforce_test_connection(const ud_source_config *config, char *message, size_t size)
{
    sf_ctx c;
    int rc = open_ctx(&c, config);
    if (rc < 0) {
        snprintf(message, size, "%s", ud_error_last());
    } else {
        size_t emitted = 0;
        for (size_t i = 0; i < c.count; i++)
            emitted += emitted_type(&c, c.records[i].type);
        snprintf(message, size, "Salesforce export: %zu records, %zu to index%s", c.count, emitted,
                 json_array_size(c.failures) ? " (some files cannot be read)" : "");
    }
    dispose_ctx(&c);
    return rc;
}

static int salesforce_sync(const ud_source_config *config, ud_arena *arena,
                           const ud_sync_sink *sink)
{
    (void)arena;
    sf_ctx c;
    int rc = open_ctx(&c, config);
    if (rc < 0) {
        dispose_ctx(&c);
        return rc;
    }
    ud_export_emitter em;
    ud_export_emitter_init(&em, sink, config, ud_export_fingerprint(c.ex));
    order_item *order = ud_malloc((c.count + 1) * sizeof(*order));
    size_t n = 0;
    for (size_t i = 0; i < c.count; i++)
        if (emitted_type(&c, c.records[i].type))
            order[n++] = (order_item){type_rank(c.records[i].type), c.records[i].type, i};
    qsort(order, n, sizeof(*order), compare_order);
    em.total = json_array_size(c.failures) + n;
    size_t i;
    json_t *f;
    json_array_foreach(c.failures, i, f)
    {
        int next = ud_export_next(&em);
        if (next < 0) {
            rc = next;
            goto done;
        }
        if (next > 0)
            ud_export_fail(&em, json_string_value(json_array_get(f, 0)),
                           json_string_value(json_array_get(f, 1)));
    }
    for (size_t k = 0; k < n; k++) {
        int next = ud_export_next(&em);
        if (next < 0) {
            rc = next;
            goto done;
        }
        if (next == 0)
            continue;
        if ((rc = emit_record(&em, &c, &c.records[order[k].index])) < 0)
            goto done;
    }
    rc = ud_export_finish(&em);
done:
    free(order);
    ud_export_emitter_dispose(&em);
    dispose_ctx(&c);
    return rc;
}

const ud_connector ud_connector_salesforce_export = {
    .type = "salesforce_export",
    .data_source_type = "salesforce",
    .source_type = "salesforce",
    .summary = "Salesforce Data Export CSVs or sObject Tree JSON: one document per record, "
               "related records named",
    .test_connection = salesforce_test_connection,
    .sync = salesforce_sync,
    .webhook = NULL,
};
