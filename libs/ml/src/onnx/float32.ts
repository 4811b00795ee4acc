// Tree thresholds are float64 in our models but ONNX tree ensembles store them as float32 and
// compare them with float32 features. Rounding a threshold to nearest can move it above the true
// value and flip rows that sit between the two, so thresholds are rounded down instead.
//
// Claim: for every float32 x (NaN aside), x <= t  <=>  x <= t', where t' is the largest float32
// <= t. (<=) x <= t' <= t. (=>) x is a float32 <= t, so it is one of the candidates t' is the
// maximum of. Hence the exported graph routes every float32 feature vector exactly as our
// float64 scorer routes the same values. Features that are not float32-representable are rounded
// by whoever builds the FP32 input tensor; that is a property of the FP32 interface, which is why
// verification scores the float32-rounded sample on both sides.

const f32 = new Float32Array(1);
const bits = new Uint32Array(f32.buffer);
const NEGATIVE_MIN_SUBNORMAL_BITS = 0x80000001;

/** The largest float32 that is <= t (±Infinity included, so it always exists). */
export function float32AtMost(t: number): number {
  if (Number.isNaN(t)) throw new RangeError('float32AtMost: NaN has no float32 lower bound');
  const nearest = Math.fround(t);
  return nearest <= t ? nearest : nextFloat32Down(nearest);
}

/** The float32 just below f (f itself a float32, not -Infinity). */
function nextFloat32Down(f: number): number {
  if (f === 0) {
    bits[0] = NEGATIVE_MIN_SUBNORMAL_BITS;
    return f32[0];
  }
  f32[0] = f;
  // IEEE 754 is sign-magnitude: moving down means a smaller magnitude for positives, larger for negatives.
  bits[0] += f > 0 ? -1 : 1;
  return f32[0];
}
