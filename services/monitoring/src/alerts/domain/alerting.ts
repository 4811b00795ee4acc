/**
 * When drift raises an alert: after `consecutive` drifted evaluations in a row (hysteresis: one
 * noisy window does not alert), and never twice within the cooldown. After an alert the model is
 * disarmed until `clearAfter` clean evaluations in a row: one shift raises one alert, not a
 * storm, however long it lasts.
 */
export interface AlertState {
  consecutiveDrifted: number;
  consecutiveClean: number;
  armed: boolean;
  lastAlertAtMs: number | null;
  /** Production version the counts are about (a new version starts afresh). */
  version?: number;
}

export const INITIAL_ALERT_STATE: AlertState = { consecutiveDrifted: 0, consecutiveClean: 0, armed: true, lastAlertAtMs: null };

/** The state for judging `version`: a state about another version is forgotten, cooldown and
 * all (the model-wide retraining cooldown still prevents a retraining storm). */
export function stateForVersion(state: AlertState, version: number): AlertState {
  return state.version === undefined || state.version === version ? { ...state, version } : { ...INITIAL_ALERT_STATE, version };
}

export function observeEvaluation(
  state: AlertState,
  drifted: boolean,
  nowMs: number,
  policy: { consecutive: number; clearAfter: number; cooldownSeconds: number },
): { state: AlertState; fire: boolean } {
  const next: AlertState = drifted
    ? { ...state, consecutiveDrifted: state.consecutiveDrifted + 1, consecutiveClean: 0 }
    : { ...state, consecutiveDrifted: 0, consecutiveClean: state.consecutiveClean + 1 };
  if (!next.armed && next.consecutiveClean >= policy.clearAfter) next.armed = true;
  const cooled = next.lastAlertAtMs === null || nowMs - next.lastAlertAtMs >= policy.cooldownSeconds * 1000;
  const fire = next.armed && next.consecutiveDrifted >= policy.consecutive && cooled;
  if (fire) Object.assign(next, { armed: false, lastAlertAtMs: nowMs, consecutiveDrifted: 0 });
  return { state: next, fire };
}
