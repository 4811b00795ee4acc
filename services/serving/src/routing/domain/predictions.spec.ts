import { comparePredictions, scoreLabel } from './predictions';

describe('prediction comparison', () => {
  it('counts disagreements for classes and differences for values', () => {
    expect(comparePredictions([1, 0, 1, 1], [1, 1, 1, 0], 'classification')).toEqual({ compared: 4, divergent: 2, absDifference: 0, stableMagnitude: 0 });
    expect(comparePredictions([1.5, -2], [1, -1], 'regression')).toEqual({ compared: 2, divergent: 0, absDifference: 1.5, stableMagnitude: 2 });
    expect(comparePredictions([1, 2, 3], [1], 'classification').compared).toBe(1);
  });

  it('scores a label as a match or an absolute error', () => {
    expect(scoreLabel(1, 1, 'classification')).toEqual({ correct: 1, absError: 0 });
    expect(scoreLabel(0, 1, 'classification')).toEqual({ correct: 0, absError: 0 });
    expect(scoreLabel(2.5, 1, 'regression')).toEqual({ correct: 0, absError: 1.5 });
  });
});
