import type { PredictionTask } from '@mlops/ml';
import type { Phase, VerdictName } from './deployment';
import type { Thresholds } from './policy';
import { type WindowStats, latencyQuantile } from './window-stats';

/** Whether a model predicts classes (its label output is compared) or values. */
export type Task = PredictionTask;

export interface CheckResult {
  name: 'error_rate' | 'p99_latency_ms' | 'divergence' | 'accuracy' | 'mae' | 'candidate_loaded';
  value: number;
  stableValue: number;
  threshold: number;
  samples: number;
  verdict: VerdictName;
}

export interface AnalysisResult {
  verdict: VerdictName;
  checks: CheckResult[];
}

/**
 * Judges one window of measurements. The gates, each on the candidate's own measurements:
 * error rate and p99 latency (like Flagger's request-success-rate and request-duration), then
 * the ML-aware ones: divergence from the stable version on the same (mirrored) inputs, and
 * accuracy from labels that arrived, against the stable version's over the same window.
 *
 * Too few candidate requests → wait (the step holds; nothing is judged on noise). In the shadow
 * phase divergence is the point of the exercise, so too few comparisons also waits; in a canary
 * it is skipped, like accuracy without enough labels. When enough labels judged both versions,
 * divergence is reported but not judged. Any failed gate fails the analysis.
 */
export function analyseWindow(candidate: WindowStats, stable: WindowStats, t: Thresholds, task: Task, phase: Phase): AnalysisResult {
  const checks: CheckResult[] = [];
  const enough = candidate.requests >= t.minRequests;
  const judged = (ok: boolean): VerdictName => (enough ? (ok ? 'pass' : 'fail') : 'wait');
  const errorRate = candidate.requests > 0 ? candidate.errors / candidate.requests : 0;
  checks.push({ name: 'error_rate', value: errorRate, stableValue: stable.requests > 0 ? stable.errors / stable.requests : 0, threshold: t.maxErrorRate, samples: candidate.requests, verdict: judged(errorRate <= t.maxErrorRate) });
  const p99 = latencyQuantile(candidate, 0.99);
  checks.push({ name: 'p99_latency_ms', value: finite(p99), stableValue: finite(latencyQuantile(stable, 0.99)), threshold: t.maxP99LatencyMs, samples: candidate.requests - candidate.errors, verdict: judged(!(p99 > t.maxP99LatencyMs)) });
  const accuracy = accuracyCheck(candidate, stable, t, task);
  const divergence = divergenceCheck(candidate, t, task, phase);
  // Disagreeing with the stable version is a proxy for being wrong; where labels judged both
  // versions (or are required to), the truth decides. (A model retrained after drift is meant
  // to disagree.)
  if (t.requireLabels || accuracy.verdict === 'pass' || accuracy.verdict === 'fail') divergence.verdict = 'skipped';
  checks.push(divergence, accuracy);
  const verdicts = checks.map((c) => c.verdict);
  const verdict: VerdictName = verdicts.includes('fail') ? 'fail' : verdicts.includes('wait') ? 'wait' : 'pass';
  return { verdict, checks };
}

function divergenceCheck(c: WindowStats, t: Thresholds, task: Task, phase: Phase): CheckResult {
  const value = task === 'classification' ? ratio(c.divergent, c.compared) : c.stableMagnitude > 0 ? c.absDifference / c.stableMagnitude : c.absDifference > 0 ? 1 : 0;
  const verdict: VerdictName = c.compared < t.minMirrored ? (phase === 'shadow' ? 'wait' : 'skipped') : value <= t.maxDivergence ? 'pass' : 'fail';
  return { name: 'divergence', value, stableValue: 0, threshold: t.maxDivergence, samples: c.compared, verdict };
}

function accuracyCheck(c: WindowStats, s: WindowStats, t: Thresholds, task: Task): CheckResult {
  const enough = c.labelled >= t.minLabels && s.labelled >= t.minLabels;
  const few: VerdictName = t.requireLabels ? 'wait' : 'skipped';
  if (task === 'classification') {
    const [value, stableValue] = [ratio(c.correct, c.labelled), ratio(s.correct, s.labelled)];
    const verdict: VerdictName = !enough ? few : value >= stableValue - t.maxAccuracyDrop ? 'pass' : 'fail';
    return { name: 'accuracy', value, stableValue, threshold: t.maxAccuracyDrop, samples: c.labelled, verdict };
  }
  const [value, stableValue] = [ratio(c.absError, c.labelled), ratio(s.absError, s.labelled)];
  const verdict: VerdictName = !enough ? few : value <= stableValue * (1 + t.maxAccuracyDrop) + 1e-12 ? 'pass' : 'fail';
  return { name: 'mae', value, stableValue, threshold: t.maxAccuracyDrop, samples: c.labelled, verdict };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);
const finite = (v: number) => (Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : 0);
