import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ArtifactCorruptError, ArtifactMissingError, ArtifactTooLargeError, FilesystemArtifactStore } from './artifact-store';

async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part);
}

describe('FilesystemArtifactStore', () => {
  let root: string;
  let store: FilesystemArtifactStore;

  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(tmpdir(), 'artifacts-'));
    store = new FilesystemArtifactStore(root);
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('stores by sha256, once, and reads back verified', async () => {
    const expected = createHash('sha256').update('hello world').digest('hex');
    expect(await store.put(chunks('hello ', 'world'), 100)).toEqual({ sha256: expected, size: 11 });
    expect(await store.put(chunks('hello world'), 100)).toEqual({ sha256: expected, size: 11 });
    expect((await store.get(expected)).toString()).toBe('hello world');
    expect(await store.exists(expected)).toBe(true);
  });

  it('refuses corrupt, missing and oversize artifacts', async () => {
    const { sha256 } = await store.put(chunks('model bytes'), 100);
    await fs.writeFile(path.join(root, 'sha256', sha256.slice(0, 2), sha256), 'tampered');
    await expect(store.get(sha256)).rejects.toThrow(ArtifactCorruptError);
    await expect(store.get('0'.repeat(64))).rejects.toThrow(ArtifactMissingError);
    await expect(store.get('../etc/passwd')).rejects.toThrow(ArtifactMissingError);
    await expect(store.put(chunks('x'.repeat(50), 'y'.repeat(60)), 100)).rejects.toThrow(ArtifactTooLargeError);
    expect(await fs.readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('streams an artifact in chunks, checked once the last one is read', async () => {
    const bytes = Buffer.alloc(700 * 1024, 7);
    const { sha256 } = await store.put(chunks(bytes.toString('latin1')), bytes.length);
    const read: Buffer[] = [];
    for await (const chunk of store.stream(sha256)) read.push(chunk);
    expect(read.length).toBe(3);
    expect(Buffer.concat(read).equals(bytes)).toBe(true);

    await fs.writeFile(path.join(root, 'sha256', sha256.slice(0, 2), sha256), Buffer.alloc(bytes.length, 8));
    const corrupt = async () => {
      for await (const _ of store.stream(sha256));
    };
    await expect(corrupt()).rejects.toThrow(ArtifactCorruptError);
    const missing = async () => {
      for await (const _ of store.stream('0'.repeat(64)));
    };
    await expect(missing()).rejects.toThrow(ArtifactMissingError);
  });
});
