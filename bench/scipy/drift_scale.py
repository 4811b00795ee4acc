#!/usr/bin/env python3
"""Baseline for `bench/run.sh drift scale`: the drift tests Evidently picks for a large
reference, with SciPy, over many features, one feature in memory at a time.

    python3 bench/scipy/drift_scale.py gen <dir> <rows> <features>
        writes the data (seeded, as drift_baseline.py makes it), one column at a time:
        ref{j}.f64 / cur{j}.f64 (raw little-endian float64), cref{j}.txt / ccur{j}.txt (lines)
    python3 bench/scipy/drift_scale.py time <dir> <rows> <features>
        one round: each feature's files are read (not timed), then its test is run (timed);
        prints one JSON object: seconds, the tests, their statistics, peak RSS in MiB
"""

import json
import pathlib
import resource
import sys
import time

import numpy as np

from drift_baseline import categorical_column, evidently_default, numeric_column

mode, out = sys.argv[1], pathlib.Path(sys.argv[2])
rows, features = int(sys.argv[3]), int(sys.argv[4])
numeric = features * 4 // 5
categorical = features - numeric

if mode == "gen":
    rng = np.random.default_rng(7)
    for j in range(numeric):
        ref, cur = numeric_column(rng, j, rows, rows)
        ref.astype("<f8").tofile(out / f"ref{j}.f64")
        cur.astype("<f8").tofile(out / f"cur{j}.f64")
    for j in range(categorical):
        ref, cur = categorical_column(rng, j, rows, rows)
        (out / f"cref{j}.txt").write_text("\n".join(ref))
        (out / f"ccur{j}.txt").write_text("\n".join(cur))
    print(json.dumps({"numeric": numeric, "categorical": categorical}))
elif mode == "time":
    seconds = 0.0
    tests, values = [], []
    for j in range(features):
        if j < numeric:
            kind, ref, cur = "num", np.fromfile(out / f"ref{j}.f64", "<f8"), np.fromfile(out / f"cur{j}.f64", "<f8")
        else:
            k = j - numeric
            kind = "cat"
            ref = np.array((out / f"cref{k}.txt").read_text().split("\n"))
            cur = np.array((out / f"ccur{k}.txt").read_text().split("\n"))
        start = time.perf_counter()
        test, value = evidently_default(kind, ref, cur)
        seconds += time.perf_counter() - start
        tests.append(test)
        values.append(float(value))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "tests": tests, "values": values, "peakRssMiB": peak}))
else:
    sys.exit(f"unknown mode {mode}: gen or time")
