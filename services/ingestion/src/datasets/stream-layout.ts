import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Topics } from '@mlops/contracts';
import { partitionCount } from '@mlops/messaging';
import { KAFKA } from '@mlops/nest-platform';
import { JsonLogger } from '@mlops/observability';

const CACHE_MS = 60_000;
const ASK_TIMEOUT_MS = 5_000;

/**
 * How many entity buckets a dataset registered now gets: the accepted-records topic's partition
 * count, so that its buckets map one to one onto the partitions (libs/messaging buckets.ts).
 * Asked of the broker at most once a minute. When the broker cannot say within 5 s the dataset
 * gets 0, the legacy layout (12 keys placed by the default partitioner): its records still flow,
 * only less evenly over the partitions; the warning says so.
 */
@Injectable()
export class StreamLayout {
  private cached?: { buckets: number; at: number };

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly logger: JsonLogger,
  ) {}

  async bucketsForNewDataset(): Promise<number> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.buckets;
    let timer: NodeJS.Timeout | undefined;
    try {
      const buckets = await Promise.race([
        partitionCount(this.kafka, Topics.recordsAccepted.name),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer in ${ASK_TIMEOUT_MS} ms`)), ASK_TIMEOUT_MS))),
      ]);
      this.cached = { buckets, at: Date.now() };
      return buckets;
    } catch (error) {
      this.logger.warn('partition count of the accepted-records topic unknown; a dataset registered now gets the legacy 12-key layout', { error: (error as Error).message });
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }
}
