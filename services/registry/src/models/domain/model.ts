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
  /** Description, tags, name, policy, aliases or versions last changed. */
  updatedAt: Date;
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
  /** Description or tags last changed. */
  updatedAt: Date;
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

export const MAX_TAGS = 200;
const MAX_TAG_KEY = 250;
const MAX_TAG_VALUE = 5000;
export const MAX_DESCRIPTION = 5000;

/** Why a tag may not be set, or undefined when it may. */
export function tagProblem(key: string, value: string): string | undefined {
  if (key.trim() === '') return 'tag key must not be empty';
  if (key.length > MAX_TAG_KEY) return `tag key "${key.slice(0, 40)}…" is longer than ${MAX_TAG_KEY} characters`;
  if (value.length > MAX_TAG_VALUE) return `value of tag "${key}" is longer than ${MAX_TAG_VALUE} characters`;
  return undefined;
}

/** Why a new tag may not be added to tags already there (a tag set again may always change). */
export function tagCountProblem(what: string, tags: Record<string, string>, key: string): string | undefined {
  return key in tags || Object.keys(tags).length < MAX_TAGS ? undefined : `${what} has ${MAX_TAGS} tags, the most it may have: delete one first`;
}

/**
 * Where the MLflow layer (the console) keeps a version's `source` URI; a version without it is
 * found by its content address. The searches' `source_path` is this, as MLflow clients see it.
 */
export const SOURCE_TAG = 'mlflow.source';
export const CONTENT_ADDRESS_PREFIX = 'mlflow-artifacts:/sha256/';
