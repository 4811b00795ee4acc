// Drift at scale (issue 18): every feature of a current window of 1,000,000 rows × 500 features
// (400 numeric, 100 categorical) judged against a precomputed reference profile of as many rows,
// with the tests Evidently picks for a large reference (normalized Wasserstein, Jensen–Shannon),
// beside SciPy running the same tests on the same data (bench/scipy/drift_scale.py).
//
//   bash bench/run.sh drift scale [rows=1000000] [features=500] [rounds=3]
//
// Both sides hold one feature at a time: the data sits in one file per column, a feature's files
// are read (not timed on either side), then judged (timed). The reference profile is what the
// monitoring service keeps for a production version (libs/ml's Sample: the sorted finite values
// of a numeric column, the counts of a categorical one); it is built once before the rounds, its
// time reported beside, and stored as a file per feature, so memory stays bounded by one feature
// however many there are. Rounds interleave the sides; each side's peak RSS is reported.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type Sample, categoricalSample, featureDrift, numericSample } from '@mlops/ml';
import { float64File as f64, fmt, log, median, scipyBaseline, table } from './lib.mts';

const rows = Number(process.argv[3] ?? 1_000_000);
const features = Number(process.argv[4] ?? 500);
const rounds = Number(process.argv[5] ?? 3);
const numeric = Math.floor((features * 4) / 5);

const python = <T,>(...args: string[]) => scipyBaseline<T>('drift_scale.py', args);
const lines = (file: string) => readFileSync(file, 'utf8').split('\n');

/** A feature's reference profile, as stored: the sorted values, or the category counts. */
function writeProfile(dir: string, j: number, sample: Sample): void {
  if (sample.kind === 'numeric') writeFileSync(path.join(dir, `profile${j}.f64`), sample.sorted);
  else writeFileSync(path.join(dir, `profile${j}.json`), JSON.stringify([...sample.counts]));
}
function readProfile(dir: string, j: number): Sample {
  if (j < numeric) return { kind: 'numeric', sorted: f64(path.join(dir, `profile${j}.f64`)) };
  const counts = new Map<string, number>(JSON.parse(readFileSync(path.join(dir, `profile${j}.json`), 'utf8')));
  return { kind: 'categorical', counts, size: [...counts.values()].reduce((s, n) => s + n, 0) };
}
const currentOf = (dir: string, j: number) => (j < numeric ? f64(path.join(dir, `cur${j}.f64`)) : lines(path.join(dir, `ccur${j - numeric}.txt`)));
const sampleOf = (j: number, values: Float64Array | string[]) => (j < numeric ? numericSample(values as Float64Array) : categoricalSample(values as string[]));

const dir = mkdtempSync(path.join(tmpdir(), 'bench-drift-scale-'));
try {
  log(`writing ${rows} rows × ${features} features (SciPy's generator, one column at a time)`);
  python('gen', dir, String(rows), String(features));

  log('building the reference profiles');
  let profileSeconds = 0;
  for (let j = 0; j < features; j++) {
    const values = j < numeric ? f64(path.join(dir, `ref${j}.f64`)) : lines(path.join(dir, `cref${j - numeric}.txt`));
    const start = performance.now();
    const sample = sampleOf(j, values);
    profileSeconds += (performance.now() - start) / 1000;
    writeProfile(dir, j, sample);
  }

  const scipy: number[] = [];
  const ours: number[] = [];
  let scipyPeak = 0;
  let delta = 0;
  for (let round = 0; round < rounds; round++) {
    log(`round ${round + 1}/${rounds}: SciPy`);
    const baseline = python<{ seconds: number; tests: string[]; values: number[]; peakRssMiB: number }>('time', dir, String(rows), String(features));
    scipy.push(baseline.seconds);
    scipyPeak = Math.max(scipyPeak, baseline.peakRssMiB);
    log(`round ${round + 1}/${rounds}: libs/ml (SciPy took ${fmt(baseline.seconds, 1)} s)`);
    let seconds = 0;
    for (let j = 0; j < features; j++) {
      const reference = readProfile(dir, j);
      const values = currentOf(dir, j);
      const start = performance.now();
      const drift = featureDrift(j < numeric ? `x${j}` : `c${j - numeric}`, reference, sampleOf(j, values));
      seconds += (performance.now() - start) / 1000;
      if (drift.test !== baseline.tests[j]) throw new Error(`feature ${j}: test ${drift.test}, SciPy's ${baseline.tests[j]}`);
      delta = Math.max(delta, Math.abs(drift.statistic - baseline.values[j]));
    }
    ours.push(seconds);
    log(`round ${round + 1}/${rounds}: libs/ml ${fmt(seconds, 1)} s = ${fmt(seconds / baseline.seconds)} × SciPy`);
  }
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(`\nDrift of ${features} features (${numeric} numeric, ${features - numeric} categorical), reference and current window ${rows} rows each, median of ${rounds} rounds\n`);
  console.log(
    table([
      ['side', 'judging s (median)', 'rounds s', 'time ratio', 'peak RSS MiB'],
      ['SciPy (baseline)', fmt(median(scipy), 1), scipy.map((s) => fmt(s, 1)).join(' · '), '1.00', fmt(scipyPeak, 0)],
      ['libs/ml, profile precomputed', fmt(median(ours), 1), ours.map((s) => fmt(s, 1)).join(' · '), fmt(median(ours) / median(scipy)), fmt(peak, 0)],
    ]),
  );
  console.log(`\nper-round ratios: ${ours.map((s, i) => fmt(s / scipy[i])).join(' · ')}; building the reference profiles (once): ${fmt(profileSeconds, 1)} s; max |Δ statistic| ${delta.toExponential(1)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
