# Sourced by every script: puts a Node.js >= 22 first on PATH and sets the project's defaults.
# The project targets Node 24 LTS. When the system Node is older than 22 (Node 20 is past end of
# life), Node 24 is installed from the npm registry's `node` package into .cache/node, so no
# download outside the registry is needed.
MLOPS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MLOPS_ROOT
export MLOPS_CACHE="${MLOPS_CACHE:-$MLOPS_ROOT/.cache}"
MLOPS_NODE_VERSION="24.21.0"

mlops_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(mlops_node_major)" -lt 22 ]; then
  node_dir="$MLOPS_CACHE/node"
  if [ ! -x "$node_dir/node_modules/node/bin/node" ]; then
    echo "[env] system Node $(node --version 2>/dev/null || echo none) is older than 22: installing Node $MLOPS_NODE_VERSION from the npm registry into $node_dir" >&2
    mkdir -p "$node_dir"
    npm install --silent --no-save --no-package-lock --prefix "$node_dir" "node@$MLOPS_NODE_VERSION" >&2
  fi
  export PATH="$node_dir/node_modules/node/bin:$PATH"
fi

export PATH="$MLOPS_ROOT/node_modules/.bin:$PATH"
# Decided once, by the first script: did the caller name a Kafka cluster, or do we run our own?
export MLOPS_EXTERNAL_KAFKA="${MLOPS_EXTERNAL_KAFKA:-$([ -n "${KAFKA_BROKERS:-}" ] && echo 1 || echo 0)}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mlops}"
# Nx's daemon outlives the command that started it; CI and scripts want none.
export NX_DAEMON="${NX_DAEMON:-false}"
export NX_NO_CLOUD=true
# Security (docs/security.md): `mlops auth init` keeps the issuer key and tokens here; the CLI
# calls as admin with the token it wrote, unless MLOPS_TOKEN / MLOPS_TOKEN_FILE say otherwise.
export MLOPS_AUTH_DIR="${MLOPS_AUTH_DIR:-$MLOPS_ROOT/var/auth}"
if [ -z "${MLOPS_TOKEN:-}" ] && [ -z "${MLOPS_TOKEN_FILE:-}" ] && [ -f "$MLOPS_AUTH_DIR/tokens/admin.token" ]; then
  export MLOPS_TOKEN_FILE="$MLOPS_AUTH_DIR/tokens/admin.token"
fi
