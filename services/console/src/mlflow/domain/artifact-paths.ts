import { invalidParameter } from './mlflow-error';

/**
 * Where MLflow clients put a run's files and how they name them: `mlflow-artifacts:/<experiment
 * id>/<run id>/artifacts/<path>` (the proxied artifact root `mlflow server` hands out) or
 * `runs:/<run id>/<path>`. The files themselves are content-addressed in the registry's store
 * and recorded on the run (path, sha256, size).
 */

export interface RunArtifactPath {
  experimentId: string;
  runId: string;
  /** Within the run's artifacts, without a leading slash; '' for the root. */
  path: string;
}

export interface StoredArtifact {
  path: string;
  sha256: string;
  size: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A path under the proxied artifact root, `<experiment id>/<run id>/artifacts[/<path>]`. */
export function parseProxiedPath(raw: string): RunArtifactPath {
  const parts = raw.replace(/^\/+/, '').split('/');
  const [experimentId, runId, artifacts, ...rest] = parts;
  if (!experimentId || !runId || artifacts !== 'artifacts' || !ID.test(experimentId) || !ID.test(runId)) {
    throw invalidParameter(`artifact path "${raw.slice(0, 200)}" must be <experiment id>/<run id>/artifacts/<path>, as in the run's artifact_uri`);
  }
  return { experimentId, runId, path: relativePath(rest.join('/')) };
}

/** A path within a run: no "..", no empty segments, at most 500 characters. */
export function relativePath(raw: string): string {
  const path = raw.replace(/^\/+|\/+$/g, '');
  if (path.length > 500) throw invalidParameter('artifact paths are at most 500 characters');
  if (path.split('/').some((segment) => segment === '..' || segment === '.' || (path && segment === ''))) throw invalidParameter(`artifact path "${path.slice(0, 200)}" may not contain "..", "." or empty segments`);
  return path;
}

/** A model version's `source`: which run, and where in its artifacts. */
export function parseModelSource(source: string): { runId: string; path: string } {
  const runs = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (runs && ID.test(runs[1])) return { runId: runs[1], path: relativePath(runs[2]) };
  const proxied = /^mlflow-artifacts:(.*)$/.exec(source);
  if (proxied) {
    const { runId, path } = parseProxiedPath(proxied[1].replace(/^\/\/[^/]*/, ''));
    return { runId, path };
  }
  throw invalidParameter(`source "${source.slice(0, 200)}" is not one this server can read: give runs:/<run id>/<path> or the run's mlflow-artifacts:/ URI, after uploading the ONNX model there`);
}

/** The one ONNX file at or under `path` among a run's artifacts, or a refusal that says what to upload. */
export function onnxModelAt(artifacts: StoredArtifact[], path: string, source: string): StoredArtifact {
  const under = artifacts.filter((a) => !path || a.path === path || a.path.startsWith(`${path}/`));
  const onnx = under.filter((a) => a.path.toLowerCase().endsWith('.onnx'));
  if (onnx.length === 1) return onnx[0];
  if (onnx.length > 1) throw invalidParameter(`source "${source}" holds ${onnx.length} ONNX files (${onnx.map((a) => a.path).join(', ')}); point source at one of them`);
  const found = under.length ? `it holds ${under.slice(0, 5).map((a) => a.path).join(', ')}${under.length > 5 ? ', ...' : ''}` : 'nothing was uploaded there';
  throw invalidParameter(`source "${source}" holds no ONNX model (${found}). The platform serves ONNX only: export the model (skl2onnx, torch.onnx.export), upload it as <path>/model.onnx to the run's artifacts and register that`);
}

/** The entries directly under `dir`: files, and folders for deeper paths (with no size), by name. */
export function listDirectory(artifacts: StoredArtifact[], dir: string): { path: string; isDir: boolean; size?: number }[] {
  const prefix = dir ? `${dir}/` : '';
  const entries = new Map<string, { path: string; isDir: boolean; size?: number }>();
  for (const artifact of artifacts) {
    if (!artifact.path.startsWith(prefix)) continue;
    const [name, ...deeper] = artifact.path.slice(prefix.length).split('/');
    const path = `${prefix}${name}`;
    if (deeper.length) entries.set(path, { path, isDir: true });
    else if (!entries.has(path)) entries.set(path, { path, isDir: false, size: artifact.size });
  }
  return [...entries.values()].sort((a, b) => a.path.localeCompare(b.path));
}
