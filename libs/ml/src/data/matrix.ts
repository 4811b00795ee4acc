// Dense row-major matrices (the shared `Matrix` of models.ts) and the column statistics the
// trainers standardize with. Kept to the few operations the trainers need; not a linear algebra
// library.

import type { Matrix } from '../models';
import { neumaierSum } from '../moments';

/** A Matrix from equally long rows. Throws RangeError on ragged rows. */
export function fromRows(rows: ReadonlyArray<ArrayLike<number>>): Matrix {
  const cols = rows.length > 0 ? rows[0].length : 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`fromRows: row ${i} has ${row.length} values, row 0 has ${cols}`);
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
  });
  return { rows: rows.length, cols, data };
}

/** The rows as plain arrays (for JSON or display). */
export function toRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(getRow(m, i)));
}

/** Row i as a view into the matrix's storage: writes go through, so copy before mutating. */
export function getRow(m: Matrix, i: number): Float64Array {
  if (!(i >= 0 && i < m.rows)) throw new RangeError(`getRow: row ${i} outside 0..${m.rows - 1}`);
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Column j, copied (columns are strided in row-major storage). */
export function getColumn(m: Matrix, j: number): Float64Array {
  if (!(j >= 0 && j < m.cols)) throw new RangeError(`getColumn: column ${j} outside 0..${m.cols - 1}`);
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j];
  return out;
}

/** The given rows, in the given order (repeats allowed), as a new matrix. */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const data = new Float64Array(indices.length * m.cols);
  for (let r = 0; r < indices.length; r++) data.set(getRow(m, indices[r]), r * m.cols);
  return { rows: indices.length, cols: m.cols, data };
}

/** The given entries of a vector, in the given order. */
export function selectValues(values: ArrayLike<number>, indices: ArrayLike<number>): number[] {
  return Array.from(indices, (i) => {
    if (!(i >= 0 && i < values.length)) throw new RangeError(`selectValues: index ${i} outside 0..${values.length - 1}`);
    return values[i];
  });
}

export interface ColumnStats {
  mean: Float64Array;
  /** Population standard deviation (ddof = 0), as sklearn's StandardScaler uses. */
  std: Float64Array;
  /**
   * What to divide centred values by: std, or 1 for a constant column (as StandardScaler's
   * scale_), so a constant column standardizes to zeros rather than NaN or amplified rounding.
   */
  scale: Float64Array;
}

/** Column means and standard deviations. Throws RangeError for a matrix without rows. */
export function columnStats(m: Matrix): ColumnStats {
  if (m.rows === 0) throw new RangeError('columnStats: matrix has no rows');
  const mean = new Float64Array(m.cols);
  const std = new Float64Array(m.cols);
  const scale = new Float64Array(m.cols);
  for (let j = 0; j < m.cols; j++) {
    const column = getColumn(m, j);
    mean[j] = neumaierSum(column) / m.rows;
    let min = Infinity;
    let max = -Infinity;
    let sumSquares = 0;
    for (const x of column) {
      sumSquares += (x - mean[j]) ** 2;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    // Decided on min === max, not on std === 0: a constant column's computed mean can be off by
    // an ulp, leaving a std of 1e-17 that would blow rounding noise up to unit scale.
    const constant = min === max;
    std[j] = constant ? 0 : Math.sqrt(sumSquares / m.rows);
    scale[j] = constant ? 1 : std[j];
  }
  return { mean, std, scale };
}

/** (x - mean) / scale for every entry, as a new matrix. */
export function standardize(m: Matrix, stats: Pick<ColumnStats, 'mean' | 'scale'>): Matrix {
  if (stats.mean.length !== m.cols || stats.scale.length !== m.cols) {
    throw new RangeError(`standardize: stats for ${stats.mean.length} columns, matrix has ${m.cols}`);
  }
  const data = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) data[i * m.cols + j] = (m.data[i * m.cols + j] - stats.mean[j]) / stats.scale[j];
  }
  return { rows: m.rows, cols: m.cols, data };
}
