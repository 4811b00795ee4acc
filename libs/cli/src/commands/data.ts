import type { features, ingestion } from '@mlops/contracts';
import type { Wire } from '@mlops/client';
import type { CommandContext, CommandSpec } from '../command';
import { enumLabel, formatDateTime, formatDuration, formatNumber, shortId } from '../render/format';
import { renderKeyValues } from '../render/table';
import { LIMIT_OPTION, emit, sections, table } from './shared';

type Dataset = Wire<ingestion.Dataset>;
type DatasetVersion = Wire<ingestion.DatasetVersion>;
type FeatureView = Wire<features.FeatureView>;
type Feature = Wire<features.Feature>;
type Profile = Wire<features.FeatureProfile>;

function columnRule(c: Dataset['columns'][number]): string {
  const rules: string[] = [];
  if (c.hasMin) rules.push(`>= ${c.min}`);
  if (c.hasMax) rules.push(`<= ${c.max}`);
  if (c.categories.length) rules.push(`one of ${c.categories.join(', ')}`);
  return rules.join('; ');
}

function renderDataset(ctx: CommandContext, d: Dataset): string {
  const head = renderKeyValues([
    ['dataset', d.dataset],
    ['schema version', d.schemaVersion],
    ['entity', d.entityColumn],
    ['event time', d.eventTimeColumn],
    ['label', d.labelColumn || '(none)'],
    ['records', d.recordCount],
    ['versioning', [d.versionEveryRecords ? `every ${d.versionEveryRecords} records` : '', d.versionEverySeconds ? `every ${formatDuration(d.versionEverySeconds * 1000)}` : ''].filter(Boolean).join(', ') || 'on request'],
    ['registered', formatDateTime(d.createdAtMs)],
    ['description', d.description || undefined],
  ]);
  const columns = table(ctx, [{ header: 'column' }, { header: 'type' }, { header: 'nullable' }, { header: 'rule', flex: true }], d.columns.map((c) => [c.name, enumLabel(c.type, 'COLUMN_TYPE_'), c.nullable ? 'yes' : '', columnRule(c)]), '');
  return sections(head, columns);
}

const datasetsList: CommandSpec = {
  path: 'datasets list',
  summary: 'registered datasets with their current schema',
  async run(ctx) {
    const response = { datasets: await ctx.clients.ingestion.callAllPages('ListDatasets', {}, (r: Wire<ingestion.ListDatasetsResponse>) => r.datasets) };
    emit(ctx, response, () =>
      table(ctx, [{ header: 'dataset' }, { header: 'schema', align: 'right' }, { header: 'records', align: 'right' }, { header: 'entity' }, { header: 'event time' }, { header: 'label' }, { header: 'columns', align: 'right' }, { header: 'registered' }],
        response.datasets.map((d) => [d.dataset, `v${d.schemaVersion}`, d.recordCount, d.entityColumn, d.eventTimeColumn, d.labelColumn, d.columns.length, formatDateTime(d.createdAtMs)]), 'no datasets'),
    );
  },
};

const datasetsGet: CommandSpec = {
  path: 'datasets get',
  summary: 'a dataset: schema, columns and rules',
  args: [{ name: 'name' }],
  options: { 'schema-version': { type: 'int', valueName: 'n', description: 'an older schema version (default the current one)' } },
  async run(ctx, input) {
    const d = await ctx.clients.ingestion.call<Dataset>('GetDataset', { dataset: input.arg('name'), schemaVersion: input.num('schema-version') ?? 0 });
    emit(ctx, d, () => renderDataset(ctx, d));
  },
};

const datasetsVersions: CommandSpec = {
  path: 'datasets versions',
  summary: "a dataset's immutable versions, oldest first",
  args: [{ name: 'name' }],
  async run(ctx, input) {
    const response = { versions: await ctx.clients.ingestion.callAllPages('ListDatasetVersions', { dataset: input.arg('name') }, (r: { versions: DatasetVersion[]; nextPageToken: string }) => r.versions) };
    emit(ctx, response, () =>
      table(ctx, [{ header: 'version', align: 'right' }, { header: 'name' }, { header: 'rows', align: 'right' }, { header: 'events from' }, { header: 'events to' }, { header: 'hash' }, { header: 'trigger' }, { header: 'cut' }],
        response.versions.map((v) => [v.version, v.name, v.rowCount, formatDateTime(v.minEventTimeMs), formatDateTime(v.maxEventTimeMs), shortId(v.contentHash, 12), v.trigger, formatDateTime(v.createdAtMs)]), 'no versions'),
    );
  },
};

/** The record as received: JSON text as is, anything else as base64 (bytes arrive base64). */
function payloadText(base64: string): string {
  const text = Buffer.from(base64, 'base64').toString('utf8');
  return /^[\x20-\x7e\s]*$/.test(text) ? text : `base64:${base64}`;
}

const rejected: CommandSpec = {
  path: 'rejected',
  summary: 'records ingestion refused, newest first, with the reason',
  args: [{ name: 'dataset', required: false }],
  options: { reason: { type: 'string', valueName: 'code', description: 'only this reason code, e.g. OUT_OF_RANGE' }, ...LIMIT_OPTION },
  async run(ctx, input) {
    const request = { dataset: input.optionalArg('dataset') ?? '', reasonCode: input.str('reason') ?? '', limit: input.num('limit') ?? 0 };
    const response = await ctx.clients.ingestion.call<Wire<ingestion.ListRejectedRecordsResponse>>('ListRejectedRecords', request);
    emit(ctx, response, () =>
      table(ctx, [{ header: 'rejected' }, { header: 'dataset' }, { header: 'code' }, { header: 'reason', maxWidth: 60 }, { header: 'source' }, { header: 'payload', flex: true }],
        response.records.map((r) => [formatDateTime(r.rejectedAtMs), r.dataset, r.reasonCode, r.reason, r.source, payloadText(r.payload as unknown as string)]), 'no rejected records'),
    );
  },
};

function transformOf(f: Feature): string {
  if (f.column) return `column ${f.column.column}`;
  if (f.expression) return `expr ${f.expression.expr}`;
  if (f.bucketize) return `bucketize ${f.bucketize.column} at ${f.bucketize.boundaries.join(', ')}`;
  if (f.oneHot) return `one-hot ${f.oneHot.column}: ${f.oneHot.categories.join(', ')}`;
  if (f.window) return `${enumLabel(f.window.function, 'AGGREGATE_FUNCTION_')}(${f.window.column || '*'}) over ${formatDuration(f.window.windowSeconds * 1000)}`;
  return '';
}

const featuresList: CommandSpec = {
  path: 'features list',
  summary: 'feature views (latest version of each)',
  async run(ctx) {
    const response = { views: await ctx.clients.featureStore.callAllPages('ListFeatureViews', {}, (r: Wire<features.ListFeatureViewsResponse>) => r.views) };
    emit(ctx, response, () =>
      table(ctx, [{ header: 'view' }, { header: 'version', align: 'right' }, { header: 'dataset' }, { header: 'entity' }, { header: 'ttl' }, { header: 'features', flex: true }, { header: 'registered' }],
        response.views.map((v) => [v.name, v.version, v.sourceDataset, v.entityColumn, v.ttlSeconds ? formatDuration(v.ttlSeconds * 1000) : 'never', v.featureNames.join(', '), formatDateTime(v.createdAtMs)]), 'no feature views'),
    );
  },
};

const featuresGet: CommandSpec = {
  path: 'features get',
  summary: 'a feature view and how each feature is computed',
  args: [{ name: 'view' }],
  options: { version: { type: 'int', valueName: 'n', description: 'a given version (default the latest)' } },
  async run(ctx, input) {
    const v = await ctx.clients.featureStore.call<FeatureView>('GetFeatureView', { name: input.arg('view'), version: input.num('version') ?? 0 });
    emit(ctx, v, () =>
      sections(
        renderKeyValues([['view', v.name], ['version', v.version], ['dataset', v.sourceDataset], ['entity', v.entityColumn], ['ttl', v.ttlSeconds ? formatDuration(v.ttlSeconds * 1000) : 'never'], ['outputs', v.featureNames.join(', ')], ['registered', formatDateTime(v.createdAtMs)], ['description', v.description || undefined]]),
        table(ctx, [{ header: 'feature' }, { header: 'computed as', flex: true }], v.features.map((f) => [f.name, transformOf(f)]), ''),
      ),
    );
  },
};

function profileRow(p: Profile): unknown[] {
  if (p.numeric) {
    const n = p.numeric;
    const median = n.quantiles.find((q) => q.q === 0.5)?.value;
    return [p.feature, 'numeric', n.count, n.nulls, formatNumber(n.mean), formatNumber(n.std), formatNumber(n.min), formatNumber(median), formatNumber(n.max)];
  }
  const c = p.categorical;
  const top = (c?.frequencies ?? []).slice(0, 3).map((f) => `${f.value} ${Math.round(f.share * 100)}%`).join(', ');
  return [p.feature, 'categorical', c?.count ?? 0, c?.nulls ?? 0, '', '', '', top, ''];
}

const snapshotsGet: CommandSpec = {
  path: 'snapshots get',
  summary: 'a training snapshot: what it was built from, and its feature profiles',
  description: 'The feature store has no listing of snapshots; their ids are in training jobs (`mlops jobs get`) and version lineage (`mlops versions get`).',
  args: [{ name: 'id' }],
  async run(ctx, input) {
    const s = await ctx.clients.featureStore.call<Wire<features.Snapshot>>('GetSnapshot', { snapshotId: input.arg('id') });
    emit(ctx, s, () =>
      sections(
        renderKeyValues([['snapshot', s.snapshotId], ['view', `${s.featureView} v${s.featureViewVersion}`], ['dataset', `${s.dataset} v${s.datasetVersion} (${shortId(s.datasetContentHash, 12)})`], ['rows', s.rowCount], ['content hash', s.contentHash], ['requested by run', s.requestedByRunId || undefined], ['built', `${formatDateTime(s.createdAtMs)} in ${formatDuration(s.buildMs)}`]]),
        table(ctx, [{ header: 'feature' }, { header: 'kind' }, { header: 'count', align: 'right' }, { header: 'nulls', align: 'right' }, { header: 'mean', align: 'right' }, { header: 'std', align: 'right' }, { header: 'min', align: 'right' }, { header: 'median / top', align: 'right' }, { header: 'max', align: 'right' }], s.profiles.map(profileRow), ''),
      ),
    );
  },
};

export const DATA_COMMANDS: CommandSpec[] = [datasetsList, datasetsGet, datasetsVersions, rejected, featuresList, featuresGet, snapshotsGet];
