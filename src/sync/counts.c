/*
 * The tally of a batch of documents (counts.h).
 */
#include "sync/counts.h"

#include <assert.h>

void ud_doc_counts_outcome(ud_doc_counts *c, ud_doc_outcome outcome, size_t chunks)
{
    c->seen++;
    switch (outcome) {
    case UD_DOC_ADDED: c->added++; break;
    case UD_DOC_UPDATED: c->updated++; break;
    case UD_DOC_EXCLUDED: c->excluded++; break;
    case UD_DOC_UNCHANGED: c->unchanged++; break;
    }
    c->chunks += (int64_t)chunks;
    assert(ud_doc_counts_balanced(c));
}

void ud_doc_counts_fail(ud_doc_counts *c)
{
    c->seen++;
    c->failed++;
    assert(ud_doc_counts_balanced(c));
}

void ud_doc_counts_skip(ud_doc_counts *c)
{
    c->seen++;
    c->skipped++;
    assert(ud_doc_counts_balanced(c));
}

void ud_doc_counts_add(ud_doc_counts *total, const ud_doc_counts *part)
{
    total->seen += part->seen;
    total->added += part->added;
    total->updated += part->updated;
    total->unchanged += part->unchanged;
    total->excluded += part->excluded;
    total->skipped += part->skipped;
    total->failed += part->failed;
    total->chunks += part->chunks;
}

bool ud_doc_counts_balanced(const ud_doc_counts *c)
{
    if (c->seen < 0 || c->added < 0 || c->updated < 0 || c->unchanged < 0 || c->excluded < 0 ||
        c->skipped < 0 || c->failed < 0 || c->chunks < 0)
        return false;
    return c->added + c->updated + c->unchanged + c->excluded + c->skipped + c->failed == c->seen;
}

void ud_doc_counts_to_log(ud_sync_log *log, const ud_doc_counts *c)
{
    log->processed = c->seen;
    log->added = c->added;
    log->updated = c->updated;
    log->failed = c->failed;
}
