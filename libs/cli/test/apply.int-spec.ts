import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Topics } from '@mlops/contracts';
import { type LogisticRegressionModel, exportOnnx } from '@mlops/ml';
import { type RunningPlatform, grpcClient, readTopicUntil, startPlatform, testKafkaBrokers, uniqueName } from '@mlops/testing';

const MAIN = path.resolve(__dirname, '../dist/main.js');
const EXAMPLES = path.resolve(__dirname, '../../../examples/project');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `mlops apply / plan / export` and the registration commands, as an operator runs the built CLI,
 * against all six services as processes on the real broker and database. The examples/project
 * files are copied with their names prefixed, so runs beside each other do not meet on Kafka.
 */
describe('mlops apply, plan and export against the running services', () => {
  let platform: RunningPlatform;
  let dir: string;
  let project: string;
  let env: Record<string, string>;
  const prefix = uniqueName('res').replace(/_/g, '-');
  const model = `${prefix}-late-rides`;

  function mlops(args: string[]): Promise<Result> {
    return new Promise((resolve) => {
      execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  }

  async function json(args: string[]): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const result = await mlops([...args, '--json']);
    if (result.code !== 0) throw new Error(`mlops ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout);
  }

  /** Rewrites one file of the project copy. */
  async function edit(file: string, change: (text: string) => string): Promise<void> {
    const full = path.join(project, file);
    const before = await fs.readFile(full, 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`the edit of ${file} changed nothing`);
    await fs.writeFile(full, after);
  }

  beforeAll(async () => {
    platform = await startPlatform();
    env = { ...platform.clientEnv, KAFKA_BROKERS: testKafkaBrokers().join(','), TZ: 'UTC' };
    dir = await fs.mkdtemp(path.join(tmpdir(), 'apply-it-'));
    project = path.join(dir, 'project');
    await fs.mkdir(project);
    for (const file of await fs.readdir(EXAMPLES)) {
      if (file.endsWith('.yaml')) await fs.writeFile(path.join(project, file), (await fs.readFile(path.join(EXAMPLES, file), 'utf8')).replace(/\bdemo-/g, `${prefix}-`));
    }
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('applies examples/project: every resource created, then stored as declared', async () => {
    const first = await mlops(['apply', '-f', project]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().split('\n')).toEqual([
      `Dataset/${prefix}-rides created`,
      `FeatureView/${prefix}-ride-features created`,
      `RegisteredModel/${model} created`,
      `TrainingSpec/${model}-nightly created`,
      `DeploymentPolicy/${model} created`,
      `MonitoringPolicy/${model} created`,
    ]);
    const dataset = await json(['datasets', 'get', `${prefix}-rides`]);
    expect(dataset).toMatchObject({ entityColumn: 'ride_id', eventTimeColumn: 'ts', labelColumn: 'late', schemaVersion: 1 });
    expect(dataset.columns.find((c: { name: string }) => c.name === 'late')).toMatchObject({ type: 'COLUMN_TYPE_INT', hasMin: true, min: 0, hasMax: true, max: 1 });
    expect(await json(['deployments', 'policy', 'get', model])).toMatchObject({ strategy: 'STRATEGY_CANARY', canarySteps: [25, 50, 100], intervalSeconds: 2, thresholds: { minRequests: 10, requireLabels: true } });
    expect(await json(['monitoring', 'policy', 'get', model])).toMatchObject({ windowSize: 500, evaluateEvery: 250, labelWindow: 200, retrain: 'RETRAIN_POLICY_AUTOMATIC' });
    expect(await json(['models', 'get', model])).toMatchObject({ tags: { team: 'demo' }, promotionPolicy: 'PROMOTION_POLICY_AUTOMATIC' });
    console.log('apply examples/project: 6 created, dataset/policies/model read back as declared');
  }, 120_000);

  it('applying the same files again changes nothing', async () => {
    const again = await mlops(['apply', '-f', project]);
    expect(again.code).toBe(0);
    const lines = again.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.endsWith(' unchanged'))).toBe(true);
    expect((await json(['datasets', 'get', `${prefix}-rides`])).schemaVersion).toBe(1);
    console.log('second apply: 6 unchanged, dataset still schema v1');
  });

  it('plan shows the field diff of a changed file and changes nothing; apply then configures only that', async () => {
    await edit('models.yaml', (t) => t.replace('maxErrorRate: 0.01', 'maxErrorRate: 0.005').replace('team: demo', 'team: demo\n    tier: gold'));
    await edit('datasets.yaml', (t) => t.replace('    - name: late', '    - name: x4\n      type: float\n      nullable: true\n    - name: late'));
    const plan = await mlops(['plan', '-f', project]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`Dataset/${prefix}-rides: change\n    + spec.columns[x4]: {"categories":[],"description":"","name":"x4","nullable":true,"type":"float"}\n`);
    expect(plan.stdout).toContain(`RegisteredModel/${model}: change\n    + spec.tags.tier: "gold"\n`);
    expect(plan.stdout).toContain(`DeploymentPolicy/${model}: change\n    ~ spec.thresholds.maxErrorRate: 0.01 → 0.005\n`);
    expect(plan.stdout).toContain(`FeatureView/${prefix}-ride-features: unchanged\n`);
    expect(plan.stdout).toMatch(/^plan: 0 to create, 3 to change, 3 unchanged$/m);
    // Nothing was written.
    expect((await json(['deployments', 'policy', 'get', model])).thresholds.maxErrorRate).toBe(0.01);
    expect((await json(['datasets', 'get', `${prefix}-rides`])).schemaVersion).toBe(1);

    const applied = await mlops(['apply', '-f', project]);
    expect(applied.stdout).toMatch(new RegExp(`^Dataset/${prefix}-rides configured$`, 'm'));
    expect(applied.stdout).toMatch(new RegExp(`^DeploymentPolicy/${model} configured$`, 'm'));
    expect(applied.stdout).toMatch(new RegExp(`^MonitoringPolicy/${model} unchanged$`, 'm'));
    expect((await json(['datasets', 'get', `${prefix}-rides`])).schemaVersion).toBe(2);
    expect((await json(['deployments', 'policy', 'get', model])).thresholds.maxErrorRate).toBe(0.005);
    console.log('plan: 3 diffs shown, nothing written; apply: 3 configured (dataset schema v2, maxErrorRate 0.005)');
  });

  it('refuses an incompatible dataset change with the reason, before writing anything', async () => {
    await edit('datasets.yaml', (t) => t.replace('    - name: x3\n      type: float\n', ''));
    await edit('models.yaml', (t) => t.replace('intervalSeconds: 2', 'intervalSeconds: 5'));
    const refused = await mlops(['apply', '-f', project]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('error: refused, nothing was changed:');
    expect(refused.stderr).toContain(`${path.join(project, 'datasets.yaml')}:3: Dataset/${prefix}-rides: ingestion refuses it: FAILED_PRECONDITION: incompatible change to dataset "${prefix}-rides": column "x3" cannot be removed`);
    // The compatible change in the same apply was not written either.
    expect((await json(['deployments', 'policy', 'get', model])).intervalSeconds).toBe(2);
    expect((await json(['datasets', 'get', `${prefix}-rides`])).columns.map((c: { name: string }) => c.name)).toContain('x3');
    const plan = await mlops(['plan', '-f', project]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain('column "x3" cannot be removed');
    console.log('incompatible change (column removed) refused by ingestion with file:line; the policy change beside it not written');
  });

  it('refuses an invalid file naming file:line and the field', async () => {
    await edit('models.yaml', (t) => t.replace('maxErrorRate: 0.005', 'maxErrorRate: 1.5'));
    const invalid = await mlops(['plan', '-f', path.join(project, 'models.yaml')]);
    expect(invalid.code).toBe(1);
    const line = (await fs.readFile(path.join(project, 'models.yaml'), 'utf8')).split('\n').findIndex((l) => l.includes('maxErrorRate')) + 1;
    expect(invalid.stderr).toBe(`error: invalid resource files:\n${path.join(project, 'models.yaml')}:${line}: spec.thresholds.maxErrorRate: must be <= 1\n`);
    console.log(`invalid value reported at models.yaml:${line}`);
  });

  it('exports the platform as resource files that plan finds unchanged', async () => {
    const out = path.join(dir, 'exported');
    const exported = await mlops(['export', '-o', out]);
    expect(exported.code).toBe(0);
    expect((await fs.readdir(out)).sort()).toEqual(['datasets.yaml', 'deployment-policies.yaml', 'feature-views.yaml', 'models.yaml', 'monitoring-policies.yaml', 'training-specs.yaml']);
    const plan = await json(['plan', '-f', out]);
    expect(plan.resources.length).toBeGreaterThanOrEqual(6);
    expect(plan.resources.filter((r: { action: string }) => r.action !== 'unchanged')).toEqual([]);
    const training = await fs.readFile(path.join(out, 'training-specs.yaml'), 'utf8');
    expect(training).toContain(`schedule: 0 3 * * *`);
    expect(training).toContain('algorithm: logistic_regression');
    console.log(`export: 6 files, re-plan of ${plan.resources.length} resources: all unchanged`);
  });

  it('registers by command: dataset (dry run first), feature view, model, ONNX upload, snapshot, feedback', async () => {
    const ds = `${prefix}-cmd`;
    const columns = ['--column', 'id:int', '--column', 'ts:timestamp', '--column', 'a:float', '--column', 'b:float', '--column', 'c:float', '--column', 'y:int', '--entity', 'id', '--event-time', 'ts', '--label', 'y'];
    const dry = await mlops(['datasets', 'register', ds, ...columns, '--dry-run']);
    expect(dry.stdout).toBe(`would be dataset ${ds}: schema version 1, 6 columns, 0 records\n`);
    expect((await mlops(['datasets', 'get', ds])).code).toBe(1);
    expect((await json(['datasets', 'register', ds, ...columns])).schemaVersion).toBe(1);
    const retyped = await mlops(['datasets', 'register', ds, ...columns.map((c) => (c === 'a:float' ? 'a:string' : c))]);
    expect(retyped.code).toBe(1);
    expect(retyped.stderr).toContain('column "a" cannot change type from float to string');

    const view = await json(['features', 'register', `${ds}-view`, '--dataset', ds, '--feature', 'a', '--feature', 'b', '--feature', 'c', '--feature', 'ab=a + b']);
    expect(view).toMatchObject({ version: 1, featureNames: ['a', 'b', 'c', 'ab'] });

    const ingestion = grpcClient(platform.service('ingestion').grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    try {
      const now = Date.now();
      const records = Array.from({ length: 30 }, (_, i) => ({ recordId: `r${i}`, fields: { id: { intValue: i }, ts: { timestampMs: now - (30 - i) * 1000 }, a: { floatValue: i }, b: { floatValue: 1 }, c: { floatValue: -i }, y: { intValue: i % 2 } } }));
      await ingestion.IngestRecords({ dataset: ds, records });
    } finally {
      ingestion.close();
    }
    const snapshot = await json(['snapshots', 'create', `${ds}-view`, '--cut']);
    expect(snapshot).toMatchObject({ featureView: `${ds}-view`, rowCount: 30 });

    const created = await mlops(['models', 'create', `${ds}-model`, '--promotion', 'requires-approval', '--tag', 'team=cli']);
    expect(created.stdout).toBe(`model ${ds}-model created (promotion requires_approval, tags team=cli)\n`);
    const onnx = path.join(dir, 'model.onnx');
    const lr: LogisticRegressionModel = { kind: 'logistic_regression', featureNames: ['a', 'b', 'c'], classes: [0, 1], coef: [[0.5, -0.2, 0.1]], intercept: [0.1] };
    await fs.writeFile(onnx, Buffer.from(exportOnnx(lr)));
    const uploaded = await json(['models', 'upload', onnx, '--model', `${ds}-model`, '--metric', 'accuracy=0.8', '--tag', 'framework=mlops-ml']);
    expect(uploaded).toMatchObject({ modelName: `${ds}-model`, version: 1, metrics: { accuracy: 0.8 }, tags: { framework: 'mlops-ml' }, signature: { featureNames: ['a', 'b', 'c'] } });
    expect(uploaded.artifactSize).toBe((await fs.stat(onnx)).size);

    const requestId = uniqueName('req');
    const sent = await mlops(['feedback', 'send', '--model', `${ds}-model`, '--request-id', requestId, '--label', '1']);
    expect(sent.stdout).toBe(`1 label for ${ds}-model sent to ${Topics.feedbackReceived.name}\n`);
    let received: { requestId: string; label: number } | undefined;
    await readTopicUntil(testKafkaBrokers(), Topics.feedbackReceived.name, (messages) => {
      const decoded = messages.filter((m) => m.key?.toString() === `${ds}-model`).map((m) => Topics.feedbackReceived.codec.decode(m.value!));
      received = decoded.find((d) => d.requestId === requestId);
      return received !== undefined;
    }, { timeoutMs: 60_000 });
    expect(received).toMatchObject({ requestId, label: 1 });
    console.log('datasets register (dry run, create, retype refused), features register, snapshot of 30 rows, models create/upload, feedback on Kafka');
  }, 180_000);
});
