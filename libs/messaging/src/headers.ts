import type { IHeaders } from 'kafkajs';
import { CORRELATION_HEADER } from '@mlops/observability';

/** Kafka headers every platform event carries. */
export const Headers = {
  /** Unique id of the event: the idempotency key of every consumer. */
  eventId: 'event-id',
  /** Follows one request or saga across services. */
  correlationId: CORRELATION_HEADER,
  /** `application/x-protobuf; type=<message type>` or `application/json`. */
  contentType: 'content-type',
  /** When the event happened (ISO 8601). */
  occurredAt: 'occurred-at',
  /** Service that produced it. */
  producer: 'producer',
  /** Dead-letter headers added to the original ones. */
  dlqError: 'dlq-error',
  dlqErrorKind: 'dlq-error-kind',
  dlqTopic: 'dlq-original-topic',
  dlqPartition: 'dlq-original-partition',
  dlqOffset: 'dlq-original-offset',
  dlqGroup: 'dlq-consumer-group',
  dlqAttempts: 'dlq-attempts',
  dlqFailedAt: 'dlq-failed-at',
} as const;

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';
export const JSON_CONTENT_TYPE = 'application/json';

export function protobufContentType(messageType: string): string {
  return `${PROTOBUF_CONTENT_TYPE}; type=${messageType}`;
}

export function headerString(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined || value === null) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Headers as plain strings, for storage and logs. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerString(headers, name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
