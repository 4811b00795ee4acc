import { jobProgress } from './job-progress';

const running = (statusMessage: string) => ({ status: 'JOB_STATUS_RUNNING', statusMessage });

describe('jobProgress', () => {
  it('moves through the stages the worker reports', () => {
    const readings = [
      { status: 'JOB_STATUS_QUEUED', statusMessage: '' },
      running('building the snapshot'),
      running('trial 1 of 4'),
      running('trial 3 of 4'),
      running('evaluating run 0b1c on the test split'),
      running('exporting ONNX'),
      { status: 'JOB_STATUS_SUCCEEDED', statusMessage: 'registered' },
    ];
    let progress = undefined as ReturnType<typeof jobProgress> | undefined;
    const seen = readings.map((r) => (progress = jobProgress(r, progress)));
    expect(seen.map((p) => [Number(p.fraction.toFixed(3)), p.label, p.done])).toEqual([
      [0, 'queued', false],
      [0.05, 'building the snapshot', false],
      [0.1, 'trial 1 of 4', false],
      [0.45, 'trial 3 of 4', false],
      [0.82, 'evaluating on the test split', false],
      [0.9, 'exporting ONNX', false],
      [1, 'succeeded', true],
    ]);
  });

  it('keeps the last stage when a heartbeat overwrites the message, and never goes backwards', () => {
    const trial = jobProgress(running('trial 2 of 2'));
    expect(jobProgress(running('running'), trial)).toEqual({ fraction: trial.fraction, label: 'trial 2 of 2', done: false });
    const exporting = jobProgress(running('exporting ONNX'));
    expect(jobProgress(running('trial 1 of 2'), exporting).fraction).toBe(exporting.fraction);
    expect(jobProgress(running('running')).label).toBe('running');
  });

  it('ends a failed job where it was, with the reason', () => {
    const trial = jobProgress(running('trial 1 of 2'));
    expect(jobProgress({ status: 'JOB_STATUS_FAILED', statusMessage: 'no rows in the snapshot' }, trial)).toEqual({ fraction: trial.fraction, label: 'failed: no rows in the snapshot', done: true });
  });
});
