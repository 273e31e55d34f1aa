/*
 * Fuzz target: the DOCX extractor (src/doc/extract/docx.c: the zip, its XML parts) on whole files,
 * then the cleaning of its text.
 */
#include "doc/extract/extract.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ud_fuzz_extract(UD_FORMAT_DOCX, data, size);
}
