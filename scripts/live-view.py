#!/usr/bin/env python3
"""Live view of a running warmstartd from its Prometheus /metrics: progress, events/s, lag, publishes and
prequential quality. Usage: live-view.py METRICS_URL EXPECTED_EVENTS [FEEDER_PID]. Returns once every expected
event was processed and the lag is zero (or after a time limit)."""
import os, re, sys, time, urllib.request

url, expected = sys.argv[1], int(sys.argv[2])
feeder = int(sys.argv[3]) if len(sys.argv) > 3 else None
line = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)')

def scrape():
    values = {}
    with urllib.request.urlopen(url, timeout=2) as response:
        for text in response.read().decode().splitlines():
            m = line.match(text)
            if m and not text.startswith("#"):
                values.setdefault(m.group(1), []).append((m.group(2) or "", float(m.group(3))))
    return values

def total(values, name):
    return sum(v for _, v in values.get(name, []))

def labelled(values, name, **labels):
    for label, v in values.get(name, []):
        if all(f'{k}="{w}"' in label for k, w in labels.items()):
            return v
    return float("nan")

def running(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False

def hit_rate(values, variant, buckets=("1-5", "6-20", "21+")):
    """HR@10 of one arm over the given buckets, from the counters behind the gauges."""
    hits = trials = 0.0
    for b in buckets:
        h = labelled(values, "warmstart_prequential_hits_total", bucket=b, variant=variant)
        t = labelled(values, "warmstart_prequential_hit_trials_total", bucket=b, variant=variant)
        if t == t and h == h:
            hits, trials = hits + h, trials + t
    return hits / trials if trials > 0 else float("nan")

def gain(values, buckets=("1-5", "6-20", "21+")):
    meta, base = hit_rate(values, "meta", buckets), hit_rate(values, "no_meta", buckets)
    return (meta - base) / base * 100 if base == base and base > 0 else float("nan")

start = time.time()
last_events, last_time = 0.0, start
v = {}
print("HR@10: prequential (each event scored before it is learned) by the user's event number; 'no-meta' is the")
print("control arm (learning.meta.holdout_share of users, started from the initial, never meta-updated θ).")
print(f"{'time':>5} {'processed':>10} {'events/s':>9} {'lag':>6} {'scores':>8} {'users':>6} {'model':>5}  "
      f"{'HR@10 1-5':>9} {'6-20':>6} {'21+':>6} {'all':>6} {'no-meta':>7} {'gain 1-5':>9}")
while True:
    time.sleep(2)
    try:
        v = scrape()
    except Exception as error:  # the daemon may be busy; try again
        print(f"(metrics unavailable: {error})")
        continue
    now = time.time()
    events = total(v, "warmstart_events_processed_total")
    rate = (events - last_events) / (now - last_time)
    last_events, last_time = events, now
    lag = total(v, "warmstart_consumer_lag")
    hr = [hit_rate(v, "meta", (b,)) for b in ("1-5", "6-20", "21+")]
    print(f"{now - start:5.0f} {events:10.0f} {rate:9.0f} {lag:6.0f} {total(v, 'warmstart_scores_published_total'):8.0f} "
          f"{total(v, 'warmstart_users_in_memory'):6.0f} {total(v, 'warmstart_model_version'):5.0f}  "
          f"{hr[0]:9.3f} {hr[1]:6.3f} {hr[2]:6.3f} {hit_rate(v, 'meta'):6.3f} {hit_rate(v, 'no_meta'):7.3f} "
          f"{gain(v, ('1-5',)):+8.1f}%", flush=True)
    feeding = feeder is not None and running(feeder)
    if events >= expected and lag == 0 and not feeding:
        break
    if now - start > 600:
        print("giving up after 10 minutes")
        break

if v:
    print()
    print("live summary (prequential HR@10, meta-learned initialization vs the held-out control arm):")
    for name, buckets in (("1-5", ("1-5",)), ("6-20", ("6-20",)), ("21+", ("21+",)), ("all", ("1-5", "6-20", "21+"))):
        trials = sum(labelled(v, "warmstart_prequential_hit_trials_total", bucket=b, variant=arm)
                     for b in buckets for arm in ("meta", "no_meta"))
        print(f"  {name:>5}: meta {hit_rate(v, 'meta', buckets):.3f}   no-meta {hit_rate(v, 'no_meta', buckets):.3f}   "
              f"gain {gain(v, buckets):+.1f}%   ({trials:.0f} events)")
