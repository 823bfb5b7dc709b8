#!/usr/bin/env python3
"""The Python baseline of the end-to-end drift figure: read a reference and a current log, then test
every numeric feature the way scipy users do.

    .build-release/release/mlwatch-bench gen drift --events 100000 --features 20 --out /tmp/ref.jsonl
    .build-release/release/mlwatch-bench gen drift --events 100000 --features 20 --current --out /tmp/cur.jsonl
    python3 scripts/drift_e2e_python.py /tmp/ref.jsonl /tmp/cur.jsonl

Both logs are read with `json.loads` per line; each feature becomes a numpy float64 column (null and
non-finite values dropped, as Evidently drops them), and each column pair gets `scipy.stats.ks_2samp`
(statistic and p-value, method "auto") and `scipy.stats.wasserstein_distance`. Prints the wall time of the
whole run (reading included) and the first feature's numbers, to compare with `mlwatch check --reference`.
"""
import json
import sys
import time

import numpy as np
from scipy import stats


def columns(path):
    cols = {}
    with open(path, "rb") as f:
        for line in f:
            e = json.loads(line)
            if e.get("type", "prediction") != "prediction":
                continue
            for k, v in (e.get("features") or {}).items():
                cols.setdefault(k, []).append(np.nan if v is None else v)
    out = {}
    for k, vs in cols.items():
        a = np.asarray(vs, dtype=np.float64)
        out[k] = a[np.isfinite(a)]
    return out


def main():
    t0 = time.perf_counter()
    ref = columns(sys.argv[1])
    cur = columns(sys.argv[2])
    t1 = time.perf_counter()
    results = {}
    for name in ref:
        if name not in cur:
            continue
        ks = stats.ks_2samp(ref[name], cur[name])
        w = stats.wasserstein_distance(ref[name], cur[name])
        results[name] = (ks.statistic, ks.pvalue, w)
    t2 = time.perf_counter()
    print(f"python json + numpy + scipy: {len(results)} features, read {t1 - t0:.3f} s + tests {t2 - t1:.3f} s "
          f"= {t2 - t0:.3f} s")
    first = sorted(results)[0]
    print("%s: D=%.6g p=%.6g W=%.6g" % ((first,) + results[first]))


if __name__ == "__main__":
    main()
