/*
 * End-to-end tests of the `unify` binary: init -> ingest -> search -> serve,
 * against both metadata stores, and a batch of hostile files that must each
 * be reported and skipped without losing the rest.
 */
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static const char leave_md[] =
    "# Parental leave policy\n\nAuthor: Dana Reyes\nDate: 2026-02-03\n\n"
    "## Eligibility\n\nEvery employee with six months of service may take sixteen weeks of "
    "paid parental leave after the birth or adoption of a child.\n\n"
    "## How to apply\n\nTell your manager and HR thirty days before the leave starts.\n";
static const char travel_txt[] =
    "Travel and expenses policy\n\nBook flights through the travel desk. Economy class for "
    "flights under six hours. Meals are reimbursed up to 60 EUR a day.\n";
static const char outage_html[] =
    "<html><head><title>Database outage postmortem</title><style>.x{color:red}</style>"
    "<script>var secretScriptToken = 1;</script></head><body><h1>Database outage "
    "postmortem</h1><p>On 14 March the primary database ran out of disk and FleetView was "
    "down for 47 minutes.</p><ul><li>Root cause: WAL archiving stalled</li></ul></body></html>";
static const char ticket_json[] =
    "{\"title\": \"Ticket 4411: robot stops at aisle 7\", \"author\": \"support@northwind.test\","
    " \"created_at\": \"2026-04-02T09:00:00Z\", \"text\": \"The Atlas AMR halts at aisle 7 when "
    "the floor marker is worn.\", \"tags\": [\"atlas\", \"navigation\"]}";
static const char email_eml[] =
    "From: Mia Chen <mia@acme.test>\r\nTo: sales@northwind.test\r\n"
    "Subject: Renewal quote for Acme Logistics\r\nDate: Tue, 10 Mar 2026 10:00:00 +0000\r\n"
    "Message-ID: <q1@acme.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
    "charset=utf-8\r\n\r\nPlease send the renewal quote for forty robots before Friday.\r\n";

static void write_workspace(const char *dir)
{
    ud_test_write_file(dir, "hr/leave.md", leave_md, strlen(leave_md));
    ud_test_write_file(dir, "hr/travel.txt", travel_txt, strlen(travel_txt));
    ud_test_write_file(dir, "eng/outage.html", outage_html, strlen(outage_html));
    ud_test_write_file(dir, "support/ticket.json", ticket_json, strlen(ticket_json));
    ud_test_write_file(dir, "mail/renewal.eml", email_eml, strlen(email_eml));
}

/* Runs unify with the given arguments against the data dir and store URL. */
static int unify(char **out, const char *data, const char *store, const char *args)
{
    return ud_test_run(
        out, "UNIFY_STORE='%s' UNIFY_ADMIN_PASSWORD=correct-horse-battery %s %s --data '%s'", store,
        ud_test_unify_bin(), args, data);
}

static json_t *parse_json(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, 0, &err);
    if (!j)
        ud_test_fail(__FILE__, __LINE__, "bad JSON (%s): %.300s", err.text, text);
    return j;
}

void test_cli__init_ingest_search_on_both_stores(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    char ws[600];
    snprintf(ws, sizeof(ws), "%s/ws", ud_test_tmpdir());
    write_workspace(ws);
    for (size_t i = 0; i < n; i++) {
        char data[600];
        snprintf(data, sizeof(data), "%s/data%zu", ud_test_tmpdir(), i);
        char *out = NULL;
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "init"));
        UD_CHECK_CONTAINS(out, "Created admin admin@localhost");
        free(out);
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "init"));
        UD_CHECK_CONTAINS(out, "nothing changed");
        free(out);

        char args[800];
        snprintf(args, sizeof(args), "ingest '%s'", ws);
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], args));
        UD_CHECK_CONTAINS(out, "5 added, 0 updated, 0 unchanged, 0 failed");
        free(out);
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], args));
        UD_CHECK_CONTAINS(out, "Nothing to do: all 5 documents are unchanged");
        free(out);

        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "search --json 'parental leave'"));
        json_t *res = parse_json(out);
        json_t *first = json_array_get(json_object_get(res, "results"), 0);
        UD_CHECK_EQ_STR("Parental leave policy",
                        json_string_value(json_object_get(first, "title")));
        UD_CHECK_CONTAINS(json_string_value(json_object_get(first, "excerpt")), "<mark>");
        json_decref(res);
        free(out);

        /* Scripts and styles are not indexed. */
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "search secretScriptToken"));
        UD_CHECK_CONTAINS(out, "No results");
        free(out);

        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "search --json --top 1 database outage"));
        res = parse_json(out);
        UD_CHECK_EQ_INT(1, json_array_size(json_object_get(res, "results")));
        first = json_array_get(json_object_get(res, "results"), 0);
        UD_CHECK_EQ_STR("Database outage postmortem",
                        json_string_value(json_object_get(first, "title")));
        json_decref(res);
        free(out);

        /* A changed file is updated, the others stay unchanged. */
        const char *changed = "Travel and expenses policy\n\nMeals are reimbursed up to 75 EUR.\n";
        ud_test_write_file(ws, "hr/travel.txt", changed, strlen(changed));
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], args));
        UD_CHECK_CONTAINS(out, "0 added, 1 updated, 4 unchanged, 0 failed");
        free(out);
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "search --json 75 EUR"));
        UD_CHECK_CONTAINS(out, "Travel and expenses policy");
        free(out);
        ud_test_write_file(ws, "hr/travel.txt", travel_txt, strlen(travel_txt));
    }
}

void test_cli__usage_errors_exit_2(void)
{
    char *out = NULL;
    UD_CHECK_EQ_INT(2, ud_test_run(&out, "%s", ud_test_unify_bin()));
    free(out);
    UD_CHECK_EQ_INT(2, ud_test_run(&out, "%s frobnicate", ud_test_unify_bin()));
    UD_CHECK_CONTAINS(out, "unknown command");
    free(out);
    UD_CHECK_EQ_INT(2, ud_test_run(&out, "%s search --top 0 x", ud_test_unify_bin()));
    free(out);
    UD_CHECK_EQ_INT(2, ud_test_run(&out, "%s ingest", ud_test_unify_bin()));
    free(out);
    const char *cmds[] = {"init", "ingest", "search", "serve", "config"};
    for (size_t i = 0; i < 5; i++) {
        UD_CHECK_EQ_INT(0, ud_test_run(&out, "%s %s --help", ud_test_unify_bin(), cmds[i]));
        UD_CHECK_CONTAINS(out, "usage: unify");
        free(out);
    }
}

void test_cli__search_before_init_says_what_to_do(void)
{
    char *out = NULL;
    char data[600];
    snprintf(data, sizeof(data), "%s/none", ud_test_tmpdir());
    UD_CHECK_EQ_INT(
        1, ud_test_run(&out, "UNIFY_STORE= %s search x --data '%s'", ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "unify init");
    free(out);
}

void test_cli__generated_admin_password_is_printed_once(void)
{
    char *out = NULL;
    char data[600];
    snprintf(data, sizeof(data), "%s/d", ud_test_tmpdir());
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "UNIFY_STORE= UNIFY_ADMIN_PASSWORD= %s init --json --data '%s'",
                                   ud_test_unify_bin(), data));
    json_t *j = parse_json(out);
    const char *pw = json_string_value(json_object_get(j, "admin_password"));
    UD_CHECK(pw != NULL);
    UD_CHECK_EQ_INT(20, strlen(pw));
    json_decref(j);
    free(out);
    UD_CHECK_EQ_INT(
        0, ud_test_run(&out, "UNIFY_STORE= %s init --json --data '%s'", ud_test_unify_bin(), data));
    UD_CHECK(strstr(out, "admin_password") == NULL);
    UD_CHECK_CONTAINS(out, "\"changed\": false");
    free(out);
}

/* Makes `dir` usable by an unprivileged user, returning the command prefix
 * that runs as that user: as root, a file without read permission is still
 * readable, so the permission case must run as someone else. */
static const char *unprivileged_prefix(const char *dir)
{
    if (geteuid() != 0)
        return "";
    struct passwd *pw = getpwnam("nobody");
    if (!pw)
        ud_test_fail(__FILE__, __LINE__, "no 'nobody' user to drop privileges to");
    char *out = NULL;
    if (ud_test_run(&out, "chmod 755 '%s' && chown -R nobody '%s'", ud_test_tmpdir(), dir) != 0)
        ud_test_fail(__FILE__, __LINE__, "chown failed: %s", out);
    free(out);
    return "runuser -u nobody -- ";
}

void test_cli__hostile_files_are_reported_and_skipped(void)
{
    char dir[600], ws[700], data[700];
    snprintf(dir, sizeof(dir), "%s/t", ud_test_tmpdir());
    snprintf(ws, sizeof(ws), "%s/ws", dir);
    snprintf(data, sizeof(data), "%s/data", dir);
    write_workspace(ws);
    ud_test_write_file(ws, "bad/corrupt.pdf", "%PDF-1.4\n1 0 obj <<", 19);
    ud_test_write_file(ws, "bad/random.docx", "PK\x03\x04garbage-not-a-zip", 22);
    ud_test_write_file(ws, "bad/empty.txt", "", 0);
    ud_test_write_file(ws, "bad/broken.json", "{\"title\": ", 10);
    const char invalid_utf8[] = "Invalid \xC3\x28 bytes \xED\xA0\x80 but still quarterly text\n";
    ud_test_write_file(ws, "bad/latin.txt", invalid_utf8, sizeof(invalid_utf8) - 1);
    const char *secret = ud_test_write_file(ws, "bad/secret.md", "# Secret\n\nhidden", 16);
    UD_CHECK(chmod(secret, 0) == 0);
    char path[800];
    snprintf(path, sizeof(path), "%s/bad/loop", ws);
    char bad_dir[800];
    snprintf(bad_dir, sizeof(bad_dir), "%s/bad", ws);
    UD_CHECK(symlink(bad_dir, path) == 0);
    snprintf(data, sizeof(data), "%s/data", dir);
    /* 200 MB, sparse: refused by size before a byte of it is read. */
    snprintf(path, sizeof(path), "%s/bad/huge.txt", ws);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    UD_CHECK(fd >= 0 && ftruncate(fd, 200L << 20) == 0);
    close(fd);

    const char *as = unprivileged_prefix(dir);
    char *out = NULL;
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "%senv UNIFY_STORE= %s init --data '%s'", as,
                                   ud_test_unify_bin(), data));
    free(out);
    int status = ud_test_run(&out, "%senv UNIFY_STORE= %s ingest --data '%s' '%s'", as,
                             ud_test_unify_bin(), data, ws);
    UD_CHECK_EQ_INT(1, status); /* some files failed */
    UD_CHECK_CONTAINS(out, "corrupt.pdf: ");
    UD_CHECK_CONTAINS(out, "random.docx: ");
    UD_CHECK_CONTAINS(out, "empty.txt: empty file");
    UD_CHECK_CONTAINS(out, "broken.json: ");
    UD_CHECK_CONTAINS(out, "secret.md: permission denied");
    UD_CHECK_CONTAINS(out, "loop: symbolic link loop");
    UD_CHECK_CONTAINS(out, "huge.txt: file is larger than");
    /* The good files and the repaired one made it. */
    UD_CHECK_CONTAINS(out, "6 added, 0 updated, 0 unchanged, 7 failed");
    free(out);
    UD_CHECK_EQ_INT(0,
                    ud_test_run(&out, "%senv UNIFY_STORE= %s search --json quarterly --data '%s'",
                                as, ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "\xEF\xBF\xBD"); /* U+FFFD where the bad bytes were */
    free(out);
}

/* Starts `unify serve --port 0` and returns its pid; *port receives the port
 * it printed. Waits on the server's first output line, not on a timer. */
static pid_t start_server(const char *data, const char *store, int *port)
{
    int fds[2];
    UD_CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        int quiet = open("/dev/null", O_WRONLY); /* the server's log lines */
        if (quiet >= 0)
            dup2(quiet, STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        setenv("UNIFY_STORE", store, 1);
        execl(ud_test_unify_bin(), "unify", "serve", "--port", "0", "--data", data, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[512] = "";
    size_t len = 0;
    while (len < sizeof(line) - 1) {
        ssize_t n = read(fds[0], line + len, 1);
        if (n <= 0 || line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    close(fds[0]);
    const char *colon = strrchr(line, ':');
    if (!colon)
        ud_test_fail(__FILE__, __LINE__, "server did not announce a port: '%s'", line);
    *port = (int)strtol(colon + 1, NULL, 10);
    return pid;
}

void test_cli__serve_answers_and_stops_on_sigterm(void)
{
    const char *urls[2];
    size_t n = ud_test_store_urls(urls);
    char ws[600];
    snprintf(ws, sizeof(ws), "%s/ws", ud_test_tmpdir());
    write_workspace(ws);
    for (size_t i = 0; i < n; i++) {
        char data[600], args[800];
        snprintf(data, sizeof(data), "%s/data%zu", ud_test_tmpdir(), i);
        snprintf(args, sizeof(args), "ingest '%s'", ws);
        char *out = NULL;
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "init"));
        free(out);
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], args));
        free(out);
        UD_CHECK_EQ_INT(0, unify(&out, data, urls[i], "apikey create --name tests --json"));
        json_t *created = parse_json(out);
        char key[128];
        snprintf(key, sizeof(key), "%s", json_string_value(json_object_get(created, "key")));
        UD_CHECK(strncmp(key, "sk_live_", 8) == 0);
        json_decref(created);
        free(out);
        int port = 0;
        pid_t pid = start_server(data, urls[i], &port);
        UD_CHECK(port > 0);
        UD_CHECK_EQ_INT(0, ud_test_run(&out, "curl -s http://127.0.0.1:%d/healthz", port));
        UD_CHECK_CONTAINS(out, "\"status\"");
        free(out);
        /* Search needs a credential; the key of the CLI opens it. */
        UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                       "curl -s http://127.0.0.1:%d/v1/search -H 'Content-Type: "
                                       "application/json' -d '{\"query\": \"renewal quote\"}'",
                                       port));
        UD_CHECK_CONTAINS(out, "unauthorized");
        free(out);
        UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                       "curl -s http://127.0.0.1:%d/v1/search -H 'Content-Type: "
                                       "application/json' -H 'Authorization: Bearer %s' -d "
                                       "'{\"query\": \"renewal quote\"}'",
                                       port, key));
        UD_CHECK_CONTAINS(out, "Renewal quote for Acme Logistics");
        free(out);
        UD_CHECK(kill(pid, SIGTERM) == 0);
        int status = 0;
        UD_CHECK(waitpid(pid, &status, 0) == pid);
        UD_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
}

void test_cli__the_index_is_rebuilt_from_the_store(void)
{
    char ws[600], data[600];
    snprintf(ws, sizeof(ws), "%s/ws", ud_test_tmpdir());
    snprintf(data, sizeof(data), "%s/data", ud_test_tmpdir());
    write_workspace(ws);
    char *out = NULL;
    UD_CHECK_EQ_INT(
        0, ud_test_run(&out, "env UNIFY_STORE= %s init --data '%s'", ud_test_unify_bin(), data));
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s ingest --data '%s' '%s'",
                                   ud_test_unify_bin(), data, ws));
    free(out);
    /* The index is lost; the store still has every chunk. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "rm -rf '%s/collections'", data));
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s search --data '%s' renewal",
                                   ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "No results");
    free(out);
    /* Ingest finds it behind the store and rebuilds it, with nothing to re-read. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s ingest --data '%s' '%s'",
                                   ud_test_unify_bin(), data, ws));
    UD_CHECK_CONTAINS(out, "was rebuilt");
    UD_CHECK_CONTAINS(out, "Nothing to do");
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s search --data '%s' renewal",
                                   ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "Renewal quote for Acme Logistics");
    free(out);
    UD_CHECK_EQ_INT(0, ud_test_run(&out, "env UNIFY_STORE= %s reindex --data '%s' --json",
                                   ud_test_unify_bin(), data));
    json_t *o = parse_json(out);
    UD_CHECK(json_integer_value(json_object_get(o, "chunks")) >= 5);
    json_decref(o);
    free(out);
    /* Phrases and filters through the command line. */
    UD_CHECK_EQ_INT(0, ud_test_run(&out,
                                   "env UNIFY_STORE= %s search --data '%s' '\"renewal quote\" "
                                   "-friday'",
                                   ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "No results");
    free(out);
    UD_CHECK_EQ_INT(1, ud_test_run(&out, "env UNIFY_STORE= %s search --data '%s' '\"renewal'",
                                   ud_test_unify_bin(), data));
    UD_CHECK_CONTAINS(out, "unclosed quote");
    free(out);
}
