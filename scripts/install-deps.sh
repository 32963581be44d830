#!/usr/bin/env bash
# Installs the Debian packages Warmstart needs to build and test, when they are missing.
# Safe to run repeatedly; runs apt-get only when something is absent. Needs root (or sudo) for the install.
set -euo pipefail

need=()
pkg-config --exists rdkafka 2>/dev/null || need+=(librdkafka-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
command -v kcat >/dev/null 2>&1 || need+=(kcat)
# The tests check ops/prometheus/warmstart.rules.yml with Prometheus's own promtool.
command -v promtool >/dev/null 2>&1 || need+=(prometheus)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

echo "installing: ${need[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
