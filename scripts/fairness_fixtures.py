#!/usr/bin/env python3
"""Writes Tests/MLWatchCoreTests/Fixtures/fairness/fairness.json: per-group rates and the gap metrics that
Fairlearn computes for a handful of prediction windows, which `FairnessCalculatorTests` checks
`FairnessCalculator` against (tests never run Python).

Run by hand from the repository root:  python3 scripts/fairness_fixtures.py
Needs fairlearn (0.15) and its dependencies (numpy, pandas, scikit-learn). Deterministic (fixed seeds).

What mlwatch computes, and how it maps onto Fairlearn (the `expected` block of each case):
- selection_rate per group: Fairlearn's `selection_rate(y_pred, pos_label=positive)` over every non-null
  prediction of the group, labelled or not (y_true is not used by selection_rate).
- true_positive_rate / false_positive_rate per group: Fairlearn's `true_positive_rate` /
  `false_positive_rate` over the group's labelled predictions, the outcomes binarised as
  "equals `positive`" (Fairlearn needs binary y; a multiclass model is positive-vs-rest).
- demographic_parity_difference / ratio: `demographic_parity_difference` / `demographic_parity_ratio`
  (method "between_groups": group max − min, min / max) over every prediction.
- equalized_odds_difference: `equalized_odds_difference` (method "between_groups", agg "worst_case":
  the larger of the TPR gap and the FPR gap) over the labelled predictions.

Where mlwatch deliberately differs (documented in the README, recorded here side by side):
- A group with fewer than `min_samples` behind a rate (predictions for the selection rate, labelled
  positives for TPR, labelled negatives for FPR; at least 1) gets no value for that rate ("n/a") and is
  left out of the gaps built on it. Fairlearn reports TPR 0 for a group without positive labels (and FPR
  0 without negatives: scikit-learn's confusion matrix with normalize="true" turns 0/0 into 0), which
  makes the equalized odds difference look large. The `fairlearn_raw` block keeps Fairlearn's numbers
  on the whole data; `expected` is Fairlearn run on the groups that have enough data for each rate.
- A gap needs two groups with a value; with fewer mlwatch emits no gap (Fairlearn says 0, or 1 for
  the ratio, which would read as "fair"). The ratio is NaN (JSON null) when every selection rate is 0,
  as in Fairlearn (0 / 0).
"""
import functools
import warnings
import json
import math
import os
import random

import numpy as np
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    false_positive_rate,
    selection_rate,
    true_positive_rate,
)
import fairlearn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "MLWatchCoreTests", "Fixtures", "fairness", "fairness.json")


def num(x):
    """JSON-safe float: NaN becomes the string "NaN" (the test reads it back)."""
    if x is None:
        return None
    x = float(x)
    return "NaN" if math.isnan(x) else x


def case(name, rows, positive, min_samples=1, note=""):
    """rows: (group, prediction, label or None). prediction/label are numbers or strings."""
    groups = sorted({g for g, _, _ in rows})
    pos = positive
    y_pred = [p for _, p, _ in rows]
    sf = [g for g, _, _ in rows]
    labelled = [(g, p, l) for g, p, l in rows if l is not None]

    # Per group, with mlwatch's eligibility rules.
    per_group = {}
    for g in groups:
        preds = [p for gg, p, _ in rows if gg == g]
        lab = [(p, l) for gg, p, l in labelled if gg == g]
        positives = [(p, l) for p, l in lab if l == pos]
        negatives = [(p, l) for p, l in lab if l != pos]
        sel = float(selection_rate(preds, preds, pos_label=pos)) if len(preds) >= max(1, min_samples) else None
        yt = [l == pos for _, l in lab]
        yp = [p == pos for p, _ in lab]
        tpr = float(true_positive_rate(yt, yp, pos_label=True)) if len(positives) >= max(1, min_samples) else None
        fpr = float(false_positive_rate(yt, yp, pos_label=True)) if len(negatives) >= max(1, min_samples) else None
        per_group[g] = {
            "predictions": len(preds), "selected": sum(1 for p in preds if p == pos), "labelled": len(lab),
            "label_positives": len(positives), "label_negatives": len(negatives),
            "selection_rate": num(sel), "true_positive_rate": num(tpr), "false_positive_rate": num(fpr),
        }

    def gap_rows(key):
        return [g for g in groups if per_group[g][key] is not None]

    sel_groups = gap_rows("selection_rate")
    expected = {"groups": per_group}
    if len(sel_groups) >= 2:
        sub = [(g, p) for g, p, _ in rows if g in sel_groups]
        yp = [p for _, p in sub]
        s = [g for g, _ in sub]
        frame = MetricFrame(metrics=functools.partial(selection_rate, pos_label=pos), y_true=yp, y_pred=yp,
                            sensitive_features=s)
        expected["demographic_parity_difference"] = num(frame.difference())
        expected["demographic_parity_ratio"] = num(frame.ratio())
        if pos == 1:
            # selection_rate's default positive: the same numbers straight from Fairlearn's functions.
            d = demographic_parity_difference(yp, yp, sensitive_features=s)
            r = demographic_parity_ratio(yp, yp, sensitive_features=s)
            assert d == frame.difference() and (r == frame.ratio() or (math.isnan(r) and math.isnan(frame.ratio())))
    else:
        expected["demographic_parity_difference"] = None
        expected["demographic_parity_ratio"] = None

    tpr_groups = gap_rows("true_positive_rate")
    fpr_groups = gap_rows("false_positive_rate")
    if len(tpr_groups) >= 2 and len(fpr_groups) >= 2:
        def gap(metric, keep):
            sub = [(g, p == pos, l == pos) for g, p, l in labelled if g in keep]
            return float(MetricFrame(metrics=functools.partial(metric, pos_label=True),
                                     y_true=[t for _, _, t in sub], y_pred=[p for _, p, _ in sub],
                                     sensitive_features=[g for g, _, _ in sub]).difference())
        tgap = gap(true_positive_rate, tpr_groups)
        fgap = gap(false_positive_rate, fpr_groups)
        expected["true_positive_rate_gap"] = num(tgap)
        expected["false_positive_rate_gap"] = num(fgap)
        expected["equalized_odds_difference"] = num(max(tgap, fgap))
        if tpr_groups == groups and fpr_groups == groups:
            # Every group eligible: the same number straight from Fairlearn's function.
            yt = [l == pos for _, _, l in labelled]
            yp = [p == pos for _, p, _ in labelled]
            direct = equalized_odds_difference(yt, yp, sensitive_features=[g for g, _, _ in labelled])
            assert abs(direct - max(tgap, fgap)) < 1e-15, (name, direct, tgap, fgap)
    else:
        expected["true_positive_rate_gap"] = None
        expected["false_positive_rate_gap"] = None
        expected["equalized_odds_difference"] = None

    # Fairlearn on the whole data, without mlwatch's eligibility rules (for the record).
    raw = {}
    if len(groups) >= 1:
        sel_frame = MetricFrame(metrics=functools.partial(selection_rate, pos_label=pos), y_true=y_pred,
                                y_pred=y_pred, sensitive_features=sf)
        raw["selection_rate"] = {str(k): num(v) for k, v in sel_frame.by_group.items()}
        raw["demographic_parity_difference"] = num(sel_frame.difference())
        raw["demographic_parity_ratio"] = num(sel_frame.ratio())
    if labelled:
        yt = [l == pos for _, _, l in labelled]
        yp = [p == pos for _, p, _ in labelled]
        s = [g for g, _, _ in labelled]
        eo = MetricFrame(metrics={"tpr": functools.partial(true_positive_rate, pos_label=True),
                                  "fpr": functools.partial(false_positive_rate, pos_label=True)},
                         y_true=yt, y_pred=yp, sensitive_features=s)
        raw["true_positive_rate"] = {str(k): num(v) for k, v in eo.by_group["tpr"].items()}
        raw["false_positive_rate"] = {str(k): num(v) for k, v in eo.by_group["fpr"].items()}
        raw["equalized_odds_difference"] = num(equalized_odds_difference(yt, yp, sensitive_features=s))

    return {
        "name": name, "note": note, "positive": pos, "min_samples": min_samples,
        "rows": [[g, p, l] for g, p, l in rows],
        "expected": expected, "fairlearn_raw": raw,
    }


def synthetic(seed, n, groups, sel, tpr_fpr, label_share=1.0, classes=(0, 1)):
    """n rows: group drawn from `groups` (weights), label positive with prob 0.5, prediction from the
    group's TPR/FPR (labelled) or selection rate (unlabelled)."""
    rng = random.Random(seed)
    names = [g for g, _ in groups]
    weights = [w for _, w in groups]
    neg, pos = classes
    rows = []
    for _ in range(n):
        g = rng.choices(names, weights)[0]
        y = pos if rng.random() < 0.5 else neg
        tpr, fpr = tpr_fpr[g]
        p_pos = tpr if y == pos else fpr
        p = pos if rng.random() < p_pos else neg
        label = y if rng.random() < label_share else None
        if label is None and rng.random() < 0.5:
            # Unlabelled predictions follow the group's selection rate instead.
            p = pos if rng.random() < sel[g] else neg
        rows.append((g, p, label))
    return rows


def main():
    warnings.filterwarnings("ignore", message="Supplied .func. had no __name__")
    cases = []
    cases.append(case(
        "three_groups_binary",
        synthetic(1, 600, [("A", 3), ("B", 2), ("C", 1)], {"A": 0.6, "B": 0.5, "C": 0.3},
                  {"A": (0.8, 0.3), "B": (0.7, 0.25), "C": (0.5, 0.1)}),
        1, note="every prediction labelled; every group eligible"))
    cases.append(case(
        "unlabelled_predictions_count_for_selection",
        synthetic(2, 800, [("north", 1), ("south", 1), ("east", 1)], {"north": 0.7, "south": 0.4, "east": 0.55},
                  {"north": (0.9, 0.4), "south": (0.6, 0.2), "east": (0.75, 0.3)}, label_share=0.4),
        1, note="60% of predictions have no label yet: selection rate over all, TPR/FPR over the labelled"))
    cases.append(case(
        "string_classes",
        synthetic(3, 500, [("x", 1), ("y", 1)], {"x": 0.5, "y": 0.5},
                  {"x": (0.85, 0.2), "y": (0.55, 0.35)}, classes=("reject", "approve")),
        "approve", note="string predictions and labels, positive = approve"))
    # A group with no positive label: Fairlearn gives it TPR 0; mlwatch leaves it out of the TPR gap.
    rows = synthetic(4, 400, [("A", 1), ("B", 1)], {"A": 0.5, "B": 0.5}, {"A": (0.8, 0.3), "B": (0.6, 0.2)})
    rng = random.Random(40)
    for _ in range(30):
        rows.append(("C", 1 if rng.random() < 0.2 else 0, 0))
    cases.append(case("group_without_positive_labels", rows, 1,
                      note="group C has only negative labels: Fairlearn's TPR for C is 0 (raw), mlwatch's is n/a"))
    # A small group below min_samples: n/a for every rate and out of every gap.
    rows = synthetic(5, 500, [("big", 4), ("mid", 3)], {"big": 0.5, "mid": 0.45}, {"big": (0.7, 0.3), "mid": (0.65, 0.2)})
    rows += [("tiny", 1, 1), ("tiny", 0, 1), ("tiny", 0, 0), ("tiny", 0, None)]
    cases.append(case("small_group_below_min_samples", rows, 1, min_samples=20,
                      note="group tiny has 4 predictions (< 20): n/a, excluded from the gaps"))
    cases.append(case(
        "nothing_selected",
        [(g, 0, l) for g, l in [("A", 0), ("A", 1), ("B", 0), ("B", 1), ("B", 0)]],
        1, note="no group selected: demographic parity ratio 0/0 = NaN as in Fairlearn"))
    cases.append(case(
        "multiclass_positive_vs_rest",
        [(g, p, l) for g, p, l in [
            ("A", 2, 2), ("A", 1, 2), ("A", 0, 0), ("A", 2, 1), ("A", 2, 2), ("A", 0, 1),
            ("B", 2, 2), ("B", 2, 0), ("B", 1, 1), ("B", 0, 2), ("B", 1, 0), ("B", 2, None)]],
        2, note="classes 0, 1, 2 with positive 2: binarised as 2 vs the rest"))
    doc = {
        "generator": "scripts/fairness_fixtures.py",
        "fairlearn": fairlearn.__version__,
        "numpy": np.__version__,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
