#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests.
#   scripts/pg.sh start DIR   initdb into DIR, start on a free 127.0.0.1 port,
#                             print the server URL (postgres://postgres@127.0.0.1:PORT)
#   scripts/pg.sh stop DIR    stop it and remove DIR
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
bindir=/usr/lib/postgresql/15/bin

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
    # A free port: ask the kernel for one, then hand it to the server.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_postgres "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
