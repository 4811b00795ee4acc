import { notFound } from '@mlops/errors';
import { registry } from '@mlops/contracts';
import { JsonLogger } from '@mlops/observability';
import type { ServingConfig } from '../config/serving.config';
import type { ModelStore } from '../models/model-store';
import type { Measurements } from '../routing/measurements';
import type { RoutingTable } from '../routing/routing-table';
import type { ServingMetrics } from '../serving.metrics';
import type { OutboxRelay } from '@mlops/messaging';
import type { DeploymentsRepository } from './deployments.repository';
import { DeploymentsService } from './deployments.service';
import type { Deployment } from './domain/deployment';
import type { RegistryClient } from './registry.client';

/** The decisions around starting a rollout from a registry event, with the I/O replaced. */
describe('DeploymentsService.onVersionRegistered', () => {
  function setup({ production = 1, policy = {}, existing }: { production?: number; policy?: object; existing?: Partial<Deployment> } = {}) {
    const inserted: Deployment[] = [];
    const repository = {
      findPolicy: jest.fn(async () => ({ policy: { modelName: 'm', ...policy }, updatedAt: new Date() })),
      findByTrigger: jest.fn(async () => existing as Deployment | undefined),
      findActive: jest.fn(async () => undefined),
      transaction: jest.fn(async (work: (m: unknown) => Promise<unknown>) => work({})),
      insert: jest.fn(async (_m: unknown, d: Deployment) => void inserted.push(d)),
    };
    const registryClient = {
      version: jest.fn(async (model: string, version: number) => {
        if (version > 9) throw notFound(`model "${model}" has no version ${version}`);
        return { status: registry.VersionStatus.VERSION_STATUS_READY } as registry.ModelVersion;
      }),
      productionVersion: jest.fn(async () => production),
    };
    const models = { get: jest.fn(async () => ({})) };
    const service = new DeploymentsService(
      repository as unknown as DeploymentsRepository,
      registryClient as unknown as RegistryClient,
      models as unknown as ModelStore,
      { refresh: async () => undefined } as unknown as RoutingTable,
      {} as Measurements,
      { nudge: () => undefined } as unknown as OutboxRelay,
      {} as ServingMetrics,
      new JsonLogger('test', 'error'),
      { defaultStrategy: 'canary', defaultIntervalSeconds: 30 } as ServingConfig,
    );
    return { service, inserted, repository, registryClient, models };
  }

  it('starts the policy\'s canary for a version newer than production, loading the candidate first', async () => {
    const { service, inserted, models } = setup({ production: 3 });
    await service.onVersionRegistered('m', 4);
    expect(models.get).toHaveBeenCalledWith('m', 4);
    expect(inserted).toEqual([expect.objectContaining({ modelName: 'm', strategy: 'canary', state: 'progressing', stableVersion: 3, candidateVersion: 4, weight: 10, startedBy: 'registry' })]);
  });

  it('deploys nothing for a manual policy, a replayed trigger, an old version, or a version the registry does not know', async () => {
    const manual = setup({ policy: { manual: true } });
    await manual.service.onVersionRegistered('m', 2);
    expect(manual.registryClient.version).not.toHaveBeenCalled();

    const replay = setup({ existing: { id: 'd1' } });
    await replay.service.onVersionRegistered('m', 2);
    expect(replay.registryClient.version).not.toHaveBeenCalled();
    expect(replay.inserted).toEqual([]);

    for (const version of [2, 3]) {
      const old = setup({ production: 3 });
      await old.service.onVersionRegistered('m', version);
      expect(old.inserted).toEqual([]);
      expect(old.models.get).not.toHaveBeenCalled();
    }

    const unknown = setup();
    await expect(unknown.service.onVersionRegistered('m', 42)).resolves.toBeUndefined();
    expect(unknown.inserted).toEqual([]);
  });

  it('records a candidate that cannot be loaded as rolled back, never routing to it', async () => {
    const { service, inserted, models } = setup();
    models.get.mockRejectedValueOnce(new Error('artifact does not match its sha256'));
    await service.onVersionRegistered('m', 2);
    expect(inserted).toEqual([expect.objectContaining({ state: 'rolled_back', weight: 0, reason: 'the candidate could not be loaded: artifact does not match its sha256' })]);
  });
});
