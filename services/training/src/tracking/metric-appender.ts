import { Injectable } from '@nestjs/common';
import { type CallAudit, auditInTransaction, currentCallAudit, outsideCallAudit } from '@mlops/nest-platform';
import { GroupCommit } from '@mlops/persistence';
import type { MetricPoint } from './domain/run';
import { type LockedRun, TrackingRepository } from './tracking.repository';

/** Why a run takes no new data (deleted, in a deleted experiment, not running), or undefined when it does. */
export type ActiveRunCheck = (runId: string, run: LockedRun | undefined) => Error | undefined;

interface Batch {
  runId: string;
  metrics: MetricPoint[];
  check: ActiveRunCheck;
  /** The audit record of the call that sent the batch, committed with its values. */
  audit: CallAudit | undefined;
}

/** At most this many metric values go into one transaction (a few MLflow-sized batches). */
export const MAX_VALUES_PER_COMMIT = 20_000;
/** Callers waiting beyond this many values are refused (RESOURCE_EXHAUSTED) rather than queued without end. */
export const MAX_WAITING_VALUES = 200_000;

/**
 * Metric-only batches, the hot path of every training loop (a log-batch per step), committed in
 * groups: one transaction locks the runs of every waiting batch (in run id order, so two such
 * locks never wait on each other), refuses the batches of runs that take no data, appends the
 * rest and moves the latest values in two statements, whatever the number of callers. Each
 * written batch's audit record commits with it.
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
    return this.group.add({ runId, metrics, check, audit: currentCallAudit() });
  }

  private commit(batches: Batch[]): Promise<(Error | undefined)[]> {
    // The group is started by whichever caller came first; its transaction takes only the records handed over.
    return outsideCallAudit(() => this.repository.transaction(async (m) => {
      const runs = await this.repository.lockRuns(m, [...new Set(batches.map((b) => b.runId))]);
      const refusals = batches.map((b) => b.check(b.runId, runs.get(b.runId)));
      const written = batches.filter((_, i) => !refusals[i]);
      await this.repository.appendMetricsOfRuns(m, written);
      await auditInTransaction(m, written.map((b) => b.audit));
      return refusals;
    }));
  }
}
