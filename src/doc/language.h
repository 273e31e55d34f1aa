/*
 * Language detection with libexttextcat (n-gram fingerprints). The classifier
 * is loaded once per process and shared; detection is thread-safe.
 */
#ifndef UD_DOC_LANGUAGE_H
#define UD_DOC_LANGUAGE_H

#include <stddef.h>

/* ISO 639-1 code ("en", "de", ...) of the text's language, or NULL when the
 * text is too short or the classifier cannot tell. Returns a static string. */
const char *ud_language_detect(const char *text, size_t len);

#endif
