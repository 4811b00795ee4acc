#!/usr/bin/env python3
"""The trainer quality suite's tables and scikit-learn's scores on them, as JSON on stdout.

Run by bench/trainers.mts (with Debian's /usr/bin/python3 and python3-sklearn); the platform's
side is then fit on exactly these rows. Tables: iris, wine and breast_cancer (bundled with
scikit-learn) and synthetic sets from make_classification, make_moons and make_circles, 100 to
5,000 rows, 2 to 10 classes, some with label noise and uninformative columns. Each is split once
with train_test_split(test_size=0.25, stratify=y, random_state=0).

scikit-learn's side is its default pipelines: make_pipeline(StandardScaler(),
LogisticRegression()) and HistGradientBoostingClassifier(random_state=0), fit on the train rows,
accuracy on the test rows, single-threaded (OMP_NUM_THREADS=1 is set by the caller).
"""

import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_iris, load_wine, make_circles, make_classification, make_moons
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def tables():
    yield "iris", *load_iris(return_X_y=True)
    yield "wine", *load_wine(return_X_y=True)
    yield "breast_cancer", *load_breast_cancer(return_X_y=True)
    yield "classification_100x4", *make_classification(n_samples=100, n_features=4, n_informative=2, n_redundant=1, random_state=1)
    yield "classification_500x5", *make_classification(n_samples=500, n_features=5, n_informative=3, n_redundant=0, flip_y=0.05, random_state=2)
    yield "classification_2000x10_3cls_noise", *make_classification(n_samples=2000, n_features=10, n_informative=4, n_redundant=2, n_classes=3, flip_y=0.1, random_state=3)
    yield "classification_5000x10_10cls", *make_classification(n_samples=5000, n_features=10, n_informative=6, n_redundant=0, n_classes=10, n_clusters_per_class=1, random_state=4)
    yield "moons_300", *make_moons(n_samples=300, noise=0.25, random_state=5)
    yield "moons_1000", *make_moons(n_samples=1000, noise=0.35, random_state=6)
    yield "circles_500", *make_circles(n_samples=500, noise=0.1, factor=0.5, random_state=7)


def fit_score(model, X, y, train, test):
    start = time.perf_counter()
    model.fit(X[train], y[train])
    seconds = time.perf_counter() - start
    return {"accuracy": float((model.predict(X[test]) == y[test]).mean()), "fitSeconds": seconds}


def main():
    warnings.simplefilter("ignore")
    out = []
    for name, X, y in tables():
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        train, test = train_test_split(np.arange(len(y)), test_size=0.25, stratify=y, random_state=0)
        out.append({
            "name": name, "rows": int(len(y)), "features": int(X.shape[1]), "classes": int(len(np.unique(y))),
            "X": X.tolist(), "y": y.tolist(), "train": train.tolist(), "test": test.tolist(),
            "sklearn": {
                "logistic_regression": fit_score(make_pipeline(StandardScaler(), LogisticRegression()), X, y, train, test),
                "gradient_boosted_trees": fit_score(HistGradientBoostingClassifier(random_state=0), X, y, train, test),
            },
        })
    json.dump({"sklearn": sklearn.__version__, "tables": out}, sys.stdout, separators=(",", ":"))


if __name__ == "__main__":
    main()
