# UnifyData: one static library (libunify), one binary (unify), one test runner.
#   make run     install what is missing, build, load the demo workspace, serve it
#   make test    install what is missing, build (-Werror), run every test twice
#                (plain and under ASan+UBSan); ends with "N passed, N failed"
#   make asan    the suite under ASan+UBSan only
#   make eval    nDCG@10, Recall@100, MRR@10 on ../shared/data/eval
#   make eval-answers  the extractive answers' citations and first sentences
#   make fuzz    the libFuzzer targets of tests/fuzz, FUZZ_SECONDS each (docs/quality.md)
#   make format-check / make format

CC ?= cc
BUILD ?= build
PKGS := libmicrohttpd jansson sqlite3 libpq openssl libutf8proc poppler-glib libxml-2.0 \
        libzip gmime-3.0 libexttextcat libpcre2-8 libcurl libargon2

WARNINGS := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wvla -Wimplicit-fallthrough -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c17 -D_GNU_SOURCE $(WARNINGS) $(CFLAGS) $(EXTRA_CFLAGS) -Isrc \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed -e "s/-I/-isystem /g" -e "s@-isystem /usr/include/x86_64-linux-gnu @@")
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer -lpthread -lm

# LIB_DIRS and TEST_SRCS may be narrowed to build part of the tree, e.g.
#   make BUILD=build-store LIB_DIRS="src/base src/store" \
#        TEST_SRCS="tests/unit/runner.c tests/unit/helpers.c tests/unit/test_store.c" build-store/unify-tests
LIB_DIRS ?= src
LIB_SRCS := $(shell find $(LIB_DIRS) -name '*.c' ! -path 'src/cli/*' | sort)
CLI_SRCS := $(sort $(wildcard src/cli/*.c))
TEST_SRCS ?= $(sort $(wildcard tests/unit/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/%.o)

.PHONY: all run test asan setup format format-check clean demo-data eval eval-answers bench

all: $(BUILD)/unify $(BUILD)/unify-tests

setup:
	@bash scripts/setup.sh

# Speed against SQLite FTS5, Xapian and hnswlib (not part of `make test`):
#   make bench [SCALE=small]   (docs/performance.md)
CXX ?= c++
BENCH_BINS := $(addprefix $(BUILD)/bench/,gen bench_unify bench_fts5 bench_xapian bench_hnswlib \
    http_load)
bench:
	@bash scripts/setup.sh
	@bash scripts/bench-setup.sh
	@$(MAKE) --no-print-directory $(BUILD)/unify $(BENCH_BINS)
	@BUILD=$(BUILD) SCALE=$(SCALE) bash scripts/bench.sh

# The HTTP suite alone: make bench-http [SOAK=1] [UNIFY=other/unify]
.PHONY: bench-http
bench-http:
	@bash scripts/setup.sh
	@$(MAKE) --no-print-directory $(BUILD)/unify $(addprefix $(BUILD)/bench/,gen bench_unify http_load)
	@BUILD=$(BUILD) SCALE=small BENCH_SUITES=http bash scripts/bench.sh
$(BUILD)/bench/http_load: bench/http_load.c
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) -O2 -g -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -o $@ $<

$(BUILD)/bench/gen $(BUILD)/bench/bench_unify $(BUILD)/bench/bench_store: $(BUILD)/bench/%: bench/%.c \
    $(BUILD)/libunify.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(ALL_CFLAGS) -Ibench -o $@ $< $(BUILD)/libunify.a $(LDLIBS)
$(BUILD)/bench/bench_fts5: bench/bench_fts5.c
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) -O2 -g -D_GNU_SOURCE -Ibench -o $@ $< -lsqlite3
# hnswlib is header-only and built here with plain -O2 (SSE): built with
# -march=native for its AVX code it answered fewer queries per second on
# the development machine (docs/performance.md).
$(BUILD)/bench/bench_xapian $(BUILD)/bench/bench_hnswlib: $(BUILD)/bench/%: bench/%.cc
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CXX) -O2 -g -std=c++17 -Ibench -o $@ $< -lxapian -pthread

# Retrieval quality on ../shared/data/eval (not part of `make test`).
eval: $(BUILD)/unify
	@UNIFY_BIN=$(BUILD)/unify bash scripts/eval.sh

# Answer quality: ../shared/data/eval asked as questions and the demo
# questions of eval/demo-questions.tsv (not part of `make test`).
eval-answers: $(BUILD)/unify
	@UNIFY_BIN=$(BUILD)/unify bash scripts/eval-answers.sh

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libunify.a: $(LIB_OBJS)
	@rm -f $@
	@ar rcs $@ $^

$(BUILD)/unify: $(CLI_OBJS) $(BUILD)/libunify.a
	@echo "  LD $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libunify.a $(LDLIBS)

# The registry of tests: every `void test_<suite>__<name>(void)` definition.
$(BUILD)/tests/unit/tests.inc: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	@grep -ho '^void test_[a-z0-9_]*__[a-z0-9_]*(void)' $(TEST_SRCS) \
	    | sed 's/^void \(.*\)(void)/UD_TEST(\1)/' > $@.tmp && mv $@.tmp $@

$(TEST_OBJS): $(BUILD)/tests/unit/tests.inc
$(BUILD)/tests/unit/%.o: EXTRA_CFLAGS += -I$(BUILD)/tests/unit -Itests/unit

$(BUILD)/unify-tests: $(TEST_OBJS) $(BUILD)/libunify.a
	@echo "  LD $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $(TEST_OBJS) $(FUZZ_REPLAY_OBJS) $(BUILD)/libunify.a $(LDLIBS)

# ---- Fuzzing (tests/fuzz/, docs/quality.md) ------------------------------------
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="query sse"]
# builds the library with clang, ASan, UBSan and libFuzzer's coverage into
# build-fuzz, links each tests/fuzz/fuzz_<target>.c with libFuzzer and runs the
# targets one after the other for FUZZ_SECONDS each on tests/fuzz/corpus/<target>/,
# which keeps what they find; `make fuzz-merge` minimises the corpora (do it
# before committing them). Not part of `make test`, which replays the corpora
# through each target's entry point (tests/unit/test_fuzz_replay.c): the
# targets are compiled into the test runner as ud_fuzz_<target>.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SRCS := $(filter-out tests/fuzz/fuzz_util.c tests/fuzz/fuzz_test_shim.c,\
    $(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_TARGETS ?= $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
# clang's -Wformat=2 also flags the va_list formatters (gcc's does not).
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=undefined -DUD_ARENA_MALLOC -Wno-format-nonliteral
FUZZ_REPLAY_OBJS := $(if $(filter tests/unit/test_fuzz_replay.c,$(TEST_SRCS)),\
    $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/tests/fuzz/replay_%.o) $(BUILD)/tests/fuzz/fuzz_util.o)

.PHONY: fuzz fuzz-bins fuzz-merge
$(BUILD)/unify-tests: $(FUZZ_REPLAY_OBJS)
fuzz:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang CFLAGS="$(FUZZ_CFLAGS)" \
	    FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-bins
	@bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-merge:
	@bash tests/fuzz/run.sh --merge $(FUZZ_BUILD) 0 $(FUZZ_TARGETS)
fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%)
.SECONDARY: $(BUILD)/tests/fuzz/fuzz_util.o

# The HTTP target runs the tests' API fixture, with the runner's few
# functions it needs from tests/fuzz/fuzz_test_shim.c.
FUZZ_LINK_http := $(BUILD)/tests/unit/api_fixture.o $(BUILD)/tests/unit/helpers.o \
                  $(BUILD)/tests/fuzz/fuzz_test_shim.o
$(BUILD)/fuzz/http: $(FUZZ_LINK_http)
.SECONDARY: $(FUZZ_LINK_http)
$(BUILD)/fuzz/% $(BUILD)/tests/fuzz/%.o: EXTRA_CFLAGS += -I$(BUILD)/tests/unit -Itests/unit
$(BUILD)/tests/fuzz/fuzz_test_shim.o: $(BUILD)/tests/unit/tests.inc

$(BUILD)/fuzz/%: tests/fuzz/fuzz_%.c $(BUILD)/tests/fuzz/fuzz_util.o $(BUILD)/libunify.a
	@mkdir -p $(dir $@)
	@echo "  LD $@"
	@$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< $(BUILD)/tests/fuzz/fuzz_util.o \
	    $(FUZZ_LINK_$*) $(BUILD)/libunify.a $(LDLIBS)
$(BUILD)/tests/fuzz/replay_%.o: tests/fuzz/fuzz_%.c $(BUILD)/tests/unit/tests.inc
	@mkdir -p $(dir $@)
	@echo "  CC $< (replay)"
	@$(CC) $(ALL_CFLAGS) -DLLVMFuzzerTestOneInput=ud_fuzz_$* -MMD -MP -c $< -o $@

run: setup
	@$(MAKE) --no-print-directory $(BUILD)/unify
	@bash scripts/run-demo.sh

test: setup
	@bash scripts/test.sh

asan: setup
	@UNIFY_TEST_PASSES=asan bash scripts/test.sh

FORMAT_FILES = $(shell find src tests -name '*.[ch]' ! -path '*/fixtures/*')
format:
	clang-format -i $(FORMAT_FILES)
format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)

clean:
	rm -rf build build-asan

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(FUZZ_REPLAY_OBJS:.o=.d)
