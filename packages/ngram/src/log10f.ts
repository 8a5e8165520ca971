// glibc's single-precision log (sysdeps/ieee754/flt-32/e_logf_data.c, glibc 2.27 and later): log(c) and 1/c for
// 16 subintervals, ln 2, and the polynomial approximating log1p(r). Written as the shortest decimals of the
// published hexadecimal doubles (each reads back to exactly that double).
const INVC = [
  1.398907162146528, 1.3403141896637998, 1.286432210124115, 1.2367150214269895, 1.1906977166711752, 1.1479821020556429,
  1.1082251448272158, 1.0711297413057381, 1.036437278977283, 1, 0.9492859795739057, 0.8951049428609004,
  0.8476821620351103, 0.8050314851692001, 0.7664671008843108, 0.731428603316328,
] as const;
const LOGC = [
  -0.33569133332882284, -0.2929040563774074, -0.2518726580937369, -0.21245868807117255, -0.17453945183745634,
  -0.1380057072319758, -0.10275976698545139, -0.06871392447020525, -0.0357891387398228, 0, 0.05204517742929496,
  0.11081431298787942, 0.1652495223695143, 0.21687389031699977, 0.2659635028121397, 0.3127556664073557,
] as const;
const LN2 = 0.6931471805599453;
const A0 = -0.25089342214237154;
const A1 = 0.333456765744066;
const A2 = -0.4999997485802103;
// fdlibm's log10f constants (float32): 1/ln 10 and log10(2) split in a high and a low part.
const IVLN10 = 0.4342944920063019;
const LOG10_2HI = 0.3010292053222656;
const LOG10_2LO = 7.903415166765626e-7;

/**
 * A float32 log10 that returns, bit for bit, what KenLM's `lmplz` gets from the C library's `log10f` on Linux:
 * glibc's fdlibm `log10f` over its table-driven `logf` (glibc 2.27 up to its CORE-MATH `log10f`). That function is
 * not correctly rounded — it is one float32 step off for about 2.6% of inputs — so `Math.fround(Math.log10(x))`
 * would make ARPA files that differ from lmplz's in the last digit of many numbers. Checked against the C
 * library on 4 million random floats (0 differences).
 *
 * Returns a function holding its own scratch buffer (no module-level state); create one per estimation. For many
 * values, {@link log10fInto} gives the same numbers faster.
 */
export function createLog10f(): (x: number) => number {
  const float = new Float32Array(1);
  const bits = new Uint32Array(float.buffer);
  return (x: number): number => log10fOf(x, float, bits);
}

/**
 * `dst[i] = log10f(src[srcStart + i·srcStride])` for i < `count` ({@link createLog10f}'s numbers), and at most 0
 * with `clampAtZero` (as lmplz clamps log10 probabilities). One call for a whole order: the estimator's loops are
 * too large for V8 to inline a function into them, and each call to one it does not inline boxes its number
 * argument and its result (two heap objects per n-gram, and the scavenges to clear them). With `repeats`, for
 * values that take few distinct values (a model's backoff weights: ~9,000 over 1.6 M contexts of PTB at order 5),
 * each result is kept in a small cache by its input's bits and read back when that input comes again: the same
 * numbers, computed once each (while cached).
 */
export function log10fInto(src: Float32Array, srcStart: number, srcStride: number, dst: Float32Array, count: number, clampAtZero: boolean, repeats = false): void {
  const float = new Float32Array(1);
  const bits = new Uint32Array(float.buffer);
  if (repeats) {
    cachedLog10fInto(src, srcStart, srcStride, dst, count, clampAtZero, float, bits);
    return;
  }
  for (let i = 0, j = srcStart; i < count; i++, j += srcStride) {
    const y = log10fOf(src[j]!, float, bits);
    dst[i] = clampAtZero && y > 0 ? 0 : y;
  }
}

/** Slots of {@link cachedLog10fInto}'s cache (direct-mapped by a hash of the input's bits). */
const CACHE_BITS = 13;
/** A cache slot's key when it holds nothing (a NaN's bits: an input with these bits is computed, never looked up). */
const NO_KEY = 0xffffffff;

/** {@link log10fInto} with `repeats`. */
function cachedLog10fInto(src: Float32Array, srcStart: number, srcStride: number, dst: Float32Array, count: number, clampAtZero: boolean, float: Float32Array, bits: Uint32Array): void {
  const srcBits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const keys = new Uint32Array(1 << CACHE_BITS).fill(NO_KEY);
  const values = new Float32Array(1 << CACHE_BITS);
  for (let i = 0, j = srcStart; i < count; i++, j += srcStride) {
    const key = srcBits[j]!;
    const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
    let y: number;
    if (keys[slot] === key && key !== NO_KEY) y = values[slot]!;
    else {
      y = log10fOf(src[j]!, float, bits);
      keys[slot] = key;
      values[slot] = y;
    }
    dst[i] = clampAtZero && y > 0 ? 0 : y;
  }
}

/** glibc's log10f of `x` (a float32), `float` and `bits` a scratch float and its bits. */
function log10fOf(x: number, float: Float32Array, bits: Uint32Array): number {
  const f = Math.fround;
  float[0] = x;
  let hx = bits[0]!;
  if (!(x > 0) || hx >= 0x7f800000) return x === 0 ? -Infinity : x > 0 ? x : Number.NaN;
  let k = 0;
  if (hx < 0x00800000) {
    // Subnormal: scale by 2^25 first.
    k = -25;
    float[0] = f(x * 33554432);
    hx = bits[0]!;
  }
  k += (hx >>> 23) - 127;
  const i = k < 0 ? 1 : 0;
  const y = f(k + i);
  let z = y === 0 ? 0 : f(y * LOG10_2LO);
  z = f(z + f(IVLN10 * logf(((hx & 0x7fffff) | ((0x7f - i) << 23)) >>> 0, float, bits)));
  return f(z + f(y * LOG10_2HI));
}

/** glibc logf of a normal positive float32 given by its bits `ix` (the only inputs {@link log10fOf} gives it). */
function logf(ix: number, float: Float32Array, bits: Uint32Array): number {
  if (ix === 0x3f800000) return 0;
  const tmp = (ix - 0x3f330000) >>> 0;
  const i = (tmp >>> 19) & 15;
  const k = (tmp | 0) >> 23;
  bits[0] = (ix - ((tmp & 0xff800000) >>> 0)) >>> 0;
  const z = float[0]!;
  const r = z * INVC[i]! - 1;
  const y0 = LOGC[i]! + k * LN2;
  const r2 = r * r;
  let y = A1 * r + A2;
  y = A0 * r2 + y;
  y = y * r2 + (y0 + r);
  return Math.fround(y);
}
