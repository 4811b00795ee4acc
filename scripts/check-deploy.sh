#!/usr/bin/env bash
# Offline checks of the ops surfaces in deploy/ (no network, no cluster, no Docker):
#   1. Prometheus: promtool check config (both scrape configs), check rules, test rules
#      (deploy/prometheus/alerts.test.yml);
#   2. Grafana: every dashboard JSON parses, has what Grafana needs, queries the templated
#      Prometheus data source, and names only metrics and labels the code exports (the alert
#      rules too);
#   3. Kubernetes: renders deploy/k8s/base and each overlay (offline kustomize subset; compared
#      with `kubectl kustomize` when kubectl is on PATH), validates every object against the
#      Kubernetes OpenAPI schema and for unknown fields, and checks the manifests against the
#      services' ports, probes, env keys and volumes.
# Exits non-zero on the first failing promtool step or on any problem of 2-3. See docs/deploy.md.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$MLOPS_ROOT"

if ! command -v promtool >/dev/null; then
  echo "[check-deploy] promtool is missing: run scripts/setup.sh (Debian package prometheus)" >&2
  exit 1
fi
echo "[check-deploy] $(promtool --version 2>&1 | head -1 | cut -d' ' -f1-3)"
promtool_step() {
  local what=$1
  shift
  local out
  if out=$(promtool "$@" 2>&1); then
    echo "  ok    $what"
  else
    echo "  FAIL  $what"
    printf '%s\n' "$out" | sed 's/^/        /'
    exit 1
  fi
}
promtool_step "promtool check config prometheus.yml" check config deploy/prometheus/prometheus.yml
promtool_step "promtool check config prometheus.local.yml" check config deploy/prometheus/prometheus.local.yml
promtool_step "promtool check rules alerts.yml" check rules deploy/prometheus/alerts.yml
promtool_step "promtool test rules alerts.test.yml" test rules deploy/prometheus/alerts.test.yml

node scripts/check-deploy/main.mjs
echo "[check-deploy] ok"
