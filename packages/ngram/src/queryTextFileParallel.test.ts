import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awkwardText } from '../test/cutText.js';
import { damagedBinaryModel } from '../test/damagedBinaryModel.js';
import { loadPtb, ptb } from '../test/ptbData.js';
import type { BackoffLanguageModel } from './backoffLanguageModel.js';
import { toBinaryModel } from './binaryModel.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { writeArpa } from './writeArpa.js';
import { KenlmQueryOutput } from './kenlmQueryOutput.js';
import { queryTextFileParallel } from './queryTextFileParallel.js';
import { readArpa } from './readArpa.js';
import { readFileShared } from './scoreTextFileParallel.js';
import { Utf8TextScorer } from './utf8TextScorer.js';

const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as { arpa: string; test: string };
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-query-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What one formatter over the whole text prints (KenlmQueryOutput, as `ngram query` on one thread): the reference. */
function oneThread(model: BackoffLanguageModel, textPath: string): string {
  const parts: string[] = [];
  const decoder = new TextDecoder('latin1');
  const output = new KenlmQueryOutput((bytes) => parts.push(decoder.decode(bytes)));
  const scorer = new Utf8TextScorer(model, { onLine: (line) => output.line(line) });
  scorer.push(readFileSync(textPath));
  scorer.flush();
  if (output.text.lines > 0) output.end();
  return parts.join('');
}

/** What queryTextFileParallel writes (as latin1: every byte kept), the number of lines it returns, and its blocks. */
async function parallel(model: Uint8Array | string, textPath: string, threads: number, verify = true): Promise<{ text: string; lines: number; blocks: string[] }> {
  const blocks: string[] = [];
  const decoder = new TextDecoder('latin1');
  const lines = await queryTextFileParallel(model, textPath, (bytes) => blocks.push(decoder.decode(bytes)), { threads, verify });
  return { text: blocks.join(''), lines, blocks };
}

// The workers run the built worker entry (dist/textScoreWorker.js): the test run builds first, as CI does.
describe('queryTextFileParallel', () => {
  let binaryPath: string;
  let arpaPath: string;
  let textPath: string;
  let model: BackoffLanguageModel;
  beforeAll(() => {
    model = readArpa(kenlm.arpa);
    binaryPath = join(dir, 'unicode.bin');
    writeFileSync(binaryPath, toBinaryModel(model));
    arpaPath = join(dir, 'unicode.arpa');
    writeFileSync(arpaPath, kenlm.arpa);
    // Every cut of this text must print and add up as one pass does.
    const text = awkwardText(kenlm.test, 300);
    textPath = join(dir, 'text.txt');
    writeFileSync(textPath, text);
  });

  it("prints one pass's bytes on 1 to 5 threads, from binary bytes, a binary file or an ARPA file", async () => {
    const expected = oneThread(model, textPath);
    expect(expected).toMatch(/OOVs:\t[1-9]\d*\nTokens:\t\d+\n$/);
    const lines = expected.split('\n').length - 5;
    const bytes = readFileShared(binaryPath);
    for (const threads of [1, 2, 3, 4, 5]) {
      for (const source of [bytes, binaryPath, arpaPath]) {
        const r = await parallel(source, textPath, threads);
        expect(r.text, `${threads} threads, ${typeof source === 'string' ? source : 'bytes'}`).toBe(expected);
        expect(r.lines).toBe(lines);
        // In blocks of whole lines, none much larger than 64 KiB.
        for (const block of r.blocks) {
          expect(block.endsWith('\n')).toBe(true);
          expect(block.length).toBeLessThan(70_000);
        }
      }
    }
    // Bytes not in shared memory are copied to the workers: the same bytes.
    expect((await parallel(new Uint8Array(bytes), textPath, 3)).text).toBe(expected);
  });

  it("an ARPA file not in lmplz's layout (the workers get no model) is printed by the calling thread, chunk by chunk", async () => {
    // The 3-grams in reverse order: a valid ARPA file the fast reader does not take.
    const [head, rest] = kenlm.arpa.split('\\3-grams:\n');
    const [trigrams, tail] = rest!.split('\n\n');
    const reversed = join(dir, 'reversed.arpa');
    writeFileSync(reversed, `${head}\\3-grams:\n${trigrams!.split('\n').reverse().join('\n')}\n\n${tail}`);
    expect((await parallel(reversed, textPath, 3)).text).toBe(oneThread(model, textPath));
  });

  it('a byte-order mark is dropped at the start of the text only, not at the start of a later chunk', async () => {
    // Every line starts with one: every chunk does.
    const boms = join(dir, 'boms.txt');
    writeFileSync(boms, '\uFEFFbom the cat\n'.repeat(3000));
    const expected = oneThread(model, boms);
    expect(expected.startsWith('bom=0')).toBe(true);
    expect(expected.split('\n')[1]!.startsWith('\u00ef\u00bb\u00bfbom=23 ')).toBe(true);
    expect((await parallel(binaryPath, boms, 3)).text).toBe(expected);
  });

  it('a text of one line, or none, on several threads', async () => {
    const one = join(dir, 'one.txt');
    writeFileSync(one, 'the the not-a-word');
    expect((await parallel(binaryPath, one, 4)).text).toBe(oneThread(model, one));
    // Nothing to print: nothing written, not even the summary, and 0 lines.
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    expect(await parallel(binaryPath, empty, 4)).toEqual({ text: '', lines: 0, blocks: [] });
  });

  it('a line too long to score: the chunks before it written, then the error naming its line in the whole text', async () => {
    // 3 MB of lines, then one line longer than the scorer holds (2^26 bytes), in a later chunk than the first.
    const lines = 'the cat sat\n'.repeat(250_000);
    const long = join(dir, 'long.txt');
    writeFileSync(long, Buffer.concat([Buffer.from(lines), Buffer.alloc(2 ** 26 + 8, 0x61), Buffer.from('\nthe end\n')]));
    const written: string[] = [];
    const decoder = new TextDecoder('latin1');
    const error = await queryTextFileParallel(binaryPath, long, (bytes) => written.push(decoder.decode(bytes)), { threads: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_LINE_TOO_LONG', line: 250_001 });
    // What was written is whole lines of the text before it, in order, and no summary.
    const text = written.join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('Perplexity');
    const printed = text.split('\n').slice(0, -1);
    expect(printed.length).toBeLessThan(250_000);
    expect(new Set(printed).size).toBe(1);
  }, 60_000);

  it('an error of write (a full disk, a closed pipe) rejects, whichever thread printed the chunk, and stops the writing', async () => {
    for (const [threads, failAt] of [[3, 1], [3, 3], [3, 8], [1, 2]] as const) {
      let calls = 0;
      const write = (): void => {
        if (++calls === failAt) throw Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE', syscall: 'write' });
      };
      // As thrown: not taken for an error reading the text.
      await expect(queryTextFileParallel(binaryPath, textPath, write, { threads })).rejects.toMatchObject({ code: 'EPIPE', message: 'EPIPE: broken pipe, write' });
      expect(calls).toBe(failAt);
    }
  });

  it('damaged model bytes give loadBinaryModel\'s error before anything is written', async () => {
    const { damaged, error: expected } = damagedBinaryModel(readFileSync(binaryPath));
    const written: Uint8Array[] = [];
    await expect(queryTextFileParallel(damaged, textPath, (bytes) => written.push(bytes), { threads: 3 })).rejects.toThrow(expected.message);
    await expect(queryTextFileParallel(damaged, textPath, (bytes) => written.push(bytes), { threads: 3, verify: false })).rejects.toThrow(/must be ≤ 0/);
    expect(written).toEqual([]);
  });

  it('typed errors for a missing text and bad arguments', async () => {
    const write = (): void => {};
    await expect(queryTextFileParallel(binaryPath, join(dir, 'missing.txt'), write)).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    await expect(queryTextFileParallel(join(dir, 'missing.bin'), textPath, write, { threads: 2 })).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    await expect(queryTextFileParallel(binaryPath, textPath, write, { threads: 0 })).rejects.toThrow(/options\.threads.*an integer ≥ 1/);
    await expect(queryTextFileParallel(binaryPath, textPath, 'stdout' as never)).rejects.toThrow(/write.*a function/);
    await expect(queryTextFileParallel(42 as never, textPath, write)).rejects.toThrow(/model.*Uint8Array.*or the path/);
    await expect(queryTextFileParallel(binaryPath, textPath, write, { thread: 2 } as never)).rejects.toThrow(/thread/);
  });
});

describe('queryTextFileParallel on PTB train, order 3 estimated on PTB train', ptb.options, () => {
  it("prints one pass's bytes on 2 and 3 threads, from the ARPA and from the binary model", async () => {
    const { model } = estimateKneserNey(loadPtb('train'), { order: 3 });
    const arpa = join(dir, 'ptb3.arpa');
    writeFileSync(arpa, writeArpa(model));
    const binary = join(dir, 'ptb3.bin');
    writeFileSync(binary, toBinaryModel(model));
    const textPath = join(dir, 'ptb.train.txt');
    writeFileSync(textPath, readFileSync(ptb.path('ptb/ptb.train.txt'), 'utf8').replaceAll('<unk>', 'UNK'));
    const expected = oneThread(model, textPath);
    expect((await parallel(arpa, textPath, 2)).text).toBe(expected);
    expect((await parallel(binary, textPath, 3)).text).toBe(expected);
  }, 120_000);
});
