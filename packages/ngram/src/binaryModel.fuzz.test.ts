import { NlpkitError, createRng, evaluatePerplexity } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { modelSpec, specArpa, valuesInDomain } from '../test/randomModels.js';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { BinaryModelFormatError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { readArpa } from './readArpa.js';
import { writeArpa } from './writeArpa.js';

const RUNS = 10_000;
const TEST = [['a', 'b'], ['中', 'zzz', 'a'], []];

/** ARPA lines sorted: the same model whatever order its ids are in. */
const sortedArpa = (text: string): string => text.split('\n').sort().join('\n');

describe('binary model fuzz (issue 13)', () => {
  it('issue 13 fuzz: load(toBinary(m)) = m for random small models', () => {
    fc.assert(
      fc.property(modelSpec, fc.boolean(), (spec, q8) => {
        const model = readArpa(specArpa(spec));
        const loaded = loadBinaryModel(toBinaryModel(model, { quantize: q8 ? 'q8' : 'none' }));
        if (!valuesInDomain(loaded)) expect.fail('loaded values out of domain');
        if (!q8) {
          const a = sortedArpa(writeArpa(loaded));
          if (a !== sortedArpa(writeArpa(model))) expect(a).toBe(sortedArpa(writeArpa(model)));
        } else expect(loaded.counts).toEqual(model.counts);
      }),
      { numRuns: RUNS, seed: 1315 },
    );
  });

  it('issue 13 fuzz: corrupted, truncated or extended bytes give an NlpkitError, never NaN or positive log-probabilities', () => {
    const edit = fc.tuple(fc.constantFrom('set', 'truncate', 'append', 'flip'), fc.nat(), fc.integer({ min: 0, max: 255 }));
    let refused = 0;
    let loadedUnverified = 0;
    fc.assert(
      fc.property(modelSpec, fc.boolean(), fc.array(edit, { minLength: 1, maxLength: 3 }), (spec, q8, edits) => {
        const original = toBinaryModel(readArpa(specArpa(spec)), { quantize: q8 ? 'q8' : 'none' });
        let bytes = original.slice();
        for (const [kind, at, value] of edits) {
          const i = at % Math.max(1, bytes.length);
          if (kind === 'set') bytes[i] = value;
          else if (kind === 'flip') bytes[i] = bytes[i]! ^ (1 << (value % 8));
          else if (kind === 'truncate') bytes = bytes.slice(0, i);
          else bytes = Uint8Array.from([...bytes, value, value]);
        }
        const unchanged = bytes.length === original.length && bytes.every((b, i) => b === original[i]);
        // Verified (the default): any change is refused.
        try {
          loadBinaryModel(bytes);
          if (!unchanged) expect.fail('damaged bytes loaded without an error');
        } catch (error) {
          if (!(error instanceof NlpkitError)) throw error;
          if (unchanged) throw error;
          refused++;
        }
        // Unverified: an error, or a model whose values are in their domain and whose scores are never NaN.
        try {
          const model = loadBinaryModel(bytes, { verify: false });
          loadedUnverified++;
          if (!valuesInDomain(model)) expect.fail('values out of domain');
          // (A positive backoff may lift a sum above 0 in a random model, damaged or not: only NaN is checked.)
          const { log10Prob } = evaluatePerplexity(model, TEST);
          if (Number.isNaN(log10Prob)) expect.fail('NaN log10Prob');
        } catch (error) {
          if (!(error instanceof NlpkitError)) throw error;
        }
      }),
      { numRuns: RUNS, seed: 1316 },
    );
    console.info(`binary corruption fuzz: ${RUNS} cases, ${refused} refused when verified, ${loadedUnverified} loaded with verify: false`);
    expect(refused).toBeGreaterThan(RUNS * 0.9);
  });

  it('issue 11: overwriting any byte range, at every offset, gives a BinaryModelFormatError (verified) or a model in its domain (not)', () => {
    // A real estimated model (3 orders, a vocabulary with multi-byte words), float32 and 8-bit quantized; at every
    // byte offset, ranges of 1, 4, 64 bytes and the whole rest are overwritten with zeros, 0xff or random bytes.
    const rng = createRng(11);
    const train = Array.from({ length: 60 }, () => Array.from({ length: 2 + rng.int(6) }, () => ['a', 'b', 'c', 'ü', '中', 'd', 'zz'][rng.int(7)]!));
    const model = estimateKneserNey(train, { order: 3, onWarning: () => {} }).model;
    let cases = 0;
    for (const quantize of ['none', 'q8'] as const) {
      const original = toBinaryModel(model, { quantize });
      for (let at = 0; at < original.length; at++) {
        for (const length of [1, 4, 64, original.length - at]) {
          const fill = [0x00, 0xff, -1][(at + length) % 3]!;
          const bytes = original.slice();
          for (let i = at; i < Math.min(bytes.length, at + length); i++) bytes[i] = fill < 0 ? rng.int(256) : fill;
          if (bytes.every((b, i) => b === original[i])) continue;
          cases++;
          let verified: unknown;
          try {
            loadBinaryModel(bytes);
          } catch (error) {
            verified = error;
          }
          if (!(verified instanceof BinaryModelFormatError)) expect.fail(`${quantize}: ${length} bytes at ${at} loaded or threw ${String(verified)}`);
          try {
            const loaded = loadBinaryModel(bytes, { verify: false });
            if (!valuesInDomain(loaded)) expect.fail(`${quantize}: ${length} bytes at ${at}: values out of domain`);
            if (Number.isNaN(evaluatePerplexity(loaded, TEST).log10Prob)) expect.fail(`${quantize}: ${length} bytes at ${at}: NaN`);
          } catch (error) {
            if (!(error instanceof NlpkitError)) throw error;
          }
        }
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });
});