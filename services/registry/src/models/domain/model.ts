/** The registry's domain types (transport maps protobuf to these). */
export type PromotionPolicy = 'automatic' | 'requires_approval';
export type VersionStatus = 'pending' | 'ready' | 'failed';

export interface TensorSpec {
  name: string;
  datatype: string;
  shape: number[];
}

export interface Signature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  featureNames: string[];
}

export interface Lineage {
  runId: string;
  jobId: string;
  snapshotId: string;
  featureView: string;
  featureViewVersion: number;
  dataset: string;
  datasetVersion: number;
  datasetContentHash: string;
  source: 'training' | 'upload';
}

export interface RegisteredModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  promotionPolicy: PromotionPolicy;
  aliases: Record<string, number>;
  latestVersion: number;
  createdAt: Date;
}

export interface ModelVersion {
  modelName: string;
  version: number;
  status: VersionStatus;
  statusMessage: string;
  artifactSha256: string;
  artifactSize: number;
  signature: Signature;
  lineage: Lineage;
  metrics: Record<string, number>;
  description: string;
  tags: Record<string, string>;
  aliases: string[];
  createdAt: Date;
}

/** Someone's approval of a version for an alias (for production when the policy asks for one). */
export interface Approval {
  modelName: string;
  version: number;
  alias: string;
  approvedBy: string;
  reason: string;
  approvedAt: Date;
}

export const PRODUCTION = 'production';
const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

export function nameProblem(kind: 'model' | 'alias', name: string): string | undefined {
  return NAME.test(name) ? undefined : `${kind} name "${name}" must match ${NAME.source}`;
}

/** Why an alias may not move to a version, or undefined when it may. */
export function aliasProblem(model: RegisteredModel, version: ModelVersion, alias: string, approved: boolean): string | undefined {
  if (version.status !== 'ready') return `version ${version.version} of "${model.name}" is ${version.status}, not ready`;
  if (alias === PRODUCTION && model.promotionPolicy === 'requires_approval' && !approved) {
    return `model "${model.name}" requires an approval before version ${version.version} becomes ${PRODUCTION}`;
  }
  return undefined;
}
