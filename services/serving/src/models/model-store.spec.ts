import { status } from '@grpc/grpc-js';
import { throwError } from 'rxjs';
import type { UpstreamClients } from '@mlops/nest-platform';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import type { ServingConfig } from '../config/serving.config';
import { ServingMetrics } from '../serving.metrics';
import { MAX_REMEMBERED_FAILURES, ModelStore } from './model-store';

// The registry stands in as a collaborator that knows no model: what the store remembers of the
// failed lookups must stay bounded however many names a caller invents.
describe('ModelStore failed loads', () => {
  const registryCalls: string[] = [];
  const upstream = {
    client: () => ({
      getModelVersion: ({ modelName }: { modelName: string }) => {
        registryCalls.push(modelName);
        return throwError(() => Object.assign(new Error('not found'), { code: status.NOT_FOUND, details: `model "${modelName}" does not exist` }));
      },
    }),
  } as unknown as UpstreamClients;
  const store = new ModelStore(upstream, new JsonLogger('serving-test', 'error'), new ServingMetrics(new PlatformMetrics('serving')), { batching: {} } as unknown as ServingConfig);

  it('answers NOT_FOUND for unknown names and remembers at most MAX_REMEMBERED_FAILURES of them', async () => {
    for (let i = 0; i < 3 * MAX_REMEMBERED_FAILURES; i++) {
      await expect(store.get(`random-${i}`, 1)).rejects.toMatchObject({ message: `model "random-${i}" does not exist` });
    }
    expect(store.rememberedFailures).toBe(MAX_REMEMBERED_FAILURES);
    // The newest failures are the ones kept (and backed off: no second registry call for them).
    const calls = registryCalls.length;
    await expect(store.get(`random-${3 * MAX_REMEMBERED_FAILURES - 1}`, 1)).rejects.toThrow('does not exist');
    expect(registryCalls.length).toBe(calls);
    expect(store.loadFailure('random-0', 1)).toBeUndefined();
  });
});
