#!/usr/bin/env bash
# Consumer throughput: `warmstart tail --quiet` against `kcat -C -e` reading the same messages from the same
# development broker, in one run. Usage: scripts/bench-consumer.sh [MESSAGES] [PARTITIONS] [REPEATS]
set -euo pipefail
cd "$(dirname "$0")/.."

messages=${1:-500000}
partitions=${2:-16}
repeats=${3:-3}
bin=.build/release/warmstart
[ -x "$bin" ] || swift build -c release --product warmstart >/dev/null
command -v kcat >/dev/null || { echo "kcat is missing: scripts/install-deps.sh installs it" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill $broker 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

"$bin" dev-broker --brokers 1 --topic "bench:$partitions" --bootstrap-file "$work/bootstrap" >/dev/null 2>"$work/broker.log" &
broker=$!
for _ in $(seq 100); do [ -s "$work/bootstrap" ] && break; sleep 0.1; done
bootstrap=$(cat "$work/bootstrap")

# ~100-byte values keyed like user ids, produced by kcat (key and value separated by a tab).
python3 - "$messages" > "$work/messages.txt" <<'PY'
import sys
n = int(sys.argv[1])
pad = "x" * 64
for i in range(n):
    print(f"user{i % 10007}\t{{\"user\":\"user{i % 10007}\",\"item\":\"item{i % 997}\",\"n\":{i:08d},\"p\":\"{pad[:40]}\"}}")
PY
avg=$(awk -F'\t' '{ s += length($2) } END { printf "%.0f", s / NR }' "$work/messages.txt")
kcat -P -b "$bootstrap" -t bench -K $'\t' -z none -X linger.ms=20 -X batch.num.messages=10000 -l "$work/messages.txt"

rate() { # messages seconds
    python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$1" "$2"
}
seconds() { # command...
    local start end
    start=$(date +%s.%N)
    "$@" >"$work/out" 2>>"$work/err"
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$start" "$end"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
echo "messages: $messages (average value $avg bytes) in $partitions partitions, $repeats repeats, median reported"
kcat_runs=(); tail_runs=()
for r in $(seq "$repeats"); do
    t=$(seconds kcat -C -b "$bootstrap" -t bench -o beginning -e -q)
    got=$(wc -l <"$work/out"); [ "$got" -eq "$messages" ] || { echo "kcat read $got of $messages" >&2; exit 1; }
    kcat_runs+=("$t")
    t=$(seconds "$bin" tail --bootstrap "$bootstrap" --topic bench --from-beginning --count "$messages" --quiet)
    got=$(head -1 "$work/out"); [ "$got" -eq "$messages" ] || { echo "warmstart read $got of $messages" >&2; exit 1; }
    tail_runs+=("$t")
    echo "repeat $r: kcat ${kcat_runs[-1]} s, warmstart tail ${tail_runs[-1]} s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
k=$(median "${kcat_runs[@]}"); w=$(median "${tail_runs[@]}")
kr=$(rate "$messages" "$k"); wr=$(rate "$messages" "$w")
echo "kcat -C -e:            $k s  $kr msg/s"
echo "warmstart tail --quiet: $w s  $wr msg/s"
python3 -c "import sys; print(f'ratio warmstart/kcat: {int(sys.argv[1]) / int(sys.argv[2]):.2f}')" "$wr" "$kr"
