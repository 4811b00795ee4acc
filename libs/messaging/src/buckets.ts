import { type ICustomPartitioner, type Kafka, Partitioners } from 'kafkajs';

/**
 * Entity buckets: how an aggregate's stream (a dataset's accepted records) spreads over a
 * topic's partitions while each entity's events stay in one partition, in order.
 *
 * A message key `<aggregate>#<bucket>/<buckets>` names bucket b of n, and the publisher's
 * partitioner sends it to partition b mod (the topic's partition count). A dataset's bucket
 * count is fixed when it is registered, to the topic's partition count then: its buckets map
 * one to one onto the partitions, so its entities split as evenly as their hashes do, and an
 * entity's partition never changes while the dataset lives (adding partitions later spreads
 * only datasets registered after). Any other key (`<dataset>#<0-11>`, the layout of datasets
 * registered before buckets followed the partitions, and every other topic's keys) goes through
 * Kafka's default (murmur2) partitioner, as before.
 */
const BUCKET_KEY = /#(\d+)\/(\d+)$/;

/** The layout of datasets registered before buckets followed the partition count. */
export const LEGACY_ENTITY_BUCKETS = 12;

/** FNV-1a of an entity key: the same bucket in every process and release. */
export function entityHash(entityKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < entityKey.length; i++) hash = Math.imul(hash ^ entityKey.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/**
 * The message key of an entity's events in an aggregate's stream with `buckets` buckets; 0
 * buckets is the legacy layout (one of 12 keys, placed by the default partitioner).
 */
export function bucketKey(aggregate: string, entityKey: string, buckets: number): string {
  if (buckets <= 0) return `${aggregate}#${entityHash(entityKey) % LEGACY_ENTITY_BUCKETS}`;
  return `${aggregate}#${entityHash(entityKey) % buckets}/${buckets}`;
}

/** The partition of a bucket key under `partitions` partitions, or undefined for other keys. */
export function bucketPartition(key: string | Buffer | null | undefined, partitions: number): number | undefined {
  if (key === null || key === undefined || partitions <= 0) return undefined;
  const match = BUCKET_KEY.exec(typeof key === 'string' ? key : key.toString());
  return match ? Number(match[1]) % partitions : undefined;
}

/** Kafka's default partitioner, except that bucket keys go to their bucket's partition. */
export const BucketPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => bucketPartition(args.message.key, args.partitionMetadata.length) ?? fallback(args);
};

/** A topic's partition count, from the broker's metadata. */
export async function partitionCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const count = topics[0]?.partitions.length ?? 0;
    if (count === 0) throw new Error(`topic ${topic} has no partitions`);
    return count;
  } finally {
    await admin.disconnect();
  }
}
