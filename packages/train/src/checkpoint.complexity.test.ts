import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@nlpkit/tensor';
import { measureRatio } from '@nlpkit/vitest-config';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';

// Issue 13: every reader is linear in its input. ~1 MB against ~10 MB; the ratio must stay ≤ 15, the small run
// measured against a floor of 50 ms (timer noise on a loaded 2-core machine; a quadratic reader would still show
// 100×).
const FLOOR_MS = 50;

function ratio(label: string, small: () => void, large: () => void): number {
  const r = measureRatio(label, small, large, { floorMs: FLOOR_MS, repeats: 3 });
  console.log(`${label} 1 MB ${r.smallMs} ms, 10 MB ${r.largeMs} ms: ratio ${r.ratio}`);
  return r.ratio;
}

const decode = (bytes: Uint8Array) => () => {
  const ck = decodeCheckpoint(bytes);
  tf.dispose([...Object.values(ck.params), ...Object.values(ck.optimizer)]);
};

describe('checkpoint reading is linear (issue 13 complexity suite)', () => {
  beforeAll(async () => {
    await initBackend({ only: 'cpu', env: {} });
  });

  it('decodeCheckpoint: 1 MB vs 10 MB of parameters', () => {
    const make = (floats: number) => {
      const w = tf.zeros([floats]);
      const bytes = encodeCheckpoint({ params: { w }, optimizer: {}, optimizerKind: 'sgd', rng: null, loop: { step: 1 } });
      w.dispose();
      return bytes;
    };
    expect(ratio('decodeCheckpoint, parameters:', decode(make(1 << 18)), decode(make(10 << 18)))).toBeLessThanOrEqual(15);
  });

  it('decodeCheckpoint: 1 MB vs 10 MB of loop-state JSON in the header', () => {
    const make = (bytes: number) => {
      const w = tf.zeros([1]);
      const loop = { step: 1, history: Array.from({ length: bytes / 8 }, (_, i) => i % 1000) };
      const out = encodeCheckpoint({ params: { w }, optimizer: {}, optimizerKind: 'sgd', rng: null, loop });
      w.dispose();
      return out;
    };
    const small = make(1 << 20);
    const large = make(10 << 20);
    expect(large.length).toBeLessThan(16 << 20);
    expect(ratio('decodeCheckpoint, loop JSON:', decode(small), decode(large))).toBeLessThanOrEqual(15);
  });
});
