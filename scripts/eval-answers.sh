#!/usr/bin/env bash
# `make eval-answers`: how well the extractive answerer answers.
#  1. Every judged query of the BEIR-format collections in ../shared/data/eval
#     (or $UNIFY_EVAL_DIR) asked as a question (`unify eval --answers`): is a
#     relevant document among the answer's first three citations, next to the
#     search's own top three.
#  2. The demo questions of eval/demo-questions.tsv asked of the demo
#     workspace (ingested into a temporary data directory): is the right
#     sentence the answer's first, and the right document its first citation.
# Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${UNIFY_BIN:-build/unify}
dir=${UNIFY_EVAL_DIR:-../shared/data/eval}

if [ -d "$dir" ]; then
    printf "%-10s %8s %12s %12s %12s %12s %9s\n" set queries search@1 answer@1 search@3 answer@3 nothing
    for set_dir in "$dir"/*/; do
        name=$(basename "$set_dir")
        [ -f "$set_dir/corpus.jsonl" ] || continue
        out=$("$bin" eval --answers --json --corpus "$set_dir/corpus.jsonl" \
            --queries "$set_dir/queries.jsonl" --qrels "$set_dir/qrels/test.tsv")
        python3 - "$name" "$out" <<'PY'
import json, sys
name, r = sys.argv[1], json.loads(sys.argv[2])
print("%-10s %8d %12.3f %12.3f %12.3f %12.3f %9.3f" % (name, r["queries"], r["search_hit_at_1"],
      r["answer_hit_at_1"], r["search_hit_at_3"], r["answer_hit_at_3"], r["answer_nothing"]))
PY
    done
else
    echo "no test collections in $dir (set UNIFY_EVAL_DIR); skipping the BEIR answers"
fi

data=$(mktemp -d "${TMPDIR:-/tmp}/unify-eval-answers-XXXXXX")
trap 'rm -rf "$data"' EXIT
"$bin" init --data "$data" >/dev/null
"$bin" ingest --data "$data" demo/ >/dev/null
python3 - "$bin" "$data" eval/demo-questions.tsv "${UNIFY_EVAL_VERBOSE:-}" <<'PY'
import json, os, re, subprocess, sys
bin, data, path, verbose = sys.argv[1:5]
root = os.getcwd()

def first_sentence(answer):
    """The answer's first sentence: up to its first marker, its first line
    break, or its first full stop that ends a sentence."""
    text = answer.split("[Source", 1)[0].split("\n", 1)[0]
    for m in re.finditer(r"[.!?](?=\s+[A-Z0-9\"(])", text):
        word = re.search(r"(\S+)$", text[: m.start()])
        w = word.group(1).lower() if word else ""
        if len(w) <= 1 or w in ("dr", "mr", "mrs", "ms", "inc", "e.g", "i.e", "vs", "no", "st"):
            continue
        return text[: m.end()]
    return text

def is_doc(citation, doc):
    for alt in doc.split("|"):
        if alt.startswith("title:"):
            if citation["title"] == alt[len("title:"):]:
                return True
        elif citation["url"] == "file://" + os.path.join(root, alt):
            return True
    return False

rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8")
        if l.strip() and not l.startswith("#")][1:]
first = anywhere = cited_first = 0
for question, doc, sentence in rows:
    out = json.loads(subprocess.run([bin, "ask", "--data", data, "--json", question],
                                    check=True, capture_output=True, text=True).stdout)
    answer, cits = out["answer"], out["citations"]
    ok_first = sentence in first_sentence(answer)
    ok_doc = bool(cits) and is_doc(cits[0], doc)
    first += ok_first and ok_doc
    anywhere += sentence in answer
    cited_first += ok_doc
    if verbose or not (ok_first and ok_doc):
        print("%s %s\n    %s" % ("ok  " if ok_first and ok_doc else "MISS", question,
                                   answer.replace("\n", " ")[:300]))
n = len(rows)
print("demo: %d questions: right sentence first %d (%.0f%%), right sentence anywhere %d (%.0f%%), "
      "right document cited first %d (%.0f%%)" % (n, first, 100.0 * first / n, anywhere,
      100.0 * anywhere / n, cited_first, 100.0 * cited_first / n))
PY
