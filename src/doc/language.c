/*
 * Language detection with libexttextcat. The classifier (a few MB of n-gram
 * fingerprints from /usr/share/libexttextcat) is loaded on first use; one
 * mutex serialises classification because a handle keeps scratch state.
 * Only the first SAMPLE_BYTES of a text are classified: more does not
 * change the answer and costs time.
 */
#include "doc/language.h"

#include <libexttextcat/textcat.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#define TEXTCAT_DIR "/usr/share/libexttextcat/"
#define SAMPLE_BYTES 4096
#define MIN_BYTES 24
#define MAX_CODES 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *classifier;
static bool load_failed;
/* Interned codes, so callers get stable static strings. */
static char codes[MAX_CODES][12];
static size_t code_count;

static const char *intern(const char *code, size_t len)
{
    for (size_t i = 0; i < code_count; i++)
        if (strlen(codes[i]) == len && memcmp(codes[i], code, len) == 0)
            return codes[i];
    if (code_count == MAX_CODES || len >= sizeof(codes[0]))
        return NULL;
    memcpy(codes[code_count], code, len);
    codes[code_count][len] = '\0';
    return codes[code_count++];
}

/* Back from a UTF-8 continuation byte so the sample ends on a whole code
 * point. */
static size_t sample_length(const char *text, size_t len)
{
    if (len <= SAMPLE_BYTES)
        return len;
    size_t n = SAMPLE_BYTES;
    while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    return n;
}

const char *ud_language_detect(const char *text, size_t len)
{
    if (len < MIN_BYTES)
        return NULL;
    const char *result = NULL;
    pthread_mutex_lock(&lock);
    if (!classifier && !load_failed) {
        classifier = special_textcat_Init(TEXTCAT_DIR "fpdb.conf", TEXTCAT_DIR);
        load_failed = classifier == NULL;
    }
    if (classifier) {
        /* Answers look like "[en--utf8]" or "[de--utf8][nl--utf8]" when
         * unsure; we take the first candidate's language subtag. */
        const char *answer = textcat_Classify(classifier, text, sample_length(text, len));
        if (answer && answer[0] == '[') {
            const char *code = answer + 1;
            size_t code_len = strcspn(code, "-]");
            if (code_len >= 2 && code_len <= 3)
                result = intern(code, code_len);
        }
    }
    pthread_mutex_unlock(&lock);
    return result;
}
