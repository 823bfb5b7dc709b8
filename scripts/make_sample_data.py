#!/usr/bin/env python3
"""Builds sample-data/ from the NannyML synthetic car loan data set (MIT; see sample-data/README.md).

Run by hand from the repository root:  python3 scripts/make_sample_data.py
Needs only the standard library. Reads ../shared/datasets/synthetic_car_loan/*.jsonl.gz (or the path in
$CAR_LOAN_DIR) and writes:
  sample-data/reference.jsonl.gz    one hour of healthy traffic (the reference period)
  sample-data/predictions.jsonl.gz  three hours of traffic with the incidents listed in sample-data/README.md
The output is deterministic (fixed seed).
"""
import datetime as dt
import gzip
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SRC = os.environ.get("CAR_LOAN_DIR", os.path.join(ROOT, "..", "shared", "datasets", "synthetic_car_loan"))
OUT = os.path.join(ROOT, "sample-data")

RATE = 2.0  # predictions per second
START_REF = dt.datetime(2026, 11, 22, 6, 0, tzinfo=dt.timezone.utc)
START = dt.datetime(2026, 11, 22, 7, 0, tzinfo=dt.timezone.utc)


def load(name):
    with gzip.open(os.path.join(SRC, name), "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def at(minutes):
    return START + dt.timedelta(minutes=minutes)


# Incident windows, minutes after START (07:00Z). Keep in sync with sample-data/README.md.
LATENCY_SPIKE = (40, 52)        # p99 latency x12
NULL_BURST = (70, 78)           # 35% null outputs
MALFORMED = (85, 87)            # broken producer writes garbage
GRADUAL_DRIFT = (60, 150)       # car_value: share of drifted rows grows 0 -> 1
SUDDEN_SHIFT = 100              # driver_tenure x1.8 from here on
CANARY = 120                    # version v2 takes 15% of traffic, predicts 1 far more often
ACCURACY_DROP = (140, 170)      # 40% of predictions are wrong; labels arrive 2 minutes later
FAIRNESS_DROP = (10, 30)        # group C's approvals (prediction 1) turn into rejections 60% of the time
SHADOW_DISAGREE = (88, 98)      # the shadow v3 disagrees with v1 on 45% of requests (else 4%)

# Applicant groups (the fairness.group_by feature) and their shares of traffic. The groups, the fairness
# incident and the shadow version draw from their own random stream (seed + 100), so that every other
# value of the logs is what it was before they were added.
GROUPS = (("A", 0.45), ("B", 0.35), ("C", 0.20))


def iso(t):
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def in_window(m, w):
    return w[0] <= m < w[1]


def event(rng, row, t, version, minute, *, inject, group, extra):
    latency = rng.lognormvariate(math.log(35), 0.35)
    if inject and in_window(minute, LATENCY_SPIKE):
        latency *= 12
    features = dict(row["features"])
    features["applicant_group"] = group
    if inject and minute >= SUDDEN_SHIFT:
        features["driver_tenure"] = round(features["driver_tenure"] * 1.8, 6)
    prediction, score = row["prediction"], row["score"]
    if version == "v2":
        if rng.random() < 0.6:
            prediction, score = 1, round(max(score, 0.55 + 0.45 * rng.random()), 2)
    if inject and in_window(minute, ACCURACY_DROP) and rng.random() < 0.4:
        prediction = 1 - prediction
        score = round(1 - score, 2)
    # The fairness incident: a broken feature transform for group C turns most approvals into rejections.
    if inject and version == "v1" and group == "C" and in_window(minute, FAIRNESS_DROP) and prediction == 1 \
            and extra.random() < 0.6:
        prediction, score = 0, round(score * 0.45, 2)
    status = "error" if rng.random() < 0.004 else "ok"
    if inject and in_window(minute, NULL_BURST) and rng.random() < 0.35:
        prediction, score = None, None
    e = {"ts": iso(t), "model": "car_loan", "version": version, "request_id": "", "latency_ms": round(latency, 2),
         "status": status, "features": features, "prediction": prediction, "score": score}
    if rng.random() < 0.03:
        e["feedback"] = rng.choice(["accepted", "accepted", "complaint"])
    return e


def shadow(extra, row, v1, t, minute, *, inject):
    """The shadow version v3 (a retrained candidate) answers the same request under the same id, a few
    milliseconds later; its answer is the data set's prediction, different on 4% of requests (45% while its
    own incident lasts). Its inputs are v1's."""
    disagree = 0.45 if inject and in_window(minute, SHADOW_DISAGREE) else 0.04
    prediction, score = row["prediction"], row["score"]
    if extra.random() < disagree:
        prediction, score = 1 - prediction, round(1 - score, 2)
    ts = t + dt.timedelta(milliseconds=3 + 17 * extra.random())
    return ts, {"ts": iso(ts), "model": "car_loan", "version": "v3", "request_id": v1["request_id"],
                "latency_ms": round(extra.lognormvariate(math.log(38), 0.3), 2), "status": "ok",
                "features": v1["features"], "prediction": prediction, "score": score}


def write(path, rows, start, seconds, *, inject, seed, prefix):
    rng = random.Random(seed)
    extra = random.Random(seed + 100)
    healthy = [r for r in rows if not r.get("_drifted")]
    drifted = [r for r in rows if r.get("_drifted")]
    n = int(seconds * RATE)
    lines = []
    labels = []  # (time, line) delayed ground truth
    hi, di = 0, 0
    for i in range(n):
        t = start + dt.timedelta(seconds=i / RATE + rng.random() * 0.2)
        minute = (t - START).total_seconds() / 60
        share = 0.0
        if inject and minute >= GRADUAL_DRIFT[0]:
            share = min(1.0, (minute - GRADUAL_DRIFT[0]) / (GRADUAL_DRIFT[1] - GRADUAL_DRIFT[0]))
        if drifted and rng.random() < share:
            row = drifted[di % len(drifted)]
            di += 1
        else:
            row = healthy[hi % len(healthy)]
            hi += 1
        version = "v2" if inject and minute >= CANARY and rng.random() < 0.15 else "v1"
        group = extra.choices([g for g, _ in GROUPS], [w for _, w in GROUPS])[0]
        e = event(rng, row, t, version, minute, inject=inject, group=group, extra=extra)
        e["request_id"] = f"{prefix}{i}"
        lines.append((t, json.dumps(e, ensure_ascii=False)))
        if inject and version == "v1" and i % 2 == 0:
            # Every other v1 request is mirrored to the shadow (its null outputs too: v3 still answers).
            st, s = shadow(extra, row, e, t, minute, inject=inject)
            lines.append((st, json.dumps(s, ensure_ascii=False)))
        if inject and in_window(minute, MALFORMED) and i % 3 == 0:
            lines.append((t, json.dumps(e)[: rng.randint(20, 120)]))  # truncated by a broken producer
            lines.append((t, "ERROR worker-7: \x1b[31mconnection reset\x1b[0m"))
        if i % 4 == 0:
            lines.append((t, json.dumps({"ts": iso(t), "type": "system", "host": "model-a1",
                                         "cpu_pct": round(35 + 10 * rng.random() + (40 if inject and in_window(minute, LATENCY_SPIKE) else 0), 1),
                                         "mem_mb": round(900 + minute * 0.8 + 20 * rng.random(), 1),
                                         "load1": round(1.2 + rng.random() + (3 if inject and in_window(minute, LATENCY_SPIKE) else 0), 2)})))
        if e["prediction"] is not None:
            lt = t + dt.timedelta(seconds=120)
            labels.append((lt, json.dumps({"ts": iso(lt), "type": "label", "request_id": e["request_id"], "label": row["label"]})))
    merged = sorted(lines + labels, key=lambda p: p[0])
    end = start + dt.timedelta(seconds=seconds)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        for t, line in merged:
            if t <= end:
                f.write((line + "\n").encode("utf-8", "surrogateescape"))
    return len(merged)


def main():
    ref = load("synthetic_car_loan_reference.jsonl.gz")
    ana = load("synthetic_car_loan_analysis.jsonl.gz")
    for r in ana[25000:]:
        r["_drifted"] = True
    os.makedirs(OUT, exist_ok=True)
    n1 = write(os.path.join(OUT, "reference.jsonl.gz"), ref, START_REF, 3600, inject=False, seed=1, prefix="ref-")
    n2 = write(os.path.join(OUT, "predictions.jsonl.gz"), ana[:25000] + ana[25000:], START, 3 * 3600, inject=True, seed=2, prefix="req-")
    print(f"reference: {n1} lines, predictions: {n2} lines")


if __name__ == "__main__":
    main()
