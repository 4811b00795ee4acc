import * as path from 'node:path';
import { runInWorkerThread } from '@mlops/nest-platform';
import type { TrainInput } from './domain/trainer';
import { type FitResult, fit } from './fit';

/**
 * Fits in a worker thread (fit.worker.ts), so the service keeps answering and the job's own
 * heartbeat keeps it claimed however long the fit (on the event loop, a long fit let an
 * orchestrator kill the pod mid-job and another worker take the job over). The rows are copied
 * to the thread; the model comes back as plain data.
 */
export function fitOffLoop(input: Omit<TrainInput, 'onIteration'>): Promise<FitResult> {
  return runInWorkerThread(path.join(__dirname, 'fit.worker.js'), input, () => fit(input));
}
