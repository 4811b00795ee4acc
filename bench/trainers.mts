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
// scale: gradient-boosted trees on make_classification data (200,000 × 20 and 1,000,000 × 50
//   training rows by default) beside scikit-learn's HistGradientBoostingClassifier on one
//   thread, timed in the same run: each round fits scikit-learn, then ours on 1 thread and on
//   THREADS threads, each in a process of its own (bench/load/tree-fit.mts), so that every side's
//   peak RSS is its own.
//
//   bash bench/run.sh trainers [speed|quality]      (both when left out)
//   bash bench/run.sh trainers scale [rounds=3] [sizes=200000x20,1000000x50] [threads=2]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
if (!['all', 'speed', 'quality', 'scale'].includes(part)) throw new Error(`usage: bench/run.sh trainers [speed|quality|scale], not "${part}"`);

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

if (part === 'scale') scalePart(Number(process.argv[3] ?? 3), process.argv[4] ?? '200000x20,1000000x50', Number(process.argv[5] ?? 2));
else {
  if (part !== 'quality') speedPart();
  if (part !== 'speed') qualityPart();
}

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

interface FitResult { seconds: number; accuracy: number; peakMiB: number; sklearn?: string }

function scalePart(rounds: number, sizes: string, threads: number): void {
  const script = new URL('./sklearn/trees_scale.py', import.meta.url).pathname;
  const fitter = new URL('./load/tree-fit.mts', import.meta.url).pathname;
  const out: (string | number)[][] = [['data (train rows × features)', 'side', 'fit s (median)', 'rounds', 'time / scikit-learn', 'test accuracy', 'peak RSS MiB']];
  let version = '';
  for (const size of sizes.split(',')) {
    const [rows, features] = size.split('x').map(Number);
    const dir = path.join(tmpdir(), `mlops-trees-${rows}x${features}`);
    if (!existsSync(path.join(dir, 'meta.json'))) {
      mkdirSync(dir, { recursive: true });
      log(`scale: writing ${rows.toLocaleString()} × ${features} (and ${(rows / 4).toLocaleString()} test rows) to ${dir}`);
      execFileSync('/usr/bin/python3', [script, 'data', dir, String(rows), String(features)], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const sides: [string, () => FitResult][] = [
      ['scikit-learn HistGradientBoostingClassifier, 1 thread', () => JSON.parse(execFileSync('/usr/bin/python3', [script, 'fit', dir], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } }))],
      ['platform, 1 thread', () => JSON.parse(execFileSync(process.execPath, ['--no-warnings', fitter, dir, '1'], { encoding: 'utf8' }))],
      [`platform, ${threads} threads`, () => JSON.parse(execFileSync(process.execPath, ['--no-warnings', fitter, dir, String(threads)], { encoding: 'utf8' }))],
    ];
    const results: FitResult[][] = sides.map(() => []);
    for (let r = 0; r < rounds; r++) {
      sides.forEach(([name, run], i) => {
        const result = run();
        results[i].push(result);
        if (result.sklearn) version = result.sklearn;
        log(`scale ${size} round ${r + 1}/${rounds}: ${name} ${fmt(result.seconds)} s, accuracy ${fmt(result.accuracy, 4)}, peak ${fmt(result.peakMiB, 0)} MiB`);
      });
    }
    const baseline = median(results[0].map((x) => x.seconds));
    sides.forEach(([name], i) => {
      const seconds = results[i].map((x) => x.seconds);
      const accuracies = [...new Set(results[i].map((x) => fmt(x.accuracy, 4)))].join(' / ');
      out.push([`${rows.toLocaleString()} × ${features}`, name, fmt(median(seconds)), seconds.map((x) => fmt(x)).join(' · '), fmt(median(seconds) / baseline), accuracies, fmt(Math.max(...results[i].map((x) => x.peakMiB)), 0)]);
    });
  }
  console.log(`\nGradient-boosted trees at scale beside scikit-learn ${version} (100 iterations, 31 leaves, learning rate 0.1, 20 samples per leaf, 255 bins, no early stopping; make_classification, 25 % more rows held out for the test accuracy; sides interleaved, ${rounds} rounds)\n`);
  console.log(table(out));
}
