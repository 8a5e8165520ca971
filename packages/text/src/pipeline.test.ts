import { describe, expect, it } from 'vitest';
import { collapseWhitespace, lowercase, nfkc, stripAccents } from './normalizers.js';
import { pipeline } from './pipeline.js';
import { removeStopWords } from './stopWords.js';
import { wordTokenize } from './wordTokenize.js';

describe('pipeline', () => {
  it('composes steps left to right', () => {
    const clean = pipeline(nfkc, lowercase, stripAccents, collapseWhitespace);
    expect(clean('  Ｃrème   BRÛLÉE ')).toBe('creme brulee');
    const tokens = pipeline(clean, wordTokenize, removeStopWords('en'), (ts) => ts.map((t) => t.text));
    expect(tokens('The CAFÉ and the Crème')).toEqual(['cafe', 'creme']);
    expect(pipeline()('same')).toBe('same');
  });

  it('maps lazily over sync iterables', () => {
    const seen: string[] = [];
    const p = pipeline((s: string) => {
      seen.push(s);
      return s.length;
    });
    const it = p.map(['a', 'bb', 'ccc']);
    expect(seen).toEqual([]);
    expect(it.next().value).toBe(1);
    expect([...it]).toEqual([2, 3]);
  });

  it('maps over async iterables', async () => {
    async function* lines(): AsyncGenerator<string> {
      yield 'Ünïcödé';
      yield 'ÀB';
    }
    const out: string[] = [];
    for await (const s of pipeline(lowercase, stripAccents).map(lines())) out.push(s);
    expect(out).toEqual(['unicode', 'ab']);
  });

  it('rejects non-function steps and non-iterable sources', () => {
    expect(() => pipeline(lowercase, 'x' as unknown as (s: string) => string)).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: steps[1] must be a function, got "x"]`,
    );
    expect(() => pipeline(lowercase).map(5 as unknown as string[])).toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/text: source must be an iterable or async iterable, got 5]`,
    );
  });
});
