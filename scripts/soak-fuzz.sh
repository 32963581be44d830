#!/usr/bin/env bash
# The long bad-input soak: ProcessingFuzzTests with 1,000,000 mutated event messages (default; the suite runs
# 100,000) through the daemon's decode and learning steps, in a release build. Every message must end exactly once
# as learned or dead-lettered with the reason its mutation calls for; the per-mutation tallies are printed.
# Usage: scripts/soak-fuzz.sh [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
messages=${1:-1000000}
start=$(date +%s)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
WARMSTART_FUZZ_MESSAGES=$messages swift test -c release --filter 'ProcessingFuzzTests' >"$log" 2>&1 || status=$?
grep -E 'ProcessingFuzzTests:|^  [a-zA-Z]+:|✘|error:' "$log" || true
echo "soak-fuzz: $messages messages, exit $status, $(( $(date +%s) - start )) s (build included), $(nproc) cores"
exit "$status"
