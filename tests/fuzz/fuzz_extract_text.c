/*
 * Fuzz target: plain text and Markdown (src/doc/extract/text.c: front
 * matter, header lines, dates) and the text encodings the pipeline
 * handles after it (UTF-8 repair and NFC in src/doc/clean.c). The first
 * byte picks the format: even for plain text, odd for Markdown.
 */
#include "doc/extract/extract.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    ud_format format = (data[0] & 1) ? UD_FORMAT_MARKDOWN : UD_FORMAT_TEXT;
    return ud_fuzz_extract(format, data + 1, size - 1);
}
