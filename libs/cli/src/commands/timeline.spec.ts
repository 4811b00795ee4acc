import { status } from '@grpc/grpc-js';
import { captureIO, fakeApi, fakeClients, grpcError } from '../../test/fakes';
import { runCli } from '../cli';
import type { TimelineStep } from '../render/timeline';

process.env.TZ = 'UTC';
const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const step = (s: number, kind: string, service: string, version = 0, details: Record<string, string> = {}): TimelineStep => ({ atMs: T0 + s * 1000, kind, service, modelName: 'churn', version, summary: kind.replace('.', ' '), details });
const SAGA = [
  step(0, 'drift.detected', 'monitoring', 3),
  step(1, 'training.requested', 'monitoring'),
  step(60, 'training.completed', 'training', 0, { gatePassed: 'true' }),
  step(61, 'version.registered', 'registry', 4),
  step(62, 'deployment.progressing', 'serving', 4, { phase: 'canary' }),
  step(122, 'deployment.promoted', 'serving', 4),
];

describe('timeline', () => {
  it('prints the steps and the per-stage summary', async () => {
    const monitoring = fakeApi('monitoring', () => ({ correlationId: 'saga-1', steps: SAGA }));
    const cap = captureIO({ clients: fakeClients({ monitoring }) });
    expect(await runCli(['timeline', 'saga-1', '--utc'], cap.io)).toBe(0);
    const lines = cap.stdout().split('\n');
    expect(lines[0]).toBe('10:00:00.000 +0ms      monitoring    drift.detected             v3   drift detected');
    expect(lines[5]).toBe('10:02:02.000 +2m02s    serving       deployment.promoted        v4   deployment promoted');
    expect(cap.stdout()).toContain('total 2m02s: promoted (version 4)');
  });

  it('--follow waits for the saga to start, prints each new step once, and stops at the terminal step', async () => {
    // Poll by poll: nothing yet, then the first two steps, the same again, then the rest.
    const polls = [undefined, SAGA.slice(0, 2), SAGA.slice(0, 2), SAGA.slice(0, 4), SAGA];
    let poll = 0;
    const monitoring = fakeApi('monitoring', (method) => {
      const steps = polls[Math.min(poll++, polls.length - 1)];
      if (!steps) throw grpcError('monitoring', method, status.NOT_FOUND, 'no steps for saga-1');
      return { correlationId: 'saga-1', steps };
    });
    const cap = captureIO({ clients: fakeClients({ monitoring }) });
    expect(await runCli(['timeline', 'saga-1', '--follow', '--utc', '--interval', '2'], cap.io)).toBe(0);
    expect(poll).toBe(5);
    const printed = cap.stdout().split('\n').filter((l) => /^\d\d:/.test(l));
    expect(printed.map((l) => l.split(/\s+/)[3])).toEqual(SAGA.map((s) => s.kind));
    expect(cap.stderr()).toBe('waiting for steps of saga-1 …\n');
    expect(cap.stdout()).toMatch(/version registered → deployment progressing +1\.0s/);
  });

  it('--follow gives up after --timeout with exit 1, printing what it saw', async () => {
    const monitoring = fakeApi('monitoring', () => ({ correlationId: 'saga-1', steps: SAGA.slice(0, 2) }));
    const cap = captureIO({ clients: fakeClients({ monitoring }) });
    expect(await runCli(['timeline', 'saga-1', '--follow', '--timeout', '5', '--json'], cap.io)).toBe(1);
    const docs = cap.stdout().trim().split('\n').map((l) => JSON.parse(l));
    expect(docs.map((d) => Object.keys(d)[0])).toEqual(['step', 'step', 'summary']);
    expect(docs[2]).toMatchObject({ ended: 'timeout', summary: { outcome: 'in progress' } });
    expect(cap.stderr()).toContain('error: the saga saga-1 did not end within 5.0s');
  });
});
