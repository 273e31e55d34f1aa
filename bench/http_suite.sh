#!/usr/bin/env bash
# The HTTP suite of `make bench` (and `make bench-http` alone): serves two
# data directories with `unify serve` and loads them with bench/http_load
# (docs/performance.md):
#   demo   what `make run` serves: the demo workspace ingested
#   100k   the 100K chunks of SCALE=small (bench/gen.c), indexed with their
#          vectors by bench_unify as an organization's collection
# On each: GET /healthz (the server's ceiling) and POST /v1/search with an
# API key, at 1, 8 and 32 connections: requests/s, p50, p99, errors. The
# rate limit is raised by its setting (UNIFY_RATE_LIMIT_PER_MINUTE) for the
# servers it starts; nothing else about them is special.
#
# usage: bench/http_suite.sh BUILD_DIR RESULTS_FILE   (appends JSON rows)
#   BENCH_HTTP_SETS="demo 100k"  BENCH_HTTP_CONNECTIONS="1 8 32"
#   BENCH_HTTP_SECONDS=5 (each run, after 1 s of warm-up)
#   UNIFY=path/to/unify  the server to measure (default BUILD_DIR/unify),
#                        e.g. an older build for a before/after
#   SOAK=1   also 10 minutes (SOAK_SECONDS=600) of searches at 32
#            connections on the demo, resident memory read from
#            /proc/PID/status at its start and end
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
results=$2
unify=${UNIFY:-$build/unify}
load=$build/bench/http_load
seconds=${BENCH_HTTP_SECONDS:-5}
connections=${BENCH_HTTP_CONNECTIONS:-1 8 32}
sets=${BENCH_HTTP_SETS:-demo 100k}
root=$build/bench/http
mkdir -p "$root"
export UNIFY_ADMIN_PASSWORD=bench-only-password
server_pid=""
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
}
trap stop_server EXIT

# A data directory, made once: unify init, then what fills it ($2).
prepare() {
    local dir=$1 fill=$2
    [ -s "$dir/bench-api-key" ] && return 0
    rm -rf "$dir"
    "$unify" init --data "$dir" >/dev/null
    $fill "$dir"
    "$unify" apikey create --data "$dir" --name "bench" --permissions search --json |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])' >"$dir/bench-api-key"
}

fill_demo() {
    "$unify" ingest --data "$1" demo/ >/dev/null
}

# The 100K chunks with vectors, indexed by bench_unify (as the vectors suite
# does) and put where the server finds the default organization's index.
fill_100k() {
    local dir=$1 data=$build/bench/data-small work=$root/work-100k
    if [ ! -f "$data/corpus.tsv" ]; then
        mkdir -p "$data"
        "$build/bench/gen" "$dir/embeddings/glove-100d-sif.bin" "$data" 100000 1000 20000 >&2
    fi
    # Minutes to build: kept across runs (the word vectors are the same).
    if [ ! -f "$work/unify-vectors-int8/MANIFEST" ]; then
        rm -rf "$work"
        mkdir -p "$work"
        "$build/bench/bench_unify" index-vectors "$data" "$work" \
            "$dir/embeddings/glove-100d-sif.bin" int8 100000 >/dev/null
    fi
    local org
    org=$("$unify" org list --data "$dir" --json | python3 -c 'import json,sys
print([o["id"] for o in json.load(sys.stdin)["organizations"] if o["slug"] == "default"][0])')
    rm -rf "$dir/collections/$org"
    mkdir -p "$dir/collections"
    cp -r "$work/unify-vectors-int8" "$dir/collections/$org"
}

# Request bodies, one per line: the demo's example searches, or the
# generated queries (their words).
bodies() {
    local set=$1 out=$2
    if [ "$set" = demo ]; then
        for q in "parental leave" "Atlas AMR battery life" "database outage postmortem" \
            "security review" "quarterly revenue" "onboarding checklist" "vacation policy" \
            "incident response"; do
            printf '{"query": "%s"}\n' "$q"
        done >"$out"
    else
        python3 - "$build/bench/data-small/queries.tsv" >"$out" <<'PY'
import json, sys
lines = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
for fields in lines:
    if len(fields) > 1 and fields[1].strip():
        print(json.dumps({"query": fields[1].strip()}))
PY
    fi
}

start_server() {
    local dir=$1 log=$2
    UNIFY_RATE_LIMIT_PER_MINUTE=1000000 "$unify" serve --data "$dir" --port 0 >"$log.out" 2>"$log" &
    server_pid=$!
    for _ in $(seq 1 200); do
        port=$(sed -n 's|.*serving on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log.out")
        [ -n "$port" ] && return 0
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "bench: the server did not start (see $log)" >&2
    exit 1
}

# Appends the rows of one http_load answer: $1 suite, $2 engine, $3 JSON.
rows() {
    python3 - "$1" "$2" "$3" >>"$results" <<'PY'
import json, sys
suite, engine, r = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
c = r["connections"]
for metric, key, unit in (("req/s", "rps", "1/s"), ("p50", "p50_ms", "ms"),
                          ("p99", "p99_ms", "ms"), ("errors", "errors", "count")):
    print(json.dumps({"suite": suite, "engine": engine, "metric": "%s c%d" % (metric, c),
                      "value": r[key], "unit": unit}))
if r["errors"]:
    print("bench: %s %s c%d: %d errors, first: %s" % (suite, engine, c, r["errors"],
          r["first_error"]), file=sys.stderr)
PY
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

for set in $sets; do
    dir=$root/$set
    echo "bench: http $set: preparing $dir" >&2
    prepare "$dir" "fill_$set"
    key=$(cat "$dir/bench-api-key")
    bodies "$set" "$root/bodies-$set.jsonl"
    log=$root/serve-$set.log
    start_server "$dir" "$log"
    echo "bench: http $set: serving on port $port (pid $server_pid)" >&2
    for c in $connections; do
        echo "bench: http $set: GET /healthz, $c connections, $seconds s" >&2
        out=$("$load" 127.0.0.1 "$port" "$seconds" "$c" GET /healthz)
        rows "http-$set" healthz "$out"
        echo "bench: http $set: POST /v1/search, $c connections, $seconds s" >&2
        out=$("$load" 127.0.0.1 "$port" "$seconds" "$c" POST /v1/search \
            -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
            -b "$root/bodies-$set.jsonl")
        rows "http-$set" search "$out"
    done
    if [ "${SOAK:-0}" = 1 ] && [ "$set" = demo ]; then
        soak=${SOAK_SECONDS:-600}
        echo "bench: http soak: POST /v1/search, 32 connections, $soak s" >&2
        # Warmed up first, so that the start is the server's working size.
        "$load" 127.0.0.1 "$port" 5 32 POST /v1/search -H "Authorization: Bearer $key" \
            -H "Content-Type: application/json" -b "$root/bodies-$set.jsonl" >/dev/null
        before=$(rss_kb "$server_pid")
        out=$("$load" 127.0.0.1 "$port" "$soak" 32 POST /v1/search -w 0 \
            -H "Authorization: Bearer $key" -H "Content-Type: application/json" \
            -b "$root/bodies-$set.jsonl")
        after=$(rss_kb "$server_pid")
        rows "http-soak" search "$out"
        python3 -c 'import json,sys
for m, v in (("rss start", int(sys.argv[1])), ("rss end", int(sys.argv[2]))):
    print(json.dumps({"suite": "http-soak", "engine": "search", "metric": m, "value": v / 1024, "unit": "MiB"}))
print(json.dumps({"suite": "http-soak", "engine": "search", "metric": "seconds", "value": int(sys.argv[3]), "unit": "s"}))' \
            "$before" "$after" "$soak" >>"$results"
    fi
    stop_server
    # The worker pool's counters, logged by the server as it stopped.
    grep -o 'http workers:.*' "$log" | sed "s/^/bench: http $set: /" >&2 || true
done
