import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JsonLogger } from '@mlops/observability';
import { schemaOf } from '@mlops/persistence';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import type { Task } from '../deployments/domain/analysis';
import { ServingMetrics } from '../serving.metrics';

type Side = 'stable' | 'candidate';

/** A labelled row whose prediction(s) this process found: what the analysis scores. */
export interface JoinedLabel {
  deploymentId: string;
  task: Task;
  stable?: number;
  candidate?: number;
  label: number;
}

interface PendingPrediction {
  requestId: string;
  row: number;
  deploymentId: string;
  task: Task;
  stable?: number;
  candidate?: number;
}

const FLUSH_MS = 100;
const MAX_ROWS_PER_STATEMENT = 2000;
/** How long a label waits for its prediction (the prediction is stored within FLUSH_MS of the answer). */
const LABEL_WAIT_SECONDS = 300;

/**
 * Predictions made during deployments joined to their late labels, in Postgres so that every
 * replica sees every prediction: the replica that receives a label is rarely the one that
 * answered. Predictions are queued on the request path and stored every 100 ms in one statement;
 * labels likewise. Whichever side completes a row (prediction + label) scores it and marks it
 * scored in the same transaction; a scored row takes no more predictions or labels, so a label
 * counts once however many replicas and redeliveries there are, and a mirrored candidate's
 * prediction stored after the label (the mirror answers later) does not open the row again.
 * A label that arrives first waits up to five minutes; predictions are kept for
 * SERVING_LABEL_JOIN_SECONDS. Bounded in memory by SERVING_LABEL_MEMORY queued rows (beyond, rows
 * are dropped and counted). The table is UNLOGGED: labels in flight are statistics, not records.
 */
@Injectable()
export class LabelJoin implements OnModuleInit, OnApplicationShutdown {
  private predictions = new Map<string, PendingPrediction>();
  private labels = new Map<string, { requestId: string; row: number; label: number }>();
  private timer?: NodeJS.Timeout;
  private expiry?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private onJoined: (joined: JoinedLabel[]) => void = () => undefined;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
    private readonly metrics: ServingMetrics,
    private readonly logger: JsonLogger,
  ) {}

  /** Where joined rows go (the router scores them for the deployment's current window). */
  handle(onJoined: (joined: JoinedLabel[]) => void): void {
    this.onJoined = onJoined;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch((error) => this.logger.warn('label join: storing failed, will retry', { error: (error as Error).message })), FLUSH_MS);
    this.timer.unref();
    this.expiry = setInterval(() => void this.expire().catch(() => undefined), 30_000);
    this.expiry.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.expiry);
    await this.flush().catch(() => undefined);
  }

  /** Queues a prediction of one side for a row (the request path: never waits). */
  remember(requestId: string, row: number, deploymentId: string, task: Task, side: Side, prediction: number): void {
    const key = `${requestId}#${row}`;
    let entry = this.predictions.get(key);
    if (!entry) {
      if (this.predictions.size + this.labels.size >= this.config.labelMemory) {
        this.metrics.labelJoinDropped.inc();
        return;
      }
      entry = { requestId, row, deploymentId, task };
      this.predictions.set(key, entry);
    }
    entry[side] = prediction;
  }

  /** Queues a label; it is joined at the next flush. */
  label(requestId: string, row: number, label: number): void {
    if (this.predictions.size + this.labels.size >= this.config.labelMemory) {
      this.metrics.labelJoinDropped.inc();
      return;
    }
    this.labels.set(`${requestId}#${row}`, { requestId, row, label });
  }

  /** Stores what is queued and scores the rows that became complete. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.predictions.size === 0 && this.labels.size === 0) return;
    // Sorted by key: concurrent flushes of two replicas lock shared rows in the same order.
    const byKey = (a: { requestId: string; row: number }, b: { requestId: string; row: number }) => (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : a.row - b.row);
    const predictions = [...this.predictions.values()].sort(byKey);
    const labels = [...this.labels.values()].sort(byKey);
    this.predictions = new Map();
    this.labels = new Map();
    this.flushing = this.store(predictions, labels);
    try {
      await this.flushing;
    } catch (error) {
      // Put back what was not stored (bounded: the queue limit still applies to new rows).
      for (const p of predictions) if (!this.predictions.has(`${p.requestId}#${p.row}`)) this.predictions.set(`${p.requestId}#${p.row}`, p);
      for (const l of labels) if (!this.labels.has(`${l.requestId}#${l.row}`)) this.labels.set(`${l.requestId}#${l.row}`, l);
      throw error;
    } finally {
      this.flushing = undefined;
    }
  }

  private async store(predictions: PendingPrediction[], labels: Array<{ requestId: string; row: number; label: number }>): Promise<void> {
    const s = schemaOf(this.dataSource);
    const joined: JoinedLabel[] = [];
    await this.dataSource.transaction(async (m) => {
      const complete: Array<Record<string, unknown>> = [];
      for (let i = 0; i < predictions.length; i += MAX_ROWS_PER_STATEMENT) {
        const part = predictions.slice(i, i + MAX_ROWS_PER_STATEMENT);
        complete.push(
          ...((await m.query(
            `INSERT INTO "${s}".label_join AS j (request_id, "row", deployment_id, task, stable, candidate)
               SELECT * FROM unnest($1::text[], $2::int[], $3::uuid[], $4::text[], $5::float8[], $6::float8[])
             ON CONFLICT (request_id, "row") DO UPDATE SET
               deployment_id = EXCLUDED.deployment_id, task = EXCLUDED.task,
               stable = coalesce(EXCLUDED.stable, j.stable), candidate = coalesce(EXCLUDED.candidate, j.candidate), touched_at = now()
               WHERE NOT j.scored
             RETURNING request_id, "row", deployment_id, task, stable, candidate, label`,
            [part.map((p) => p.requestId), part.map((p) => p.row), part.map((p) => p.deploymentId), part.map((p) => p.task), part.map((p) => p.stable ?? null), part.map((p) => p.candidate ?? null)],
          )) as Array<Record<string, unknown>>),
        );
      }
      for (let i = 0; i < labels.length; i += MAX_ROWS_PER_STATEMENT) {
        const part = labels.slice(i, i + MAX_ROWS_PER_STATEMENT);
        complete.push(
          ...((await m.query(
            `INSERT INTO "${s}".label_join AS j (request_id, "row", label)
               SELECT * FROM unnest($1::text[], $2::int[], $3::float8[])
             ON CONFLICT (request_id, "row") DO UPDATE SET label = EXCLUDED.label, touched_at = now()
               WHERE NOT j.scored
             RETURNING request_id, "row", deployment_id, task, stable, candidate, label`,
            [part.map((l) => l.requestId), part.map((l) => l.row), part.map((l) => l.label)],
          )) as Array<Record<string, unknown>>),
        );
      }
      // A row completed by the prediction and then labelled again in the same flush appears twice: once.
      const done = [...new Map(complete.filter((r) => r.label !== null && r.deployment_id !== null).map((r) => [`${r.request_id}#${r.row}`, r])).values()];
      if (done.length === 0) return;
      // The rows stay locked by this transaction until it commits: no other replica can score them too.
      await m.query(`UPDATE "${s}".label_join SET scored = true, touched_at = now() WHERE (request_id, "row") IN (SELECT * FROM unnest($1::text[], $2::int[]))`, [done.map((r) => r.request_id), done.map((r) => r.row)]);
      for (const r of done) {
        joined.push({
          deploymentId: String(r.deployment_id),
          task: r.task as Task,
          ...(r.stable !== null ? { stable: Number(r.stable) } : {}),
          ...(r.candidate !== null ? { candidate: Number(r.candidate) } : {}),
          label: Number(r.label),
        });
      }
    });
    if (joined.length > 0) this.onJoined(joined);
  }

  /** Forgets predictions nobody labelled in time, labels whose prediction never came, and scored
   * rows once nothing more of theirs can arrive. */
  async expire(): Promise<void> {
    const s = schemaOf(this.dataSource);
    await this.dataSource.query(
      `DELETE FROM "${s}".label_join WHERE (label IS NULL AND touched_at < now() - make_interval(secs => $1)) OR (deployment_id IS NULL AND touched_at < now() - make_interval(secs => $2))
         OR (scored AND touched_at < now() - make_interval(secs => greatest($1, $2)))`,
      [this.config.labelJoinSeconds, LABEL_WAIT_SECONDS],
    );
  }
}
