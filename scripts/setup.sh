#!/usr/bin/env bash
# Installs what building and testing unify needs, from Debian packages only.
# Idempotent: when every package is present it does nothing and returns fast.
set -euo pipefail

packages=(
    build-essential pkg-config clang clang-format
    libmicrohttpd-dev libcurl4-openssl-dev libjansson-dev libsqlite3-dev libpq-dev
    libssl-dev libutf8proc-dev libstemmer-dev libpoppler-glib-dev libxml2-dev libzip-dev
    libgmime-3.0-dev libexttextcat-dev libpcre2-dev libargon2-dev
    postgresql-15 postgresql-client-15 curl python3
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
