#!/usr/bin/env python3
"""Write the drift-statistics fixtures used by Tests/MLWatchCoreTests/Statistics.

Run by hand (needs scipy 1.17.1, numpy, pandas < 3 and evidently 0.7.23; evidently 0.7.23
does not import under pandas 3, so use e.g. a venv with --system-site-packages and pandas 2.3):

    python3 scripts/drift_fixtures.py

Every case stores the raw reference and current values (NaN/missing as null, +/-inf as the
strings "inf"/"-inf") and the numbers scipy and Evidently give for them. Expected values come from
Evidently's own stattest objects where one exists (psi, kl_div, jensenshannon, wasserstein,
chisquare, z, ks p-value and the default test choice via get_stattest) and from scipy otherwise
(ks_2samp statistic, raw wasserstein_distance). Values are rounded to 4 decimals before use, so
the JSON holds exactly the numbers both sides compute on.
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy
from scipy import stats

from evidently.legacy.calculations.stattests import registry
from evidently.legacy.calculations.stattests.utils import get_binned_data
from evidently.legacy.calculations.stattests import (
    chi_stat_test, jensenshannon_stat_test, kl_div_stat_test, ks_stat_test, psi_stat_test,
    wasserstein_stat_test, z_stat_test,
)
from evidently.legacy.core import ColumnType

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "MLWatchCoreTests", "Fixtures", "drift")
TEST_ID = {"ks": "ks", "wasserstein": "wasserstein", "psi": "psi", "kl_div": "kl",
           "jensenshannon": "jensenshannon", "chisquare": "chisquare", "z": "z"}


def encode(values):
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append(None)
        elif isinstance(v, float) and math.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(float(v))
    return out


def clean(series):
    """Evidently's get_one_column_drift cleaning."""
    return series.replace([-np.inf, np.inf], np.nan).dropna()


def num(x):
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def numeric_case(name, reference, current, note=""):
    reference = [None if v is None else round(float(v), 4) if math.isfinite(v) else float(v) for v in reference]
    current = [None if v is None else round(float(v), 4) if math.isfinite(v) else float(v) for v in current]
    ref = clean(pd.Series(reference, dtype="float64"))
    cur = clean(pd.Series(current, dtype="float64"))
    t = ColumnType.Numerical
    ks = stats.ks_2samp(ref.to_numpy(), cur.to_numpy())
    n1, n2 = len(ref), len(cur)
    exp = {
        "reference_count": n1,
        "current_count": n2,
        "ks_statistic": float(ks.statistic),
        "ks_pvalue": float(ks_stat_test(ref, cur, t, None).drift_score),
        "ks_method": "exact" if max(n1, n2) <= 10000 else "asymptotic",
        "wasserstein_raw": float(stats.wasserstein_distance(ref, cur)),
        "wasserstein_normed": float(wasserstein_stat_test(ref, cur, t, None).drift_score),
        "psi": float(psi_stat_test(ref, cur, t, None).drift_score),
        "kl": float(kl_div_stat_test(ref, cur, t, None).drift_score),
        "js": float(jensenshannon_stat_test(ref, cur, t, None).drift_score),
        "n_values": int(pd.concat([ref, cur]).nunique()),
        "reference_distinct": int(ref.nunique()),
    }
    if exp["n_values"] <= 20:
        r = chi_stat_test(ref, cur, t, None)
        exp["chi2_pvalue"] = num(r.drift_score)
    if exp["n_values"] <= 2:
        exp["z_pvalue"] = num(z_stat_test(ref, cur, t, None).drift_score)
    default = registry.get_stattest(ref, cur, t, None)
    res = default(ref, cur, t, None)
    exp["default_test"] = TEST_ID[default.name]
    exp["default_score"] = num(res.drift_score)
    exp["default_threshold"] = float(res.actual_threshold)
    exp["default_detected"] = bool(res.drifted)
    rp, cp = get_binned_data(ref, cur, t, 30, feel_zeroes=False)
    if ref.nunique() > 20:
        edges = np.histogram_bin_edges(np.asarray(pd.concat([ref, cur]).values), bins="sturges")
        exp["bin_edges"] = [float(e) for e in edges]
        exp["reference_shares"] = [float(s) for s in rp]
        exp["current_shares"] = [float(s) for s in cp]
    else:
        keys = list(set(ref.dropna().unique()) | set(cur.dropna().unique()))
        order = sorted(range(len(keys)), key=lambda i: keys[i])
        exp["bin_values"] = [float(keys[i]) for i in order]
        exp["reference_shares"] = [float(rp[i]) for i in order]
        exp["current_shares"] = [float(cp[i]) for i in order]
    return {"name": name, "note": note, "reference": encode(reference), "current": encode(current), "expected": exp}


def categorical_case(name, ref_counts, cur_counts, note=""):
    ref = pd.Series([k for k, c in ref_counts.items() for _ in range(c)], dtype="object")
    cur = pd.Series([k for k, c in cur_counts.items() for _ in range(c)], dtype="object")
    t = ColumnType.Categorical
    exp = {
        "psi": float(psi_stat_test(ref, cur, t, None).drift_score),
        "kl": float(kl_div_stat_test(ref, cur, t, None).drift_score),
        "js": float(jensenshannon_stat_test(ref, cur, t, None).drift_score),
        "chi2_pvalue": num(chi_stat_test(ref, cur, t, None).drift_score),
        "n_values": int(pd.concat([ref, cur]).nunique()),
        "unseen": sorted(set(cur_counts) - set(ref_counts)),
        "vanished": sorted(set(ref_counts) - set(cur_counts)),
    }
    keys = sorted(set(ref_counts) | set(cur_counts))
    fexp = np.array([ref_counts.get(k, 0) * len(cur) / len(ref) for k in keys])
    fobs = np.array([cur_counts.get(k, 0) for k in keys])
    with np.errstate(divide="ignore", invalid="ignore"):
        exp["chi2_statistic"] = num(np.sum((fobs - fexp) ** 2 / fexp))
    if exp["n_values"] <= 2:
        exp["z_pvalue"] = num(z_stat_test(ref, cur, t, None).drift_score)
    default = registry.get_stattest(ref, cur, t, None)
    res = default(ref, cur, t, None)
    exp["default_test"] = TEST_ID[default.name]
    exp["default_score"] = num(res.drift_score)
    exp["default_threshold"] = float(res.actual_threshold)
    exp["default_detected"] = bool(res.drifted)
    return {"name": name, "note": note, "reference_counts": ref_counts, "current_counts": cur_counts,
            "expected": exp}


def main():
    rng = np.random.default_rng(20261122)
    numeric = []
    numeric.append(numeric_case("normal_vs_shifted", rng.normal(0, 1, 2000), rng.normal(0.3, 1, 1500),
                                "n1 != n2 <= 10000: exact lattice-path p-value; Sturges bins"))
    numeric.append(numeric_case("normal_same_equal_n", rng.normal(0, 1, 500), rng.normal(0, 1, 500),
                                "n1 == n2: _compute_prob_outside_square; ks default (ref <= 1000)"))
    numeric.append(numeric_case("small_integers_ties", rng.poisson(3, 800), rng.poisson(3.6, 600),
                                "heavy ties, discrete bins (<= 20 distinct reference values)"))
    numeric.append(numeric_case("tiny_5_vs_7", rng.normal(0, 1, 5), rng.normal(1, 1, 7)))
    numeric.append(numeric_case("tiny_10_vs_10", rng.normal(0, 1, 10), rng.normal(0.5, 1, 10)))
    numeric.append(numeric_case("tiny_30_vs_12", rng.normal(0, 1, 30), rng.normal(0.2, 2, 12)))
    numeric.append(numeric_case("tiny_8_vs_30_ties", rng.integers(0, 4, 8).astype(float), rng.integers(0, 6, 30).astype(float)))
    numeric.append(numeric_case("unequal_9000_vs_7000", rng.normal(0, 1, 9000), rng.normal(0.05, 1, 7000),
                                "both <= 10000, lattice path"))
    numeric.append(numeric_case("unequal_12000_vs_3000", rng.normal(0, 1, 12000), rng.normal(0.04, 1, 3000),
                                "max > 10000: asymptotic kstwo.sf with n = round(n1 n2/(n1+n2)), n>140"))
    numeric.append(numeric_case("asymptotic_small_en_pomeranz", rng.normal(0, 1, 20000), rng.normal(0.3, 1, 100),
                                "asymptotic with en ~ 100 <= 140: Pomeranz / DMTW branch"))
    numeric.append(numeric_case("asymptotic_small_en_dmtw", rng.normal(0, 1, 15000), rng.normal(0, 1, 40),
                                "asymptotic with en ~ 40"))
    numeric.append(numeric_case("all_equal", [5.0] * 300, [5.0] * 200, "constant column: D=0, p=1, z-test"))
    numeric.append(numeric_case("all_equal_ref_binary_cur", [5.0] * 300, [5.0] * 150 + [6.0] * 50))
    ref = list(rng.normal(10, 2, 1500)); cur = list(rng.normal(10.5, 2, 1200))
    for k in range(0, 1500, 37): ref[k] = float("nan")
    for k in range(5, 1500, 101): ref[k] = None
    ref[3] = float("inf"); ref[4] = float("-inf")
    for k in range(0, 1200, 53): cur[k] = None
    cur[7] = float("inf")
    numeric.append(numeric_case("with_nan_inf_missing", ref, cur, "NaN, +/-inf and missing dropped per side"))
    numeric.append(numeric_case("lognormal_skewed", rng.lognormal(0, 1, 5000), rng.lognormal(0.1, 1.2, 5000),
                                "n1 == n2 = 5000 exact; wasserstein default"))
    numeric.append(numeric_case("binary_numeric_large_ref", rng.integers(0, 2, 3000).astype(float),
                                (rng.random(2000) < 0.6).astype(float), "ref > 1000, <= 5 values: jensenshannon"))
    numeric.append(numeric_case("three_values_small_ref", rng.integers(0, 3, 700).astype(float),
                                rng.integers(0, 3, 400).astype(float), "ref <= 1000, 3..5 values: chisquare"))
    numeric.append(numeric_case("binary_numeric_small_ref", rng.integers(0, 2, 700).astype(float),
                                (rng.random(500) < 0.56).astype(float), "ref <= 1000, <= 2 values: z"))
    numeric.append(numeric_case("mostly_same", np.concatenate([rng.normal(0, 1, 1000), np.zeros(1000)]),
                                np.concatenate([rng.normal(0, 1, 500), np.zeros(300)]), "large tie block at 0"))
    large = [numeric_case("large_100k_vs_50k", rng.normal(0, 1, 100_000), rng.normal(0.01, 1, 50_000),
                          "asymptotic, n = 33333 (PelzGood or smirnov branch); wasserstein default")]

    categorical = [
        categorical_case("unseen_and_vanished", {"A": 500, "B": 300, "C": 200}, {"A": 400, "B": 350, "D": 50},
                         "category D unseen: chi2 statistic inf, p = 0; C vanished"),
        categorical_case("categorical_large_shift", {"a": 2000, "b": 1500, "c": 800, "d": 400, "e": 200, "f": 100},
                         {"a": 900, "b": 1000, "c": 600, "d": 300, "e": 150, "f": 50}, "ref > 1000: jensenshannon"),
        categorical_case("categorical_small_no_drift", {"x": 300, "y": 200, "z": 100}, {"x": 310, "y": 190, "z": 100}),
        categorical_case("binary_small", {"yes": 600, "no": 400}, {"yes": 500, "no": 500}, "z-test default"),
        categorical_case("binary_bool_large", {"true": 1800, "false": 1200}, {"true": 1500, "false": 1500}),
        categorical_case("single_same_value", {"x": 100}, {"x": 50}, "z: p = 1"),
        categorical_case("single_different_value", {"x": 100}, {"y": 50}),
        categorical_case("unicode_order", {"é": 50, "z": 40, "Z": 30, "a": 20}, {"é": 20, "z": 40, "Z": 30, "a": 50, "ä": 5}),
    ]

    os.makedirs(OUT, exist_ok=True)
    meta = {"scipy": scipy.__version__, "numpy": np.__version__, "evidently": __import__("evidently").__version__}
    for fname, payload in [("numeric.json", numeric), ("numeric_large.json", large), ("categorical.json", categorical)]:
        with open(os.path.join(OUT, fname), "w") as f:
            json.dump({"generator": meta, "cases": payload}, f, separators=(",", ":"), allow_nan=False)
        print(fname, os.path.getsize(os.path.join(OUT, fname)), "bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
