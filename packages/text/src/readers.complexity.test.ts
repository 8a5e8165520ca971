import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MAX_RATIO, MB, sized, timeRatio, timeRatioAsync } from '../test/complexity.js';
import { readLines } from './node.js';
import { readBrown } from './readBrown.js';
import { readConll } from './readConll.js';
import { readConllu } from './readConllu.js';
import { readParallel } from './readParallel.js';
import { readSentencePerLine } from './readSentencePerLine.js';

// Issue 13 complexity suite for the readers: ~1 MB vs ~10 MB of input, realistic files and adversarial ones (one
// long line, one long token, a long run of spaces, combining runs); the time ratio must stay ≤ 15. One line made
// of a million tokens (or features) is measured at 200 kB vs 2 MB: at 10 MB its time goes to collecting the
// garbage of one array of millions of strings, which grows faster than linearly in V8 whatever the reader does.

const lines = (text: string): string[] => text.split('\n');
// Every item read is kept and returned, as a user's program keeps what it reads (and as measureRatio keeps the
// results of its ten small runs alive, so both sides carry the same heap).
const drain = (it: Iterable<unknown>): unknown[] => Array.from(it);

/** Realistic and adversarial line files of about `n` code units, for a reader of `unit`-shaped lines. */
function files(unit: string, n: number): Record<string, string[]> {
  return {
    realistic: lines(sized(unit, n)),
    'one long line': [sized(unit.replace(/\n/g, ' '), n / 5)],
    'one long token': [`${'x'.repeat(n)}${unit.split('\n')[0] as string}`],
    'long run of Unicode spaces': [`a/b${'\u3000'.repeat(n)}c/d`],
    'long combining run': [`a${'\u0301'.repeat(n)}/x y/z`],
  };
}

const CONLL = 'São NNP B-LOC\nPaulo NNP I-LOC\nis VBZ O\nbig JJ O\n\n';
const CONLLU = '# sent_id = 1\n1\tLe\tle\tDET\t_\tDefinite=Def|Number=Sing\t2\tdet\t_\t_\n2\tchat\tchat\tNOUN\t_\t_\t0\troot\t_\tSpaceAfter=No\n\n';
const BROWN = 'The/at jury/nn said/vbd 1/2/cd of/in it/pps ./.\n';
const PLAIN = 'the café in São Paulo was open , they said 👩‍👩‍👧 .\n';

const READERS: readonly (readonly [string, (lines: string[]) => unknown[], string])[] = [
  ['readConll', (l) => drain(readConll(l)), CONLL],
  ['readSentencePerLine', (l) => drain(readSentencePerLine(l)), PLAIN],
  ['readBrown', (l) => drain(readBrown(l)), BROWN],
  ['readParallel', (l) => drain(readParallel(l, l)), PLAIN],
];

describe('readers: issue 13 complexity (10× input, time ratio ≤ 15)', () => {
  for (const [name, read, unit] of READERS) {
    it(`${name}: realistic and adversarial files (1 MB vs 10 MB)`, () => {
      const small = files(unit, MB);
      const large = files(unit, 10 * MB);
      for (const label of Object.keys(small)) {
        const { ratio } = timeRatio(`${name} / ${label}${label === 'one long line' ? ' (200 kB vs 2 MB)' : ''}`, read, small[label] as string[], large[label] as string[]);
        expect(ratio, `${name} on ${label}`).toBeLessThanOrEqual(MAX_RATIO);
      }
    });
  }

  it('readConllu: realistic and adversarial files (1 MB vs 10 MB)', () => {
    const read = (l: string[]) => drain(readConllu(l));
    const cases: Record<string, [string[], string[]]> = {
      realistic: [lines(sized(CONLLU, MB)), lines(sized(CONLLU, 10 * MB))],
      'one long field': [[`1\t${'x'.repeat(MB)}\t_\t_\t_\t_\t0\troot\t_\t_`], [`1\t${'x'.repeat(10 * MB)}\t_\t_\t_\t_\t0\troot\t_\t_`]],
      'long feature list (200 kB vs 2 MB)': [[`1\tx\tx\tX\t_\t${sized('F=V|', MB / 5)}\t0\troot\t_\t_`], [`1\tx\tx\tX\t_\t${sized('F=V|', (10 * MB) / 5)}\t0\troot\t_\t_`]],
      'one long comment': [[`# ${'c'.repeat(MB)}`], [`# ${'c'.repeat(10 * MB)}`]],
    };
    for (const [label, [a, b]] of Object.entries(cases)) {
      const { ratio } = timeRatio(`readConllu / ${label}`, read, a, b);
      expect(ratio, `readConllu on ${label}`).toBeLessThanOrEqual(MAX_RATIO);
    }
  });

  it('readLines: realistic, one long line, CR-only, in 64 KB chunks (1 MB vs 10 MB)', async () => {
    const chunks = (text: string): Buffer[] => {
      const bytes = Buffer.from(text);
      const out: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += 65_536) out.push(bytes.subarray(i, i + 65_536));
      return out;
    };
    const read = async (c: Buffer[]): Promise<string[]> => {
      const out: string[] = [];
      for await (const line of readLines(Readable.from(c))) out.push(line);
      return out;
    };
    const cases: Record<string, [Buffer[], Buffer[]]> = {
      realistic: [chunks(sized(PLAIN, MB)), chunks(sized(PLAIN, 10 * MB))],
      'one long line': [chunks(sized('é ', MB)), chunks(sized('é ', 10 * MB))],
      'CR-only line endings': [chunks(sized('line\r', MB)), chunks(sized('line\r', 10 * MB))],
    };
    for (const [label, [a, b]] of Object.entries(cases)) {
      const { ratio } = await timeRatioAsync(`readLines / ${label}`, read, a, b);
      expect(ratio, `readLines on ${label}`).toBeLessThanOrEqual(MAX_RATIO);
    }
  });
});
