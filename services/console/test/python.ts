import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { grpcClient, waitFor } from '@mlops/testing';

/** Debian's Python, where the examples' packages are (a pyenv `python3` on PATH has none of them). */
export const PYTHON = '/usr/bin/python3';
export const EXAMPLES = resolve(__dirname, '../../../examples/python');
const MODULES = ['numpy', 'sklearn', 'requests', 'onnx', 'confluent_kafka', 'google.protobuf'];

/** Fails at once, naming what to install, when Debian's Python lacks the examples' packages. */
export function checkPython(): void {
  const probe = spawnSync(PYTHON, ['-c', `import ${MODULES.join(', ')}`], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${PYTHON} cannot import the examples' packages (run scripts/setup.sh as root): ${probe.error?.message ?? probe.stderr.trim().split('\n').pop()}`);
}

/** A Python script of examples/python running as its own process, its output kept (and bounded). */
export class PythonProcess {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(script: string, args: string[], env: Record<string, string>) {
    this.child = spawn(PYTHON, [resolve(EXAMPLES, script), ...args], { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString('utf8')).slice(-50_000));
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
    this.exited = new Promise((done) => this.child.on('close', (code) => done(code)));
  }

  waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
    return waitFor(() => pattern.exec(this.output) ?? undefined, { timeoutMs, what: `output matching ${pattern} (so far: ${this.output.slice(-2000)})` });
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
  }
}

/** Runs a script to its end: exit code and output. */
export async function runPython(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const process = new PythonProcess(script, args, env);
  const code = await process.exited;
  return { code, output: process.output };
}

export const T0 = Date.UTC(2026, 9, 1);
const MINUTE = 60_000;

/** Customers c<from>..c<to - 1>, one a minute from T0; churned when x1 + x2 > 1 (5% of labels flipped). */
export function customerRecords(from: number, to: number) {
  return Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    const x1 = ((i * 37) % 100) / 100;
    const x2 = ((i * 61) % 100) / 100;
    const churned = (x1 + x2 > 1 ? 1 : 0) ^ (i % 20 === 0 ? 1 : 0);
    return { recordId: `c${i}`, fields: { customer_id: { stringValue: `c${i}` }, ts: { timestampMs: T0 + i * MINUTE }, x1: { floatValue: x1 }, x2: { floatValue: x2 }, churned: { intValue: churned } } };
  });
}

/** A customers dataset with `records` records and a feature view of x1, x2 and x1 * x2, through ingestion's and the feature store's gRPC APIs. */
export async function seedCustomers(addresses: { ingestion: string; featureStore: string }, names: { dataset: string; view: string }, records: number): Promise<void> {
  const ingest = grpcClient(addresses.ingestion, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
  const features = grpcClient(addresses.featureStore, 'mlops/features/v1/features.proto', 'mlops.features.v1.FeatureStoreService');
  try {
    await ingest.RegisterDataset({
      dataset: names.dataset, entityColumn: 'customer_id', eventTimeColumn: 'ts', labelColumn: 'churned',
      columns: [
        { name: 'customer_id', type: 'COLUMN_TYPE_STRING' },
        { name: 'ts', type: 'COLUMN_TYPE_TIMESTAMP' },
        { name: 'x1', type: 'COLUMN_TYPE_FLOAT' },
        { name: 'x2', type: 'COLUMN_TYPE_FLOAT' },
        { name: 'churned', type: 'COLUMN_TYPE_INT' },
      ],
    });
    await ingest.IngestRecords({ dataset: names.dataset, records: customerRecords(0, records) });
    await features.RegisterFeatureView({
      name: names.view, sourceDataset: names.dataset,
      features: [{ name: 'x1', column: { column: 'x1' } }, { name: 'x2', column: { column: 'x2' } }, { name: 'x1_x2', expression: { expr: 'x1 * x2' } }],
    });
  } finally {
    ingest.close();
    features.close();
  }
}
