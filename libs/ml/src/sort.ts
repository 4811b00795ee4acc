// Sorting doubles. V8's TypedArray.prototype.sort is a comparison merge sort (about 25 ms for
// 200,000 doubles on the development machine); binning and drift sort whole columns, so large
// arrays go through an LSD radix sort of the doubles' bit patterns instead (four passes of 16
// bits). The order is TypedArray.prototype.sort's: -Infinity … -0, +0 … +Infinity, NaN last.

/** Below this length the built-in sort is faster than four passes over 65,536 counters. */
const RADIX_MIN_LENGTH = 1 << 14;
const DIGITS = 1 << 16;

/** A sorted copy of `values`, in the order of Float64Array.prototype.sort. */
export function sortedFloat64(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  if (n < RADIX_MIN_LENGTH) return Float64Array.from(values).sort();
  const out = values instanceof Float64Array ? values.slice() : Float64Array.from(values);
  const bits = new Uint32Array(out.buffer);
  const [k1, k2, k3, k4] = scratch(n);
  let hi = k1;
  let lo = k2;
  let hiOut = k3;
  let loOut = k4;
  toKeys(bits, hi, lo);
  for (let pass = 0; pass < 4; pass++) {
    if (!radixPass(pass < 2 ? lo : hi, (pass & 1) * 16, hi, lo, hiOut, loOut, counts)) continue;
    const h = hi;
    hi = hiOut;
    hiOut = h;
    const l = lo;
    lo = loOut;
    loOut = l;
  }
  fromKeys(hi, lo, bits);
  return out;
}

/**
 * Key buffers, kept between sorts up to SCRATCH_MAX_LENGTH: on these virtual machines a fresh
 * buffer's first touch of each page costs more than the sort itself (measured: 25 ms per sort of
 * 200,000 doubles with new buffers, 8 ms with these).
 */
const SCRATCH_MAX_LENGTH = 1 << 22;
let kept: Uint32Array[] = [];
const counts = new Uint32Array(DIGITS);

function scratch(n: number): Uint32Array[] {
  if (n > SCRATCH_MAX_LENGTH) return [0, 1, 2, 3].map(() => new Uint32Array(n));
  if (kept.length === 0 || kept[0].length < n) kept = [0, 1, 2, 3].map(() => new Uint32Array(Math.max(n, RADIX_MIN_LENGTH * 4)));
  return kept.map((buffer) => buffer.subarray(0, n));
}

/**
 * Keys from the bits of each double (little-endian: low word first), turned so that unsigned
 * order is numeric order: negative numbers have every bit flipped, the others only the sign bit;
 * NaN becomes the largest key.
 */
function toKeys(bits: Uint32Array, hi: Uint32Array, lo: Uint32Array): void {
  for (let i = 0; i < hi.length; i++) {
    const h = bits[2 * i + 1];
    const l = bits[2 * i];
    if ((h & 0x7ff00000) === 0x7ff00000 && ((h & 0xfffff) !== 0 || l !== 0)) {
      hi[i] = 0xffffffff;
      lo[i] = 0xffffffff;
    } else if (h & 0x80000000) {
      hi[i] = ~h >>> 0;
      lo[i] = ~l >>> 0;
    } else {
      hi[i] = (h | 0x80000000) >>> 0;
      lo[i] = l;
    }
  }
}

/** The doubles back from their keys. */
function fromKeys(hi: Uint32Array, lo: Uint32Array, outBits: Uint32Array): void {
  for (let i = 0; i < hi.length; i++) {
    const h = hi[i];
    if (h === 0xffffffff && lo[i] === 0xffffffff) {
      outBits[2 * i + 1] = 0x7ff80000; // NaN
      outBits[2 * i] = 0;
    } else if (h & 0x80000000) {
      outBits[2 * i + 1] = h & 0x7fffffff;
      outBits[2 * i] = lo[i];
    } else {
      outBits[2 * i + 1] = ~h >>> 0;
      outBits[2 * i] = ~lo[i] >>> 0;
    }
  }
}

/**
 * One stable counting pass on the 16 bits of `keys` at `shift`, moving (hi, lo) into (hiOut,
 * loOut); false, moving nothing, when every key has the same digit there. One loop per function:
 * V8 compiles a long loop while it runs (on-stack replacement), and code after it in the same
 * function then has no type feedback and throws the compiled code away, call after call.
 */
function radixPass(
  keys: Uint32Array, shift: number, hi: Uint32Array, lo: Uint32Array, hiOut: Uint32Array, loOut: Uint32Array, counts: Uint32Array,
): boolean {
  const firstDigit = (keys[0] >>> shift) & 0xffff;
  countDigits(keys, shift, counts);
  if (counts[firstDigit] === keys.length) return false;
  startsOfDigits(counts);
  scatter(keys, shift, hi, lo, hiOut, loOut, counts);
  return true;
}

function countDigits(keys: Uint32Array, shift: number, counts: Uint32Array): void {
  counts.fill(0);
  for (let i = 0; i < keys.length; i++) counts[(keys[i] >>> shift) & 0xffff]++;
}

function startsOfDigits(counts: Uint32Array): void {
  let sum = 0;
  for (let d = 0; d < counts.length; d++) {
    const c = counts[d];
    counts[d] = sum;
    sum += c;
  }
}

function scatter(keys: Uint32Array, shift: number, hi: Uint32Array, lo: Uint32Array, hiOut: Uint32Array, loOut: Uint32Array, starts: Uint32Array): void {
  for (let i = 0; i < keys.length; i++) {
    const at = starts[(keys[i] >>> shift) & 0xffff]++;
    hiOut[at] = hi[i];
    loOut[at] = lo[i];
  }
}
