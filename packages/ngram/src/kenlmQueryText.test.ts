import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { zeroGammaCases } from '../test/zeroGammaCases.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { KenlmQueryOutput } from './kenlmQueryOutput.js';
import { KenlmQueryText } from './kenlmQueryText.js';
import { readArpa } from './readArpa.js';
import { Utf8TextScorer } from './utf8TextScorer.js';

interface Fixture {
  arpa: string;
  test: string;
  query: { wordOutput: string };
}

const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as Fixture;

/** What `query` prints for `text` through a scorer with onLine and a KenlmQueryText, fed `chunk` bytes at a time. */
function queryText(model: BackoffLanguageModel, text: Uint8Array, chunk = text.length): string {
  const formatter = new KenlmQueryText();
  let out = new Uint8Array(64);
  let at = 0;
  const scorer = new Utf8TextScorer(model, {
    onLine: (line) => {
      const room = KenlmQueryText.maxBytes(line);
      if (at + room > out.length) {
        const grown = new Uint8Array(2 * (at + room));
        grown.set(out.subarray(0, at));
        out = grown;
      }
      const end = formatter.line(line, out, at);
      expect(end - at).toBeLessThanOrEqual(room);
      at = end;
    },
  });
  for (let i = 0; i < text.length; i += chunk) scorer.push(text.subarray(i, i + chunk));
  scorer.flush();
  return new TextDecoder().decode(out.subarray(0, at)) + formatter.summary();
}

describe('KenlmQueryText', () => {
  it("prints KenLM query's whole output byte for byte (KenLM fixture: Unicode words, OOVs, an empty line)", () => {
    const text = new TextEncoder().encode(kenlm.test);
    const expected = kenlm.query.wordOutput;
    expect(expected).toMatch(/OOV: [1-9]/);
    expect(queryText(readArpa(kenlm.arpa), text)).toBe(expected);
    // Through the binary model, and with the text in small pieces: the same bytes.
    const binary = loadBinaryModel(toBinaryModel(readArpa(kenlm.arpa)));
    expect(queryText(binary, text, 7)).toBe(expected);
  });

  it('writes ids and n-gram lengths of every width, and -inf / inf as KenLM does', () => {
    // 1,200 words: ids of 1 to 4 digits.
    const train = Array.from({ length: 3000 }, (_, i) => [`w${i % 1200}`, `w${(i * 7) % 1200}`, `w${(i * 13) % 1200}`]);
    const { model } = estimateKneserNey(train, { order: 3 });
    const text = new TextEncoder().encode('w1 w7 w13\nw1199 w5 unseen\n');
    const lines = queryText(model, text).split('\n');
    expect(lines[0]).toMatch(/^w1=\d+ 2 -\S+\tw7=\d+ 3 -\S+\tw13=\d+ 3 -\S+\t<\/s>=2 3 -\S+\tTotal: -\S+ OOV: 0$/);
    expect(lines[1]).toMatch(/^w1199=\d{4} \d -\S+\tw5=\d+ \d -\S+\tunseen=0 1 -\S+\t<\/s>=2 1 -\S+\tTotal: -\S+ OOV: 1$/);
    // A context whose gamma is 0 (backoff -inf): "a" then anything but "b" has probability 0.
    const zero = zeroGammaCases()[0]!;
    const inf = queryText(estimateKneserNey(zero.sentences, { order: zero.order }).model, new TextEncoder().encode('a c\n'));
    expect(() => new KenlmQueryOutput(42 as never)).toThrow(/onBlock.*a function/);
    expect(inf).toMatch(/^a=\d+ 2 -\S+\tc=\d+ 1 -inf\t<\/s>=2 2 -\S+\tTotal: -inf OOV: 0\nPerplexity including OOVs:\tinf\n/);
  });

  it('a text formatted in parts, each part\'s figures recorded and added in order, sums as one formatter does', () => {
    // Many lines with OOV tokens, and totals whose double sums depend on their order.
    const lines = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? `${kenlm.test.split('\n')[i % 5]} zebra${i}` : kenlm.test.split('\n')[(i * 7) % 5]));
    const model = readArpa(kenlm.arpa);
    const whole = new KenlmQueryText();
    const parts = [new KenlmQueryText({ record: true }), new KenlmQueryText({ record: true })];
    const first = new KenlmQueryText();
    const out = new Uint8Array(1 << 20);
    lines.forEach((line, i) => {
      const scorer = new Utf8TextScorer(model, {
        onLine: (scored) => {
          whole.line(scored, out, 0);
          // Lines 0–99 to the first formatter; the rest alternately to two recording ones, taken in turn.
          (i < 100 ? first : parts[i % 2]!).line(scored, out, 0);
        },
      });
      scorer.push(new TextEncoder().encode(`${line}\n`));
      if (i >= 100) first.addRecorded(parts[i % 2]!.takeRecorded());
    });
    expect(first.lines).toBe(400);
    expect(first.summary()).toBe(whole.summary());
    expect(whole.summary()).toMatch(/OOVs:\t[1-9]/);
    // Taking starts over: nothing recorded since.
    expect(parts[0]!.takeRecorded()).toEqual({ lineTotals: new Float64Array(0), oovLog10Probs: new Float64Array(0), oov: 0, tokens: 0 });
    // Two halves recorded apart, added in order.
    const a = new KenlmQueryText({ record: true });
    const b = new KenlmQueryText({ record: true });
    const scoreInto = (formatter: KenlmQueryText, from: number, to: number): void => {
      const scorer = new Utf8TextScorer(model, { onLine: (scored) => void formatter.line(scored, out, 0) });
      scorer.push(new TextEncoder().encode(`${lines.slice(from, to).join('\n')}\n`));
    };
    scoreInto(a, 0, 200);
    scoreInto(b, 200, 400);
    const [ra, rb] = [a.takeRecorded(), b.takeRecorded()];
    const inOrder = new KenlmQueryText();
    inOrder.addRecorded(ra);
    inOrder.addRecorded(rb);
    expect(inOrder.summary()).toBe(whole.summary());

  });

  it('takeRecorded needs a recording formatter; options are checked', () => {
    expect(() => new KenlmQueryText().takeRecorded()).toThrow(/options\.record/);
    expect(() => new KenlmQueryText({ record: 'yes' as never })).toThrow(/options\.record.*a boolean/);
    expect(() => new KenlmQueryText({ recrod: true } as never)).toThrow(/recrod/);
  });
});
