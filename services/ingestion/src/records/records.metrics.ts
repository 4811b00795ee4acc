import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { PlatformMetrics } from '@mlops/observability';
import type { RecordOutcome } from './domain/record-outcome';

/** Ingestion's Prometheus series: records by dataset and outcome, from Kafka and gRPC alike. */
@Injectable()
export class RecordsMetrics {
  readonly records: Counter<'dataset' | 'outcome'>;

  constructor(metrics: PlatformMetrics) {
    this.records = new Counter({
      name: 'mlops_ingestion_records_total',
      help: 'Records through the ingestion pipeline, by dataset and outcome: accepted (stored), duplicate (stored before), rejected (dead-lettered).',
      labelNames: ['dataset', 'outcome'],
      registers: [metrics.registry],
    });
  }

  /** Counts one committed batch. `dataset` is "" for a record of no registered dataset, so that
   * the names producers send do not become series unless someone registered them. */
  count(records: { dataset: string; outcome: RecordOutcome }[]): void {
    const counts = new Map<string, { dataset: string; outcome: RecordOutcome; n: number }>();
    for (const { dataset, outcome } of records) {
      const key = `${dataset}\u0000${outcome}`;
      const entry = counts.get(key);
      if (entry) entry.n++;
      else counts.set(key, { dataset, outcome, n: 1 });
    }
    for (const { dataset, outcome, n } of counts.values()) this.records.labels(dataset, outcome).inc(n);
  }
}
