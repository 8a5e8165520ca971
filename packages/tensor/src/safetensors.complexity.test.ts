import * as tf from '@tensorflow/tfjs-core';
import { measureRatio } from '@nlpkit/vitest-config';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './initBackend.js';
import { parseSafetensors, type RawTensor, serializeSafetensors } from './safetensorsFormat.js';
import { loadSafetensors } from './stateDict.js';

// Issue 13: every reader is linear in its input. Each case times ~1 MB against ~10 MB; the ratio must stay ≤ 15.
// The small run is measured against a floor of 50 ms, so that a fast small run does not turn timer noise (and a
// loaded 2-core CI machine) into a ratio; anything quadratic still shows: 10× the input is then 100× the time.
const FLOOR_MS = 50;

function ratio(label: string, small: () => void, large: () => void): number {
  const r = measureRatio(label, small, large, { floorMs: FLOOR_MS, repeats: 3 });
  console.log(`${label} 1 MB ${r.smallMs} ms, 10 MB ${r.largeMs} ms: ratio ${r.ratio}`);
  return r.ratio;
}

/**
 * A file of `count` one-element F32 tensors with 200-character names: almost all header (~260 bytes per tensor).
 * (Shorter names put ten times more tiny objects in the same megabytes, and then the machine's caches and the
 * garbage collector — not the reader — decide the ratio.)
 */
function headerHeavy(count: number): Uint8Array {
  const tensors = new Map<string, RawTensor>();
  const stem = 'encoder.layers.'.padEnd(190, 'x');
  for (let i = 0; i < count; i++) tensors.set(`${stem}.${i}.weight`, { dtype: 'F32', shape: [1], data: new Uint8Array(4) });
  return serializeSafetensors(tensors);
}

/** A file of one F16 tensor of `bytes` bytes: almost all data (widened element by element on load). */
function dataHeavy(bytes: number): Uint8Array {
  return serializeSafetensors(new Map([['w', { dtype: 'F16', shape: [bytes / 2], data: new Uint8Array(bytes).fill(0x3c) }]]));
}

/** A file whose only header content is one metadata string of `bytes` brackets (the nesting scan's input). */
function bracketString(bytes: number): Uint8Array {
  return serializeSafetensors(new Map(), { note: '[{'.repeat(bytes / 2) });
}

describe('safetensors readers are linear (issue 13 complexity suite)', () => {
  beforeAll(async () => {
    await initBackend({ env: {}, only: 'cpu' });
  });

  it('parseSafetensors: 1 MB vs 10 MB of header (4k vs 40k tensors)', () => {
    const small = headerHeavy(4_000);
    const large = headerHeavy(40_000);
    expect(large.length).toBeGreaterThan(9 * small.length);
    const r = ratio('parseSafetensors, header-heavy:', () => parseSafetensors(small), () => parseSafetensors(large));
    expect(r).toBeLessThanOrEqual(15);
  });

  it('parseSafetensors: 1 MB vs 10 MB of brackets inside a header string (the depth scan)', () => {
    const small = bracketString(1 << 20);
    const large = bracketString(10 << 20);
    const r = ratio('parseSafetensors, brackets in a string:', () => parseSafetensors(small), () => parseSafetensors(large));
    expect(r).toBeLessThanOrEqual(15);
  });

  it('loadSafetensors: 1 MB vs 10 MB of F16 data', () => {
    const small = dataHeavy(1 << 20);
    const large = dataHeavy(10 << 20);
    const load = (bytes: Uint8Array) => () => tf.dispose(Object.values(loadSafetensors(bytes).tensors));
    const r = ratio('loadSafetensors, F16 data:', load(small), load(large));
    expect(r).toBeLessThanOrEqual(15);
  });
});
