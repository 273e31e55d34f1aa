/*
 * Tests of data sources and sync jobs: claiming a source (and taking over
 * from a dead worker), the job's counts, deletions and failures, the raw
 * files in the object store, resuming after the process is killed at
 * committed batches and at random moments (nothing indexed twice, nothing
 * lost), the scheduler, and /v1/sources.
 */
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "api_fixture.h"
#include "base/clock.h"
#include "base/fs.h"
#include "base/log.h"
#include "store/blobs.h"
#include "store/meta_sources.h"
#include "sync/job.h"
#include "sync/scheduler.h"
#include "sync/sources.h"
#include "test.h"

static ud_meta *open_store(const char *url)
{
    ud_meta *meta = NULL;
    UD_CHECK_OK(ud_meta_open(&meta, url));
    UD_CHECK_OK(ud_meta_migrate(meta, NULL));
    return meta;
}

/* n markdown files, each with its own word "uniqNNNN". */
static void write_folder(const char *dir, int n)
{
    for (int i = 0; i < n; i++) {
        char name[64], text[128];
        snprintf(name, sizeof(name), "note%04d.md", i);
        int len =
            snprintf(text, sizeof(text), "# Note %d\n\nThe word of this note is uniq%04d.\n", i, i);
        ud_test_write_file(dir, name, text, (size_t)len);
    }
}

void test_sync__claims_are_exclusive_and_dead_workers_are_taken_over(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    for (size_t i = 0; i < n; i++) {
        ud_meta *meta = open_store(urls[i]);
        ud_arena arena;
        ud_arena_init(&arena);
        ud_org org;
        UD_CHECK_OK(ud_meta_org_create(&org, meta, &arena, "Acme", "acme", "starter"));
        ud_source_row src;
        UD_CHECK_OK(ud_meta_source_create(&src, meta, &arena, org.id, "slack", "Slack", "",
                                          "{\"connector\": \"slack_export\"}", 30, NULL));
        UD_CHECK_EQ_STR("pending", src.status);
        UD_CHECK_EQ_INT(UD_EINVAL, ud_meta_source_create(&src, meta, &arena, org.id, "dropbox", "x",
                                                         "", "{}", 30, NULL));
        /* The starter plan allows three sources. */
        ud_source_row more;
        UD_CHECK_OK(
            ud_meta_source_create(&more, meta, &arena, org.id, "gmail", "G", "", "{}", 30, NULL));
        UD_CHECK_OK(
            ud_meta_source_create(&more, meta, &arena, org.id, "notion", "N", "", "{}", 30, NULL));
        UD_CHECK_EQ_INT(UD_EFORBIDDEN,
                        ud_meta_source_create(&more, meta, &arena, org.id, "salesforce", "S", "",
                                              "{}", 30, NULL));
        int64_t now = 1800000000;
        ud_sync_log first, second;
        const char *checkpoint = NULL;
        /* A live job (this process) holds it: a second claim is refused. */
        UD_CHECK_OK(ud_meta_source_claim(&first, &checkpoint, meta, &arena, org.id, src.id,
                                         ud_sync_worker_name(), "full", now, 300));
        UD_CHECK(checkpoint == NULL);
        UD_CHECK_EQ_INT(UD_EEXISTS, ud_meta_source_claim(&second, &checkpoint, meta, &arena, org.id,
                                                         src.id, "other:1", "full", now, 300));
        first.processed = 50;
        UD_CHECK_OK(ud_meta_sync_checkpoint(meta, &first, src.id,
                                            "{\"sync\": \"x\", \"position\": {\"n\": 50}}", now));
        /* Its heartbeat goes stale: the next claim takes over and resumes. */
        UD_CHECK_OK(ud_meta_source_claim(&second, &checkpoint, meta, &arena, org.id, src.id,
                                         "other:1", "full", now + 301, 300));
        UD_CHECK_CONTAINS(checkpoint, "\"n\": 50");
        ud_sync_log *logs = NULL;
        size_t count = 0;
        UD_CHECK_OK(ud_meta_sync_logs(&logs, &count, meta, &arena, org.id, src.id, 10));
        UD_CHECK_EQ_INT(2, count);
        bool failed_first = false;
        for (size_t k = 0; k < count; k++)
            failed_first |= strcmp(logs[k].id, first.id) == 0 &&
                            strcmp(logs[k].status, "failed") == 0 &&
                            strstr(logs[k].error_message, "taken over");
        UD_CHECK(failed_first);
        second.status = "completed";
        second.processed = 80;
        UD_CHECK_OK(ud_meta_sync_finish(meta, &second, src.id, now + 400));
        UD_CHECK_OK(ud_meta_source_get(&src, meta, &arena, org.id, src.id));
        UD_CHECK_EQ_STR("connected", src.status);
        UD_CHECK_EQ_STR("completed", src.last_sync_status);
        UD_CHECK(src.checkpoint_json == NULL);
        UD_CHECK_EQ_INT(now + 400, src.last_sync_at);
        /* Due again after its 30 minutes. */
        ud_source_row *due = NULL;
        UD_CHECK_OK(ud_meta_sources_due(&due, &count, meta, &arena, now + 400 + 1799));
        for (size_t k = 0; k < count; k++)
            UD_CHECK(strcmp(due[k].id, src.id) != 0);
        UD_CHECK_OK(ud_meta_sources_due(&due, &count, meta, &arena, now + 400 + 1800));
        bool found = false;
        for (size_t k = 0; k < count; k++)
            found |= strcmp(due[k].id, src.id) == 0;
        UD_CHECK(found);
        ud_org other;
        UD_CHECK_OK(ud_meta_org_create(&other, meta, &arena, "Other", "other", "starter"));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_source_get(&src, meta, &arena, other.id, src.id));
        UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_meta_source_delete(meta, other.id, src.id));
        ud_arena_dispose(&arena);
        ud_meta_close(meta);
    }
}

typedef struct local {
    ud_meta *meta;
    ud_blobs *blobs;
    ud_arena arena;
    ud_org org;
    ud_sync_env env;
    char data[600];
} local;

static void local_open(local *l)
{
    ud_log_set_level(UD_LOG_WARN); /* each finished sync is logged at info */
    memset(l, 0, sizeof(*l));
    ud_arena_init(&l->arena);
    snprintf(l->data, sizeof(l->data), "%s/data", ud_test_tmpdir());
    UD_CHECK_OK(ud_mkdirs(l->data));
    char url[700];
    snprintf(url, sizeof(url), "sqlite://%s/meta.db", l->data);
    l->meta = open_store(url);
    UD_CHECK_OK(ud_meta_org_create(&l->org, l->meta, &l->arena, "Acme", "acme", "enterprise"));
    snprintf(url, sizeof(url), "file://%s/objects", l->data);
    UD_CHECK_OK(ud_blobs_open(&l->blobs, url));
    l->env = (ud_sync_env){.meta = l->meta, .blobs = l->blobs, .data_dir = l->data};
    ud_chunker_opts_default(&l->env.chunker);
    ud_extract_limits_default(&l->env.limits);
}

static void local_close(local *l)
{
    ud_blobs_free(l->blobs);
    ud_meta_close(l->meta);
    ud_arena_dispose(&l->arena);
}

static ud_source_row add_folder(local *l, const char *dir)
{
    ud_source_spec spec = {.connector = "folder", .path = dir};
    ud_source_row row;
    char message[256];
    UD_CHECK_OK(
        ud_source_add(&row, message, sizeof(message), l->meta, &l->arena, l->org.id, &spec, NULL));
    UD_CHECK_CONTAINS(message, "readable");
    return row;
}

void test_sync__a_job_counts_adds_updates_deletes_and_failures(void)
{
    local l;
    local_open(&l);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/folder", ud_test_tmpdir());
    write_folder(dir, 3);
    ud_source_row src = add_folder(&l, dir);
    UD_CHECK_EQ_STR("google_drive", src.type);
    ud_sync_result r;
    UD_CHECK_OK(ud_sync_run(&r, &l.env, &l.arena, l.org.id, src.id));
    UD_CHECK_EQ_STR("completed", r.log.status);
    UD_CHECK_EQ_INT(3, r.log.added);
    UD_CHECK(!r.resumed);
    /* The raw files sit in the spec's layout. */
    char key[1024];
    char *real = realpath(dir, NULL);
    char file_id[700];
    snprintf(file_id, sizeof(file_id), "%s/note0001.md", real + 1);
    free(real);
    UD_CHECK_OK(ud_blob_key(key, sizeof(key), l.org.id, src.id, file_id));
    UD_CHECK_CONTAINS(key, "/raw/");
    char *bytes = NULL;
    size_t len = 0;
    UD_CHECK_OK(ud_blobs_get(l.blobs, key, &bytes, &len, 1 << 20));
    UD_CHECK_CONTAINS(bytes, "uniq0001");
    free(bytes);

    /* Unchanged: nothing processed again. One changed, one gone, one broken. */
    UD_CHECK_OK(ud_sync_run(&r, &l.env, &l.arena, l.org.id, src.id));
    UD_CHECK_EQ_INT(0, r.log.added + r.log.updated + r.log.deleted);
    ud_test_write_file(dir, "note0000.md", "# Note 0\n\nRewritten: uniq9999.\n", 30);
    char gone[700];
    snprintf(gone, sizeof(gone), "%s/note0002.md", dir);
    UD_CHECK(unlink(gone) == 0);
    ud_test_write_file(dir, "broken.pdf", "%PDF-1.4 not really", 19);
    UD_CHECK_OK(ud_sync_run(&r, &l.env, &l.arena, l.org.id, src.id));
    UD_CHECK_EQ_STR("completed", r.log.status);
    UD_CHECK_EQ_INT(1, r.log.updated);
    UD_CHECK_EQ_INT(1, r.log.deleted);
    UD_CHECK_EQ_INT(1, r.log.failed);
    UD_CHECK_CONTAINS(r.log.error_message, "Synced 2/3 documents (1 failed)");
    UD_CHECK_CONTAINS(r.log.details_json, "broken.pdf");
    int64_t count = 0;
    UD_CHECK_OK(ud_meta_document_count(l.meta, l.org.id, &count));
    UD_CHECK_EQ_INT(2, count);
    /* Removing the source takes its documents and raw files with it. */
    UD_CHECK_OK(ud_source_remove(&l.env, &l.arena, l.org.id, src.id));
    UD_CHECK_OK(ud_meta_document_count(l.meta, l.org.id, &count));
    UD_CHECK_EQ_INT(0, count);
    UD_CHECK_EQ_INT(UD_ENOTFOUND, ud_blobs_get(l.blobs, key, &bytes, &len, 1 << 20));
    local_close(&l);
}

/* Runs `unify source sync ID` in a child, without a shell (whose "Killed"
 * would land in the test output), killed from outside after delay_us when
 * that is positive; returns its wait status. kill_after sets the job's
 * own fault injection (UNIFY_SYNC_KILL_AFTER_BATCHES). */
static int sync_child(const char *data, const char *id, const char *kill_after, int delay_us)
{
    pid_t pid = fork();
    UD_CHECK(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        setenv("UNIFY_STORE", "", 1);
        if (kill_after)
            setenv("UNIFY_SYNC_KILL_AFTER_BATCHES", kill_after, 1);
        execl(ud_test_unify_bin(), ud_test_unify_bin(), "source", "sync", "--data", data, id,
              (char *)NULL);
        _exit(127);
    }
    if (delay_us > 0) {
        usleep((useconds_t)delay_us);
        kill(pid, SIGKILL);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

/* How many search results a word has, through the CLI. */
static int hits_of(const char *data, const char *word)
{
    char *out = NULL;
    int rc = ud_test_run(&out, "UNIFY_STORE= %s search --data '%s' --json --mode bm25 %s",
                         ud_test_unify_bin(), data, word);
    UD_CHECK_EQ_INT(0, rc);
    json_t *root = json_loads(out, 0, NULL);
    if (!root)
        ud_test_fail(__FILE__, __LINE__, "search output is not JSON: %s", out);
    int n = (int)json_array_size(json_object_get(root, "results"));
    json_decref(root);
    free(out);
    return n;
}

void test_sync__a_killed_sync_resumes_and_loses_or_repeats_nothing(void)
{
    char data[600], dir[600], *out = NULL;
    snprintf(data, sizeof(data), "%s/data", ud_test_tmpdir());
    snprintf(dir, sizeof(dir), "%s/folder", ud_test_tmpdir());
    write_folder(dir, 230);
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "UNIFY_STORE= UNIFY_WORD_VECTORS_JSON=none %s init "
                                   "--data '%s'",
                                   ud_test_unify_bin(), data));
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "UNIFY_STORE= %s source add --data '%s' --type folder "
                                   "--path '%s' --json",
                                   ud_test_unify_bin(), data, dir));
    json_t *added = json_loads(out, 0, NULL);
    char id[64];
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(added, "id")));
    json_decref(added);
    free(out);

    /* Killed right after its second committed batch (100 files)... */
    int status = sync_child(data, id, "2", 0);
    UD_CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    /* ...and at random moments, several times... */
    srand((unsigned)time(NULL));
    for (int i = 0; i < 4; i++) {
        status = sync_child(data, id, NULL, 1000 + rand() % 40000);
    }
    /* ...then to the end. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "UNIFY_STORE= %s source sync --data '%s' %s --json",
                                   ud_test_unify_bin(), data, id));
    json_t *log = json_loads(out, 0, NULL);
    if (!log)
        ud_test_fail(__FILE__, __LINE__, "sync output is not JSON: %s", out);
    UD_CHECK_EQ_STR("completed", json_string_value(json_object_get(log, "status")));
    json_decref(log);
    free(out);
    /* Every file is there once: in the store, and in the index. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "sqlite3 '%s/meta.db' 'SELECT COUNT(*), COUNT(DISTINCT "
                                   "source_key) FROM documents'",
                                   data));
    UD_CHECK_CONTAINS(out, "230|230");
    free(out);
    for (int i = 0; i < 230; i += 23) {
        char word[32];
        snprintf(word, sizeof(word), "uniq%04d", i);
        if (hits_of(data, word) != 1)
            ud_test_fail(__FILE__, __LINE__, "%s: expected 1 result", word);
    }
    /* The job killed after its second batch had committed 100 files, and
     * the last one resumed after a checkpoint instead of starting over. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "UNIFY_STORE= %s source logs --data '%s' %s --json",
                                   ud_test_unify_bin(), data, id));
    json_t *root = json_loads(out, 0, NULL);
    json_t *logs = json_object_get(root, "logs");
    bool killed_at_100 = false;
    int64_t completed = -1;
    size_t i;
    json_t *entry;
    json_array_foreach(logs, i, entry)
    {
        const char *st = json_string_value(json_object_get(entry, "status"));
        int64_t processed = json_integer_value(json_object_get(entry, "documents_processed"));
        killed_at_100 |= strcmp(st, "failed") == 0 && processed == 100;
        if (strcmp(st, "completed") == 0)
            completed = processed;
    }
    json_decref(root);
    free(out);
    UD_CHECK(killed_at_100);
    UD_CHECK(completed >= 0 && completed <= 130);
}

void test_sync__the_scheduler_runs_due_and_requested_syncs(void)
{
    local l;
    local_open(&l);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/folder", ud_test_tmpdir());
    write_folder(dir, 5);
    ud_source_row a = add_folder(&l, dir);
    ud_scheduler *s = NULL;
    ud_scheduler_opts opts = {.workers = 2};
    UD_CHECK_OK(ud_scheduler_start(&s, &l.env, &opts));
    UD_CHECK_OK(ud_scheduler_enqueue(s, l.org.id, a.id));
    int rc = ud_scheduler_enqueue(s, l.org.id, a.id);
    UD_CHECK(rc == 0 || rc == UD_EEXISTS); /* 0 only if the first already finished */
    UD_CHECK_EQ_INT(UD_EINVAL, ud_scheduler_enqueue(s, l.org.id, "not-an-id"));
    ud_scheduler_drain(s);
    ud_source_row row;
    UD_CHECK_OK(ud_meta_source_get(&row, l.meta, &l.arena, l.org.id, a.id));
    UD_CHECK_EQ_STR("connected", row.status);
    int64_t count = 0;
    UD_CHECK_OK(ud_meta_document_count(l.meta, l.org.id, &count));
    UD_CHECK_EQ_INT(5, count);
    ud_scheduler_stop(s);
    /* A ticking scheduler finds a new (pending) source due at once. */
    char dir2[600];
    snprintf(dir2, sizeof(dir2), "%s/folder2", ud_test_tmpdir());
    write_folder(dir2, 2);
    ud_source_row b = add_folder(&l, dir2);
    opts.tick_seconds = 3600;
    UD_CHECK_OK(ud_scheduler_start(&s, &l.env, &opts));
    for (int i = 0; i < 2000; i++) { /* waits on the store, with a bound */
        UD_CHECK_OK(ud_meta_source_get(&row, l.meta, &l.arena, l.org.id, b.id));
        if (strcmp(row.status, "connected") == 0)
            break;
        usleep(10000);
    }
    UD_CHECK_EQ_STR("connected", row.status);
    ud_scheduler_stop(s);
    local_close(&l);
}

void test_sync__sources_over_the_api_are_for_admins_and_stay_in_their_roots(void)
{
    ud_fixture s;
    ud_fixture_start(&s, "enterprise", 1000);
    char root[600], outside[600];
    snprintf(root, sizeof(root), "%s/imports", ud_test_tmpdir());
    snprintf(outside, sizeof(outside), "%s/elsewhere", ud_test_tmpdir());
    write_folder(root, 4);
    write_folder(outside, 1);
    snprintf(s.ctx.source_roots, sizeof(s.ctx.source_roots), "%s", root);
    char url[700];
    snprintf(url, sizeof(url), "file://%s/objects", ud_test_tmpdir());
    ud_blobs *blobs = NULL;
    UD_CHECK_OK(ud_blobs_open(&blobs, url));
    ud_sync_env env = {.meta = s.meta,
                       .blobs = blobs,
                       .data_dir = ud_test_tmpdir(),
                       .cache = s.ctx.cache,
                       .fernet_key = s.ctx.fernet_key};
    ud_chunker_opts_default(&env.chunker);
    ud_extract_limits_default(&env.limits);
    ud_scheduler *scheduler = NULL;
    UD_CHECK_OK(ud_scheduler_start(&scheduler, &env, NULL));
    s.ctx.scheduler = scheduler;
    s.ctx.blobs = blobs;

    ud_reply r;
    char admin[1024], ann[1024], id[64], body[1400];
    ud_fixture_login(&s, "admin@acme.test", "admin-password-1", admin, NULL);
    ud_fixture_login(&s, "ann@acme.test", "ann-password-123", ann, NULL);
    snprintf(body, sizeof(body), "{\"type\": \"folder\", \"name\": \"Imports\", \"path\": \"%s\"}",
             root);
    ud_fixture_call(&r, &s, ann, "POST", "/v1/sources", body);
    UD_CHECK_EQ_INT(403, r.status);
    snprintf(body, sizeof(body), "{\"type\": \"folder\", \"path\": \"%s\"}", outside);
    ud_fixture_call(&r, &s, admin, "POST", "/v1/sources", body);
    UD_CHECK_EQ_INT(403, r.status);
    UD_CHECK_CONTAINS(r.body, "source_paths");
    snprintf(body, sizeof(body),
             "{\"type\": \"folder\", \"config\": {\"path\": \"%s/../elsewhere\"}}", root);
    ud_fixture_call(&r, &s, admin, "POST", "/v1/sources", body);
    UD_CHECK_EQ_INT(403, r.status);
    ud_fixture_call(&r, &s, admin, "POST", "/v1/sources", "{\"type\": \"carrier-pigeon\"}");
    UD_CHECK_EQ_INT(400, r.status);
    snprintf(body, sizeof(body),
             "{\"type\": \"folder\", \"name\": \"Imports\", \"path\": \"%s\", \"credentials\": "
             "{\"token\": \"s3cr3t-t0ken\"}}",
             root);
    ud_fixture_call(&r, &s, admin, "POST", "/v1/sources", body);
    if (r.status != 201)
        ud_test_fail(__FILE__, __LINE__, "POST /v1/sources: %ld %s", r.status, r.body);
    UD_CHECK(!strstr(r.body, "s3cr3t-t0ken"));
    ud_fixture_field(id, sizeof(id), &r, "id");
    /* The credentials are stored encrypted, never as given. */
    char *out = NULL;
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "sqlite3 '%s/meta.db' 'SELECT credentials_encrypted "
                                   "FROM data_sources'",
                                   ud_test_tmpdir()));
    UD_CHECK(!strstr(out, "s3cr3t") && strncmp(out, "gAAAAA", 6) == 0);
    free(out);

    char path[200];
    snprintf(path, sizeof(path), "/v1/sources/%s/sync", id);
    ud_fixture_call(&r, &s, admin, "POST", path, NULL);
    UD_CHECK_EQ_INT(202, r.status);
    ud_scheduler_drain(scheduler);
    snprintf(path, sizeof(path), "/v1/sources/%s", id);
    ud_fixture_call(&r, &s, admin, "GET", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    if (!strstr(r.body, "\"status\":\"connected\""))
        ud_test_fail(__FILE__, __LINE__, "the sync did not complete: %s",
                     strstr(r.body, "\"last_sync\""));
    UD_CHECK_CONTAINS(r.body, "\"documents_added\":4");
    UD_CHECK(!strstr(r.body, "credentials_encrypted") && !strstr(r.body, "gAAAAA"));
    snprintf(path, sizeof(path), "/v1/sources/%s/logs", id);
    ud_fixture_call(&r, &s, admin, "GET", path, NULL);
    UD_CHECK_CONTAINS(r.body, "\"status\":\"completed\"");
    ud_fixture_call(&r, &s, ann, "POST", "/v1/search", "{\"query\": \"uniq0003\"}");
    UD_CHECK_CONTAINS(r.body, "Note 3");
    ud_fixture_call(&r, &s, admin, "GET", "/v1/sources", NULL);
    UD_CHECK_CONTAINS(r.body, "Imports");
    snprintf(path, sizeof(path), "/v1/sources/%s", id);
    ud_fixture_call(&r, &s, admin, "DELETE", path, NULL);
    UD_CHECK_EQ_INT(200, r.status);
    ud_fixture_call(&r, &s, admin, "GET", path, NULL);
    UD_CHECK_EQ_INT(404, r.status);
    ud_scheduler_stop(scheduler);
    s.ctx.scheduler = NULL;
    ud_fixture_stop(&s);
    ud_blobs_free(blobs);
}

void test_sync__sensitive_data_is_redacted_or_excluded_as_the_source_says(void)
{
    local l;
    local_open(&l);
    char dir[600];
    snprintf(dir, sizeof(dir), "%s/hr", ud_test_tmpdir());
    static const char secret[] = "# Payroll\n\nEmployee SSN 123-45-6789, card 4111 1111 1111 1111, "
                                 "reachable at ann@acme.test.\n";
    static const char plain[] = "# Holidays\n\nThe office closes on public holidays.\n";
    ud_test_write_file(dir, "payroll.md", secret, sizeof(secret) - 1);
    ud_test_write_file(dir, "holidays.md", plain, sizeof(plain) - 1);
    static const char *const modes[] = {"redact", "exclude"};
    for (size_t m = 0; m < 2; m++) {
        ud_source_spec spec = {.connector = "folder", .path = dir, .pii = modes[m]};
        ud_source_row src;
        char message[256];
        UD_CHECK_OK(
            ud_source_add(&src, message, sizeof(message), l.meta, &l.arena, l.org.id, &spec, NULL));
        ud_sync_result r;
        UD_CHECK_OK(ud_sync_run(&r, &l.env, &l.arena, l.org.id, src.id));
        UD_CHECK_EQ_STR("completed", r.log.status);
        UD_CHECK_CONTAINS(r.log.details_json, "\"ssn\":1");
        UD_CHECK_CONTAINS(r.log.details_json, "\"credit_card\":1");
        ud_doc_row doc;
        char key[700];
        char *real = realpath(dir, NULL);
        snprintf(key, sizeof(key), "file:document:%s/payroll.md", real);
        free(real);
        int rc = ud_meta_document_get_by_key(&doc, l.meta, &l.arena, l.org.id, src.id, key);
        if (m == 0) {
            UD_CHECK_OK(rc);
            char *out = NULL;
            UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                           "sqlite3 '%s/meta.db' \"SELECT text FROM chunks "
                                           "WHERE document_id = '%s'\"",
                                           l.data, doc.id));
            UD_CHECK_CONTAINS(out, "[REDACTED:ssn]");
            UD_CHECK_CONTAINS(out, "[REDACTED:credit_card]");
            UD_CHECK(!strstr(out, "6789") && !strstr(out, "4111"));
            free(out);
            UD_CHECK_OK(ud_source_remove(&l.env, &l.arena, l.org.id, src.id));
        } else {
            UD_CHECK_EQ_INT(UD_ENOTFOUND, rc); /* kept out of the store and the index */
            UD_CHECK_CONTAINS(r.log.details_json, "\"excluded\":1");
            UD_CHECK_EQ_INT(1, r.log.added);
        }
    }
    local_close(&l);
}
