#!/usr/bin/env python3
"""What user-level differential privacy of the meta-update costs (issue 15): HR@10 per bucket with DP at ε ≈ 1, 3
and 8 against no DP and against no meta-learning, on ML-100K (ranking), YOOCHOOSE and the demo's synthetic stream.

DP runs use `warmstart replay --dp-epsilon E` with the settings below (a round every INTERVAL events, each user in
at most CAP rounds, contributions clipped to CLIP, the public denominator DENOMINATOR); each is repeated with KEYS
fixed noise keys (the noise differs by key) and reported as the mean and the range. "no DP" is shown both at the
default meta.interval and at the DP runs' interval, so that the cost of the noise is apart from that of the rounds.

Usage: scripts/bench-dp.py [--datasets DIR] [--bin DIR] [--interval N] [--cap K] [--clip C] [--denominator D]
                           [--keys N] [--epsilons 1,3,8] [--only NAME[,NAME]]
"""
import argparse
import hashlib
import importlib.util
import os
import statistics
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_quality", os.path.join(here, "bench-quality.py"))
quality = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quality)

BUCKETS = ("1-5", "6-20", "21+")


def hr(report):
    return [report["hr_at_10"]] + [report["buckets"][b]["hr_at_10"] for b in BUCKETS]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--datasets", default=os.path.join(here, "..", "..", "shared", "datasets"))
    p.add_argument("--bin", default=os.path.join(here, "..", ".build", "release"))
    p.add_argument("--interval", type=int, default=1000)
    p.add_argument("--cap", type=int, default=10)
    p.add_argument("--clip", type=float, default=0.1)
    p.add_argument("--denominator", type=float, default=10)
    p.add_argument("--keys", type=int, default=3)
    p.add_argument("--epsilons", default="1,3,8")
    p.add_argument("--only")
    a = p.parse_args()
    warmstart = os.path.join(a.bin, "warmstart")
    epsilons = [float(e) for e in a.epsilons.split(",")]
    with tempfile.TemporaryDirectory() as work:
        keys = []
        for k in range(a.keys):
            path = os.path.join(work, f"key{k}")
            with open(path, "wb") as f:
                f.write(hashlib.sha256(f"warmstart bench-dp key {k}".encode()).digest())
            keys.append(path)
        print(f"DP settings: a round every {a.interval} events, each user in at most {a.cap} rounds, clip norm "
              f"{a.clip}, denominator {a.denominator}, δ 1e-6; {a.keys} noise keys per ε (mean [min, max])")
        for name, _, args, objective in quality.streams(a.datasets, work, warmstart):
            if objective != "ranking" or (a.only and not any(o in name for o in a.only.split(","))):
                continue
            if name.startswith("taobao"):
                continue  # not among the streams for the DP cost
            rows = [("no DP (defaults)", [hr(quality.replay(warmstart, args, objective, [], work))]),
                    (f"no DP, meta.interval={a.interval}",
                     [hr(quality.replay(warmstart, args, objective, ["--set", f"meta.interval={a.interval}"], work))]),
                    ("--no-meta", [hr(quality.replay(warmstart, args, objective, ["--no-meta"], work))])]
            for e in epsilons:
                runs = []
                for key in keys:
                    extra = ["--set", f"meta.interval={a.interval}", "--dp-epsilon", str(e), "--dp-max-participations",
                             str(a.cap), "--dp-clip-norm", str(a.clip), "--dp-denominator", str(a.denominator),
                             "--dp-key-file", key]
                    runs.append(hr(quality.replay(warmstart, args, objective, extra, work)))
                rows.append((f"DP ε = {e:g}", runs))
            print(f"\n== {name}")
            print(f"  {'':34} {'HR@10 all':>16} {'1-5':>16} {'6-20':>16} {'21+':>16}")
            for label, runs in rows:
                cells = []
                for i in range(4):
                    values = [r[i] for r in runs]
                    mean = statistics.mean(values)
                    cells.append(f"{mean:.4f}" if len(values) == 1 else
                                 f"{mean:.4f} [{min(values):.4f},{max(values):.4f}]")
                print(f"  {label:34} " + " ".join(f"{c:>16}" if len(c) < 16 else c for c in cells))
            nometa = rows[2][1][0]
            for label, runs in rows[3:]:
                gain = [statistics.mean(r[i] for r in runs) - nometa[i] for i in range(4)]
                print(f"  {'meta-learning buys under ' + label[3:]:34} " + " ".join(f"{g:+16.4f}" for g in gain))


if __name__ == "__main__":
    sys.exit(main())
