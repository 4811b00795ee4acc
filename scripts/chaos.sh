#!/usr/bin/env bash
# The chaos run of docs/reliability.md: the closed loop for [minutes] (default 10) on a broker and
# a Postgres of its own while services are SIGKILLed every 20-40 s and the broker and Postgres
# crash once each; prints faults and recovery times, loop completions, and the account of
# records, predictions and duplicates. See bench/chaos.mts.
#   bash scripts/chaos.sh [minutes]
set -euo pipefail
exec bash "$(dirname "$0")/../bench/run.sh" chaos "$@"
