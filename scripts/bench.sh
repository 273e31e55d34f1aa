#!/usr/bin/env bash
# `make bench`: generates the data (once per scale), runs each engine on it
# and writes bench/out/results.json, a list of {"suite", "engine", "metric",
# "value", "unit"}, then prints them as one table.
#   SCALE=full (default): 1M chunks; the whole GloVe vocabulary with 10,000
#                         held-out ANN queries
#   SCALE=small: 100K chunks; 20,000 vectors, 1,000 ANN queries; the
#                vectors suite on the first 20,000 chunks (the HNSW builds
#                at efConstruction 200 are what a quick run cannot afford)
# BENCH_SUITES picks suites (default all: "bm25 ann filter vectors http"), e.g.
# BENCH_SUITES=vectors for the query process over chunks with vectors
# alone; BENCH_STORAGE the vector storage(s) of that suite (default int8,
# "int8 float32" for both); BENCH_ENGINES the engines (default all:
# "unify fts5 xapian hnswlib"), e.g. BENCH_ENGINES=unify to time a change
# of ours without the peers' index builds. The http suite (bench/http_suite.sh:
# requests/s and latency of `unify serve` under load, SOAK=1 for its soak)
# has no peers; `make bench-http` runs it alone.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
scale=${SCALE:-full}
case "$scale" in
small) chunks=100000 ann_queries=1000 ann_base=20000 vector_chunks=20000 ;;
full | "") scale=full chunks=1000000 ann_queries=10000 ann_base=1000000 vector_chunks=0 ;;
*) echo "SCALE must be small or full" >&2; exit 2 ;;
esac
bin=$build/bench
data=$build/bench/data-$scale
work=$build/bench/work-$scale
mkdir -p "$data" "$work" bench/out

# The GloVe vocabulary, converted the way `unify init` does it.
glove=$build/bench/vectors/embeddings/glove-100d-sif.bin
if [ ! -f "$glove" ]; then
    rm -rf "$build/bench/vectors"
    UNIFY_ADMIN_PASSWORD=bench-only-password "$build/unify" init --data "$build/bench/vectors" >/dev/null
fi
[ -f "$glove" ] || { echo "bench: no word vectors (run scripts/setup.sh)" >&2; exit 1; }
if [ ! -f "$data/truth.u32" ]; then
    echo "bench: generating $chunks chunks and $ann_queries ANN queries" >&2
    "$bin/gen" "$glove" "$data" "$chunks" "$ann_queries" "$ann_base"
fi

results=$(mktemp)
suites=" ${BENCH_SUITES:-bm25 ann filter vectors http} "
engines=" ${BENCH_ENGINES:-unify fts5 xapian hnswlib} "
run() { echo "bench: $*" >&2; "$@" >>"$results"; }
# Runs "$@" when engine $1 is among BENCH_ENGINES.
run_engine() {
    local engine=$1
    shift
    if [[ $engines == *" $engine "* ]]; then run "$@"; fi
}
if [[ $suites == *" bm25 "* ]]; then
    run_engine unify "$bin/bench_unify" index "$data" "$work"
    run_engine unify "$bin/bench_unify" query "$data" "$work"
    run_engine fts5 "$bin/bench_fts5" index "$data" "$work"
    run_engine fts5 "$bin/bench_fts5" query "$data" "$work"
    run_engine xapian "$bin/bench_xapian" index "$data" "$work"
    run_engine xapian "$bin/bench_xapian" query "$data" "$work"
fi
# One HNSW graph per run: built (and timed) by the ann suite, reused by
# the filter suite.
graph=$work/hnsw-graph.bin
rm -f "$graph"
if [[ $suites == *" ann "* ]]; then
    run_engine unify "$bin/bench_unify" ann "$data" 0 "$graph"
    run_engine hnswlib "$bin/bench_hnswlib" "$data"
fi
if [[ $suites == *" filter "* ]]; then
    run_engine unify "$bin/bench_unify" crossover "$data" "$graph"
fi
rm -f "$graph"
# The same chunks, each with its SIF vector: build, then a query process
# running BM25, vector and hybrid searches (latency, resident memory).
if [[ $suites == *" vectors "* ]]; then
    for storage in ${BENCH_STORAGE:-int8}; do
        run_engine unify "$bin/bench_unify" index-vectors "$data" "$work" "$glove" "$storage" \
            "$vector_chunks"
        run_engine unify "$bin/bench_unify" query-vectors "$data" "$work" "$glove" "$storage"
    done
fi
if [[ $suites == *" http "* ]]; then
    bash bench/http_suite.sh "$build" "$results"
fi

python3 - "$results" "$scale" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
json.dump(rows, open("bench/out/results.json", "w"), indent=1)
engines = {}
for r in rows:
    engines.setdefault(r["suite"], [])
    if r["engine"] not in engines[r["suite"]]:
        engines[r["suite"]].append(r["engine"])
for suite, names in engines.items():
    metrics = []
    for r in rows:
        if r["suite"] == suite and (r["metric"], r["unit"]) not in metrics:
            metrics.append((r["metric"], r["unit"]))
    print("\n%s (scale %s)" % (suite, sys.argv[2]))
    print("%-22s %-10s" % ("metric", "unit") + "".join("%12s" % n for n in names))
    for metric, unit in metrics:
        cells = []
        for n in names:
            v = [r["value"] for r in rows if r["suite"] == suite and r["engine"] == n and r["metric"] == metric]
            cells.append("%12.4g" % v[0] if v else "%12s" % "-")
        print("%-22s %-10s" % (metric, unit) + "".join(cells))
PY
rm -f "$results"
