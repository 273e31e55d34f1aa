/*
 * Tests' handle on the model-provider emulator (tests/emulators/
 * llm_emulator.py): starts it as a child process on a port of its own,
 * queues faults through its control endpoint, reads what it recorded, and
 * stops it. The emulator dies with the test process (it watches its stdin,
 * and the kernel kills it when its parent goes), so a failed test leaves
 * nothing running.
 */
#ifndef UD_TEST_LLM_EMULATOR_H
#define UD_TEST_LLM_EMULATOR_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct ud_test_emulator {
    pid_t pid;
    int stdin_fd;  /* our end of its stdin */
    int stdout_fd; /* our end of its stdout */
    uint16_t port;
    char base_url[64]; /* "http://127.0.0.1:PORT" */
} ud_test_emulator;

/* Starts the emulator and waits (at most 10 s) for the port it prints;
 * fails the test with a clear message if python3 or the script cannot
 * start; UNIFY_TEST_PYTHON may name another interpreter than python3.
 */
void ud_test_emulator_start(ud_test_emulator *em);

/* Kills the emulator and reaps it. Safe to call twice. */
void ud_test_emulator_stop(ud_test_emulator *em);

/* POSTs a JSON document to /_control (fails the test if refused). */
void ud_test_emulator_control(ud_test_emulator *em, const char *json);

/* The requests the emulator recorded, after waiting (at most 5 s) until at
 * least `wait` of them are finished; fails the test if they are not. A
 * JSON array the caller releases with json_decref. */
json_t *ud_test_emulator_requests(ud_test_emulator *em, int wait);

/* How many model requests the "hold" fault holds now. */
int ud_test_emulator_held(ud_test_emulator *em);

/* Waits (at most 8 s) until `held` model requests are being held by the
 * "hold" fault (they are waiting for {"release": true}); fails the test
 * if they are not. */
void ud_test_emulator_wait_held(ud_test_emulator *em, int held);

#endif
