import { parentPort, workerData } from 'node:worker_threads';
import type { TrainInput } from './domain/trainer';
import { fit } from './fit';

/** One fit in a worker thread (see fit-off-loop.ts): the input arrives as workerData, the model and its loss curve go back in one message. */
parentPort!.postMessage(fit(workerData as Omit<TrainInput, 'onIteration'>));
