"""Gradient-boosted trees at scale, scikit-learn's side of `bash bench/run.sh trainers scale`.

  trees_scale.py data DIR ROWS FEATURES   writes make_classification data to DIR: ROWS training
                                          rows and ROWS / 4 test rows
  trees_scale.py fit DIR                  fits HistGradientBoostingClassifier on DIR's train
                                          rows (one thread), prints JSON: seconds, accuracy,
                                          peak RSS

Files in DIR: X_train.f64, y_train.f64, X_test.f64, y_test.f64 (little-endian float64,
row-major) and meta.json with the shapes. Both sides fit 100 iterations of 31 leaves, learning
rate 0.1, 20 samples per leaf, 255 bins, no early stopping.
"""
import json
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def write_data(out, rows, features):
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split

    X, y = make_classification(
        n_samples=rows + rows // 4, n_features=features, n_informative=max(2, features // 2),
        n_redundant=features // 10, flip_y=0.05, random_state=0,
    )
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=rows // 4, random_state=0)
    os.makedirs(out, exist_ok=True)
    for name, a in (("X_train", X_train), ("y_train", y_train), ("X_test", X_test), ("y_test", y_test)):
        np.ascontiguousarray(a, dtype="<f8").tofile(os.path.join(out, name + ".f64"))
    meta = {"features": features, "train": len(y_train), "test": len(y_test)}
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f)
    print(json.dumps(meta))


def fit(out):
    import resource
    import time
    from threadpoolctl import threadpool_limits
    import sklearn
    from sklearn.ensemble import HistGradientBoostingClassifier

    meta = json.load(open(os.path.join(out, "meta.json")))
    f = meta["features"]
    X_train = np.fromfile(os.path.join(out, "X_train.f64")).reshape(-1, f)
    y_train = np.fromfile(os.path.join(out, "y_train.f64"))
    X_test = np.fromfile(os.path.join(out, "X_test.f64")).reshape(-1, f)
    y_test = np.fromfile(os.path.join(out, "y_test.f64"))
    model = HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
        max_bins=255, early_stopping=False, random_state=0,
    )
    with threadpool_limits(limits=1):
        start = time.perf_counter()
        model.fit(X_train, y_train)
        seconds = time.perf_counter() - start
    accuracy = float((model.predict(X_test) == y_test).mean())
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "accuracy": accuracy, "peakMiB": peak_mib, "sklearn": sklearn.__version__}))


if __name__ == "__main__":
    if sys.argv[1] == "data":
        write_data(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        fit(sys.argv[2])
