import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { JsonLogger } from '@mlops/observability';
import './kafkajs-idle-fix';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: JsonLogger;
}

/** A kafkajs client whose logs go to the service's JSON log, with retries suited to a broker
 * that may restart: clients wait and reconnect instead of giving up. */
export function createKafka({ brokers, clientId, logger }: KafkaOptions): Kafka {
  const log = logger.child('kafkajs');
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, timestamp: _ts, logger: _l, ...fields } = entry;
        // kafkajs reports errors it retries itself (a broker restarting, a leader moving) at
        // ERROR; the platform logs what it finally could not do, so these are warnings.
        if (level <= logLevel.WARN) log.warn(message, fields);
        else log.debug(message, fields);
      },
  });
}

/** Creates the topics that do not exist yet (idempotent; concurrent callers are fine). */
export async function ensureTopics(kafka: Kafka, names: readonly string[], numPartitions = 3): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = names.filter((name) => !existing.has(name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })),
    });
  } catch (error) {
    // Another process created them between our list and create.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  } finally {
    await admin.disconnect();
  }
}
