import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OutputError, createRng, evaluatePerplexity } from '@nlpkit/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readArpaFile, writeArpaFile, writeArpaFileSync } from './arpaFile.js';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { writeBinaryModelFile } from './binaryModelFile.js';
import { WrongFormatError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { writeArpa } from './writeArpa.js';

const TRAIN = [['the', 'cat', 'sat'], ['the', 'dog', 'sat'], ['a', 'cat', 'ran'], ['the', 'cat', 'ran', 'off']];

/** A model big enough that its ARPA text is several MiB (so the writer flushes before failing). */
let big: BackoffLanguageModel | undefined;
function bigModel(): BackoffLanguageModel {
  big ??= estimateBig();
  return big;
}

function estimateBig(): BackoffLanguageModel {
  return estimateKneserNey(bigModelSentences(12_000), { order: 3 }).model;
}

/** `count` random sentences of 10 words out of 8,000. */
function bigModelSentences(count: number): string[][] {
  const rng = createRng(13);
  return Array.from({ length: count }, () => Array.from({ length: 10 }, () => `w${Math.floor(rng.next() * 8000)}`));
}

/** `model` whose last order's probabilities throw when the writer reaches entry `failAt` (a failing disk). */
function failingAt(model: BackoffLanguageModel, failAt: number): BackoffLanguageModel {
  const { log10Probs } = model.data;
  const last = log10Probs[log10Probs.length - 1]!;
  const trap = new Proxy(last, {
    get(target, key) {
      if (typeof key === 'string' && /^\d+$/.test(key) && Number(key) >= failAt) throw new Error('disk on fire');
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return new BackoffLanguageModel({ ...model.data, log10Probs: [...log10Probs.slice(0, -1), trap] });
}

describe('ARPA and binary model files (issue 13)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nlpkit-arpa-file-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('issue 13 item 1: a write that fails midway leaves the previous model intact and no temporary file', async () => {
    const path = join(dir, 'model.arpa');
    const old = estimateKneserNey(TRAIN, { order: 2 }).model;
    await writeArpaFile(old, path);
    const before = readFileSync(path, 'utf8');
    expect(before).toBe(writeArpa(old));
    const large = bigModel();
    const broken = failingAt(large, large.data.log10Probs[2]!.length - 10);
    expect(writeArpa(large).length).toBeGreaterThan(2 << 20); // several flushes happen before the failure
    for (const write of [() => writeArpaFile(broken, path), async () => writeArpaFileSync(broken, path)]) {
      const error = await write().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(OutputError);
      expect((error as OutputError).path).toBe(path);
      expect(((error as OutputError).cause as Error).message).toBe('disk on fire');
      expect(readFileSync(path, 'utf8')).toBe(before);
      expect(readdirSync(dir)).toEqual(['model.arpa']);
    }
  });

  it('issue 13 item 1: a full disk (ENOSPC on a 2 MiB tmpfs; needs root, skipped otherwise) keeps the old model, and a later smaller save works', async (ctx) => {
    const mountPoint = join(dir, 'small-disk');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      ctx.skip();
    }
    try {
      const path = join(mountPoint, 'model.arpa');
      const small = estimateKneserNey(TRAIN, { order: 2 }).model;
      await writeArpaFile(small, path);
      const before = readFileSync(path, 'utf8');
      const error = await writeArpaFile(bigModel(), path).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(OutputError);
      expect((error as OutputError).systemCode).toBe('ENOSPC');
      expect(readFileSync(path, 'utf8')).toBe(before);
      expect(readdirSync(mountPoint)).toEqual(['model.arpa']);
      expect(() => writeArpaFileSync(bigModel(), path)).toThrow(OutputError);
      expect(readdirSync(mountPoint)).toEqual(['model.arpa']);
      // The space was given back: a smaller save still succeeds.
      const medium = estimateKneserNey([...TRAIN, ['a', 'new', 'sentence']], { order: 3 }).model;
      await writeArpaFile(medium, path);
      expect(readFileSync(path, 'utf8')).toBe(writeArpa(medium));
    } finally {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    }
  });

  it('issue 13 item 1: a missing folder or an abort is an OutputError; the previous file survives', async () => {
    const model = estimateKneserNey(TRAIN, { order: 2 }).model;
    const missing = join(dir, 'no-such-folder', 'model.arpa');
    await expect(writeArpaFile(model, missing)).rejects.toThrow(OutputError);
    expect(() => writeArpaFileSync(model, missing)).toThrow(OutputError);
    const path = join(dir, 'model.arpa');
    writeArpaFileSync(model, path);
    const before = readFileSync(path, 'utf8');
    const controller = new AbortController();
    controller.abort();
    const error = await writeArpaFile(bigModel(), path, { signal: controller.signal }).then(() => undefined, (e: unknown) => e);
    expect((error as OutputError).systemCode).toBe('ABORT_ERR');
    expect(readFileSync(path, 'utf8')).toBe(before);
    // A binary model file goes through the same atomic write.
    const binary = join(dir, 'model.bin');
    await writeBinaryModelFile(model, binary, { quantize: 'none' });
    const loaded = loadBinaryModel(readFileSync(binary));
    expect(evaluatePerplexity(loaded, TRAIN).log10Prob).toBe(evaluatePerplexity(model, TRAIN).log10Prob);
    await expect(writeBinaryModelFile(model, join(dir, 'nope', 'm.bin'))).rejects.toThrow(OutputError);
    expect(readdirSync(dir).sort()).toEqual(['model.arpa', 'model.bin']);
  });

  it('writes the bytes writeArpa gives, in reused blocks, also where lines of huge words cut blocks short', async () => {
    // Words of 900 KB: a bigram line then takes more than a block's spare room, so blocks are cut short (blocks of
    // 3.9 and 3.6 MB here; those buffers must not be reused while the file writer may still hold them).
    const sentences = [...[...'abcdefgh'].map((c) => [c.repeat(900_000), 'x']), ...bigModelSentences(2_000)];
    for (const model of [estimateKneserNey(sentences, { order: 2 }).model, bigModel()]) {
      const expected = writeArpa(model);
      const path = join(dir, 'model.arpa');
      await writeArpaFile(model, path);
      expect(readFileSync(path, 'utf8') === expected).toBe(true);
      writeArpaFileSync(model, path);
      expect(readFileSync(path, 'utf8') === expected).toBe(true);
    }
  });

  it('issue 13 item 9: readArpaFile decompresses gzip files (by their bytes, whatever the name)', () => {
    const model = estimateKneserNey(TRAIN, { order: 3 }).model;
    const text = writeArpa(model);
    for (const name of ['model.arpa.gz', 'model.arpa']) {
      writeFileSync(join(dir, name), gzipSync(text));
      expect(writeArpa(readArpaFile(join(dir, name)))).toBe(text);
    }
    writeFileSync(join(dir, 'broken.gz'), gzipSync(text).subarray(0, 100));
    expect(() => readArpaFile(join(dir, 'broken.gz'))).toThrowErrorMatchingInlineSnapshot(
      `[ArpaFormatError: @nlpkit/ngram: ARPA line 1: the gzip data cannot be decompressed (unexpected end of file)]`,
    );
  });

  it('issue 13 item 9: a binary model given to readArpaFile, and ARPA text given to loadBinaryModel, are named', () => {
    const model = estimateKneserNey(TRAIN, { order: 2 }).model;
    writeFileSync(join(dir, 'model.bin'), toBinaryModel(model));
    expect(() => readArpaFile(join(dir, 'model.bin'))).toThrowErrorMatchingInlineSnapshot(
      `[WrongFormatError: @nlpkit/ngram: ARPA line 1: this is an @nlpkit/ngram binary model, not ARPA text: load it with loadBinaryModel]`,
    );
    const arpa = new TextEncoder().encode(`preamble\n\n${writeArpa(model)}`);
    expect(() => loadBinaryModel(arpa)).toThrowErrorMatchingInlineSnapshot(
      `[WrongFormatError: @nlpkit/ngram: binary model: this is ARPA text, not a binary model: read it with readArpa or readArpaFile]`,
    );
    expect(() => loadBinaryModel(gzipSync(arpa))).toThrow(WrongFormatError);
    expect(existsSync(join(dir, 'model.bin'))).toBe(true);
  });
});
