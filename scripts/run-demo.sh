#!/usr/bin/env bash
# `make run`: a data directory with the demo workspace ingested, then the
# server on 127.0.0.1:8080 (override with UNIFY_DATA, UNIFY_PORT, UNIFY_BIND).
set -euo pipefail
cd "$(dirname "$0")/.."

data=${UNIFY_DATA:-./unify-data}
port=${UNIFY_PORT:-8080}
bind=${UNIFY_BIND:-127.0.0.1}
bin=build/unify

"$bin" init --data "$data"
"$bin" ingest --data "$data" demo/

# Every route but /healthz needs a credential. The demo makes one key
# (search and ask) once and keeps it in the data directory, readable by its
# owner only, so the examples below work on every run.
keyfile="$data/demo-api-key"
if [ ! -s "$keyfile" ]; then
    (umask 077; "$bin" apikey create --data "$data" --name "make run demo" --permissions search,ask --json \
        | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])' > "$keyfile")
fi
key=$(cat "$keyfile")

url="http://$bind:$port"
auth="Authorization: Bearer $key"
cat <<MSG

UnifyData is starting on $url (Ctrl-C stops it). Try:

  curl -s $url/v1/search -H '$auth' -H 'Content-Type: application/json' -d '{"query": "parental leave"}'
  curl -s $url/v1/search -H '$auth' -H 'Content-Type: application/json' -d '{"query": "Atlas AMR battery life", "top_k": 3}'
  curl -s $url/v1/search -H '$auth' -H 'Content-Type: application/json' -d '{"query": "database outage postmortem"}'
  curl -s $url/v1/ask -H '$auth' -H 'Content-Type: application/json' -d '{"question": "What did Kessler decide about the 24 robots?"}'
  curl -sN $url/v1/ask -H '$auth' -H 'Content-Type: application/json' -d '{"question": "How many weeks of parental leave do primary caregivers get?", "stream": true}'

(the key is the demo's API key for search and ask, kept in $keyfile; sign in
as the admin with POST /v1/auth/login for the rest of the API)

or from the command line:  $bin search --data $data "parental leave"
                           $bin ask --data $data "What is the battery life of the Atlas AMR?"
                           $bin source list --data $data

MSG
exec "$bin" serve --data "$data" --bind "$bind" --port "$port"
