import { type LineageFacts, lineageGraph } from './lineage';

const trained: LineageFacts = {
  modelName: 'rides',
  version: 2,
  lineage: { runId: 'run-0123456789', snapshotId: 'snap-abcdef12', featureView: 'ride-features', featureViewVersion: 1, dataset: 'rides', datasetVersion: 3, datasetContentHash: 'a'.repeat(64), source: '' },
  datasetVersion: { rowCount: 6000, contentHash: 'b'.repeat(64) },
  snapshot: { rowCount: 3000, contentHash: 'c'.repeat(64) },
  run: { runName: 'lr-1', status: 'RUN_STATUS_FINISHED', metrics: { accuracy: 0.97 } },
  deployments: [{ id: 'dep-1234567890', strategy: 'STRATEGY_CANARY', state: 'DEPLOYMENT_STATE_PROMOTED', candidateWeightPercent: 100 }],
};

describe('lineageGraph', () => {
  it('links dataset version → snapshot (← feature view) → run → version → deployments, each to its page', () => {
    const { nodes, edges } = lineageGraph(trained);
    expect(nodes.map((n) => [n.kind, n.href])).toEqual([
      ['dataset-version', '/data/datasets/rides?version=3'],
      ['snapshot', '/data/snapshots/snap-abcdef12'],
      ['feature-view', '/data/feature-views/ride-features'],
      ['run', '/runs/run-0123456789'],
      ['version', '/models/rides/versions/2'],
      ['deployment', '/deployments/dep-1234567890'],
    ]);
    expect(edges).toEqual([
      { from: 'dataset:rides:3', to: 'snapshot:snap-abcdef12' },
      { from: 'view:ride-features:1', to: 'snapshot:snap-abcdef12' },
      { from: 'snapshot:snap-abcdef12', to: 'run:run-0123456789' },
      { from: 'run:run-0123456789', to: 'version:rides:2' },
      { from: 'version:rides:2', to: 'deployment:dep-1234567890' },
    ]);
    expect(nodes.find((n) => n.kind === 'run')?.detail).toBe('finished · accuracy 0.970');
    expect(nodes.every((n) => !n.missing)).toBe(true);
  });

  it('keeps nodes the registry names but their service no longer knows, marked missing', () => {
    const { nodes } = lineageGraph({ ...trained, snapshot: undefined, run: undefined });
    expect(nodes.filter((n) => n.missing).map((n) => n.kind)).toEqual(['snapshot', 'run']);
  });

  it('shows an uploaded model as coming from an upload', () => {
    const { nodes, edges } = lineageGraph({ modelName: 'm', version: 1, lineage: { runId: '', snapshotId: '', featureView: '', featureViewVersion: 0, dataset: '', datasetVersion: 0, datasetContentHash: '', source: '' }, deployments: [] });
    expect(nodes.map((n) => n.kind)).toEqual(['upload', 'version']);
    expect(edges).toEqual([{ from: 'upload', to: 'version:m:1' }]);
  });

  it('escapes names in links', () => {
    const { nodes } = lineageGraph({ ...trained, modelName: 'a/b c' });
    expect(nodes.find((n) => n.kind === 'version')?.href).toBe('/models/a%2Fb%20c/versions/2');
  });
});
