import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { INSTANCE } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';
import type { Comparison } from './domain/predictions';
import { DeploymentsRepository, type WindowStatsRow } from '../deployments/deployments.repository';
import { type WindowStats, addLatency, emptyStats } from '../deployments/domain/window-stats';

export interface WindowRef {
  deploymentId: string;
  window: number;
}

type Side = 'candidate' | 'stable';

/**
 * The measurements this process takes for the analysis of active deployments: per window and
 * version, requests, errors, latencies, comparisons on mirrored requests and labelled outcomes.
 * Recording is in memory (the request path never waits for the database); every second the
 * cumulative counts are stored, one row per process, window and version, which the analysis adds
 * up across replicas.
 */
@Injectable()
export class Measurements implements OnModuleInit, OnApplicationShutdown {
  private readonly windows = new Map<string, { ref: WindowRef; side: Side; stats: WindowStats; dirty: boolean }>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly logger: JsonLogger,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch((error) => this.logger.warn('storing measurements failed, will retry', { error })), 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
  }

  inference(ref: WindowRef, side: Side, ok: boolean, latencyMs: number): void {
    const stats = this.stats(ref, side);
    stats.requests++;
    if (ok) addLatency(stats, latencyMs);
    else stats.errors++;
  }

  comparison(ref: WindowRef, c: Comparison): void {
    const stats = this.stats(ref, 'candidate');
    stats.compared += c.compared;
    stats.divergent += c.divergent;
    stats.absDifference += c.absDifference;
    stats.stableMagnitude += c.stableMagnitude;
  }

  label(ref: WindowRef, side: Side, score: { correct: number; absError: number }): void {
    const stats = this.stats(ref, side);
    stats.labelled++;
    stats.correct += score.correct;
    stats.absError += score.absError;
  }

  /** Stores what changed since the last flush; windows older than `current` are then dropped. */
  async flush(current?: Map<string, number>): Promise<void> {
    while (this.flushing) await this.flushing;
    const dirty = [...this.windows.values()].filter((w) => w.dirty);
    const rows: WindowStatsRow[] = dirty.map((w) => ({ deploymentId: w.ref.deploymentId, window: w.ref.window, instanceId: INSTANCE.id, role: w.side, stats: { ...w.stats, latency: [...w.stats.latency] } }));
    for (const w of dirty) w.dirty = false;
    this.flushing = this.repository.saveWindowStats(rows).catch((error) => {
      for (const w of dirty) w.dirty = true;
      throw error;
    });
    try {
      await this.flushing;
    } finally {
      this.flushing = undefined;
    }
    if (current) {
      for (const [key, w] of this.windows) if (!w.dirty && (current.get(w.ref.deploymentId) ?? Infinity) > w.ref.window) this.windows.delete(key);
    }
  }

  private stats(ref: WindowRef, side: Side): WindowStats {
    const key = `${ref.deploymentId}:${ref.window}:${side}`;
    let entry = this.windows.get(key);
    if (!entry) {
      entry = { ref, side, stats: emptyStats(), dirty: true };
      this.windows.set(key, entry);
    }
    entry.dirty = true;
    return entry.stats;
  }
}
