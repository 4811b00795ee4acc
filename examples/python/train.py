#!/usr/bin/python3
"""Trains a classifier on a feature-store snapshot and registers it on the platform, the way a
data scientist would outside it: scikit-learn for the model, plain HTTP (requests) for the
platform's MLflow-compatible API. Debian's packages only: run it with /usr/bin/python3.

  1. reads a point-in-time snapshot's rows (GET /api/snapshots/<id>/rows), or builds one first
     (POST /api/snapshots) over a time range of the feature view's dataset;
  2. trains a logistic regression, a few lbfgs iterations per epoch, logging params and each
     epoch's metrics to an MLflow run (runs/create, runs/log-batch);
  3. exports it as ONNX (onnx_export.py), uploads model.onnx to the run's artifacts, creates the
     registered model if missing and a model version from the run, and waits until it is READY.

Environment: MLFLOW_TRACKING_URI (the console's URL) and MLFLOW_TRACKING_TOKEN.
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

from onnx_export import fold_standardization, logistic_regression_onnx
from platform_client import PlatformClient, tags_of

# Registered-model tags: who trains the model (the platform's trainer then leaves its training
# requests to external_trainer.py) and which feature view its snapshots come from.
TRAINER_TAG = "mlops.trainer"
EXTERNAL = "external"
FEATURE_VIEW_TAG = "mlops.feature_view"
# Run tag naming the snapshot trained on: the console puts it into the version's lineage.
SNAPSHOT_TAG = "mlops.snapshot_id"
SAMPLE_ROWS = 5


def load_snapshot(client, snapshot_id, max_rows):
    """Feature matrix (NaN for nulls), integer labels and the snapshot's metadata."""
    meta = client.snapshot(snapshot_id)
    names = meta["featureNames"]
    features, labels = [], []
    for row in client.snapshot_rows(snapshot_id, max_rows):
        if row["label"] is None:
            continue
        features.append([number(names[i], v) for i, v in enumerate(row["values"])])
        labels.append(class_of(row["label"]))
    if not labels:
        raise ValueError(f"snapshot {snapshot_id} has no labelled rows ({meta['rowCount']} rows in all)")
    return names, np.asarray(features, dtype=np.float64).reshape(len(labels), len(names)), np.asarray(labels, dtype=np.int64), meta


def number(feature, value):
    if value is None:
        return np.nan
    if isinstance(value, str):
        raise ValueError(f"feature {feature} is categorical ({value!r}); this example trains on numbers only: one-hot encode it in the feature view")
    return float(value)


def class_of(label):
    try:
        value = float(label)
    except (TypeError, ValueError):
        value = float("nan")
    if not value.is_integer():
        raise ValueError(f"label {label!r} is not an integer class; the ONNX label output is int64")
    return int(value)


def standardize(X_train):
    """Mean and scale per feature over the training rows (NaN ignored; a constant feature gets scale 1)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nan_to_num(np.nanmean(X_train, axis=0))
        scale = np.nan_to_num(np.nanstd(X_train, axis=0))
    scale[scale == 0] = 1.0
    return mean, scale


def scaled(X, mean, scale):
    # Nulls are filled with the training mean (0 after scaling), for training and evaluation only.
    return np.nan_to_num((X - mean) / scale, nan=0.0)


def fit(X_train, y_train, X_val, y_val, options, on_epoch):
    """Warm-started lbfgs, `iterations_per_epoch` iterations at a time; on_epoch(epoch, metrics) after each."""
    model = LogisticRegression(C=options.C, max_iter=options.iterations_per_epoch, warm_start=True, random_state=options.seed)
    for epoch in range(1, options.epochs + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        on_epoch(epoch, {
            "train_loss": log_loss(y_train, model.predict_proba(X_train), labels=model.classes_),
            "validation_loss": log_loss(y_val, model.predict_proba(X_val), labels=model.classes_),
            "validation_accuracy": accuracy_score(y_val, model.predict(X_val)),
        })
    return model


def evaluate(model, X_val, y_val):
    probabilities = model.predict_proba(X_val)
    metrics = {"accuracy": accuracy_score(y_val, model.predict(X_val)), "log_loss": log_loss(y_val, probabilities, labels=model.classes_)}
    if len(model.classes_) == 2 and len(set(y_val.tolist())) == 2:
        metrics["roc_auc"] = roc_auc_score(y_val, probabilities[:, 1])
    return metrics


def resolve_snapshot(client, options, log):
    if options.snapshot:
        return options.snapshot
    if not options.feature_view:
        raise ValueError("give --snapshot, or --feature-view to build a snapshot from (with --from-ms/--to-ms)")
    built = client.create_snapshot(options.feature_view, options.from_ms, options.to_ms, cut_dataset_version=True)
    log(f"built snapshot {built['snapshotId']} of {built['featureView']} v{built['featureViewVersion']}: {built['rowCount']} rows of {built['dataset']} v{built['datasetVersion']}")
    return built["snapshotId"]


def ensure_registered_model(client, name, feature_view, log):
    model = client.registered_model(name)
    if model is None:
        model = client.create_registered_model(name, f"Trained outside the platform by examples/python/train.py on feature view {feature_view}.", {TRAINER_TAG: EXTERNAL, FEATURE_VIEW_TAG: feature_view})
        log(f"created registered model {name} (tags {TRAINER_TAG}={EXTERNAL}, {FEATURE_VIEW_TAG}={feature_view})")
    elif tags_of(model).get(TRAINER_TAG) != EXTERNAL:
        log(f"note: registered model {name} is not tagged {TRAINER_TAG}={EXTERNAL}: the platform's trainer still answers its training requests")
    return model


def train_and_register(client, options, log=print):
    """The whole script as a function (external_trainer.py calls it); returns a summary dict."""
    snapshot_id = resolve_snapshot(client, options, log)
    names, X, y, meta = load_snapshot(client, snapshot_id, options.max_rows)
    cut = int(round(len(y) * (1 - options.validation_fraction)))
    # Rows come ordered by time: the newest ones are held out, as the model will meet newer data.
    X_train, y_train, X_val, y_val = X[:cut], y[:cut], X[cut:], y[cut:]
    if len(set(y_train.tolist())) < 2 or len(y_val) == 0:
        raise ValueError(f"snapshot {snapshot_id}: {len(y_train)} training rows with classes {sorted(set(y_train.tolist()))} and {len(y_val)} validation rows; need two classes and a validation split")
    log(f"read snapshot {snapshot_id}: {len(y)} labelled rows, features {names}, {len(y_train)} train / {len(y_val)} validation (newest)")

    experiment_id = client.experiment_id(options.experiment or options.model)
    run_tags = {SNAPSHOT_TAG: snapshot_id, FEATURE_VIEW_TAG: meta["featureView"], "mlops.dataset": meta["dataset"], "mlops.dataset_version": meta["datasetVersion"], "mlflow.source.name": "examples/python/train.py", **options.run_tags}
    run = client.create_run(experiment_id, options.run_name or f"{options.model}-logreg", run_tags)
    run_id = run["run_id"]
    log(f"started run {run_id} in experiment {experiment_id}")
    try:
        params = {"algorithm": "logistic_regression", "C": options.C, "epochs": options.epochs, "iterations_per_epoch": options.iterations_per_epoch,
                  "validation_fraction": options.validation_fraction, "seed": options.seed, "snapshot_id": snapshot_id, "feature_view": meta["featureView"],
                  "train_rows": len(y_train), "validation_rows": len(y_val), "sklearn_version": sklearn.__version__}
        client.log_params(run_id, params)
        mean, scale = standardize(X_train)
        on_epoch = lambda epoch, metrics: client.log_metrics(run_id, metrics, step=epoch)  # noqa: E731
        model = fit(scaled(X_train, mean, scale), y_train, scaled(X_val, mean, scale), y_val, options, on_epoch)
        metrics = evaluate(model, scaled(X_val, mean, scale), y_val)
        client.log_metrics(run_id, metrics, step=options.epochs)
        log(f"trained {options.epochs} epochs: " + ", ".join(f"{k} {v:.4f}" for k, v in metrics.items()))

        coef, intercept = fold_standardization(model.coef_, model.intercept_, mean, scale)
        onnx_bytes = logistic_regression_onnx(coef, intercept, model.classes_.tolist(), names, doc=f"logistic regression on snapshot {snapshot_id}")
        source = client.upload_artifact(run["artifact_uri"], "model.onnx", onnx_bytes)
        log(f"uploaded model.onnx ({len(onnx_bytes)} bytes) to {source}")
        client.end_run(run_id, "FINISHED")
    except BaseException:
        client.end_run(run_id, "FAILED")
        raise

    ensure_registered_model(client, options.model, meta["featureView"], log)
    created = client.create_model_version(options.model, source, run_id, options.description, {SNAPSHOT_TAG: snapshot_id, **options.version_tags})
    version = client.wait_until_registered(options.model, created["version"])
    log(f"registered {options.model} version {version['version']}: {version['status']} (run {run_id})")
    sample = X_val[:SAMPLE_ROWS]
    return {"model": options.model, "version": int(version["version"]), "status": version["status"], "run_id": run_id, "experiment_id": experiment_id,
            "snapshot_id": snapshot_id, "feature_names": names, "classes": model.classes_.tolist(), "metrics": metrics, "params": {k: str(v) for k, v in params.items()},
            "sample": {"features": sample.tolist(), "probabilities": model.predict_proba(scaled(sample, mean, scale)).tolist()}}


def key_value(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r} is not KEY=VALUE")
    return key, value


def parser():
    p = argparse.ArgumentParser(description="Train a logistic regression on a feature-store snapshot and register it (MLflow-compatible API).")
    p.add_argument("--model", required=True, help="registered model name: [a-z][a-z0-9_-]*")
    p.add_argument("--snapshot", help="snapshot id to train on")
    p.add_argument("--feature-view", help="feature view to build a snapshot of when --snapshot is not given")
    p.add_argument("--from-ms", type=int, default=0, help="start of the snapshot's time range, epoch ms (0: unbounded)")
    p.add_argument("--to-ms", type=int, default=0, help="end of the snapshot's time range, epoch ms (0: unbounded)")
    p.add_argument("--experiment", help="MLflow experiment (default: the model name)")
    p.add_argument("--run-name")
    p.add_argument("--description", default="", help="model version description")
    p.add_argument("--C", type=float, default=1.0, help="inverse regularization strength")
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--iterations-per-epoch", type=int, default=5)
    p.add_argument("--validation-fraction", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--max-rows", type=int, default=1_000_000, help="refuse snapshots larger than this")
    p.add_argument("--run-tag", type=key_value, action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--version-tag", type=key_value, action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--summary-json", help="also write the summary to this file")
    return p


def check(options):
    if not 0 < options.validation_fraction < 1:
        raise ValueError(f"--validation-fraction must be between 0 and 1, got {options.validation_fraction}")
    if not 1 <= options.epochs <= 1000 or not 1 <= options.iterations_per_epoch <= 10_000:
        raise ValueError("--epochs must be 1..1000 and --iterations-per-epoch 1..10000")
    if options.C <= 0:
        raise ValueError(f"--C must be positive, got {options.C}")
    options.run_tags, options.version_tags = dict(options.run_tag), dict(options.version_tag)
    return options


def main(argv):
    options = parser().parse_args(argv)
    try:
        check(options)
        client = PlatformClient(os.environ.get("MLFLOW_TRACKING_URI", ""), os.environ.get("MLFLOW_TRACKING_TOKEN", ""))
        summary = train_and_register(client, options, log=lambda line: print(f"train.py: {line}", flush=True))
    except Exception as error:  # one line naming the problem, not a traceback
        print(f"train.py: failed: {error}", file=sys.stderr)
        return 1
    if options.summary_json:
        with open(options.summary_json, "w") as out:
            json.dump(summary, out, indent=2)
    print(json.dumps({k: summary[k] for k in ("model", "version", "status", "run_id", "snapshot_id", "metrics")}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
