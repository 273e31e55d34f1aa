#!/usr/bin/env bash
# `make eval`: retrieval quality on the BEIR-format test collections in
# ../shared/data/eval (or $UNIFY_EVAL_DIR), one table row per set, next to
# the reference BM25 numbers of ../shared/data/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=${UNIFY_EVAL_DIR:-../shared/data/eval}
bin=${UNIFY_BIN:-build/unify}
if [ ! -d "$dir" ]; then
    echo "no test collections in $dir (set UNIFY_EVAL_DIR); nothing to evaluate"
    exit 0
fi

declare -A reference=([cranfield]=0.342 [cisi]=0.361 [cacm]=0.458 [npl]=0.441)
printf "%-10s %7s %8s %9s %11s %8s %10s\n" set docs queries nDCG@10 Recall@100 MRR@10 reference
for set_dir in "$dir"/*/; do
    name=$(basename "$set_dir")
    [ -f "$set_dir/corpus.jsonl" ] || continue
    out=$("$bin" eval --json --corpus "$set_dir/corpus.jsonl" --queries "$set_dir/queries.jsonl" \
        --qrels "$set_dir/qrels/test.tsv")
    python3 - "$name" "${reference[$name]:--}" "$out" <<'PY'
import json, sys
name, ref, out = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print("%-10s %7d %8d %9.3f %11.3f %8.3f %10s" % (name, out["docs"], out["queries"],
      out["ndcg_at_10"], out["recall_at_100"], out["mrr_at_10"], ref))
PY
done
