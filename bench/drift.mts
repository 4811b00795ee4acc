// Drift computation: every feature of a window judged against its reference with the tests
// Evidently picks by default, in libs/ml, beside the same tests run by SciPy on the same data
// in the same machine (bench/scipy/drift_baseline.py, Debian's python3-scipy). The statistics
// of both sides are compared, then the times.
//
//   bash bench/run.sh drift [rows=100000] [features=50] [rounds=3]
//   bash bench/run.sh drift scale [rows=1000000] [features=500] [rounds=3]   (bench/drift-scale.mts)
// Two cases: a large reference (100k rows: Wasserstein and Jensen–Shannon) and Evidently's small
// reference (1000 rows: Kolmogorov–Smirnov and chi-squared), both against a current window of `rows`.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { categoricalSample, featureDrift, numericSample } from '@mlops/ml';
import { float64File as f64, fmt, log, scipyBaseline, table } from './lib.mts';

if (process.argv[2] === 'scale') {
  await import('./drift-scale.mts');
  process.exit(0);
}
const rows = Number(process.argv[2] ?? 100_000);
const features = Number(process.argv[3] ?? 50);
const rounds = Number(process.argv[4] ?? 3);

const python = (dir: string, referenceRows: number) =>
  scipyBaseline<{ seconds: number; numeric: number; categorical: number; tests: string[]; values: number[] }>('drift_baseline.py', [dir, String(rows), String(features), String(referenceRows), String(rounds)]);

const output: (string | number)[][] = [['reference rows', 'tests', 'SciPy s (baseline)', 'libs/ml s', 'time ratio', 'max |Δ statistic|']];
for (const referenceRows of [rows, 1000]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-drift-'));
  try {
    log(`reference ${referenceRows} rows: generating data and timing SciPy`);
    const baseline = python(dir, referenceRows);
    // Reading the files is not part of either side's time.
    const numeric = Array.from({ length: baseline.numeric }, (_, j) => [f64(path.join(dir, `ref${j}.f64`)), f64(path.join(dir, `cur${j}.f64`))] as const);
    const categorical = Array.from({ length: baseline.categorical }, (_, j) => [readFileSync(path.join(dir, `cref${j}.txt`), 'utf8').split('\n'), readFileSync(path.join(dir, `ccur${j}.txt`), 'utf8').split('\n')] as const);
    log(`reference ${referenceRows} rows: timing libs/ml`);
    let best = Infinity;
    let values: number[] = [];
    let tests: string[] = [];
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      // The same work as the Python side: from the raw columns to a verdict per feature.
      const results = [
        ...numeric.map(([r, c], j) => featureDrift(`x${j}`, numericSample(r), numericSample(c))),
        ...categorical.map(([r, c], j) => featureDrift(`c${j}`, categoricalSample(r), categoricalSample(c))),
      ];
      best = Math.min(best, (performance.now() - start) / 1000);
      values = results.map((r) => r.statistic);
      tests = results.map((r) => r.test);
    }
    if (tests.join() !== baseline.tests.join()) throw new Error(`test choice differs: ${tests} vs ${baseline.tests}`);
    const delta = Math.max(...values.map((v, i) => Math.abs(v - baseline.values[i])));
    output.push([referenceRows, [...new Set(tests)].join(' + '), fmt(baseline.seconds, 3), fmt(best, 3), fmt(best / baseline.seconds), delta.toExponential(1)]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`\nDrift of ${features} features (4/5 numeric, 1/5 categorical), current window ${rows} rows, best of ${rounds} rounds\n`);
console.log(table(output));
