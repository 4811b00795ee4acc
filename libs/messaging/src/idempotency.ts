import type { DataSource, EntityManager } from 'typeorm';
import { schemaOf } from '@mlops/persistence';

/**
 * Consumer-side idempotency: runs `effect` at most once per (consumer group, event id). The
 * marker and the effect commit in one transaction, so a redelivered event (Kafka delivers at
 * least once) is skipped, and an effect that failed leaves no marker and can run again.
 * Returns false when the event had been processed already.
 */
export async function handleOnce(
  dataSource: DataSource,
  consumerGroup: string,
  eventId: string,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<boolean> {
  const schema = schemaOf(dataSource);
  return dataSource.transaction(async (manager) => {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO "${schema}".processed_events (consumer_group, event_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [consumerGroup, eventId],
    );
    if (inserted.length === 0) return false;
    await effect(manager);
    return true;
  });
}
