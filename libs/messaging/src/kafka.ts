import { readFileSync } from 'node:fs';
import { Kafka, type KafkaConfig, type SASLOptions, logLevel, type LogEntry } from 'kafkajs';
import type { JsonLogger } from '@mlops/observability';
import './kafkajs-idle-fix';

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  logger: JsonLogger;
  /** How to reach a secured broker; PLAINTEXT when absent. */
  security?: KafkaSecurity;
}

export type KafkaSecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';

export interface KafkaSecurity {
  protocol: KafkaSecurityProtocol;
  /** SASL_*: SCRAM-SHA-512 (what scripts/kafka.sh gives every user), SCRAM-SHA-256 or PLAIN. */
  saslMechanism?: 'SCRAM-SHA-512' | 'SCRAM-SHA-256' | 'PLAIN';
  saslUsername?: string;
  /** SASL_*: a file holding the password (read at start; trailing newline ignored). */
  saslPasswordFile?: string;
  /** SSL, SASL_SSL: PEM file of the CA that signed the broker's certificate ('' : the system's CAs). */
  tlsCaFile?: string;
}

/** The kafkajs settings for a security protocol (Kafka's own names, as a Java client is configured). */
export function kafkaSecurityConfig(security: KafkaSecurity | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!security || security.protocol === 'PLAINTEXT') return {};
  const tls = security.protocol === 'SSL' || security.protocol === 'SASL_SSL';
  const config: Pick<KafkaConfig, 'ssl' | 'sasl'> = {};
  if (tls) config.ssl = security.tlsCaFile ? { ca: [readFileSync(security.tlsCaFile, 'utf8')], rejectUnauthorized: true } : { rejectUnauthorized: true };
  if (security.protocol.startsWith('SASL_')) {
    if (!security.saslUsername || !security.saslPasswordFile) throw new Error(`${security.protocol} needs a SASL user name and password file`);
    const password = readFileSync(security.saslPasswordFile, 'utf8').replace(/\r?\n$/, '');
    const mechanism = (security.saslMechanism ?? 'SCRAM-SHA-512').toLowerCase() as 'scram-sha-512' | 'scram-sha-256' | 'plain';
    config.sasl = { mechanism, username: security.saslUsername, password } as SASLOptions;
  }
  return config;
}

/** A kafkajs client whose logs go to the service's JSON log, with retries suited to a broker
 * that may restart: clients wait and reconnect instead of giving up. */
export function createKafka({ brokers, clientId, logger, security }: KafkaOptions): Kafka {
  const log = logger.child('kafkajs');
  return new Kafka({
    clientId,
    brokers,
    ...kafkaSecurityConfig(security),
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
