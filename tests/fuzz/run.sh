#!/usr/bin/env bash
# Runs the fuzz targets built by `make fuzz` one after the other (the machine
# is shared: one process, one core), each for SECONDS on its corpus
# tests/fuzz/corpus/<target>/, which keeps the inputs that found new
# coverage. Logs go to $FUZZ_LOG_DIR (default /tmp/fuzz-logs)/<target>.log;
# a crash leaves its input in BUILD/fuzz/crashes/ and the script ends with
# a non-zero status after the other targets have run.
#   tests/fuzz/run.sh BUILD SECONDS target...
#   tests/fuzz/run.sh --merge BUILD 0 target...   minimise each corpus in place
set -uo pipefail
cd "$(dirname "$0")/../.."

merge=0
if [ "${1:-}" = "--merge" ]; then
    merge=1
    shift
fi
build=$1 seconds=$2
shift 2
logs=${FUZZ_LOG_DIR:-/tmp/fuzz-logs}
mkdir -p "$logs" "$build/fuzz/crashes"

failed=0
for target in "$@"; do
    bin="$build/fuzz/$target"
    corpus="tests/fuzz/corpus/$target"
    mkdir -p "$corpus"
    if [ ! -x "$bin" ]; then
        echo "$target: $bin is not built (make fuzz builds it)" >&2
        failed=1
        continue
    fi
    if [ "$merge" = 1 ]; then
        # -merge=1 keeps the smallest inputs that cover what the whole corpus covers.
        fresh=$(mktemp -d "/tmp/fuzz-merge-$target-XXXXXX")
        # The reproducers of fixed crashes (repro-*) stay whatever they cover.
        if "$bin" -merge=1 -rss_limit_mb=2048 "$fresh" "$corpus" >"$logs/$target-merge.log" 2>&1; then
            find "$corpus" -maxdepth 1 -type f ! -name 'repro-*' -delete
            cp "$fresh"/* "$corpus"/ 2>/dev/null || true
            echo "$target: $(ls "$corpus" | wc -l) files, $(du -sk "$corpus" | cut -f1) KB"
        else
            echo "$target: merge failed, see $logs/$target-merge.log" >&2
            failed=1
        fi
        rm -rf "$fresh"
        continue
    fi
    echo "== $target: ${seconds}s (log $logs/$target.log)"
    "$bin" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/fuzz/crashes/$target-" "$corpus" >"$logs/$target.log" 2>&1
    status=$?
    grep -E '^#[0-9]+[[:space:]]+DONE' "$logs/$target.log" | tail -1
    grep -E '^stat::number_of_executed_units' "$logs/$target.log" | tail -1
    if [ $status -ne 0 ]; then
        echo "$target: exit $status; crash inputs in $build/fuzz/crashes/" >&2
        failed=1
    fi
done
exit $failed
