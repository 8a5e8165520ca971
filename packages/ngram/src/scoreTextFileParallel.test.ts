import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awkwardText } from '../test/cutText.js';
import { damagedBinaryModel } from '../test/damagedBinaryModel.js';
import { loadPtb, ptb } from '../test/ptbData.js';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { BinaryModelFormatError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { readArpa } from './readArpa.js';
import { readFileShared, scoreTextFileParallel } from './scoreTextFileParallel.js';
import { Utf8TextScorer } from './utf8TextScorer.js';

const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as { arpa: string; test: string };
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-score-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The binary model's bytes in a file, read back into shared memory as `ngram eval` reads them. */
function sharedModel(name: string, binary: Uint8Array): Uint8Array {
  const path = join(dir, name);
  writeFileSync(path, binary);
  const bytes = readFileShared(path);
  expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
  return bytes;
}

/** One scorer over the whole file: what the threads must give, bit for bit. */
function oneScorer(modelBytes: Uint8Array, textPath: string): unknown {
  const scorer = new Utf8TextScorer(loadBinaryModel(modelBytes));
  scorer.push(readFileSync(textPath));
  return scorer.end();
}

// The workers run the built worker entry (dist/textScoreWorker.js): the test run builds first, as CI does.
describe('scoreTextFileParallel', () => {
  let modelBytes: Uint8Array;
  let textPath: string;
  beforeAll(() => {
    modelBytes = sharedModel('unicode.bin', toBinaryModel(readArpa(kenlm.arpa)));
    // Every cut of this text must add up as one pass does.
    const text = awkwardText(kenlm.test, 40);
    textPath = join(dir, 'text.txt');
    writeFileSync(textPath, text);
  });

  it('gives the totals of one scorer over the whole file, bit for bit, on 1 to 5 threads', async () => {
    const expected = oneScorer(modelBytes, textPath);
    for (const threads of [1, 2, 3, 4, 5]) {
      expect(await scoreTextFileParallel(modelBytes, textPath, { threads }), `${threads} threads`).toEqual(expected);
    }
    // Bytes not in shared memory are copied to the workers: same totals. Given the model's path, the workers start
    // before it is read and get it in a message: same totals.
    expect(await scoreTextFileParallel(new Uint8Array(modelBytes), textPath, { threads: 2 })).toEqual(expected);
    expect(await scoreTextFileParallel(join(dir, 'unicode.bin'), textPath, { threads: 3 })).toEqual(expected);
    expect(await scoreTextFileParallel(join(dir, 'unicode.bin'), textPath, { threads: 1 })).toEqual(expected);
  });

  it('an ARPA file not in lmplz\'s layout (the workers get no model) is scored on the calling thread, chunk by chunk', async () => {
    // The 3-grams in reverse order: a valid ARPA file the fast reader does not take, so the workers get no shared
    // model and every chunk is scored here. Same totals as one scorer.
    const [head, rest] = kenlm.arpa.split('\\3-grams:\n');
    const [trigrams, tail] = rest!.split('\n\n');
    const arpaPath = join(dir, 'reversed.arpa');
    writeFileSync(arpaPath, `${head}\\3-grams:\n${trigrams!.split('\n').reverse().join('\n')}\n\n${tail}`);
    const scorer = new Utf8TextScorer(readArpa(readFileSync(arpaPath, 'utf8')));
    scorer.push(readFileSync(textPath));
    expect(await scoreTextFileParallel(arpaPath, textPath, { threads: 3 })).toEqual(scorer.end());
    expect(await scoreTextFileParallel(arpaPath, textPath, { threads: 3 })).toEqual(oneScorer(modelBytes, textPath));
  });

  it('a text too short to cut (one line) is scored on the calling thread', async () => {
    const one = join(dir, 'one.txt');
    writeFileSync(one, 'the the not-a-word');
    expect(await scoreTextFileParallel(modelBytes, one, { threads: 4 })).toEqual(oneScorer(modelBytes, one));
  });

  it('damaged model bytes give loadBinaryModel\'s error, never the workers\' numbers', async () => {
    // The last word of the file: a log10 probability of the highest order, set to +1 (checksum and range check).
    const { damaged, error: expected } = damagedBinaryModel(modelBytes);
    expect(expected).toBeInstanceOf(BinaryModelFormatError);
    await expect(scoreTextFileParallel(damaged, textPath, { threads: 3 })).rejects.toThrow(expected.message);
    const damagedFile = join(dir, 'damaged.bin');
    writeFileSync(damagedFile, damaged);
    await expect(scoreTextFileParallel(damagedFile, textPath, { threads: 3 })).rejects.toThrow(expected.message);
    // Without the checksum, the range check still refuses the positive value.
    await expect(scoreTextFileParallel(damaged, textPath, { threads: 3, verify: false })).rejects.toThrow(/must be ≤ 0/);
  });

  it('typed errors for a missing text and bad options', async () => {
    await expect(scoreTextFileParallel(modelBytes, join(dir, 'missing.txt'))).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    await expect(scoreTextFileParallel(modelBytes, textPath, { threads: 0 })).rejects.toThrow(/options\.threads.*an integer ≥ 1/);
    await expect(scoreTextFileParallel(modelBytes, textPath, { threads: 1.5 })).rejects.toThrow(/options\.threads/);
    await expect(scoreTextFileParallel(42 as never, textPath)).rejects.toThrow(/model.*Uint8Array.*or the path/);
    await expect(scoreTextFileParallel(join(dir, 'missing.bin'), textPath, { threads: 2 })).rejects.toMatchObject({ code: 'ERR_FILE_NOT_FOUND' });
    expect(() => readFileShared(join(dir, 'missing.bin'))).toThrow(expect.objectContaining({ code: 'ERR_FILE_NOT_FOUND' }));
  });
});

describe('scoreTextFileParallel on PTB train, order 3 estimated on PTB train', ptb.options, () => {
  it('gives the totals of one scorer, bit for bit, on 2 and 3 threads', async () => {
    const { model } = estimateKneserNey(loadPtb('train'), { order: 3 });
    const modelBytes = sharedModel('ptb3.bin', toBinaryModel(model));
    const textPath = join(dir, 'ptb.train.txt');
    writeFileSync(textPath, readFileSync(ptb.path('ptb/ptb.train.txt'), 'utf8').replaceAll('<unk>', 'UNK'));
    const expected = oneScorer(modelBytes, textPath);
    expect(await scoreTextFileParallel(modelBytes, textPath, { threads: 2 })).toEqual(expected);
    expect(await scoreTextFileParallel(modelBytes, textPath, { threads: 3 })).toEqual(expected);
  }, 120_000);
});
