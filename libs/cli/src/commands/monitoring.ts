import type { monitoring } from '@mlops/contracts';
import { APIS, type Wire } from '@mlops/client';
import type { CommandContext, CommandSpec } from '../command';
import { CliError, UsageError } from '../errors';
import { enumLabel, formatDateTime, formatMap, formatNumber, formatPercent, shortId } from '../render/format';
import { renderKeyValues } from '../render/table';
import { type FieldFlag, LIMIT_OPTION, emit, fieldsFromFlags, flagSpecs, sections, table } from './shared';

type DriftReport = Wire<monitoring.DriftReport>;
type FeatureDrift = Wire<monitoring.FeatureDriftResult>;
type Alert = Wire<monitoring.Alert>;
type Policy = Wire<monitoring.MonitoringPolicy> & Record<string, unknown>;

const driftRow = (f: FeatureDrift) => [f.feature, f.test, formatNumber(f.statistic), formatNumber(f.threshold), f.drifted ? 'DRIFT' : 'ok', f.referenceSize, f.currentSize];
const DRIFT_COLUMNS = [{ header: 'feature' }, { header: 'test' }, { header: 'statistic', align: 'right' as const }, { header: 'threshold', align: 'right' as const }, { header: 'drift' }, { header: 'reference', align: 'right' as const }, { header: 'current', align: 'right' as const }];

function renderDrift(ctx: CommandContext, r: DriftReport): string {
  return sections(
    renderKeyValues([
      ['model', `${r.modelName} v${r.version}`], ['reference', `snapshot ${r.referenceSnapshotId} (${r.referenceRows} rows)`],
      ['window', `${r.windowRows} rows, ${formatDateTime(r.windowFromMs)} – ${formatDateTime(r.windowToMs)}`],
      ['dataset drift', `${r.datasetDrift ? 'YES' : 'no'} (${formatPercent(r.driftedShare)} of the features drifted)`],
      ['alert', r.alertId || undefined], ['computed', formatDateTime(r.computedAtMs)],
    ]),
    table(ctx, DRIFT_COLUMNS, [...r.features.map(driftRow), ...(r.prediction ? [driftRow(r.prediction)] : [])], ''),
  );
}

const driftReport: CommandSpec = {
  path: 'drift report',
  summary: "latest drift evaluation of a model's live traffic against its training data",
  args: [{ name: 'model' }],
  async run(ctx, input) {
    const r = await ctx.clients.monitoring.call<DriftReport>('GetDriftReport', { modelName: input.arg('model') });
    emit(ctx, r, () => renderDrift(ctx, r));
  },
};

const performanceReport: CommandSpec = {
  path: 'performance report',
  summary: "latest live-performance evaluation of a model, from late labels",
  args: [{ name: 'model' }],
  async run(ctx, input) {
    if (!ctx.clients.monitoring.has('GetPerformanceReport')) throw new CliError("this checkout's monitoring API has no GetPerformanceReport");
    const r = await ctx.clients.monitoring.call<Record<string, unknown> & { current?: Record<string, number>; baseline?: Record<string, number> }>('GetPerformanceReport', { modelName: input.arg('model') });
    emit(ctx, r, () =>
      renderKeyValues([
        ['model', `${r.modelName} v${r.version}`], ['task', r.task], ['metric', r.metric], ['current', formatMap(r.current)], ['baseline (test)', formatMap(r.baseline)],
        ['degradation', `${formatPercent(r.degradation as number)} (limit ${formatPercent(r.maxDegradation as number)})${r.degraded ? ' DEGRADED' : ''}`],
        ['labelled', r.labelled], ['window', `${formatDateTime(r.windowFromMs as number)} – ${formatDateTime(r.windowToMs as number)}`], ['alert', r.alertId || undefined], ['computed', formatDateTime(r.computedAtMs as number)],
      ]),
    );
  },
};

function alertSummary(a: Alert & Record<string, unknown>): string {
  if (a.kind === 'performance' && typeof a.metric === 'string') return `${a.metric} ${formatNumber(a.current as number)} vs test ${formatNumber(a.baseline as number)}`;
  const drifted = a.features.filter((f) => f.drifted).map((f) => f.feature);
  return `${formatPercent(a.driftedShare)} drifted${drifted.length ? `: ${drifted.join(', ')}` : ''}`;
}

const alerts: CommandSpec = {
  path: 'alerts',
  summary: 'drift and degradation alerts, newest first',
  options: { model: { type: 'string', valueName: 'name', description: "only this model's" }, ...LIMIT_OPTION },
  async run(ctx, input) {
    const response = await ctx.clients.monitoring.call<{ alerts: (Alert & Record<string, unknown>)[] }>('ListAlerts', { modelName: input.str('model') ?? '', limit: input.num('limit') ?? 0 });
    emit(ctx, response, () =>
      table(ctx, [{ header: 'alert' }, { header: 'model' }, { header: 'version', align: 'right' }, { header: 'kind' }, { header: 'retrain' }, { header: 'raised' }, { header: 'what', flex: true }, { header: 'correlation id' }],
        response.alerts.map((a) => [shortId(a.alertId), a.modelName, a.version, a.kind, a.retrainRequested ? 'requested' : 'no', formatDateTime(a.raisedAtMs), alertSummary(a), a.correlationId]), 'no alerts'),
    );
  },
};

/** Flags of `monitoring policy set`. Fields the loaded proto lacks are refused by name. */
export const MONITORING_POLICY_FLAGS: Record<string, FieldFlag> = {
  'window-size': { field: 'windowSize', spec: { type: 'int', description: 'rows in the current window (default 1000)' } },
  'window-seconds': { field: 'windowSeconds', spec: { type: 'number', valueName: 'seconds', description: 'judge only rows served in the last this many seconds (default 0: no time limit)' } },
  'evaluate-every': { field: 'evaluateEvery', spec: { type: 'int', description: 'new rows between evaluations (default 250)' } },
  'drift-share': { field: 'driftShare', spec: { type: 'number', description: 'share of drifted features that makes the dataset drifted (default 0.5)' } },
  consecutive: { field: 'consecutive', spec: { type: 'int', description: 'drifted evaluations in a row before an alert (default 2)' } },
  'clear-after': { field: 'clearAfter', spec: { type: 'int', description: 'clean evaluations before another alert (default 2)' } },
  'cooldown-seconds': { field: 'cooldownSeconds', spec: { type: 'number', description: 'least time between two alerts (default 600)' } },
  retrain: { field: 'retrain', spec: { type: 'choice', choices: ['automatic', 'alert-only'], description: 'what an alert does (default automatic)' }, map: (v) => `RETRAIN_POLICY_${String(v).toUpperCase().replace('-', '_')}` },
  'retrain-window-seconds': { field: 'retrainWindowSeconds', spec: { type: 'number', description: 'retrain on the data of the last this many seconds (default 86400)' } },
  'label-window': { field: 'labelWindow', spec: { type: 'int', description: 'labelled predictions in the performance window' } },
  'performance-metric': { field: 'performanceMetric', spec: { type: 'string', valueName: 'metric', description: 'metric compared with the test metric (accuracy, f1, roc_auc, rmse, mae)' } },
  'max-degradation': { field: 'maxDegradation', spec: { type: 'number', description: 'relative degradation that counts as degraded' } },
  'label-join-seconds': { field: 'labelJoinSeconds', spec: { type: 'number', description: 'how long a prediction waits for its label' } },
};

function renderMonitoringPolicy(p: Policy): string {
  const pairs: [string, unknown][] = Object.entries(MONITORING_POLICY_FLAGS)
    .filter(([, flag]) => flag.field in p)
    .map(([name, flag]) => {
      const value = flag.field === 'retrain' ? enumLabel(p.retrain, 'RETRAIN_POLICY_') : p[flag.field];
      return [name.replace(/-/g, ' '), value === '' || value === undefined || value === null ? '(default)' : value];
    });
  return renderKeyValues([['model', p.modelName], ...pairs, ['updated', formatDateTime(p.updatedAtMs) || '(defaults)']]);
}

const policyGet: CommandSpec = {
  path: 'monitoring policy get',
  summary: "how a model's traffic is watched (the defaults when none was set)",
  args: [{ name: 'model' }],
  async run(ctx, input) {
    const p = await ctx.clients.monitoring.call<Policy>('GetMonitoringPolicy', { modelName: input.arg('model') });
    emit(ctx, p, () => renderMonitoringPolicy(p));
  },
};

const policySet: CommandSpec = {
  path: 'monitoring policy set',
  summary: "set how a model's traffic is watched",
  description: 'Replaces the policy, as SetMonitoringPolicy does: options not given take the service defaults.',
  args: [{ name: 'model' }],
  options: flagSpecs(MONITORING_POLICY_FLAGS),
  examples: ['mlops monitoring policy set churn --window-size 2000 --evaluate-every 500 --retrain alert-only'],
  async run(ctx, input) {
    const known = new Set(ctx.clients.messageFields(APIS.monitoring.protoFile, 'mlops.monitoring.v1.MonitoringPolicy'));
    const missing = Object.entries(MONITORING_POLICY_FLAGS).find(([name, flag]) => input.has(name) && !known.has(flag.field));
    if (missing) throw new UsageError(`--${missing[0]}: this checkout's monitoring API has no field ${missing[1].field}`, 'monitoring policy set');
    const p = await ctx.clients.monitoring.call<Policy>('SetMonitoringPolicy', { modelName: input.arg('model'), ...fieldsFromFlags(MONITORING_POLICY_FLAGS, input.options) });
    emit(ctx, p, () => renderMonitoringPolicy(p));
  },
};

const instances: CommandSpec = {
  path: 'monitoring instances',
  summary: 'service processes that announced their start, newest first',
  options: { service: { type: 'string', valueName: 'name', description: 'only this service' }, ...LIMIT_OPTION },
  async run(ctx, input) {
    const response = await ctx.clients.monitoring.call<Wire<monitoring.ListServiceInstancesResponse>>('ListServiceInstances', { service: input.str('service') ?? '', limit: input.num('limit') ?? 0 });
    emit(ctx, response, () =>
      table(ctx, [{ header: 'service' }, { header: 'instance' }, { header: 'version' }, { header: 'host' }, { header: 'started' }],
        response.instances.map((i) => [i.service, i.instanceId, i.version, i.host, formatDateTime(i.startedAtMs)]), 'no service instances recorded'),
    );
  },
};

export const MONITORING_COMMANDS: CommandSpec[] = [driftReport, performanceReport, alerts, policyGet, policySet, instances];
