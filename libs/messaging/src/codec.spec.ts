import { type EventTopic, Topics } from '@mlops/contracts';
import { PoisonMessageError, decodeEvent, encodeEvent } from './codec';

describe('event codec', () => {
  const started = { service: 'ingestion', instanceId: 'i-1', version: '0.1.0', host: 'h', startedAtMs: 1732900000000 };

  it('round-trips protobuf with a content-type naming the message type', () => {
    const { value, contentType } = encodeEvent(Topics.serviceStarted, started);
    expect(contentType).toBe('application/x-protobuf; type=mlops.events.v1.ServiceStarted');
    expect(decodeEvent(Topics.serviceStarted, value, { 'content-type': contentType })).toEqual(started);
  });

  it('accepts JSON only on topics fed by external producers', () => {
    const json = Buffer.from(JSON.stringify({ requestId: 'r1', modelName: 'churn', trigger: 'user' }));
    const headers = { 'content-type': 'application/json' };
    expect(decodeEvent(Topics.trainingRunRequested, json, headers)).toMatchObject({ requestId: 'r1', modelName: 'churn' });
    expect(() => decodeEvent(Topics.serviceStarted, json, headers)).toThrow('does not accept JSON');
  });

  it('refuses payloads that can never be processed', () => {
    const { value } = encodeEvent(Topics.serviceStarted, started);
    const poison: Array<[Buffer | null, Record<string, string>, string]> = [
      [Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), {}, 'undecodable mlops.events.v1.ServiceStarted'],
      [value, { 'content-type': 'application/x-protobuf; type=mlops.events.v1.AliasChanged' }, 'does not belong on'],
      [Buffer.from('{not json'), { 'content-type': 'application/json' }, 'malformed JSON'],
      [Buffer.from('[1,2]'), { 'content-type': 'application/json' }, 'must be an object'],
      [value, { 'content-type': 'text/csv' }, 'unsupported content-type'],
      [null, {}, 'tombstone'],
    ];
    for (const [payload, headers, message] of poison) {
      const topic: EventTopic<unknown> = headers['content-type'] === 'application/json' ? Topics.trainingRunRequested : Topics.serviceStarted;
      expect(() => decodeEvent(topic, payload, headers)).toThrow(PoisonMessageError);
      expect(() => decodeEvent(topic, payload, headers)).toThrow(message);
    }
  });
});
