import { RawTopics, Topics, type events } from '@mlops/contracts';
import { buildCatalog, decodePayload, headerStrings } from './events';

const catalog = buildCatalog(Topics as never, RawTopics);
const registered: events.ModelVersionRegistered = Topics.modelVersionRegistered.codec.fromPartial({ modelName: 'churn', version: 4, runId: 'run-1', artifactSha256: 'ab' });
const bytes = Buffer.from(Topics.modelVersionRegistered.codec.encode(registered).finish());

describe('decodePayload', () => {
  it('decodes protobuf by the message type the content-type names, into proto3 JSON', () => {
    const decoded = decodePayload('registry.model-version.registered.v1', bytes, { 'content-type': 'application/x-protobuf; type=mlops.events.v1.ModelVersionRegistered' }, catalog);
    expect(decoded).toEqual({ format: 'protobuf', messageType: 'mlops.events.v1.ModelVersionRegistered', value: expect.objectContaining({ modelName: 'churn', version: 4, runId: 'run-1' }) });
  });

  it('decodes by the topic when there is no header, and dead letters by their original header', () => {
    expect(decodePayload('registry.model-version.registered.v1', bytes, {}, catalog)).toMatchObject({ format: 'protobuf', value: { modelName: 'churn' } });
    const dead = decodePayload(RawTopics.deadLetters, bytes, { 'content-type': 'application/x-protobuf; type=mlops.events.v1.ModelVersionRegistered', 'dlq-error': 'boom' }, catalog);
    expect(dead).toMatchObject({ format: 'protobuf', messageType: 'mlops.events.v1.ModelVersionRegistered', value: { version: 4 } });
  });

  it('prints JSON payloads as they are', () => {
    const json = Buffer.from('{"dataset":"trips","fields":{"fare":12.5}}');
    expect(decodePayload(RawTopics.recordsReceived, json, { 'content-type': 'application/json' }, catalog)).toEqual({ format: 'json', value: { dataset: 'trips', fields: { fare: 12.5 } } });
    // kcat sends no header: JSON-looking text is read as JSON.
    expect(decodePayload(RawTopics.recordsReceived, json, {}, catalog)).toMatchObject({ format: 'json', value: { dataset: 'trips' } });
    expect(decodePayload(RawTopics.recordsReceived, Buffer.from('{oops'), { 'content-type': 'application/json' }, catalog)).toMatchObject({ format: 'text', value: '{oops', error: expect.stringMatching(/^malformed JSON/) });
  });

  it('falls back to text or base64 when it cannot decode, saying why', () => {
    const junk = Buffer.from([0xff, 0xfe, 0x00, 0x01]);
    expect(decodePayload('registry.model-version.registered.v1', junk, { 'content-type': 'application/x-protobuf; type=mlops.events.v1.Nope' }, catalog)).toEqual({ format: 'binary', value: junk.toString('base64'), error: 'unknown message type mlops.events.v1.Nope' });
    expect(decodePayload('some.other.topic.v1', Buffer.from('plain words'), {}, catalog)).toEqual({ format: 'text', value: 'plain words' });
    expect(decodePayload('registry.model-version.registered.v1', null, {}, catalog)).toEqual({ format: 'tombstone', value: null });
  });

  it('reads kafkajs headers as strings', () => {
    expect(headerStrings({ a: Buffer.from('1'), b: 'two', c: [Buffer.from('3'), Buffer.from('4')], d: undefined })).toEqual({ a: '1', b: 'two', c: '3' });
  });
});
