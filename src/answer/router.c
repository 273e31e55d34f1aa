/*
 * The routing and failover generator (router.h). The rule is applied to
 * the question text alone (no model call: routing must cost nothing), then
 * the chosen generator answers and, if it fails before sending any text
 * with an error another provider may not have, the next in line does.
 */
#include "answer/router.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

static const char *const DEFAULT_PREFIXES[] = {"what is",       "what's",   "what are",  "who is",
                                               "who's",         "who are",  "when is",   "when was",
                                               "when did",      "where is", "where are", "define",
                                               "definition of", "which is", NULL};

static const char *const DEFAULT_MARKERS[] = {
    "compare",     "comparison",    " vs ",     "vs.",          "versus",  "difference",
    "differences", "why",           "how does", "how do",       "how did", "trend",
    "trends",      "across",        "analyze",  "analyse",      "explain", "summarize",
    "summarise",   "pros and cons", "impact",   "relationship", NULL};

static const ud_llm_route_rule DEFAULT_RULE = {
    .max_words = 12,
    .max_entities = 1,
    .max_question_marks = 1,
    .simple_prefixes = DEFAULT_PREFIXES,
    .complex_markers = DEFAULT_MARKERS,
    .prefix_optional = false,
};

const ud_llm_route_rule *ud_llm_route_rule_default(void)
{
    return &DEFAULT_RULE;
}

static bool is_alnum(char c)
{
    return isalnum((unsigned char)c) || (unsigned char)c >= 0x80;
}

/* Finds `needle` in `hay` (both already lower-case) as whole words: an
 * alphanumeric end of the needle must meet a non-alphanumeric neighbour. */
static bool contains_words(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    if (n == 0)
        return false;
    for (const char *at = strstr(hay, needle); at; at = strstr(at + 1, needle)) {
        bool left = !is_alnum(needle[0]) || at == hay || !is_alnum(at[-1]);
        bool right = !is_alnum(needle[n - 1]) || !is_alnum(at[n]);
        if (left && right)
            return true;
    }
    return false;
}

static char *fold(const char *s)
{
    char *out = ud_strdup(s);
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return out;
}

static bool starts_with_words(const char *hay, const char *prefix)
{
    size_t n = strlen(prefix);
    return n > 0 && strncmp(hay, prefix, n) == 0 && (!is_alnum(prefix[n - 1]) || !is_alnum(hay[n]));
}

/* Words, and entities: runs of capitalised words after the first word
 * ("Acme Corp" is one); "I" is not an entity. */
static void count_words(const char *q, int *out_words, int *out_entities)
{
    int words = 0, entities = 0;
    bool in_entity = false;
    const char *p = q;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        /* Leading quotes or brackets do not hide a capital. */
        const char *w = start;
        while (w < p && !is_alnum(*w))
            w++;
        size_t len = (size_t)(p - w);
        bool capital = w < p && isupper((unsigned char)*w) && !(len == 1 && *w == 'I');
        if (words > 0 && capital) {
            if (!in_entity)
                entities++;
            in_entity = true;
        } else {
            in_entity = false;
        }
        /* A word ending a clause ends an entity too ("Acme, Globex"). */
        if (p > start && strchr(",;:.?!", p[-1]))
            in_entity = false;
        words++;
    }
    *out_words = words;
    *out_entities = entities;
}

bool ud_llm_route_is_simple(const ud_llm_route_rule *rule, const char *question, char *reason,
                            size_t reason_size)
{
    if (!rule)
        rule = &DEFAULT_RULE;
    char scratch[128];
    if (!reason) {
        reason = scratch;
        reason_size = sizeof(scratch);
    }
    int max_words = rule->max_words > 0 ? rule->max_words : DEFAULT_RULE.max_words;
    int max_entities = rule->max_entities > 0 ? rule->max_entities : DEFAULT_RULE.max_entities;
    int max_marks =
        rule->max_question_marks > 0 ? rule->max_question_marks : DEFAULT_RULE.max_question_marks;
    const char *const *prefixes = rule->simple_prefixes ? rule->simple_prefixes : DEFAULT_PREFIXES;
    const char *const *markers = rule->complex_markers ? rule->complex_markers : DEFAULT_MARKERS;

    while (question && isspace((unsigned char)*question))
        question++;
    if (!question || !*question) {
        snprintf(reason, reason_size, "complex: empty question");
        return false;
    }
    int marks = 0;
    for (const char *p = question; *p; p++)
        marks += *p == '?';
    if (marks > max_marks) {
        snprintf(reason, reason_size, "complex: %d question marks", marks);
        return false;
    }
    char *folded = fold(question);
    bool simple = false;
    for (size_t i = 0; markers[i]; i++) {
        char *marker = fold(markers[i]);
        bool found = contains_words(folded, marker);
        free(marker);
        if (found) {
            snprintf(reason, reason_size, "complex: marker '%s'", markers[i]);
            goto done;
        }
    }
    int words, entities;
    count_words(question, &words, &entities);
    if (words > max_words) {
        snprintf(reason, reason_size, "complex: %d words (> %d)", words, max_words);
        goto done;
    }
    if (entities > max_entities) {
        snprintf(reason, reason_size, "complex: %d entities (> %d)", entities, max_entities);
        goto done;
    }
    for (size_t i = 0; prefixes[i]; i++) {
        char *prefix = fold(prefixes[i]);
        bool found = starts_with_words(folded, prefix);
        free(prefix);
        if (found) {
            snprintf(reason, reason_size, "simple: '%s', %d words, %d %s", prefixes[i], words,
                     entities, entities == 1 ? "entity" : "entities");
            simple = true;
            goto done;
        }
    }
    if (rule->prefix_optional) {
        snprintf(reason, reason_size, "simple: short, %d words, %d %s", words, entities,
                 entities == 1 ? "entity" : "entities");
        simple = true;
    } else {
        snprintf(reason, reason_size, "complex: no simple prefix");
    }
done:
    free(folded);
    return simple;
}

/* ---- the router ------------------------------------------------------- */

typedef struct router {
    ud_llm base;
    ud_llm *primary, *cheap, *fallback; /* owned */
    ud_llm_route_rule rule;             /* its lists point at the copies below */
    char **prefixes, **markers;         /* NULL-terminated copies, or NULL */
} router;

static char **copy_list(const char *const *list)
{
    if (!list)
        return NULL;
    size_t n = 0;
    while (list[n])
        n++;
    char **copy = ud_calloc(n + 1, sizeof(*copy));
    for (size_t i = 0; i < n; i++)
        copy[i] = ud_strdup(list[i]);
    return copy;
}

static void free_list(char **list)
{
    for (size_t i = 0; list && list[i]; i++)
        free(list[i]);
    free(list);
}

static bool fails_over(int rc)
{
    return rc == UD_ETIMEOUT || rc == UD_EUPSTREAM || rc == UD_EAGAIN;
}

static int generate(ud_llm *self, ud_llm_result *out, const ud_llm_request *req,
                    ud_llm_on_text on_text, void *payload)
{
    router *r = (router *)self;
    char reason[128];
    bool simple = false;
    if (r->cheap)
        simple = ud_llm_route_is_simple(&r->rule, req->question, reason, sizeof(reason));
    else
        snprintf(reason, sizeof(reason), "no cheap model configured");

    struct {
        ud_llm *llm;
        const char *route;
    } chain[3];
    size_t n = 0;
    if (simple) {
        chain[n].llm = r->cheap;
        chain[n++].route = "cheap";
    }
    chain[n].llm = r->primary;
    chain[n++].route = "primary";
    if (r->fallback) {
        chain[n].llm = r->fallback;
        chain[n++].route = "fallback";
    }

    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        rc = ud_llm_generate(chain[i].llm, out, req, on_text, payload);
        snprintf(out->route, sizeof(out->route), "%s", chain[i].route);
        snprintf(out->route_reason, sizeof(out->route_reason), "%s", reason);
        if (rc == 0 || !fails_over(rc) || out->text_sent || i + 1 == n)
            return rc;
        /* Nothing reached the listener: the next generator starts clean. */
        snprintf(reason, sizeof(reason), "%s failed (%s): %s", chain[i].route, ud_error_name(rc),
                 ud_error_last());
        ud_llm_result_dispose(out);
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

static void router_free(ud_llm *self)
{
    router *r = (router *)self;
    ud_llm_free(r->primary);
    ud_llm_free(r->cheap);
    ud_llm_free(r->fallback);
    free_list(r->prefixes);
    free_list(r->markers);
    free(r);
}

static const ud_llm_ops ROUTER_OPS = {.generate = generate, .free = router_free};

int ud_llm_router_new(ud_llm **out, const ud_llm_router_config *config)
{
    if (!config || !config->primary)
        return ud_error_set(UD_EINVAL, "the answer router needs a primary generator");
    router *r = ud_calloc(1, sizeof(*r));
    r->base.ops = &ROUTER_OPS;
    snprintf(r->base.kind, sizeof(r->base.kind), "router");
    snprintf(r->base.model, sizeof(r->base.model), "%s", config->primary->model);
    r->primary = config->primary;
    r->cheap = config->cheap;
    r->fallback = config->fallback;
    r->rule = config->rule ? *config->rule : DEFAULT_RULE;
    r->prefixes = copy_list(r->rule.simple_prefixes);
    r->markers = copy_list(r->rule.complex_markers);
    r->rule.simple_prefixes = (const char *const *)r->prefixes;
    r->rule.complex_markers = (const char *const *)r->markers;
    *out = &r->base;
    return 0;
}
