import type { registry } from '@mlops/contracts';
import type { Wire } from '@mlops/client';
import type { CommandContext, CommandSpec } from '../command';
import { enumLabel, formatDateTime, formatMap, shortId } from '../render/format';
import { renderKeyValues } from '../render/table';
import { LIMIT_OPTION, REASON_OPTION, emit, parseVersion, sections, table } from './shared';

type Model = Wire<registry.RegisteredModel>;
type Version = Wire<registry.ModelVersion>;

const aliasesOf = (aliases: Record<string, number>) =>
  Object.entries(aliases)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([alias, version]) => `${alias}=v${version}`)
    .join(', ');

const modelsList: CommandSpec = {
  path: 'models list',
  summary: 'registered models with their aliases',
  async run(ctx) {
    const response = { models: await ctx.clients.registry.callAllPages('ListRegisteredModels', {}, (r: Wire<registry.ListRegisteredModelsResponse>) => r.models) };
    emit(ctx, response, () =>
      table(ctx, [{ header: 'model' }, { header: 'latest', align: 'right' }, { header: 'aliases', flex: true }, { header: 'promotion' }, { header: 'created' }],
        response.models.map((m) => [m.name, m.latestVersion ? `v${m.latestVersion}` : '', aliasesOf(m.aliases), enumLabel(m.promotionPolicy, 'PROMOTION_POLICY_'), formatDateTime(m.createdAtMs)]), 'no registered models'),
    );
  },
};

const modelsGet: CommandSpec = {
  path: 'models get',
  summary: 'a registered model: policy, aliases, tags',
  args: [{ name: 'name' }],
  async run(ctx, input) {
    const m = await ctx.clients.registry.call<Model>('GetRegisteredModel', { name: input.arg('name') });
    emit(ctx, m, () =>
      renderKeyValues([['model', m.name], ['latest version', m.latestVersion || '(none)'], ['aliases', aliasesOf(m.aliases) || '(none)'], ['promotion', enumLabel(m.promotionPolicy, 'PROMOTION_POLICY_')], ['tags', formatMap(m.tags) || undefined], ['description', m.description || undefined], ['created', formatDateTime(m.createdAtMs)]]),
    );
  },
};

const versionsList: CommandSpec = {
  path: 'versions list',
  summary: "a model's versions",
  args: [{ name: 'model' }],
  async run(ctx, input) {
    const response = { versions: await ctx.clients.registry.callAllPages('ListModelVersions', { modelName: input.arg('model') }, (r: Wire<registry.ListModelVersionsResponse>) => r.versions) };
    emit(ctx, response, () =>
      table(ctx, [{ header: 'version', align: 'right' }, { header: 'status' }, { header: 'aliases' }, { header: 'source' }, { header: 'run' }, { header: 'verdict' }, { header: 'metrics', flex: true }, { header: 'registered' }],
        response.versions.map((v) => [v.version, enumLabel(v.status, 'VERSION_STATUS_'), v.aliases.join(', '), v.lineage?.source ?? '', shortId(v.lineage?.runId), v.tags['serving.verdict'] ?? '', formatMap(v.metrics, 3), formatDateTime(v.createdAtMs)]), 'no versions'),
    );
  },
};

function tensors(ctx: CommandContext, v: Version): string {
  const rows = [...(v.signature?.inputs ?? []).map((t) => ['input', t]), ...(v.signature?.outputs ?? []).map((t) => ['output', t])] as [string, { name: string; datatype: string; shape: number[] }][];
  return table(ctx, [{ header: 'tensor' }, { header: 'name' }, { header: 'datatype' }, { header: 'shape' }], rows.map(([role, t]) => [role, t.name, t.datatype, `[${t.shape.join(', ')}]`]), '');
}

function renderVersion(ctx: CommandContext, v: Version): string {
  const l = v.lineage;
  return sections(
    renderKeyValues([
      ['model', v.modelName], ['version', v.version], ['status', enumLabel(v.status, 'VERSION_STATUS_')], ['status message', v.statusMessage || undefined],
      ['aliases', v.aliases.join(', ') || '(none)'], ['artifact', `${v.artifactSha256} (${v.artifactSize} bytes)`],
      ['features', v.signature?.featureNames.join(', ') || undefined], ['metrics', formatMap(v.metrics) || undefined], ['tags', formatMap(v.tags) || undefined],
      ['source', l?.source || undefined], ['run', l?.runId || undefined], ['job', l?.jobId || undefined], ['snapshot', l?.snapshotId || undefined],
      ['feature view', l?.featureView ? `${l.featureView} v${l.featureViewVersion}` : undefined], ['dataset', l?.dataset ? `${l.dataset} v${l.datasetVersion}` : undefined],
      ['description', v.description || undefined], ['registered', formatDateTime(v.createdAtMs)],
    ]),
    tensors(ctx, v),
  );
}

const versionsGet: CommandSpec = {
  path: 'versions get',
  summary: 'a version (by number or alias): signature, lineage, metrics, tags',
  args: [{ name: 'model' }, { name: 'version' }],
  examples: ['mlops versions get churn 3', 'mlops versions get churn production'],
  async run(ctx, input) {
    const [model, ref] = [input.arg('model'), input.arg('version')];
    const v = /^\d+$/.test(ref)
      ? await ctx.clients.registry.call<Version>('GetModelVersion', { modelName: model, version: parseVersion(ref) })
      : await ctx.clients.registry.call<Version>('GetModelVersionByAlias', { modelName: model, alias: ref });
    emit(ctx, v, () => renderVersion(ctx, v));
  },
};

const aliasSet: CommandSpec = {
  path: 'alias set',
  summary: "point an alias at a version (production follows the promotion policy)",
  args: [{ name: 'model' }, { name: 'alias' }, { name: 'version' }],
  options: REASON_OPTION,
  async run(ctx, input) {
    const request = { modelName: input.arg('model'), alias: input.arg('alias'), version: parseVersion(input.arg('version')), reason: input.str('reason') ?? '' };
    const v = await ctx.clients.registry.call<Version>('SetAlias', request);
    emit(ctx, v, () => `${v.modelName}: ${request.alias} → version ${v.version} (aliases of v${v.version}: ${v.aliases.join(', ')})`);
  },
};

const aliasDelete: CommandSpec = {
  path: 'alias delete',
  summary: 'remove an alias',
  args: [{ name: 'model' }, { name: 'alias' }],
  options: REASON_OPTION,
  async run(ctx, input) {
    const m = await ctx.clients.registry.call<Model>('DeleteAlias', { modelName: input.arg('model'), alias: input.arg('alias'), reason: input.str('reason') ?? '' });
    emit(ctx, m, () => `${m.name}: alias ${input.arg('alias')} removed (aliases: ${aliasesOf(m.aliases) || 'none'})`);
  },
};

const approve: CommandSpec = {
  path: 'approve',
  summary: 'approve a version for an alias (when promotion requires approval)',
  args: [{ name: 'model' }, { name: 'version' }],
  options: { alias: { type: 'string', valueName: 'alias', description: 'the alias the approval is for (default production)' }, ...REASON_OPTION },
  async run(ctx, input) {
    const request = { modelName: input.arg('model'), version: parseVersion(input.arg('version')), alias: input.str('alias') ?? 'production', reason: input.str('reason') ?? '' };
    const a = await ctx.clients.registry.call<Wire<registry.Approval>>('ApproveVersion', request);
    emit(ctx, a, () => `${a.modelName} v${a.version} approved for ${a.alias} by ${a.approvedBy} at ${formatDateTime(a.approvedAtMs)}`);
  },
};

const audit: CommandSpec = {
  path: 'audit',
  summary: "the registry's audit log, newest first",
  args: [{ name: 'model', required: false }],
  options: LIMIT_OPTION,
  async run(ctx, input) {
    const response = await ctx.clients.registry.call<Wire<registry.ListAuditEventsResponse>>('ListAuditEvents', { modelName: input.optionalArg('model') ?? '', limit: input.num('limit') ?? 0 });
    emit(ctx, response, () =>
      table(ctx, [{ header: 'at' }, { header: 'actor' }, { header: 'action' }, { header: 'model' }, { header: 'details', flex: true }, { header: 'correlation' }],
        response.events.map((e) => [formatDateTime(e.atMs), e.actor, e.action, e.modelName, e.details, e.correlationId]), 'no audit events'),
    );
  },
};

export const REGISTRY_COMMANDS: CommandSpec[] = [modelsList, modelsGet, versionsList, versionsGet, aliasSet, aliasDelete, approve, audit];
