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
#      services' ports, probes, env keys and volumes;
#   4. compose, the scrape configs and the Dockerfile: every service (the console too) built,
#      published, wired to its upstreams, scraped, and given only the keys and tokens it may read.
# Exits non-zero on the first failing promtool step or on any problem of 2-4. See docs/deploy.md.
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
# promtool also checks that a scrape job's authorization credentials_file exists, and the token
# exists only where Prometheus runs (compose's volume auth at /auth, var/auth of
# scripts/platform.sh). So the configs are checked as copies, next to a copy of alerts.yml, with
# credentials_file pointing at a placeholder token; main.mjs checks the real paths.
promtool_tmp=$(mktemp -d)
trap 'rm -rf "$promtool_tmp"' EXIT
cp deploy/prometheus/*.yml "$promtool_tmp/"
echo placeholder >"$promtool_tmp/prometheus.token"
for config in prometheus.yml prometheus.local.yml; do
  if ! grep -qE '^[[:space:]]+credentials_file:' "$promtool_tmp/$config"; then
    echo "  FAIL  $config: no credentials_file (block style) in the mlops job: /metrics needs a token" >&2
    exit 1
  fi
  sed -i -E "s#^([[:space:]]+credentials_file:).*#\1 $promtool_tmp/prometheus.token#" "$promtool_tmp/$config"
done
promtool_step "promtool check config prometheus.yml" check config "$promtool_tmp/prometheus.yml"
promtool_step "promtool check config prometheus.local.yml" check config "$promtool_tmp/prometheus.local.yml"
promtool_step "promtool check rules alerts.yml" check rules deploy/prometheus/alerts.yml
promtool_step "promtool test rules alerts.test.yml" test rules deploy/prometheus/alerts.test.yml

node scripts/check-deploy/main.mjs
echo "[check-deploy] ok"
