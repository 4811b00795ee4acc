#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian packages (protoc for contract
# generation, kcat to talk to Kafka by hand), Node 24 (scripts/env.sh), npm dependencies,
# and the Kafka broker's jars from Maven Central. Safe to run again: it skips what is there.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"

apt_packages=()
command -v protoc >/dev/null || apt_packages+=(protobuf-compiler)
command -v kcat >/dev/null || apt_packages+=(kcat)
command -v psql >/dev/null || apt_packages+=(postgresql-client)
if [ ${#apt_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[setup] installing Debian packages: ${apt_packages[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
  else
    echo "[setup] please install: ${apt_packages[*]}" >&2
    exit 1
  fi
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm dependencies (node $(node --version))"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/kafka.sh fetch
echo "[setup] ready: node $(node --version), protoc $(protoc --version | cut -d' ' -f2), kafka jars in $MLOPS_CACHE/kafka"
