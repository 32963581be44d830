#!/usr/bin/env bash
# `make demo`: the embedded default end to end, no Kafka cluster needed.
# Starts the development broker, generates a synthetic clickstream, feeds it into Kafka, reads it back, and
# replays it through the learning core (test-then-train) with and without meta-learning.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.build/release/warmstart
events=${DEMO_EVENTS:-100000}
work=$(mktemp -d)
trap 'kill $broker 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. development broker (librdkafka mock cluster, real Kafka protocol on loopback)"
"$bin" dev-broker --brokers 3 --topic warmstart.events:8 --topic warmstart.scores:8 \
    --bootstrap-file "$work/bootstrap" 2>"$work/broker.log" >/dev/null &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")
echo "bootstrap servers: $bootstrap"

step "2. synthetic clickstream: 5,000 users in 8 taste clusters, 2,000 items, $events events"
"$bin" generate --users 5000 --items 2000 --events "$events" --clusters 8 --seed 7 --output "$work/events.jsonl"
head -2 "$work/events.jsonl"

step "3. feed it into Kafka, keyed by user id"
"$bin" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/events.jsonl"

step "4. read it back from all 8 partitions"
"$bin" tail --bootstrap "$bootstrap" --topic warmstart.events --from-beginning --count "$events" --quiet

step "5. learn from the stream, test-then-train: every event is scored before it is learned"
"$bin" replay --input "$work/events.jsonl" --format jsonl --objective ranking --report "$work/meta.json"
step "   the same without meta-learning (the shared initialization stays frozen)"
"$bin" replay --input "$work/events.jsonl" --format jsonl --objective ranking --no-meta --report "$work/nometa.json"

python3 - "$work/meta.json" "$work/nometa.json" <<'PY'
import json, sys
meta, base = (json.load(open(p)) for p in sys.argv[1:3])
print("\nHR@10 (share of events whose item was in the top 10 before it was learned)")
print(f"{'bucket':>8} {'meta':>8} {'no-meta':>8}")
for bucket in ("1-5", "6-20", "21+"):
    print(f"{bucket:>8} {meta['buckets'][bucket]['hr_at_10']:8.4f} {base['buckets'][bucket]['hr_at_10']:8.4f}")
print(f"{'overall':>8} {meta['hr_at_10']:8.4f} {base['hr_at_10']:8.4f}")
PY
