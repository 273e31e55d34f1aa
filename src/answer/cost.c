/*
 * Prices and the cost of an answer (cost.h).
 *
 * Token accounting differs by provider: Anthropic reports input_tokens
 * without the cached part (cache reads and writes come apart), OpenAI
 * reports prompt_tokens with the cached part included. Generators hand
 * over ud_llm_usage with input_tokens meaning "input not read from the
 * cache" (the providers' code normalises it), so one formula fits both.
 */
#include "answer/cost.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The spec's prices: Claude 3.5 Sonnet $3/$15, GPT-4 Turbo $10/$30, GPT-3.5
 * Turbo $0.50/$1.50 per million tokens; prompt-cache reads at a tenth of
 * the input price (the spec's "90% off"), Anthropic's cache writes at 1.25x,
 * OpenAI's cached input at half. */
static const ud_price DEFAULT_PRICES[] = {
    {"claude-3-5-sonnet", 3.0, 15.0, 0.30, 3.75}, {"claude", 3.0, 15.0, 0.30, 3.75},
    {"gpt-4-turbo", 10.0, 30.0, 5.0, 10.0},       {"gpt-4", 10.0, 30.0, 5.0, 10.0},
    {"gpt-3.5-turbo", 0.50, 1.50, 0.25, 0.50},    {"text-embedding-3-large", 0.13, 0, 0, 0},
    {"text-embedding-3-small", 0.02, 0, 0, 0},
};

/* Sets or replaces the entry for entry->model. */
static int put(ud_price_table *table, const ud_price *entry)
{
    for (size_t i = 0; i < table->count; i++)
        if (strcmp(table->prices[i].model, entry->model) == 0) {
            table->prices[i] = *entry;
            return 0;
        }
    if (table->count == UD_PRICE_MAX_MODELS)
        return ud_error_set(UD_ELIMIT, "at most %d priced models", UD_PRICE_MAX_MODELS);
    table->prices[table->count++] = *entry;
    return 0;
}

/* One "model = a, b, c, d" entry of length len. */
static int parse_entry(ud_price *out, const char *text, size_t len)
{
    char entry[256];
    if (len >= sizeof(entry))
        return ud_error_set(UD_EINVAL, "llm_prices: an entry is too long");
    memcpy(entry, text, len);
    entry[len] = '\0';
    char *eq = strchr(entry, '=');
    if (!eq)
        return ud_error_set(UD_EINVAL, "llm_prices: '%s' has no '='", entry);
    *eq = '\0';
    char *name = entry;
    while (isspace((unsigned char)*name))
        name++;
    size_t n = strlen(name);
    while (n > 0 && isspace((unsigned char)name[n - 1]))
        name[--n] = '\0';
    if (n == 0 || n >= sizeof(out->model))
        return ud_error_set(UD_EINVAL, "llm_prices: a model name must be 1-63 characters");
    memset(out, 0, sizeof(*out));
    memcpy(out->model, name, n + 1);
    double *fields[] = {&out->input, &out->output, &out->cache_read, &out->cache_write};
    const char *p = eq + 1;
    for (size_t i = 0; i < 4; i++) {
        char *end = NULL;
        double v = strtod(p, &end);
        if (end == p || v < 0 || v > 1e6)
            return ud_error_set(UD_EINVAL,
                                "llm_prices: %s needs four prices (input, output, "
                                "cache read, cache write per million tokens)",
                                out->model);
        *fields[i] = v;
        p = end;
        while (isspace((unsigned char)*p))
            p++;
        if (i < 3 && *p++ != ',')
            return ud_error_set(UD_EINVAL, "llm_prices: %s: prices are separated by commas",
                                out->model);
    }
    if (*p != '\0')
        return ud_error_set(UD_EINVAL, "llm_prices: %s: unexpected '%s'", out->model, p);
    return 0;
}

int ud_price_table_init(ud_price_table *out, const char *overrides)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sizeof(DEFAULT_PRICES) / sizeof(DEFAULT_PRICES[0]); i++) {
        int rc = put(out, &DEFAULT_PRICES[i]);
        if (rc < 0)
            return rc;
    }
    for (const char *p = overrides ? overrides : ""; *p;) {
        size_t len = strcspn(p, ";");
        size_t blank = strspn(p, " \t");
        if (blank < len) {
            ud_price entry;
            int rc = parse_entry(&entry, p, len);
            if (rc == 0)
                rc = put(out, &entry);
            if (rc < 0)
                return rc;
        }
        p += len + (p[len] == ';');
    }
    return 0;
}

const ud_price *ud_price_find(const ud_price_table *table, const char *model)
{
    const ud_price *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; model && i < table->count; i++) {
        size_t n = strlen(table->prices[i].model);
        if (n > best_len && strncmp(model, table->prices[i].model, n) == 0) {
            best = &table->prices[i];
            best_len = n;
        }
    }
    return best;
}

double ud_answer_cost(const ud_price_table *table, const char *model, const ud_llm_usage *usage)
{
    const ud_price *price = ud_price_find(table, model);
    if (!price)
        return 0;
    return ((double)usage->input_tokens * price->input +
            (double)usage->output_tokens * price->output +
            (double)usage->cache_read_tokens * price->cache_read +
            (double)usage->cache_write_tokens * price->cache_write) /
           1e6;
}
