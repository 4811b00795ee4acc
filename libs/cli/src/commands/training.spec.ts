import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { captureIO, fakeApi, fakeClients } from '../../test/fakes';
import { runCli } from '../cli';

process.env.TZ = 'UTC';

describe('jobs submit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(tmpdir(), 'cli-jobs-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const spec = async (body: unknown) => {
    const file = path.join(dir, `spec-${Math.random()}.json`);
    await fs.writeFile(file, typeof body === 'string' ? body : JSON.stringify(body));
    return file;
  };

  const job = (status: string, statusMessage = '') => ({ jobId: 'job-1', idempotencyKey: 'k', modelName: 'churn', status, statusMessage, runId: '', trialRunIds: [], snapshotId: '', metrics: {}, productionMetrics: {}, gatePassed: status === 'JOB_STATUS_SUCCEEDED', gateReason: '', artifactSha256: '', attempts: 1, createdAtMs: 0, finishedAtMs: 0 });

  it('sends the spec as a SubmitTrainingJobRequest (snake_case and enum names accepted)', async () => {
    const training = fakeApi('training', () => job('JOB_STATUS_QUEUED'));
    const cap = captureIO({ clients: fakeClients({ training }) });
    const file = await spec({ idempotency_key: 'churn-1', model_name: 'churn', feature_view: 'customers', algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES', hyperparameters: { max_iterations: 200 }, search: { grid: { learning_rate: { values: [0.05, 0.1] } } } });
    expect(await runCli(['jobs', 'submit', '-f', file], cap.io)).toBe(0);
    expect(training.calls[0]).toEqual({
      method: 'SubmitTrainingJob',
      request: { idempotencyKey: 'churn-1', modelName: 'churn', featureView: 'customers', algorithm: 'ALGORITHM_GRADIENT_BOOSTED_TREES', hyperparameters: { max_iterations: 200 }, search: { grid: { learning_rate: { values: [0.05, 0.1] } } } },
    });
    expect(cap.stdout()).toMatch(/status: +queued/);
  });

  it('refuses a spec with a misspelt field, or no file, as usage errors', async () => {
    const training = fakeApi('training', () => job('JOB_STATUS_QUEUED'));
    const cap = captureIO({ clients: fakeClients({ training }) });
    expect(await runCli(['jobs', 'submit', '-f', await spec({ model_name: 'churn', modle: 'x' })], cap.io)).toBe(2);
    expect(cap.stderr()).toContain('unknown field(s) modle');
    expect(await runCli(['jobs', 'submit', '-f', await spec('{not json')], cap.io)).toBe(2);
    expect(await runCli(['jobs', 'submit', '-f', path.join(dir, 'missing.json')], cap.io)).toBe(2);
    expect(await runCli(['jobs', 'submit'], cap.io)).toBe(2);
    expect(training.calls).toEqual([]);
  });

  it('--wait polls until the job ends, with a progress line per stage and each state change', async () => {
    const states = [job('JOB_STATUS_RUNNING', 'building the snapshot'), job('JOB_STATUS_RUNNING', 'trial 1 of 2'), job('JOB_STATUS_RUNNING', 'running'), job('JOB_STATUS_RUNNING', 'exporting ONNX'), job('JOB_STATUS_SUCCEEDED')];
    let polls = 0;
    const training = fakeApi('training', (method) => (method === 'SubmitTrainingJob' ? job('JOB_STATUS_QUEUED') : states[Math.min(polls++, states.length - 1)]));
    const cap = captureIO({ clients: fakeClients({ training }) });
    expect(await runCli(['jobs', 'submit', '-f', await spec({ model_name: 'churn' }), '--wait'], cap.io)).toBe(0);
    expect(polls).toBe(5);
    const progress = cap.stderr().split('\n').filter(Boolean);
    expect(progress[0]).toBe('10:00:00.000  job job-1 queued');
    expect(progress).toContain('10:00:01.000  queued → running (building the snapshot)');
    expect(progress.filter((l) => l.startsWith('['))).toEqual([
      '[░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░]   0% queued (0ms)',
      '[█░░░░░░░░░░░░░░░░░░░░░░░░░░░░░]   5% building the snapshot (1.0s)',
      '[███░░░░░░░░░░░░░░░░░░░░░░░░░░░]  10% trial 1 of 2 (2.0s)',
      '[███████████████████████████░░░]  90% exporting ONNX (4.0s)',
      '[██████████████████████████████] 100% succeeded (5.0s)',
    ]);
    expect(progress).toContain('10:00:05.000  running → succeeded');
    expect(cap.stdout()).toMatch(/gate: +passed/);
  });

  it('--wait exits 1 when the job fails', async () => {
    const training = fakeApi('training', (method) => (method === 'SubmitTrainingJob' ? job('JOB_STATUS_RUNNING', 'trial 1 of 1') : job('JOB_STATUS_FAILED', 'no rows')));
    const cap = captureIO({ clients: fakeClients({ training }) });
    expect(await runCli(['jobs', 'submit', '-f', await spec({ model_name: 'churn' }), '--wait', '--json'], cap.io)).toBe(1);
    expect(JSON.parse(cap.stdout())).toMatchObject({ jobId: 'job-1', status: 'JOB_STATUS_FAILED' });
    expect(cap.stderr()).toContain('error: job job-1 failed: no rows');
  });
});
