import { Topics } from '@mlops/contracts';
import { LIVE_ROUTES, toLiveEvent } from './live-events';
import { sseFrame } from './live.http-controller';

describe('live events', () => {
  it('turns a deployment event into the saga step monitoring records for it', () => {
    const route = LIVE_ROUTES.find((r) => r.topic === Topics.deploymentChanged)!;
    const payload = Topics.deploymentChanged.codec.fromPartial({ deploymentId: 'd1', modelName: 'rides', strategy: 'canary', state: 'progressing', phase: 'canary', candidateVersion: 2, stableVersion: 1, candidateWeightPercent: 25, reason: 'canary step 1 of 3 (25%)' });
    const event = toLiveEvent(route, payload, { eventId: 'e1', correlationId: 'c1', atMs: 1000, producer: 'serving' });
    expect(event).toMatchObject({ kind: 'step', correlationId: 'c1', modelName: 'rides', step: { kind: 'deployment.progressing', version: 2, atMs: 1000, service: 'serving' } });
    expect(event.step?.summary).toContain('version 2 at 25.0%');
    expect(event.data).toMatchObject({ deploymentId: 'd1', candidateWeightPercent: 25 });
  });

  it('follows every saga topic and says what the others changed', () => {
    expect(LIVE_ROUTES.filter((r) => r.step).map((r) => r.topic.name).sort()).toEqual([
      'monitoring.drift.detected.v1', 'monitoring.performance.degraded.v1', 'registry.model-version.registered.v1',
      'serving.deployment.changed.v1', 'training.run.completed.v1', 'training.run.failed.v1', 'training.run.requested.v1',
    ]);
    const alias = LIVE_ROUTES.find((r) => r.topic === Topics.aliasChanged)!;
    expect(toLiveEvent(alias, Topics.aliasChanged.codec.fromPartial({ modelName: 'm', alias: 'production', version: 3 }), { eventId: 'e', correlationId: '', atMs: 1, producer: 'registry' })).toMatchObject({ kind: 'alias', modelName: 'm', step: undefined });
  });

  it('frames one event per SSE message, with its id, on one data line', () => {
    expect(sseFrame('platform', { a: 'x\ny' }, 7)).toBe('id: 7\nevent: platform\ndata: {"a":"x\\ny"}\n\n');
    expect(sseFrame('hello', {})).toBe('event: hello\ndata: {}\n\n');
  });
});
