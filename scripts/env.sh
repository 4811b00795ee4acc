# Sourced by every script: puts a Node.js >= 22.18 first on PATH and sets the project's defaults.
# The project targets Node 24 LTS. When the system Node is older than 22.18 (Node 20 is past end of
# life; 22.18 is the first 22 that runs TypeScript files such as scripts/setup/*.mts and
# bench/*.mts without a flag), Node 24 is installed from the npm registry's `node` package into .cache/node, so no
# download outside the registry is needed.
MLOPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MLOPS_ROOT
export MLOPS_CACHE="${MLOPS_CACHE:-$MLOPS_ROOT/.cache}"
MLOPS_NODE_VERSION="24.21.0"

mlops_node_ok() { node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 && process.features.typescript ? 0 : 1)' 2>/dev/null; }

if ! mlops_node_ok; then
  node_dir="$MLOPS_CACHE/node"
  if [ ! -x "$node_dir/node_modules/node/bin/node" ]; then
    echo "[env] system Node $(node --version 2>/dev/null || echo none) is older than 22.18: installing Node $MLOPS_NODE_VERSION from the npm registry into $node_dir" >&2
    mkdir -p "$node_dir"
    npm install --silent --no-save --no-package-lock --prefix "$node_dir" "node@$MLOPS_NODE_VERSION" >&2
  fi
  export PATH="$node_dir/node_modules/node/bin:$PATH"
fi

export PATH="$MLOPS_ROOT/node_modules/.bin:$PATH"
# Decided once, by the first script: did the caller name a Kafka cluster, or do we run our own?
export MLOPS_EXTERNAL_KAFKA="${MLOPS_EXTERNAL_KAFKA:-$([ -n "${KAFKA_BROKERS:-}" ] && echo 1 || echo 0)}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
# Postgres: the caller's DATABASE_URL / TEST_DATABASE_URL when given; else the embedded server's
# (.cache/pg/env, written by scripts/setup.sh when no server answered on 127.0.0.1:5432 and none
# could be installed: docs/setup.md); else 127.0.0.1:5432. A value chosen here is recorded in
# MLOPS_AUTO_*, so sourcing this file again after setup.sh chooses again, from what setup.sh did.
mlops_pg_url=postgres://postgres@127.0.0.1:5432/mlops
mlops_pg_test_url=postgres://postgres@127.0.0.1:5432/mlops_test
if [ -f "$MLOPS_CACHE/pg/env" ]; then
  while IFS='=' read -r mlops_key mlops_value; do
    case "$mlops_key" in
      DATABASE_URL) mlops_pg_url=$mlops_value ;;
      TEST_DATABASE_URL) mlops_pg_test_url=$mlops_value ;;
    esac
  done <"$MLOPS_CACHE/pg/env"
fi
if [ -z "${DATABASE_URL:-}" ] || [ "$DATABASE_URL" = "${MLOPS_AUTO_DATABASE_URL:-}" ]; then
  export DATABASE_URL="$mlops_pg_url" MLOPS_AUTO_DATABASE_URL="$mlops_pg_url"
fi
if [ -z "${TEST_DATABASE_URL:-}" ] || [ "$TEST_DATABASE_URL" = "${MLOPS_AUTO_TEST_DATABASE_URL:-}" ]; then
  export TEST_DATABASE_URL="$mlops_pg_test_url" MLOPS_AUTO_TEST_DATABASE_URL="$mlops_pg_test_url"
fi
unset mlops_pg_url mlops_pg_test_url mlops_key mlops_value
# Nx's daemon outlives the command that started it; CI and scripts want none.
export NX_DAEMON="${NX_DAEMON:-false}"
export NX_NO_CLOUD=true
# Security (docs/security.md): `mlops auth init` keeps the issuer key and tokens here; the CLI
# calls as admin with the token it wrote, unless MLOPS_TOKEN / MLOPS_TOKEN_FILE say otherwise.
export MLOPS_AUTH_DIR="${MLOPS_AUTH_DIR:-$MLOPS_ROOT/var/auth}"
if [ -z "${MLOPS_TOKEN:-}" ] && [ -z "${MLOPS_TOKEN_FILE:-}" ] && [ -f "$MLOPS_AUTH_DIR/tokens/admin.token" ]; then
  export MLOPS_TOKEN_FILE="$MLOPS_AUTH_DIR/tokens/admin.token"
fi
