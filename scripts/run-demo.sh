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

url="http://$bind:$port"
cat <<MSG

UnifyData is starting on $url (Ctrl-C stops it). Try:

  curl -s $url/v1/search -H 'Content-Type: application/json' -d '{"query": "parental leave"}'
  curl -s $url/v1/search -H 'Content-Type: application/json' -d '{"query": "Atlas AMR battery life", "top_k": 3}'
  curl -s $url/v1/search -H 'Content-Type: application/json' -d '{"query": "database outage postmortem"}'

or from the command line:  $bin search --data $data "parental leave"

MSG
exec "$bin" serve --data "$data" --bind "$bind" --port "$port"
