#!/usr/bin/env python3
"""Baseline for bench/drift.mts: the same drift tests with SciPy, on the same data.

Generates the data (seeded), writes it for the TypeScript side as raw little-endian float64
(numeric columns) and UTF-8 lines (categorical columns), times each test run over every column,
and prints one JSON object: timings (best of rounds) and the statistics, for cross-checking.

    python3 bench/scipy/drift_baseline.py <dir> <rows> <features> <reference_rows> <rounds>
"""

import json
import pathlib
import sys
import time

import numpy as np
from scipy import stats
from scipy.spatial import distance

LABELS = np.array(["a", "b", "c", "d", "e", "f"])


def numeric_column(rng, j, reference_rows, rows):
    """Feature j: normal, a shifted mean on every fourth feature."""
    ref = rng.normal(j, 1 + j % 3, reference_rows)
    cur = rng.normal(j + (0.3 if j % 4 == 0 else 0), 1 + j % 3, rows)
    return ref, cur


def categorical_column(rng, j, reference_rows, rows):
    """Categorical feature j: six labels, their shares changed on every second feature."""
    p = np.array([0.3, 0.25, 0.2, 0.1, 0.1, 0.05])
    q = p if j % 2 else np.array([0.2, 0.2, 0.2, 0.2, 0.1, 0.1])
    return rng.choice(LABELS, reference_rows, p=p), rng.choice(LABELS, rows, p=q)


def shares(ref, cur):
    keys = list(dict.fromkeys(list(ref) + list(cur)))
    rv, rc = np.unique(ref, return_counts=True)
    cv, cc = np.unique(cur, return_counts=True)
    rd, cd = dict(zip(rv, rc)), dict(zip(cv, cc))
    return np.array([rd.get(k, 0) for k in keys]) / len(ref), np.array([cd.get(k, 0) for k in keys]) / len(cur), keys, rd, cd


def evidently_default(kind, ref, cur):
    """The tests Evidently picks (reference size decides), run with SciPy."""
    if len(ref) <= 1000:
        if kind == "num":
            return "ks", stats.ks_2samp(ref, cur).pvalue
        r, c, keys, rd, cd = shares(ref, cur)
        return "chisquare", stats.chisquare([cd.get(k, 0) for k in keys], [rd.get(k, 0) * len(cur) / len(ref) for k in keys]).pvalue
    if kind == "num":
        return "wasserstein", stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)
    r, c, _, _, _ = shares(ref, cur)
    return "jensenshannon", distance.jensenshannon(r, c)



def main():
    out = pathlib.Path(sys.argv[1])
    rows, features, reference_rows, rounds = (int(a) for a in sys.argv[2:6])
    rng = np.random.default_rng(7)
    numeric = features * 4 // 5
    categorical = features - numeric
    columns = []
    for j in range(numeric):
        ref, cur = numeric_column(rng, j, reference_rows, rows)
        ref.astype("<f8").tofile(out / f"ref{j}.f64")
        cur.astype("<f8").tofile(out / f"cur{j}.f64")
        columns.append(("num", ref, cur))
    for j in range(categorical):
        ref, cur = categorical_column(rng, j, reference_rows, rows)
        (out / f"cref{j}.txt").write_text("\n".join(ref))
        (out / f"ccur{j}.txt").write_text("\n".join(cur))
        columns.append(("cat", ref, cur))

    results = None
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        results = [evidently_default(kind, ref, cur) for kind, ref, cur in columns]
        best = min(best, time.perf_counter() - start)

    print(json.dumps({"seconds": best, "numeric": numeric, "categorical": categorical, "tests": [t for t, _ in results], "values": [float(v) for _, v in results]}))


if __name__ == "__main__":
    main()
