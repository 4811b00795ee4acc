import { type AlertState, INITIAL_ALERT_STATE, observeEvaluation, stateForVersion } from './alerting';

const policy = { consecutive: 2, clearAfter: 2, cooldownSeconds: 60 };

function run(drifts: boolean[], stepMs = 1000, start: AlertState = INITIAL_ALERT_STATE): number[] {
  let state = start;
  const fired: number[] = [];
  drifts.forEach((drifted, i) => {
    const r = observeEvaluation(state, drifted, i * stepMs, policy);
    state = r.state;
    if (r.fire) fired.push(i);
  });
  return fired;
}

describe('alerting', () => {
  it('needs `consecutive` drifted evaluations in a row (one noisy window does not alert)', () => {
    expect(run([true, false, true, false, true])).toEqual([]);
    expect(run([false, true, true])).toEqual([2]);
  });

  it('raises one alert for one long shift, and another only after the data was clean again', () => {
    expect(run([true, true, true, true, true, true])).toEqual([1]);
    // Clean twice (re-armed), drifted again twice, past the cooldown (60 s at 20 s steps).
    expect(run([true, true, false, false, true, true], 20_000)).toEqual([1, 5]);
  });

  it('waits out the cooldown even when re-armed', () => {
    expect(run([true, true, false, false, true, true, true, true], 10_000)).toEqual([1, 7]);
  });

  it('forgets the counts of another production version', () => {
    const disarmed: AlertState = { consecutiveDrifted: 1, consecutiveClean: 0, armed: false, lastAlertAtMs: 5, version: 1 };
    expect(stateForVersion(disarmed, 1)).toEqual(disarmed);
    expect(stateForVersion(disarmed, 2)).toEqual({ ...INITIAL_ALERT_STATE, version: 2 });
    expect(stateForVersion(INITIAL_ALERT_STATE, 3)).toEqual({ ...INITIAL_ALERT_STATE, version: 3 });
  });
});
