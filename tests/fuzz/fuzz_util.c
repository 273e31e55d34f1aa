/*
 * What the fuzz targets share (fuzz.h): a scratch directory for parsers
 * that read files or folders, and the framing that turns one input into
 * the files of an export.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/crypto.h"
#include "base/error.h"
#include "base/fs.h"
#include "connectors/connector.h"
#include "doc/clean.h"
#include "doc/extract/extract.h"
#include "index/bm25_topk.h"
#include "index/hybrid.h"
#include "index/query.h"
#include "index/segment.h"

#define MAX_FILES 64
#define MAX_NAME 200

static char scratch[256];
static pid_t scratch_owner;

_Noreturn void ud_fuzz_abort(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz target contract broken: %s\n", file, line, what);
    abort();
}

/* Removes everything under path, and path itself unless keep_top. */
static void remove_tree(const char *path, bool keep_top)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[4200];
            snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
            struct stat st;
            if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                remove_tree(child, false);
            else
                unlink(child);
        }
        closedir(d);
    }
    if (!keep_top)
        rmdir(path);
}

/* Only the process that made the folder removes it (the test runner forks). */
static void remove_scratch(void)
{
    if (scratch[0] && getpid() == scratch_owner)
        remove_tree(scratch, false);
}

void ud_fuzz_dir_remove(void)
{
    remove_scratch();
    scratch[0] = '\0';
}

/* Folders of fuzzing processes that have ended: libFuzzer ends with _Exit,
 * which skips the removal at exit, so each process clears its dead
 * predecessors' (named by their pid) when it starts. */
static void remove_stale(const char *base)
{
    DIR *d = opendir(base);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        long pid = 0;
        if (sscanf(e->d_name, "unify-fuzz-%ld-", &pid) != 1 || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
        remove_tree(path, false);
    }
    closedir(d);
}

const char *ud_fuzz_dir(void)
{
    if (scratch[0])
        return scratch;
    /* tmpfs when there is one: importers read thousands of small files a second. */
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    remove_stale(base);
    snprintf(scratch, sizeof(scratch), "%s/unify-fuzz-%ld-XXXXXX", base, (long)getpid());
    if (!mkdtemp(scratch)) {
        perror("mkdtemp");
        abort();
    }
    static bool registered;
    if (!registered)
        atexit(remove_scratch);
    registered = true;
    scratch_owner = getpid();
    return scratch;
}

void ud_fuzz_fresh_dir(char *out, size_t size, const char *name)
{
    snprintf(out, size, "%s/%s", ud_fuzz_dir(), name);
    remove_tree(out, true);
    if (ud_mkdirs(out) < 0) {
        fprintf(stderr, "cannot create %s\n", out);
        abort();
    }
}

/* Writes path, creating its parent folders; false if it cannot (a name
 * of the input may make a folder where a file already is). */
static bool write_file(const char *path, const void *data, size_t len)
{
    char parent[4200];
    snprintf(parent, sizeof(parent), "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash) {
        *slash = '\0';
        if (ud_mkdirs(parent) < 0)
            return false;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = (len == 0 || fwrite(data, 1, len, f) == len);
    return fclose(f) == 0 && ok;
}

void ud_fuzz_write(char *out, size_t size, const char *name, const void *data, size_t len)
{
    snprintf(out, size, "%s/%s", ud_fuzz_dir(), name);
    if (!write_file(out, data, len)) {
        fprintf(stderr, "cannot write %s: %s\n", out, strerror(errno));
        abort();
    }
}

static bool safe_name(const char *name, size_t len)
{
    if (len == 0 || len > MAX_NAME || name[0] == '/' || name[len - 1] == '/')
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
            return false;
    for (size_t i = 0; i + 1 < len; i++)
        if (name[i] == '.' && name[i + 1] == '.')
            return false;
    return true;
}

/* Where the next "@@ " line starts at or after `from` (at the start of the
 * input or after a newline), or size. */
static size_t next_header(const uint8_t *data, size_t size, size_t from)
{
    for (size_t i = from; i + 3 <= size; i++)
        if ((i == 0 || data[i - 1] == '\n') && memcmp(data + i, "@@ ", 3) == 0)
            return i;
    return size;
}

size_t ud_fuzz_split_files(const char *dir, const char *first, const uint8_t *data, size_t size)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", ud_fuzz_dir(), dir);
    remove_tree(path, true);
    if (ud_mkdirs(path) < 0)
        abort();
    size_t written = 0;
    size_t at = next_header(data, size, 0);
    if (at > 0 && first) {
        char file[4400];
        snprintf(file, sizeof(file), "%s/%s", path, first);
        written += write_file(file, data, at);
    }
    while (at < size && written < MAX_FILES) {
        const uint8_t *line = data + at + 3;
        const uint8_t *nl = memchr(line, '\n', size - at - 3);
        size_t name_len = nl ? (size_t)(nl - line) : size - at - 3;
        size_t body = nl ? (size_t)(nl - data) + 1 : size;
        size_t end = next_header(data, size, body);
        size_t body_len = end - body;
        if (end < size && body_len > 0)
            body_len--; /* the newline before the next header belongs to it */
        if (safe_name((const char *)line, name_len)) {
            char file[4200 + MAX_NAME + 2];
            snprintf(file, sizeof(file), "%s/%.*s", path, (int)name_len, (const char *)line);
            written += write_file(file, data + body, body_len);
        }
        at = end;
    }
    return written;
}

char *ud_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

int ud_fuzz_extract(int format, const uint8_t *data, size_t size)
{
    ud_extract_limits limits;
    ud_extract_limits_default(&limits);
    /* Small caps reach the limit paths too, at fuzzing speed. */
    limits.max_text_bytes = 1u << 20;
    limits.max_member_bytes = 4u << 20;
    limits.max_pages = 50;
    ud_arena arena;
    ud_arena_init(&arena);
    /* The extractors read `len` bytes, but some libraries want a NUL after them. */
    char *copy = ud_fuzz_cstr(data, size);
    ud_extracted out = {0};
    int rc = ud_extract(&out, &arena, (ud_format)format, copy, size, "fuzz-input", &limits);
    if (rc == 0) {
        UD_FUZZ_ASSERT(out.text != NULL || out.text_len == 0);
        char *clean = NULL;
        size_t clean_len = 0;
        if (out.text && ud_clean_text(&clean, &clean_len, &arena, out.text, out.text_len) == 0)
            UD_FUZZ_ASSERT(clean != NULL && strlen(clean) == clean_len);
        if (out.title)
            UD_FUZZ_ASSERT(strlen(out.title) < (1u << 20));
    } else {
        UD_FUZZ_ASSERT(rc < 0);
        UD_FUZZ_ASSERT(ud_error_last() != NULL);
    }
    ud_error_clear();
    free(copy);
    ud_arena_dispose(&arena);
    return 0;
}

/* ---- Importers --------------------------------------------------------------- */

static int on_document(const ud_source_document *sd, void *payload)
{
    size_t *documents = payload;
    const ud_document *d = &sd->doc;
    UD_FUZZ_ASSERT(d->source_key != NULL && d->source_key[0] != '\0');
    UD_FUZZ_ASSERT(d->text != NULL || d->text_len == 0);
    UD_FUZZ_ASSERT(strlen(d->content_hash) == UD_SHA256_HEX_LEN);
    if (d->metadata_json) {
        json_t *meta = json_loads(d->metadata_json, 0, NULL);
        UD_FUZZ_ASSERT(json_is_object(meta));
        json_decref(meta);
    }
    (*documents)++;
    return 0;
}

static int on_deleted(const char *key, void *payload)
{
    (void)key;
    (void)payload;
    return 0;
}

static int on_checkpoint(const char *checkpoint, void *payload)
{
    (void)payload;
    json_t *cp = json_loads(checkpoint, 0, NULL);
    UD_FUZZ_ASSERT(json_is_object(cp));
    json_decref(cp);
    return 0;
}

static void on_failed(const char *item, const char *reason, void *payload)
{
    (void)payload;
    UD_FUZZ_ASSERT(item != NULL && reason != NULL);
}

int ud_fuzz_import(const void *connector, const uint8_t *data, size_t size, int as_zip)
{
    const ud_connector *c = connector;
    char path[4200];
    json_t *config = NULL;
    if (as_zip) {
        ud_fuzz_write(path, sizeof(path), "export.zip", data, size);
        config = json_object();
    } else {
        size_t head = next_header(data, size, 0);
        config = json_loadb((const char *)data, head, JSON_REJECT_DUPLICATES, NULL);
        if (!json_is_object(config)) {
            json_decref(config);
            config = json_object();
        }
        ud_fuzz_split_files("export", NULL, data, size);
        snprintf(path, sizeof(path), "%s/export", ud_fuzz_dir());
    }
    json_object_set_new(config, "path", json_string(path));
    char *config_json = json_dumps(config, JSON_COMPACT);
    json_decref(config);
    ud_source_config sc = {.source_id = "fuzz-source",
                           .org_id = "fuzz-org",
                           .config_json = config_json,
                           .credentials_json = "{}",
                           .max_item_bytes = 1u << 20,
                           .max_total_bytes = 16u << 20};
    char message[1024];
    if (c->test_connection(&sc, message, sizeof(message)) == 0) {
        size_t documents = 0;
        ud_sync_sink sink = {.document = on_document,
                             .deleted = on_deleted,
                             .checkpoint = on_checkpoint,
                             .failed = on_failed,
                             .skipped = on_failed,
                             .payload = &documents};
        ud_arena arena;
        ud_arena_init(&arena);
        int rc = c->sync(&sc, &arena, &sink);
        UD_FUZZ_ASSERT(rc <= 0);
        ud_arena_dispose(&arena);
    }
    ud_error_clear();
    free(config_json);
    return 0;
}

/* ---- Index files ------------------------------------------------------------- */

static ud_analyzer *analyzer(void)
{
    static ud_analyzer *shared;
    if (!shared && ud_analyzer_new(&shared) < 0)
        abort();
    return shared;
}

/* Every posting of one term, with positions; stops at a damaged block. */
static void walk_postings(const ud_segment *s, const ud_seg_term *term)
{
    ud_postings p;
    ud_postings_init(&p, s, term);
    uint32_t positions[256];
    for (size_t n = 0; p.doc != UD_DOC_END && n < 100000; n++) {
        (void)ud_postings_tf_text(&p);
        (void)ud_postings_tf_title(&p);
        (void)ud_postings_positions(&p, positions, 256);
        ud_postings_next(&p);
    }
    ud_postings_init(&p, s, term);
    ud_postings_advance(&p, 3);
}

static void search(const ud_segment_view *view, const char *text, uint32_t dims, ud_arena *arena)
{
    ud_query q;
    if (ud_query_parse(&q, analyzer(), arena, text) < 0)
        return;
    static const char *const principals[] = {"org:*", "user:a@b.example", "group:eng"};
    q.principals = principals;
    q.principal_count = 3;
    ud_index_hit *hits = NULL;
    size_t count = 0;
    ud_bm25_params params = {1.2, 0.75, 2.0};
    if (ud_bm25_topk(&hits, &count, view, 1, &q, &params, 10, arena, NULL) < 0)
        count = 0;
    for (size_t i = 0; i < count; i++)
        (void)ud_query_matches(view, &q, hits[i].doc, arena);
    ud_rank_opts opts;
    ud_rank_opts_default(&opts);
    opts.mode = dims ? UD_MODE_HYBRID : UD_MODE_BM25;
    opts.rerank = true;
    opts.now = 1750000000;
    float *vector = NULL;
    if (dims && dims <= 4096) {
        vector = ud_arena_alloc(arena, dims * sizeof(float));
        for (uint32_t i = 0; i < dims; i++)
            vector[i] = (float)((i % 7) + 1) / 7.0f;
    } else {
        dims = 0;
    }
    ud_ranked *ranked = NULL;
    if (ud_rank(&ranked, &count, view, 1, &q, text, vector, dims, &opts, 10, analyzer(), arena) < 0)
        ud_error_clear();
}

void ud_fuzz_walk_segment(const void *segment, const uint8_t *deleted)
{
    const ud_segment *s = segment;
    const ud_seg_header *h = ud_segment_header(s);
    if (ud_segment_verify(s) < 0) /* fuzzed content rarely matches its checksum */
        ud_error_clear();
    ud_arena arena;
    ud_arena_init(&arena);
    uint32_t dims = ud_segment_vector_dims(s);
    float *vector = dims && dims <= 4096 ? ud_arena_alloc(&arena, dims * sizeof(float)) : NULL;
    for (uint32_t d = 0; d < h->doc_count && d < 256; d++) {
        (void)ud_segment_doc(s, d);
        ud_stored_doc stored;
        if (ud_segment_stored(&stored, s, &arena, d) == 0 && stored.doc_id) {
            uint32_t chunks[8];
            (void)ud_segment_find_document(s, stored.doc_id, chunks, 8);
        }
        ud_str type;
        if (ud_segment_source_type(&type, s, &arena, d) == 0)
            UD_FUZZ_ASSERT(type.ptr != NULL || type.len == 0);
        (void)ud_segment_vector(s, d);
        if (vector)
            (void)ud_segment_read_vector(s, d, vector);
    }
    for (size_t i = 0; i < h->term_count && i < 2048; i++) {
        const char *text = NULL;
        size_t len = 0;
        const ud_seg_term *term = ud_segment_term_at(s, i, &text, &len);
        if (!term)
            continue;
        walk_postings(s, term);
        (void)ud_segment_term(s, text, len);
        size_t first = 0, end = 0;
        ud_segment_term_range(&first, &end, s, text, len < 2 ? len : 2);
    }
    ud_segment_view view;
    ud_segment_view_init(&view, s, deleted);
    search(&view, "alpha beta \"quarterly review\" -gamma", dims, &arena);
    search(&view, "+pipeline source:slack author:dana after:2020-01-01", dims, &arena);
    ud_error_clear();
    ud_arena_dispose(&arena);
}
