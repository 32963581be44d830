#!/usr/bin/env bash
# `make demo`: the main job on the embedded default, no Kafka cluster needed.
# Starts the development broker and warmstartd, feeds a synthetic clickstream it has never seen into Kafka while
# it runs, shows it learning live (from its /metrics), stops it gracefully, and compares with and without
# meta-learning offline on the same stream.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=.build/release
events=${DEMO_EVENTS:-60000}
rate=${DEMO_RATE:-3000}
port=${DEMO_HTTP_PORT:-19464}
work=$(mktemp -d)
cleanup() {
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
    [ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null || true
    [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. development broker: librdkafka's mock cluster, real Kafka protocol on loopback"
"$bin/warmstart" dev-broker --brokers 3 --topic warmstart.events:8 --topic warmstart.scores:8 \
    --topic warmstart.dead-letter:1 --topic warmstart.model:1 \
    --bootstrap-file "$work/bootstrap" 2>"$work/broker.log" >/dev/null &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")
echo "bootstrap servers: $bootstrap"

step "2. warmstartd: joins the consumer group, learns, publishes per-user top-10 scores"
"$bin/warmstartd" --config config/warmstartd.yaml \
    --set kafka.bootstrap_servers="$bootstrap" \
    --set http.address=127.0.0.1:$port \
    --set state.directory="$work/state" \
    --set kafka.properties.session.timeout.ms=6000 \
    2>"$work/warmstartd.log" &
daemon=$!
for _ in $(seq 200); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "$daemon" 2>/dev/null || { cat "$work/warmstartd.log"; exit 1; }
    sleep 0.1
done
echo "ready: $(curl -s "http://127.0.0.1:$port/readyz")   metrics: http://127.0.0.1:$port/metrics"

step "3. a synthetic clickstream it has not seen: 4,000 users in 8 taste clusters, 1,500 items, $events events"
"$bin/warmstart" generate --users 4000 --items 1500 --events "$events" --clusters 8 --seed 11 \
    --output "$work/events.jsonl" 2>/dev/null
head -1 "$work/events.jsonl"
"$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/events.jsonl" \
    --rate "$rate" >"$work/produce.log" 2>&1 &
feeder=$!

step "4. live view (fed at $rate events/s; quality is prequential: each event scored before it is learned)"
python3 scripts/live-view.py "http://127.0.0.1:$port/metrics" "$events" "$feeder"
wait "$feeder" && feeder=""
cat "$work/produce.log"

step "5. graceful shutdown (SIGTERM): finish in-flight events, publish pending refreshes, commit, leave"
kill -TERM "$daemon"
wait "$daemon" && echo "warmstartd exited 0"
daemon=""
grep -E 'msg="?(stopping|stopped)' "$work/warmstartd.log" | sed 's/^/  /'
echo "score messages published: $("$bin/warmstart" tail --bootstrap "$bootstrap" --topic warmstart.scores \
    --from-beginning --exit-at-end --quiet 2>/dev/null)"
echo "one of them:"
"$bin/warmstart" tail --bootstrap "$bootstrap" --topic warmstart.scores --from-beginning --count 1 2>/dev/null |
    python3 -c 'import json,sys; m=json.loads(sys.stdin.readline()); print("  key", m["key"], "->", m["value"][:300])'

step "6. what meta-learning buys on this stream (offline replay, same events, test-then-train)"
"$bin/warmstart" replay --input "$work/events.jsonl" --format jsonl --objective ranking \
    --report "$work/meta.json" >/dev/null
"$bin/warmstart" replay --input "$work/events.jsonl" --format jsonl --objective ranking --no-meta \
    --report "$work/nometa.json" >/dev/null
python3 - "$work/meta.json" "$work/nometa.json" <<'PY'
import json, sys
meta, base = (json.load(open(p)) for p in sys.argv[1:3])
print("HR@10: share of scored events whose item was in the user's top 10 just before the event was learned")
print("(an event on an item the user had already seen is a repeat: no served list shows it, so it is not scored)")
print(f"{'bucket':>10} {'events':>8} {'scored':>8} {'meta':>8} {'no-meta':>8}")
for bucket in ("1-5", "6-20", "21+"):
    m, b = meta['buckets'][bucket], base['buckets'][bucket]
    print(f"{bucket:>10} {m['events']:>8} {m['scored']:>8} {m['hr_at_10']:8.4f} {b['hr_at_10']:8.4f}")
print(f"{'overall':>10} {meta['events']:>8} {meta['scored']:>8} {meta['hr_at_10']:8.4f} {base['hr_at_10']:8.4f}")
print(f"replay speed: {meta['events_per_second']:,.0f} events/s")
PY
