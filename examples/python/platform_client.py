"""The platform as plain HTTP, with requests: the console's MLflow-compatible REST API
(/api/2.0/mlflow, /api/2.0/mlflow-artifacts) and its feature-store routes (/api/snapshots).

Every call carries the bearer token (MLFLOW_TRACKING_TOKEN) and, when given, a correlation id
(x-correlation-id): the console passes both on to the services, so what is registered here is
audited under the token's owner and its events join the saga of that correlation id.
"""
import time

import requests

# MLflow's limits for one runs/log-batch call.
MAX_BATCH_METRICS = 1000
MAX_BATCH_PARAMS = 100


class PlatformError(Exception):
    """A refusal from the platform: HTTP status, error code and the service's message."""

    def __init__(self, method, path, status, code, message):
        super().__init__(f"{method} {path} -> {status} {code}: {message}")
        self.status = status
        self.code = code


class PlatformClient:
    def __init__(self, base_url, token, correlation_id=None, timeout_s=60):
        if not base_url:
            raise ValueError("no tracking URI: set MLFLOW_TRACKING_URI to the console's URL (e.g. http://127.0.0.1:8080)")
        if not token:
            raise ValueError("no token: set MLFLOW_TRACKING_TOKEN to a platform token (engineer role or above)")
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.session = requests.Session()
        self.session.headers["authorization"] = f"Bearer {token}"
        if correlation_id:
            self.session.headers["x-correlation-id"] = correlation_id

    def call(self, method, path, **kwargs):
        response = self.session.request(method, f"{self.base_url}{path}", timeout=self.timeout_s, **kwargs)
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = {"message": response.text[:500]}
            # MLflow routes answer {error_code, message}; the console's own {code, message}.
            code = body.get("error_code") or body.get("code") or "UNKNOWN"
            raise PlatformError(method, path, response.status_code, code, body.get("message", ""))
        return response.json() if response.content else {}

    def mlflow(self, method, endpoint, **kwargs):
        return self.call(method, f"/api/2.0/mlflow/{endpoint}", **kwargs)

    # -- tracking ------------------------------------------------------------------------

    def experiment_id(self, name):
        """The id of experiment `name`, created when it does not exist yet."""
        try:
            return self.mlflow("GET", "experiments/get-by-name", params={"experiment_name": name})["experiment"]["experiment_id"]
        except PlatformError as error:
            if error.code != "RESOURCE_DOES_NOT_EXIST":
                raise
        return self.mlflow("POST", "experiments/create", json={"name": name})["experiment_id"]

    def create_run(self, experiment_id, run_name, tags):
        body = {"experiment_id": experiment_id, "run_name": run_name, "start_time": now_ms(), "tags": key_values(tags)}
        return self.mlflow("POST", "runs/create", json=body)["run"]["info"]

    def log_params(self, run_id, params):
        items = key_values({k: str(v) for k, v in params.items()})
        for start in range(0, len(items), MAX_BATCH_PARAMS):
            self.mlflow("POST", "runs/log-batch", json={"run_id": run_id, "params": items[start:start + MAX_BATCH_PARAMS]})

    def log_metrics(self, run_id, metrics, step):
        """One step's metrics ({name: value}), in batches within MLflow's limit."""
        stamp = now_ms()
        items = [{"key": k, "value": float(v), "timestamp": stamp, "step": step} for k, v in metrics.items()]
        for start in range(0, len(items), MAX_BATCH_METRICS):
            self.mlflow("POST", "runs/log-batch", json={"run_id": run_id, "metrics": items[start:start + MAX_BATCH_METRICS]})

    def upload_artifact(self, artifact_uri, path, data):
        """PUTs `data` under the run's artifact root (mlflow-artifacts:/<experiment>/<run>/artifacts)."""
        root = artifact_uri[len("mlflow-artifacts:"):].lstrip("/")
        self.call("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{root}/{path}", data=data, headers={"content-type": "application/octet-stream"})
        return f"{artifact_uri}/{path}"

    def end_run(self, run_id, status):
        self.mlflow("POST", "runs/update", json={"run_id": run_id, "status": status, "end_time": now_ms()})

    def get_run(self, run_id):
        return self.mlflow("GET", "runs/get", params={"run_id": run_id})["run"]

    # -- registry ------------------------------------------------------------------------

    def registered_model(self, name):
        """The registered model, or None when there is none by that name."""
        try:
            return self.mlflow("GET", "registered-models/get", params={"name": name})["registered_model"]
        except PlatformError as error:
            if error.code == "RESOURCE_DOES_NOT_EXIST":
                return None
            raise

    def create_registered_model(self, name, description, tags):
        body = {"name": name, "description": description, "tags": key_values(tags)}
        return self.mlflow("POST", "registered-models/create", json=body)["registered_model"]

    def create_model_version(self, name, source, run_id, description, tags):
        body = {"name": name, "source": source, "run_id": run_id, "description": description, "tags": key_values(tags)}
        return self.mlflow("POST", "model-versions/create", json=body)["model_version"]

    def model_version(self, name, version):
        return self.mlflow("GET", "model-versions/get", params={"name": name, "version": str(version)})["model_version"]

    def wait_until_registered(self, name, version, timeout_s=60):
        """Polls the version until the registry has verified its artifact (READY) or refused it."""
        deadline = time.monotonic() + timeout_s
        while True:
            current = self.model_version(name, version)
            if current["status"] == "READY":
                return current
            if current["status"] == "FAILED_REGISTRATION":
                raise RuntimeError(f"version {version} of {name} failed registration: {current.get('status_message')}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"version {version} of {name} is still {current['status']} after {timeout_s} s")
            time.sleep(0.5)

    # -- feature store -------------------------------------------------------------------

    def snapshot(self, snapshot_id):
        return self.call("GET", f"/api/snapshots/{snapshot_id}")

    def create_snapshot(self, feature_view, from_ms=0, to_ms=0, cut_dataset_version=True, run_id=""):
        """A point-in-time snapshot of the view's dataset over [from_ms, to_ms) (0: unbounded)."""
        body = {"featureView": feature_view, "fromTimeMs": from_ms, "toTimeMs": to_ms, "cutDatasetVersion": cut_dataset_version, "requestedByRunId": run_id}
        return self.call("POST", "/api/snapshots", json=body)

    def snapshot_rows(self, snapshot_id, max_rows, page_size=5000):
        """Yields the snapshot's rows ({entityKey, timestampMs, values, label}), page by page."""
        offset = 0
        while True:
            page = self.call("GET", f"/api/snapshots/{snapshot_id}/rows", params={"offset": offset, "limit": page_size})
            if page["rowCount"] > max_rows:
                raise ValueError(f"snapshot {snapshot_id} has {page['rowCount']} rows; this script reads at most {max_rows} (--max-rows)")
            yield from page["rows"]
            if page["nextOffset"] is None:
                return
            offset = page["nextOffset"]


def key_values(mapping):
    return [{"key": k, "value": str(v)} for k, v in mapping.items()]


def tags_of(entity):
    """MLflow's [{key, value}] tag list as a dict."""
    return {t["key"]: t["value"] for t in entity.get("tags", [])}


def now_ms():
    return int(time.time() * 1000)
