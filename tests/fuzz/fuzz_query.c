/*
 * Fuzz target: the query language (src/index/query.c) through the analyzer,
 * both as query syntax and as plain words (ud_query_from_words).
 */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "fuzz.h"
#include "index/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ud_analyzer *analyzer;
    if (!analyzer && ud_analyzer_new(&analyzer) < 0)
        abort();
    char *text = ud_fuzz_cstr(data, size);
    ud_arena arena;
    ud_arena_init(&arena);
    ud_query *q = ud_arena_alloc(&arena, sizeof(*q));
    if (ud_query_parse(q, analyzer, &arena, text) == 0) {
        UD_FUZZ_ASSERT(q->term_count <= UD_QUERY_MAX_TERMS);
        UD_FUZZ_ASSERT(q->phrase_count <= UD_QUERY_MAX_PHRASES);
        UD_FUZZ_ASSERT(q->source_count <= UD_QUERY_MAX_FILTERS);
        UD_FUZZ_ASSERT(q->author_count <= UD_QUERY_MAX_FILTERS);
        for (size_t i = 0; i < q->phrase_count; i++)
            for (size_t j = 0; j < q->phrases[i].count; j++)
                UD_FUZZ_ASSERT(q->phrases[i].terms[j] < q->term_count);
        for (size_t i = 0; i < q->term_count; i++)
            UD_FUZZ_ASSERT(q->terms[i].text != NULL && q->terms[i].len > 0);
    }
    ud_query *words = ud_arena_alloc(&arena, sizeof(*words));
    if (ud_query_from_words(words, analyzer, &arena, text) == 0)
        UD_FUZZ_ASSERT(words->term_count <= UD_QUERY_MAX_TERMS);
    ud_error_clear();
    ud_arena_dispose(&arena);
    free(text);
    return 0;
}
