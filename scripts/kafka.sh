#!/usr/bin/env bash
# Fetch and run a real Apache Kafka broker (KRaft, single node, combined
# broker+controller) without Docker and without the Kafka .tgz: the jars come
# from Maven Central via scripts/kafka/pom.xml, because Maven Central is the
# only artifact host we can rely on in dev/CI sandboxes.
#
# Usage: scripts/kafka.sh {fetch|start|stop|status|wipe}
#
# Environment:
#   KAFKA_VERSION          Kafka release (default: <kafka.version> in scripts/kafka/pom.xml)
#   MLOPS_CACHE            cache root (default: <repo>/.cache)
#   KAFKA_PORT             client (PLAINTEXT) port (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default KAFKA_PORT+1)
#   KAFKA_DATA_DIR         data/config/log dir (default $MLOPS_CACHE/kafka-data/$KAFKA_PORT)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to serve clients (default 90)
#   KAFKA_SECURITY         plaintext (default) or sasl_ssl: TLS with a CA of its own, SASL/SCRAM
#                          users (admin, one per service, data-producer, external-trainer) and
#                          ACLs from libs/contracts topic-access.ts (docs/security.md). Its
#                          secrets go to $KAFKA_DATA_DIR/secrets: ca.pem, users/<name>.password.
#                          A data dir keeps the mode it was first started in.
#   JAVA_HOME              optional; otherwise `java` from PATH (needs Java 17+)
#
# Several brokers can run side by side: everything (config, pid file, logs,
# data) is keyed by port. Leave a gap of 2 between client ports
# (9092, 9094, ...) because the controller uses KAFKA_PORT+1 by default.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$SCRIPT_DIR")"
POM="$SCRIPT_DIR/kafka/pom.xml"

# Single source of truth for the default version: the pom property.
DEFAULT_KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)"
KAFKA_VERSION="${KAFKA_VERSION:-$DEFAULT_KAFKA_VERSION}"
MLOPS_CACHE="${MLOPS_CACHE:-$REPO_ROOT/.cache}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$MLOPS_CACHE/kafka-data/$KAFKA_PORT}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_SECURITY="${KAFKA_SECURITY:-plaintext}"
SECRETS="$KAFKA_DATA_DIR/secrets"
# The SASL users of a secured broker: the admin (the broker itself, ACLs and topics) and every
# principal of libs/contracts topic-access.ts (scripts/kafka-acls.mts refuses to run if one is missing).
KAFKA_USERS="admin ingestion feature-store training registry serving monitoring console data-producer external-trainer"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

KAFKA_HOME="$MLOPS_CACHE/kafka/$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
FETCH_MARKER="$KAFKA_HOME/.fetch-complete"
PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
PROPS="$KAFKA_DATA_DIR/server.properties"
LOG_DIR="$KAFKA_DATA_DIR/logs"      # broker's own log4j output (server.log)
KAFKA_OUT="$KAFKA_DATA_DIR/kafka.out" # JVM stdout/stderr (crashes before log4j is up)

log() { echo "[kafka:$KAFKA_PORT] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Kafka 3.x ships reload4j (log4j 1.x config), Kafka 4.x ships Log4j 2.
# They need different jars (pom profiles) and different config files/flags.
kafka_major() { echo "${KAFKA_VERSION%%.*}"; }
logging_flavour() { if [ "$(kafka_major)" -ge 4 ]; then echo log4j2; else echo reload4j; fi; }

# ---------------------------------------------------------------- fetch ----
cmd_fetch() {
  if [ -f "$FETCH_MARKER" ]; then
    log "Kafka $KAFKA_VERSION already fetched in $LIBS"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed to fetch Kafka from Maven Central)"
  mkdir -p "$KAFKA_HOME"
  # Copy into a private temp dir and rename at the end, so an interrupted or
  # concurrent fetch never leaves a half-filled libs/ that looks complete.
  local tmp
  tmp="$(mktemp -d "$KAFKA_HOME/libs.tmp.XXXXXX")"
  log "Fetching Kafka $KAFKA_VERSION ($(logging_flavour)) from Maven Central into $LIBS ..."
  # Maven prints its errors on stdout (plus colour codes even with -q), so
  # keep its output and only show it when something went wrong.
  local out
  if ! out="$(mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -Dkafka.version="$KAFKA_VERSION" -Dkafka.logging="$(logging_flavour)" \
      -DoutputDirectory="$tmp" 2>&1)"; then
    echo "$out" >&2
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed for Kafka $KAFKA_VERSION"
  fi
  ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch"; }
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  touch "$FETCH_MARKER"
  log "Fetched $(find "$LIBS" -name "*.jar" | wc -l) jars ($(du -sh "$LIBS" | cut -f1)) into $LIBS"
}

# -------------------------------------------------------------- helpers ----

# Pid of the broker for this port, if its process is alive. We also check the
# command line mentions our server.properties, so a recycled pid (after a
# reboot or crash) is not mistaken for our broker.
running_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  local cmdline
  if [ -r "/proc/$pid/cmdline" ]; then
    cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  else
    cmdline="$(ps -o command= -p "$pid" 2>/dev/null || true)" # macOS: no /proc
  fi
  case "$cmdline" in *"$PROPS"*) echo "$pid" ;; *) return 1 ;; esac
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Kafka cluster ids are 16 random bytes, base64url without padding (what
# `kafka-storage.sh random-uuid` prints). Doing it in bash saves a JVM start.
# Like Kafka's Uuid.randomUuid, never one that starts with '-': the storage
# tool would read it as an option (1 start in 64 failed that way).
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [ "${id:0:1}" != "-" ] && break
  done
  printf '%s' "$id"
}

# JVM flags for the short-lived CLI JVMs (storage format, readiness probe):
# C1 only + small heap = noticeably faster startup; logs only warnings to stderr.
tool_java() {
  local cfg
  if [ "$(logging_flavour)" = log4j2 ]; then
    cfg="-Dlog4j2.configurationFile=$KAFKA_DATA_DIR/tools-log4j2.properties"
  else
    cfg="-Dlog4j.configuration=file:$KAFKA_DATA_DIR/tools-log4j.properties"
  fi
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.awt.headless=true \
    "$cfg" -cp "$LIBS/*" "$@"
}

# "Serving clients" = a real admin client can list topics. TopicCommand is in
# kafka-tools for both 3.9 and 4.x (BrokerApiVersionsCommand moved packages
# between them). Short client timeouts so a not-yet-ready broker fails fast
# instead of the AdminClient retrying for its default 60s.
probe() {
  port_open "$KAFKA_PORT" || return 1
  tool_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
    --command-config "$KAFKA_DATA_DIR/probe.properties" --list >/dev/null 2>&1
}

write_logging_configs() {
  # Broker: everything at INFO into $LOG_DIR/server.log (size-rotated).
  # Tools: warnings only, to stderr.
  if [ "$(logging_flavour)" = log4j2 ]; then
    cat >"$KAFKA_DATA_DIR/log4j2.properties" <<'EOF'
status = warn
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.filePattern = ${sys:kafka.logs.dir}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
EOF
    cat >"$KAFKA_DATA_DIR/tools-log4j2.properties" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
  else
    cat >"$KAFKA_DATA_DIR/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${kafka.logs.dir}/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
    cat >"$KAFKA_DATA_DIR/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
  fi
  cat >"$KAFKA_DATA_DIR/probe.properties" <<'EOF'
request.timeout.ms=3000
default.api.timeout.ms=5000
EOF
  if secured; then cat >>"$KAFKA_DATA_DIR/probe.properties" <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$SECRETS/users/admin.password")";
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/ca.pem
EOF
  fi
}

secured() { [ "$KAFKA_SECURITY" = sasl_ssl ]; }

# A CA of the broker's own, its certificate for 127.0.0.1/localhost (PEM, as Kafka reads it
# with ssl.keystore.type=PEM), and a random password per user. Made once per data dir.
write_secrets_once() {
  [ -f "$SECRETS/.complete" ] && return 0
  command -v openssl >/dev/null || die "openssl not found (needed for KAFKA_SECURITY=sasl_ssl)"
  rm -rf "$SECRETS"
  mkdir -p "$SECRETS/users"
  chmod 700 "$SECRETS"
  log "Making a CA, the broker's certificate and SCRAM passwords in $SECRETS"
  (
    cd "$SECRETS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=mlops-kafka-ca" -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout broker.key.pem -out broker.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -extfile broker.ext -out broker.crt 2>/dev/null
    # Kafka's PEM keystore: a PKCS#8 key followed by the certificate chain.
    openssl pkcs8 -topk8 -nocrypt -in broker.key.pem -out broker.pk8
    cat broker.pk8 broker.crt ca.pem >broker.keystore.pem
    rm -f broker.csr broker.ext broker.key.pem ca.srl
    chmod 600 ca.key broker.pk8 broker.keystore.pem
    for user in $KAFKA_USERS; do
      head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"users/$user.password"
      chmod 600 "users/$user.password"
    done
  ) || die "making the broker's secrets failed"
  touch "$SECRETS/.complete"
}

listener_properties() {
  if ! secured; then
    cat <<EOF
# Loopback only: this is a dev/test broker with no auth (KAFKA_SECURITY=sasl_ssl for one with it).
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
EOF
    return
  fi
  cat <<EOF
# Clients only over TLS with a SCRAM user; the controller listener stays on loopback (the
# broker's own requests to it arrive as ANONYMOUS, hence that super user: no client can be
# ANONYMOUS on the SASL_SSL listener).
listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=SASL_SSL://127.0.0.1:$KAFKA_PORT
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(cat "$SECRETS/users/admin.password")";
ssl.keystore.type=PEM
ssl.keystore.location=$SECRETS/broker.keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$SECRETS/ca.pem
ssl.client.auth=none
# Every request is checked against the ACLs (scripts/kafka-acls.mts); none means refused.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false
EOF
}

write_server_properties() {
  # Regenerated on every start so port changes apply; the cluster identity
  # lives in meta.properties (written once by the storage format step).
  cat >"$PROPS" <<EOF
# Generated by scripts/kafka.sh - edits are overwritten on start.
# Single node acting as both KRaft controller and broker.
process.roles=broker,controller
node.id=1
# Static single-voter quorum: works on 3.x and 4.x and needs no
# 'storage format --standalone' (which dynamic quorums require on 4.x).
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
$(listener_properties)

log.dirs=$KAFKA_DATA_DIR/kraft-logs
num.partitions=3
auto.create.topics.enable=true
default.replication.factor=1
min.insync.replicas=1

# Internal topics must fit on one broker.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Fewer offsets partitions = faster first consumer-group join (all groups are
# coordinated by this single broker anyway).
offsets.topic.num.partitions=5
# Don't make every test's first consumer wait 3s for more members.
group.initial.rebalance.delay.ms=0

# Short retention: this is scratch data.
log.retention.hours=24
log.segment.bytes=16777216
log.retention.check.interval.ms=60000
EOF
}

format_storage_once() {
  if [ -f "$KAFKA_DATA_DIR/kraft-logs/meta.properties" ]; then
    return 0
  fi
  local cid
  cid="$(random_cluster_id)"
  log "Formatting storage in $KAFKA_DATA_DIR/kraft-logs (cluster id $cid)"
  # kafka.tools.StorageTool is what bin/kafka-storage.sh runs (3.x and 4.x).
  # --ignore-formatted makes a lost race with another start harmless.
  local scram=()
  if secured; then
    for user in $KAFKA_USERS; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=$user,password=$(cat "$SECRETS/users/$user.password")]")
    done
    echo sasl_ssl >"$KAFKA_DATA_DIR/security"
  fi
  tool_java kafka.tools.StorageTool format -t "$cid" -c "$PROPS" --ignore-formatted ${scram[@]+"${scram[@]}"} >&2 \
    || die "storage format failed"
  echo "$KAFKA_VERSION" >"$KAFKA_DATA_DIR/formatted-by-version"
}

# The metadata log is written in the format of the Kafka version that created
# it: upgrading (3.9 -> 4.x) works, downgrading crashes at startup with e.g.
# "UnsupportedVersionException: Can't read version 4 of BrokerEndpoint".
check_formatted_version() {
  local formatted
  formatted="$(cat "$KAFKA_DATA_DIR/formatted-by-version" 2>/dev/null || true)"
  if [ -n "$formatted" ] && [ "$formatted" != "$KAFKA_VERSION" ]; then
    log "NOTE: $KAFKA_DATA_DIR was formatted by Kafka $formatted, this is $KAFKA_VERSION." \
      "Downgrades are not supported: run '$0 wipe' (deletes the data) and start again."
  fi
}

# ---------------------------------------------------------------- start ----
cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  [ -f "$FETCH_MARKER" ] || cmd_fetch
  "$JAVA" -version >/dev/null 2>&1 || die "java not found (need Java 17+)"

  # Something else on our ports would make the broker die with a bind error
  # after a long wait; fail fast with a clear message instead.
  port_open "$KAFKA_PORT" && die "port $KAFKA_PORT already in use by another process"
  port_open "$KAFKA_CONTROLLER_PORT" && die "controller port $KAFKA_CONTROLLER_PORT already in use (set KAFKA_CONTROLLER_PORT)"

  mkdir -p "$KAFKA_DATA_DIR" "$LOG_DIR"
  # Users and their credentials live in the formatted metadata: a data dir keeps its first mode.
  if [ -f "$KAFKA_DATA_DIR/kraft-logs/meta.properties" ]; then
    local formatted_as
    formatted_as="$(cat "$KAFKA_DATA_DIR/security" 2>/dev/null || echo plaintext)"
    [ "$formatted_as" = "$KAFKA_SECURITY" ] || die "$KAFKA_DATA_DIR was formatted for KAFKA_SECURITY=$formatted_as; run '$0 wipe' to change it"
  fi
  if secured; then write_secrets_once; fi
  write_logging_configs
  write_server_properties
  format_storage_once

  local logcfg
  if [ "$(logging_flavour)" = log4j2 ]; then
    logcfg="-Dlog4j2.configurationFile=$KAFKA_DATA_DIR/log4j2.properties"
  else
    logcfg="-Dlog4j.configuration=file:$KAFKA_DATA_DIR/log4j.properties"
  fi

  log "Starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller :$KAFKA_CONTROLLER_PORT, data $KAFKA_DATA_DIR)"
  local t0=$SECONDS
  # setsid: own session, so Ctrl-C / process-group kills aimed at whoever ran
  # `start` don't take the broker down; use `stop`. (In a script setsid execs
  # in place, so $! is the java pid.) JVM flags mirror kafka-run-class.sh.
  local detach=()
  command -v setsid >/dev/null && detach=(setsid) # not on macOS; nohup alone is fine there
  (cd "$KAFKA_DATA_DIR" && exec ${detach[@]+"${detach[@]}"} nohup "$JAVA" \
      -Xms256m -Xmx768m \
      -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
      -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true \
      -Dkafka.logs.dir="$LOG_DIR" "$logcfg" \
      -cp "$LIBS/*" kafka.Kafka "$PROPS" \
      >"$KAFKA_OUT" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$PID_FILE"

  # Wait until a real client gets an answer, not just until the port is open
  # (the broker only enables request processing once it is unfenced).
  while true; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      show_log_tail
      check_formatted_version
      die "broker process exited during startup"
    fi
    if probe; then
      if secured; then
        log "creating the catalog's topics and the ACLs of libs/contracts topic-access.ts"
        # env.sh puts the project's Node (24, which runs .mts) first on PATH.
        (source "$SCRIPT_DIR/env.sh" && KAFKA_PORT="$KAFKA_PORT" KAFKA_SECRETS_DIR="$SECRETS" node --no-warnings "$SCRIPT_DIR/kafka-acls.mts") >&2 \
          || { cmd_stop; die "setting the ACLs failed"; }
      fi
      log "ready after $((SECONDS - t0))s (pid $pid, $KAFKA_SECURITY)"
      return 0
    fi
    if [ $((SECONDS - t0)) -ge "$KAFKA_START_TIMEOUT" ]; then
      show_log_tail
      # Don't leave a half-started broker behind for the next run to trip over.
      cmd_stop
      die "broker not serving clients after ${KAFKA_START_TIMEOUT}s (see $LOG_DIR/server.log)"
    fi
    sleep 1
  done
}

show_log_tail() {
  log "---- tail of $KAFKA_OUT ----"
  tail -n 20 "$KAFKA_OUT" >&2 2>/dev/null || true
  log "---- tail of $LOG_DIR/server.log ----"
  tail -n 40 "$LOG_DIR/server.log" >&2 2>/dev/null || true
}

# ----------------------------------------------------------------- stop ----
cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "Stopping broker (pid $pid)"
  local t0=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  # SIGTERM triggers Kafka's clean shutdown (flushes logs, so the next start
  # skips log recovery). Give it up to 60s before forcing.
  while kill -0 "$pid" 2>/dev/null; do
    if [ $((SECONDS - t0)) -ge 60 ]; then
      log "still alive after 60s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  # Reap / wait for the kernel to release it after SIGKILL.
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$PID_FILE"
  log "stopped after $((SECONDS - t0))s"
}

# --------------------------------------------------------------- status ----
cmd_status() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    return 1
  fi
  [ -f "$FETCH_MARKER" ] || { log "running (pid $pid) but Kafka $KAFKA_VERSION libs missing to probe it"; return 2; }
  if probe; then
    log "running and serving on 127.0.0.1:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  log "process running (pid $pid) but not serving clients on 127.0.0.1:$KAFKA_PORT"
  return 2
}

# ----------------------------------------------------------------- wipe ----
cmd_wipe() {
  cmd_stop
  case "$KAFKA_DATA_DIR" in
    "" | "/") die "refusing to delete '$KAFKA_DATA_DIR'" ;;
  esac
  log "Deleting $KAFKA_DATA_DIR"
  rm -rf "$KAFKA_DATA_DIR"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wipe) cmd_wipe ;;
  *)
    echo "usage: $0 {fetch|start|stop|status|wipe}" >&2
    exit 64
    ;;
esac
