import type { serving } from '@mlops/contracts';
import type { Wire } from '@mlops/client';
import type { CommandContext, CommandSpec } from '../command';
import { UsageError } from '../errors';
import { enumLabel, formatDateTime, formatDuration, formatNumber, shortId } from '../render/format';
import { renderKeyValues } from '../render/table';
import { type FieldFlag, LIMIT_OPTION, REASON_OPTION, emit, fieldsFromFlags, flagSpecs, parseVersion, sections, table } from './shared';

type Deployment = Wire<serving.Deployment>;
type Analysis = Wire<serving.Analysis>;
type Policy = Wire<serving.DeploymentPolicy>;

const STRATEGIES = ['basic', 'shadow', 'canary'] as const;
const strategyEnum = (value: unknown) => `STRATEGY_${String(value).toUpperCase()}`;
const state = (d: Deployment) => enumLabel(d.state, 'DEPLOYMENT_STATE_');
const pct = (n: number | undefined) => (n === undefined ? '' : `${formatNumber(n)}%`);

function renderChecks(ctx: CommandContext, a: Analysis): string {
  return table(ctx, [{ header: 'check' }, { header: 'candidate', align: 'right' }, { header: 'stable', align: 'right' }, { header: 'limit', align: 'right' }, { header: 'samples', align: 'right' }, { header: 'verdict' }],
    a.checks.map((c) => [c.name, formatNumber(c.value), formatNumber(c.stableValue), formatNumber(c.threshold), c.samples, enumLabel(c.verdict, 'VERDICT_')]), '');
}

export function renderDeployment(ctx: CommandContext, d: Deployment): string {
  const a = d.lastAnalysis;
  const next = d.nextAnalysisAtMs ? `in ${formatDuration(Math.max(0, d.nextAnalysisAtMs - ctx.now()))}` : undefined;
  return sections(
    renderKeyValues([
      ['deployment', d.id], ['model', d.modelName], ['strategy', enumLabel(d.strategy, 'STRATEGY_')], ['state', state(d)], ['phase', enumLabel(d.phase, 'PHASE_')],
      ['stable version', d.stableVersion || '(none)'], ['candidate version', d.candidateVersion], ['candidate weight', pct(d.candidateWeightPercent)], ['mirrored', pct(d.mirrorPercent)],
      ['step', d.policy?.canarySteps.length ? `${d.step + 1} of ${d.policy.canarySteps.length} (${d.policy.canarySteps.join(' → ')} %)` : d.step], ['failed analyses', d.failedChecks],
      ['reason', d.reason], ['started by', d.startedBy], ['correlation id', d.correlationId || undefined],
      ['started', formatDateTime(d.createdAtMs)], ['updated', formatDateTime(d.updatedAtMs)], ['next analysis', next],
    ]),
    a && `last analysis #${a.number} at ${formatDateTime(a.atMs)}: ${enumLabel(a.verdict, 'VERDICT_')} → ${a.action} (candidate ${a.candidateRequests} requests, stable ${a.stableRequests})\n${renderChecks(ctx, a)}`,
  );
}

async function deploymentOf(ctx: CommandContext, model: string | undefined, id: string | undefined): Promise<Deployment> {
  if (!model && !id) throw new UsageError('give a <model> or --id <deployment>');
  return ctx.clients.deployments.call<Deployment>('GetDeployment', { id: id ?? '', modelName: model ?? '' });
}

const ID_OPTION = { id: { type: 'string' as const, valueName: 'deployment', description: 'a deployment by id instead of the model\'s latest' } };

const list: CommandSpec = {
  path: 'deployments list',
  summary: 'deployments, newest first',
  options: { model: { type: 'string', valueName: 'name', description: 'only this model\'s' }, active: { type: 'boolean', description: 'only active ones (progressing, paused, promoting, awaiting promotion)' }, ...LIMIT_OPTION },
  async run(ctx, input) {
    const response = await ctx.clients.deployments.call<{ deployments: Deployment[] }>('ListDeployments', { modelName: input.str('model') ?? '', activeOnly: input.flag('active') ?? false, limit: input.num('limit') ?? 0 });
    emit(ctx, response, () =>
      table(ctx, [{ header: 'deployment' }, { header: 'model' }, { header: 'strategy' }, { header: 'state' }, { header: 'stable', align: 'right' }, { header: 'candidate', align: 'right' }, { header: 'weight', align: 'right' }, { header: 'updated' }, { header: 'reason', flex: true }],
        response.deployments.map((d) => [shortId(d.id), d.modelName, enumLabel(d.strategy, 'STRATEGY_'), state(d), d.stableVersion || '', d.candidateVersion, pct(d.candidateWeightPercent), formatDateTime(d.updatedAtMs), d.reason]), 'no deployments'),
    );
  },
};

const get: CommandSpec = {
  path: 'deployments get',
  summary: "a model's latest deployment: state, traffic split, last analysis",
  args: [{ name: 'model', required: false }],
  options: ID_OPTION,
  async run(ctx, input) {
    const d = await deploymentOf(ctx, input.optionalArg('model'), input.str('id'));
    emit(ctx, d, () => renderDeployment(ctx, d));
  },
};

const analyses: CommandSpec = {
  path: 'deployments analyses',
  summary: 'every analysis of a deployment, with its checks',
  args: [{ name: 'model', required: false }],
  options: ID_OPTION,
  async run(ctx, input) {
    const d = await deploymentOf(ctx, input.optionalArg('model'), input.str('id'));
    const response = { analyses: await ctx.clients.deployments.callAllPages('ListAnalyses', { deploymentId: d.id }, (r: { analyses: Analysis[]; nextPageToken: string }) => r.analyses) };
    emit(ctx, response, () =>
      table(ctx, [{ header: '#', align: 'right' }, { header: 'at' }, { header: 'phase' }, { header: 'weight', align: 'right' }, { header: 'requests', align: 'right' }, { header: 'verdict' }, { header: 'action' }, { header: 'checks', flex: true }],
        response.analyses.map((a) => [a.number, formatDateTime(a.atMs), enumLabel(a.phase, 'PHASE_'), pct(a.candidateWeightPercent), `${a.candidateRequests}/${a.stableRequests}`, enumLabel(a.verdict, 'VERDICT_'), a.action, a.checks.map((c) => `${c.name} ${formatNumber(c.value)} ${enumLabel(c.verdict, 'VERDICT_')}`).join(', ')]),
        `deployment ${d.id} has no analyses yet`),
    );
  },
};

function renderPolicy(p: Policy): string {
  const t = p.thresholds;
  return renderKeyValues([
    ['model', p.modelName], ['strategy', enumLabel(p.strategy, 'STRATEGY_')], ['shadow first', p.shadowFirst], ['manual', p.manual],
    ['canary steps', p.canarySteps.map((s) => `${formatNumber(s)}%`).join(' → ')], ['interval', p.intervalSeconds !== undefined ? formatDuration(p.intervalSeconds * 1000) : undefined],
    ['shadow intervals', p.shadowIntervals], ['mirror', p.mirrorPercent === undefined || p.mirrorPercent === null ? 'default (10% in a canary, 100% in shadow)' : pct(p.mirrorPercent)], ['failure limit', p.failureLimit], ['stable fallback', !p.noStableFallback],
    ['max error rate', t?.maxErrorRate], ['max p99 latency ms', t?.maxP99LatencyMs], ['max divergence', t?.maxDivergence], ['max accuracy drop', t?.maxAccuracyDrop],
    ['min requests', t?.minRequests], ['min labels', t?.minLabels], ['min mirrored', t?.minMirrored], ['updated', formatDateTime(p.updatedAtMs) || '(defaults)'],
  ]);
}

const policyGet: CommandSpec = {
  path: 'deployments policy get',
  summary: "how new versions of a model are deployed (the defaults when none was set)",
  args: [{ name: 'model' }],
  async run(ctx, input) {
    const p = await ctx.clients.deployments.call<Policy>('GetDeploymentPolicy', { modelName: input.arg('model') });
    emit(ctx, p, () => renderPolicy(p));
  },
};

/** Flags of `deployments policy set`, one per DeploymentPolicy field. */
export const DEPLOYMENT_POLICY_FLAGS: Record<string, FieldFlag> = {
  strategy: { field: 'strategy', spec: { type: 'choice', choices: STRATEGIES, description: 'strategy for new versions (default canary)' }, map: strategyEnum },
  'shadow-first': { field: 'shadowFirst', spec: { type: 'boolean', description: 'canary: run a shadow phase before the first step' } },
  manual: { field: 'manual', spec: { type: 'boolean', description: 'new versions wait for `mlops deployments start`' } },
  'canary-steps': { field: 'canarySteps', spec: { type: 'numbers', description: 'candidate weights in percent, ending at 100 (default 10,25,50,100)' } },
  'interval-seconds': { field: 'intervalSeconds', spec: { type: 'number', description: 'seconds between analyses (default 30)' } },
  'shadow-intervals': { field: 'shadowIntervals', spec: { type: 'int', description: 'analyses the shadow phase lasts (default 2)' } },
  'mirror-percent': { field: 'mirrorPercent', spec: { type: 'number', description: 'share of requests also run on the other version' } },
  'failure-limit': { field: 'failureLimit', spec: { type: 'int', description: 'failed analyses before a rollback (default 2)' } },
  'max-error-rate': { field: 'thresholds.maxErrorRate', spec: { type: 'number', description: 'analysis: largest candidate error share (default 0.01)' } },
  'max-p99-latency-ms': { field: 'thresholds.maxP99LatencyMs', spec: { type: 'number', description: 'analysis: largest p99 latency (default 500)' } },
  'max-divergence': { field: 'thresholds.maxDivergence', spec: { type: 'number', description: 'analysis: largest divergence from stable (default 0.1)' } },
  'max-accuracy-drop': { field: 'thresholds.maxAccuracyDrop', spec: { type: 'number', description: 'analysis: largest accuracy drop (default 0.02)' } },
  'min-requests': { field: 'thresholds.minRequests', spec: { type: 'int', description: 'analysis: candidate requests before judging (default 20)' } },
  'min-labels': { field: 'thresholds.minLabels', spec: { type: 'int', description: 'analysis: labels before comparing accuracy (default 20)' } },
  'min-mirrored': { field: 'thresholds.minMirrored', spec: { type: 'int', description: 'analysis: mirrored comparisons before judging divergence (default 20)' } },
  'stable-fallback': { field: 'noStableFallback', spec: { type: 'boolean', description: '--no-stable-fallback: a candidate\'s failures reach its callers' }, map: (v) => !v },
};

const policySet: CommandSpec = {
  path: 'deployments policy set',
  summary: "set a model's deployment policy",
  description: 'Replaces the policy, as SetDeploymentPolicy does: options not given take the service defaults.\nThe policy in effect is printed back.',
  args: [{ name: 'model' }],
  options: flagSpecs(DEPLOYMENT_POLICY_FLAGS),
  examples: ['mlops deployments policy set churn --strategy canary --canary-steps 10,50,100 --interval-seconds 60 --max-error-rate 0.005'],
  async run(ctx, input) {
    const request = { modelName: input.arg('model'), ...fieldsFromFlags(DEPLOYMENT_POLICY_FLAGS, input.options) };
    const p = await ctx.clients.deployments.call<Policy>('SetDeploymentPolicy', request);
    emit(ctx, p, () => renderPolicy(p));
  },
};

const start: CommandSpec = {
  path: 'deployments start',
  summary: 'roll out a version by hand (refused while another rollout is active)',
  args: [{ name: 'model' }, { name: 'version' }],
  options: { strategy: { type: 'choice', choices: STRATEGIES, description: "strategy (default the model's policy)" }, ...REASON_OPTION },
  async run(ctx, input) {
    const strategy = input.str('strategy');
    const request = { modelName: input.arg('model'), version: parseVersion(input.arg('version')), strategy: strategy ? strategyEnum(strategy) : 'STRATEGY_UNSPECIFIED', reason: input.str('reason') ?? '' };
    const d = await ctx.clients.deployments.call<Deployment>('StartDeployment', request);
    emit(ctx, d, () => renderDeployment(ctx, d));
  },
};

/** promote, rollback, pause, resume: one action on the model's active deployment. */
function action(word: string, method: string, summary: string): CommandSpec {
  return {
    path: `deployments ${word}`,
    summary,
    args: [{ name: 'model' }],
    options: REASON_OPTION,
    async run(ctx, input) {
      const d = await ctx.clients.deployments.call<Deployment>(method, { modelName: input.arg('model'), reason: input.str('reason') ?? '' });
      emit(ctx, d, () => `${d.modelName}: deployment ${shortId(d.id)} of version ${d.candidateVersion} is ${state(d)} (${d.reason})`);
    },
  };
}

export const DEPLOYMENT_COMMANDS: CommandSpec[] = [
  list, get, analyses, policyGet, policySet, start,
  action('promote', 'PromoteDeployment', 'promote the candidate now, skipping the remaining steps'),
  action('rollback', 'RollbackDeployment', 'roll the candidate back now'),
  action('pause', 'PauseDeployment', 'hold the active deployment where it is'),
  action('resume', 'ResumeDeployment', 'continue a paused deployment'),
];
