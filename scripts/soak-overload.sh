#!/usr/bin/env bash
# The overload soak (issue 16): warmstartd fed at twice its sustained rate, then at half, then through a broker
# outage, on the development broker.
#   0. sustained rate R: what the daemon learns per second while fed faster than that (PRELOAD_RATE, 60 s);
#   1. overload: events produced at 2R for SECONDS — backpressure must hold memory (RSS flat within 10% once warm);
#   2. recovery: events at R/2 for 2 × SECONDS + 60 s — the lag must return to zero;
#   3. outage: events at R/2 for 180 s, every broker down from 60 s to 120 s (SIGUSR1/SIGUSR2 to dev-broker);
#   4. every user sends one last event; after a graceful stop, every user's latest score message must count all
#      of that user's events in the topic (nothing lost, nothing counted twice).
# The broker's log keeps ~5 MiB per partition: PARTITIONS must hold the largest backlog, or the soak is not valid.
# Usage: scripts/soak-overload.sh [SECONDS=600] [USERS=50000] [ITEMS=5000] [PARTITIONS=96] [CAP=20000]
# CAP is state.max_users_in_memory: users beyond it are evicted to the store, so memory is bounded by design.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
users=${2:-50000}
items=${3:-5000}
partitions=${4:-96}
cap=${5:-20000}
bin=.build/release
port=19466
swift build -c release >/dev/null 2>&1 || swift build -c release
work=$(mktemp -d)
cleanup() {
    [ -n "${sampler:-}" ] && kill "$sampler" 2>/dev/null || true
    [ -n "${feeder:-}" ] && kill "$feeder" 2>/dev/null || true
    [ -n "${daemon:-}" ] && kill "$daemon" 2>/dev/null || true
    [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
started=$(date +%s)
log() { echo "[$(( $(date +%s) - started )) s] $*"; }

"$bin/warmstart" dev-broker --topic "warmstart.events:$partitions" --topic "warmstart.scores:$partitions" \
    --topic warmstart.dead-letter:1 --topic warmstart.model:1 --bootstrap-file "$work/bootstrap" \
    >/dev/null 2>"$work/broker.log" &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")

"$bin/warmstartd" --config config/warmstartd.yaml --set kafka.bootstrap_servers="$bootstrap" \
    --set http.address=127.0.0.1:$port --set state.directory="$work/state" \
    --set state.max_users_in_memory="$cap" \
    --set logging.level=warning ${WARMSTARTD_FLAGS:-} 2>"$work/warmstartd.log" &
daemon=$!
for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || { echo "warmstartd not ready" >&2; cat "$work/warmstartd.log" >&2; exit 1; }

metric() { # name → sum over labels
    curl -s --max-time 5 "http://127.0.0.1:$port/metrics" |
        awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.0f", s }'
}
wait_drained() { # events → returns when that many are processed and the lag is zero
    while true; do
        p=$(metric warmstart_events_processed_total); lag=$(metric warmstart_consumer_lag)
        [ -n "$p" ] && [ -n "$lag" ] && [ "$p" -ge "$1" ] && [ "$lag" -eq 0 ] && return
        sleep 0.5
    done
}
# Large batches: the development broker finds a fetch's offset by walking the partition's list of message sets
# (librdkafka 2.0.2 `rd_kafka_mock_msgset_find`, "FIXME: Maintain an index"), so its fetches slow down with the
# number of batches a partition holds; a second of linger keeps that number in the thousands over the soak.
produce() { # file rate (0: as fast as possible) → runs in the background as $feeder
    local rate=()
    if [ "$2" -gt 0 ]; then rate=(--rate "$2"); fi
    "$bin/warmstart" produce --bootstrap "$bootstrap" --topic warmstart.events --input "$1" "${rate[@]}" \
        --property compression.type=lz4 --property linger.ms=1000 --property batch.num.messages=100000 \
        >>"$work/produce.log" 2>&1 &
    feeder=$!
}
phase() { echo "$1" >"$work/phase"; }
generate() { # events seed file
    "$bin/warmstart" generate --users "$users" --items "$items" --events "$1" --seed "$2" --no-features \
        --output "$3" 2>/dev/null
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "soak: $users users, $items items, $partitions partitions, cap $cap users in memory, overload $seconds s"

# 0. Sustained rate: what the daemon learns per second while a producer on the same machine feeds it faster than
# that (the producer and the broker share its cores, as they do in phases 1-3), measured over the second and third
# quarters of a 60-s feed at PRELOAD_RATE; then the backlog drains.
phase preload
preload_rate=${PRELOAD_RATE:-20000}
preload=$(( preload_rate * 60 ))
generate "$preload" 1 "$work/p0.jsonl"
produce "$work/p0.jsonl" "$preload_rate"
sleep 15; c0=$(metric warmstart_events_processed_total); t0=$(date +%s.%N)
sleep 30; c1=$(metric warmstart_events_processed_total); t1=$(date +%s.%N)
rate=$(python3 -c "print(int(($c1 - $c0) / ($t1 - $t0)))")
wait "$feeder"; feeder=""
log "sustained rate R = $rate events/s (learned while fed at $preload_rate events/s)"
[ "$rate" -lt "$preload_rate" ] || { echo "the feed did not saturate the daemon: raise PRELOAD_RATE" >&2; exit 1; }
wait_drained "$preload"

# Resident memory, lag and progress every 5 s, labelled by phase.
(
    while kill -0 "$daemon" 2>/dev/null; do
        rss=$(awk '/VmRSS/ { print $2 }' /proc/$daemon/status 2>/dev/null || echo 0)
        echo "$(date +%s) $(cat "$work/phase") $rss $(metric warmstart_consumer_lag) $(metric warmstart_events_processed_total) $(metric warmstart_users_in_memory) $(metric warmstart_model_bytes)"
        sleep 5
    done
) >"$work/samples" &
sampler=$!

# 1. Overload at 2R.
n1=$(( 2 * rate * seconds ))
generate "$n1" 2 "$work/p1.jsonl"
phase overload
log "overload: $n1 events at $(( 2 * rate )) events/s"
o0=$(metric warmstart_events_processed_total); ot0=$(date +%s)
produce "$work/p1.jsonl" $(( 2 * rate ))
wait "$feeder"; feeder=""
o1=$(metric warmstart_events_processed_total); ot1=$(date +%s)
log "overload done: lag $(metric warmstart_consumer_lag); learned $(( (o1 - o0) / (ot1 - ot0) )) events/s meanwhile"

# 2. Recovery at R/2: the backlog (about R × SECONDS) drains at about R/2, so 2 × SECONDS + 60 s of events.
phase recovery
n2=$(( rate / 2 * (2 * seconds + 60) ))
generate "$n2" 3 "$work/p2.jsonl"
produce "$work/p2.jsonl" $(( rate / 2 ))
recovery_start=$(date +%s)
recovered=""
while kill -0 "$feeder" 2>/dev/null; do
    if [ -z "$recovered" ] && [ "$(metric warmstart_consumer_lag)" -le $(( rate / 2 )) ]; then
        recovered=$(( $(date +%s) - recovery_start ))
        log "recovery: lag back to at most R/2 (one second of input) after $recovered s"
    fi
    sleep 1
done
wait "$feeder"; feeder=""
log "recovery done: lag $(metric warmstart_consumer_lag)"

# 3. Outage under load.
phase outage
n3=$(( rate / 2 * 180 ))
generate "$n3" 4 "$work/p3.jsonl"
produce "$work/p3.jsonl" $(( rate / 2 ))
sleep 60; kill -USR1 "$broker"; log "every broker down"
sleep 60; kill -USR2 "$broker"; log "every broker up"
wait "$feeder"; feeder=""

# 4. Every user's last event, then a graceful stop.
phase final
sleep 2
python3 - "$work" "$users" <<'PY'
import json, sys
work, users = sys.argv[1], int(sys.argv[2])
with open(f"{work}/p4.jsonl", "w") as f:
    for u in range(1, users + 1):
        f.write(json.dumps({"user": f"u{u}", "item": "i1", "kind": "click", "ts": 1999999999000 + u}) + "\n")
PY
produce "$work/p4.jsonl" 0
wait "$feeder"; feeder=""
# Drained: every event acknowledged to the producers learned, and the lag zero on every partition in three
# readings in a row (the daemon measures it against the high watermarks; a partition it does not own has no
# series, so all PARTITIONS series must be there: a daemon between a revocation and the next assignment owns none).
acknowledged=$(awk '/^produced/ { s += $6 } END { print s }' "$work/produce.log")
drain_deadline=$(( $(date +%s) + 3600 ))
zeros=0
while [ "$zeros" -lt 3 ]; do
    if [ "$(date +%s)" -gt "$drain_deadline" ]; then
        log "not drained within an hour: lag $(metric warmstart_consumer_lag), $(metric warmstart_events_processed_total) of $acknowledged events processed"
        break
    fi
    series=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | grep -c '^warmstart_consumer_lag{' || true)
    if [ "$(metric warmstart_consumer_lag)" = 0 ] && [ "$series" -eq "$partitions" ] \
        && [ "$(metric warmstart_events_processed_total)" -ge "$acknowledged" ]; then
        zeros=$(( zeros + 1 ))
    else
        zeros=0
    fi
    sleep 1
done
log "drained: $(metric warmstart_events_processed_total) events processed"
if grep '^produced' "$work/produce.log" | grep -vq ' 0 failed'; then
    log "a produce had delivery failures:"; cat "$work/produce.log"
fi
sleep 2
kill -TERM "$daemon"; status=0; wait "$daemon" || status=$?; daemon=""
log "warmstartd stopped, exit $status"
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""

"$bin/warmstart" tail --bootstrap "$bootstrap" --topic warmstart.scores --from-beginning --exit-at-end \
    >"$work/scores.jsonl" 2>/dev/null
# What the topic holds (a producer retrying through the outage may have written a batch twice: the development
# broker does not deduplicate idempotent producers): each message's partition, offset and key.
kcat -C -b "$bootstrap" -t warmstart.events -o beginning -e -q -f '%p %o %k\n' >"$work/events-read.txt"
python3 - "$work" "$status" "${recovered:-}" <<'PY'
import collections, json, sys
work, status, recovered = sys.argv[1], int(sys.argv[2]), sys.argv[3]
produced = collections.Counter()
for name in ("p0", "p1", "p2", "p3", "p4"):
    for line in open(f"{work}/{name}.jsonl"):
        produced[json.loads(line)["user"]] += 1
counts = collections.Counter()
first = {}
for line in open(f"{work}/events-read.txt"):
    partition, offset, key = line.split()
    counts[key] += 1
    first[partition] = min(first.get(partition, int(offset)), int(offset))
read = sum(counts.values())
dropped = sum(first.values())  # a partition whose oldest message is above offset 0 lost messages to the log bound
failed = [l for l in open(f"{work}/produce.log") if l.startswith("produced") and " 0 failed" not in l]
latest = {}
for line in open(f"{work}/scores.jsonl"):
    m = json.loads(line)
    if m.get("value") is None:
        continue
    v = json.loads(m["value"])
    latest[v["user"]] = v["user_events"]
wrong = {u: (latest.get(u), c) for u, c in counts.items() if latest.get(u) != c}
samples = [l.split() for l in open(f"{work}/samples") if len(l.split()) == 7]
extra = sum((counts - produced).values())
print(f"events produced: {sum(produced.values()):,}" + (f"; delivery failures: {failed}" if failed else
      ", every one acknowledged") + f"; in the topic: {read:,} ({extra:,} written twice by producer retries)"
      + ("" if dropped == 0 else f"; the broker dropped {dropped:,} (log bound): the soak is not valid"))
print(f"users: {len(counts):,}; latest score counts every event for {len(counts) - len(wrong):,}; wrong: {len(wrong):,}"
      + (f", e.g. {list(wrong.items())[:3]} (score, events)" if wrong else ""))
print(f"graceful stop exit status: {status}")
# The shared model (catalogue, co-occurrence rows) grows with the data, not with the backlog: its bytes are shown
# beside RSS (warmstart_model_bytes, updated at each checkpoint), and RSS less the model's growth since the first
# sample is what backpressure must hold flat.
print(f"{'phase':>10} {'samples':>8} {'RSS MiB min':>12} {'max':>8} {'max/min':>8} {'model MiB':>10} "
      f"{'less model':>10} {'lag max':>10} {'lag end':>10}")
by = collections.OrderedDict()
model0 = int(samples[0][6] or 0) / 2**20 if samples else 0
for t, phase, rss, lag, processed, mem, model in samples:
    by.setdefault(phase, []).append((int(t), int(rss) / 1024, int(lag or 0), int(model or 0) / 2**20))
flat = True
for phase, rows in by.items():
    # RSS once warm: the first fifth of the overload fills the caches and the user cap.
    warm = rows[len(rows) // 5:] if phase == "overload" else rows
    lo, hi = min(r[1] for r in warm), max(r[1] for r in warm)
    less = [r[1] - (r[3] - model0) for r in warm]
    ratio = max(less) / min(less)
    flat = flat and (phase == "final" or ratio <= 1.10)
    print(f"{phase:>10} {len(rows):>8} {lo:>12.0f} {hi:>8.0f} {hi / lo:>8.3f} {warm[-1][3]:>10.1f} {ratio:>10.3f} "
          f"{max(r[2] for r in rows):>10,} {rows[-1][2]:>10,}")
print(f"RSS less the model's growth within 10% in the overload (once warm), recovery and outage: {flat}")
print("lag back to at most one second of input during the recovery phase: "
      + (f"after {recovered} s" if recovered else "no"))
ok = not failed and dropped == 0 and not wrong and status == 0 and flat and bool(recovered)
print("soak-overload:", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
