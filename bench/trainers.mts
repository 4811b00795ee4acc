// Trainers beside scikit-learn, in two parts:
//
// speed: fit time and test score on the same data and split. The scikit-learn side was
//   measured once on this machine and committed with the fixtures (scripts/fixtures/*_fixtures.py,
//   sklearn 1.2.1); ours is measured now, median of 7 fits.
// quality: test accuracy with default settings on a suite of small tables, scikit-learn's
//   default pipelines run in the same bench (bench/sklearn/quality_suite.py). The platform's side
//   is what a training job with default settings registers: the job's own split of the given
//   rows, one trial with the job's defaults, and the refit on all the rows once the gate has
//   passed (services/training's fit-procedure, the functions the job pipeline runs). "before" is
//   the same without the refit and with the earlier defaults (raw-scale logistic penalty, early
//   stopping on 10 rounds at any size).
//
//   bash bench/run.sh trainers [speed|quality]      (both when left out)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  accuracy, fitGradientBoostedTrees, fitLinearRegression, fitLogisticRegression, fromRows, logLoss, predictClass,
  predictLinear, predictLogisticProba, predictValue, r2, rmse,
} from '@mlops/ml';
import { training } from '@mlops/contracts';
import { fmt, log, median, table } from './lib.mts';
import { refitParams, resolvedParams, splitRows } from '../services/training/dist/jobs/domain/fit-procedure.js';
import { candidates } from '../services/training/dist/jobs/domain/job-spec.js';
import { score, train } from '../services/training/dist/jobs/domain/trainer.js';
import { toJobSpec } from '../services/training/dist/jobs/transport/job.mapper.js';

const part = process.argv[2] ?? 'all';
if (!['all', 'speed', 'quality'].includes(part)) throw new Error(`usage: bench/run.sh trainers [speed|quality], not "${part}"`);

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

if (part !== 'quality') speedPart();
if (part !== 'speed') qualityPart();

function speedPart(): void {
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
}


interface QualityTable { name: string; rows: number; features: number; classes: number; X: number[][]; y: number[]; train: number[]; test: number[]; sklearn: Record<string, { accuracy: number; fitSeconds: number }> }

function qualityPart(): void {
  log('quality: running scikit-learn on the suite (bench/sklearn/quality_suite.py)');
  const suite: { sklearn: string; tables: QualityTable[] } = JSON.parse(execFileSync('/usr/bin/python3', [new URL('./sklearn/quality_suite.py', import.meta.url).pathname], {
    env: { ...process.env, OMP_NUM_THREADS: '1' }, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8',
  }));
  const trainers = [
    ['logistic_regression', training.Algorithm.ALGORITHM_LOGISTIC_REGRESSION, { standardize: 0 }],
    ['gradient_boosted_trees', training.Algorithm.ALGORITHM_GRADIENT_BOOSTED_TREES, { early_stopping_rounds: 10 }],
  ] as const;
  const out: (string | number)[][] = [['trainer', 'dataset', 'rows', 'classes', 'platform', 'scikit-learn', 'delta (points)', 'within 1 point', 'before', 'before delta']];
  let misses = 0;
  for (const [algorithmName, algorithm, before] of trainers) {
    // A job with nothing but the model, the trainer and its data: every default is the service's.
    const spec = toJobSpec(training.SubmitTrainingJobRequest.fromPartial({ modelName: 'quality', snapshotId: 'suite', algorithm }));
    for (const t of suite.tables) {
      const X = fromRows(t.train.map((i) => t.X[i]));
      const y = t.train.map((i) => t.y[i]);
      const Xt = fromRows(t.test.map((i) => t.X[i]));
      const yt = t.test.map((i) => t.y[i]);
      const featureNames = Array.from({ length: t.features }, (_, j) => `f${j}`);
      const parts = splitRows(spec, X, y);
      const fit = (params: Record<string, number>, rows: { X: typeof X; y: number[] }, validation?: { X: typeof X; y: number[] }) =>
        train({ algorithm: spec.algorithm, problem: spec.problem, featureNames, params, train: rows, validation, seed: spec.seed });
      const candidate = candidates(spec)[0];
      const params = resolvedParams(spec.algorithm, candidate, parts.train.X.rows);
      const trial = fit(params, parts.train, parts.validation);
      const registered = spec.refit ? fit(refitParams(spec.algorithm, params, trial), { X, y }) : trial;
      const old = fit({ ...candidate, ...before }, parts.train, parts.validation);
      const acc = (model: ReturnType<typeof train>) => {
        const proba = score(model, Xt).probabilities!;
        const classes = model.kind === 'linear_regression' ? [] : model.classes;
        return accuracy(yt, proba.map((p) => classes[p.indexOf(Math.max(...p))]));
      };
      const ours = acc(registered);
      const theirs = t.sklearn[algorithmName].accuracy;
      const delta = (ours - theirs) * 100;
      if (delta < -1) misses++;
      out.push([algorithmName.replace(/_/g, ' '), t.name, t.rows, t.classes, fmt(ours, 4), fmt(theirs, 4), fmt(delta, 2), delta >= -1 ? 'yes' : 'NO', fmt(acc(old), 4), fmt((acc(old) - theirs) * 100, 2)]);
    }
  }
  console.log(`\nTrainer quality with default settings beside scikit-learn ${suite.sklearn}'s default pipelines (StandardScaler + LogisticRegression; HistGradientBoostingClassifier), test accuracy, split train_test_split(test_size=0.25, stratify, random_state=0)\n`);
  console.log(table(out));
  console.log(`\n${out.length - 1 - misses} of ${out.length - 1} within 1 point of scikit-learn (or better)`);
}
