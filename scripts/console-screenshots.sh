#!/usr/bin/env bash
# Runs the console's browser tests and keeps their screenshots in docs/console (the README links
# them), instead of .cache/console-screenshots where `bash scripts/test.sh` leaves them.
# Needs Kafka and Postgres like the other integration tests (bash scripts/kafka.sh start; bash scripts/db.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mlops_test}"
npx nx run-many -t build --outputStyle=static >/dev/null
cd services/console
CONSOLE_SCREENSHOTS_DIR=docs/console JEST_KIND=integration npx jest --runInBand test/console.e2e.int-spec.ts
echo "screenshots in docs/console:"; ls "$MLOPS_ROOT/docs/console"
