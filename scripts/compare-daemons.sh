#!/usr/bin/env bash
# Two warmstartd builds side by side on one preloaded topic: wall time and CPU time to learn it, per thread.
# Usage: scripts/compare-daemons.sh OLD_BIN_DIR NEW_BIN_DIR [PAIRS] [EVENTS] [USERS] [ITEMS] [PARTITIONS]
# The events are produced once, before any daemon runs; then each pair runs the old and the new daemon in turn
# (alternating which goes first), each with a fresh group and state directory, reading the topic from its start
# until it has processed every event with lag 0. Reports per run: wall seconds, events/s, the process's CPU
# seconds and events per CPU-second, and the CPU seconds of its busiest threads by name; then the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?old bin dir}; new=${2:?new bin dir}
pairs=${3:-3}; events=${4:-200000}; users=${5:-50000}; items=${6:-5000}; partitions=${7:-16}
port=19467
work=$(mktemp -d)
cleanup() {
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
    [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$new/warmstart" dev-broker --topic "warmstart.events:$partitions" --topic "warmstart.scores:$partitions" \
    --topic warmstart.dead-letter:1 --topic warmstart.model:1 --bootstrap-file "$work/bootstrap" >/dev/null 2>&1 &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")
"$new/warmstart" generate --users "$users" --items "$items" --events "$events" --seed 3 --output "$work/events.jsonl" \
    2>/dev/null
"$new/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/events.jsonl" \
    >/dev/null 2>&1

metric() { # name → sum over labels
    curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.0f", s }'
}
run() { # label bin run-number → one result line
    local label=$1 bin=$2 n=$3
    "$bin/warmstartd" --config config/warmstartd.yaml --set kafka.bootstrap_servers="$bootstrap" \
        --set kafka.group_id="cmp-$label-$n" --set http.address=127.0.0.1:$port \
        --set state.directory="$work/state-$label-$n" --set logging.level=warning \
        --set kafka.properties.auto.offset.reset=earliest 2>"$work/$label-$n.log" &
    daemon=$!
    local t0; t0=$(date +%s.%N)
    for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
    while true; do
        local p lag
        p=$(metric warmstart_events_processed_total); lag=$(metric warmstart_consumer_lag)
        [ "$p" -ge "$events" ] && [ "$lag" -eq 0 ] && break
        sleep 0.1
    done
    local t1; t1=$(date +%s.%N)
    # Per-thread CPU (utime + stime, clock ticks) by thread name, then the whole process.
    local threads
    threads=$(for task in /proc/$daemon/task/*; do
        awk '{ sub(/^[^)]*\) /, ""); print $12 + $13 }' "$task/stat" | tr '\n' ' '
        tr ' ' '_' <"$task/comm"; echo
    done | awk '{ t[$2] += $1 } END { for (n in t) printf "%s=%.2f\n", n, t[n] / 100 }' | sort -t= -k2 -rn | head -4 | tr '\n' ' ')
    local cpu
    cpu=$(awk '{ sub(/^[^)]*\) /, ""); printf "%.2f", ($12 + $13) / 100 }' /proc/$daemon/stat)
    kill -TERM "$daemon"; wait "$daemon" || true; daemon=""
    python3 -c "
w = $t1 - $t0; c = $cpu
print(f'$label run $n: {w:.2f} s wall, {$events / w:,.0f} events/s, {c:.2f} CPU s, {$events / c:,.0f} events/CPU-s; $threads')"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "stream: $events events, $users users, $items items, $partitions partitions, preloaded; old=$old new=$new"
for i in $(seq "$pairs"); do
    if [ $((i % 2)) -eq 1 ]; then run old "$old" "$i"; run new "$new" "$i"; else run new "$new" "$i"; run old "$old" "$i"; fi
done | tee "$work/results"
python3 - "$work/results" <<'PY'
import re, statistics, sys
rows = {"old": [], "new": []}
for line in open(sys.argv[1]):
    m = re.match(r"(old|new) run \d+: ([\d.]+) s wall, .*?, ([\d.]+) CPU s", line)
    if m: rows[m.group(1)].append((float(m.group(2)), float(m.group(3))))
for k in ("old", "new"):
    w = statistics.median(r[0] for r in rows[k]); c = statistics.median(r[1] for r in rows[k])
    print(f"{k}: median {w:.2f} s wall, {c:.2f} CPU s")
ratios = [o[0] / n[0] for o, n in zip(rows["old"], rows["new"])]
cpu = [o[1] / n[1] for o, n in zip(rows["old"], rows["new"])]
print("speed new/old per pair (wall):", " ".join(f"{r:.3f}" for r in ratios), f"median {statistics.median(ratios):.3f}")
print("efficiency new/old per pair (CPU):", " ".join(f"{r:.3f}" for r in cpu), f"median {statistics.median(cpu):.3f}")
PY
