#!/usr/bin/env bash
# warmstartd sustained throughput, next to kcat -C reading the same topic in the same run, and resident memory.
# Usage: scripts/bench-daemon.sh [EVENTS] [USERS] [ITEMS] [PARTITIONS] [LATENCY_SECONDS]
# 1. sustained events/s until lag is zero, next to kcat -C reading the same topic; resident memory per user;
# 2. event→publish latency (warmstart_event_to_publish_seconds) while fed at half the measured rate.
# WARMSTARTD_FLAGS adds daemon options, e.g. WARMSTARTD_FLAGS="--set learning.ranking.retrieval=full".
set -euo pipefail
cd "$(dirname "$0")/.."

events=${1:-300000}
users=${2:-100000}
items=${3:-10000}
partitions=${4:-32}
latency_seconds=${5:-30}
bin=${BIN:-.build/release}  # BIN=DIR: binaries of another build, e.g. to compare two builds in one session
port=19465
[ -x "$bin/warmstartd" ] || swift build -c release >/dev/null
work=$(mktemp -d)
cleanup() {
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
    [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/warmstart" dev-broker --topic "warmstart.events:$partitions" --topic "warmstart.scores:$partitions" \
    --topic "warmstart.latency:$partitions" --topic warmstart.dead-letter:1 --topic warmstart.model:1 \
    --bootstrap-file "$work/bootstrap" >/dev/null 2>&1 &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")

"$bin/warmstart" generate --users "$users" --items "$items" --events "$events" --seed 3 --output "$work/events.jsonl" 2>/dev/null

start_daemon() { # topic [group]
    "$bin/warmstartd" --config config/warmstartd.yaml --set kafka.bootstrap_servers="$bootstrap" \
        --set kafka.group_id="${2:-warmstartd}" \
        --set http.address=127.0.0.1:$port --set state.directory="$work/state" --set topics.events="$1" \
        --set kafka.properties.session.timeout.ms=6000 --set logging.level=warning ${WARMSTARTD_FLAGS:-} \
        2>"$work/warmstartd.log" &
    daemon=$!
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
    echo "warmstartd did not become ready" >&2; cat "$work/warmstartd.log" >&2; exit 1
}
metric() { # name → sum over labels
    curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.0f", s }'
}
wait_processed() { # count → seconds since $t0 when processed and lag is 0
    while true; do
        p=$(metric warmstart_events_processed_total); lag=$(metric warmstart_consumer_lag)
        if [ "$p" -ge "$1" ] && [ "$lag" -eq 0 ]; then break; fi
        sleep 0.2
    done
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "stream: $events events, $users users, $items items, $partitions partitions"

# 1. Throughput: the daemon is running, the events are fed as fast as produce can, until the lag is zero.
start_daemon warmstart.events
t0=$(date +%s.%N)
"$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/events.jsonl" >"$work/produce.log" 2>&1 &
feeder=$!
wait_processed "$events"
t1=$(date +%s.%N)
wait "$feeder"
rss_kb=$(awk '/VmRSS/ { print $2 }' /proc/$daemon/status)
cpu_s=$(awk '{ sub(/^[^)]*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' /proc/$daemon/stat)  # utime + stime
users_mem=$(metric warmstart_users_in_memory)
published=$(metric warmstart_scores_published_total)
kill -TERM "$daemon"; wait "$daemon" || true; daemon=""
k0=$(date +%s.%N)
kcat -C -b "$bootstrap" -t warmstart.events -o beginning -e -q >/dev/null
k1=$(date +%s.%N)
python3 - "$events" "$t0" "$t1" "$k0" "$k1" "$rss_kb" "$users_mem" "$published" "$cpu_s" <<'PY'
import sys
n, t0, t1, k0, k1, rss, users, published, cpu = sys.argv[1:]
n = int(n); d = float(t1) - float(t0); k = float(k1) - float(k0)
print(f"warmstartd: {n} events in {d:.2f} s = {n / d:,.0f} events/s (produce started at t0; processed, lag 0 at t1); {int(published):,} score messages")
print(f"warmstartd CPU: {float(cpu):.2f} s (user + system, whole process, until lag 0): {n / float(cpu):,.0f} events per CPU-second")
print(f"kcat -C -e: {n} messages in {k:.2f} s = {n / k:,.0f} msg/s")
print(f"ratio warmstartd/kcat: {(n / d) / (n / k):.3f}")
print(f"RSS {int(rss) / 1024:.0f} MiB with {int(users):,} users in memory: {int(rss) * 1024 / max(int(users), 1):,.0f} bytes per user (whole process)")
PY

# 2. Latency: a fresh daemon (own group, fresh state) on another topic, fed at half the sustained rate.
half=$(python3 -c "import sys; print(max(1, int($events / ($t1 - $t0) / 2)))")
count=$(python3 -c "print(min($events, $half * $latency_seconds))")
start_daemon warmstart.latency warmstartd-latency
"$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.latency --input "$work/events.jsonl" \
    --rate "$half" --limit "$count" >"$work/produce2.log" 2>&1
wait_processed "$count"
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics2.txt"; [ -n "${KEEP_METRICS:-}" ] && cp "$work/metrics2.txt" "$KEEP_METRICS"
kill -TERM "$daemon"; wait "$daemon" || true; daemon=""
python3 - "$work/metrics2.txt" "$half" "$count" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
buckets = sorted((float(le), float(v)) for le, v in re.findall(
    r'^warmstart_event_to_publish_seconds_bucket\{[^}]*le="([^"+]+)"[^}]*\}\s+(\S+)', text, re.M))
total = float(re.search(r'^warmstart_event_to_publish_seconds_count(?:\{[^}]*\})?\s+(\S+)', text, re.M).group(1))
def quantile(q):
    # The upper bound of the first bucket holding the q-quantile (Prometheus histogram, cumulative counts).
    for le, cumulative in buckets:
        if cumulative >= q * total:
            return le
    return float("inf")
print(f"latency at half rate: fed {int(sys.argv[3]):,} events at {int(sys.argv[2]):,} events/s; "
      f"{total:,.0f} score publishes observed")
print(f"event->publish p50 <= {quantile(0.5) * 1000:.0f} ms, p99 <= {quantile(0.99) * 1000:.0f} ms, "
      f"p99.9 <= {quantile(0.999) * 1000:.0f} ms (histogram bucket upper bounds)")
PY
