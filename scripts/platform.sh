#!/usr/bin/env bash
# Runs the whole platform on this machine.
#   scripts/platform.sh demo    `up`, then the closed-loop scenario narrated in the terminal
#                               (mlops demo: stream, train, serve, shift, detect, retrain,
#                               canary, promote; then a bad candidate rolled back)
#   scripts/platform.sh up      install what is missing, build, start Kafka, prepare Postgres,
#                               start the six services and the console (http://127.0.0.1:8087)
#                               and wait until each reports ready
#   scripts/platform.sh status  readiness of every service
#   scripts/platform.sh logs S  follow one service's JSON log
#   scripts/platform.sh down    stop the services and the broker this script started
# Set KAFKA_BROKERS / DATABASE_URL to use an existing cluster / server instead.
# KAFKA_SECURITY=sasl_ssl: the local broker runs TLS, SASL/SCRAM and ACLs (scripts/kafka.sh;
# a data dir keeps its mode: `scripts/kafka.sh wipe` to switch) and each service signs in as its
# own user. The demo's data feed (mlops demo, feedback, tail) speaks to an open broker only.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"

SERVICES=(ingestion feature-store training registry serving monitoring console)
declare -A HTTP_PORT=([ingestion]=8081 [feature-store]=8082 [training]=8083 [registry]=8084 [serving]=8085 [monitoring]=8086 [console]=8087)
declare -A GRPC_PORT=([ingestion]=50051 [feature-store]=50052 [training]=50053 [registry]=50054 [serving]=50055 [monitoring]=50056 [console]=50057)
RUN_DIR="$MLOPS_CACHE/run"
LOG_DIR="$MLOPS_CACHE/logs"
mkdir -p "$RUN_DIR" "$LOG_DIR"

env_key() { echo "$1" | tr 'a-z-' 'A-Z_'; }
http_port() { local key; key="$(env_key "$1")_HTTP_PORT"; echo "${!key:-${HTTP_PORT[$1]}}"; }
grpc_port() { local key; key="$(env_key "$1")_GRPC_PORT"; echo "${!key:-${GRPC_PORT[$1]}}"; }
pid_of() { local f="$RUN_DIR/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }
ready() { curl -fsS --max-time 2 "http://127.0.0.1:$(http_port "$1")/health/ready" >/dev/null 2>&1; }
uses_local_kafka() { [ "$MLOPS_EXTERNAL_KAFKA" = 0 ]; }

start_service() {
  local svc=$1 pid
  if pid=$(pid_of "$svc"); then echo "  $svc already running (pid $pid)"; return; fi
  # Each service trusts the issuer's public key and calls the others with its own token; the
  # console has none (it calls with the token of whoever uses it).
  local own_token="$MLOPS_AUTH_DIR/tokens/$svc.token"
  [ "$svc" = console ] && own_token=""
  local kafka_env=()
  if [ "${KAFKA_SECURITY:-plaintext}" = sasl_ssl ] && uses_local_kafka; then
    local secrets="${KAFKA_DATA_DIR:-$MLOPS_CACHE/kafka-data/${KAFKA_PORT:-9092}}/secrets"
    kafka_env=(KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_USERNAME="$svc" KAFKA_SASL_PASSWORD_FILE="$secrets/users/$svc.password" KAFKA_TLS_CA_FILE="$secrets/ca.pem")
  fi
  env ${kafka_env[@]+"${kafka_env[@]}"} \
    MLOPS_AUTH_PUBLIC_KEYS_FILE="${MLOPS_AUTH_PUBLIC_KEYS_FILE:-$MLOPS_AUTH_DIR/issuer.pub.pem}" \
    MLOPS_AUTH_TOKEN_FILE="$own_token" \
    nohup node "services/$svc/dist/main.js" >>"$LOG_DIR/$svc.log" 2>&1 &
  echo $! >"$RUN_DIR/$svc.pid"
  echo "  $svc started (pid $!, gRPC :$(grpc_port "$svc"), HTTP :$(http_port "$svc"), log $LOG_DIR/$svc.log)"
}

wait_ready() {
  local deadline=$((SECONDS + ${PLATFORM_START_TIMEOUT:-120})) pending=("${SERVICES[@]}")
  while [ ${#pending[@]} -gt 0 ]; do
    local still=()
    for svc in "${pending[@]}"; do
      if ready "$svc"; then echo "  ✔ $svc ready"
      elif ! pid_of "$svc" >/dev/null; then echo "  ✘ $svc exited; last log lines:" >&2; tail -n 20 "$LOG_DIR/$svc.log" >&2; return 1
      else still+=("$svc"); fi
    done
    pending=("${still[@]+"${still[@]}"}")
    [ ${#pending[@]} -eq 0 ] && break
    if [ $SECONDS -gt $deadline ]; then echo "  ✘ not ready in time: ${pending[*]}" >&2; return 1; fi
    sleep 1
  done
}

cmd_up() {
  echo "[1/6] installing what is missing"; bash scripts/setup.sh
  source scripts/env.sh # again, for the Postgres server the set-up settled on (DATABASE_URL)
  echo "[2/6] building"; npx nx run-many -t build --outputStyle=static >/dev/null && echo "  build ok"
  echo "[3/6] tokens ($MLOPS_AUTH_DIR)"
  # Keeps the issuer key of an earlier run and issues fresh 30-day tokens for the services and the CLI.
  node libs/cli/dist/main.js auth init --dir "$MLOPS_AUTH_DIR" | sed 's/^/  /'
  export MLOPS_TOKEN_FILE="${MLOPS_TOKEN_FILE:-$MLOPS_AUTH_DIR/tokens/admin.token}"
  echo "[4/6] Kafka ($KAFKA_BROKERS)"
  if uses_local_kafka; then bash scripts/kafka.sh start; else echo "  using existing cluster"; fi
  echo "[5/6] Postgres"; bash scripts/db.sh
  echo "[6/6] services"
  for svc in "${SERVICES[@]}"; do start_service "$svc"; done
  wait_ready
  cmd_status
  echo
  echo "The platform is up. Logs: scripts/platform.sh logs <service>. Stop: scripts/platform.sh down"
  console_hint
}

console_hint() {
  echo
  echo "Console: http://127.0.0.1:$(http_port console)  (sign in with the token in $MLOPS_AUTH_DIR/tokens/admin.token,"
  echo "         or a viewer's: scripts/mlops auth token --sub you --roles viewer)"
}

cmd_status() {
  printf '\n  %-14s %-8s %-7s %-6s %s\n' SERVICE PID GRPC HTTP READY
  for svc in "${SERVICES[@]}"; do
    printf '  %-14s %-8s %-7s %-6s %s\n' "$svc" "$(pid_of "$svc" || echo -)" "$(grpc_port "$svc")" "$(http_port "$svc")" \
      "$(curl -sS --max-time 2 "http://127.0.0.1:$(http_port "$svc")/health/ready" 2>/dev/null || echo 'no answer')"
  done
}

cmd_down() {
  for svc in "${SERVICES[@]}"; do
    local pid
    if pid=$(pid_of "$svc"); then
      kill -TERM "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
      echo "  $svc stopped"
    fi
    rm -f "$RUN_DIR/$svc.pid"
  done
  if uses_local_kafka; then bash scripts/kafka.sh stop; fi
}

cmd_demo() {
  cmd_up
  echo
  echo "Running the closed-loop demo (mlops demo $*); the platform keeps running afterwards."
  echo "Open the console now to watch it there: the Overview shows the drift alert, the retraining, each canary"
  echo "step and the promotion as they happen; Monitoring, Deployments and Models show the evidence behind each."
  MLOPS_CONSOLE_URL="http://127.0.0.1:$(http_port console)" node libs/cli/dist/main.js demo "$@"
}

case "${1:-up}" in
  up) cmd_up ;;
  demo) shift; cmd_demo "$@" ;;
  status) cmd_status ;;
  down) cmd_down ;;
  logs) tail -n 100 -F "$LOG_DIR/${2:?which service?}.log" ;;
  *) echo "usage: $0 {demo|up|status|logs <service>|down}" >&2; exit 2 ;;
esac
