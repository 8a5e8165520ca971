import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { toBinaryModel } from './binaryModel.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import { readModelFile } from './modelFile.js';
import { writeArpa } from './writeArpa.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-model-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const { model } = estimateKneserNey([['the', 'cat', 'sat'], ['the', 'dog', 'sat'], ['a', 'cat', 'ran']], { order: 3, onWarning: () => {} });
const sentence = ['the', 'cat', 'ran', 'zebra'];

describe('readModelFile', () => {
  it('reads ARPA, gzip ARPA and binary models by their bytes, whatever the file name', () => {
    const files: Record<string, Uint8Array | string> = {
      'a.bin': writeArpa(model), // ARPA text with a misleading name
      'b.arpa': gzipSync(writeArpa(model)),
      'c.arpa': toBinaryModel(model),
      'd.txt': toBinaryModel(model, { quantize: 'q8' }),
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const expected = model.scoreSentence(sentence).log10Prob;
    for (const name of ['a.bin', 'b.arpa', 'c.arpa']) expect(readModelFile(join(dir, name)).scoreSentence(sentence).log10Prob, name).toBeCloseTo(expected, 5);
    expect(readModelFile(join(dir, 'd.txt'), { verify: true }).scoreSentence(sentence).log10Prob).toBeCloseTo(expected, 1);
  });

  it('names a KenLM binary model, a damaged binary model and a missing file', () => {
    writeFileSync(join(dir, 'kenlm.bin'), Buffer.concat([Buffer.from('mmap lm http://kheafield.com/code format version 5\n\0'), Buffer.alloc(64)]));
    expect(() => readModelFile(join(dir, 'kenlm.bin'))).toThrow(/KenLM binary model/);
    const damaged = toBinaryModel(model);
    damaged[damaged.length - 5]! ^= 0xff;
    writeFileSync(join(dir, 'damaged.bin'), damaged);
    expect(() => readModelFile(join(dir, 'damaged.bin'))).toThrow(expect.objectContaining({ code: 'ERR_BINARY_MODEL_FORMAT' }));
    expect(() => readModelFile(join(dir, 'missing.arpa'))).toThrow(/missing\.arpa/);
    expect(() => readModelFile(join(dir, 'a.bin'), { quantize: 'q8' } as never)).toThrow(/options\.quantize/);
  });
});
