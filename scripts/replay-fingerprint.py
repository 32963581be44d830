#!/usr/bin/env python3
"""Behaviour fingerprint: a matrix of `warmstart replay` runs whose reports must not change under a refactoring.

Each run's report (every metric at full precision; wall-clock fields dropped) goes to OUT/<name>.json. The matrix
covers both objectives, full and candidate retrieval, with and without meta-learning, Reptile, Meta-SGD step sizes,
the other meta-losses, sessions and stage popularity off, side features, on ML-100K, the demo's synthetic stream
and YOOCHOOSE (whichever dataset files exist).

Usage:
  scripts/replay-fingerprint.py OUT [--bin DIR] [--datasets DIR] [--quick]
  scripts/replay-fingerprint.py --compare OLD NEW     (exit 1 when any run differs)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

VOLATILE = ("seconds", "per_second", "wall", "elapsed", "rate_", "duration", "started", "finished", "path")


def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if not any(t in k for t in VOLATILE)}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def runs(datasets, synthetic, quick):
    ml = os.path.join(datasets, "ml-100k", "u.data")
    yoo = os.path.join(datasets, "yoochoose-clicks-100k", "clicks.tsv")
    yoo_args = ["--format", "tsv", "--input", yoo, "--columns", "user=SessionId,item=ItemId,ts=Time",
                "--ts-unit", "s", "--kind", "click"]
    syn = ["--format", "jsonl", "--input", synthetic]
    cand = ["--set", "ranking.retrieval=candidates", "--set", "ranking.candidate_pool=500"]
    # The item offsets and the head steps learn from the head-softmax loss only: another query loss needs them off.
    no_head = ["--set", "ranking.item_offset_learning_rate=0", "--set", "ranking.head_learning_rate=0"]
    out = []
    if os.path.exists(ml):
        m = ["--input", ml]
        out += [
            ("ml-ranking", ["--objective", "ranking", *m]),
            ("ml-rating", ["--objective", "rating", *m]),
            ("ml-ranking-candidates", ["--objective", "ranking", *m, *cand]),
            ("ml-ranking-nometa", ["--objective", "ranking", *m, "--no-meta"]),
            ("ml-rating-nometa", ["--objective", "rating", *m, "--no-meta"]),
        ]
        if not quick:
            out += [
                ("ml-ranking-reptile", ["--objective", "ranking", *m, "--set", "meta.algorithm=reptile"]),
                ("ml-ranking-stepsizes", ["--objective", "ranking", *m, "--set", "meta.inner_step_sizes=true"]),
                ("ml-ranking-softmax", ["--objective", "ranking", *m, "--set", "ranking.meta_loss=softmax", *no_head]),
                ("ml-ranking-top", ["--objective", "ranking", *m, "--set", "ranking.meta_loss=top", *no_head]),
                ("ml-ranking-plain", ["--objective", "ranking", *m, "--set", "ranking.sessions=false",
                                      "--set", "ranking.stage_popularity=false", "--set",
                                      "ranking.log_components=false", "--set", "ranking.user_init_noise=0.01"]),
                ("ml-ranking-holdout", ["--objective", "ranking", *m, "--set", "meta.holdout_share=0.3",
                                        "--set", "ranking.cooccurrence_half_life=500"]),
                ("ml-rating-reptile", ["--objective", "rating", *m, "--set", "meta.algorithm=reptile",
                                       "--set", "rating.window=4", "--set", "rating.inner_steps=2"]),
                ("ml-ranking-candidates-stepsizes", ["--objective", "ranking", *m, *cand, "--set",
                                                     "meta.inner_step_sizes=true"]),
            ]
    out += [
        ("synthetic", ["--objective", "ranking", *syn]),
        ("synthetic-candidates", ["--objective", "ranking", *syn, *cand]),
    ]
    if not quick:
        out += [("synthetic-coldfeatures", ["--objective", "ranking", *syn, "--set", "ranking.cold_features=true",
                                            "--set", "features.item_features=true"])]
    if os.path.exists(yoo):
        out += [("yoochoose", ["--objective", "ranking", *yoo_args])]
        if not quick:
            out += [("yoochoose-candidates", ["--objective", "ranking", *yoo_args, *cand])]
    return out


def compare(old, new):
    bad = 0
    names = sorted(set(os.listdir(old)) | set(os.listdir(new)))
    for name in names:
        a, b = os.path.join(old, name), os.path.join(new, name)
        if not (os.path.exists(a) and os.path.exists(b)):
            print(f"{name}: only in {'old' if os.path.exists(a) else 'new'}")
            bad += 1
            continue
        ja, jb = json.load(open(a)), json.load(open(b))
        if ja == jb:
            print(f"{name}: identical")
        else:
            bad += 1
            diffs = []

            def walk(x, y, path):
                if isinstance(x, dict) and isinstance(y, dict):
                    for k in sorted(set(x) | set(y)):
                        walk(x.get(k), y.get(k), f"{path}.{k}")
                elif x != y and len(diffs) < 8:
                    diffs.append(f"{path}: {x} -> {y}")

            walk(ja, jb, "")
            print(f"{name}: DIFFERS\n  " + "\n  ".join(diffs))
    print("fingerprint:", "identical" if bad == 0 else f"{bad} run(s) differ")
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out", nargs="?")
    p.add_argument("--bin", default=".build/release")
    p.add_argument("--datasets", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets"))
    p.add_argument("--quick", action="store_true")
    p.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"))
    a = p.parse_args()
    if a.compare:
        sys.exit(compare(*a.compare))
    if not a.out:
        p.error("OUT is required")
    os.makedirs(a.out, exist_ok=True)
    warmstart = os.path.join(a.bin, "warmstart")
    with tempfile.TemporaryDirectory() as work:
        synthetic = os.path.join(work, "synthetic.jsonl")
        subprocess.run([warmstart, "generate", "--users", "4000", "--items", "1500", "--events", "60000",
                        "--clusters", "8", "--seed", "11", "--output", synthetic], check=True,
                       stderr=subprocess.DEVNULL)
        for name, args in runs(a.datasets, synthetic, a.quick):
            report = os.path.join(work, "report.json")
            cmd = [warmstart, "replay", *args, "--report", report]
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr}")
            r = strip(json.load(open(report)))
            json.dump(r, open(os.path.join(a.out, name + ".json"), "w"), indent=1, sort_keys=True)
            hr = r.get("hit_rate_at_10", r.get("hr_at_10", r.get("rmse")))
            print(f"{name}: written ({hr})", flush=True)


if __name__ == "__main__":
    main()
