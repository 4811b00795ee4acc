#!/usr/bin/env bash
# The fault and hostile-input tests on their own (they are also part of scripts/test.sh), each
# printing what it counted: records sent, stored, duplicated, lost; requests refused by status.
#   bash scripts/fault-tests.sh
# See docs/reliability.md for what each one promises and the last figures.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mlops_test}"
bash scripts/setup.sh
npx nx run-many -t build --outputStyle=static >/dev/null
bash scripts/kafka.sh start
bash scripts/db.sh

declare -A TESTS=(
  [ingestion]="test/broker-restart.int-spec.ts test/postgres-restart.int-spec.ts test/kill.int-spec.ts test/replicas.int-spec.ts"
  [feature-store]="test/replicas.int-spec.ts"
  [registry]="test/kill.int-spec.ts"
  [serving]="test/fuzz.int-spec.ts test/prediction-log.int-spec.ts test/faults.int-spec.ts test/replicas.int-spec.ts test/security.int-spec.ts"
  [monitoring]="test/drift.int-spec.ts"
)
status=0
for project in ingestion feature-store registry serving monitoring; do
  echo "=== $project: ${TESTS[$project]}"
  # The counts are console.log lines in the output; Node 24 and kafkajs warnings are filtered out.
  (cd "services/$project" && JEST_KIND=integration npx jest --runInBand ${TESTS[$project]} 2>&1 | grep -vE 'npm warn|TimeoutNegativeWarning|Timeout duration was set|trace-warnings') || status=1
done
exit $status
