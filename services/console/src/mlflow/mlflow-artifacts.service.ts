import { Injectable } from '@nestjs/common';
import type { Readable, Writable } from 'node:stream';
import { type Caller, PlatformApi } from '../upstream/platform-api';
import { type RunArtifactPath, type StoredArtifact, listDirectory, parseProxiedPath, relativePath } from './domain/artifact-paths';
import { type PlatformRun, runArtifactUri } from './domain/entities';
import { doesNotExist, invalidParameter } from './domain/mlflow-error';
import type { MlflowFields } from './domain/mlflow-fields';

type RunWithArtifacts = PlatformRun & { artifacts: StoredArtifact[] };

/** Uploads and downloads may take longer than a metadata call: a 500 MB model over a slow link. */
const TRANSFER_TIMEOUT_MS = 30 * 60 * 1000;

/**
 * MLflow's proxied artifact API (`mlflow server --serve-artifacts`): a run's files go into the
 * registry's content-addressed store as they stream in (never whole in memory here) and are
 * recorded on the run by path, sha256 and size; downloads stream back out of the store.
 */
@Injectable()
export class MlflowArtifactsService {
  constructor(private readonly api: PlatformApi) {}

  async upload(caller: Caller, rawPath: string, body: Readable) {
    const target = parseProxiedPath(rawPath);
    if (!target.path) throw invalidParameter('an upload needs a file path after artifacts/');
    await this.runOf(caller, target);
    const chunks = (async function* () {
      for await (const data of body) yield { data: data as Buffer };
    })();
    const stored = await this.api.shared.registry.upload<{ sha256: string; size: number }>('UploadArtifact', chunks, { metadata: this.api.metadata(caller), timeoutMs: TRANSFER_TIMEOUT_MS });
    await this.api.call(caller, 'training', 'LogArtifact', { runId: target.runId, artifact: { path: target.path, sha256: stored.sha256, size: stored.size } });
    return {};
  }

  /** Streams the file to `out` after `start` says its size; NOT_FOUND before anything is written. */
  async download(caller: Caller, rawPath: string, start: (size: number) => Writable): Promise<void> {
    const target = parseProxiedPath(rawPath);
    const run = await this.runOf(caller, target);
    const artifact = run.artifacts.find((a) => a.path === target.path);
    if (!artifact) throw doesNotExist(`run ${target.runId} has no artifact "${target.path}"`);
    const chunks = this.api.shared.registry.download<{ data: string }>('DownloadArtifact', { sha256: artifact.sha256 }, { metadata: this.api.metadata(caller), timeoutMs: TRANSFER_TIMEOUT_MS });
    const out = start(artifact.size);
    for await (const chunk of chunks) {
      if (!out.write(Buffer.from(chunk.data, 'base64'))) await new Promise((resolve) => out.once('drain', resolve));
    }
    out.end();
  }

  /** `GET /api/2.0/mlflow-artifacts/artifacts?path=`: entries under a folder, by base name. */
  async listProxied(caller: Caller, f: MlflowFields) {
    const target = parseProxiedPath(f.required('path', 1000));
    const run = await this.runOf(caller, target);
    const files = listDirectory(run.artifacts, target.path).map((e) => fileInfo({ ...e, path: e.path.split('/').pop() ?? e.path }));
    return files.length ? { files } : {};
  }

  /** `GET /api/2.0/mlflow/artifacts/list?run_id=&path=`: entries under a folder, by path within the run. */
  async listRun(caller: Caller, f: MlflowFields) {
    const runId = f.oneOf(['run_id', 'run_uuid'], 64);
    const run = await this.api.call<RunWithArtifacts>(caller, 'training', 'GetRun', { runId });
    const files = listDirectory(run.artifacts, relativePath(f.text('path', 500))).map(fileInfo);
    return { root_uri: runArtifactUri(run.experimentId, run.runId), ...(files.length ? { files } : {}) };
  }

  private async runOf(caller: Caller, target: RunArtifactPath): Promise<RunWithArtifacts> {
    const run = await this.api.call<RunWithArtifacts>(caller, 'training', 'GetRun', { runId: target.runId });
    if (run.experimentId !== target.experimentId) throw doesNotExist(`run ${target.runId} is not in experiment ${target.experimentId}`);
    return run;
  }
}

function fileInfo(e: { path: string; isDir: boolean; size?: number }) {
  return { path: e.path, is_dir: e.isDir, ...(e.size === undefined ? {} : { file_size: e.size }) };
}
