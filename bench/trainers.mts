// Trainer fit time and test score beside scikit-learn's, on the same data and split. The
// scikit-learn side was measured once on this machine and committed with the fixtures
// (scripts/fixtures/*_fixtures.py, sklearn 1.2.1); ours is measured now, median of 7 fits.
//
//   bash bench/run.sh trainers
import { readFileSync } from 'node:fs';
import {
  accuracy, fitGradientBoostedTrees, fitLinearRegression, fitLogisticRegression, fromRows, logLoss, predictClass,
  predictLinear, predictLogisticProba, predictValue, r2, rmse,
} from '@mlops/ml';
import { fmt, median, table } from './lib.mts';

const FIXTURES = new URL('../libs/ml/src/fixtures/', import.meta.url);
const load = (file: string) => JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8'));
const dataset = (name: string) => load(`datasets/${name}.json`) as { feature_names: string[]; X: number[][]; y: number[] };

function time<T>(fit: () => T): { model: T; ms: number } {
  const times: number[] = [];
  let model!: T;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    model = fit();
    times.push(performance.now() - t);
  }
  return { model, ms: median(times) };
}

const rows: (string | number)[][] = [['model', 'dataset', 'metric', 'ours', 'sklearn', 'Δ score', 'ours ms', 'sklearn ms', 'time ratio']];
const add = (model: string, data: string, metric: string, ours: number, theirs: number, ms: number, theirMs: number) =>
  rows.push([model, data, metric, fmt(ours, 4), fmt(theirs, 4), fmt(ours - theirs, 4), fmt(ms, 1), fmt(theirMs, 1), fmt(ms / theirMs)]);

for (const fx of load('gbdt.fixtures.json').models) {
  const d = dataset(fx.dataset);
  const X = fromRows(fx.train.map((i: number) => d.X[i]));
  const y = fx.train.map((i: number) => d.y[i]);
  const Xt = fromRows(fx.test.map((i: number) => d.X[i]));
  const yt: number[] = fx.test.map((i: number) => d.y[i]);
  const { model, ms } = time(() => fitGradientBoostedTrees(X, y, { task: fx.task, featureNames: d.feature_names }));
  if (fx.task === 'regression') add('gradient boosted trees', fx.dataset, 'R2', r2(yt, Array.from(predictValue(model, Xt))), fx.sklearn.test.r2, ms, fx.sklearn.fitSeconds * 1000);
  else add('gradient boosted trees', fx.dataset, 'accuracy', accuracy(yt, Array.from(predictClass(model, Xt))), fx.sklearn.test.accuracy, ms, fx.sklearn.fitSeconds * 1000);
}

const linear = load('linear.fixtures.json');
for (const fx of linear.logistic) {
  const d = dataset(fx.dataset);
  const X = fromRows(fx.train.map((i: number) => d.X[i]));
  const y = fx.train.map((i: number) => d.y[i]);
  const Xt = fromRows(fx.test.map((i: number) => d.X[i]));
  const yt: number[] = fx.test.map((i: number) => d.y[i]);
  const { model, ms } = time(() => fitLogisticRegression(X, y, { C: linear.logisticParams.C, featureNames: d.feature_names }));
  const proba = predictLogisticProba(model, Xt);
  const predicted = proba.map((p) => model.classes[p.indexOf(Math.max(...p))]);
  add('logistic regression', fx.dataset, 'accuracy', accuracy(yt, predicted), fx.sklearn.test.accuracy, ms, fx.sklearn.fitSeconds * 1000);
  add('logistic regression', fx.dataset, 'log loss', logLoss(yt, proba, { labels: model.classes }), fx.sklearn.test.logLoss, ms, fx.sklearn.fitSeconds * 1000);
}
for (const fx of linear.linear) {
  const d = dataset(fx.dataset);
  const X = fromRows(fx.train.map((i: number) => d.X[i]));
  const y = fx.train.map((i: number) => d.y[i]);
  const Xt = fromRows(fx.test.map((i: number) => d.X[i]));
  const yt: number[] = fx.test.map((i: number) => d.y[i]);
  for (const [name, alpha, ref] of [['linear regression', 0, fx.ols], ['ridge (alpha 1)', 1, fx.ridge]] as const) {
    const { model, ms } = time(() => fitLinearRegression(X, y, { alpha, featureNames: d.feature_names }));
    add(name, fx.dataset, 'RMSE', rmse(yt, Array.from(predictLinear(model, Xt))), ref.test.rmse, ms, ref.fitSeconds * 1000);
  }
}
console.log('\nTrainers beside scikit-learn 1.2.1, same data and split (time: median of 7 fits; sklearn timed by the fixture scripts)\n');
console.log(table(rows));
