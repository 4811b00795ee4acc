// The console: time to first render in Chromium (Overview; runs compare with 1,000 runs × 50
// metrics), and what its API adds over calling the service directly.
//
//   bash bench/run.sh console [rounds=5] [calls=200]
//
// Render: each round is a fresh browser context (empty cache, token put in session storage
// before the page loads), timed from the navigation's start to the page's own "drawn" marker
// (compare: both charts finished drawing and the table rendered, data-ready=true), then to the
// first animation frame after it (the main thread is free: the page answers input). Beside it,
// the same data fetched by the browser without rendering (the API's share of the time).
//
// API: the same data through the console (HTTP + JSON, the caller's token forwarded) and
// directly from the owning service over gRPC (a plain grpc-js client, as the console's own
// client is), the two sides interleaved call by call; p50 and p99 of each and their ratio.
import { chromium } from 'playwright-core';
import { grpcClient, seedExperiment, startConsole, startPlatform, testIssuer, uniqueName } from '@mlops/testing';
import { fmt, log, median, percentile, table } from './lib.mts';

const rounds = Number(process.argv[2] ?? 5);
const calls = Number(process.argv[3] ?? 200);
const token = testIssuer().token('bench', ['viewer']);

const platform = await startPlatform({ env: { LOG_LEVEL: 'warn' } });
const consoleService = await startConsole(platform, { LOG_LEVEL: 'warn' });
const base = consoleService.httpUrl;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-dev-shm-usage'] });
try {
  const experiment = uniqueName('bench-search').replace(/_/g, '-');
  log('seeding 1,000 runs × 50 metrics × 10 steps');
  const seeded = await seedExperiment(platform.service('training').grpcAddress, { experiment, runs: 1000, metrics: 50, steps: 10, onProgress: (n) => n % 250 === 0 && log(`  ${n} runs`) });

  // ---- first render ----
  const render = async (path: string, ready: string): Promise<{ drawnMs: number; interactiveMs: number; apiMs: number }> => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
    await context.addInitScript((t) => sessionStorage.setItem('mlops-console-token', t), token);
    const page = await context.newPage();
    await page.goto(`${base}${path}`, { waitUntil: 'commit' });
    await page.waitForSelector(ready, { timeout: 120_000 });
    const drawnMs = await page.evaluate(() => performance.now());
    const interactiveMs = await page.evaluate(() => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    // The longest API request the page made (its data), by the browser's own resource timing.
    const apiMs = await page.evaluate(() => Math.max(0, ...performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/') && !e.name.includes('/api/events')).map((e) => (e as PerformanceResourceTiming).responseEnd - e.startTime)));
    await context.close();
    return { drawnMs, interactiveMs, apiMs };
  };
  const pages = [
    { name: 'Overview', path: '/', ready: '[data-testid=sagas] >> visible=true' },
    { name: 'runs compare (1,000 runs × 50 metrics)', path: `/runs/compare?experiment=${experiment}`, ready: '[data-testid=compare][data-ready=true]' },
  ];
  const renders = new Map(pages.map((p) => [p.name, [] as { drawnMs: number; interactiveMs: number; apiMs: number }[]]));
  await render(pages[0].path, pages[0].ready); // warm the services' caches (proto loading, connections)
  for (let r = 0; r < rounds; r++) {
    for (const p of pages) {
      const result = await render(p.path, p.ready);
      renders.get(p.name)!.push(result);
      log(`round ${r + 1} ${p.name}: drawn ${fmt(result.drawnMs, 0)} ms, interactive ${fmt(result.interactiveMs, 0)} ms (slowest API call ${fmt(result.apiMs, 0)} ms)`);
    }
  }
  const renderRows: (string | number)[][] = [['page', 'drawn ms (median)', 'interactive ms (median)', 'min–max interactive', 'slowest API call ms (median)']];
  for (const [name, results] of renders) {
    const interactive = results.map((x) => x.interactiveMs);
    renderRows.push([name, fmt(median(results.map((x) => x.drawnMs)), 0), fmt(median(interactive), 0), `${fmt(Math.min(...interactive), 0)}–${fmt(Math.max(...interactive), 0)}`, fmt(median(results.map((x) => x.apiMs)), 0)]);
  }

  // ---- API overhead ----
  const training = grpcClient(platform.service('training').grpcAddress, 'mlops/training/v1/training.proto', 'mlops.training.v1.TrainingService', { token });
  const registry = grpcClient(platform.service('registry').grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService', { token });
  const serving = grpcClient(platform.service('serving').grpcAddress, 'mlops/serving/v1/serving.proto', 'mlops.serving.v1.DeploymentService', { token });
  const http = async (path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.json();
  };
  const runId = seeded.runIds[0];
  const health = grpcClient(platform.service('training').grpcAddress, 'grpc/health/v1/health.proto', 'grpc.health.v1.Health', { token });
  const cases = [
    // The floor: the console's HTTP hop and pipeline with no upstream call (sign-in's token check), beside a bare gRPC round trip.
    { name: 'floor: GET /api/session vs gRPC health', console: () => http('/api/session'), direct: () => health.Check({}) },
    { name: 'one run (GetRun)', console: () => http(`/api/runs/${runId}`), direct: () => training.GetRun({ runId }) },
    { name: 'models (ListRegisteredModels)', console: () => http('/api/models?pageSize=100'), direct: () => registry.ListRegisteredModels({}) },
    { name: 'deployments (ListDeployments, 20)', console: () => http('/api/deployments?pageSize=20'), direct: () => serving.ListDeployments({ limit: 20 }) },
    { name: '1,000 runs × 50 metrics (SearchRuns)', console: () => http(`/api/runs?experiment=${experiment}&pageSize=1000`), direct: () => training.SearchRuns({ experiments: [experiment], maxResults: 1000 }), calls: Math.max(10, Math.floor(calls / 10)) },
    { name: 'm00 of 1,000 runs (GetMetricHistories)', console: () => http('/api/metric-histories', { runIds: seeded.runIds, key: 'm00', maxPointsPerRun: 60 }), direct: () => training.GetMetricHistories({ runIds: seeded.runIds, key: 'm00', maxPointsPerRun: 60 }), calls: Math.max(10, Math.floor(calls / 10)) },
  ];
  const apiRows: (string | number)[][] = [['data', 'calls', 'console p50 ms', 'direct p50 ms', 'console p99 ms', 'direct p99 ms', 'p99 ratio', 'p50 ratio']];
  for (const c of cases) {
    const n = c.calls ?? calls;
    for (let i = 0; i < 5; i++) await Promise.all([c.console(), c.direct()]); // warm-up
    const times = { console: [] as number[], direct: [] as number[] };
    for (let i = 0; i < n * rounds; i++) {
      // Interleaved, alternating which side goes first.
      for (const side of i % 2 ? (['console', 'direct'] as const) : (['direct', 'console'] as const)) {
        const started = performance.now();
        await c[side]();
        times[side].push(performance.now() - started);
      }
    }
    const [cs, ds] = [times.console.sort((a, b) => a - b), times.direct.sort((a, b) => a - b)];
    const [c50, d50, c99, d99] = [percentile(cs, 0.5), percentile(ds, 0.5), percentile(cs, 0.99), percentile(ds, 0.99)];
    apiRows.push([c.name, n * rounds, fmt(c50), fmt(d50), fmt(c99), fmt(d99), fmt(c99 / d99), fmt(c50 / d50)]);
    log(`${c.name}: p99 ${fmt(c99)} vs ${fmt(d99)} ms`);
  }
  for (const client of [training, registry, serving, health]) client.close();

  console.log(`\nFirst render in Chromium (${rounds} rounds, fresh context each)\n${table(renderRows)}`);
  console.log(`\nConsole API beside the direct gRPC call of the same data (interleaved; ${rounds} rounds)\n${table(apiRows)}`);
} finally {
  await browser.close();
  await consoleService.stop();
  await platform.stop();
}
