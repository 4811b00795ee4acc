/**
 * How far a training job has got, from what its API reports: the status and the status message
 * the worker sets at each stage ("building the snapshot", "trial 3 of 8", "evaluating run …",
 * "exporting ONNX"). The worker's heartbeat overwrites the message with "running", so a
 * reading that says nothing new keeps the last estimate: progress never goes backwards.
 */

export interface JobReading {
  /** JOB_STATUS_* name. */
  status: string;
  statusMessage: string;
}

export interface JobProgress {
  fraction: number;
  /** The stage for people, e.g. "trial 3 of 8". */
  label: string;
  done: boolean;
}

export const JOB_TERMINAL_STATUSES: readonly string[] = ['JOB_STATUS_SUCCEEDED', 'JOB_STATUS_FAILED'];

/** Share of the job a stage starts at. Trials fill the space between the snapshot and evaluation. */
const STAGES = { snapshot: 0.05, trialsFrom: 0.1, trialsTo: 0.8, evaluating: 0.82, exporting: 0.9 };

function runningStage(message: string): { fraction: number; label: string } | undefined {
  const trial = /trial (\d+) of (\d+)/i.exec(message);
  if (trial) {
    const [i, n] = [Number(trial[1]), Math.max(1, Number(trial[2]))];
    return { fraction: STAGES.trialsFrom + ((STAGES.trialsTo - STAGES.trialsFrom) * (i - 1)) / n, label: `trial ${i} of ${n}` };
  }
  if (/snapshot/i.test(message)) return { fraction: STAGES.snapshot, label: 'building the snapshot' };
  if (/evaluating/i.test(message)) return { fraction: STAGES.evaluating, label: 'evaluating on the test split' };
  if (/export/i.test(message)) return { fraction: STAGES.exporting, label: 'exporting ONNX' };
  return undefined;
}

export function jobProgress(reading: JobReading, previous?: JobProgress): JobProgress {
  const before = previous ?? { fraction: 0, label: 'submitted', done: false };
  switch (reading.status) {
    case 'JOB_STATUS_QUEUED':
      return { fraction: 0, label: 'queued', done: false };
    case 'JOB_STATUS_SUCCEEDED':
      return { fraction: 1, label: 'succeeded', done: true };
    case 'JOB_STATUS_FAILED':
      return { fraction: before.fraction, label: `failed: ${reading.statusMessage}`, done: true };
    case 'JOB_STATUS_RUNNING': {
      const stage = runningStage(reading.statusMessage);
      if (!stage || stage.fraction < before.fraction) return { ...before, label: before.label === 'queued' || before.label === 'submitted' ? 'running' : before.label, done: false };
      return { ...stage, done: false };
    }
    default:
      return before;
  }
}
