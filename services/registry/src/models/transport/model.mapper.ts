import { registry } from '@mlops/contracts';
import type { Approval, Lineage, ModelVersion, PromotionPolicy, RegisteredModel } from '../domain/model';

const POLICY: Record<PromotionPolicy, registry.PromotionPolicy> = {
  automatic: registry.PromotionPolicy.PROMOTION_POLICY_AUTOMATIC,
  requires_approval: registry.PromotionPolicy.PROMOTION_POLICY_REQUIRES_APPROVAL,
};
const STATUS = {
  pending: registry.VersionStatus.VERSION_STATUS_PENDING,
  ready: registry.VersionStatus.VERSION_STATUS_READY,
  failed: registry.VersionStatus.VERSION_STATUS_FAILED,
};

export function toPolicy(policy: registry.PromotionPolicy): PromotionPolicy | undefined {
  if (policy === registry.PromotionPolicy.PROMOTION_POLICY_REQUIRES_APPROVAL) return 'requires_approval';
  if (policy === registry.PromotionPolicy.PROMOTION_POLICY_AUTOMATIC) return 'automatic';
  return undefined;
}

export function toModelMessage(m: RegisteredModel): registry.RegisteredModel {
  return {
    name: m.name,
    description: m.description,
    tags: m.tags,
    promotionPolicy: POLICY[m.promotionPolicy],
    aliases: m.aliases,
    latestVersion: m.latestVersion,
    createdAtMs: new Date(m.createdAt).getTime(),
    lastUpdatedAtMs: new Date(m.updatedAt).getTime(),
  };
}

export function toLineage(l: registry.Lineage | undefined, source: Lineage['source']): Lineage {
  return {
    runId: l?.runId ?? '',
    jobId: l?.jobId ?? '',
    snapshotId: l?.snapshotId ?? '',
    featureView: l?.featureView ?? '',
    featureViewVersion: l?.featureViewVersion ?? 0,
    dataset: l?.dataset ?? '',
    datasetVersion: l?.datasetVersion ?? 0,
    datasetContentHash: l?.datasetContentHash ?? '',
    source,
  };
}

export function toVersionMessage(v: ModelVersion): registry.ModelVersion {
  const { productionVersionAtRegistration: _p, ...lineage } = v.lineage as Lineage & { productionVersionAtRegistration?: number };
  return {
    modelName: v.modelName,
    version: v.version,
    status: STATUS[v.status],
    statusMessage: v.statusMessage,
    artifactSha256: v.artifactSha256,
    artifactSize: v.artifactSize,
    signature: v.signature,
    lineage,
    metrics: v.metrics,
    description: v.description,
    tags: v.tags,
    aliases: v.aliases,
    createdAtMs: new Date(v.createdAt).getTime(),
    lastUpdatedAtMs: new Date(v.updatedAt).getTime(),
  };
}

export function toApprovalMessage(a: Approval): registry.Approval {
  const { approvedAt, ...rest } = a;
  return { ...rest, approvedAtMs: new Date(approvedAt).getTime() };
}
