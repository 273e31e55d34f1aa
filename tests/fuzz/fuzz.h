/*
 * The fuzz targets (tests/fuzz/fuzz_*.c, one parser each) and what they
 * share. Each target defines the libFuzzer entry point below; `make fuzz`
 * links it with libFuzzer, and the test runner links every target under
 * another name (ud_fuzz_<target>, the Makefile's fuzz section) so that
 * test_fuzz_replay.c runs each corpus file through it in `make test`.
 *
 * A target never fails on bad input: it only calls the parser and lets
 * the sanitizers judge. It does abort (UD_FUZZ_ASSERT) when the parser
 * breaks its own contract, e.g. returns success with no result.
 */
#ifndef UD_TESTS_FUZZ_H
#define UD_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken contract: print where and abort, so libFuzzer keeps the input. */
#define UD_FUZZ_ASSERT(cond)                                                                       \
    do {                                                                                           \
        if (!(cond))                                                                               \
            ud_fuzz_abort(__FILE__, __LINE__, #cond);                                              \
    } while (0)

_Noreturn void ud_fuzz_abort(const char *file, int line, const char *what);

/* This process's scratch directory (created on first use, in /dev/shm when
 * it can be, removed at exit). */
const char *ud_fuzz_dir(void);

/* Removes the scratch directory now (the test runner's children end with
 * _exit, which skips the removal at exit). */
void ud_fuzz_dir_remove(void);

/* Writes `len` bytes to ud_fuzz_dir()/name, creating parent folders, and
 * puts the full path in out. Aborts if it cannot (the disk, not the input). */
void ud_fuzz_write(char *out, size_t size, const char *name, const void *data, size_t len);

/* Empties ud_fuzz_dir()/name (a folder), creating it, and puts its path in out. */
void ud_fuzz_fresh_dir(char *out, size_t size, const char *name);

/* Splits the input into files written under the folder `dir` (emptied
 * first): the input is a sequence of files, each starting with a line
 * "@@ <relative path>\n" (at the start of the input or after a newline)
 * and holding the bytes up to the next such line (the newline before it
 * excluded) or the end. Bytes before the first "@@ " line go to a file
 * named `first`. Names with "..", a leading '/', control bytes or more
 * than 200 bytes are skipped; at most 64 files. Returns the number written. */
size_t ud_fuzz_split_files(const char *dir, const char *first, const uint8_t *data, size_t size);

/* Runs one extractor (format: a ud_format) on the input as a whole file,
 * with the default limits, then cleans the text as the pipeline does, and
 * checks the result's contract. Returns 0. */
int ud_fuzz_extract(int format, const uint8_t *data, size_t size);

/* Runs an offline importer (a ud_connector *) on the input: the bytes
 * before the first "@@ " line are extra keys of the source's config (a
 * JSON object; anything else is ignored), the files after it are written
 * to a folder (ud_fuzz_split_files), or with as_zip the whole input is the
 * export's zip. Runs the connection test, then a full sync into a sink
 * that checks each document. Returns 0. */
int ud_fuzz_import(const void *connector, const uint8_t *data, size_t size, int as_zip);

/* Reads everything an open segment (a const ud_segment *) offers: its
 * docs, stored fields and vectors, every term's postings and positions,
 * and a BM25 and a hybrid search over it with `deleted` (NULL: none). */
void ud_fuzz_walk_segment(const void *segment, const uint8_t *deleted);

/* A NUL-terminated malloc'd copy of the input (free() it). */
char *ud_fuzz_cstr(const uint8_t *data, size_t size);

#endif
