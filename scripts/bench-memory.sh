#!/usr/bin/env bash
# Bounded memory: warmstartd with a cap on the users held in memory (state.max_users_in_memory), fed a stream with
# far more distinct users than the cap, at a steady rate, while its resident memory is sampled.
# Usage: scripts/bench-memory.sh [USERS] [EVENTS] [CAP] [RATE] [PARTITIONS] [BACKLOG] [STEADY_SECONDS]
# 1. the steady run: EVENTS events of USERS distinct users fed at RATE events/s; RSS, users in memory, evictions
#    and reloads sampled every 10 s (the model's statistics grow toward their bound meanwhile);
# 2. resident bytes per in-memory user: the final state restored by three daemons that hold 1, CAP and every user,
#    RSS compared after the restore (the same model in each, so the difference is the users);
# 3. the throughput cost of reloads: a BACKLOG of returning users' events processed from that state by a daemon
#    with the cap (most users must be reloaded from the store) and by one holding every user in memory;
# 4. the 10-minute run on a warm state: the capped state of 3 (model statistics near their bound, the cap full)
#    restarted and fed a further stream over the same users at RATE (or $STEADY_RATE) for STEADY_SECONDS (default
#    600), RSS sampled every 10 s: it must stay flat.
set -euo pipefail
cd "$(dirname "$0")/.."

users=${1:-2000000}
events=${2:-3000000}
cap=${3:-200000}
rate=${4:-5000}
partitions=${5:-64}
backlog=${6:-200000}
steady=${7:-600}
steady_rate=${STEADY_RATE:-$rate}
bin=.build/release
port=19466
[ -x "$bin/warmstartd" ] || swift build -c release >/dev/null
work=$(mktemp -d)
cleanup() {
    [ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null || true
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
    [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null || true
    wait 2>/dev/null || true
    [ -n "${KEEP_WORK:-}" ] && { echo "kept $work"; return; }
    rm -rf "$work"
}
trap cleanup EXIT

# Messages without side features (~70 bytes): the mock broker keeps ~5 MB per partition, so the whole stream fits.
"$bin/warmstart" dev-broker --topic "warmstart.events:$partitions" --topic "warmstart.scores:$partitions" \
    --topic warmstart.dead-letter:1 --topic warmstart.model:1 --bootstrap-file "$work/bootstrap" >/dev/null 2>&1 &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")
"$bin/warmstart" generate --users "$users" --items 10000 --events "$events" --seed 5 --no-features \
    --output "$work/events.jsonl" 2>/dev/null
# Returning users: another stream over the same user ids (u1…), which the first one has all seen.
"$bin/warmstart" generate --users "$users" --items 10000 --events "$backlog" --seed 6 --no-features \
    --output "$work/backlog.jsonl" 2>/dev/null
"$bin/warmstart" generate --users "$users" --items 10000 --events $((steady_rate * steady)) --seed 7 --no-features \
    --output "$work/steady.jsonl" 2>/dev/null

start_daemon() { # state-directory cap group
    "$bin/warmstartd" --config config/warmstartd.yaml --set kafka.bootstrap_servers="$bootstrap" \
        --set kafka.group_id="$3" --set http.address=127.0.0.1:$port --set state.directory="$1" \
        --set state.max_users_in_memory="$2" --set kafka.properties.session.timeout.ms=6000 \
        --set logging.level=warning ${WARMSTARTD_FLAGS:-} 2>>"$work/warmstartd.log" &
    daemon=$!
    for _ in $(seq 1200); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return; sleep 0.1; done
    echo "warmstartd did not become ready" >&2; tail -20 "$work/warmstartd.log" >&2; exit 1
}
stop_daemon() {
    kill -TERM "$daemon"; wait "$daemon" || true; daemon=""
}
metric() { # name → sum over labels
    curl -s "http://127.0.0.1:$port/metrics" | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.0f", s }'
}
rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$daemon/status"; }
columns="seconds,processed,lag,rss_mib,model_mib,users_in_memory,evicted,reloaded,evicted_unsaved"
sample() { # t0 → one CSV line of $columns
    printf "%.0f,%s,%s,%.1f,%.1f,%s,%s,%s,%s\n" "$(echo "$(date +%s.%N) - $1" | bc)" \
        "$(metric warmstart_events_processed_total)" "$(metric warmstart_consumer_lag)" \
        "$(echo "$(rss_kb) / 1024" | bc -l)" "$(echo "$(metric warmstart_model_bytes) / 1048576" | bc -l)" \
        "$(metric warmstart_users_in_memory)" \
        "$(metric warmstart_users_evicted_total)" "$(metric warmstart_users_reloaded_total)" \
        "$(metric warmstart_users_evicted_unsaved)"
}
wait_processed() { # count
    while true; do
        p=$(metric warmstart_events_processed_total); lag=$(metric warmstart_consumer_lag)
        if [ "$p" -ge "$1" ] && [ "$lag" -eq 0 ]; then break; fi
        sleep 0.2
    done
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "stream: $events events of $users distinct users (seed 5), 10000 items, $partitions partitions, fed at $rate events/s; cap $cap users"

# 1. The steady run.
start_daemon "$work/state" "$cap" bench-memory
t0=$(date +%s.%N)
"$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/events.jsonl" \
    --rate "$rate" >"$work/produce.log" 2>&1 &
feeder=$!
echo "$columns" | tee "$work/samples.csv"
while true; do
    line=$(sample "$t0")
    echo "$line" | tee -a "$work/samples.csv"
    IFS=, read -r _ p lag _ <<<"$line"
    if [ "$p" -ge "$events" ] && [ "$lag" -eq 0 ]; then break; fi
    sleep 10
done
wait "$feeder"; feeder=""
t1=$(date +%s.%N)
stop_daemon
python3 - "$work/samples.csv" "$cap" "$events" "$t0" "$t1" <<'PY'
import csv, sys
rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(sys.argv[1]))]
cap, events = int(sys.argv[2]), int(sys.argv[3])
seconds = float(sys.argv[5]) - float(sys.argv[4])
full = next((r for r in rows if r["users_in_memory"] >= 0.9 * cap), None)
print(f"steady run: {events:,} events in {seconds:.0f} s ({events / seconds:,.0f} events/s as fed); "
      f"evicted {rows[-1]['evicted']:,.0f}, reloaded {rows[-1]['reloaded']:,.0f}; "
      f"users in memory at most {max(r['users_in_memory'] for r in rows):,.0f}")
if full:
    after = [r for r in rows if r["seconds"] >= full["seconds"]]
    rss = [r["rss_mib"] for r in after]
    half = [r["rss_mib"] for r in after if r["seconds"] >= (after[0]["seconds"] + after[-1]["seconds"]) / 2]
    print(f"cap reached at {full['seconds']:.0f} s; RSS from then on: min {min(rss):.0f} MiB, max {max(rss):.0f} MiB, "
          f"first {rss[0]:.0f}, last {rss[-1]:.0f} over {after[-1]['seconds'] - full['seconds']:.0f} s; "
          f"second half of that span: {min(half):.0f}-{max(half):.0f} MiB")
    # The model's statistics grow toward their configured bound while the stream warms them up; the rest of the
    # process (users under the cap, buffers, caches) is what must stay flat.
    rest = [r["rss_mib"] - r["model_mib"] for r in after if r["model_mib"] > 0]
    if rest:
        print(f"model (warmstart_model_bytes): {after[0]['model_mib']:.0f} -> {after[-1]['model_mib']:.0f} MiB; "
              f"RSS minus the model from the cap on: min {min(rest):.0f}, max {max(rest):.0f}, first {rest[0]:.0f}, "
              f"last {rest[-1]:.0f} MiB")
PY
cp -r "$work/state" "$work/state-1"; cp -r "$work/state" "$work/state-cap"; cp -r "$work/state" "$work/state-all"
rm -rf "$work/state"

# 2. Bytes per in-memory user: restore the final state holding 1, CAP and every user (no events arrive meanwhile).
restored_rss() { # state cap group → sets rss and users
    start_daemon "$1" "$2" "$3"
    sleep 5
    rss=$(rss_kb); users_held=$(metric warmstart_users_in_memory)
    stop_daemon
}
restored_rss "$work/state-1" 1 bench-memory-1; rss1=$rss; users1=$users_held
restored_rss "$work/state-cap" "$cap" bench-memory-cap; rsscap=$rss; userscap=$users_held
restored_rss "$work/state-all" 0 bench-memory-all; rssall=$rss; usersall=$users_held
python3 - "$rss1" "$users1" "$rsscap" "$userscap" "$rssall" "$usersall" "$cap" <<'PY'
import sys
r1, u1, rc, uc, ra, ua, cap = map(int, sys.argv[1:])
print(f"restored: {u1:,} user RSS {r1 / 1024:.0f} MiB; {uc:,} users {rc / 1024:.0f} MiB; {ua:,} users {ra / 1024:.0f} MiB")
print(f"bytes per in-memory user: {(rc - r1) * 1024 / max(uc - u1, 1):,.0f} (cap vs 1 user), "
      f"{(ra - rc) * 1024 / max(ua - uc, 1):,.0f} (all vs cap)")
print(f"the cap's users cost {(rc - r1) / 1024:.1f} MiB of RSS; budget at 512 bytes per user: {cap * 512 / 2**20:.1f} MiB")
PY

# 3. The throughput cost of reloads: the backlog of returning users from the same state, capped and uncapped.
"$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/backlog.jsonl" \
    >"$work/produce-backlog.log" 2>&1
for variant in cap all; do
    limit=$([ "$variant" = cap ] && echo "$cap" || echo 0)
    start_daemon "$work/state-$variant" "$limit" "bench-memory-backlog-$variant"
    b0=$(date +%s.%N)
    wait_processed "$backlog"
    b1=$(date +%s.%N)
    reloaded=$(metric warmstart_users_reloaded_total); resident=$(metric warmstart_users_in_memory)
    stop_daemon
    python3 -c "print(f'backlog, cap {$limit or \"none\"}: $backlog events in {$b1 - $b0:.2f} s = {$backlog / ($b1 - $b0):,.0f} events/s; {$reloaded:,} users reloaded, {$resident:,} in memory at the end')"
done

# 4. The 10-minute run on the warm, capped state.
start_daemon "$work/state-cap" "$cap" bench-memory-steady
t0=$(date +%s.%N)
"$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$work/steady.jsonl" \
    --rate "$steady_rate" >"$work/produce-steady.log" 2>&1 &
feeder=$!
echo "$columns" | tee "$work/steady.csv"
while kill -0 "$feeder" 2>/dev/null; do
    sample "$t0" | tee -a "$work/steady.csv"
    sleep 10
done
wait "$feeder"; feeder=""
stop_daemon
python3 - "$work/steady.csv" <<'PY'
import csv, sys
rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(sys.argv[1]))]
# From the first sample after the restore's first minute, when the daemon has caught up with the feed.
rows = [r for r in rows if r["seconds"] >= 60]
if len(rows) < 2:
    sys.exit("the steady run is too short to measure a trend (STEADY_SECONDS of at least 120)")
xs = [r["seconds"] / 60 for r in rows]
ys = [r["rss_mib"] for r in rows]
n = len(xs)
mx, my = sum(xs) / n, sum(ys) / n
slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
first = [r["rss_mib"] for r in rows if r["seconds"] < rows[0]["seconds"] + 60]
last = [r["rss_mib"] for r in rows if r["seconds"] > rows[-1]["seconds"] - 60]
print(f"10-minute run on the warm state: {rows[-1]['processed']:,.0f} events, users in memory at most "
      f"{max(r['users_in_memory'] for r in rows):,.0f}, evicted {rows[-1]['evicted']:,.0f}, reloaded {rows[-1]['reloaded']:,.0f}")
print(f"RSS from minute 1 to {rows[-1]['seconds'] / 60:.1f}: min {min(ys):.0f} MiB, max {max(ys):.0f} MiB, "
      f"first minute {sum(first) / len(first):.0f}, last minute {sum(last) / len(last):.0f}, "
      f"trend {slope:+.2f} MiB/min; model {rows[0]['model_mib']:.1f} -> {rows[-1]['model_mib']:.1f} MiB")
PY
