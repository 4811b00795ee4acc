import { status as GrpcStatus } from '@grpc/grpc-js';
import type { CommandContext, CommandSpec } from '../command';
import { EXIT_FAILURE, RemoteCallError } from '../errors';
import { formatDuration } from '../render/format';
import { type TimelineStep, isTerminalStep, renderSagaSummary, renderStepLine, renderTimeline, stepKey, summarizeSaga } from '../render/timeline';

interface Timeline {
  correlationId: string;
  steps: TimelineStep[];
}

export interface FollowOptions {
  intervalMs: number;
  /** 0: no limit. */
  timeoutMs: number;
  utc: boolean;
  /** Called with each new step, oldest first, and the time of the saga's first step. */
  onStep(step: TimelineStep, firstAtMs: number): void;
  /** Called once while the saga has no steps yet. */
  onWaiting?(): void;
}

/** Steps of a saga, or none yet: NOT_FOUND only means nothing carried the id so far. */
async function fetchSteps(ctx: CommandContext, correlationId: string): Promise<TimelineStep[] | undefined> {
  try {
    return (await ctx.clients.monitoring.call<Timeline>('GetTimeline', { correlationId })).steps;
  } catch (error) {
    if (error instanceof RemoteCallError && error.code === GrpcStatus.NOT_FOUND) return undefined;
    throw error;
  }
}

/**
 * Polls GetTimeline and hands over each step once, until a terminal step (promoted, rolled back,
 * training failed, gate failed), the timeout, or Ctrl-C. Resolves with every step seen and why it stopped.
 */
export async function followTimeline(ctx: CommandContext, correlationId: string, options: FollowOptions): Promise<{ steps: TimelineStep[]; ended: 'terminal' | 'timeout' | 'aborted' }> {
  const seen = new Map<string, TimelineStep>();
  const started = ctx.now();
  let waitingNoted = false;
  for (;;) {
    const steps = await fetchSteps(ctx, correlationId);
    if (!steps?.length && !waitingNoted) {
      options.onWaiting?.();
      waitingNoted = true;
    }
    const fresh = (steps ?? []).filter((s) => !seen.has(stepKey(s))).sort((a, b) => a.atMs - b.atMs);
    for (const step of fresh) seen.set(stepKey(step), step);
    const first = Math.min(...[...seen.values()].map((s) => s.atMs));
    for (const step of fresh) options.onStep(step, first);
    const all = [...seen.values()].sort((a, b) => a.atMs - b.atMs);
    if (all.some(isTerminalStep)) return { steps: all, ended: 'terminal' };
    if (options.timeoutMs && ctx.now() - started >= options.timeoutMs) return { steps: all, ended: 'timeout' };
    await ctx.sleep(options.intervalMs);
    if (ctx.signal.aborted) return { steps: all, ended: 'aborted' };
  }
}

export const timelineCommand: CommandSpec = {
  path: 'timeline',
  summary: 'the saga of a correlation id: alert, retraining, run, version, rollout',
  description: 'Each line: time, +elapsed since the first step, service, kind, version, summary; then how long each\nstage took. With --follow new steps are printed as they are recorded until the saga ends.',
  args: [{ name: 'correlation-id' }],
  options: {
    follow: { type: 'boolean', short: 'f', description: 'keep polling and print new steps until a terminal step' },
    interval: { type: 'number', valueName: 'seconds', description: 'poll interval with --follow (default 1)' },
    timeout: { type: 'number', valueName: 'seconds', description: 'stop following after this long (exit 1)' },
    utc: { type: 'boolean', description: 'times in UTC instead of the local time zone' },
  },
  examples: ['mlops timeline 6f1c2d3e-…', 'mlops timeline "$(mlops alerts --json | jq -r .alerts[0].correlationId)" --follow'],
  async run(ctx, input) {
    const correlationId = input.arg('correlation-id');
    const utc = input.flag('utc') ?? false;
    if (!input.flag('follow')) {
      const timeline = await ctx.clients.monitoring.call<Timeline>('GetTimeline', { correlationId });
      const summary = summarizeSaga(timeline.steps);
      if (ctx.json) ctx.out.json({ ...timeline, summary });
      else ctx.out.line([...renderTimeline(timeline.steps, { utc }), '', renderSagaSummary(summary)].join('\n'));
      return;
    }
    const timeoutMs = (input.num('timeout') ?? 0) * 1000;
    const { steps, ended } = await followTimeline(ctx, correlationId, {
      intervalMs: (input.num('interval') ?? 1) * 1000,
      timeoutMs,
      utc,
      onStep: (step, first) => (ctx.json ? ctx.out.jsonLine({ step }) : ctx.out.line(renderStepLine(step, first, { utc }))),
      onWaiting: () => ctx.out.note(`waiting for steps of ${correlationId} …`),
    });
    const summary = summarizeSaga(steps);
    if (ctx.json) ctx.out.jsonLine({ summary, ended });
    else ctx.out.line(`\n${renderSagaSummary(summary)}`);
    if (ended === 'timeout') {
      ctx.out.note(`error: the saga ${correlationId} did not end within ${formatDuration(timeoutMs)}`);
      return EXIT_FAILURE;
    }
    if (ended === 'aborted') return 130;
  },
};
