import { Injectable } from '@nestjs/common';
import { GroupCommit } from '@mlops/persistence';
import type { MetricPoint } from './domain/run';
import { type LockedRun, TrackingRepository } from './tracking.repository';

/** Why a run takes no new data (deleted, in a deleted experiment, not running), or undefined when it does. */
export type ActiveRunCheck = (runId: string, run: LockedRun | undefined) => Error | undefined;

interface Batch {
  runId: string;
  metrics: MetricPoint[];
  check: ActiveRunCheck;
}

/** At most this many metric values go into one transaction (a few MLflow-sized batches). */
export const MAX_VALUES_PER_COMMIT = 20_000;
/** Callers waiting beyond this many values are refused (RESOURCE_EXHAUSTED) rather than queued without end. */
export const MAX_WAITING_VALUES = 200_000;

/**
 * Metric-only batches, the hot path of every training loop (a log-batch per step), committed in
 * groups: one transaction locks the runs of every waiting batch (in run id order, so two such
 * locks never wait on each other), refuses the batches of runs that take no data, appends the
 * rest and moves the latest values in two statements, whatever the number of callers.
 */
@Injectable()
export class MetricAppender {
  private readonly group: GroupCommit<Batch>;

  constructor(private readonly repository: TrackingRepository) {
    this.group = new GroupCommit<Batch>((batches) => this.commit(batches), {
      what: 'metric values',
      maxPerCommit: MAX_VALUES_PER_COMMIT,
      maxWaiting: MAX_WAITING_VALUES,
      size: (b) => b.metrics.length,
    });
  }

  /** Resolves once the values are committed; rejects with the check's refusal of the run. */
  append(runId: string, metrics: MetricPoint[], check: ActiveRunCheck): Promise<void> {
    return this.group.add({ runId, metrics, check });
  }

  private commit(batches: Batch[]): Promise<(Error | undefined)[]> {
    return this.repository.transaction(async (m) => {
      const runs = await this.repository.lockRuns(m, [...new Set(batches.map((b) => b.runId))]);
      const refusals = batches.map((b) => b.check(b.runId, runs.get(b.runId)));
      await this.repository.appendMetricsOfRuns(m, batches.filter((_, i) => !refusals[i]));
      return refusals;
    });
  }
}
