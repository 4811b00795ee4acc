#!/usr/bin/env bash
# Runs one benchmark against real components (the local Kafka broker and Postgres; the
# ingestion benchmark starts a private broker). Benchmarks print ratios against a baseline run
# side by side; docs/benchmarks.md records the figures.
#   bash bench/run.sh ingestion-throughput|online-lookup|snapshot-build|trainers|metric-logging|mlflow-logging|serving-throughput|inference-batching|drift [scale]|loop-latency|soak|replicas|idle|console [args...]
set -euo pipefail
source "$(dirname "$0")/../scripts/env.sh"
cd "$MLOPS_ROOT"
name=${1:?usage: bench/run.sh <benchmark> [args...]}
shift
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mlops_test}"
npx nx run-many -t build --outputStyle=static >/dev/null
bash scripts/kafka.sh start >/dev/null
bash scripts/db.sh >/dev/null
exec node --no-warnings "bench/$name.mts" "$@"
