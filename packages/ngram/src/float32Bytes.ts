import { writeDigitsBefore } from './asciiDigits.js';
import { formatFloat32 } from './formatFloat32.js';

/** Exact powers of ten as doubles (every 10^k with k ≤ 22 is). */
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12] as const;
/**
 * Largest scale 10^k used: a float32's neighbours' midpoints have 25 significant bits and 5^12 < 2^28, so
 * `midpoint × 10^k` is still an exact double (≤ 53 bits) for every k up to 12.
 */
const MAX_SCALE = 12;
/** 1 / 10^j, for the quotient estimates of `nearestInside`. */
const INV_POW10 = POW10.map((p) => 1 / p);

/** Scratch for {@link float32Bytes} (no module-level state): a float32's bits, and its spacing by exponent. */
export interface Float32Scratch {
  readonly bits: Uint32Array;
  readonly float: Float32Array;
  /** Where {@link float32Bytes} puts its value for {@link float32BytesAt}. */
  readonly value: Float32Array;
  /** `ulps[e]`: the distance between consecutive float32s of biased exponent e (2^(e − 150), 2^-149 for e = 0). */
  readonly ulps: Float64Array;
}

/**
 * Values that take every branch of {@link float32Bytes}: zero, the exact-scaling path with 1 to 9 digits, a
 * point inside, before and after the digits, ties, powers of two, and the slow path on both ends.
 */
const PRIMERS = [0, -0.3, -2.73828125, -1.37109375, -0.048446618, -20, -99, 123456789, 0.5, -0.0001234, -7.5e-5, 3e9, -1e-30];

/**
 * A scratch for {@link float32Bytes}; create one per writer. It also runs the formatter once over values that
 * take each of its branches: a writer then calls it millions of times on values of one kind, and a branch first
 * taken late would throw the optimized code away mid-file (a deoptimization) for want of type feedback.
 */
export function float32Scratch(): Float32Scratch {
  const bits = new Uint32Array(1);
  const ulps = new Float64Array(256);
  for (let e = 0; e < 256; e++) ulps[e] = 2 ** (Math.max(e, 1) - 150);
  const scratch = { bits, float: new Float32Array(bits.buffer), value: new Float32Array(1), ulps };
  const out = new Uint8Array(32);
  for (const x of PRIMERS) float32Bytes(Math.fround(x), out, 0, scratch);
  return scratch;
}

/** Slots of a {@link Float32ByteCache}. */
const CACHE_BITS = 13;
const CACHE_SLOTS = 1 << CACHE_BITS;
/** Bytes of one cache slot: the text (at most 15 bytes) and its length. */
const SLOT_BYTES = 16;

/**
 * A direct-mapped cache of number texts by float32 bits, for values that repeat (a model's backoffs take a few
 * thousand distinct values over millions of n-grams; its probabilities mostly differ, and are not worth caching).
 */
export interface Float32ByteCache {
  readonly scratch: Float32Scratch;
  readonly keys: Uint32Array;
  /** Slot s: length at `s * SLOT_BYTES`, text after it; length 0 = empty. */
  readonly slots: Uint8Array;
}

/** An empty {@link Float32ByteCache}. */
export function float32ByteCache(): Float32ByteCache {
  return { scratch: float32Scratch(), keys: new Uint32Array(CACHE_SLOTS), slots: new Uint8Array(CACHE_SLOTS * SLOT_BYTES) };
}

/** {@link float32Bytes} through `cache`: the same bytes, formatted once per distinct value (while it stays cached). */
export function cachedFloat32Bytes(value: number, out: Uint8Array, at: number, cache: Float32ByteCache): number {
  const one = cache.scratch.value;
  one[0] = value;
  return cachedFloat32BytesAt(one, 0, out, at, cache);
}

/** {@link cachedFloat32Bytes} of `values[index]` (read here: see {@link float32BytesAt}). */
export function cachedFloat32BytesAt(values: Float32Array | Float64Array, index: number, out: Uint8Array, at: number, cache: Float32ByteCache): number {
  const { scratch, keys, slots } = cache;
  scratch.float[0] = values[index]!;
  const key = scratch.bits[0]!;
  const slot = Math.imul(key, 0x9e3779b1) >>> (32 - CACHE_BITS);
  const base = slot * SLOT_BYTES;
  let length = slots[base]!;
  if (length === 0 || keys[slot] !== key) {
    const end = float32BytesAt(values, index, out, at, scratch);
    length = end - at;
    if (length < SLOT_BYTES) {
      keys[slot] = key;
      slots[base] = length;
      for (let c = 0; c < length; c++) slots[base + 1 + c] = out[at + c]!;
    }
    return end;
  }
  for (let c = 1; c <= length; c++) out[at++] = slots[base + c]!;
  return at;
}

/**
 * Writes {@link formatFloat32}'s text of `value` (a float32) as ASCII bytes into `out` at `at` and returns the
 * position after it; `out` must have room for 16 bytes. The same text, without building a string: the shortest
 * decimal inside the float's rounding interval (the nearest one when two qualify, the even one on a tie), found
 * with exact double arithmetic — the value is scaled by a power of ten to a 9-digit integer, where every product
 * and comparison involved is exact. Values outside [1e-4, 1e9) in magnitude, where that scaling would not be
 * exact, go through {@link formatFloat32} (they are rare in language models: log-probabilities and backoffs).
 */
export function float32Bytes(value: number, out: Uint8Array, at: number, scratch: Float32Scratch): number {
  scratch.value[0] = value;
  return float32BytesAt(scratch.value, 0, out, at, scratch);
}

/**
 * {@link float32Bytes} of `values[index]` (a float32, also when `values` holds doubles), read here: writers of many
 * numbers call this one. A number given to a
 * function V8 does not inline is boxed (a heap object per call: ~2.3 M per PTB model, and the scavenges to clear
 * them); an array and an index are not.
 */
export function float32BytesAt(values: Float32Array | Float64Array, index: number, out: Uint8Array, at: number, scratch: Float32Scratch): number {
  const value = values[index]!;
  if (value === 0) {
    out[at] = 48; // '0'
    return at + 1;
  }
  const a = Math.abs(value);
  if (!(a >= 1e-4 && a < 1e9)) return slow(value, out, at);
  const { bits, float, ulps } = scratch;
  float[0] = a;
  const b = bits[0]!;
  const e = b >>> 23;
  // 8 − ⌊log10 a⌋, from the binary exponent (⌊e · log10 2⌋ is ⌊log10 a⌋ or one below; corrected next).
  let k = Math.min(MAX_SCALE, 8 - Math.floor((e - 127) * 0.3010299956639812));
  let scaled = a * POW10[k]!;
  if (scaled >= 1e9) scaled = a * POW10[--k]!;
  else if (scaled < 1e8) {
    if (k === MAX_SCALE) return slow(value, out, at);
    scaled = a * POW10[++k]!;
  }
  // The rounding interval: halfway to each float32 neighbour (the one below is half as far at a power of two),
  // ends included when the significand is even (strtof rounds a tie to even). Exact doubles.
  const ulp = ulps[e]!;
  const gapBelow = (b & 0x7fffff) === 0 && e > 1 ? ulp / 2 : ulp;
  const scale = POW10[k]!;
  const low = (a - gapBelow / 2) * scale;
  const high = (a + ulp / 2) * scale;
  const inclusive = (b & 1) === 0;
  // The shortest: a decimal of p − 1 digits is also one of p digits, so if none of p digits lies in the interval
  // none shorter does. Most values need 7 or 8 digits (PTB's log10 probabilities: 32% and 64%): try 7 first, then
  // walk to shorter ones while they are inside, or to longer ones until one is.
  let j = 2;
  let chosen = nearestInside(scaled, low, high, inclusive, j);
  if (chosen < 0) {
    j = 1;
    chosen = nearestInside(scaled, low, high, inclusive, j);
    if (chosen < 0) {
      j = 0;
      chosen = nearestInside(scaled, low, high, inclusive, j);
    }
  } else {
    for (;;) {
      const shorter = j < 8 ? nearestInside(scaled, low, high, inclusive, j + 1) : -1;
      if (shorter < 0) break;
      chosen = shorter;
      j++;
    }
  }
  if (chosen < 0) return slow(value, out, at);
  // value = chosen × 10^(j − k), chosen of 9 − j digits (10 − j where rounding up reached the next power of ten):
  // drop trailing zeros, then lay out as ECMAScript's Number::toString (plain here). chosen ≤ 10^9 < 2^31: int32.
  let digits = chosen | 0;
  let count = digits >= POW10[9 - j]! ? 10 - j : 9 - j;
  let exponent = j - k;
  for (;;) {
    const q = (digits / 10) | 0;
    if (digits !== q * 10) break;
    digits = q;
    count--;
    exponent++;
  }
  if (value < 0) out[at++] = 45; // '-'
  const point = count + exponent; // digits before the decimal point
  if (point <= 0) {
    out[at++] = 48;
    out[at++] = 46;
    for (let i = 0; i < -point; i++) out[at++] = 48;
  }
  // The digits right to left, two at a time. With the point inside them they go one place further right; then the
  // digits before the point move back one place and the point goes after them.
  const dot = point > 0 && point < count;
  writeDigitsBefore(digits, out, (dot ? at + 1 : at) + count);
  if (dot) {
    for (let i = 0; i < point; i++) out[at + i] = out[at + 1 + i]!;
    out[at + point] = 46; // '.'
    return at + count + 1;
  }
  at += count;
  for (let i = 0; i < exponent; i++) out[at++] = 48;
  return at;
}

/**
 * The multiple of 10^j (as its multiplier) in the interval [low, high] (open when not `inclusive`) nearest to
 * `scaled`, the even one on a tie; -1 when none is inside. All operands are integers or exact doubles below 2^53.
 */
function nearestInside(scaled: number, low: number, high: number, inclusive: boolean, j: number): number {
  const step = POW10[j]!;
  // A multiplication by the reciprocal instead of a division: the quotient may be off by one, which the two checks
  // below correct (they compare exact products).
  let c = Math.floor(scaled * INV_POW10[j]!);
  if (c * step > scaled) c--;
  else if ((c + 1) * step <= scaled) c++;
  const down = c * step;
  const up = down + step;
  const downIn = inclusive ? down >= low : down > low;
  const upIn = inclusive ? up <= high : up < high;
  if (downIn && upIn) {
    const under = scaled - down;
    const over = up - scaled;
    return under < over || (under === over && c % 2 === 0) ? c : c + 1;
  }
  return downIn ? c : upIn ? c + 1 : -1;
}

function slow(value: number, out: Uint8Array, at: number): number {
  const text = formatFloat32(value);
  for (let c = 0; c < text.length; c++) out[at++] = text.charCodeAt(c);
  return at;
}
