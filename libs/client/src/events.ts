import { type EventTopic, RawTopics, Topics } from '@mlops/contracts';

/**
 * Kafka messages of the platform as JSON, the way libs/messaging's codec reads them: the
 * `content-type` header decides (`application/x-protobuf; type=<message>` or `application/json`);
 * a protobuf message is decoded with the generated ts-proto type of its message name, or of its
 * topic when the header names none. Dead letters keep their original headers, so they decode too.
 */

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** The topic catalog, indexed for decoding. */
export interface EventCatalog {
  byTopic: Map<string, EventTopic<unknown>>;
  byMessageType: Map<string, EventTopic<unknown>>;
  /** Every catalogued topic name (event topics and raw ones). */
  names: string[];
}

export function buildCatalog(topics: Record<string, EventTopic<unknown>>, rawTopics: Record<string, string> = {}): EventCatalog {
  const all = Object.values(topics);
  return {
    byTopic: new Map(all.map((t) => [t.name, t])),
    byMessageType: new Map(all.map((t) => [t.messageType, t])),
    names: [...all.map((t) => t.name), ...Object.values(rawTopics)],
  };
}

/** The catalog of libs/contracts. */
export function platformCatalog(): EventCatalog {
  return buildCatalog(Topics as unknown as Record<string, EventTopic<unknown>>, RawTopics);
}

export type PayloadFormat = 'protobuf' | 'json' | 'text' | 'binary' | 'tombstone';

export interface DecodedPayload {
  format: PayloadFormat;
  /** Fully qualified protobuf message name, when decoded as one. */
  messageType?: string;
  /** proto3 JSON of a protobuf message, the parsed JSON, the text, or base64 of other bytes. */
  value: unknown;
  /** Why it could not be decoded as its header says. */
  error?: string;
}

function parseContentType(header: string | undefined): { mediaType?: string; type?: string } {
  if (!header) return {};
  const [mediaType, ...params] = header.split(';').map((s) => s.trim());
  const type = params.find((p) => p.startsWith('type='))?.slice('type='.length);
  return { mediaType: mediaType.toLowerCase(), type };
}

/** Printable UTF-8 as text, JSON-looking text as JSON, anything else as base64. */
function raw(value: Buffer, error?: string): DecodedPayload {
  const text = value.toString('utf8');
  if (/^\s*[[{]/.test(text)) {
    try {
      return { format: 'json', value: JSON.parse(text), ...(error ? { error } : {}) };
    } catch {
      // not JSON after all
    }
  }
  if (!text.includes('\uFFFD') && /^[\x20-\x7e\t\r\n\u00a0-\uffff]*$/.test(text)) return { format: 'text', value: text, ...(error ? { error } : {}) };
  return { format: 'binary', value: value.toString('base64'), ...(error ? { error } : {}) };
}

export function decodePayload(topic: string, value: Buffer | null, headers: Record<string, string>, catalog: EventCatalog): DecodedPayload {
  if (value === null) return { format: 'tombstone', value: null };
  const { mediaType, type } = parseContentType(headers['content-type']);
  if (mediaType === JSON_TYPE) {
    try {
      return { format: 'json', value: JSON.parse(value.toString('utf8')) };
    } catch (error) {
      return raw(value, `malformed JSON: ${(error as Error).message}`);
    }
  }
  if (mediaType !== undefined && mediaType !== PROTOBUF) return raw(value);
  const messageType = type ?? catalog.byTopic.get(topic)?.messageType;
  const codec = messageType ? catalog.byMessageType.get(messageType)?.codec : undefined;
  if (!codec) return raw(value, messageType ? `unknown message type ${messageType}` : undefined);
  try {
    const message = codec.decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    return { format: 'protobuf', messageType, value: codec.toJSON(message) };
  } catch (error) {
    return raw(value, `undecodable ${messageType}: ${(error as Error).message}`);
  }
}

/** kafkajs headers (Buffers, strings or arrays of them) as plain strings; the first of repeats. */
export function headerStrings(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(headers ?? {})) {
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}
