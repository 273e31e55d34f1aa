/*
 * Builds a segment in memory (documents analyzed as they are added) and
 * writes it as one immutable file (format: segment_format.h). This is the
 * "in-memory segment" of a collection writer until it commits.
 */
#ifndef UD_INDEX_SEGMENT_WRITER_H
#define UD_INDEX_SEGMENT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "index/analyzer.h"
#include "index/index_doc.h"

typedef struct ud_segment_builder ud_segment_builder;

/* The analyzer is borrowed and used only by this builder's thread.
 * vector_dims: length of the chunks' vectors, 0 when there are none;
 * vector_format: UD_SEG_VECTORS_F32, or UD_SEG_VECTORS_I8 to store int8
 * copies for the graph walk as well (segment_format.h). */
int ud_segment_builder_new(ud_segment_builder **out, ud_analyzer *analyzer, uint32_t vector_dims,
                           uint32_t vector_format) UD_MUST_CHECK;
void ud_segment_builder_free(ud_segment_builder *builder);

/* Analyzes and adds one chunk. UD_ELIMIT past 2^31 documents. */
int ud_segment_builder_add(ud_segment_builder *builder, const ud_index_doc *doc) UD_MUST_CHECK;
size_t ud_segment_builder_count(const ud_segment_builder *builder);
/* Approximate heap bytes held, so writers can flush before memory grows. */
size_t ud_segment_builder_memory(const ud_segment_builder *builder);

/* Writes the segment to `path` (through path.tmp, fsync, rename). The
 * directory itself is fsynced by the manifest commit that follows. */
int ud_segment_builder_write(ud_segment_builder *builder, const char *path) UD_MUST_CHECK;

#endif
