import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { ArpaLineBlocks } from './arpaLineBlocks.js';
import { vocabularyBytes } from './arpaPiece.js';
import { formatFloat32 } from './formatFloat32.js';
import { createLog10f } from './log10f.js';

/** Random float32 log-probabilities and backoffs: repeated values, zeros, -inf, tiny and huge ones. */
function randomNumber(rng: ReturnType<typeof createRng>): number {
  const kind = rng.int(8);
  if (kind === 0) return 0;
  if (kind === 1) return Number.NEGATIVE_INFINITY;
  if (kind === 2) return Math.fround(-0.30103);
  if (kind === 3) return Math.fround(-(rng.next() * 1e-7));
  return Math.fround(-rng.next() * 10 ** rng.int(4));
}

/** An ARPA line as text, built from the reference number formatter (lmplz's layout). */
function line(prob: number, words: string, backoff: number | undefined): string {
  return backoff === undefined ? `${formatFloat32(prob)}\t${words}\n` : `${formatFloat32(prob)}\t${words}\t${formatFloat32(backoff)}\n`;
}

/** Writes `sections` through ArpaLineBlocks (taking chunks when told, or only at the end) and as strings. */
function both(words: string[], sections: { width: number; backoffs: boolean; lines: number }[], seed: number, takeWhenReady: boolean) {
  const rng = createRng(seed);
  const maxWidth = Math.max(...sections.map((s) => s.width));
  const blocks = new ArpaLineBlocks(vocabularyBytes(words), maxWidth);
  const chunks: Uint8Array[] = [];
  let expected = '';
  let ready = 0;
  for (const { width, backoffs, lines } of sections) {
    blocks.section(width, backoffs);
    for (let i = 0; i < lines; i++) {
      const j = blocks.count;
      const ids = Array.from({ length: width }, () => rng.int(words.length));
      const prob = randomNumber(rng);
      const backoff = randomNumber(rng);
      blocks.probs[j] = prob;
      if (backoffs) blocks.backoffs[j] = backoff;
      for (let k = 0; k < width; k++) blocks.words[j * width + k] = ids[k]!;
      expected += line(prob, ids.map((id) => words[id]).join(' '), backoffs ? backoff : undefined);
      if (blocks.add()) {
        ready++;
        if (takeWhenReady) chunks.push(blocks.take()!);
      }
    }
  }
  const rest = blocks.take();
  if (rest !== undefined) chunks.push(rest);
  expect(blocks.take()).toBeUndefined();
  return { text: Buffer.concat(chunks).toString('utf8'), expected, ready, chunks: chunks.length, capacity: blocks.capacity };
}

describe('ArpaLineBlocks', () => {
  // Lengths around the 12 bytes the formatter always writes per word (with the space): 11, 12 and 13 bytes, in ASCII
  // and in 2- and 3-byte characters.
  const words = ['<unk>', '<s>', '</s>', 'a', 'bb', 'ccc', 'dddd', 'eeeee', 'ünïcödé', '日本語', 'x'.repeat(13), 'k'.repeat(11), 'l'.repeat(12), 'ü'.repeat(6), '日本語日', 'ü'.repeat(5) + 'abc'];

  it('writes lmplz\'s line layout byte for byte, across sections with and without backoffs', () => {
    const sections = [
      { width: 1, backoffs: true, lines: 11 },
      { width: 2, backoffs: true, lines: 3000 },
      { width: 5, backoffs: true, lines: 777 },
      { width: 6, backoffs: false, lines: 20_000 },
    ];
    for (const takeWhenReady of [true, false]) {
      const result = both(words, sections, 3, takeWhenReady);
      expect(result.text).toBe(result.expected);
      expect(result.capacity).toBe(1024);
      // About 1 MiB per chunk: the 20,000 six-word lines make more than one.
      expect(result.ready).toBeGreaterThan(0);
      if (takeWhenReady) expect(result.chunks).toBeGreaterThan(1);
      else expect(result.chunks).toBe(1); // kept adding past a full chunk: the buffer grew instead of overflowing
    }
  });

  it('formats fewer lines at a time when a word is very long, with the same bytes', () => {
    const long = [...words, 'y'.repeat(100_000)];
    const result = both(long, [{ width: 3, backoffs: true, lines: 200 }, { width: 4, backoffs: false, lines: 100 }], 5, true);
    expect(result.capacity).toBe(2); // 1 MiB over 4 × (100,000 + 4) + 35 bytes at most per line
    expect(result.text).toBe(result.expected);
  });

  it('with linear numbers, writes the log10 of each (probabilities clamped at 0; a backoff of 1 as 0, of 0 as -inf)', () => {
    const rng = createRng(9);
    const log10f = createLog10f();
    const blocks = new ArpaLineBlocks(vocabularyBytes(words), 3, true);
    let expected = '';
    const linear = (): number => {
      const kind = rng.int(6);
      if (kind === 0) return 1;
      if (kind === 1) return 0;
      if (kind === 2) return Math.fround(1.0000001); // above 1 by rounding: a probability's log10 is clamped to 0
      return Math.fround(rng.next());
    };
    const chunks: Uint8Array[] = [];
    for (const width of [1, 2, 3]) {
      blocks.section(width, width < 3);
      for (let i = 0; i < 2500; i++) {
        const j = blocks.count;
        const prob = linear();
        const gamma = linear();
        blocks.probs[j] = prob;
        if (width < 3) blocks.backoffs[j] = gamma;
        const ids = Array.from({ length: width }, () => rng.int(words.length));
        for (let k = 0; k < width; k++) blocks.words[j * width + k] = ids[k]!;
        expected += line(Math.min(0, log10f(prob)), ids.map((id) => words[id]).join(' '), width < 3 ? log10f(gamma) : undefined);
        if (blocks.add()) chunks.push(blocks.take()!);
      }
    }
    chunks.push(blocks.take()!);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toBe(expected);
    expect(text).toContain('\t-inf\n');
    expect(text).toMatch(/^0\t/m);
  });
});
