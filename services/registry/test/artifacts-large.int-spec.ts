import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { promises as fs, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ClientReadableStream, ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import { grpcClient, startPlatformService } from '@mlops/testing';

const MiB = 1024 * 1024;
const SIZE = 3 * 1024 * MiB;

/** The registry's peak and current resident memory (Linux /proc), in MiB. */
function memoryOf(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: Math.round(kib('VmHWM') / 1024), now: Math.round(kib('VmRSS') / 1024) };
}

/**
 * A 3 GiB artifact through the registry's gRPC API (issue 19): uploaded and downloaded as
 * streams, the service's memory stays flat (the code before read a download whole and failed
 * past 2 GiB). The chunks are made as they are sent, so the test holds no 3 GiB either.
 */
describe('a 3 GiB artifact', () => {
  it('uploads and downloads with flat memory', async () => {
    const artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'registry-large-'));
    const registry = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir, REGISTRY_MAX_ARTIFACT_BYTES: String(4 * 1024 * MiB) } });
    const api = grpcClient(registry.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    const pid = registry.proc.pid!;
    try {
      const before = memoryOf(pid);
      const block = randomBytes(MiB);
      const sent = createHash('sha256');
      const t0 = Date.now();
      const stored = await new Promise<{ sha256: string; size: number }>((resolve, reject) => {
        const call: ClientWritableStream<object> = api.raw.UploadArtifact(api.metadata(), { deadline: Date.now() + 600_000 }, (error: ServiceError | null, response: { sha256: string; size: number }) => (error ? reject(error) : resolve(response)));
        void (async () => {
          for (let i = 0; i < SIZE / MiB; i++) {
            const chunk = Buffer.from(block);
            chunk.writeUInt32BE(i, 0);
            sent.update(chunk);
            if (!call.write({ data: chunk })) await once(call, 'drain');
          }
          call.end();
        })().catch(reject);
      });
      const uploadedMs = Date.now() - t0;
      const afterUpload = memoryOf(pid);
      expect(stored).toEqual({ sha256: sent.digest('hex'), size: SIZE });

      const received = createHash('sha256');
      let bytes = 0;
      const t1 = Date.now();
      const download: ClientReadableStream<{ data: Buffer }> = api.raw.DownloadArtifact({ sha256: stored.sha256 }, api.metadata(), { deadline: Date.now() + 600_000 });
      download.on('data', (message: { data: Buffer }) => {
        received.update(message.data);
        bytes += message.data.length;
      });
      await new Promise<void>((resolve, reject) => {
        download.on('end', resolve);
        download.on('error', reject);
      });
      const downloadedMs = Date.now() - t1;
      const after = memoryOf(pid);
      expect({ bytes, sha256: received.digest('hex') }).toEqual({ bytes: SIZE, sha256: stored.sha256 });
      console.log(
        `3 GiB artifact: upload ${(SIZE / MiB / (uploadedMs / 1000)).toFixed(0)} MiB/s, download ${(SIZE / MiB / (downloadedMs / 1000)).toFixed(0)} MiB/s; ` +
          `registry resident memory ${before.now} MiB before, ${afterUpload.now} MiB after the upload, ${after.now} MiB after the download; peak ${after.peak} MiB`,
      );
      // Flat: the peak is a fraction of the artifact (the code before needed all 3 GiB at once).
      expect(after.peak).toBeLessThan(before.peak + 400);
    } finally {
      api.close();
      await registry.stop();
      await fs.rm(artifactDir, { recursive: true, force: true });
    }
  }, 600_000);
});
