#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   contracts up to date → build → lint → typecheck → deploy checks → unit tests → integration tests
# Integration tests run against a real Kafka broker (started here on 127.0.0.1:9092 unless
# KAFKA_BROKERS names one) and the Postgres server of TEST_DATABASE_URL.
# Ends with each failure (test and the start of its message), then one line:
# "tests: N passed, N failed, N skipped".
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"

started=$SECONDS
step() { printf '\n=== %s (%ss)\n' "$1" $((SECONDS - started)); }

step "set-up"
bash scripts/setup.sh
# Again, for the Postgres server the set-up settled on (TEST_DATABASE_URL, unless the caller set it).
source scripts/env.sh

step "contracts"
bash scripts/gen-proto.sh --check

step "build, lint, typecheck"
npx nx run-many -t build lint typecheck --outputStyle=static

step "deploy checks (Prometheus rules, Grafana dashboards, Kubernetes manifests)"
bash scripts/check-deploy.sh

export MLOPS_TEST_SUMMARY="$MLOPS_CACHE/test-summary.jsonl"
rm -f "$MLOPS_TEST_SUMMARY"
summary() {
  [ -f "$MLOPS_TEST_SUMMARY" ] || { echo "tests: 0 passed, 1 failed (no test ran)"; return; }
  node -e '
    const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
    const sum = (k) => lines.reduce((n, l) => n + l[k], 0);
    for (const l of lines) for (const f of l.failures ?? []) console.log(`\nFAILED ${l.project} (${l.kind}) ${f.test}\n${f.message.replace(/^/gm, "  ")}`);
    console.log(`tests: ${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`);
  ' "$MLOPS_TEST_SUMMARY"
}
trap 'status=$?; printf "\n"; summary; echo "suite took $((SECONDS - started))s"; exit $status' EXIT

step "unit tests"
npx nx run-many -t test --skip-nx-cache --outputStyle=static

step "infrastructure"
own_kafka=false
if [ "$MLOPS_EXTERNAL_KAFKA" = 0 ]; then
  if ! bash scripts/kafka.sh status >/dev/null 2>&1; then own_kafka=true; fi
  bash scripts/kafka.sh start
fi
bash scripts/db.sh
stop_kafka() { if $own_kafka; then bash scripts/kafka.sh stop || true; fi; }

step "integration tests"
set +e
npx nx run-many -t test:integration --skip-nx-cache --parallel=1 --outputStyle=static
result=$?
set -e
stop_kafka
exit $result
