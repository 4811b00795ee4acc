import { ALL_TOPIC_NAMES, type EventTopic, Topics, isValidTopicName } from './topics';
import { ServiceStarted } from './events';

describe('topic catalog', () => {
  it('names every topic <domain>.<entity>.<event>.v<N>, once', () => {
    for (const name of ALL_TOPIC_NAMES) expect(isValidTopicName(name)).toBe(true);
    expect(new Set(ALL_TOPIC_NAMES).size).toBe(ALL_TOPIC_NAMES.length);
    expect(isValidTopicName('ingestion.records')).toBe(false);
    expect(isValidTopicName('Ingestion.records.received.v1')).toBe(false);
  });

  it('pairs each event topic with the codec of the message it names', () => {
    for (const topic of Object.values(Topics) as EventTopic<unknown>[]) {
      expect(topic.messageType).toMatch(/^mlops\.events\.v1\.[A-Z]\w+$/);
      const empty = topic.codec.fromPartial({});
      const roundTrip = topic.codec.decode(topic.codec.encode(empty).finish());
      expect(roundTrip).toEqual(empty);
    }
  });

  it('round-trips a payload through protobuf bytes', () => {
    const event = ServiceStarted.fromPartial({ service: 'serving', instanceId: 'i-1', startedAtMs: 1732900000123 });
    const bytes = ServiceStarted.encode(event).finish();
    expect(ServiceStarted.decode(bytes)).toEqual({ ...event, version: '', host: '' });
  });
});
