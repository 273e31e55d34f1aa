/*
 * What an answer cost: its tokens times the price of the model that wrote
 * it. The defaults are the spec's prices (per million tokens); a
 * configuration string can override or add models:
 *   "claude-3-5-sonnet=3,15,0.3,3.75; gpt-4o-mini=0.15,0.6,0.075,0.15"
 * each "model prefix = input, output, cache read, cache write" in US
 * dollars per million tokens. The longest matching prefix wins.
 */
#ifndef UD_ANSWER_COST_H
#define UD_ANSWER_COST_H

#include <stddef.h>

#include "answer/llm.h"
#include "base/error.h"

#define UD_PRICE_MAX_MODELS 32

typedef struct ud_price {
    char model[64];                                /* a prefix of model names */
    double input, output, cache_read, cache_write; /* USD per million tokens */
} ud_price;

typedef struct ud_price_table {
    ud_price prices[UD_PRICE_MAX_MODELS];
    size_t count;
} ud_price_table;

/* The spec's prices, then the overrides (may be NULL or ""). UD_EINVAL
 * names the entry that does not parse. */
int ud_price_table_init(ud_price_table *out, const char *overrides) UD_MUST_CHECK;

/* The price of a model (NULL if none matches: the cost is then unknown
 * and counted as 0). */
const ud_price *ud_price_find(const ud_price_table *table, const char *model);

/* The cost of one answer in US dollars. Input tokens that came from the
 * prompt cache are priced as cache reads, not as input. */
double ud_answer_cost(const ud_price_table *table, const char *model, const ud_llm_usage *usage);

#endif
