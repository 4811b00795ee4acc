import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { uniqueName, waitFor } from './infra';

/** Reads a topic from the beginning with a throw-away consumer group until `count` messages
 * arrived (or `settleMs` passed without more after reaching it), then returns them all. */
export async function readTopic(
  brokers: string[],
  topic: string,
  count: number,
  { timeoutMs = 30_000, settleMs = 500 }: { timeoutMs?: number; settleMs?: number } = {},
): Promise<KafkaMessage[]> {
  const kafka = new Kafka({ brokers, clientId: 'test-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const messages: KafkaMessage[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    const deadline = Date.now() + timeoutMs;
    while (messages.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await consumer.disconnect();
  }
  if (messages.length < count) throw new Error(`expected ${count} messages on ${topic}, got ${messages.length} in ${timeoutMs} ms`);
  return messages;
}

/** Creates topics with the given partition count (tests use private topics). */
export async function createTopics(brokers: string[], topics: string[], numPartitions = 1): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'test-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions })) });
  } finally {
    await admin.disconnect();
  }
}

/** Produces one message per line with kcat, the way an operator feeds the platform by hand. */
export async function kcatProduce(brokers: string[], topic: string, lines: string[]): Promise<void> {
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const kcat = spawn('kcat', ['-b', brokers.join(','), '-P', '-t', topic, '-z', 'none'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    kcat.stderr.on('data', (chunk) => (stderr += chunk));
    kcat.on('error', reject);
    kcat.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat exited with ${code}: ${stderr}`))));
    kcat.stdin.end(lines.map((line) => line + '\n').join(''));
  });
}

/** Reads a topic from the beginning, handing each batch of messages to `take`, until it returns
 * true (or fails after the timeout); for topics that hold more than one test's messages, where
 * a count says nothing. `take` sees each message once, so it can decode only what it needs. */
export async function readTopicUntil(
  brokers: string[],
  topic: string,
  take: (messages: KafkaMessage[]) => boolean,
  { timeoutMs = 30_000, what = `messages on ${topic}` }: { timeoutMs?: number; what?: string } = {},
): Promise<void> {
  const kafka = new Kafka({ brokers, clientId: 'test-reader', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  let done = false;
  let read = 0;
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        read += batch.messages.length;
        if (!done && take(batch.messages)) done = true;
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (!done) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (read ${read} messages)`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await consumer.disconnect();
  }
}

/** Waits until consumer group `groupId` is stable with `members` members (replicas that share a stream). */
export async function waitForGroupMembers(brokers: string[], groupId: string, members: number, timeoutMs = 60_000): Promise<void> {
  const admin = new Kafka({ brokers, clientId: 'test-admin', logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let last = 'not described yet';
    await waitFor(async () => {
      const { groups } = await admin.describeGroups([groupId]);
      last = `${groups[0]?.state} with ${groups[0]?.members.length} member(s)`;
      return groups[0]?.state === 'Stable' && groups[0].members.length === members;
    }, { timeoutMs, what: `${members} members in consumer group ${groupId}` }).catch((error: Error) => {
      throw new Error(`${error.message} (last seen: ${last})`);
    });
  } finally {
    await admin.disconnect();
  }
}
