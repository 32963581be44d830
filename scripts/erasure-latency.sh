#!/usr/bin/env bash
# Erasure latency under load: warmstartd learns a stream fed at RATE events/s while `warmstart forget` requests
# the erasure of COUNT users, one every INTERVAL seconds; prints the percentiles of request → complete (the
# request message's timestamp to the erasure durable in the store, the write-ahead log truncated and the tombstone
# acknowledged: the daemon's "erased a user" lines, since_request_seconds), of handled → complete (seconds) and of
# the wait in the learner's queue (consumed → handled, queued_seconds).
# Usage: scripts/erasure-latency.sh [COUNT] [RATE] [EVENTS] [USERS] [PARTITIONS] [INTERVAL]
# REQUESTS=warm sends the requests from one long-lived producer instead of one `warmstart forget` process each.
set -euo pipefail
cd "$(dirname "$0")/.."

count=${1:-100}
rate=${2:-10000}
events=${3:-400000}
users=${4:-50000}
partitions=${5:-8}
interval=${6:-0.2}
bin=${BIN:-.build/release}
port=19466
[ -x "$bin/warmstartd" ] || swift build -c release >/dev/null
work=$(mktemp -d)
cleanup() {
    [ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null || true
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
    [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/warmstart" dev-broker --topic "warmstart.events:$partitions" --topic "warmstart.scores:$partitions" \
    --topic "warmstart.erasure:$partitions" --topic warmstart.dead-letter:1 --topic warmstart.model:1 \
    --bootstrap-file "$work/bootstrap" >/dev/null 2>&1 &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")
"$bin/warmstart" generate --users "$users" --items 5000 --events "$events" --seed 5 --output "$work/events.jsonl" 2>/dev/null

"$bin/warmstartd" --config config/warmstartd.yaml --set kafka.bootstrap_servers="$bootstrap" \
    --set http.address=127.0.0.1:$port --set state.directory="$work/state" --set topics.erasure=warmstart.erasure \
    --set kafka.properties.session.timeout.ms=6000 --set logging.level=info --set logging.priority_prefix=never \
    ${WARMSTARTD_FLAGS:-} 2>"$work/warmstartd.log" &
daemon=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
metric() { # name → sum over labels
    curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.0f", s }'
}

echo "machine: $(nproc) cores; stream fed at $rate events/s ($users users, $partitions partitions); $count erasures"
"$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/events.jsonl" \
    --rate "$rate" >"$work/produce.log" 2>&1 &
feeder=$!
sleep 5  # learning is under way (users to erase exist, checkpoints run)
# Users of the stream, in the order they appear: each erased once.
python3 -c '
import json, sys
seen = []
for line in open(sys.argv[1]):
    u = json.loads(line)["user"]
    if u not in seen:
        seen.append(u)
        if len(seen) == int(sys.argv[2]): break
print("\n".join(seen))' "$work/events.jsonl" "$count" >"$work/users"
if [ "${REQUESTS:-forget}" = warm ]; then
    # One long-lived producer sends the requests (keyed like `forget`, same partitioner): the timestamps then leave
    # out a new client's start-up (bootstrap, metadata, the idempotent producer's id) that each `forget` pays.
    # The value is not read: the first event of each user serves as the request (keyed by the user).
    python3 -c '
import json, sys
wanted, out = set(open(sys.argv[1]).read().split()), {}
for line in open(sys.argv[2]):
    u = json.loads(line)["user"]
    if u in wanted and u not in out: out[u] = line.rstrip()
for u in open(sys.argv[1]).read().split(): print(out[u])' "$work/users" "$work/events.jsonl" >"$work/requests.jsonl"
    "$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.erasure --input "$work/requests.jsonl" \
        --rate "$(python3 -c "print(1 / $interval)")" >/dev/null
else
    while read -r user; do
        "$bin/warmstart" forget --bootstrap "$bootstrap" --user "$user" >/dev/null
        sleep "$interval"
    done <"$work/users"
fi
processed=$(metric warmstart_events_processed_total)
for _ in $(seq 600); do [ "$(metric warmstart_erasures_total)" -ge "$count" ] && break; sleep 0.1; done
if [ "$(metric warmstart_erasures_total)" -lt "$count" ]; then
    echo "not every erasure completed; the daemon's log ends:" >&2; tail -20 "$work/warmstartd.log" >&2
fi
echo "events processed while erasing: $processed; erasures completed: $(metric warmstart_erasures_total); skipped events of erased users: $(metric warmstart_erased_events_skipped_total); backpressure pauses: $(metric warmstart_backpressure_pauses_total); checkpoints: $(metric warmstart_checkpoints_total); meta-updates: $(metric warmstart_meta_updates_total)"
python3 - "$work/warmstartd.log" <<'PY'
import re, sys
since, handled, queued = [], [], []
for line in open(sys.argv[1]):
    if 'msg="erased a user"' not in line and "msg=erased" not in line:
        continue
    m = re.search(r"since_request_seconds=([0-9.eE+-]+)", line)
    h = re.search(r"(?<![a-z_])seconds=([0-9.eE+-]+)", line)
    q = re.search(r"queued_seconds=([0-9.eE+-]+)", line)
    if m: since.append(float(m.group(1)))
    if q: queued.append(float(q.group(1)))
    if h: handled.append(float(h.group(1)))
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
for name, values in (("request → complete", since), ("handled → complete", handled),
                     ("consumed → handled (learner queue)", queued)):
    if not values:
        print(f"{name}: no samples"); continue
    print(f"{name}: n={len(values)} p50={pct(values, 50) * 1000:.0f} ms p99={pct(values, 99) * 1000:.0f} ms max={max(values) * 1000:.0f} ms")
PY
