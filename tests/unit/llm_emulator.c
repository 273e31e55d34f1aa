/*
 * The emulator handle of llm_emulator.h: fork and exec python3 on the
 * script, read the port from its first line with poll() and a bound, and a
 * few plain libcurl calls to its control endpoints (test plumbing: the
 * program's own HTTP client is what the tests exercise, so it is not used
 * to drive them).
 */
#include "llm_emulator.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

#define SCRIPT "tests/emulators/llm_emulator.py"
#define START_TIMEOUT_MS 10000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

void ud_test_emulator_start(ud_test_emulator *em)
{
    memset(em, 0, sizeof(*em));
    em->pid = -1;
    if (access(SCRIPT, R_OK) != 0)
        ud_test_fail(__FILE__, __LINE__, "cannot read %s (run the tests from the repository root)",
                     SCRIPT);
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0)
        ud_test_fail(__FILE__, __LINE__, "pipe: %s", strerror(errno));
    const char *python = getenv("UNIFY_TEST_PYTHON");
    if (!python || !python[0])
        python = "python3";
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        ud_test_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
    if (pid == 0) {
        /* Die with the test, even if it dies without stopping us. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        /* -S: the standard library is all it needs, and site-packages are
         * slow to load. UNIFY_TEST_PYTHON may name the interpreter (a pyenv
         * shim costs a few hundred milliseconds per start). */
        execlp(python, python, "-S", SCRIPT, (char *)NULL);
        fprintf(stderr, "cannot run %s: %s\n", python, strerror(errno));
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    em->pid = pid;
    em->stdin_fd = in[1];
    em->stdout_fd = out[0];

    char line[32];
    size_t len = 0;
    double deadline = now_ms() + START_TIMEOUT_MS;
    while (len < sizeof(line) - 1) {
        int left = (int)(deadline - now_ms());
        struct pollfd pfd = {.fd = em->stdout_fd, .events = POLLIN};
        int ready = left > 0 ? poll(&pfd, 1, left) : 0;
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0) {
            ud_test_emulator_stop(em);
            ud_test_fail(__FILE__, __LINE__,
                         "the LLM emulator (python3 %s) printed no port in %d ms", SCRIPT,
                         START_TIMEOUT_MS);
        }
        ssize_t n = read(em->stdout_fd, line + len, 1);
        if (n <= 0) {
            int status = 0;
            waitpid(em->pid, &status, 0);
            em->pid = -1;
            ud_test_emulator_stop(em);
            ud_test_fail(__FILE__, __LINE__,
                         "the LLM emulator (%s %s) exited before printing its port "
                         "(status %d): is %s installed?",
                         python, SCRIPT, WIFEXITED(status) ? WEXITSTATUS(status) : -1, python);
        }
        if (line[len] == '\n')
            break;
        len++;
    }
    line[len] = '\0';
    char *end = NULL;
    long port = strtol(line, &end, 10);
    if (end == line || port <= 0 || port > 65535) {
        ud_test_emulator_stop(em);
        ud_test_fail(__FILE__, __LINE__, "the LLM emulator printed '%s', not a port", line);
    }
    em->port = (uint16_t)port;
    snprintf(em->base_url, sizeof(em->base_url), "http://127.0.0.1:%u", em->port);
}

void ud_test_emulator_stop(ud_test_emulator *em)
{
    if (em->pid > 0) {
        kill(em->pid, SIGKILL);
        while (waitpid(em->pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    em->pid = -1;
    if (em->stdin_fd > 0)
        close(em->stdin_fd);
    if (em->stdout_fd > 0)
        close(em->stdout_fd);
    em->stdin_fd = em->stdout_fd = -1;
}

typedef struct body {
    char *ptr;
    size_t len;
} body;

static size_t collect(char *data, size_t size, size_t count, void *payload)
{
    body *b = payload;
    size_t n = size * count;
    char *grown = realloc(b->ptr, b->len + n + 1);
    if (!grown)
        return 0;
    b->ptr = grown;
    memcpy(b->ptr + b->len, data, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return n;
}

/* One plain request to the emulator; returns the body (malloc'd). */
static char *call(ud_test_emulator *em, const char *target, const char *post, long *out_status)
{
    char url[256];
    snprintf(url, sizeof(url), "%s%s", em->base_url, target);
    CURL *curl = curl_easy_init();
    if (!curl)
        ud_test_fail(__FILE__, __LINE__, "curl_easy_init failed");
    body b = {0};
    struct curl_slist *headers = curl_slist_append(NULL, "content-type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &b);
    if (post)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post);
    CURLcode cc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (cc != CURLE_OK) {
        free(b.ptr);
        ud_test_fail(__FILE__, __LINE__, "emulator %s: %s", target, curl_easy_strerror(cc));
    }
    *out_status = status;
    return b.ptr ? b.ptr : strdup("");
}

void ud_test_emulator_control(ud_test_emulator *em, const char *json)
{
    long status = 0;
    char *reply = call(em, "/_control", json, &status);
    if (status != 200) {
        ud_test_fail(__FILE__, __LINE__, "emulator refused control %s: %ld %s", json, status,
                     reply);
    }
    free(reply);
}

json_t *ud_test_emulator_requests(ud_test_emulator *em, int wait)
{
    char target[64];
    snprintf(target, sizeof(target), "/_requests?wait=%d&timeout=5", wait);
    long status = 0;
    char *reply = call(em, target, NULL, &status);
    json_error_t jerr;
    json_t *root = json_loads(reply, 0, &jerr);
    free(reply);
    if (status != 200 || !root)
        ud_test_fail(__FILE__, __LINE__, "emulator /_requests: status %ld, %s", status, jerr.text);
    if (json_is_true(json_object_get(root, "timed_out")))
        ud_test_fail(__FILE__, __LINE__, "the emulator finished fewer than %d requests in 5 s",
                     wait);
    json_t *list = json_incref(json_object_get(root, "requests"));
    json_decref(root);
    return list;
}

void ud_test_emulator_wait_held(ud_test_emulator *em, int held)
{
    char target[64];
    snprintf(target, sizeof(target), "/_requests?held=%d&timeout=8", held);
    long status = 0;
    char *reply = call(em, target, NULL, &status);
    json_t *root = json_loads(reply, 0, NULL);
    free(reply);
    if (status != 200 || !root)
        ud_test_fail(__FILE__, __LINE__, "emulator /_requests: status %ld", status);
    bool timed_out = json_is_true(json_object_get(root, "timed_out"));
    json_decref(root);
    if (timed_out)
        ud_test_fail(__FILE__, __LINE__, "the emulator held fewer than %d requests in 8 s", held);
}

int ud_test_emulator_held(ud_test_emulator *em)
{
    long status = 0;
    char *reply = call(em, "/_requests?timeout=0", NULL, &status);
    json_t *root = json_loads(reply, 0, NULL);
    free(reply);
    if (status != 200 || !root)
        ud_test_fail(__FILE__, __LINE__, "emulator /_requests: status %ld", status);
    int held = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(root, "requests"), i, r)
    {
        held += json_is_true(json_object_get(r, "held"));
    }
    json_decref(root);
    return held;
}
