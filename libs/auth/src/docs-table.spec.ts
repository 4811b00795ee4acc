import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { HTTP_ACCESS, PUBLIC, RPC_ACCESS } from './roles';

describe('docs/security.md', () => {
  it('lists the same access table as the code', () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../docs/security.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([^`]+)` \| (\w+) \| ([^|]+) \|$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]!.trim()}`);
    const expected = [...Object.entries(RPC_ACCESS), ...Object.entries(HTTP_ACCESS)].map(
      ([k, v]) => `${k} ${v === PUBLIC ? 'public' : v.role} ${v === PUBLIC ? '—' : v.mutates ? 'every call' : 'refusals'}`,
    );
    expect(rows).toEqual(expected);
  });
});
