import type { CommandContext, CommandSpec } from '../command';
import { EXIT_FAILURE } from '../errors';
import { formatDuration } from '../render/format';
import { ProgressReporter } from '../render/progress';
import { type TimelineStep, renderSagaSummary, renderStepLine, summarizeSaga } from '../render/timeline';
import { followTimeline } from '../commands/timeline';
import { LoopScenario, type ScenarioEvent } from '@mlops/client';

/**
 * `mlops demo`: the closed loop on the running platform, narrated. Scenario 1: records stream
 * in, the first model is trained and served, labels follow the predictions; the data shifts and
 * the platform detects it, retrains, canaries and promotes by itself. Scenario 2: a bad
 * candidate is rolled back by the canary. Each saga is shown step by step as monitoring records
 * it, then how long each stage took.
 */
export const demoCommand: CommandSpec = {
  path: 'demo',
  summary: 'run the closed-loop scenario on the running platform and narrate it',
  description: 'Needs the six services and Kafka (bash scripts/platform.sh up). Creates a dataset, view and model named\nafter --name (default demo-<time>), so it can run again beside earlier runs.',
  options: {
    name: { type: 'string', valueName: 'name', description: 'prefix of the dataset, view and model (default demo-<time>)' },
    records: { type: 'int', valueName: 'n', description: 'records streamed before and after the shift (default 3000)' },
    'skip-bad-candidate': { type: 'boolean', description: 'stop after the first scenario' },
  },
  examples: ['mlops demo', 'mlops demo --name rides --records 5000'],
  async run(ctx, input) {
    const name = (input.str('name') ?? `demo-${new Date(ctx.now()).toISOString().slice(5, 19).replace(/[-:T]/g, '')}`).toLowerCase();
    const progress = new ProgressReporter(process.stderr);
    const say = (text: string) => progress.log(text);
    const scenario = new LoopScenario({ name, clients: ctx.clients, kafkaBrokers: ctx.kafkaBrokers, records: input.num('records') ?? 3000, report: narrate(progress) });
    await scenario.connect();
    try {
      await scenario.setUp();
      await scenario.streamRecords('before');
      await scenario.trainFirstModel();
      scenario.startTraffic();
      say('▶ clients ask for predictions (Open Inference Protocol over gRPC); the label of each follows on monitoring.feedback.received.v1');
      await scenario.until(async () => (scenario.stats.byVersion['1'] ?? 0) >= 500, 120_000, 'version 1 to answer 500 requests');

      const shiftedAt = await scenario.shift();
      say('▶ watching: nothing below is driven by the demo, only traffic and labels keep coming');
      const alert = await scenario.retrainingAlert();
      const loop = await follow(ctx, alert.alertId, say);
      const latency = await scenario.latency(loop.steps, shiftedAt);
      say(`\n${renderSagaSummary(summarizeSaga(loop.steps))}`);
      if (latency) say(`shift → new version serving canary traffic: ${formatDuration(latency.shiftToCanaryMs)} (detection ${formatDuration(latency.detectionMs)}, training ${formatDuration(latency.trainingMs)}, orchestration ${formatDuration(latency.orchestrationMs)})`);

      let outcome = summarizeSaga(loop.steps).outcome;
      if (!input.flag('skip-bad-candidate')) {
        const bad = await follow(ctx, await scenario.submitBadCandidate(), say);
        say(`\n${renderSagaSummary(summarizeSaga(bad.steps))}`);
        const production = await ctx.clients.registry.call<{ version: number }>('GetModelVersionByAlias', { modelName: scenario.model, alias: 'production' });
        say(`production stays at version ${production.version}`);
        if (summarizeSaga(bad.steps).outcome !== 'rolled back') outcome = `bad candidate ${summarizeSaga(bad.steps).outcome}`;
      }
      const s = scenario.stats;
      say(`\ntraffic: ${s.sent} requests, ${s.failed} failed, by version ${JSON.stringify(s.byVersion)}; ${s.labels} labels sent`);
      say(`see it again: mlops timeline ${alert.alertId}; mlops alerts --model ${scenario.model}; mlops deployments get ${scenario.model}`);
      if (ctx.json) ctx.out.json({ model: scenario.model, alertId: alert.alertId, latency, traffic: s, outcome });
      return outcome === 'promoted' && s.failed === 0 ? 0 : EXIT_FAILURE;
    } finally {
      progress.finish();
      await scenario.close();
    }
  },
};

async function follow(ctx: CommandContext, correlationId: string, say: (text: string) => void): Promise<{ steps: TimelineStep[] }> {
  say(`\ntimeline ${correlationId}`);
  const result = await followTimeline(ctx, correlationId, { intervalMs: 500, timeoutMs: 300_000, utc: false, onStep: (step, first) => say(`  ${renderStepLine(step, first)}`) });
  if (result.ended !== 'terminal') throw new Error(`the saga ${correlationId} did not end within 5 minutes (${result.ended})`);
  return result;
}

function narrate(progress: ProgressReporter): (event: ScenarioEvent) => void {
  return (event) => {
    if (event.type === 'stage') progress.log(`▶ ${event.text}`);
    else if (event.type === 'progress') progress.update(event.done / event.total, `${event.done}/${event.total} ${event.what}`);
    else progress.log(`  traffic: ${event.sent} requests, ${event.failed} failed, answered by ${Object.entries(event.byVersion).map(([v, n]) => `v${v} ${n}`).join(', ')}`);
  };
}
