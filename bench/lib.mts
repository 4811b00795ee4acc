// Shared helpers for the benchmarks: timing statistics and printing ratios side by side.
// Benchmarks are not tests: they print figures (docs/benchmarks.md records them), never assert.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 0.5);
}

export function fmt(n: number, digits = 2): string {
  return Number.isFinite(n) ? n.toFixed(digits) : String(n);
}

export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  return cells.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs a SciPy baseline script of bench/scipy (Debian's python3-scipy) and parses the JSON it prints. */
export function scipyBaseline<T>(script: string, args: string[]): T {
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', [new URL(`./scipy/${script}`, import.meta.url).pathname, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })) as T;
  } catch (error) {
    throw new Error(`the SciPy baseline needs python3-scipy (apt-get install python3-scipy): ${(error as Error).message}`);
  }
}

/** A file of raw little-endian doubles, as the baselines write them. */
export function float64File(file: string): Float64Array {
  const b = readFileSync(file);
  return new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);
}
