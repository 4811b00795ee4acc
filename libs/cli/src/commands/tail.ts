import { randomBytes } from 'node:crypto';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import type { CommandContext, CommandSpec } from '../command';
import { CliError, EXIT_FAILURE, UsageError } from '../errors';
import { type DecodedPayload, type EventCatalog, decodePayload, headerStrings, platformCatalog } from '@mlops/client';
import { formatDateTime } from '../render/format';
import { emit, table } from './shared';

export interface TailedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Broker timestamp, epoch milliseconds. */
  timestamp: number;
  headers: Record<string, string>;
  format: DecodedPayload['format'];
  messageType?: string;
  value: unknown;
  error?: string;
}

export function toTailed(topic: string, partition: number, message: KafkaMessage, catalog: EventCatalog): TailedMessage {
  const headers = headerStrings(message.headers as Record<string, Buffer | string | undefined>);
  const decoded = decodePayload(topic, message.value, headers, catalog);
  return { topic, partition, offset: message.offset, key: message.key?.toString() ?? null, timestamp: Number(message.timestamp), headers, ...decoded };
}

/** One line per message: time, topic/partition@offset, key, type, correlation id, payload. */
export function renderTailLine(m: TailedMessage): string {
  const correlation = m.headers['x-correlation-id'] ? ` corr=${m.headers['x-correlation-id']}` : '';
  const what = m.messageType ?? m.format;
  const payload = typeof m.value === 'string' ? m.value : JSON.stringify(m.value);
  return `${formatDateTime(m.timestamp)} ${m.topic}/${m.partition}@${m.offset} key=${m.key ?? '-'} ${what}${correlation} ${payload}${m.error ? ` (${m.error})` : ''}`;
}

interface TailOptions {
  topics: string[];
  fromBeginning: boolean;
  key?: string;
  /** Stop after this many messages (0: never). */
  count: number;
  /** Stop after this long (0: never). */
  timeoutMs: number;
}

/** Reads with a throw-away consumer group (deleted afterwards), printing each message as it comes. */
async function tail(ctx: CommandContext, catalog: EventCatalog, options: TailOptions): Promise<number> {
  const kafka = new Kafka({ brokers: ctx.kafkaBrokers, clientId: 'mlops-cli', logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 2 } });
  const groupId = `mlops-cli-tail-${randomBytes(4).toString('hex')}`;
  // Short fetch waits: stopping (count reached, timeout, Ctrl-C) waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 500 });
  let printed = 0;
  let crashed: Error | undefined;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    crashed = payload.error;
    finish();
  });
  ctx.signal.addEventListener('abort', () => finish(), { once: true });
  const timer = options.timeoutMs ? setTimeout(() => finish(), options.timeoutMs) : undefined;
  try {
    await consumer.connect();
    for (const topic of options.topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        if (options.count && printed >= options.count) return;
        if (options.key !== undefined && message.key?.toString() !== options.key) return;
        const tailed = toTailed(topic, partition, message, catalog);
        if (ctx.json) ctx.out.jsonLine(tailed);
        else ctx.out.line(renderTailLine(tailed));
        if (options.count && ++printed >= options.count) finish();
      },
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }
  if (crashed) throw crashed;
  if (options.count && printed < options.count && !ctx.signal.aborted) {
    ctx.out.note(`error: ${printed} of ${options.count} messages arrived before the timeout`);
    return EXIT_FAILURE;
  }
  return 0;
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Best effort: an empty group expires by itself.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export const tailCommand: CommandSpec = {
  path: 'tail',
  summary: 'print events on Kafka topics as JSON, decoded by their content-type',
  description: 'Uses a throw-away consumer group, so it never moves a service\'s offsets. Without --from-beginning\nonly messages that arrive after the group joined are shown. --json prints one JSON document per message.',
  args: [{ name: 'topic', variadic: true }],
  options: {
    'from-beginning': { type: 'boolean', description: 'read each topic from its oldest message' },
    key: { type: 'string', valueName: 'key', description: 'only messages with this key (the aggregate: model, dataset, ...)' },
    count: { type: 'int', short: 'n', valueName: 'n', description: 'stop after this many messages (exit 1 if the timeout comes first)' },
    timeout: { type: 'number', valueName: 'seconds', description: 'stop after this long' },
    any: { type: 'boolean', description: 'allow topics that are not in the catalog' },
  },
  examples: ['mlops tail serving.deployment.changed.v1 --key churn', 'mlops tail registry.model-version.registered.v1 --from-beginning --count 1 --json'],
  async run(ctx, input) {
    const catalog = platformCatalog();
    const topics = input.rest('topic');
    const unknown = topics.filter((t) => !catalog.names.includes(t));
    if (unknown.length && !input.flag('any')) throw new UsageError(`not in the topic catalog: ${unknown.join(', ')} (see \`mlops topics\`, or pass --any)`, 'tail');
    const count = input.num('count') ?? 0;
    if (count < 0) throw new UsageError('--count must be positive', 'tail');
    const timeoutMs = (input.num('timeout') ?? 0) * 1000;
    if (ctx.kafkaBrokers.length === 0) throw new CliError('KAFKA_BROKERS names no broker');
    return tail(ctx, catalog, { topics, fromBeginning: input.flag('from-beginning') ?? false, key: input.str('key'), count, timeoutMs });
  },
};

export const topicsCommand: CommandSpec = {
  path: 'topics',
  summary: 'the topic catalog: topic, payload message type, whether it accepts JSON',
  async run(ctx) {
    const catalog = platformCatalog();
    const topics = catalog.names.map((name) => {
      const t = catalog.byTopic.get(name);
      return { name, messageType: t?.messageType ?? '', acceptsJson: t?.acceptsJson ?? name === 'ingestion.records.received.v1' };
    });
    emit(ctx, { topics }, () => table(ctx, [{ header: 'topic' }, { header: 'message type' }, { header: 'accepts json' }], topics.map((t) => [t.name, t.messageType || '(raw)', t.acceptsJson ? 'yes' : '']), ''));
  },
};
