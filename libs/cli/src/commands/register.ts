import type { features, ingestion } from '@mlops/contracts';
import type { Wire } from '@mlops/client';
import type { CommandSpec } from '../command';
import { UsageError } from '../errors';
import { formatDateTime, shortId } from '../render/format';
import { renderKeyValues } from '../render/table';
import { emit } from './shared';

/**
 * Registering data by hand, the commands that replace grpcurl: a dataset's columns and a feature
 * view's features as flags. Ranges, categories and the other transforms are written as resource
 * files (`mlops apply`, docs/resources.md).
 */

const COLUMN_TYPES = ['float', 'int', 'string', 'bool', 'timestamp'];
const MAX_FLAGS = 1000;

/** `name:type`, with a trailing `?` for a nullable column: `ride_id:int`, `note:string?`. */
export function parseColumn(text: string): { name: string; type: string; nullable: boolean } {
  const match = /^([^:\s]+):([a-z]+)(\?)?$/.exec(text);
  if (!match || !COLUMN_TYPES.includes(match[2]!)) throw new UsageError(`--column ${JSON.stringify(text)} must be name:type with type one of ${COLUMN_TYPES.join(', ')} (add ? for nullable, e.g. note:string?)`, 'datasets register');
  return { name: match[1]!, type: `COLUMN_TYPE_${match[2]!.toUpperCase()}`, nullable: match[3] === '?' };
}

/** `x1` (the column as is) or `name=expression`: `ratio=fare / (distance + 1)`. */
export function parseFeature(text: string): Record<string, unknown> {
  const eq = text.indexOf('=');
  if (eq < 0) return { name: text.trim(), column: { column: text.trim() } };
  const [name, expr] = [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
  if (!name || !expr) throw new UsageError(`--feature ${JSON.stringify(text)} must be a column name or name=expression`, 'features register');
  return /^[a-z_][a-z0-9_]*$/.test(expr) ? { name, column: { column: expr } } : { name, expression: { expr } };
}

const bounded = (values: string[], flag: string, command: string) => {
  if (values.length > MAX_FLAGS) throw new UsageError(`at most ${MAX_FLAGS} --${flag} flags`, command);
  return values;
};

const datasetsRegister: CommandSpec = {
  path: 'datasets register',
  summary: 'register a dataset, or evolve its schema (compatible changes only)',
  description: 'Columns are name:type (float, int, string, bool, timestamp), a trailing ? makes one nullable. The same\ndefinition again changes nothing; an incompatible change is refused with the reasons. --dry-run checks only.',
  args: [{ name: 'name' }],
  options: {
    column: { type: 'string', multiple: true, valueName: 'name:type', description: 'a column (repeatable, in order)' },
    entity: { type: 'string', valueName: 'column', description: 'the entity key column (string or int)' },
    'event-time': { type: 'string', valueName: 'column', description: 'the event-time column (timestamp)' },
    label: { type: 'string', valueName: 'column', description: 'the label column, if any' },
    description: { type: 'string', valueName: 'text', description: 'free text' },
    'version-every-records': { type: 'int', valueName: 'n', description: 'cut a dataset version every n records' },
    'version-every-seconds': { type: 'int', valueName: 's', description: 'cut a dataset version this often' },
    'dry-run': { type: 'boolean', description: 'check against the current schema, store nothing' },
  },
  examples: ['mlops datasets register rides --column ride_id:int --column ts:timestamp --column x1:float --column late:int --entity ride_id --event-time ts --label late'],
  async run(ctx, input) {
    const columns = bounded(input.strs('column'), 'column', 'datasets register').map(parseColumn);
    if (columns.length === 0) throw new UsageError('give the columns: --column name:type (repeatable)', 'datasets register');
    for (const flag of ['entity', 'event-time']) if (!input.str(flag)) throw new UsageError(`--${flag} <column> is required`, 'datasets register');
    const request = {
      dataset: input.arg('name'), columns, entityColumn: input.str('entity'), eventTimeColumn: input.str('event-time'), labelColumn: input.str('label') ?? '',
      description: input.str('description') ?? '', versionEveryRecords: input.num('version-every-records') ?? 0, versionEverySeconds: input.num('version-every-seconds') ?? 0,
      validateOnly: input.flag('dry-run') ?? false,
    };
    const d = await ctx.clients.ingestion.call<Wire<ingestion.Dataset>>('RegisterDataset', request);
    emit(ctx, d, () => `${input.flag('dry-run') ? 'would be ' : ''}dataset ${d.dataset}: schema version ${d.schemaVersion}, ${d.columns.length} columns, ${d.recordCount} records`);
  },
};

const featuresRegister: CommandSpec = {
  path: 'features register',
  summary: 'register a feature view, or a new version of it when the definition changed',
  description: 'A --feature is a column of the dataset taken as is (x1), or name=expression (ratio=fare / (distance + 1)).',
  args: [{ name: 'view' }],
  options: {
    dataset: { type: 'string', valueName: 'name', description: 'the source dataset' },
    feature: { type: 'string', multiple: true, valueName: 'spec', description: 'a feature (repeatable, in output order)' },
    'ttl-seconds': { type: 'int', valueName: 's', description: 'values older than this are expired (default never)' },
    description: { type: 'string', valueName: 'text', description: 'free text' },
  },
  examples: ["mlops features register ride-features --dataset rides --feature x1 --feature x2 --feature 'x_sum=x1 + x2'"],
  async run(ctx, input) {
    const dataset = input.str('dataset');
    if (!dataset) throw new UsageError('--dataset <name> is required', 'features register');
    const list = bounded(input.strs('feature'), 'feature', 'features register').map(parseFeature);
    if (list.length === 0) throw new UsageError('give the features: --feature <column> or --feature name=expression', 'features register');
    const v = await ctx.clients.featureStore.call<Wire<features.FeatureView>>('RegisterFeatureView', { name: input.arg('view'), sourceDataset: dataset, features: list, ttlSeconds: input.num('ttl-seconds') ?? 0, description: input.str('description') ?? '' });
    emit(ctx, v, () => `feature view ${v.name} v${v.version} on ${v.sourceDataset}: ${v.featureNames.join(', ')}`);
  },
};

/** A point in time: epoch milliseconds, or an ISO 8601 date/time. */
export function parseTime(text: string, flag: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} must be epoch milliseconds or an ISO 8601 time, got ${JSON.stringify(text)}`, 'snapshots create');
  return ms;
}

const snapshotsCreate: CommandSpec = {
  path: 'snapshots create',
  summary: "build a point-in-time correct training snapshot of a feature view",
  args: [{ name: 'view' }],
  options: {
    version: { type: 'int', valueName: 'n', description: 'view version (default the latest)' },
    'dataset-version': { type: 'int', valueName: 'n', description: 'dataset version to read (default the latest)' },
    cut: { type: 'boolean', description: 'cut a fresh dataset version first (everything ingested so far)' },
    from: { type: 'string', valueName: 'time', description: 'only records from this time (ms or ISO 8601)' },
    to: { type: 'string', valueName: 'time', description: 'only records before this time' },
  },
  examples: ['mlops snapshots create ride-features --cut --from 2026-11-01T00:00:00Z'],
  async run(ctx, input) {
    const from = input.str('from');
    const to = input.str('to');
    const request = {
      featureView: input.arg('view'), version: input.num('version') ?? 0, datasetVersion: input.num('dataset-version') ?? 0, cutDatasetVersion: input.flag('cut') ?? false,
      fromTimeMs: from ? parseTime(from, 'from') : 0, toTimeMs: to ? parseTime(to, 'to') : 0,
    };
    const s = await ctx.clients.featureStore.call<Wire<features.Snapshot>>('CreateSnapshot', request, { timeoutMs: 300_000 });
    emit(ctx, s, () =>
      renderKeyValues([['snapshot', s.snapshotId], ['view', `${s.featureView} v${s.featureViewVersion}`], ['dataset', `${s.dataset} v${s.datasetVersion} (${shortId(s.datasetContentHash, 12)})`], ['rows', s.rowCount], ['content hash', s.contentHash], ['built', formatDateTime(s.createdAtMs)]]),
    );
  },
};

export const REGISTER_COMMANDS: CommandSpec[] = [datasetsRegister, featuresRegister, snapshotsCreate];
