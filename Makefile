# UnifyData: one static library (libunify), one binary (unify), one test runner.
#   make run     install what is missing, build, load the demo workspace, serve it
#   make test    install what is missing, build (-Werror), run every test twice
#                (plain and under ASan+UBSan); ends with "N passed, N failed"
#   make asan    the suite under ASan+UBSan only
#   make eval    nDCG@10, Recall@100, MRR@10 on ../shared/data/eval
#   make eval-answers  the extractive answers' citations and first sentences
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
	@$(CC) $(ALL_CFLAGS) -o $@ $(TEST_OBJS) $(BUILD)/libunify.a $(LDLIBS)

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

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_OBJS:.o=.d)
