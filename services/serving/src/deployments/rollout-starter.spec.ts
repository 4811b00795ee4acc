import type { ApprovalGate } from './approval-gate';
import { notFound, unavailable } from '@mlops/errors';
import { registry } from '@mlops/contracts';
import type { OutboxRelay } from '@mlops/messaging';
import { JsonLogger } from '@mlops/observability';
import type { ModelStore } from '../models/model-store';
import type { RoutingTable } from '../routing/routing-table';
import type { DeploymentsRepository } from './deployments.repository';
import type { Deployment } from './domain/deployment';
import { resolvePolicy } from './domain/policy';
import type { PolicyStore } from './policy.store';
import type { RegistryClient } from './registry.client';
import { RolloutStarter } from './rollout-starter';

/** The decisions around starting a rollout from a registry event, with the I/O replaced. */
describe('RolloutStarter.onVersionRegistered', () => {
  function setup({ production = 1, policy = {}, existing, active }: { production?: number; policy?: object; existing?: Partial<Deployment>; active?: Partial<Deployment> } = {}) {
    const inserted: Deployment[] = [];
    const updated: { id: string; state?: string }[] = [];
    const queued: { triggerKey: string; delayMs: number }[] = [];
    const repository = {
      findByTrigger: jest.fn(async () => existing as Deployment | undefined),
      findActive: jest.fn(async () => active as Deployment | undefined),
      transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => work({})),
      insert: jest.fn(async (_m: unknown, d: Deployment) => void inserted.push(d)),
      update: jest.fn(async (_m: unknown, d: Deployment, change: Partial<Deployment>) => void updated.push({ id: d.id, state: change.state })),
      enqueue: jest.fn(async (q: { triggerKey: string }, _e: string, delayMs: number) => void queued.push({ triggerKey: q.triggerKey, delayMs })),
      dequeue: jest.fn(async () => undefined),
    };
    const registryClient = {
      version: jest.fn(async (model: string, version: number) => {
        if (version > 9) throw notFound(`model "${model}" has no version ${version}`);
        return { status: registry.VersionStatus.VERSION_STATUS_READY } as registry.ModelVersion;
      }),
      productionVersion: jest.fn(async () => production),
    };
    const models = { get: jest.fn(async () => ({ task: 'regression' })) };
    const policies = { get: jest.fn(async () => ({ policy: resolvePolicy({ modelName: 'm', ...policy }, { strategy: 'canary', intervalSeconds: 30 }) })) };
    const starter = new RolloutStarter(
      repository as unknown as DeploymentsRepository,
      registryClient as unknown as RegistryClient,
      { gate: async (_d: unknown, change: unknown) => change } as unknown as ApprovalGate,
      policies as unknown as PolicyStore,
      models as unknown as ModelStore,
      { refresh: async () => undefined } as unknown as RoutingTable,
      { nudge: () => undefined } as unknown as OutboxRelay,
      new JsonLogger('test', 'error'),
    );
    return { starter, inserted, updated, queued, repository, registryClient, models };
  }

  it('starts the policy\'s canary for a version newer than production, loading the candidate first', async () => {
    const { starter, inserted, models } = setup({ production: 3 });
    await starter.onVersionRegistered('m', 4);
    expect(models.get).toHaveBeenCalledWith('m', 4);
    expect(inserted).toEqual([expect.objectContaining({ modelName: 'm', strategy: 'canary', state: 'progressing', stableVersion: 3, candidateVersion: 4, task: 'regression', weight: 10, startedBy: 'registry' })]);
  });

  it('deploys nothing for a manual policy, a replayed trigger, an old version, or a version the registry does not know', async () => {
    const manual = setup({ policy: { manual: true } });
    await manual.starter.onVersionRegistered('m', 2);
    expect(manual.registryClient.version).not.toHaveBeenCalled();

    const replay = setup({ existing: { id: 'd1' } });
    await replay.starter.onVersionRegistered('m', 2);
    expect(replay.registryClient.version).not.toHaveBeenCalled();
    expect(replay.inserted).toEqual([]);

    for (const version of [2, 3]) {
      const old = setup({ production: 3 });
      await old.starter.onVersionRegistered('m', version);
      expect(old.inserted).toEqual([]);
    }

    const unknown = setup();
    await expect(unknown.starter.onVersionRegistered('m', 42)).resolves.toBeUndefined();
    expect(unknown.inserted).toEqual([]);
    expect(unknown.queued).toEqual([]);
  });

  it('rejects a candidate that cannot be loaded without touching the rollout in progress', async () => {
    const { starter, inserted, updated, models } = setup({ active: { id: 'a', state: 'progressing', candidateVersion: 2 } });
    models.get.mockRejectedValueOnce(new Error('not a valid ONNX model'));
    await starter.onVersionRegistered('m', 3);
    expect(inserted).toEqual([expect.objectContaining({ candidateVersion: 3, state: 'rolled_back', weight: 0, reason: 'the candidate could not be loaded: not a valid ONNX model' })]);
    expect(updated).toEqual([]);
  });

  it('queues a start that cannot happen yet (registry away, a rollout promoting) instead of losing it', async () => {
    const away = setup();
    away.registryClient.version.mockRejectedValueOnce(unavailable('registry did not answer'));
    await away.starter.onVersionRegistered('m', 2);
    expect(away.queued).toEqual([{ triggerKey: 'registered:m:2', delayMs: 1000 }]);

    const promoting = setup({ active: { id: 'a', state: 'promoting', candidateVersion: 2 } });
    await promoting.starter.onVersionRegistered('m', 3);
    expect(promoting.queued).toEqual([{ triggerKey: 'registered:m:3', delayMs: 1000 }]);
    expect(promoting.inserted).toEqual([]);

    const superseding = setup({ active: { id: 'a', state: 'progressing', candidateVersion: 2 } });
    await superseding.starter.onVersionRegistered('m', 3);
    expect(superseding.updated).toEqual([{ id: 'a', state: 'rolled_back' }]);
    expect(superseding.inserted).toEqual([expect.objectContaining({ candidateVersion: 3 })]);
  });
});
