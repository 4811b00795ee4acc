/**
 * The lineage graph of a model version: where it came from and where it went,
 *   dataset version → snapshot (← feature view) → run → version → deployments,
 * each node a page of the console. Built from the registry's lineage record and what the
 * owning services say about each node; a node its service no longer knows is still shown
 * (marked missing), since the registry's record of it is the lineage.
 */

export type LineageKind = 'dataset-version' | 'feature-view' | 'snapshot' | 'run' | 'version' | 'deployment' | 'upload';

export interface LineageNode {
  id: string;
  kind: LineageKind;
  /** e.g. "rides v3". */
  label: string;
  /** A second line: a hash, a metric, a state. */
  detail: string;
  /** The console page of the node. */
  href: string;
  /** The registry names it but its service does not know it (deleted, or another deployment's). */
  missing: boolean;
}

export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export interface LineageFacts {
  modelName: string;
  version: number;
  lineage: { runId: string; snapshotId: string; featureView: string; featureViewVersion: number; dataset: string; datasetVersion: number; datasetContentHash: string; source: string };
  datasetVersion?: { rowCount: number; contentHash: string };
  snapshot?: { rowCount: number; contentHash: string };
  run?: { runName: string; status: string; metrics: Record<string, number> };
  deployments: { id: string; strategy: string; state: string; candidateWeightPercent: number }[];
}

const short = (hash: string) => (hash ? hash.slice(0, 12) : '');
const enumName = (value: string, prefix: string) => value.replace(prefix, '').toLowerCase().replace(/_/g, ' ');
const path = (...parts: (string | number)[]) => `/${parts.map((p) => encodeURIComponent(String(p))).join('/')}`;

export function lineageGraph(f: LineageFacts): LineageGraph {
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  const add = (node: LineageNode, from?: string) => {
    nodes.push(node);
    if (from) edges.push({ from, to: node.id });
    return node.id;
  };
  const l = f.lineage;
  let upstream: string | undefined;
  if (l.dataset && l.datasetVersion) {
    upstream = add({
      id: `dataset:${l.dataset}:${l.datasetVersion}`,
      kind: 'dataset-version',
      label: `${l.dataset} v${l.datasetVersion}`,
      detail: f.datasetVersion ? `${f.datasetVersion.rowCount} rows · ${short(f.datasetVersion.contentHash)}` : short(l.datasetContentHash),
      href: `${path('data', 'datasets', l.dataset)}?version=${l.datasetVersion}`,
      missing: !f.datasetVersion,
    });
  }
  if (l.snapshotId) {
    const snapshot = add(
      { id: `snapshot:${l.snapshotId}`, kind: 'snapshot', label: `snapshot ${l.snapshotId.slice(0, 8)}`, detail: f.snapshot ? `${f.snapshot.rowCount} rows · ${short(f.snapshot.contentHash)}` : '', href: path('data', 'snapshots', l.snapshotId), missing: !f.snapshot },
      upstream,
    );
    if (l.featureView) {
      add({ id: `view:${l.featureView}:${l.featureViewVersion}`, kind: 'feature-view', label: `${l.featureView} v${l.featureViewVersion}`, detail: 'feature view', href: path('data', 'feature-views', l.featureView), missing: false });
      edges.push({ from: `view:${l.featureView}:${l.featureViewVersion}`, to: snapshot });
    }
    upstream = snapshot;
  }
  if (l.runId) {
    const metric = f.run && Object.entries(f.run.metrics)[0];
    upstream = add(
      { id: `run:${l.runId}`, kind: 'run', label: f.run?.runName || `run ${l.runId.slice(0, 8)}`, detail: f.run ? `${enumName(f.run.status, 'RUN_STATUS_')}${metric ? ` · ${metric[0]} ${metric[1].toPrecision(3)}` : ''}` : '', href: path('runs', l.runId), missing: !f.run },
      upstream,
    );
  } else if (!upstream) {
    upstream = add({ id: 'upload', kind: 'upload', label: 'uploaded', detail: l.source || 'trained elsewhere (UploadModel)', href: '', missing: false });
  }
  const version = add({ id: `version:${f.modelName}:${f.version}`, kind: 'version', label: `version ${f.version}`, detail: f.modelName, href: path('models', f.modelName, 'versions', f.version), missing: false }, upstream);
  for (const d of f.deployments) {
    add({ id: `deployment:${d.id}`, kind: 'deployment', label: `${enumName(d.strategy, 'STRATEGY_')} ${d.id.slice(0, 8)}`, detail: `${enumName(d.state, 'DEPLOYMENT_STATE_')} · ${d.candidateWeightPercent}%`, href: path('deployments', d.id), missing: false }, version);
  }
  return { nodes, edges };
}
