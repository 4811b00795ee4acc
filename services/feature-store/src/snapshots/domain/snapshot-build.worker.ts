import { parentPort, workerData } from 'node:worker_threads';
import { type SnapshotBuildInput, buildSnapshot } from './snapshot-build';

/** A snapshot's join, hash and profiles in a worker thread (see SnapshotsService.create). */
parentPort!.postMessage(buildSnapshot(workerData as SnapshotBuildInput));
