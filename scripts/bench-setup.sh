#!/usr/bin/env bash
# The peers `make bench` measures against, from Debian: Xapian, hnswlib
# (header-only) and a C++ compiler. SQLite (FTS5) is already there.
set -euo pipefail
missing=()
for p in libxapian-dev libhnswlib-dev g++; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "bench: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
