import { status } from '@grpc/grpc-js';
import { fakeApi, fakeClients, grpcError } from '../../test/fakes';
import { parseResources } from './documents';
import { applyPlan, planResources, refusals } from './plan';

const FILE = `apiVersion: mlops.dev/v1
kind: Dataset
metadata: {name: rides}
spec:
  entityColumn: id
  eventTimeColumn: ts
  columns:
    - {name: id, type: int}
    - {name: ts, type: timestamp}
---
apiVersion: mlops.dev/v1
kind: RegisteredModel
metadata: {name: churn}
spec:
  tags: {team: growth}
`;

const storedDataset = (columns: { name: string; type: string }[]) => ({
  dataset: 'rides', schemaVersion: 1, entityColumn: 'id', eventTimeColumn: 'ts', labelColumn: '', description: '', versionEveryRecords: 0, versionEverySeconds: 0,
  columns: columns.map((c) => ({ ...c, nullable: false, hasMin: false, min: 0, hasMax: false, max: 0, categories: [], description: '' })),
});

describe('plan and apply', () => {
  const resources = parseResources(FILE, 'project.yaml');

  it('creates what is missing, configures what differs, leaves the rest', async () => {
    const ingestion = fakeApi('ingestion', (method) => (method === 'GetDataset' ? storedDataset([{ name: 'id', type: 'COLUMN_TYPE_INT' }, { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' }]) : {}));
    const registry = fakeApi('registry', (method) => {
      if (method === 'GetRegisteredModel') return { name: 'churn', description: 'old', tags: { team: 'ml', owner: 'ann' }, promotionPolicy: 'PROMOTION_POLICY_AUTOMATIC' };
      return {};
    });
    const clients = fakeClients({ ingestion, registry });
    const plan = await planResources(clients, resources);
    expect(plan.map((p) => [p.resource.kind, p.action])).toEqual([['Dataset', 'unchanged'], ['RegisteredModel', 'configured']]);
    expect(plan[1]!.changes.map((c) => `${c.op} ${c.path}`)).toEqual(['~ spec.tags.team', '- spec.tags.owner']);
    expect(await refusals(clients, plan)).toEqual([]);
    await applyPlan(clients, plan, () => undefined);
    // Only the model is written: its description is kept, the removed tag is sent empty (UpdateRegisteredModel removes it).
    expect(registry.calls.filter((c) => c.method === 'UpdateRegisteredModel').map((c) => c.request)).toEqual([
      { name: 'churn', description: 'old', tags: { team: 'growth', owner: '' }, promotionPolicy: 'PROMOTION_POLICY_UNSPECIFIED' },
    ]);
    expect(ingestion.calls.map((c) => c.method)).toEqual(['GetDataset']);
    console.log('plan: dataset unchanged, model configured (2 tag changes); apply wrote only UpdateRegisteredModel');
  });

  it("reports ingestion's refusal of an incompatible schema change with the file and line, before any write", async () => {
    const ingestion = fakeApi('ingestion', (method, request) => {
      if (method === 'GetDataset') return storedDataset([{ name: 'id', type: 'COLUMN_TYPE_INT' }, { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' }, { name: 'x', type: 'COLUMN_TYPE_FLOAT' }]);
      if (method === 'RegisterDataset' && request.validateOnly) throw grpcError('ingestion', method, status.FAILED_PRECONDITION, 'incompatible change to dataset "rides": column "x" cannot be removed');
      throw new Error(`unexpected ${method}`);
    });
    const registry = fakeApi('registry', () => {
      throw grpcError('registry', 'GetRegisteredModel', status.NOT_FOUND, 'no such model');
    });
    const clients = fakeClients({ ingestion, registry });
    const plan = await planResources(clients, resources);
    expect(plan.map((p) => p.action)).toEqual(['configured', 'created']);
    expect(plan[0]!.changes.map((c) => `${c.op} ${c.path}`)).toEqual(['- spec.columns[x]']);
    expect(await refusals(clients, plan)).toEqual(['project.yaml:1: Dataset/rides: ingestion refuses it: FAILED_PRECONDITION: incompatible change to dataset "rides": column "x" cannot be removed']);
    expect(registry.calls.map((c) => c.method)).toEqual(['GetRegisteredModel']);
    console.log('incompatible change refused at project.yaml:1 by a validate-only call; nothing written');
  });
});
