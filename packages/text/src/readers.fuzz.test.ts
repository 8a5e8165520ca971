import { Readable } from 'node:stream';
import { NlpkitError } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FUZZ_RUNS, FUZZ_SEED } from '../test/fuzz.js';
import { readLines } from './node.js';
import { readBrown } from './readBrown.js';
import { readConll } from './readConll.js';
import { readConllu } from './readConllu.js';

// Issue 13 fuzz suite for the readers of untrusted files: random mutations of valid files give records or a typed
// NlpkitError (10,000 seeded cases per reader), never another error and never a hang.

const CONLLU = [
  '# sent_id = fr-1',
  '# text = Le chat du voisin dort.',
  '1\tLe\tle\tDET\t_\tDefinite=Def|Gender=Masc|Number=Sing\t2\tdet\t_\t_',
  '2\tchat\tchat\tNOUN\t_\tGender=Masc|Number=Sing\t4\tnsubj\t_\t_',
  '3-4\tdu\t_\t_\t_\t_\t_\t_\t_\t_',
  '3\tde\tde\tADP\t_\t_\t4\tcase\t_\t_',
  '4\tdort\tdormir\tVERB\t_\tMood=Ind\t0\troot\t_\tSpaceAfter=No',
  '4.1\tva\taller\tVERB\t_\t_\t_\t_\t0:root\t_',
  '',
  '1\tÇa\tcela\tPRON\t_\t__proto__=x\t2\tnsubj\t_\t_',
  '2\tva\taller\tVERB\t_\t_\t0\troot\t_\t_',
  '',
].join('\n');
const CONLL = '-DOCSTART- -X- O O\n\nSão NNP B-LOC\nPaulo NNP I-LOC\n\nOlá UH O\n';
const BROWN = 'The/at jury/nn said/vbd 1/2/cd ./.\n\nIt/pps ended/vbd ./.\n';

const NOISE = ['\t', '\n', '\r', ' ', '#', '-', '.', '_', '|', '=', '/', '0', '1', '9', 'x', 'é', '\uFEFF', '\u3000', '\u0301', '99999999999999999999', '__proto__'];

/** A valid file with a few random edits: insertions, deletions, duplicated or dropped lines, truncation. */
function mutated(valid: string): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.tuple(fc.constant('insert' as const), fc.nat(), fc.constantFrom(...NOISE)),
    fc.tuple(fc.constant('delete' as const), fc.nat(), fc.integer({ min: 1, max: 12 })),
    fc.tuple(fc.constant('duplicate' as const), fc.nat(), fc.integer({ min: 1, max: 40 })),
    fc.tuple(fc.constant('truncate' as const), fc.nat(), fc.constant(0)),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let s = valid;
    for (const [kind, at, arg] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (kind === 'insert') s = s.slice(0, i) + arg + s.slice(i);
      else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + arg);
      else if (kind === 'duplicate') s = s.slice(0, i) + s.slice(i, i + arg) + s.slice(i);
      else s = s.slice(0, i);
    }
    return s;
  });
}

/** How many mutated files were read and how many were rejected, so the suite shows it exercises both. */
const tally = { read: 0, rejected: 0 };

/** Reading either succeeds or throws an NlpkitError (a FormatError, with a line number, for bad records). */
function readsOrFormatError(read: () => unknown[]): void {
  try {
    read();
    tally.read++;
  } catch (e) {
    tally.rejected++;
    expect(e).toBeInstanceOf(NlpkitError);
    const { code, line } = e as { code: string; line?: number };
    expect(code).toBe('ERR_FORMAT');
    expect(line).toBeGreaterThan(0);
  }
}

describe('readers: issue 13 fuzz (10,000 mutated files each)', () => {
  it('readConllu: records or a FormatError with a line number', () => {
    tally.read = tally.rejected = 0;
    fc.assert(
      fc.property(mutated(CONLLU), (text) => readsOrFormatError(() => [...readConllu(text.split('\n'))])),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
    // Both outcomes are common: the mutations are neither all harmless nor all fatal.
    expect(tally.read).toBeGreaterThan(FUZZ_RUNS / 20);
    expect(tally.rejected).toBeGreaterThan(FUZZ_RUNS / 20);
  });

  it('readConll: records or a FormatError with a line number', () => {
    fc.assert(
      fc.property(mutated(CONLL), (text) => readsOrFormatError(() => [...readConll(text.split('\n'))])),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });

  it('readBrown: records or a FormatError with a line number', () => {
    fc.assert(
      fc.property(mutated(BROWN), (text) => readsOrFormatError(() => [...readBrown(text.split('\n'))])),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });

  it('readLines over random bytes in random chunks: lines that rejoin to the decoded text, or a LineTooLongError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 12 }), { maxLength: 5 }), async (chunks) => {
        const lines: string[] = [];
        try {
          for await (const line of readLines(Readable.from(chunks.map((c) => Buffer.from(c))), { maxLineLength: 20 })) lines.push(line);
        } catch (e) {
          expect(e).toMatchObject({ code: 'ERR_LINE_TOO_LONG' });
          return;
        }
        const text = new TextDecoder().decode(Buffer.concat(chunks));
        const expected = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
        if (text.endsWith('\n') || text === '') expected.pop();
        expect(lines).toEqual(expected);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });
});
