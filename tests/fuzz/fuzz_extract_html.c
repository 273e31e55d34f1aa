/*
 * Fuzz target: the HTML extractor (src/doc/extract/html.c, libxml2) on whole files, then the
 * cleaning of its text.
 */
#include "doc/extract/extract.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ud_fuzz_extract(UD_FORMAT_HTML, data, size);
}
