import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@mlops/contracts';
import type { CommandSpec } from '../command';
import { CliError, UsageError } from '../errors';
import { emit } from './shared';

const MAX_LABELS = 100_000;
const BATCH = 500;

interface Label {
  requestId: string;
  label: number;
  row: number;
  observedAtMs: number;
}

/** A JSON-lines file of labels: {"requestId": "...", "label": 1, "row": 0} per line (row and observedAtMs optional). */
export function parseLabelLines(text: string, file: string, now: number): Label[] {
  const lines = text.split('\n').map((l, i) => [l.trim(), i + 1] as const).filter(([l]) => l !== '');
  if (lines.length > MAX_LABELS) throw new UsageError(`${file}: more than ${MAX_LABELS} labels; split the file`, 'feedback send');
  return lines.map(([line, n]) => {
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line);
    } catch {
      throw new UsageError(`${file}:${n}: not a JSON object`, 'feedback send');
    }
    if (typeof v.requestId !== 'string' || !v.requestId) throw new UsageError(`${file}:${n}: requestId must be a non-empty string`, 'feedback send');
    if (typeof v.label !== 'number' || !Number.isFinite(v.label)) throw new UsageError(`${file}:${n}: label must be a number`, 'feedback send');
    return { requestId: v.requestId, label: v.label, row: typeof v.row === 'number' ? v.row : 0, observedAtMs: typeof v.observedAtMs === 'number' ? v.observedAtMs : now };
  });
}

const feedbackSend: CommandSpec = {
  path: 'feedback send',
  summary: `send ground truth for predictions to ${Topics.feedbackReceived.name}`,
  description: 'One label (--request-id and --label), or a JSON-lines file of them (-f). Monitoring joins each with its\nprediction (by request id and row) for live accuracy and concept drift.',
  options: {
    model: { type: 'string', valueName: 'name', description: 'the model the predictions came from' },
    'request-id': { type: 'string', valueName: 'id', description: 'request id of the prediction (its id in the inference answer)' },
    label: { type: 'number', valueName: 'value', description: 'the true value (class index or regression target)' },
    row: { type: 'int', valueName: 'n', description: 'row of the request it labels (default 0)' },
    file: { type: 'string', short: 'f', valueName: 'labels.jsonl', description: `labels, one JSON object a line (at most ${MAX_LABELS})` },
  },
  examples: ['mlops feedback send --model churn --request-id req-42 --label 1', 'mlops feedback send --model churn -f labels.jsonl'],
  async run(ctx, input) {
    const model = input.str('model');
    if (!model) throw new UsageError('--model <name> is required', 'feedback send');
    const file = input.str('file');
    let labels: Label[];
    if (file) {
      if (input.has('request-id') || input.has('label')) throw new UsageError('give either -f or --request-id with --label', 'feedback send');
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, 'feedback send');
      }
      labels = parseLabelLines(text, file, ctx.now());
    } else {
      const requestId = input.str('request-id');
      const label = input.num('label');
      if (!requestId || label === undefined) throw new UsageError('give --request-id and --label (or -f labels.jsonl)', 'feedback send');
      labels = [{ requestId, label, row: input.num('row') ?? 0, observedAtMs: ctx.now() }];
    }
    if (ctx.kafkaBrokers.length === 0) throw new CliError('KAFKA_BROKERS names no broker');
    const topic = Topics.feedbackReceived;
    const producer = new Kafka({ brokers: ctx.kafkaBrokers, clientId: 'mlops-cli', logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 2 } }).producer();
    await producer.connect();
    try {
      for (let start = 0; start < labels.length; start += BATCH) {
        const messages = labels.slice(start, start + BATCH).map((l) => ({
          key: model,
          value: Buffer.from(topic.codec.encode({ requestId: l.requestId, modelName: model, label: l.label, observedAtMs: l.observedAtMs, row: l.row }).finish()),
          headers: { 'content-type': `application/x-protobuf; type=${topic.messageType}`, producer: 'mlops-cli' },
        }));
        await producer.send({ topic: topic.name, messages });
      }
    } finally {
      await producer.disconnect();
    }
    emit(ctx, { topic: topic.name, model, sent: labels.length }, () => `${labels.length} label${labels.length === 1 ? '' : 's'} for ${model} sent to ${topic.name}`);
  },
};

export const FEEDBACK_COMMANDS: CommandSpec[] = [feedbackSend];
