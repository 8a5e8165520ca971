import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLog10f, log10fInto } from './log10f.js';

// glibc 2.36's log10f on float32 inputs (bit patterns), from scripts/golden/ngram/glibc_log10f.py.
const glibc = JSON.parse(readFileSync(new URL('../test/fixtures/glibc-log10f.json', import.meta.url), 'utf8')) as Record<
  'random' | 'notCorrectlyRounded' | 'edges',
  [number, number][]
>;
const toFloat = (bits: number): number => new Float32Array(new Uint32Array([bits]).buffer)[0]!;
const toBits = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;

describe('createLog10f', () => {
  for (const set of ['random', 'notCorrectlyRounded', 'edges'] as const) {
    it(`returns glibc's log10f bit for bit (${set} inputs)`, () => {
      const log10f = createLog10f();
      const wrong = glibc[set].filter(([x, y]) => toBits(log10f(toFloat(x))) !== y);
      expect(wrong).toEqual([]);
    });
  }

  it('differs from the correctly rounded log10 exactly where glibc does (the test can fail)', () => {
    const log10f = createLog10f();
    const rounded = glibc.notCorrectlyRounded.filter(([x]) => toBits(log10f(toFloat(x))) === toBits(Math.log10(toFloat(x))));
    expect(rounded).toEqual([]);
  });

  it('gives log10 of 0, 1, infinity and NaN as C does', () => {
    const log10f = createLog10f();
    expect([log10f(0), log10f(1), log10f(Infinity), log10f(Number.NaN), log10f(-1)]).toEqual([-Infinity, 0, Infinity, Number.NaN, Number.NaN]);
  });
});

describe('log10fInto', () => {
  for (const set of ['random', 'notCorrectlyRounded', 'edges'] as const) {
    it(`gives glibc's log10f bit for bit over a whole array (${set} inputs)`, () => {
      const src = Float32Array.from(glibc[set], ([x]) => toFloat(x));
      const dst = new Float32Array(src.length);
      log10fInto(src, 0, 1, dst, src.length, false);
      const wrong = glibc[set].filter(([, y], i) => toBits(dst[i]!) !== y);
      expect(wrong).toEqual([]);
    });
  }

  it('with `repeats` (a cache by input bits) gives the same bits, for repeated, colliding and edge inputs', () => {
    // Far more distinct values than cache slots (collisions evict), each repeated, in a shuffled order, with the
    // edges (0, -0, subnormals, Infinity, NaN, and the NaN whose bits mark an empty slot) among them.
    const base = [...glibc.random, ...glibc.notCorrectlyRounded, ...glibc.edges].map(([x]) => toFloat(x));
    const emptyKeyNaN = new Float32Array(new Uint32Array([0xffffffff]).buffer)[0]!;
    const values = [...base, ...base.slice(0, 5000), ...base.slice(0, 500), 0, -0, emptyKeyNaN, emptyKeyNaN];
    for (let i = values.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [values[i], values[j]] = [values[j]!, values[i]!];
    }
    const src = Float32Array.from(values);
    for (const clamp of [false, true]) {
      const plain = new Float32Array(src.length);
      const cached = new Float32Array(src.length).fill(42);
      log10fInto(src, 0, 1, plain, src.length, clamp);
      log10fInto(src, 0, 1, cached, src.length, clamp, true);
      expect(Buffer.from(cached.buffer).equals(Buffer.from(plain.buffer))).toBe(true);
    }
    // A stride into a larger array, as the estimator reads its contexts' weights.
    const strided = new Float32Array(3 * 1000);
    for (let i = 0; i < 1000; i++) strided[3 * i + 1] = src[i % 37]!;
    const a = new Float32Array(1000);
    const b = new Float32Array(1000);
    log10fInto(strided, 1, 3, a, 1000, false);
    log10fInto(strided, 1, 3, b, 1000, false, true);
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
  });

  it('reads every stride-th value from the start given, and writes count values', () => {
    // Values at 1, 4, 7, 10 (stride 3); the others would give other logarithms.
    const src = Float32Array.from([7, 10, 7, 7, 100, 7, 7, 0.001, 7, 7, 1, 7, 1000]);
    const dst = new Float32Array(6).fill(42);
    log10fInto(src, 1, 3, dst, 4, false);
    expect(Array.from(dst)).toEqual([1, 2, -3, 0, 42, 42]);
  });

  it('clamps positive logarithms to 0 when asked (as lmplz clamps rounding above probability 1), and only then', () => {
    const src = Float32Array.from([1.0000001, 2, 0.5, 0, Number.NaN]);
    const clamped = new Float32Array(5);
    const plain = new Float32Array(5);
    log10fInto(src, 0, 1, clamped, 5, true);
    log10fInto(src, 0, 1, plain, 5, false);
    const log10f = createLog10f();
    expect(Array.from(clamped)).toEqual([0, 0, log10f(Math.fround(0.5)), -Infinity, Number.NaN]);
    expect(Array.from(plain)).toEqual(Array.from(src, (x) => log10f(x)));
    expect(plain[0]).toBeGreaterThan(0);
  });
});
