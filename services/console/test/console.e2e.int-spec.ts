import type { Browser } from 'playwright-core';
import { Kafka, type Producer, logLevel } from 'kafkajs';
import { LoopScenario, type PlatformClients, createClients } from '@mlops/client';
import { RawTopics } from '@mlops/contracts';
import { type RunningPlatform, type RunningService, startConsole, startPlatform, seedExperiment, testIssuer, testKafkaBrokers, uniqueName } from '@mlops/testing';
import { type ConsolePage, launchBrowser, openConsole, screenshot, signIn } from './browser';

/**
 * The console end to end in a real Chromium, against the six services and the console as
 * processes on the real broker and database. The closed loop runs as the demo runs it, and the
 * Overview shows its saga step by step without a reload; lineage links back to the data; a
 * viewer gets no buttons and a forged request is refused by the owning service; what users
 * typed stays text; a thousand runs compare. Each page is photographed (docs/console).
 */
describe('the console in a browser', () => {
  let platform: RunningPlatform;
  let consoleService: RunningService;
  let clients: PlatformClients;
  let scenario: LoopScenario;
  let browser: Browser;
  let operator: ConsolePage;
  let alertId: string;
  const issuer = testIssuer();
  const operatorToken = issuer.token('olga', ['engineer', 'approver']);
  const viewerToken = issuer.token('vic', ['viewer']);
  const name = uniqueName('ui').replace(/_/g, '-');

  const sagaStep = (kind: string) => `[data-testid=saga][data-correlation-id="${alertId}"] [data-step-kind="${kind}"]`;

  beforeAll(async () => {
    platform = await startPlatform({ serviceEnv: { serving: { SERVING_ROUTING_REFRESH_MS: '200', SERVING_SCHEDULER_TICK_MS: '100' } } });
    consoleService = await startConsole(platform);
    clients = createClients({ env: platform.clientEnv, timeoutMs: 20_000 });
    scenario = new LoopScenario({ name, clients, kafkaBrokers: testKafkaBrokers(), records: 2000, intervalSeconds: 2 });
    await scenario.connect();
    browser = await launchBrowser();
    operator = await openConsole(browser, consoleService.httpUrl);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await scenario?.close();
    clients?.close();
    await consoleService?.stop();
    await platform?.stop();
  });

  it('signs in with a platform token and shows every service ready', async () => {
    const { page } = operator;
    await page.goto('/');
    await page.waitForURL('**/signin');
    await page.getByTestId('token-input').fill('not-a-token');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('signin-error').getByText('the token is not one this platform issued').waitFor();
    await page.getByTestId('token-input').fill('');
    await screenshot(page, 'sign-in');
    await signIn(page, operatorToken);
    await page.waitForSelector('[data-testid^=service-][data-ready=true] >> nth=6', { timeout: 30_000 });
    expect(await page.locator('[data-testid^=service-]').count()).toBe(7);
    expect(await page.getByTestId('signed-in-as').textContent()).toContain('olga');
    // The token is kept in this tab's session storage and nowhere in the URL.
    expect(page.url()).not.toContain(operatorToken.slice(0, 20));
    expect(await page.evaluate(() => sessionStorage.getItem('mlops-console-token'))).toBe(operatorToken);
    expect(await page.evaluate(() => document.cookie)).toBe('');
  }, 60_000);

  it('shows the drift alert, the retraining, the canary steps and the promotion as they happen, without a reload', async () => {
    const { page } = operator;
    await scenario.setUp();
    await scenario.streamRecords('before');
    await scenario.trainFirstModel();
    scenario.startTraffic();
    await scenario.until(async () => (scenario.stats.byVersion['1'] ?? 0) > 300, 60_000, 'traffic answered by version 1');

    await page.goto('/');
    await page.getByTestId('live-status').and(page.locator('[data-status=live]')).waitFor({ timeout: 15_000 });
    await page.evaluate(() => ((window as unknown as { __loaded: string }).__loaded = 'before the shift'));
    await scenario.shift();
    alertId = (await scenario.retrainingAlert(120_000)).alertId;
    await page.waitForSelector(sagaStep('deployment.promoted'), { timeout: 240_000 });

    const kinds = await page.locator(`[data-testid=saga][data-correlation-id="${alertId}"] [data-testid=saga-step]`).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step-kind')));
    expect(kinds[0]).toMatch(/^(drift\.detected|performance\.degraded)$/);
    expect(kinds.slice(1, 4)).toEqual(['training.requested', 'training.completed', 'version.registered']);
    expect(kinds.filter((k) => k === 'deployment.progressing').length).toBeGreaterThanOrEqual(3);
    expect(kinds[kinds.length - 1]).toBe('deployment.promoted');
    expect(await page.locator(`[data-testid=saga][data-correlation-id="${alertId}"]`).getAttribute('data-outcome')).toBe('promoted');
    // The same page all along: no navigation, no reload.
    expect(await page.evaluate(() => (window as unknown as { __loaded?: string }).__loaded)).toBe('before the shift');
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await screenshot(page, 'overview');
    expect(operator.errors).toEqual([]);
  }, 420_000);

  it('draws the lineage of the promoted version, each node a link back to its data', async () => {
    const { page } = operator;
    const lineage = await clients.registry.call<{ lineage: { dataset: string; datasetVersion: number; datasetContentHash: string } }>('GetLineage', { modelName: scenario.model, version: 2 });
    await page.goto(`/models/${scenario.model}`);
    await page.getByTestId('alias-production').getByText('production → v2').waitFor();
    await screenshot(page, 'model');
    await page.goto(`/models/${scenario.model}/versions/2`);
    await page.getByTestId('lineage-graph').waitFor();
    expect(await page.locator('[data-testid=lineage-node]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-kind')))).toEqual(
      expect.arrayContaining(['dataset-version', 'feature-view', 'snapshot', 'run', 'version', 'deployment']),
    );
    await screenshot(page, 'model-version-lineage');
    await page.getByTestId('lineage-link-dataset-version').click();
    await page.waitForURL(`**/data/datasets/${lineage.lineage.dataset}?version=${lineage.lineage.datasetVersion}`);
    const row = page.locator(`[data-testid=dataset-version][data-version="${lineage.lineage.datasetVersion}"]`);
    await row.waitFor();
    expect(await row.locator('code').getAttribute('title')).toBe(lineage.lineage.datasetContentHash);
    await screenshot(page, 'dataset');
  }, 60_000);

  it('shows the evidence: rollouts with their analyses, drift and live accuracy, runs', async () => {
    const { page } = operator;
    const { deployments } = await clients.deployments.call<{ deployments: { id: string; candidateVersion: number }[] }>('ListDeployments', { modelName: scenario.model });
    const canary = deployments.find((d) => d.candidateVersion === 2)!;
    await page.goto(`/deployments/${canary.id}`);
    await page.getByTestId('traffic-chart').waitFor();
    expect(await page.locator('[data-testid=analysis]').count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid=check][data-check=accuracy]').count()).toBeGreaterThanOrEqual(3);
    await screenshot(page, 'deployment-promoted');
    await page.goto('/deployments');
    await page.getByTestId('deployments-table').waitFor();
    await screenshot(page, 'deployments');

    await page.goto(`/monitoring/${scenario.model}`);
    await page.getByTestId('distribution-chart').waitFor();
    await page.getByTestId('alert-row').first().waitFor();
    expect(await page.locator(`[data-testid=alert-row][data-outcome="promoted"]`).count()).toBe(1);
    await page.getByTestId('performance-chart').waitFor();
    await screenshot(page, 'monitoring');

    await page.goto(`/runs?experiment=${scenario.model}`);
    await page.getByTestId('runs-table').locator('tbody tr').first().waitFor();
    await screenshot(page, 'runs');
    await page.getByTestId('runs-table').locator('tbody tr a').first().click();
    await page.getByTestId('run-params').waitFor();
    await screenshot(page, 'run');

    await page.goto('/audit');
    await page.getByTestId('audit-row').first().waitFor();
    await screenshot(page, 'audit');
    expect(operator.errors).toEqual([]);
  }, 90_000);

  it('gives a viewer no buttons, and a forged promote request is refused by serving with PERMISSION_DENIED shown', async () => {
    // The bad candidate's canary waits five minutes for its first analysis: time to look at it.
    await clients.deployments.call('SetDeploymentPolicy', { modelName: scenario.model, strategy: 'STRATEGY_CANARY', canarySteps: [25, 50, 100], intervalSeconds: 300, thresholds: { minRequests: 10, minLabels: 10, minMirrored: 10, requireLabels: true } });
    await scenario.submitBadCandidate();
    const candidate = await scenario.until(async () => {
      const d = await clients.deployments.call<{ id: string; state: string; candidateVersion: number }>('GetDeployment', { modelName: scenario.model }).catch(() => undefined);
      return d?.candidateVersion === 3 && d.state === 'DEPLOYMENT_STATE_PROGRESSING' && d;
    }, 120_000, 'the bad candidate to be rolled out');

    const { page } = operator;
    await page.goto(`/deployments/${candidate.id}`);
    await page.getByTestId('pause-button').click();
    await page.getByTestId('pause-button-reason').fill('looking at it first');
    await page.getByTestId('pause-button-confirm').click();
    await page.locator('[data-state=paused]').first().waitFor();
    await screenshot(page, 'deployment-paused');

    const viewer = await openConsole(browser, consoleService.httpUrl);
    await signIn(viewer.page, viewerToken);
    await viewer.page.goto(`/deployments/${candidate.id}`);
    await viewer.page.getByTestId('traffic-chart').waitFor();
    for (const button of ['promote-button', 'pause-button', 'resume-button', 'rollback-button']) expect(await viewer.page.getByTestId(button).count()).toBe(0);
    expect(await page.getByTestId('promote-button').count()).toBe(1);

    // The viewer's browser is told it may do everything: the button appears, serving still refuses.
    await viewer.page.route('**/api/session', async (route) => {
      const real = await (await route.fetch()).json();
      await route.fulfill({ json: { ...real, roles: ['approver'], can: Object.fromEntries(Object.keys(real.can).map((k) => [k, true])) } });
    });
    await viewer.page.reload();
    await viewer.page.getByTestId('promote-button').click();
    await viewer.page.getByTestId('promote-button-confirm').click();
    const refusal = viewer.page.locator('[data-testid=error][data-code=PERMISSION_DENIED]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/PERMISSION_DENIED from serving.*vic may not .*approver/);
    await screenshot(viewer.page, 'forged-promote-refused');
    const after = await clients.deployments.call<{ state: string }>('GetDeployment', { id: candidate.id });
    expect(after.state).toBe('DEPLOYMENT_STATE_PAUSED');
    await viewer.context.close();

    await page.getByTestId('rollback-button').click();
    await page.getByTestId('rollback-button-confirm').click();
    await page.locator('[data-state="rolled back"]').first().waitFor();
    expect((await clients.registry.call<{ version: number }>('GetModelVersionByAlias', { modelName: scenario.model, alias: 'production' })).version).toBe(2);
  }, 180_000);

  it('renders what users typed as text: hostile dataset names, records and tags stay inert', async () => {
    const hostile = ['<script>window.__xss = 1</script>', '"><img src=x onerror="window.__xss = 2">'];
    const producer: Producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({
      topic: RawTopics.recordsReceived,
      messages: [
        { value: JSON.stringify({ dataset: hostile[0], record_id: 'h-1', fields: { x: 1 } }) },
        { value: JSON.stringify({ dataset: scenario.dataset, record_id: hostile[1], fields: { ride_id: 1, ts: Date.now(), x1: hostile[0], x2: 1, x3: 1, late: 0 } }) },
      ],
    });
    await producer.disconnect();
    await clients.registry.call('UpdateRegisteredModel', { name: scenario.model, description: hostile[0], tags: { note: hostile[1] } });
    await scenario.until(async () => (await clients.ingestion.call<{ records: unknown[] }>('ListRejectedRecords', { dataset: scenario.dataset })).records.length > 0, 30_000, 'the hostile record to be rejected');

    const { page } = operator;
    await page.goto('/data?tab=rejected');
    // The payload is the producer's JSON (quotes escaped), shown as the text it is.
    await page.getByTestId('rejected-payload').filter({ hasText: '<img src=x onerror=' }).first().waitFor();
    await page.getByRole('cell', { name: hostile[0], exact: true }).first().waitFor();
    await screenshot(page, 'rejected-records');
    await page.goto(`/models/${scenario.model}`);
    await page.getByText(`note: ${hostile[1]}`).waitFor();
    await page.getByText(hostile[0], { exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(await page.evaluate(() => [...document.scripts].filter((s) => s.textContent?.includes('__xss')).length)).toBe(0);
  }, 60_000);

  it('compares 1,000 runs × 50 metrics: curves, parallel coordinates and the table with differences marked', async () => {
    const experiment = `${name}-search`;
    const seeded = await seedExperiment(platform.service('training').grpcAddress, { experiment, runs: 1000, metrics: 50, steps: 10 });
    const { page } = operator;
    await page.goto(`/runs?experiment=${experiment}`);
    await page.getByTestId('compare-all').click();
    const compare = page.locator('[data-testid=compare][data-ready=true]');
    await compare.waitFor({ timeout: 60_000 });
    const readyMs = await page.evaluate(() => performance.now());
    expect(await compare.getAttribute('data-runs')).toBe('1000');
    const grid = page.getByTestId('runs-grid');
    expect(await grid.getAttribute('data-rows')).toBe('1000');
    // Differing columns: the three grid params and the seed, and every metric.
    expect(Number(await grid.getAttribute('data-columns'))).toBe(4 + seeded.metrics.length);
    // Virtualized: far fewer rows drawn than runs.
    expect(await page.getByTestId('grid-row').count()).toBeLessThan(100);
    console.log(`compare view with 1,000 runs × 50 metrics ready ${Math.round(readyMs)} ms after navigation started`);
    await screenshot(page, 'runs-compare');
    await page.getByTestId('grid-header').filter({ hasText: 'm.m00' }).click();
    expect(await page.getByTestId('grid-header').filter({ hasText: 'm.m00 ↓' }).count()).toBe(1);
    expect(operator.errors).toEqual([]);
  }, 240_000);

  it('sends the person back to sign-in, with the reason, when the token expires', async () => {
    const brief = await openConsole(browser, consoleService.httpUrl);
    await signIn(brief.page, issuer.token('short', ['viewer'], 5));
    await brief.page.waitForURL('**/signin', { timeout: 15_000 });
    expect(await brief.page.getByTestId('signin-reason').textContent()).toMatch(/expired/);
    expect(await brief.page.evaluate(() => sessionStorage.getItem('mlops-console-token'))).toBeNull();
    await brief.context.close();
  }, 60_000);
});
