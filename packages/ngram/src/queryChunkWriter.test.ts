import { describe, expect, it } from 'vitest';
import type { QueryChunkText } from './claimedTextChunks.js';
import { QueryChunkWriter, THIS_THREAD } from './queryChunkWriter.js';

/** A chunk's text: `lines` lines `c<chunk>l<i>`, each line's total −(i + 1)/8 (exact sums), and OOV figures. */
function chunkText(chunk: number, lines: number): QueryChunkText {
  const text = Array.from({ length: lines }, (_, i) => `c${chunk}l${i}\n`).join('');
  return {
    bytes: new TextEncoder().encode(text),
    record: { lineTotals: Float64Array.from({ length: lines }, (_, i) => -(i + 1) / 8), oovLog10Probs: Float64Array.of(-1), oov: 1, tokens: 2 * lines },
  };
}

function writer(chunks: number) {
  const written = new Int32Array(new SharedArrayBuffer(4));
  const out: string[] = [];
  const released: number[] = [];
  const w = new QueryChunkWriter(chunks, written, (bytes) => out.push(new TextDecoder().decode(bytes)), (chunk) => released.push(chunk));
  return { w, written, out, released };
}

describe('QueryChunkWriter', () => {
  it('writes chunks in the text\'s order whatever order they come in, releasing each once written, and the summary last', () => {
    const { w, written, out, released } = writer(4);
    w.done(2, chunkText(2, 2));
    w.done(1, chunkText(1, 1));
    expect(out).toEqual([]);
    expect(w.next).toBe(0);
    w.done(0, chunkText(0, 3));
    expect(out.join('')).toBe('c0l0\nc0l1\nc0l2\nc1l0\nc2l0\nc2l1\n');
    expect(released).toEqual([0, 1, 2]);
    expect(w.next).toBe(3);
    expect(written[0]).toBe(3);
    w.done(3, chunkText(3, 1));
    // A chunk already written that comes again (a thread printed it too) is dropped.
    w.done(1, chunkText(1, 1));
    expect(w.end()).toBe(7);
    expect(out.at(-1)).toMatch(/^Perplexity including OOVs:\t[\d.]+\nPerplexity excluding OOVs:\t[\d.]+\nOOVs:\t4\nTokens:\t14\n$/);
  });

  it('a thread gone leaves the chunks it claimed and did not print to this thread', async () => {
    const { w } = writer(6);
    // Chunks 0–4 claimed (next[0] = 5): 0 and 2 by thread 1, 1 and 3 by thread 2, 4 by this thread; 5 unclaimed.
    const claimedBy = Int32Array.from([1, 2, 1, 2, THIS_THREAD, -1]);
    const next = Int32Array.of(5);
    w.done(1, chunkText(1, 1));
    const missing = (): boolean[] => [0, 1, 2, 3, 4, 5].map((c) => w.isMissing(c, next, claimedBy, 2));
    expect(missing()).toEqual([false, false, false, false, false, false]);
    const woken = w.progress();
    w.gone(claimedBy, 1);
    await woken;
    // Thread 1's chunks 0 and 2 are this thread's to print now; thread 2 is still there.
    expect(missing()).toEqual([true, false, true, false, false, false]);
    // A chunk this thread failed to print is missing too, until printed.
    w.failed(4);
    expect(missing()).toEqual([true, false, true, false, true, false]);
    w.done(4, chunkText(4, 1));
    // Every worker gone: a chunk claimed (below next[0]) that no thread is known to hold is missing too (a worker
    // that died between claiming it and saying so); an unclaimed one is not (this thread will claim it).
    claimedBy[3] = -1;
    w.gone(claimedBy, 2);
    expect(missing()).toEqual([true, false, true, true, false, false]);
  });

  it('an error of write is kept (never thrown from done, which runs in message handlers) and stops the writing', () => {
    const written = new Int32Array(new SharedArrayBuffer(4));
    const out: string[] = [];
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const w = new QueryChunkWriter(3, written, (bytes) => {
      if (out.length === 1) throw full;
      out.push(new TextDecoder().decode(bytes));
    }, () => {});
    w.done(0, chunkText(0, 1));
    expect(() => w.done(1, chunkText(1, 1))).not.toThrow();
    expect(w.failure).toEqual({ error: full });
    expect(() => w.rethrow()).toThrow(full);
    w.done(2, chunkText(2, 1));
    expect(out).toEqual(['c0l0\n']);
    expect(w.next).toBe(1);
  });

  it('writes a chunk in blocks of whole lines of about 64 KiB; a line longer than a block goes whole', () => {
    const { w, out } = writer(1);
    const long = 'x'.repeat(70_000);
    const text = `${'a'.repeat(99)}\n`.repeat(1000) + `${long}\n` + 'b\n';
    w.done(0, { bytes: new TextEncoder().encode(text), record: { lineTotals: new Float64Array(1002), oovLog10Probs: new Float64Array(0), oov: 0, tokens: 1002 } });
    expect(out.join('')).toBe(text);
    for (const block of out) expect(block.endsWith('\n')).toBe(true);
    expect(out.map((b) => b.length)).toEqual([65_500, 34_500, 70_001, 2]);
  });
});
