import { monitoring } from '@mlops/contracts';
import type { AlertRecord } from '../../alerts/alerts.repository';
import type { ReportedFeature, StoredReport } from '../drift.repository';
import type { MonitoringPolicy, MonitoringPolicyInput } from '../domain/policy';

const { RetrainPolicy } = monitoring;

export function toPolicyInput(p: monitoring.MonitoringPolicy): MonitoringPolicyInput {
  return {
    modelName: p.modelName,
    windowSize: p.windowSize ?? undefined,
    windowSeconds: p.windowSeconds ?? undefined,
    evaluateEvery: p.evaluateEvery ?? undefined,
    driftShare: p.driftShare ?? undefined,
    consecutive: p.consecutive ?? undefined,
    clearAfter: p.clearAfter ?? undefined,
    cooldownSeconds: p.cooldownSeconds ?? undefined,
    retrain: p.retrain === RetrainPolicy.RETRAIN_POLICY_ALERT_ONLY ? 'alert_only' : p.retrain === RetrainPolicy.RETRAIN_POLICY_AUTOMATIC ? 'automatic' : undefined,
    retrainWindowSeconds: p.retrainWindowSeconds ?? undefined,
    labelWindow: p.labelWindow ?? undefined,
    performanceMetric: p.performanceMetric || undefined,
    maxDegradation: p.maxDegradation ?? undefined,
    labelJoinSeconds: p.labelJoinSeconds ?? undefined,
  };
}

export function toPolicyMessage(p: MonitoringPolicy, updatedAt?: Date): monitoring.MonitoringPolicy {
  return {
    ...p,
    retrain: p.retrain === 'alert_only' ? RetrainPolicy.RETRAIN_POLICY_ALERT_ONLY : RetrainPolicy.RETRAIN_POLICY_AUTOMATIC,
    updatedAtMs: updatedAt?.getTime() ?? 0,
  };
}

function toFeature(f: ReportedFeature): monitoring.FeatureDriftResult {
  return {
    feature: f.feature,
    test: f.test,
    statistic: f.statistic ?? Number.MAX_VALUE,
    threshold: f.threshold,
    drifted: f.drifted,
    referenceSize: f.referenceSize,
    currentSize: f.currentSize,
    binEdges: f.binEdges ?? [],
    categories: f.categories ?? [],
    referenceShares: f.referenceShares ?? [],
    currentShares: f.currentShares ?? [],
  };
}

export function toReportMessage(r: StoredReport): monitoring.DriftReport {
  return { ...r, features: r.features.map(toFeature), prediction: r.prediction && toFeature(r.prediction) };
}

export function toAlertMessage(a: AlertRecord): monitoring.Alert {
  return {
    alertId: a.alertId,
    modelName: a.modelName,
    version: a.version,
    kind: a.kind,
    driftedShare: a.driftedShare,
    features: a.features.map(toFeature),
    retrainRequested: a.retrainRequested,
    correlationId: a.correlationId,
    raisedAtMs: a.raisedAt.getTime(),
    metric: a.metric,
    baseline: a.baseline,
    current: a.current,
    sampleSize: a.sampleSize,
    retrainNote: a.retrainNote,
  };
}
