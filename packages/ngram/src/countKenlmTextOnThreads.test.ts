import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { countKenlmText } from './countKenlmText.js';
import { countKenlmTextFile } from './countKenlmTextFile.js';
import { countKenlmTextOnThreads, lowerOrdersOf } from './countKenlmTextOnThreads.js';
import type { NgramCounts } from './countNgrams.js';

// The counting thread runs the built worker script (dist/upperOrderCountWorker.js; `pnpm test` builds first).
// Without it countKenlmTextOnThreads gives undefined, which the first test would report.
const built = existsSync(new URL('../dist/upperOrderCountWorker.js', import.meta.url));

/** Lines of 0 to 40 words from a Zipf-like vocabulary of 2,000, some empty, some with spaces and tabs around. */
function text(lines: number, seed: number): string {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const length = Math.floor(rng.next() * 41);
    const words = Array.from({ length }, () => `w${Math.floor(rng.next() ** 3 * 2000)}`);
    out.push(i % 7 === 0 ? ` ${words.join('\t')} ` : words.join(' '));
  }
  return `${out.join('\n')}\n`;
}

/** Whether two typed arrays hold the same numbers (byte for byte: element-wise matchers take seconds on millions). */
function sameArray(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.constructor === b.constructor && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Every array of two countings, compared whole. */
function expectSameCounts(actual: NgramCounts, expected: NgramCounts): void {
  expect(actual.order).toBe(expected.order);
  expect(actual.sentences).toBe(expected.sentences);
  expect(actual.tokens).toBe(expected.tokens);
  expect(actual.wordIndex.words()).toEqual(expected.wordIndex.words());
  for (let n = 0; n < expected.order; n++) {
    expect(sameArray(actual.counts[n]!, expected.counts[n]!), `counts of order ${n + 1}`).toBe(true);
    expect(sameArray(actual.suffixes[n]!, expected.suffixes[n]!), `suffixes of order ${n + 1}`).toBe(true);
    if (n === 0) continue;
    expect(sameArray(actual.indexes[n]!.parents, expected.indexes[n]!.parents), `prefix ids of order ${n + 1}`).toBe(true);
    expect(sameArray(actual.indexes[n]!.words, expected.indexes[n]!.words), `words of order ${n + 1}`).toBe(true);
  }
}

describe.skipIf(!built)('countKenlmTextOnThreads (needs the package built: the worker script is dist/upperOrderCountWorker.js)', () => {
  it('gives the counts, ids and suffixes of one thread, for every order it splits', async () => {
    const bytes = new TextEncoder().encode(text(3000, 11));
    // Chunks that cut words and lines anywhere.
    const chunks = [bytes.subarray(0, 1001), bytes.subarray(1001, 50_000), bytes.subarray(50_000)];
    for (const order of [3, 4, 5, 6, 8]) {
      const one = countKenlmText(chunks, { order });
      const two = await countKenlmTextOnThreads(chunks, { order });
      expect(two, `order ${order}`).toBeDefined();
      expectSameCounts(two!, one);
      expect(lowerOrdersOf(order)).toBeLessThan(order);
    }
    // Nothing to split below order 3: the caller counts on one thread.
    expect(await countKenlmTextOnThreads(chunks, { order: 2 })).toBeUndefined();
  });

  it('hands a sentence too long for the ring over as a message, in its place', async () => {
    const rng = createRng(5);
    const long = Array.from({ length: 300_000 }, () => `v${Math.floor(rng.next() * 500)}`).join(' ');
    const bytes = new TextEncoder().encode(`a b c d\n${long}\ne f g h i\n${long.slice(0, 2000)}\n`);
    const one = countKenlmText([bytes], { order: 4 });
    expectSameCounts((await countKenlmTextOnThreads([bytes], { order: 4 }))!, one);
  });

  it('countKenlmTextFile counts on two threads by default for a large file, or as asked, the same counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-kenlm-threads-'));
    try {
      const path = join(dir, 'train.txt');
      const body = text(40_000, 3);
      writeFileSync(path, body);
      expect(body.length).toBeGreaterThan(1 << 20);
      const one = await countKenlmTextFile(path, { order: 5, threads: 1 });
      expectSameCounts(await countKenlmTextFile(path, { order: 5 }), one);
      expectSameCounts(await countKenlmTextFile(path, { order: 5, threads: 2 }), one);
      await expect(countKenlmTextFile(path, { order: 5, threads: 0 })).rejects.toThrow(/options\.threads/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws what one thread throws (naming the line), and for no text; stops on abort', async () => {
    const bad = new TextEncoder().encode(`${text(2000, 8)}one <s> two\n`);
    const line = text(2000, 8).split('\n').length;
    await expect(countKenlmTextOnThreads([bad], { order: 5 })).rejects.toMatchObject({ name: 'NgramInputError', line });
    await expect(countKenlmTextOnThreads([new Uint8Array(0)], { order: 5 })).rejects.toMatchObject({ name: 'EmptyInputError' });
    const controller = new AbortController();
    const reason = new Error('stop');
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode(text(1500, 2));
      controller.abort(reason);
      yield new TextEncoder().encode(text(1500, 4));
    }
    await expect(countKenlmTextOnThreads(slow(), { order: 5, signal: controller.signal })).rejects.toBe(reason);
  });
});
