import { captureIO, fakeApi, fakeClients } from '../../test/fakes';
import { runCli } from '../cli';

process.env.TZ = 'UTC';

const POLICY = { modelName: 'churn', strategy: 'STRATEGY_CANARY', shadowFirst: false, manual: false, canarySteps: [10, 50, 100], intervalSeconds: 60, shadowIntervals: 2, mirrorPercent: 10, failureLimit: 2, thresholds: { maxErrorRate: 0.005 }, noStableFallback: true, updatedAtMs: Date.UTC(2026, 10, 29, 9) };

describe('deployments commands', () => {
  it('policy set maps its options to DeploymentPolicy fields, leaving the others unset', async () => {
    const deployments = fakeApi('serving', () => POLICY);
    const cap = captureIO({ clients: fakeClients({ deployments }) });
    const argv = ['deployments', 'policy', 'set', 'churn', '--strategy', 'canary', '--canary-steps', '10,50,100', '--interval-seconds', '60', '--max-error-rate', '0.005', '--min-requests', '200', '--no-stable-fallback', '--manual'];
    expect(await runCli(argv, cap.io)).toBe(0);
    expect(deployments.calls).toEqual([{
      method: 'SetDeploymentPolicy',
      request: { modelName: 'churn', strategy: 'STRATEGY_CANARY', canarySteps: [10, 50, 100], intervalSeconds: 60, thresholds: { maxErrorRate: 0.005, minRequests: 200 }, noStableFallback: true, manual: true },
    }]);
    expect(cap.stdout()).toMatch(/canary steps: +10% → 50% → 100%\n/);
    expect(cap.stdout()).toMatch(/stable fallback: +false\n/);
  });

  it('get shows the state, the traffic split and the last analysis', async () => {
    const deployment = {
      id: '0f3c9a7e-1111', modelName: 'churn', strategy: 'STRATEGY_CANARY', state: 'DEPLOYMENT_STATE_PROGRESSING', phase: 'PHASE_CANARY', stableVersion: 3, candidateVersion: 4,
      candidateWeightPercent: 25, mirrorPercent: 10, step: 1, failedChecks: 0, reason: 'canary step 2 of 4 (25%)', policy: { ...POLICY, canarySteps: [10, 25, 50, 100] }, startedBy: 'registry', correlationId: 'saga-1',
      createdAtMs: Date.UTC(2026, 10, 29, 9, 58), updatedAtMs: Date.UTC(2026, 10, 29, 9, 59), nextAnalysisAtMs: Date.UTC(2026, 10, 29, 10, 0, 12),
      lastAnalysis: { number: 2, phase: 'PHASE_CANARY', step: 0, candidateWeightPercent: 10, candidateRequests: 240, stableRequests: 2100, verdict: 'VERDICT_PASS', action: 'step 2 (25%)', atMs: Date.UTC(2026, 10, 29, 9, 59),
        checks: [{ name: 'error_rate', value: 0, stableValue: 0.001, threshold: 0.01, samples: 240, verdict: 'VERDICT_PASS' }] },
    };
    const deployments = fakeApi('serving', () => deployment);
    const cap = captureIO({ clients: fakeClients({ deployments }) });
    expect(await runCli(['deployments', 'get', 'churn'], cap.io)).toBe(0);
    expect(deployments.calls[0]).toEqual({ method: 'GetDeployment', request: { id: '', modelName: 'churn' } });
    const out = cap.stdout();
    expect(out).toContain('state:             progressing');
    expect(out).toContain('step:              2 of 4 (10 → 25 → 50 → 100 %)');
    expect(out).toContain('next analysis:     in 12.0s');
    expect(out).toContain('last analysis #2 at 2026-11-29 09:59:00: pass → step 2 (25%) (candidate 240 requests, stable 2100)');
    expect(out).toMatch(/error_rate +0 +0\.001 +0\.01 +240 +pass/);
  });

  it('operator actions send the model and the reason; start needs a version number', async () => {
    const deployments = fakeApi('serving', (method) => ({ id: 'abcdef123', modelName: 'churn', candidateVersion: 4, state: method === 'PauseDeployment' ? 'DEPLOYMENT_STATE_PAUSED' : 'DEPLOYMENT_STATE_PROGRESSING', reason: 'paused by olivia' }));
    const cap = captureIO({ clients: fakeClients({ deployments }) });
    expect(await runCli(['deployments', 'pause', 'churn', '--reason', 'investigating'], cap.io)).toBe(0);
    expect(deployments.calls[0]).toEqual({ method: 'PauseDeployment', request: { modelName: 'churn', reason: 'investigating' } });
    expect(cap.stdout()).toBe('churn: deployment abcdef12 of version 4 is paused (paused by olivia)\n');
    expect(await runCli(['deployments', 'start', 'churn', 'four'], cap.io)).toBe(2);
    expect(await runCli(['deployments', 'start', 'churn', '4', '--strategy', 'shadow'], cap.io)).toBe(0);
    expect(deployments.calls[1].request).toEqual({ modelName: 'churn', version: 4, strategy: 'STRATEGY_SHADOW', reason: '' });
  });
});
