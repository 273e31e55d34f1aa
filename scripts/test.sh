#!/usr/bin/env bash
# Builds and runs the whole suite: once as built for users (-O2, -Werror) and
# once under AddressSanitizer + UndefinedBehaviorSanitizer, against a
# throwaway PostgreSQL that is stopped at the end whatever happens.
# The last line is "N passed, N failed" over both passes.
set -uo pipefail
cd "$(dirname "$0")/.."

passes=${UNIFY_TEST_PASSES:-"plain asan"}
jobs=$(nproc 2>/dev/null || echo 2)

pgdir=$(mktemp -d /tmp/unify-pg-XXXXXX)
cleanup() { bash scripts/pg.sh stop "$pgdir"; }
trap cleanup EXIT INT TERM

if ! pg_url=$(bash scripts/pg.sh start "$pgdir"); then
    echo "could not start PostgreSQL; see $pgdir" >&2
    cat "$pgdir"/*.log >&2 2>/dev/null
    echo "0 passed, 1 failed"
    exit 1
fi
export UNIFY_TEST_PG="$pg_url"

total_pass=0
total_fail=0
for pass in $passes; do
    case "$pass" in
    plain) build=build; flags="-O2 -g" ;;
    asan)
        build=build-asan
        flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -DUD_ARENA_MALLOC"
        export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99"
        export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
        export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
        ;;
    *) echo "unknown pass $pass" >&2; exit 2 ;;
    esac
    echo "== build ($pass)"
    if ! make --no-print-directory -j"$jobs" BUILD="$build" CFLAGS="$flags" \
            "$build/unify" "$build/unify-tests" >"/tmp/unify-build-$pass.log" 2>&1; then
        cat "/tmp/unify-build-$pass.log"
        echo "build ($pass) failed"
        total_fail=$((total_fail + 1))
        continue
    fi
    echo "== tests ($pass)"
    out=$(UNIFY_BIN="$build/unify" UNIFY_TEST_LABEL="$pass" "$build/unify-tests" "$@" 2>&1)
    status=$?
    echo "$out" | grep -v '^\[' || true
    summary=$(echo "$out" | grep -E "^\[$pass\] [0-9]+ ok, [0-9]+ failed$" | tail -1)
    if [ -z "$summary" ]; then
        echo "the $pass test run ended without a summary (exit $status)"
        total_fail=$((total_fail + 1))
        continue
    fi
    echo "$summary"
    p=$(echo "$summary" | sed -E 's/.* ([0-9]+) ok.*/\1/')
    f=$(echo "$summary" | sed -E 's/.* ([0-9]+) failed/\1/')
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
