import type { IHeaders } from 'kafkajs';
import type { EventTopic } from '@mlops/contracts';
import { Headers, JSON_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE, headerString, protobufContentType } from './headers';

/**
 * A message that can never be processed, however often it is retried (undecodable bytes, wrong
 * message type, invalid JSON). Consumers send it to the dead-letter topic at once.
 */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}

export function encodeEvent<T>(topic: EventTopic<T>, message: T): { value: Buffer; contentType: string } {
  const bytes = topic.codec.encode(message).finish();
  return { value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType: protobufContentType(topic.messageType) };
}

/**
 * Decodes a Kafka message of an event topic. The content-type header decides the format:
 * protobuf (the message type must be the topic's), or JSON where the topic accepts it (any
 * producer, kcat included, can feed those). A message without the header is read as protobuf.
 */
export function decodeEvent<T>(topic: EventTopic<T>, value: Buffer | null, headers: IHeaders | undefined): T {
  if (value === null) throw new PoisonMessageError(`empty message (tombstone) on ${topic.name}`);
  const contentType = headerString(headers, Headers.contentType) ?? PROTOBUF_CONTENT_TYPE;
  const [mediaType, ...params] = contentType.split(';').map((s) => s.trim());

  if (mediaType === JSON_CONTENT_TYPE) {
    if (!topic.acceptsJson) throw new PoisonMessageError(`topic ${topic.name} does not accept JSON, only ${topic.messageType}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString('utf8'));
    } catch (error) {
      throw new PoisonMessageError(`malformed JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new PoisonMessageError(`JSON payload must be an object with the fields of ${topic.messageType}`);
    }
    return topic.codec.fromJSON(parsed);
  }

  if (mediaType !== PROTOBUF_CONTENT_TYPE) throw new PoisonMessageError(`unsupported content-type "${contentType}"`);
  const typeParam = params.find((p) => p.startsWith('type='));
  const messageType = typeParam?.slice('type='.length);
  if (messageType && messageType !== topic.messageType) {
    throw new PoisonMessageError(`message type ${messageType} does not belong on ${topic.name} (expects ${topic.messageType})`);
  }
  try {
    return topic.codec.decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  } catch (error) {
    throw new PoisonMessageError(`undecodable ${topic.messageType}: ${(error as Error).message}`);
  }
}
