#!/usr/bin/env python3
"""Each ranking default's effect on every provided stream, and a leave-one-stream-out check (issue 13).

For every knob, the default and its alternatives are replayed on each ranking stream (ML-100K, YOOCHOOSE,
Taobao-815, the demo's synthetic stream; full-catalogue scoring, first interactions scored). The table gives HR@10
per stream and value, as the change against the default. Leave-one-stream-out: for each held-out stream, each knob
takes the value with the best mean relative change on the other streams; the held-out stream is then replayed with
all those choices together, against the defaults. A default that holds across streams is chosen by the others
for the held-out one too.

Usage: scripts/defaults-across-streams.py [--datasets DIR] [--bin DIR] [--only NAME[,NAME]] [--knobs K[,K]]
"""
import argparse
import importlib.util
import os
import statistics
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench_quality", os.path.join(here, "bench-quality.py"))
quality = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quality)

# knob: (default, alternatives)
KNOBS = {
    "ranking.factors": ("24", ["16", "48"]),
    "ranking.window": ("32", ["16", "64"]),
    "ranking.neighbor_context": ("16", ["8", "32"]),
    "ranking.context_decay": ("0.8", ["0.6", "0.9"]),
    "ranking.cooccurrence_decay": ("0.95", ["0.9", "0.99"]),
    "ranking.cold_events": ("5", ["3", "10"]),
    "ranking.stage_popularity": ("true", ["false"]),
    "ranking.sessions": ("true", ["false"]),
    "meta.learning_rate": ("0.05", ["0.02", "0.1"]),
    "meta.interval": ("100", ["50", "200"]),
}


def settings(knob, value):
    """The --set pairs for one knob's value (a shorter window also shortens the co-occurrence window within it)."""
    if knob == "ranking.window" and int(value) < 32:
        return {knob: value, "ranking.cooccurrence_window": value}
    return {knob: value}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--datasets", default=os.path.join(here, "..", "..", "shared", "datasets"))
    p.add_argument("--bin", default=os.path.join(here, "..", ".build", "release"))
    p.add_argument("--only")
    p.add_argument("--knobs")
    a = p.parse_args()
    warmstart = os.path.join(a.bin, "warmstart")
    knobs = {k: v for k, v in KNOBS.items() if not a.knobs or k in a.knobs.split(",")}
    with tempfile.TemporaryDirectory() as work:
        streams = [(n, args) for n, _, args, objective in quality.streams(a.datasets, work, warmstart)
                   if objective == "ranking" and (not a.only or any(o in n for o in a.only.split(",")))]
        def hr(args, sets):
            extra = [x for k, v in sets.items() for x in ("--set", f"{k}={v}")]
            return quality.replay(warmstart, args, "ranking", extra, work)["hr_at_10"]
        base = {n: hr(args, {}) for n, args in streams}
        results = {}  # (knob, value) -> {stream: hr}
        names = [n.split(" ")[0] for n, _ in streams]
        print("HR@10 with the defaults: " + ", ".join(f"{n.split(' ')[0]} {base[n]:.4f}" for n, _ in streams))
        print(f"\n{'knob = value':40} " + " ".join(f"{n:>12}" for n in names) + f" {'mean rel.':>10}")
        for knob, (default, alternatives) in knobs.items():
            print(f"{knob + ' = ' + default + ' (default)':40} " + " ".join(f"{base[n]:>12.4f}" for n, _ in streams))
            for value in alternatives:
                results[(knob, value)] = {n: hr(args, settings(knob, value)) for n, args in streams}
                row = results[(knob, value)]
                rel = statistics.mean((row[n] - base[n]) / base[n] for n, _ in streams)
                print(f"{'  ' + value:40} " + " ".join(f"{row[n] - base[n]:>+12.4f}" for n, _ in streams)
                      + f" {rel:>+10.2%}")
            sys.stdout.flush()
        print("\nleave-one-stream-out: each knob's value chosen on the other streams, then replayed on the held-out one")
        for held, args in streams:
            others = [n for n, _ in streams if n != held]
            choice = {}
            for knob, (default, alternatives) in knobs.items():
                best, best_rel = default, 0.0
                for value in alternatives:
                    rel = statistics.mean((results[(knob, value)][n] - base[n]) / base[n] for n in others)
                    if rel > best_rel:
                        best, best_rel = value, rel
                if best != default:
                    choice.update(settings(knob, best))
            if not choice:
                print(f"  {held}: the other streams keep every default")
                continue
            chosen = hr(args, choice)
            print(f"  {held}: the others choose {', '.join(f'{k}={v}' for k, v in choice.items())}: "
                  f"HR@10 {chosen:.4f} vs the defaults' {base[held]:.4f} ({chosen - base[held]:+.4f})")


if __name__ == "__main__":
    sys.exit(main())
