import { Partitioners } from 'kafkajs';
import { BucketPartitioner, LEGACY_ENTITY_BUCKETS, bucketKey, bucketPartition, entityHash } from './buckets';

const metadata = (n: number) => Array.from({ length: n }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));

describe('entity buckets', () => {
  it('hashes entity keys with FNV-1a (the value ingestion has always used)', () => {
    // FNV-1a 32-bit of "a" and of "" (published test vectors).
    expect(entityHash('a')).toBe(0xe40c292c);
    expect(entityHash('')).toBe(0x811c9dc5);
  });

  it('keeps the legacy key layout for datasets registered with no bucket count', () => {
    const key = bucketKey('trips', 'driver-7', 0);
    expect(key).toBe(`trips#${entityHash('driver-7') % LEGACY_ENTITY_BUCKETS}`);
    expect(bucketPartition(key, 6)).toBeUndefined();
  });

  it('sends bucket b of n to partition b mod the partition count', () => {
    expect(bucketKey('trips', 'driver-7', 6)).toBe(`trips#${entityHash('driver-7') % 6}/6`);
    expect(bucketPartition('trips#4/6', 6)).toBe(4);
    expect(bucketPartition('trips#4/6', 3)).toBe(1);
    expect(bucketPartition(Buffer.from('ds-with#hash#5/6'), 12)).toBe(5);
    expect(bucketPartition('model-a', 6)).toBeUndefined();
  });

  it('splits many entities evenly over the partitions, where 12 murmur-hashed keys often do not', () => {
    const partitioner = BucketPartitioner();
    const legacy = Partitioners.DefaultPartitioner();
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 6000; i++) {
      counts[partitioner({ topic: 't', partitionMetadata: metadata(6), message: { key: bucketKey('trips', `driver-${i}`, 6), value: null } })]++;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(100);
    // The same partitioner leaves any other key to Kafka's default placement.
    expect(partitioner({ topic: 't', partitionMetadata: metadata(6), message: { key: 'model-a', value: null } })).toBe(
      legacy({ topic: 't', partitionMetadata: metadata(6), message: { key: 'model-a', value: null } }),
    );
  });
});
