/*
 * The routing and failover generator: an ud_llm that wraps a primary
 * generator, an optional cheaper one and an optional fallback.
 *
 * Routing: a question the rule calls simple (short, at most one entity,
 * starting like "what is ...", no marker of a complex question) goes to the
 * cheap generator, any other to the primary. The rule is data
 * (ud_llm_route_rule), so configuration can change it, and the choice and
 * its reason are recorded in ud_llm_result.route and .route_reason.
 *
 * Failover: when the chosen generator fails with UD_ETIMEOUT, UD_EUPSTREAM
 * or UD_EAGAIN before any text reached the listener, the next one answers:
 * cheap, then primary, then fallback; primary, then fallback. Once text was
 * sent, an error is returned as it is (the listener has part of an answer:
 * starting another would duplicate or contradict it). UD_ECANCELED, UD_EAUTH
 * and UD_EINVAL never fail over.
 */
#ifndef UD_ANSWER_ROUTER_H
#define UD_ANSWER_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "answer/llm.h"

/* What makes a question simple. Lists are NULL-terminated; matching is
 * ASCII case-insensitive; a marker or prefix matches whole words (" vs "
 * matches "a vs b", "why" does not match "whyte"). */
typedef struct ud_llm_route_rule {
    int max_words;                      /* more words: complex; 0: 12 */
    int max_entities;                   /* capitalised names past the first word; 0: 1 */
    int max_question_marks;             /* more '?': complex (several questions); 0: 1 */
    const char *const *simple_prefixes; /* NULL: "what is", "who is", "when is", ... */
    const char *const *complex_markers; /* NULL: "compare", " vs ", "why", "trend", ... */
    bool prefix_optional;               /* short questions without a simple prefix are simple too */
} ud_llm_route_rule;

/* The built-in rule (static storage). */
const ud_llm_route_rule *ud_llm_route_rule_default(void);

/* Applies the rule (NULL: the default) to a question: true when it is
 * simple. Writes a short reason ("simple: 'what is', 4 words, 1 entity",
 * "complex: marker 'compare'") into reason (may be NULL). */
bool ud_llm_route_is_simple(const ud_llm_route_rule *rule, const char *question, char *reason,
                            size_t reason_size);

typedef struct ud_llm_router_config {
    ud_llm *primary;               /* required */
    ud_llm *cheap;                 /* NULL: every question goes to the primary */
    ud_llm *fallback;              /* NULL: no failover past the primary */
    const ud_llm_route_rule *rule; /* NULL: the default; copied, lists included */
} ud_llm_router_config;

/* Makes the router. On success it owns the generators it was given (it
 * frees them); on failure the caller still does. Thread-safe if they are:
 * the router keeps no state between questions. */
int ud_llm_router_new(ud_llm **out, const ud_llm_router_config *config) UD_MUST_CHECK;

#endif
