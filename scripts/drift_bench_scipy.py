#!/usr/bin/env python3
"""Time scipy on the same data as `mlwatch-bench drift`.

    swift build -c release --product mlwatch-bench
    .build/release/mlwatch-bench drift --write /tmp/drift_bench.f64
    python3 scripts/drift_bench_scipy.py /tmp/drift_bench.f64 [--features 20] [--events 100000]

The file holds `features` reference columns then `features` current columns of `events`
little-endian float64 each (NaN included). Each refresh does what Evidently does per numeric
column before a test: drop NaN/inf, then ks_2samp (p-value) and wasserstein_distance.
The reference sort is *not* hoisted out (scipy sorts both samples on every call).
"""
import argparse
import statistics
import time

import numpy as np
from scipy import stats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    data = np.fromfile(a.path, dtype="<f8").reshape(2 * a.features, a.events)
    ref = [c[np.isfinite(c)] for c in data[: a.features]]
    cur_raw = data[a.features:]

    def refresh():
        out = []
        for f in range(a.features):
            cur = cur_raw[f][np.isfinite(cur_raw[f])]
            ks = stats.ks_2samp(ref[f], cur)
            w = stats.wasserstein_distance(ref[f], cur)
            out.append((ks.statistic, ks.pvalue, w))
        return out

    refresh()
    times = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        res = refresh()
        times.append((time.perf_counter() - t0) * 1e3)
    print(f"scipy ks_2samp + wasserstein_distance, {a.features} features x {a.events} vs {a.events}: "
          f"median {statistics.median(times):.1f} ms (min {min(times):.1f} ms)")
    print("first feature: D=%.6g p=%.6g W=%.6g" % res[0])


if __name__ == "__main__":
    main()
