#!/usr/bin/env python3
"""Speed comparison: `warmstart replay --objective rating` against Vowpal Wabbit's native loop, same stream, same run.

Usage: scripts/vw-compare.py [--data DIR] [--replay-cmd "PATH/warmstart replay"] [--repeats N]
(build first: swift build -c release; the default command is .build/release/warmstart replay)

* The stream is ML-100K's u.data sorted by timestamp (stable), written as `y |u user |i item` for VW.
* VW runs through its own command-line driver (`python -m vowpalwabbit`, PyPI `vowpalwabbit`) with the settings of
  ../shared/BASELINES.md (`--rank 10` wiki settings, one pass; and bias only `-b 18`). Its rate is events / (wall time
  minus the wall time of the same command on a 10-line file), i.e. net of process start-up; VW parses its text input
  inside that loop.
* Warmstart's rate is the report's `events_per_second` (the replay loop: id lookup, predict, learn, metrics; the file
  is parsed before the loop).
* Each is the median of --repeats runs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

VW_MODELS = {
    "vw_rank10": ["-b", "18", "-q", "ui", "--rank", "10", "--l2", "0.001", "--learning_rate", "0.015",
                  "--power_t", "0"],
    "vw_bias": ["-b", "18"],
}


def vw_seconds(path, args):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "vowpalwabbit", "-d", path, "--quiet", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(root, "..", "shared", "datasets", "ml-100k"))
    parser.add_argument("--replay-cmd", default=os.path.join(root, ".build", "release", "warmstart") + " replay",
                        help="command line that runs `warmstart replay` (split on spaces)")
    parser.add_argument("--repeats", type=int, default=3)
    opts = parser.parse_args()

    rows = []
    with open(os.path.join(opts.data, "u.data")) as f:
        for i, line in enumerate(f):
            u, it, r, t = line.split()
            rows.append((int(t), i, u, it, r))
    rows.sort(key=lambda x: (x[0], x[1]))
    with tempfile.TemporaryDirectory() as tmp:
        full = os.path.join(tmp, "stream.vw")
        tiny = os.path.join(tmp, "tiny.vw")
        lines = [f"{r} |u {u} |i {it}\n" for _, _, u, it, r in rows]
        with open(full, "w") as f:
            f.writelines(lines)
        with open(tiny, "w") as f:
            f.writelines(lines[:10])
        results = {}
        for name, args in VW_MODELS.items():
            rates = []
            for _ in range(opts.repeats):
                startup = vw_seconds(tiny, args)
                total = vw_seconds(full, args)
                rates.append(len(rows) / max(total - startup, 1e-9))
            results[name] = statistics.median(rates)
            print(f"{name:12s} {results[name]:>12,.0f} events/s  (native loop, net of start-up)")

        report = os.path.join(tmp, "report.json")
        rates = []
        rmse = None
        for _ in range(opts.repeats):
            subprocess.run([*opts.replay_cmd.split(), "--input", opts.data, "--format", "movielens", "--objective",
                            "rating", "--report", report], check=True, stdout=subprocess.DEVNULL)
            with open(report) as f:
                r = json.load(f)
            rates.append(r["events_per_second"])
            rmse = r["rmse"]
        results["warmstart_rating"] = statistics.median(rates)
        print(f"{'warmstart':12s} {results['warmstart_rating']:>12,.0f} events/s  (replay loop, RMSE {rmse:.4f})")
        ratio = results["warmstart_rating"] / results["vw_rank10"]
        print(f"warmstart / vw_rank10 = {ratio:.2f}x")
        print(json.dumps(results))


if __name__ == "__main__":
    main()
