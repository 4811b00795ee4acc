// Stable partition of a node's rows by a split, in pieces that the tree grower uses on one thread
// and that fit threads use on their shares of a large node's rows (fit-threads.ts).

/** Per bin of the split's feature: 1 when its rows go left. */
export function goesLeftTable(bin: number, missingGoesLeft: boolean, missingBin: number): Uint8Array {
  const table = new Uint8Array(missingBin + 1);
  for (let b = 0; b <= bin && b < missingBin; b++) table[b] = 1;
  table[missingBin] = missingGoesLeft ? 1 : 0;
  return table;
}

/** Splits rows[first, end) into left[first, …) and right[first, …), in order; returns the count that went left. */
export function splitChunk(rows: Int32Array, first: number, end: number, column: Uint8Array, goesLeft: Uint8Array, left: Int32Array, right: Int32Array): number {
  let l = first;
  let r = first;
  for (let i = first; i < end; i++) {
    const row = rows[i];
    const side = goesLeft[column[row]];
    left[l] = row;
    right[r] = row;
    l += side;
    r += 1 - side;
  }
  return l - first;
}

/** Copies a share's rows back from splitChunk's buffers to their places in rows. */
export function gatherChunk(rows: Int32Array, first: number, end: number, lefts: number, leftTo: number, rightTo: number, left: Int32Array, right: Int32Array): void {
  rows.set(left.subarray(first, first + lefts), leftTo);
  rows.set(right.subarray(first, first + (end - first - lefts)), rightTo);
}
