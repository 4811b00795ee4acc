import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportOnnx } from '@mlops/ml';
import { type RunningPlatform, type RunningService, startConsole, startPlatform, testIssuer } from '@mlops/testing';

/**
 * The proof with a client nobody here wrote: the official MLflow Java client
 * (org.mlflow:mlflow-client 2.17.2 from Maven Central), driven by examples/java/mlflow-client,
 * against the real console, training and registry services. The program prints a "checked:" line
 * per check and exits non-zero on the first that fails; this test passes its output on and then
 * reads what it left behind through the platform's own API.
 */
describe('MLflow Java client against the platform', () => {
  let platform: RunningPlatform;
  let consoleService: RunningService;
  const issuer = testIssuer();
  const project = resolve(__dirname, '../../../examples/java/mlflow-client');

  beforeAll(async () => {
    platform = await startPlatform();
    consoleService = await startConsole(platform);
  }, 180_000);

  afterAll(async () => {
    await consoleService?.stop();
    await platform?.stop();
  });

  it('sets an experiment, tracks a run, registers an ONNX version and an alias, all read back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlflow-java-'));
    const onnx = join(dir, 'model.onnx');
    writeFileSync(onnx, exportOnnx({ kind: 'logistic_regression', featureNames: ['a', 'b'], classes: [0, 1], coef: [[1, -1]], intercept: [0] }));
    const modelName = `java-client-${Date.now()}`;
    const env = {
      ...process.env,
      MLFLOW_TRACKING_URI: consoleService.httpUrl,
      MLFLOW_TRACKING_TOKEN: issuer.adminToken,
      MODEL_NAME: modelName,
      MODEL_ONNX: onnx,
      EXPERIMENT_NAME: `java-client-${Date.now()}`,
    };
    const result = await run('mvn', ['-q', '-B', '-f', join(project, 'pom.xml'), 'compile', 'exec:java'], env);
    process.stdout.write(`${result.output}\n`);
    expect(result.code).toBe(0);
    expect(result.output).toMatch(/mlflow java client: \d+ checks passed/);
    expect(result.output).not.toMatch(/FAILED/);

    // What the client registered is a platform version with its run's lineage, seen from MLflow's side too.
    const response = await fetch(`${consoleService.httpUrl}/api/2.0/mlflow/registered-models/get?name=${modelName}`, { headers: { authorization: `Bearer ${issuer.adminToken}` } });
    const body = (await response.json()) as { registered_model: { name: string; aliases: { alias: string; version: string }[]; latest_versions: { version: string; run_id: string; status: string }[] } };
    expect(response.status).toBe(200);
    // champion is the client's; production is the platform's own, set when the registry promoted
    // the first version under the model's default automatic policy.
    expect(body.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }, { alias: 'production', version: '1' }]);
    expect(body.registered_model.latest_versions[0]).toMatchObject({ version: '1', status: 'READY', run_id: expect.stringMatching(/.+/) });
  }, 300_000);
});

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output: Buffer.concat(chunks).toString('utf8').slice(-20_000) }));
  });
}
