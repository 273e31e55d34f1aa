/*
 * Fuzz target: the email extractor (src/doc/extract/email.c and mime_walk.c, GMime) on whole files,
 * then the cleaning of its text.
 */
#include "doc/extract/extract.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return ud_fuzz_extract(UD_FORMAT_EMAIL, data, size);
}
