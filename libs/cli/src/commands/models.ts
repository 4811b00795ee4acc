import { open, stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import type { registry } from '@mlops/contracts';
import type { Wire } from '@mlops/client';
import type { CommandContext, CommandSpec } from '../command';
import { UsageError } from '../errors';
import { formatMap } from '../render/format';
import { emit } from './shared';

type Model = Wire<registry.RegisteredModel>;
type Version = Wire<registry.ModelVersion>;

/** 1 MiB: well under gRPC's 4 MiB message limit. */
export const CHUNK_BYTES = 1024 * 1024;
/** Files this big or bigger get a progress bar. */
const PROGRESS_FROM_BYTES = 4 * CHUNK_BYTES;
const MAX_PAIRS = 100;

/** Repeated `key=value` flags as a map; `number` converts the values. */
export function parsePairs(values: string[], flag: string, command: string): Record<string, string>;
export function parsePairs(values: string[], flag: string, command: string, number: true): Record<string, number>;
export function parsePairs(values: string[], flag: string, command: string, number = false): Record<string, string | number> {
  if (values.length > MAX_PAIRS) throw new UsageError(`at most ${MAX_PAIRS} --${flag} flags`, command);
  const out: Record<string, string | number> = {};
  for (const text of values) {
    const eq = text.indexOf('=');
    const key = text.slice(0, eq).trim();
    const raw = text.slice(eq + 1);
    if (eq <= 0 || !key) throw new UsageError(`--${flag} ${JSON.stringify(text)} must be key=value`, command);
    if (number && (raw.trim() === '' || !Number.isFinite(Number(raw)))) throw new UsageError(`--${flag} ${key}: ${JSON.stringify(raw)} is not a number`, command);
    out[key] = number ? Number(raw) : raw;
  }
  return out;
}

const modelsCreate: CommandSpec = {
  path: 'models create',
  summary: 'create a registered model (its versions come from training or `models upload`)',
  args: [{ name: 'name' }],
  options: {
    description: { type: 'string', valueName: 'text', description: 'free text' },
    tag: { type: 'string', multiple: true, valueName: 'key=value', description: 'a tag (repeatable)' },
    promotion: { type: 'choice', choices: ['automatic', 'requires-approval'], description: 'who may move production (default automatic)' },
  },
  examples: ['mlops models create churn --promotion requires-approval --tag team=growth'],
  async run(ctx, input) {
    const promotion = input.str('promotion');
    const request = {
      name: input.arg('name'), description: input.str('description') ?? '', tags: parsePairs(input.strs('tag'), 'tag', 'models create'),
      promotionPolicy: promotion ? `PROMOTION_POLICY_${promotion.toUpperCase().replace('-', '_')}` : 'PROMOTION_POLICY_UNSPECIFIED',
    };
    const m = await ctx.clients.registry.call<Model>('CreateRegisteredModel', request);
    emit(ctx, m, () => `model ${m.name} created (promotion ${m.promotionPolicy.replace('PROMOTION_POLICY_', '').toLowerCase()}${Object.keys(m.tags).length ? `, tags ${formatMap(m.tags)}` : ''})`);
  },
};

/** The file in chunks, counting what was read; a bar on stderr for big files (cli-progress; plain lines every 2 s off a terminal). */
async function* fileChunks(ctx: CommandContext, file: string, size: number): AsyncGenerator<Buffer> {
  const bar = size >= PROGRESS_FROM_BYTES
    ? new SingleBar({ stream: ctx.out.stderr as NodeJS.WriteStream, format: 'uploading [{bar}] {percentage}% {value}/{total} MiB', noTTYOutput: true, notTTYSchedule: 2000, hideCursor: true })
    : undefined;
  const mib = (n: number) => Math.round((n / CHUNK_BYTES) * 10) / 10;
  bar?.start(mib(size), 0);
  const handle = await open(file, 'r');
  try {
    let sent = 0;
    for (;;) {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      sent += bytesRead;
      yield buffer.subarray(0, bytesRead);
      bar?.update(mib(sent));
    }
  } finally {
    bar?.stop();
    await handle.close();
  }
}

const modelsUpload: CommandSpec = {
  path: 'models upload',
  summary: 'register an ONNX file trained elsewhere as a new version (streamed, with progress)',
  description: 'Streams the file to the registry (UploadModel), which checks the ONNX graph, infers the signature and\nregisters the version; the platform then deploys it by the model\'s deployment policy.',
  args: [{ name: 'file.onnx' }],
  options: {
    model: { type: 'string', valueName: 'name', description: 'the registered model (created with defaults if it does not exist)' },
    description: { type: 'string', valueName: 'text', description: 'free text' },
    tag: { type: 'string', multiple: true, valueName: 'key=value', description: 'a tag, e.g. framework=sklearn (repeatable)' },
    metric: { type: 'string', multiple: true, valueName: 'name=value', description: 'a metric measured elsewhere (repeatable)' },
    'feature-names': { type: 'string', valueName: 'a,b,c', description: 'feature names in input-column order, when the graph does not carry them' },
  },
  examples: ['mlops models upload churn.onnx --model churn --tag framework=sklearn --metric accuracy=0.91'],
  async run(ctx, input) {
    const model = input.str('model');
    if (!model) throw new UsageError('--model <name> is required', 'models upload');
    const file = input.arg('file.onnx');
    const size = await stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1);
    if (size < 0) throw new UsageError(`${file} is not a readable file`, 'models upload');
    const header = {
      modelName: model, description: input.str('description') ?? '', tags: parsePairs(input.strs('tag'), 'tag', 'models upload'),
      metrics: parsePairs(input.strs('metric'), 'metric', 'models upload', true), featureNames: (input.str('feature-names') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    };
    async function* messages() {
      yield { header };
      for await (const chunk of fileChunks(ctx, file, size)) yield { chunk };
    }
    // The deadline covers the whole stream: a minute plus a second per MiB.
    const v = await ctx.clients.registry.upload<Version>('UploadModel', messages(), { timeoutMs: 60_000 + Math.ceil(size / CHUNK_BYTES) * 1000 });
    emit(ctx, v, () => `${v.modelName} version ${v.version} registered from ${file} (${v.artifactSize} bytes, sha256 ${v.artifactSha256.slice(0, 12)}; inputs ${v.signature?.featureNames.join(', ') || '?'})`);
  },
};

export const MODEL_COMMANDS: CommandSpec[] = [modelsCreate, modelsUpload];
