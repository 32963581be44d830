#!/usr/bin/env python3
"""The quality scoreboard: every provided stream replayed test-then-train with the defaults, next to the baselines.

For each stream: full-catalogue scoring and the served list (ranking.retrieval=candidates, as the shipped daemon
configuration serves), each with meta-learning and with --no-meta; HR@10 (RMSE for ML-100K rating) overall and per
cold-start bucket, then the baselines of BASELINES.md for that stream. "meta-learning buys" and "vs best baseline"
are signed so that + is better (a higher HR@10, a lower RMSE). Under ranking, an event on an item the user
has already interacted with is a repeat: learned, not scored (the protocol of BASELINES.md).

Usage: scripts/bench-quality.py [--datasets DIR] [--baselines FILE] [--bin DIR] [--only NAME[,NAME]] [--json FILE]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

BUCKETS = ("1-5", "6-20", "21+")
CANDIDATES = ["--set", "ranking.retrieval=candidates", "--set", "ranking.candidate_pool=500"]


def streams(datasets, work, warmstart):
    """(name, baseline heading, replay arguments, objective); a stream whose file is missing is skipped."""
    ml = os.path.join(datasets, "ml-100k", "u.data")
    yoo = os.path.join(datasets, "yoochoose-clicks-100k", "clicks.tsv")
    tao = os.path.join(datasets, "taobao-userbehavior-815", "UserBehavior.csv")
    synthetic = os.path.join(work, "synthetic.jsonl")
    out = []
    if os.path.exists(ml):
        out.append(("ml-100k ranking", "Top-10 ranking", ["--input", ml], "ranking"))
        out.append(("ml-100k rating", "ml-100k", ["--input", ml], "rating"))
    else:
        print(f"skipped ml-100k: {ml} not found", file=sys.stderr)
    if os.path.exists(yoo):
        out.append(("yoochoose", "YOOCHOOSE", ["--format", "tsv", "--input", yoo, "--columns",
                                               "user=SessionId,item=ItemId,ts=Time", "--ts-unit", "s",
                                               "--kind", "click"], "ranking"))
    else:
        print(f"skipped yoochoose: {yoo} not found", file=sys.stderr)
    if os.path.exists(tao):
        out.append(("taobao-815", "Taobao", ["--format", "csv", "--input", tao, "--no-header", "--columns",
                                             "user=1,item=2,item.category=3,kind=4,ts=5", "--ts-unit", "s",
                                             "--kinds", "pv=view,fav=favorite,buy=purchase"], "ranking"))
    else:
        print(f"skipped taobao-815: {tao} not found", file=sys.stderr)
    # The demo's stream: 4,000 users in 8 taste clusters, 1,500 items.
    subprocess.run([warmstart, "generate", "--users", "4000", "--items", "1500", "--events", "60000",
                    "--clusters", "8", "--seed", "11", "--output", synthetic], check=True,
                   stderr=subprocess.DEVNULL)
    out.append(("synthetic (demo stream)", None, ["--format", "jsonl", "--input", synthetic], "ranking"))
    return out


def replay(warmstart, args, objective, extra, work):
    report = os.path.join(work, "report.json")
    cmd = [warmstart, "replay", "--objective", objective, *args, *extra, "--report", report]
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{done.stderr}")
    with open(report) as f:
        r = json.load(f)
    r["wall_seconds"] = time.monotonic() - started
    return r


def baselines(path):
    """Tables of BASELINES.md by the heading above them: {heading: [(model, {column: value})]}."""
    if not path or not os.path.exists(path):
        return {}
    tables, heading, header = {}, None, None
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("#"):
            heading, header = line.lstrip("# ").strip(), None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip("|").split("|")]
        if header is None:
            header = cells
            continue
        if set(cells[0]) <= set("-: "):
            continue
        row = dict(zip(header, cells))
        tables.setdefault(heading, []).append(row)
    return tables


def number(text):
    try:
        return float(text.replace(",", ""))
    except (ValueError, AttributeError):
        return None


def baseline_rows(tables, key, objective):
    """[(name, overall, {bucket: value})] of the table whose heading starts with `key`."""
    if key is None:
        return []
    for heading, rows in tables.items():
        if not heading.startswith(key):
            continue
        out = []
        for row in rows:
            if objective == "rating":
                if "RMSE" not in row:
                    continue
                values = {b: number(row.get(f"RMSE {b}")) for b in BUCKETS}
                out.append((row["model"], number(row["RMSE"]), values))
            else:
                if "HR@10" not in row:
                    continue
                values = {b: number(row.get(b, row.get(f"HR@10 {b}"))) for b in BUCKETS}
                model = row.get("model", row.get("ranker", "?"))
                name = model + (f" ({row['setting']})" if row.get("setting") else "")
                out.append((name, number(row["HR@10"]), values))
        if out:
            return out
    return []


def fmt(x):
    return "   -   " if x is None else f"{x:.4f}"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--datasets", default=os.path.join(root, "..", "shared", "datasets"))
    p.add_argument("--baselines", default=None, help="default: BASELINES.md next to the datasets directory")
    p.add_argument("--bin", default=os.path.join(root, ".build", "release"))
    p.add_argument("--only", default=None, help="comma-separated stream names (prefixes)")
    p.add_argument("--json", default=None, help="write every report here")
    a = p.parse_args()
    warmstart = os.path.join(a.bin, "warmstart")
    baseline_file = a.baselines or os.path.join(os.path.dirname(os.path.abspath(a.datasets)), "BASELINES.md")
    tables = baselines(baseline_file)
    everything = {}
    with tempfile.TemporaryDirectory() as work:
        for name, key, args, objective in streams(a.datasets, work, warmstart):
            if a.only and not any(name.startswith(o) for o in a.only.split(",")):
                continue
            arms = [("full", []), ("full --no-meta", ["--no-meta"])]
            if objective == "ranking":
                arms += [("served", CANDIDATES), ("served --no-meta", CANDIDATES + ["--no-meta"])]
            results = {}
            for arm, extra in arms:
                r = replay(warmstart, args, objective, extra, work)
                results[arm] = r["served"] if arm.startswith("served") else r
                results[arm]["events_per_second"] = r["events_per_second"]
                everything.setdefault(name, {})[arm] = r
            metric = "rmse" if objective == "rating" else "hr_at_10"
            first = results["full"]
            counts = f"{first['events']:,} events"
            if objective == "ranking":
                counts += f", {first['scored']:,} scored, {first['repeats']:,} repeats"
            cold = first["buckets"]["1-5"]["events"] / max(1, first["events"])
            print(f"\n== {name}: {counts}; {cold:.0%} of events in bucket 1-5")
            label = "RMSE" if objective == "rating" else "HR@10"
            print(f"{'':44} {label + ' all':>9} {'1-5':>8} {'6-20':>8} {'21+':>8}   events/s")
            for arm, r in results.items():
                cells = [r.get(metric)] + [r["buckets"][b].get(metric) for b in BUCKETS]
                print(f"  warmstart {arm:33} " + " ".join(f"{fmt(c):>8}" for c in cells)
                      + f"   {r['events_per_second']:>8,.0f}")
            for kind in ("full", "served") if objective == "ranking" else ("full",):
                m, n = results[kind], results[f"{kind} --no-meta"]
                sign = -1 if objective == "rating" else 1  # a gain is a higher HR@10, a lower RMSE
                deltas = [sign * (m.get(metric) - n.get(metric))] + [
                    sign * ((m["buckets"][b].get(metric) or 0) - (n["buckets"][b].get(metric) or 0)) for b in BUCKETS]
                print(f"  {'meta-learning buys (' + kind + ')':43} " + " ".join(f"{d:+8.4f}" for d in deltas))
            rows = baseline_rows(tables, key, objective)
            best = None
            for bname, overall, values in rows:
                print(f"  {bname[:43]:43} {fmt(overall):>8} " + " ".join(f"{fmt(values[b]):>8}" for b in BUCKETS))
                if overall is not None and (best is None or (overall < best[1] if objective == "rating"
                                                             else overall > best[1])):
                    best = (bname, overall, values)
            if best:
                arm = "served" if objective == "ranking" else "full"
                sign = -1 if objective == "rating" else 1
                served = results[arm]
                gap = [sign * (served.get(metric) - best[1])] + [
                    sign * ((served["buckets"][b].get(metric) or 0) - (best[2][b] or 0)) for b in BUCKETS]
                print(f"  {arm + ' vs best baseline (' + best[0][:18] + ')':43} "
                      + " ".join(f"{d:+8.4f}" for d in gap))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(everything, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
