import * as protoLoader from '@grpc/proto-loader';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { RPC_ACCESS } from '@mlops/auth';
import { PROTO_LOADER_OPTIONS, PROTO_ROOT } from '@mlops/contracts';

/** Every .proto under proto/ (events too: they declare no services). */
function protoFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? protoFiles(full) : name.endsWith('.proto') ? [path.relative(PROTO_ROOT, full)] : [];
  });
}

describe('the access table', () => {
  it('names every RPC the platform serves, and no other', () => {
    const definitions = protoLoader.loadSync(protoFiles(PROTO_ROOT), PROTO_LOADER_OPTIONS);
    const served = Object.values(definitions).flatMap((d) => Object.values(d as Record<string, { path?: string }>).map((m) => m.path).filter((p): p is string => typeof p === 'string'));
    expect(served.length).toBeGreaterThan(60);
    expect([...new Set(served)].sort()).toEqual(Object.keys(RPC_ACCESS).sort());
  });
});
