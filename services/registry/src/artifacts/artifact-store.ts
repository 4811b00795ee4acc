import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';

/**
 * Content-addressed artifact storage. An artifact is named by the sha256 of its bytes, so
 * storing the same model twice stores it once, and a read can always check what it got.
 * The filesystem implementation is the default; a cloud object store implements the same
 * interface.
 */
export interface ArtifactStore {
  /** Stores the bytes of `chunks`; returns their sha256 and size. */
  put(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<{ sha256: string; size: number }>;
  /** Reads an artifact whole, after checking its sha256; throws ArtifactMissingError or ArtifactCorruptError. */
  get(sha256: string): Promise<Buffer>;
  /**
   * Reads an artifact in chunks (memory stays flat whatever its size), hashing as it goes: a
   * missing one throws ArtifactMissingError before the first chunk, a corrupt one
   * ArtifactCorruptError after the last (a reader must not use what it got).
   */
  stream(sha256: string): AsyncIterable<Buffer>;
  exists(sha256: string): Promise<boolean>;
}

export class ArtifactMissingError extends Error {
  override readonly name = 'ArtifactMissingError';
}
export class ArtifactCorruptError extends Error {
  override readonly name = 'ArtifactCorruptError';
}
export class ArtifactTooLargeError extends Error {
  override readonly name = 'ArtifactTooLargeError';
}

const SHA256 = /^[0-9a-f]{64}$/;
/** Chunks of a streamed read (and of a download's messages). */
const STREAM_CHUNK = 256 * 1024;

export class FilesystemArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  async put(chunks: AsyncIterable<Uint8Array>, maxBytes: number): Promise<{ sha256: string; size: number }> {
    const tmpDir = path.join(this.root, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomUUID());
    const file = await fs.open(tmp, 'w');
    const hash = createHash('sha256');
    let size = 0;
    try {
      for await (const chunk of chunks) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new ArtifactTooLargeError(`artifact is larger than ${maxBytes} bytes`);
        hash.update(chunk);
        await file.write(chunk);
      }
      await file.sync();
    } catch (error) {
      await file.close();
      await fs.rm(tmp, { force: true });
      throw error;
    }
    await file.close();
    const sha256 = hash.digest('hex');
    const target = this.pathOf(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    // rename is atomic: readers see the whole file or none; a concurrent equal upload just wins the race.
    await fs.rename(tmp, target);
    return { sha256, size };
  }

  async get(sha256: string): Promise<Buffer> {
    if (!SHA256.test(sha256)) throw new ArtifactMissingError(`"${sha256}" is not a sha256`);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.pathOf(sha256));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtifactMissingError(`artifact ${sha256} is not in the store`);
      throw error;
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw new ArtifactCorruptError(`artifact ${sha256} is corrupt: its content hashes to ${actual}`);
    return bytes;
  }

  async *stream(sha256: string): AsyncGenerator<Buffer> {
    if (!SHA256.test(sha256)) throw new ArtifactMissingError(`"${sha256}" is not a sha256`);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathOf(sha256), 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ArtifactMissingError(`artifact ${sha256} is not in the store`);
      throw error;
    }
    const hash = createHash('sha256');
    // The stream closes the handle when it ends or is destroyed (a reader that stops early).
    const file = createReadStream('', { fd: handle, highWaterMark: STREAM_CHUNK });
    for await (const chunk of file) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
    const actual = hash.digest('hex');
    if (actual !== sha256) throw new ArtifactCorruptError(`artifact ${sha256} is corrupt: its content hashes to ${actual}`);
  }

  async exists(sha256: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    return fs.access(this.pathOf(sha256)).then(
      () => true,
      () => false,
    );
  }

  private pathOf(sha256: string): string {
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256);
  }
}
