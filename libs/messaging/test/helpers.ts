import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { type EventTopic, Topics, type events } from '@mlops/contracts';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { openDataSource } from '@mlops/persistence';
import { testDatabaseUrl, uniqueName } from '@mlops/testing';
import { EventPublisher, MESSAGING_ENTITIES, MessagingTables1732800000000, createKafka } from '../src';

export type ServiceStarted = events.ServiceStarted;

/** A private topic that carries ServiceStarted payloads, so tests never share a topic. */
export function privateTopic(prefix: string): EventTopic<ServiceStarted> {
  return { ...Topics.serviceStarted, name: `test.${uniqueName(prefix).replace(/_/g, '-')}.event.v1` };
}

export function started(n: number): ServiceStarted {
  return { service: 'test', instanceId: `instance-${n}`, version: '1.0.0', host: 'h', startedAtMs: 1_732_900_000_000 + n };
}

export function testLogger(): JsonLogger {
  return new JsonLogger('messaging-test', 'error');
}

export function testKafka(brokers: string[]): Kafka {
  return createKafka({ brokers, clientId: 'messaging-test', logger: new JsonLogger('messaging-test', 'error', () => undefined) });
}

export async function testDataSource(): Promise<DataSource> {
  return openDataSource({
    url: testDatabaseUrl(),
    schema: uniqueName('messaging'),
    entities: MESSAGING_ENTITIES,
    migrations: [MessagingTables1732800000000],
  });
}

export function testPublisher(kafka: Kafka): EventPublisher {
  return new EventPublisher(kafka, 'messaging-test');
}

export const metrics = () => new PlatformMetrics('messaging-test');
