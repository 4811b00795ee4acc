import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import type { TensorSpec } from '../inference/domain/tensors';
import { warmUp } from './loaded-model';

/**
 * The child process of load-guard.ts: loads a model and runs its warm-up, as serving would,
 * then reports and exits. argv: the model file, its inputs (JSON), onnxruntime's intra-op
 * threads. Whatever the model does to this process (memory, time, a crash) stays here.
 */
async function main(): Promise<void> {
  const [file, inputsJson, threads] = process.argv.slice(2);
  const session = await ort.InferenceSession.create(readFileSync(file), { intraOpNumThreads: Number(threads) || 1, interOpNumThreads: 1 });
  await warmUp(session, JSON.parse(inputsJson) as TensorSpec[]);
  await session.release();
}

main().then(
  () => process.send!({ ok: true }, () => process.exit(0)),
  (error: unknown) => process.send!({ ok: false, error: (error as Error).message ?? String(error) }, () => process.exit(1)),
);
