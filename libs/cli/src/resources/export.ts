import { stringify } from 'yaml';
import type { Spec } from './diff';
import { API_VERSION, type Kind } from './documents';

/** File names export writes, one per kind. */
export const EXPORT_FILES: Record<Kind, string> = {
  Dataset: 'datasets.yaml',
  FeatureView: 'feature-views.yaml',
  RegisteredModel: 'models.yaml',
  TrainingSpec: 'training-specs.yaml',
  DeploymentPolicy: 'deployment-policies.yaml',
  MonitoringPolicy: 'monitoring-policies.yaml',
};

/** Empty strings, lists and maps left out: plan treats a field left out as "keep as it is", so nothing is lost. */
export function compactSpec(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compactSpec);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const c = compactSpec(v);
    const empty = c === '' || c === undefined || c === null || (Array.isArray(c) && c.length === 0) || (typeof c === 'object' && c !== null && !Array.isArray(c) && Object.keys(c).length === 0);
    if (!empty) out[key] = c;
  }
  return out;
}

/** Resources as one multi-document YAML text. */
export function renderResources(resources: { kind: Kind; name: string; spec: Spec }[]): string {
  return resources
    .map((r) => stringify({ apiVersion: API_VERSION, kind: r.kind, metadata: { name: r.name }, spec: compactSpec(r.spec) ?? {} }, { lineWidth: 0 }))
    .join('---\n');
}
