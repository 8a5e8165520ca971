import { NlpkitError } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SpecEntry, modelSpec, specArpa, stored, valuesInDomain } from '../test/randomModels.js';
import { readArpa } from './readArpa.js';
import { writeArpa } from './writeArpa.js';

const RUNS = 10_000;

describe('ARPA fuzz (issue 13)', () => {
  it('issue 13 fuzz: read(write(m)) = m for random small models (orders 1–3, float32 log10 values)', () => {
    fc.assert(
      fc.property(modelSpec, (spec) => {
        const model = readArpa(specArpa(spec));
        const text = writeArpa(model);
        const again = readArpa(text);
        // Plain comparisons (one expect per case keeps 10,000 cases within a few seconds).
        const same = (got: [number, number] | undefined, e: SpecEntry): boolean => got !== undefined && Object.is(got[0], e.prob) && Object.is(got[1], e.backoff);
        const wrong = spec.sections.flat().filter((e) => !same(stored(model, e.words), e) || !same(stored(again, e.words), e));
        expect(wrong).toEqual([]);
        if (writeArpa(again) !== text) expect(writeArpa(again)).toBe(text);
      }),
      { numRuns: RUNS, seed: 1313 },
    );
  });

  it('issue 13 fuzz: mutated ARPA text reads to a model with values in their domain, or throws an NlpkitError', () => {
    const token = fc.constantFrom('\\data\\', '\\end\\', '\\1-grams:', '\\2-grams:', 'ngram 1=1', 'ngram 2=99999999999', '\n', '\r', '\t', ' ', '1e999', '-1e39', '-inf', 'inf', 'nan', '0.5', '\0', '\x1f\x8b', '<pad>', '<s>', '-', '.', 'e', '9', '__proto__', '\uFFFD');
    const mutation = fc.tuple(fc.constantFrom('insert', 'delete', 'replace', 'duplicate', 'truncate'), fc.nat(), fc.nat({ max: 40 }), token);
    fc.assert(
      fc.property(modelSpec, fc.array(mutation, { minLength: 1, maxLength: 4 }), (spec, mutations) => {
        let text = specArpa(spec);
        for (const [kind, at, length, t] of mutations) {
          const i = at % (text.length + 1);
          if (kind === 'insert') text = text.slice(0, i) + t + text.slice(i);
          else if (kind === 'delete') text = text.slice(0, i) + text.slice(i + length);
          else if (kind === 'replace') text = text.slice(0, i) + t + text.slice(i + t.length);
          else if (kind === 'duplicate') text = text.slice(0, i) + text.slice(i, i + length) + text.slice(i);
          else text = text.slice(0, i);
        }
        try {
          const model = readArpa(text);
          if (!valuesInDomain(model)) expect.fail(`values out of domain after reading ${JSON.stringify(text)}`);
          // Whatever was read writes back to text the reader accepts (no "inf", no NaN).
          readArpa(writeArpa(model));
        } catch (error) {
          if (!(error instanceof NlpkitError)) throw error;
        }
      }),
      { numRuns: RUNS, seed: 1314 },
    );
  });
});
