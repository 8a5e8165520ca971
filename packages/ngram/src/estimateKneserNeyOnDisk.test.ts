import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidArgumentError, NlpkitError, OutputError, createRng } from '@nlpkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPtb, ptb } from '../test/ptbData.js';
import { zeroGammaCases } from '../test/zeroGammaCases.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { type KenlmTextInput, type KneserNeyOnDiskOptions, estimateKneserNeyOnDisk } from './estimateKneserNeyOnDisk.js';
import { kenlmWords } from './kenlmWords.js';
import { writeArpa } from './writeArpa.js';
import { toBinaryModel } from './binaryModel.js';
import { readArpa } from './readArpa.js';

const fastTmp = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
let folder: string;
let temp: string;
beforeEach(() => {
  folder = mkdtempSync(join(fastTmp, 'nlpkit-kn-disk-test-'));
  temp = join(folder, 'temp');
  mkdirSync(temp);
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function corpus(sentences: number, seed: number, words: number): string[][] {
  const rng = createRng(seed);
  const random = (): number => rng.next();
  return Array.from({ length: sentences }, () =>
    Array.from({ length: Math.floor(random() * 12) }, () => `w${Math.floor(random() * random() * words)}`),
  );
}

/** The out-of-core ARPA text, checking that the temporary folder is gone afterwards. */
async function onDisk(
  sentences: Iterable<readonly string[]> | AsyncIterable<readonly string[]> | KenlmTextInput,
  options: Omit<KneserNeyOnDiskOptions, 'output'>,
): Promise<{ text: string; result: Awaited<ReturnType<typeof estimateKneserNeyOnDisk>> }> {
  const output = join(folder, 'model.arpa');
  const result = await estimateKneserNeyOnDisk(sentences, { tempDir: temp, ...options, output });
  expect(readdirSync(temp)).toEqual([]);
  return { text: readFileSync(output, 'utf8'), result };
}

async function* slowly(sentences: readonly string[][]): AsyncGenerator<string[]> {
  for (const [i, sentence] of sentences.entries()) {
    if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    yield [...sentence];
  }
}

describe('estimateKneserNeyOnDisk', () => {
  it.each([1, 2, 3, 4, 6])('writes the in-memory ARPA byte for byte through many runs (order %i)', async (order) => {
    const train = corpus(2500, order, 400);
    const memory = estimateKneserNey(train, { order });
    // Order 4 also merges its runs two at a time (three files open at most).
    const { text, result } = await onDisk(train, { order, memory: 1 << 18, ...(order === 4 ? { maxOpenFiles: 3 } : {}) });
    expect(result.runs).toBeGreaterThan(order === 1 ? 0 : 1);
    expect(text).toBe(writeArpa(memory.model));
    expect(result.discounts).toEqual(memory.discounts);
    expect(result.countsOfCounts).toEqual(memory.countsOfCounts);
    expect(result.counts).toEqual(memory.model.counts);
    // The cap, plus the counter's unigram counts (vocabulary-sized, outside the cap as documented).
    expect(result.peakBytes).toBeLessThanOrEqual((1 << 18) + 16 * result.counts[0]!);
  });

  it('matches on tiny corpora with fallback discounts, fixed discounts, empty sentences and async input', async () => {
    const train = [['a', 'b'], [], ['b', 'a', 'a'], ['c']];
    const warnings: unknown[] = [];
    const memory = estimateKneserNey(train, { order: 3 });
    const { text, result } = await onDisk(slowly(train), { order: 3, memory: 1 << 18, onWarning: (w) => warnings.push(w) });
    expect(text).toBe(writeArpa(memory.model));
    expect(result.warnings).toEqual(memory.warnings);
    expect(warnings).toEqual(memory.warnings);
    const discounts = [{ d1: 0.3, d2: 0.6, d3: 0.9 }, { d1: 0.4, d2: 0.7, d3: 1.1 }];
    const fixed = estimateKneserNey(train, { order: 2, discounts });
    expect((await onDisk(train, { order: 2, memory: 1 << 18, discounts })).text).toBe(writeArpa(fixed.model));
  });

  it.each([1, 2, 3])('matches on a corpus of empty sentences only (order %i)', async (order) => {
    const train: string[][] = [[], [], []];
    expect((await onDisk(train, { order, memory: 1 << 18 })).text).toBe(writeArpa(estimateKneserNey(train, { order }).model));
  });

  it('matches lmplz on text with U+FEFF, U+00A0 and U+3000 inside words (KenLM split)', async () => {
    const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as { train: string; arpa: string };
    const sentences = kenlm.train.slice(0, -1).split('\n').map((line) => kenlmWords(line));
    const { text } = await onDisk(sentences, { order: 3, memory: 1 << 18 });
    expect(text).toBe(kenlm.arpa);
  });

  it("writes lmplz's ARPA where a context's gamma is 0 (backoff -inf; KenLM fixture, --discount_fallback)", async () => {
    for (const { name, order, sentences, arpa } of zeroGammaCases()) {
      expect((await onDisk(sentences, { order, memory: 1 << 18 })).text, name).toBe(arpa);
    }
  });

  it('reads text as bytes ({ kenlmText }) as lmplz does: its ARPA on the Unicode fixture, the in-memory one through many runs', async () => {
    const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as { train: string; arpa: string };
    expect((await onDisk({ kenlmText: [new TextEncoder().encode(kenlm.train)] }, { order: 3, memory: 1 << 18 })).text).toBe(kenlm.arpa);
    const train = corpus(2500, 3, 400);
    const bytes = Buffer.from(`${train.map((s) => s.join(' ')).join('\n')}\n`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => bytes.subarray(i * 4096, (i + 1) * 4096));
    let lines = 0;
    const { text, result } = await onDisk({ kenlmText: Readable.from(chunks), onLines: (n) => (lines = n) }, { order: 3, memory: 1 << 18 });
    expect(result.runs).toBeGreaterThan(2);
    expect(lines).toBe(train.length);
    expect(text).toBe(writeArpa(estimateKneserNey(train, { order: 3 }).model));
  });

  it('refuses a memory cap too small to work with, naming the argument', async () => {
    const output = join(folder, 'model.arpa');
    await expect(estimateKneserNeyOnDisk([['a']], { order: 3, memory: 1000, output })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[InvalidArgumentError: @nlpkit/ngram: options.memory must be a number ≥ 262144, got 1000]`,
    );
    // A vocabulary whose arrays leave no room for sorting under the cap.
    const words = Array.from({ length: 100_000 }, (_, i) => [`w${i}`, `v${i}`]);
    const error = await estimateKneserNeyOnDisk(words, { order: 2, memory: 1 << 18, output, tempDir: temp }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('options.memory');
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  });

  it('refuses misshapen discounts before any reading, naming the argument', async () => {
    const output = join(folder, 'model.arpa');
    const options = { order: 2, memory: 1 << 20, output, tempDir: temp };
    await expect(estimateKneserNeyOnDisk([['a']], { ...options, discountFallback: [0.5, 1, 1.5] as never })).rejects.toThrow(
      /options\.discountFallback must be an object/,
    );
    await expect(estimateKneserNeyOnDisk([['a']], { ...options, discounts: [{ d1: 0.5, d2: 1, d3: 4 }] })).rejects.toThrow(
      /options\.discounts\[0\]\.d3 must be a number from 0 to 3, got 4/,
    );
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  });

  it('a temporary folder that cannot be made is an OutputError naming it, before any reading', async () => {
    const file = join(folder, 'a-file');
    writeFileSync(file, 'not a folder');
    let read = false;
    const sentences = (function* () {
      read = true;
      yield ['a'];
    })();
    const error = await estimateKneserNeyOnDisk(sentences, { order: 2, memory: 1 << 18, output: join(folder, 'm.arpa'), tempDir: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).path).toBe(file);
    expect(read).toBe(false);
  });

  it('removes its temporary folder when the input fails', async () => {
    const output = join(folder, 'model.arpa');
    const train: string[][] = [...corpus(2000, 7, 300), ['fine', '</s>']];
    const error = await estimateKneserNeyOnDisk(train, { order: 3, memory: 1 << 18, output, tempDir: temp }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NlpkitError);
    expect((error as NlpkitError).code).toBe('ERR_NGRAM_INPUT');
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  });

  it.each([
    ...(['counting', 'adjusting', 'estimating', 'writing'] as const).map((stage) => [stage, 'the ARPA'] as const),
    ...(['pruning', 'estimating', 'writing', 'writing binary'] as const).map((stage) => [stage, 'pruned, binary'] as const),
  ])('removes its temporary folder and leaves no output when aborted while %s (%s)', async (stage, kind) => {
    const controller = new AbortController();
    const reason = new Error('stop');
    const promise = estimateKneserNeyOnDisk(slowly(corpus(3000, 8, 300)), {
      order: 3,
      memory: 1 << 18,
      ...(kind === 'the ARPA' ? { output: join(folder, 'model.arpa') } : { prune: [0, 1, 1], binary: join(folder, 'model.bin') }),
      tempDir: temp,
      signal: controller.signal,
      onStage: (s) => {
        if (s === stage) setImmediate(() => controller.abort(reason));
      },
    });
    await expect(promise).rejects.toBe(reason);
    expect(readdirSync(temp)).toEqual([]);
    expect(readdirSync(folder).filter((name) => name.startsWith('model'))).toEqual([]);
  });
});

describe('estimateKneserNeyOnDisk with prune and binary', () => {
  it.each([
    [3, [0, 1, 1]],
    [4, [0, 0, 1, 2]],
    [4, [0, 1]],
    [5, [0, 2, 2, 3, 5]],
    [2, [0, 1]],
  ])('writes the in-memory pruned ARPA byte for byte through many runs (order %i, prune %j)', async (order, prune) => {
    const train = corpus(2500, order, 300);
    const memory = estimateKneserNey(train, { order, prune });
    const { text, result } = await onDisk(train, { order, prune, memory: 1 << 18, ...(order === 4 ? { maxOpenFiles: 3 } : {}) });
    expect(result.runs).toBeGreaterThan(order === 2 ? 1 : 2);
    expect(result.counts).toEqual(memory.model.counts);
    expect(result.counts.at(-1)).toBeLessThan(estimateKneserNey(train, { order }).model.counts.at(-1)!);
    expect(result.discounts).toEqual(memory.discounts);
    expect(text).toBe(writeArpa(memory.model));
    expect(result.peakBytes).toBeLessThanOrEqual((1 << 18) + 16 * result.counts[0]!);
  });

  it('ignores thresholds of 0 and refuses bad thresholds before any work, naming the argument', async () => {
    const train = corpus(300, 3, 50);
    expect((await onDisk(train, { order: 3, prune: [0, 0, 0], memory: 1 << 18 })).text).toBe(writeArpa(estimateKneserNey(train, { order: 3 }).model));
    const output = join(folder, 'never.arpa');
    for (const [prune, argument] of [
      [[0, 2, 1], 'options.prune'],
      [[1, 1, 1], 'options.prune[0]'],
      [[0, -1], 'options.prune[1]'],
      [[0, 1.5], 'options.prune[1]'],
    ] as const) {
      const error = await estimateKneserNeyOnDisk(train, { order: 3, memory: 1 << 18, output, tempDir: temp, prune }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe(argument);
    }
    expect(readdirSync(temp)).toEqual([]);
    expect(existsSync(output)).toBe(false);
  });

  it.each([undefined, 'q8'] as const)('writes the binary model of its ARPA (quantize %s), with or without the ARPA file', async (quantize) => {
    const train = corpus(1500, 11, 200);
    const { text } = await onDisk(train, { order: 3, prune: [0, 1], memory: 1 << 18 });
    const expected = toBinaryModel(readArpa(text), quantize === undefined ? {} : { quantize });
    const binary = join(folder, 'model.bin');
    const options = { order: 3, prune: [0, 1], memory: 1 << 18, tempDir: temp, binary, ...(quantize === undefined ? {} : { quantize }) };
    const result = await estimateKneserNeyOnDisk(train, options);
    expect(new Uint8Array(readFileSync(binary))).toEqual(expected);
    expect(readdirSync(temp)).toEqual([]);
    expect(result.counts).toEqual(readArpa(text).counts);
    rmSync(binary);
    const arpa = join(folder, 'both.arpa');
    await estimateKneserNeyOnDisk(train, { ...options, output: arpa });
    expect(readFileSync(arpa, 'utf8')).toBe(text);
    expect(new Uint8Array(readFileSync(binary))).toEqual(expected);
    expect(readdirSync(temp)).toEqual([]);
  });

  it.each([
    [1, undefined],
    [2, undefined],
    [4, [0, 1]],
    [5, undefined],
  ] as const)('writes the float32 binary model out of core under the cap (order %i, prune %j)', async (order, prune) => {
    const train = corpus(2500, order + 20, 300);
    const options = { order, memory: 1 << 18, ...(prune === undefined ? {} : { prune: [...prune] }) };
    const { text } = await onDisk(train, options);
    const binary = join(folder, 'model.bin');
    const result = await estimateKneserNeyOnDisk(train, { ...options, tempDir: temp, binary });
    expect(readdirSync(temp)).toEqual([]);
    expect(readFileSync(binary).equals(toBinaryModel(readArpa(text)))).toBe(true);
    expect(result.peakBytes).toBeLessThanOrEqual((1 << 18) + 16 * result.counts[0]!);
  });

  it('writes the binary model of a vocabulary above 65,536 words (32-bit word ids) out of core', async () => {
    const train = Array.from({ length: 40_000 }, (_, i) => [`a${i}`, `b${i}`, `a${(i * 7) % 40_000}`]);
    const { text } = await onDisk(train, { order: 2, memory: 4 << 20 });
    const binary = join(folder, 'model.bin');
    await estimateKneserNeyOnDisk(train, { order: 2, memory: 4 << 20, tempDir: temp, binary });
    expect(readFileSync(binary).equals(toBinaryModel(readArpa(text)))).toBe(true);
  });

  it('a binary model that cannot be written is an OutputError naming it; the temporary folder is removed', async () => {
    const binary = join(folder, 'missing', 'model.bin');
    const error = await estimateKneserNeyOnDisk(corpus(500, 3, 80), { order: 3, prune: [0, 1], memory: 1 << 18, tempDir: temp, binary }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as OutputError).path).toBe(binary);
    expect(readdirSync(temp)).toEqual([]);
  });

  it('refuses no output at all, quantize without binary, and one path for both files', async () => {
    const same = join(folder, 'm.model');
    await expect(estimateKneserNeyOnDisk([['a']], { order: 2, memory: 1 << 18, output: same, binary: same })).rejects.toThrow(
      'options.binary must be a path other than options.output',
    );
    await expect(estimateKneserNeyOnDisk([['a']], { order: 2, memory: 1 << 18 })).rejects.toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/ngram: options.output must be a path (or options.binary: where the model goes), got undefined]`);
    await expect(
      estimateKneserNeyOnDisk([['a']], { order: 2, memory: 1 << 18, output: join(folder, 'm.arpa'), quantize: 'q8' }),
    ).rejects.toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/ngram: options.quantize must be left out without options.binary, got "q8"]`);
  });
});

describe('estimateKneserNeyOnDisk on PTB', ptb.options, () => {
  it.each([3, 5])('gives the in-memory ARPA byte for byte at order %i under a 4 MiB cap', async (order) => {
    const train = loadPtb('train');
    const expected = writeArpa(estimateKneserNey(train, { order }).model);
    const { text, result } = await onDisk(train, { order, memory: 4 << 20 });
    expect(result.runs).toBeGreaterThan(5);
    expect(text === expected).toBe(true); // not toBe: a diff of two large texts would flood the log
  }, 120_000);

  // lmplz -o 5 --prune … on the same text (scripts/golden/ngram/kenlm_ptb_prune.py): its ARPA's SHA-256 and counts.
  const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-ptb-prune.json', import.meta.url), 'utf8')) as {
    models: { prune: number[]; counts: number[]; discounts: number[][]; arpaSha256: string }[];
  };
  it.each(kenlm.models.map((m) => [m.prune, m] as const))(
    'gives the in-memory pruned ARPA — and lmplz --prune %j — byte for byte at order 5 under a 4 MiB cap',
    async (prune, want) => {
      const train = loadPtb('train');
      const memory = estimateKneserNey(train, { order: 5, prune });
      const expected = writeArpa(memory.model);
      const binary = join(folder, 'model.bin');
      const { text, result } = await onDisk(train, { order: 5, prune, memory: 4 << 20, binary });
      expect(result.counts).toEqual(want.counts);
      // The float32 binary model written out of core: the bytes of converting the ARPA.
      expect(readFileSync(binary).equals(toBinaryModel(readArpa(text)))).toBe(true);
      expect(result.discounts.map((d) => [d.d1, d.d2, d.d3].map((x) => Number(x.toPrecision(6))))).toEqual(want.discounts);
      expect(text === expected).toBe(true); // not toBe: a diff of two large texts would flood the log
      expect(createHash('sha256').update(text).digest('hex')).toBe(want.arpaSha256);
    },
    180_000,
  );
});
