import type { Matrix, TreeNode } from '../models';
import { fitGradientBoostedTrees, type GradientBoostingOptions } from './gbdt';
import { binaryLogLoss, multinomialLogLoss, squaredError, type Loss } from './losses';
import { predictClass, predictProba, predictRaw, predictValue } from './predict';
import { seededRandom } from './rng';

/** y = sin(x0) + x1² + noise, x2 pure noise, 10% of x1 missing. */
function synthetic(rows: number, seed: number, noise = 0.1): { X: Matrix; y: number[] } {
  const random = seededRandom(seed);
  const data = new Float64Array(rows * 3);
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    const [a, b, c] = [random() * 6 - 3, random() * 2 - 1, random()];
    data.set([a, random() < 0.1 ? NaN : b, c], r * 3);
    y.push(Math.sin(a) + (Number.isNaN(b) ? 0 : b * b) + noise * (random() - 0.5));
  }
  return { X: { rows, cols: 3, data }, y };
}

const featureNames = ['a', 'b', 'c'];
const regression: GradientBoostingOptions = { task: 'regression', featureNames };

describe('losses', () => {
  const y = Float64Array.of(0, 1, 1, 1);

  it('start from the mean, the log-odds of the prior and the log priors', () => {
    expect(squaredError.baseline(Float64Array.of(1, 2, 6))).toEqual([3]);
    expect(binaryLogLoss.baseline(y)[0]).toBeCloseTo(Math.log(3), 14);
    const priors = multinomialLogLoss(3).baseline(Float64Array.of(0, 2, 2, 1, 2, 0));
    priors.forEach((p, k) => expect(p).toBeCloseTo(Math.log([2, 1, 3][k] / 6), 14));
  });

  // Gradients are derivatives of the summed loss: compare against central differences.
  it.each([
    ['squared error', squaredError, Float64Array.of(0.5, -1, 2, 3)],
    ['binary log loss', binaryLogLoss, y],
    ['multinomial', multinomialLogLoss(3), Float64Array.of(0, 2, 1, 2)],
  ] as Array<[string, Loss, Float64Array]>)('%s: gradients match finite differences', (_name, loss, target) => {
    const raw = Array.from({ length: loss.outputs }, (_, k) => Float64Array.from(target, (_v, i) => 0.3 * i - 0.2 * k));
    const g = raw.map(() => new Float64Array(target.length));
    const h = raw.map(() => new Float64Array(target.length));
    loss.gradients(raw, target, g, h);
    const eps = 1e-6;
    const total = () => loss.loss(raw, target) * target.length;
    // Squared error's loss is the mean of (raw − y)², twice the "half" loss its gradient belongs to.
    const scale = loss === squaredError ? 0.5 : 1;
    raw.forEach((row, k) =>
      row.forEach((v, i) => {
        row[i] = v + eps;
        const up = total();
        row[i] = v - eps;
        const down = total();
        row[i] = v;
        expect((scale * (up - down)) / (2 * eps)).toBeCloseTo(g[k][i], 6);
      }),
    );
  });
});

describe('fitGradientBoostedTrees', () => {
  const train = synthetic(600, 1);
  const validation = synthetic(300, 2);

  it('reduces the training loss every iteration and predictRaw agrees with the trained scores', () => {
    const losses: number[] = [];
    const model = fitGradientBoostedTrees(train.X, train.y, {
      ...regression,
      maxIterations: 30,
      onIteration: (_i, trainLoss) => losses.push(trainLoss),
    });
    losses.slice(1).forEach((loss, i) => expect(loss).toBeLessThan(losses[i]));
    const predicted = predictValue(model, train.X);
    const mse = train.y.reduce((s, v, i) => s + (v - predicted[i]) ** 2, 0) / train.y.length;
    expect(mse).toBeCloseTo(losses[losses.length - 1], 12);
  });

  it('early stopping stops after `rounds` iterations without improvement and keeps up to the best', () => {
    const seen: Array<number | undefined> = [];
    // Noise-only validation labels: the validation loss soon stops improving.
    const noisy = { X: validation.X, y: validation.y.map((_, i) => Math.sin(i * 12.9898) * 3) };
    const model = fitGradientBoostedTrees(train.X, train.y, {
      ...regression,
      learningRate: 0.5,
      validation: noisy,
      earlyStopping: { rounds: 5 },
      onIteration: (_i, _t, validationLoss) => seen.push(validationLoss),
    });
    const best = seen.indexOf(Math.min(...(seen as number[])));
    expect(seen.length).toBeLessThan(100);
    expect(seen).toHaveLength(best + 1 + 5);
    expect(model.trees).toHaveLength(best + 1);
    const predicted = predictValue(model, noisy.X);
    const mse = noisy.y.reduce((s, v, i) => s + (v - predicted[i]) ** 2, 0) / noisy.y.length;
    expect(mse).toBeCloseTo(seen[best] as number, 12);
  });

  it('runs every iteration without early stopping, still reporting the validation loss', () => {
    const seen: Array<number | undefined> = [];
    const model = fitGradientBoostedTrees(train.X, train.y, {
      ...regression,
      maxIterations: 12,
      validation,
      onIteration: (_i, _t, v) => seen.push(v),
    });
    expect(model.trees).toHaveLength(12);
    expect(seen.every((v) => typeof v === 'number')).toBe(true);
  });

  it('is deterministic for a seed', () => {
    const opts = { ...regression, maxIterations: 20, seed: 7 };
    expect(fitGradientBoostedTrees(train.X, train.y, opts)).toEqual(fitGradientBoostedTrees(train.X, train.y, opts));
  });

  it('produces plain JSON that scores the same after a round trip', () => {
    const model = fitGradientBoostedTrees(train.X, train.y, { ...regression, maxIterations: 10 });
    const copy = JSON.parse(JSON.stringify(model));
    expect(predictValue(copy, validation.X)).toEqual(predictValue(model, validation.X));
    const finite = (node: TreeNode) => Number.isFinite(node.threshold) && Number.isFinite(node.value);
    expect(model.trees.flat(2).every(finite)).toBe(true);
  });

  it('multiclass: any label values, classes ascending, one tree per class per iteration', () => {
    const labels = train.y.map((v) => (v < 0 ? 7 : v < 0.8 ? -1 : 3));
    const model = fitGradientBoostedTrees(train.X, labels, { task: 'multiclass', featureNames, maxIterations: 15 });
    expect(model.classes).toEqual([-1, 3, 7]);
    expect(model.baseScore).toHaveLength(3);
    expect(model.trees.every((iteration) => iteration.length === 3)).toBe(true);
    const proba = predictProba(model, train.X);
    proba[0].forEach((_, r) => expect(proba[0][r] + proba[1][r] + proba[2][r]).toBeCloseTo(1, 12));
    const predicted = predictClass(model, train.X);
    expect(labels.filter((v, i) => v === predicted[i]).length / labels.length).toBeGreaterThan(0.85);
  });

  it('binary: labels {2, 5}, p(5) = sigmoid(raw)', () => {
    const labels = train.y.map((v) => (v > 0.3 ? 5 : 2));
    const model = fitGradientBoostedTrees(train.X, labels, { task: 'binary', featureNames, maxIterations: 15 });
    expect(model.classes).toEqual([2, 5]);
    const [raw] = predictRaw(model, train.X);
    const [p0, p1] = predictProba(model, train.X);
    expect(p1[0]).toBeCloseTo(1 / (1 + Math.exp(-raw[0])), 14);
    expect(p0[0] + p1[0]).toBeCloseTo(1, 14);
    expect(Array.from(predictClass(model, train.X)).every((c) => c === 2 || c === 5)).toBe(true);
  });

  it('rejects inconsistent input', () => {
    const { X, y } = train;
    expect(() => fitGradientBoostedTrees(X, y.slice(1), regression)).toThrow(RangeError);
    expect(() => fitGradientBoostedTrees(X, y, { ...regression, featureNames: ['a'] })).toThrow(RangeError);
    expect(() => fitGradientBoostedTrees(X, y, { ...regression, earlyStopping: { rounds: 3 } })).toThrow(/validation/);
    const twoClasses = y.map((v) => (v > 0 ? 1 : 0));
    expect(() => fitGradientBoostedTrees(X, twoClasses, { task: 'multiclass', featureNames })).not.toThrow();
    const fourClasses = y.map((v) => Math.round(v));
    expect(() => fitGradientBoostedTrees(X, fourClasses, { task: 'binary', featureNames })).toThrow(/2 classes/);
    expect(() => fitGradientBoostedTrees(X, y, { ...regression, maxLeafNodes: 1 })).toThrow(RangeError);
    const model = fitGradientBoostedTrees(X, y, { ...regression, maxIterations: 1 });
    expect(() => predictClass(model, X)).toThrow(TypeError);
    expect(() => predictValue(model, { rows: 1, cols: 2, data: new Float64Array(2) })).toThrow(RangeError);
  });
});
