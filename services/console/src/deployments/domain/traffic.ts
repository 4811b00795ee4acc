/**
 * A rollout's traffic over time: the candidate's weight from the deployment's start, through
 * each analysis (the weight it judged, then the weight it led to), to its current state. A
 * rolled-back deployment ends at 0 %, a promoted one at 100 %.
 */

export interface TrafficPoint {
  atMs: number;
  weightPercent: number;
  /** What happened at this point: "started", "analysis 3: pass → step 2 (50%)", "promoted". */
  note: string;
}

interface AnalysisFacts {
  number: number;
  atMs: number;
  candidateWeightPercent: number;
  verdict: string;
  action: string;
}

interface DeploymentFacts {
  createdAtMs: number;
  updatedAtMs: number;
  state: string;
  candidateWeightPercent: number;
  policy?: { canarySteps?: number[] };
  strategy: string;
}

const verdictName = (v: string) => v.replace('VERDICT_', '').toLowerCase();
const stateName = (s: string) => s.replace('DEPLOYMENT_STATE_', '').toLowerCase().replace(/_/g, ' ');

export function trafficSeries(deployment: DeploymentFacts, analyses: AnalysisFacts[]): TrafficPoint[] {
  const sorted = [...analyses].sort((a, b) => a.atMs - b.atMs || a.number - b.number);
  const initial = sorted[0]?.candidateWeightPercent ?? deployment.candidateWeightPercent;
  const points: TrafficPoint[] = [{ atMs: deployment.createdAtMs, weightPercent: initial, note: 'started' }];
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    const next = sorted[i + 1]?.candidateWeightPercent;
    points.push({ atMs: a.atMs, weightPercent: a.candidateWeightPercent, note: `analysis ${a.number}: ${verdictName(a.verdict)}${a.action ? ` → ${a.action}` : ''}` });
    // The weight the analysis led to holds from its time on (a step up, or the same weight on a wait).
    if (next !== undefined && next !== a.candidateWeightPercent) points.push({ atMs: a.atMs, weightPercent: next, note: a.action });
  }
  const last = points[points.length - 1];
  const finalWeight = deployment.state === 'DEPLOYMENT_STATE_PROMOTED' ? 100 : deployment.state === 'DEPLOYMENT_STATE_ROLLED_BACK' ? 0 : deployment.candidateWeightPercent;
  if (last.weightPercent !== finalWeight || deployment.updatedAtMs > last.atMs) {
    points.push({ atMs: Math.max(deployment.updatedAtMs, last.atMs), weightPercent: finalWeight, note: stateName(deployment.state) });
  }
  return points;
}
