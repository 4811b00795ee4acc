import { judgeDegradation, windowMetrics } from './performance';

const rows = (pairs: [number, number, number?][]) => pairs.map(([label, prediction, score]) => ({ version: 1, servedAtMs: 0, label, prediction, score }));

describe('windowMetrics', () => {
  it('classification: accuracy, binary F1 of the larger class and ROC AUC from scores', () => {
    // TP 2, FP 1, FN 1, TN 1 → precision 2/3, recall 2/3, F1 2/3; accuracy 3/5.
    // AUC: positives scored 0.9, 0.4, 0.3 against negatives 0.8, 0.2 win 2 + 1 + 1 of 6 pairs.
    const m = windowMetrics('classification', rows([[1, 1, 0.9], [0, 1, 0.8], [1, 1, 0.4], [1, 0, 0.3], [0, 0, 0.2]]));
    expect(m.accuracy).toBeCloseTo(0.6, 12);
    expect(m.f1).toBeCloseTo(2 / 3, 12);
    expect(m.roc_auc).toBeCloseTo(4 / 6, 12);
  });

  it('takes the positive class from the model, not from a window that lacks it', () => {
    // Everything is class 0 here: with the model's classes [0, 1] the F1 of class 1 is 0/0 → 0
    // (sklearn's zero_division), not the F1 of class 0.
    expect(windowMetrics('classification', rows([[0, 0], [0, 0]]), [0, 1]).f1).toBe(0);
    expect(windowMetrics('classification', rows([[0, 0], [0, 0]])).f1).toBe(1);
  });

  it('no ROC AUC without scores or with one class of labels', () => {
    expect(windowMetrics('classification', rows([[1, 1], [0, 0]])).roc_auc).toBeUndefined();
    expect(windowMetrics('classification', rows([[1, 1, 0.9], [1, 0, 0.1]])).roc_auc).toBeUndefined();
  });

  it('regression: RMSE and MAE', () => {
    const m = windowMetrics('regression', rows([[1, 2], [3, 1], [0, 0]]));
    expect(m.rmse).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(m.mae).toBeCloseTo(1, 12);
  });
});

describe('judgeDegradation', () => {
  it('relative drop of a score', () => {
    expect(judgeDegradation('accuracy', 0.9, 0.8, 0.1)).toMatchObject({ degradation: expect.closeTo(0.1111, 4), degraded: true });
    expect(judgeDegradation('accuracy', 0.9, 0.85, 0.1)).toMatchObject({ degraded: false });
    expect(judgeDegradation('accuracy', 0.9, 0.95, 0.1).degradation).toBeLessThan(0);
  });

  it('relative rise of an error', () => {
    expect(judgeDegradation('rmse', 2, 2.5, 0.2)).toMatchObject({ degradation: 0.25, degraded: true });
    expect(judgeDegradation('mae', 2, 1, 0.2)).toMatchObject({ degradation: -0.5, degraded: false });
  });

  it('a metric missing on either side is not judged', () => {
    expect(judgeDegradation('roc_auc', undefined, 0.5, 0.1)).toEqual({ metric: 'roc_auc', baseline: undefined, current: 0.5, degraded: false });
    expect(judgeDegradation('accuracy', 0.9, undefined, 0.1).degraded).toBe(false);
  });
});
