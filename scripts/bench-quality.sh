#!/usr/bin/env bash
# The quality scoreboard (issue 13): every provided stream (ML-100K ranking and rating, YOOCHOOSE, Taobao-815, the
# demo's synthetic stream) replayed with the defaults, --no-meta, the served retrieval and full retrieval, one table
# per stream and bucket next to the baselines of BASELINES.md. Repeats (items the user has seen) are not scored.
# Usage: scripts/bench-quality.sh [--datasets DIR] [--baselines FILE] [--only NAME[,NAME]] [--json FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product warmstart >/dev/null
start=$(date +%s)
python3 scripts/bench-quality.py "$@"
echo
echo "bench-quality: $(( $(date +%s) - start )) s, $(nproc) cores, $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')"
