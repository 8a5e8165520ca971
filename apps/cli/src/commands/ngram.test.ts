import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { collect, evaluatePerplexity } from '@nlpkit/core';
import { collectNgramStatistics, estimateKneserNey, kenlmWords, stupidBackoff, writeStupidBackoff } from '@nlpkit/ngram';
import { readModelFile } from '@nlpkit/ngram/node';
import { readLines } from '@nlpkit/text/node';
import { referenceData } from '@nlpkit/vitest-config';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';

function capture(stdin?: string) {
  const io = bufferIo(stdin === undefined ? undefined : Readable.from([stdin]));
  return { io, out: io.out, err: io.err };
}

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-ngram-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const train = join(dir, 'train.txt');
const test = join(dir, 'test.txt');
const arpa = join(dir, 'model.arpa');
const TRAIN = ['the cat sat on the mat', 'the dog sat on the log', 'a cat ate the rat', 'the rat ran', 'a dog ran to the cat'];
writeFileSync(train, `${TRAIN.join('\n')}\n`);
writeFileSync(test, 'the cat ran\nthe zebra sat on the mat\n');

describe('nlpkit ngram', () => {
  it('train writes an ARPA file and reports the fallback discounts of toy data', async () => {
    const { io, out, err } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', train, '--arpa', arpa], io)).toBe(0);
    expect(readFileSync(arpa, 'utf8')).toMatch(/^\\data\\\nngram 1=\d+\nngram 2=\d+\nngram 3=\d+\n/);
    expect(out.join('')).toContain('wrote');
    expect(err.join('')).toContain('fallback');
  });

  it('eval --json prints exactly one JSON object equal to the library result', async () => {
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', arpa, '--input', test, '--json'], io)).toBe(0);
    const text = out.join('');
    expect(text.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(text) as Record<string, number>;
    expect(Object.keys(report)).toEqual(['perplexity', 'perplexityExcludingOov', 'tokens', 'oov']);
    const { model } = estimateKneserNey(TRAIN.map((line) => line.split(' ')), { order: 3 });
    const expected = evaluatePerplexity(model, [['the', 'cat', 'ran'], ['the', 'zebra', 'sat', 'on', 'the', 'mat']]);
    expect(report.tokens).toBe(11);
    expect(report.oov).toBe(1);
    // The ARPA file stores float32 numbers, so the file-based result matches the in-memory one to ~1e-6.
    expect(report.perplexity).toBeCloseTo(expected.perplexity, 4);
    expect(report.perplexityExcludingOov).toBeCloseTo(expected.perplexityExcludingOov, 4);
  });

  it('query prints word=id length log10p per token and the total', async () => {
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, 'the', 'zebra'], io)).toBe(0);
    // KenLM query's text: the line, then the summary (3 tokens, 1 OOV).
    expect(out.join('')).toMatch(
      /^the=\d+ 2 -[\d.]+\tzebra=0 1 -[\d.]+\t<\/s>=2 \d -[\d.]+\tTotal: -[\d.]+ OOV: 1\nPerplexity including OOVs:\t[\d.]+\nPerplexity excluding OOVs:\t[\d.]+\nOOVs:\t1\nTokens:\t3\n$/,
    );
  });

  it('reads standard input for --input - (eval and query)', async () => {
    const fromFile = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', arpa, '--input', test, '--json'], fromFile.io)).toBe(0);
    const fromStdin = capture(readFileSync(test, 'utf8'));
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', arpa, '--input', '-', '--json'], fromStdin.io)).toBe(0);
    expect(fromStdin.out.join('')).toBe(fromFile.out.join(''));
    const query = capture('the cat\nthe zebra\n');
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, '--input', '-'], query.io)).toBe(0);
    // One line per sentence (written in blocks), then KenLM's summary.
    const lines = query.out.join('').split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('');
    expect(`${lines[1]}\n`).toMatch(/^the=\d+ 2 .*zebra=0 1 .*OOV: 1\n$/);
    expect(lines.slice(4, 6)).toEqual(['OOVs:\t1', 'Tokens:\t6']);
  });

  it('query prints each line as the model scores its words, built from the bytes: CRLF, a BOM, bytes that are not UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('\uFEFFthe cat\r\nthe zebra\n\n\uFEFFbom the\n'),
      Buffer.from([0x61, 0xff, 0x62, 0x20, 0x74, 0x68, 0x65, 0x0a]),
      Buffer.from('last line'),
    ]);
    const odd = join(dir, 'odd.txt');
    writeFileSync(odd, bytes);
    const model = readModelFile(arpa);
    const lines = await collect(readLines(Readable.from([bytes])));
    expect(lines).toHaveLength(6);
    const fromFile = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, '--input', odd], fromFile.io)).toBe(0);
    const printed = fromFile.out.join('').split('\n');
    // Where the output takes bytes (the process's), the words' bytes go out as they came, as KenLM's query copies
    // them: the byte that is not UTF-8 too. Decoded, the same text.
    const chunks: Buffer[] = [];
    const raw = { ...capture().io, stdoutBytes: (b: Uint8Array) => void chunks.push(Buffer.from(b)) };
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, '--input', odd], raw)).toBe(0);
    const rawBytes = Buffer.concat(chunks);
    expect(rawBytes.includes(Buffer.from([0x61, 0xff, 0x62, 0x3d]))).toBe(true);
    expect(new TextDecoder().decode(rawBytes)).toBe(fromFile.out.join(''));
    // 2 + 2 + 0 + 2 + 2 + 2 words, and a </s> each; OOV: zebra, the BOM inside the text, a\uFFFDb, last, line.
    expect(printed.slice(lines.length + 2)).toEqual(['OOVs:\t5', 'Tokens:\t16', '']);
    // Each line as the model scores its words read as strings: the same words, ids and n-gram lengths, and each
    // number KenLM's float32 sum of what the model adds in double precision.
    lines.forEach((line, n) => {
      const r = model.scoreSentence(kenlmWords(line, 'query'), { perToken: true });
      const fields = printed[n]!.split('\t');
      expect(fields).toHaveLength(r.perToken!.length + 1);
      r.perToken!.forEach((w, i) => {
        const [head, length, value] = fields[i]!.split(' ');
        expect(head).toBe(`${w.token}=${model.data.wordIndex.id(w.token)}`);
        expect(Number(length)).toBe(w.ngramLength);
        expect(Number(value)).toBeCloseTo(w.log10Prob, 6);
      });
      const total = /^Total: (\S+) OOV: (\d+)$/.exec(fields[r.perToken!.length]!)!;
      expect(Number(total[1])).toBeCloseTo(r.log10Prob, 5);
      expect(Number(total[2])).toBe(r.oov);
    });
  });

  it('generate is reproducible for a seed, and samples only from the top k with --top-k 1', async () => {
    const a = capture();
    const b = capture();
    const args = ['node', 'nlpkit', 'ngram', 'generate', '--model', arpa, '--seed', '7', '--count', '3'];
    expect(await run(args, a.io)).toBe(0);
    expect(await run(args, b.io)).toBe(0);
    expect(a.out.join('')).toBe(b.out.join(''));
    expect(a.out).toHaveLength(3);
    // Greedy: every seed gives the same, most probable sentence.
    const greedy = capture();
    expect(await run([...args, '--top-k', '1', '--prefix', 'the'], greedy.io)).toBe(0);
    expect(new Set(greedy.out).size).toBe(1);
    expect(greedy.out[0]).toMatch(/^the /);
  });

  it('trains every ARPA-expressible smoothing and refuses add-k with a reason', async () => {
    for (const smoothing of ['kn', 'wb', 'katz', 'abs', 'mle']) {
      const { io } = capture();
      const path = join(dir, `${smoothing}.arpa`);
      expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', train, '--arpa', path, '--smoothing', smoothing], io)).toBe(0);
      const scored = capture();
      expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', path, '--input', train, '--json'], scored.io)).toBe(0);
      const report = JSON.parse(scored.out.join('')) as { perplexity: number };
      expect(report.perplexity).toBeGreaterThan(1);
    }
    const addK = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', train, '--arpa', arpa, '--smoothing', 'add-k'], addK.io)).toBe(2);
    expect(addK.err.join('')).toContain('cannot express');
  });

  it('fails with exit code 1 and a message for a missing file, 2 (usage) for a bad order', async () => {
    const missing = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', join(dir, 'nope.arpa'), '--input', test], missing.io)).toBe(1);
    expect(missing.err.join('')).toContain('nope.arpa');
    const bad = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '0', '--input', train, '--arpa', arpa], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('--order must be an integer');
  });
});

/** Standard input that is a terminal (nothing piped). */
function terminalStdin(): Readable {
  return Object.assign(new Readable({ read() {} }), { isTTY: true });
}

describe('nlpkit ngram: binary models, standard input, KenLM words (issue 11)', () => {
  const evalJson = async (args: string[], stdin?: string): Promise<Record<string, number>> => {
    const { io, out, err } = capture(stdin);
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', ...args, '--json'], io), err.join('')).toBe(0);
    return JSON.parse(out.join('')) as Record<string, number>;
  };

  it('build-binary writes a binary model that eval, query and generate read by its bytes (plain, gzip or binary)', async () => {
    const bin = join(dir, 'model.bin');
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'build-binary', arpa, bin], io)).toBe(0);
    expect(out.join('')).toMatch(/^wrote .*model\.bin \(binary; order 3; 1-grams: \d+, 2-grams: \d+, 3-grams: \d+\)\n$/);
    expect(readFileSync(bin).subarray(0, 4).toString('latin1')).toBe('NNGM');
    // A binary model named .arpa and a gzip'd ARPA file are told apart by their bytes.
    const disguised = join(dir, 'binary-model.arpa');
    writeFileSync(disguised, readFileSync(bin));
    const gz = join(dir, 'model.arpa.gz');
    writeFileSync(gz, gzipSync(readFileSync(arpa)));
    const fromArpa = await evalJson(['--model', arpa, '--input', test]);
    expect(await evalJson(['--model', bin, '--input', test])).toEqual(fromArpa);
    expect(await evalJson(['--model', disguised, '--input', test])).toEqual(fromArpa);
    expect(await evalJson(['--model', gz, '--input', test])).toEqual(fromArpa);
    // A model file and a text file: scored on several threads when asked (by default only for 4 MiB or more), same
    // numbers; an ARPA file's model is then read into shared memory (plain or gzip).
    expect(await evalJson(['--model', bin, '--input', test, '--threads', '3'])).toEqual(fromArpa);
    expect(await evalJson(['--model', arpa, '--input', test, '--threads', '2'])).toEqual(fromArpa);
    expect(await evalJson(['--model', gz, '--input', test, '--threads', '2'])).toEqual(fromArpa);
    const q = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', bin, 'the', 'zebra'], q.io)).toBe(0);
    expect(q.out.join('')).toMatch(/^the=\d+ 2 -[\d.]+\tzebra=0 1 -[\d.]+\t<\/s>=2 \d -[\d.]+\tTotal: -[\d.]+ OOV: 1\nPerplexity including/);
    // 8-bit quantized (smaller on real models; on this toy one its 256-value tables dominate): scores close.
    const q8 = join(dir, 'model.q8.bin');
    const small = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'build-binary', arpa, q8, '--quantize', '8'], small.io)).toBe(0);
    expect(small.out.join('')).toContain('8-bit quantized');
    expect(readFileSync(q8).equals(readFileSync(bin))).toBe(false);
    expect((await evalJson(['--model', q8, '--input', test])).perplexity).toBeCloseTo(fromArpa.perplexity!, 0);
  });

  it('build-binary: a quantization the format lacks, or an output folder that does not exist, is a usage error before any reading', async () => {
    const bits = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'build-binary', arpa, join(dir, 'x.bin'), '--quantize', '4'], bits.io)).toBe(2);
    expect(bits.err.join('')).toBe('nlpkit ngram: --quantize must be 8 (the binary format quantizes to 8 bits; leave it out for float32), got "4"\n');
    const folder = capture();
    const target = join(dir, 'no-such-folder', 'model.bin');
    // The input does not exist either: the output is checked first (exit 2, not 1 for the unreadable input).
    expect(await run(['node', 'nlpkit', 'ngram', 'build-binary', join(dir, 'missing.arpa'), target], folder.io)).toBe(2);
    expect(folder.err.join('')).toContain('no-such-folder');
  });

  it('reads standard input when --input is left out (train and eval)', async () => {
    const fromStdin = join(dir, 'stdin.arpa');
    const t = capture(`${TRAIN.join('\n')}\n`);
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--arpa', fromStdin, '--quiet'], t.io)).toBe(0);
    expect(readFileSync(fromStdin, 'utf8')).toBe(readFileSync(arpa, 'utf8'));
    expect(await evalJson(['--model', arpa], readFileSync(test, 'utf8'))).toEqual(await evalJson(['--model', arpa, '--input', test]));
  });

  it('splits words as KenLM does (U+00A0 and U+3000 stay inside words) and counts an empty line as a sentence', async () => {
    const text = join(dir, 'unicode.txt');
    writeFileSync(text, 'the\u00a0cat sat\nthe\u3000dog\tsat\n\nthe\u00a0cat ran\n');
    const model = join(dir, 'unicode.arpa');
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', text, '--arpa', model], capture().io)).toBe(0);
    const unigrams = readFileSync(model, 'utf8').split('\n\\2-grams:')[0]!;
    expect(unigrams).toContain('\tthe\u00a0cat\t');
    expect(unigrams).toContain('\tthe\u3000dog\t');
    expect(unigrams).not.toMatch(/\tthe\t/);
    // 4 lines: 2 + 2 + 0 + 2 words, plus one </s> each.
    expect((await evalJson(['--model', model, '--input', text])).tokens).toBe(10);
    const q = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', model, 'the\u00a0cat'], q.io)).toBe(0);
    expect(q.out.join('')).toMatch(/^the\u00a0cat=[1-9]\d* 2 /);
  });

  it('query with nothing to score is a usage error (exit 2): no words, no --input, nothing piped, or an empty input', async () => {
    const nothing = bufferIo(terminalStdin());
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa], nothing)).toBe(2);
    expect(nothing.err.join('')).toBe('nlpkit ngram: nothing to score: give the words of a sentence, --input FILE, or pipe text on standard input\n');
    expect(nothing.out).toEqual([]);
    const empty = capture('');
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa], empty.io)).toBe(2);
    expect(empty.err.join('')).toBe('nlpkit ngram: nothing to score: standard input has no lines\n');
    const both = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, '--input', test, 'the'], both.io)).toBe(2);
    // Piped text with no --input is read.
    const piped = capture('the cat\n');
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa], piped.io)).toBe(0);
    expect(piped.out.join('')).toMatch(/^the=\d+ 2 .*\tTotal: \S+ OOV: 0\nPerplexity including OOVs:/);
  });

  it('query --input FILE on several threads prints the bytes of one thread, from the ARPA and from a binary model', async () => {
    // Enough lines for many chunks, an empty one and unknown words among them.
    const many = join(dir, 'many.txt');
    writeFileSync(many, 'the cat ran\nthe zebra sat on the mat\n\na dog ate the log\n'.repeat(500));
    const bin = join(dir, 'threads.bin');
    expect(await run(['node', 'nlpkit', 'ngram', 'build-binary', arpa, bin], capture().io)).toBe(0);
    const printed = async (...args: string[]): Promise<string> => {
      const c = capture();
      expect(await run(['node', 'nlpkit', 'ngram', 'query', ...args], c.io)).toBe(0);
      return c.out.join('');
    };
    const one = await printed('--model', arpa, '--input', many, '--threads', '1');
    expect(one).toMatch(/OOVs:\t500\nTokens:\t9000\n$/);
    expect(await printed('--model', arpa, '--input', many, '--threads', '3')).toBe(one);
    expect(await printed('--model', bin, '--input', many, '--threads', '2')).toBe(one);
    expect(await printed('--model', bin, '--input', many)).toBe(one);
    // --threads is for a text file: a usage error with words, or standard input.
    const words = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, '--threads', '2', 'the'], words.io)).toBe(2);
    expect(words.err.join('')).toContain('--threads needs --input: a text file');
    const piped = capture('the cat\n');
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, '--input', '-', '--threads', '2'], piped.io)).toBe(2);
    const zero = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'query', '--model', arpa, '--input', many, '--threads', '0'], zero.io)).toBe(2);
  });
});

/** Standard input that never ends: a command reading it before checking its output path would hang. */
function endlessStdin(): Readable {
  return new Readable({ read() {} });
}

describe('nlpkit ngram train output (issue 13)', () => {
  it('issue 13: a missing output folder fails at once (before reading the input) with exit code 2 naming the path', async () => {
    const target = join(dir, 'no-such-folder', 'model.arpa');
    const io = bufferIo(endlessStdin());
    const started = performance.now();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', '-', '--arpa', target], io)).toBe(2);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(io.err.join('')).toBe(`nlpkit ngram: cannot write ${target}: its folder ${join(dir, 'no-such-folder')} does not exist\n`);
    expect(io.out).toEqual([]);
  });

  it('issue 13: --arpa naming a folder fails at once with exit code 2', async () => {
    const io = bufferIo(endlessStdin());
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', '-', '--arpa', dir], io)).toBe(2);
    expect(io.err.join('')).toBe(`nlpkit ngram: cannot write ${dir}: it is a folder\n`);
  });

  it('issue 13: a bad --prune is a usage error (exit 2) found before training', async () => {
    const io = bufferIo(endlessStdin());
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', '-', '--arpa', arpa, '--prune', 'x'], io)).toBe(2);
    expect(io.err.join('')).toContain('--prune must be an integer');
  });

  it('issue 13: train writes through the atomic writer: orphaned temporaries of a killed run are removed, none left', async () => {
    const folder = mkdtempSync(join(dir, 'atomic-'));
    const target = join(folder, 'model.arpa');
    writeFileSync(target, 'previous model');
    // What a SIGKILLed writer leaves: `.model.arpa.<pid>.<random>.nlpkit-tmp` of a process that is gone.
    const orphan = join(folder, '.model.arpa.999999999.abc.nlpkit-tmp');
    writeFileSync(orphan, 'half a model');
    const { io } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', train, '--arpa', target], io)).toBe(0);
    expect(readdirSync(folder)).toEqual(['model.arpa']);
    expect(readFileSync(target, 'utf8')).toMatch(/^\\data\\\n/);
  });

  it('issue 13: a failed train (unreadable input) leaves the previous model byte-identical and no temporary (exit 1)', async () => {
    const folder = mkdtempSync(join(dir, 'keep-'));
    const target = join(folder, 'model.arpa');
    writeFileSync(target, 'previous model');
    const io = bufferIo();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', join(folder, 'missing.txt'), '--arpa', target], io)).toBe(1);
    expect(io.err.join('')).toMatch(/^nlpkit ngram: .*missing\.txt/);
    expect(readdirSync(folder)).toEqual(['model.arpa']);
    expect(readFileSync(target, 'utf8')).toBe('previous model');
  });
});

// KenLM's own figures (scripts/golden/ngram/kenlm_ptb.py); PTB is committed under test-data/ptb.
const kenlm = JSON.parse(readFileSync(new URL('../../../../packages/ngram/test/fixtures/kenlm-ptb.json', import.meta.url), 'utf8')) as {
  orders: Record<string, { test: { perplexity: number; tokens: number; oov: number } }>;
};
const ptb = referenceData('ptb/ptb.train.txt', 'ptb/ptb.test.txt');

describe('nlpkit ngram on PTB against KenLM', ptb.options, () => {
  it(`train --order 2 then eval --json gives KenLM's perplexity ± 0.001 (ARPA stores float32, as KenLM's does)`, async () => {
    // KenLM was run with <unk> renamed to UNK (lmplz refuses a literal <unk> in training text).
    const rename = (f: string): string => {
      const path = join(dir, f.slice(4));
      writeFileSync(path, readFileSync(ptb.path(f), 'utf8').replaceAll('<unk>', 'UNK'));
      return path;
    };
    const model = join(dir, 'ptb2.arpa');
    const quiet = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '2', '--input', rename('ptb/ptb.train.txt'), '--arpa', model], quiet.io)).toBe(0);
    const { io, out } = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'eval', '--model', model, '--input', rename('ptb/ptb.test.txt'), '--json'], io)).toBe(0);
    const report = JSON.parse(out.join('')) as { perplexity: number; tokens: number; oov: number };
    const want = kenlm.orders['2']!.test;
    expect(report.tokens).toBe(want.tokens);
    expect(report.oov).toBe(want.oov);
    expect(Math.abs(report.perplexity - want.perplexity)).toBeLessThanOrEqual(0.001);
  });
});

describe('nlpkit ngram train --memory (out of core, issue 11)', () => {
  it('writes the same ARPA bytes as in-memory training, and leaves --temp empty', async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `${TRAIN[i % TRAIN.length]} w${i % 37} w${(i * 7) % 53}`);
    const input = join(dir, 'disk-train.txt');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const temp = mkdtempSync(join(dir, 'temp-'));
    const inMemory = join(dir, 'memory.arpa');
    const outOfCore = join(dir, 'disk.arpa');
    const a = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '4', '--input', input, '--arpa', inMemory], a.io)).toBe(0);
    const b = capture();
    const args = ['--order', '4', '--input', input, '--arpa', outOfCore, '--memory', '512K', '--temp', temp];
    expect(await run(['node', 'nlpkit', 'ngram', 'train', ...args], b.io), b.err.join('')).toBe(0);
    expect(readFileSync(outOfCore, 'utf8')).toBe(readFileSync(inMemory, 'utf8'));
    expect(readdirSync(temp)).toEqual([]);
    expect(b.out.join('')).toContain('out of core; 1-grams:');
    // --threads: the file counted on 3 threads (each under a third of the cap), the same bytes.
    const threaded = join(dir, 'disk-threads.arpa');
    const c = capture();
    expect(await run(['node', 'nlpkit', 'ngram', 'train', ...args.map((a) => (a === outOfCore ? threaded : a)), '--threads', '3'], c.io), c.err.join('')).toBe(0);
    expect(readFileSync(threaded, 'utf8')).toBe(readFileSync(inMemory, 'utf8'));
    expect(readdirSync(temp)).toEqual([]);
    // The same discounts lines as in-memory training prints.
    expect(b.out.join('').split('\n').filter((l) => l.startsWith('discounts'))).toEqual(a.out.join('').split('\n').filter((l) => l.startsWith('discounts')));
  });

  it('--prune: the same pruned ARPA bytes as in-memory training; --binary: the bytes build-binary gives from it', async () => {
    const lines = Array.from({ length: 600 }, (_, i) => `${TRAIN[i % TRAIN.length]} w${i % 37} w${(i * 7) % 53} w${(i * 13) % 29}`);
    const input = join(dir, 'prune-train.txt');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const temp = mkdtempSync(join(dir, 'temp-'));
    const nlpkit = async (...args: string[]) => {
      const { io, out, err } = capture();
      const code = await run(['node', 'nlpkit', 'ngram', ...args, '--quiet'], io);
      return { code, out: out.join(''), err: err.join('') };
    };
    const files = (name: string) => ({ arpa: join(dir, `${name}.arpa`), bin: join(dir, `${name}.bin`) });
    const memory = files('pruned-memory');
    const disk = files('pruned-disk');
    const prune = ['--prune', '0', '1', '1'];
    const a = await nlpkit('train', '--order', '4', '--input', input, '--arpa', memory.arpa, '--binary', memory.bin, ...prune);
    expect(a.code, a.err).toBe(0);
    const b = await nlpkit('train', '--order', '4', '--input', input, '--arpa', disk.arpa, '--binary', disk.bin, '--memory', '512K', '--temp', temp, ...prune);
    expect(b.code, b.err).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
    expect(b.out).toContain(`wrote ${disk.arpa} and ${disk.bin} (order 4, out of core; 1-grams:`);
    const text = readFileSync(disk.arpa, 'utf8');
    expect(text).toBe(readFileSync(memory.arpa, 'utf8'));
    const unpruned = join(dir, 'unpruned.arpa');
    expect((await nlpkit('train', '--order', '4', '--input', input, '--arpa', unpruned)).code).toBe(0);
    expect(text.length).toBeLessThan(readFileSync(unpruned, 'utf8').length);
    // The binary model: the same bytes in memory and out of core, and those of build-binary from the ARPA.
    const converted = join(dir, 'converted.bin');
    expect((await nlpkit('build-binary', disk.arpa, converted)).code).toBe(0);
    expect(readFileSync(disk.bin).equals(readFileSync(converted))).toBe(true);
    expect(readFileSync(memory.bin).equals(readFileSync(converted))).toBe(true);
    // --binary alone (no ARPA kept), quantized: as build-binary --quantize 8.
    const q8 = join(dir, 'only.bin');
    const c = await nlpkit('train', '--order', '4', '--input', input, '--binary', q8, '--quantize', '8', '--memory', '512K', '--temp', temp, ...prune);
    expect(c.code, c.err).toBe(0);
    expect(c.out).toContain(`wrote ${q8} (order 4, out of core;`);
    expect(readdirSync(temp)).toEqual([]);
    const convertedQ8 = join(dir, 'converted-q8.bin');
    expect((await nlpkit('build-binary', disk.arpa, convertedQ8, '--quantize', '8')).code).toBe(0);
    expect(readFileSync(q8).equals(readFileSync(convertedQ8))).toBe(true);
    // The binary model scores as the ARPA does.
    const evalArpa = await nlpkit('eval', '--model', disk.arpa, '--input', test, '--json');
    const evalBin = await nlpkit('eval', '--model', disk.bin, '--input', test, '--json');
    expect(evalBin.out).toBe(evalArpa.out);
  });

  it('a failed out-of-core run (unreadable input) leaves --temp empty and no model (exit 1)', async () => {
    const temp = mkdtempSync(join(dir, 'temp-'));
    const target = join(dir, 'failed.bin');
    const io = bufferIo();
    const args = ['--order', '3', '--input', join(dir, 'missing.txt'), '--binary', target, '--memory', '1M', '--temp', temp, '--prune', '0', '1'];
    expect(await run(['node', 'nlpkit', 'ngram', 'train', ...args], io)).toBe(1);
    expect(io.err.join('')).toMatch(/--input.*missing\.txt|missing\.txt.*(not found|no such)/i);
    expect(readdirSync(temp)).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.includes('failed'))).toEqual([]);
  });

  it('Ctrl-C (SIGINT) stops it: exit 1, no model written, --temp left empty, the handler removed', async () => {
    const temp = mkdtempSync(join(dir, 'temp-'));
    const target = join(dir, 'interrupted.arpa');
    const line = 'the cat sat on the mat\n'.repeat(500);
    const stdin = new Readable({
      read() {
        setImmediate(() => this.push(line));
      },
    });
    const io = bufferIo(stdin);
    const before = new Set(process.listeners('SIGINT'));
    const running = run(
      ['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', '-', '--arpa', target, '--binary', `${target}.bin`, '--prune', '0', '1', '--memory', '1M', '--temp', temp],
      io,
    );
    // The command's own handler, called directly (emitting SIGINT would reach the test runner's handlers too), once
    // it is there: the command's module is imported when it runs, which takes a while on a loaded machine.
    const newListeners = () => process.listeners('SIGINT').filter((listener) => !before.has(listener));
    for (let waited = 0; newListeners().length === 0 && waited < 20_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const added = newListeners();
    expect(added).toHaveLength(1);
    added[0]!('SIGINT');
    expect(await running).toBe(1);
    expect(io.err.join('')).toContain('interrupted: no model written, temporary files removed');
    expect(readdirSync(temp)).toEqual([]);
    expect(readdirSync(dir).filter((name) => name.includes('interrupted'))).toEqual([]);
    expect(process.listeners('SIGINT')).toHaveLength(before.size);
  });

  it.each([
    [['--memory', '12X'], '--memory must be a size such as 512M or 2G'],
    [['--memory', '100K'], '--memory must be at least 256K, got "100K"'],
    [['--temp', dir], '--temp needs --memory'],
    [['--memory', '1G', '--smoothing', 'wb'], '--memory (out-of-core estimation) supports --smoothing mkn (with or without --prune)'],
    [['--memory', '1G', '--prune', '0', '2', '1'], 'options.prune must be thresholds that do not decrease with the order'],
    [['--memory', '1G', '--binary', join(dir, 'never.bin'), '--quantize', '4'], '--quantize takes 8 and goes with --binary'],
    [['--quantize', '8'], '--quantize takes 8 and goes with --binary'],
    [['--memory', '1G', '--binary', join(dir, 'never.arpa')], '--arpa and --binary must be two files'],
    [['--memory', '1G', '--binary', join(dir, 'no-such-folder', 'm.bin')], 'no-such-folder'],
    [['--memory', '1G', '--temp', join(dir, 'no-such-folder')], '--temp must be an existing folder'],
  ])('a bad %j is a usage error (exit 2) before any reading', async (extra, message) => {
    const io = bufferIo(endlessStdin());
    expect(await run(['node', 'nlpkit', 'ngram', 'train', '--order', '3', '--input', '-', '--arpa', join(dir, 'never.arpa'), ...extra], io)).toBe(2);
    expect(io.err.join('')).toContain(message);
  });
});

describe('nlpkit ngram: stupid backoff (issue 17)', () => {
  const sb = join(dir, 'model.sb');
  const nlpkit = async (...args: string[]) => {
    const { io, out, err } = capture();
    const code = await run(['node', 'nlpkit', 'ngram', ...args], io);
    return { code, out: out.join(''), err: err.join('') };
  };
  const expected = (alpha?: number) =>
    stupidBackoff(collectNgramStatistics(TRAIN.map((line) => line.split(' ')), { order: 3 }), alpha === undefined ? {} : { alpha });

  it('train --smoothing stupid --output writes the stupid-backoff file of the library, byte for byte', async () => {
    const r = await nlpkit('train', '--order', '3', '--input', train, '--smoothing', 'stupid', '--output', sb, '--alpha', '0.3', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${sb} (stupid backoff, alpha 0.3, order 3; 1-grams: 15, 2-grams: 24, 3-grams: 25)\n`);
    expect(readFileSync(sb, 'utf8')).toBe(writeStupidBackoff(expected(0.3)));
  });

  it('query prints word=id log10score per word, </s> last, the total and the OOVs; --alpha overrides the file', async () => {
    const r = await nlpkit('query', '--model', sb, 'the', 'zebra', 'sat');
    expect(r.code).toBe(0);
    const model = expected(0.3);
    const s = (word: string, context: string[]): number => model.log10Score(word, context);
    expect(r.out).toBe(
      `the=3 ${s('the', [])}\tzebra=0 ${s('zebra', ['the'])}\tsat=5 ${s('sat', ['the', 'zebra'])}\t</s>=2 ${s('</s>', ['zebra', 'sat'])}\t` +
        `Total: ${s('the', []) + s('sat', ['the', 'zebra']) + s('</s>', ['zebra', 'sat'])} OOV: 1\n`,
    );
    expect(r.out).toContain('zebra=0 -Infinity');
    const other = await nlpkit('query', '--model', sb, '--alpha', '0.9', 'cat', 'the');
    const m9 = expected(0.9);
    expect(other.out.split('\t')[1]).toBe(`the=3 ${m9.log10Score('the', ['cat'])}`);
    expect(m9.log10Score('the', ['cat'])).not.toBe(model.log10Score('the', ['cat']));
    const withArpa = await nlpkit('query', '--model', arpa, '--alpha', '0.5', 'the');
    expect(withArpa.code).toBe(2);
    expect(withArpa.err).toContain('--alpha is the backoff multiplier of stupid-backoff files');
  });

  it('eval refuses a stupid-backoff file (plain or gzip) with a usage error: scores are not probabilities', async () => {
    writeFileSync(`${sb}.gz`, gzipSync(readFileSync(sb)));
    for (const model of [sb, `${sb}.gz`]) {
      const r = await nlpkit('eval', '--model', model, '--input', test);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(`${model} is a stupid-backoff file: its numbers are scores, not probabilities (they do not sum to one), so it has no perplexity`);
    }
    // query reads a text file with either (the gzip'd one is recognized once decompressed): the same lines as
    // the words given on the command line.
    const one = join(dir, 'one-sentence.txt');
    writeFileSync(one, 'the zebra sat\n');
    const words = await nlpkit('query', '--model', sb, 'the', 'zebra', 'sat');
    for (const model of [sb, `${sb}.gz`]) expect(await nlpkit('query', '--model', model, '--input', one)).toEqual(words);
    const generate = await nlpkit('generate', '--model', sb);
    expect(generate.code).toBe(1);
    expect(generate.err).toContain('stupid-backoff counts file, not ARPA');
  });

  it.each([
    [['--smoothing', 'stupid', '--arpa', 'x.arpa'], 'stupid backoff has no ARPA form (its numbers are scores, not probabilities): write it with --output FILE'],
    [['--smoothing', 'stupid'], '--smoothing stupid needs --output FILE'],
    [['--smoothing', 'stupid', '--output', 'x.sb', '--prune', '1'], '--smoothing stupid takes none of --prune, --discount and --memory'],
    [['--output', 'x.sb'], '--output and --alpha are those of --smoothing stupid'],
    [['--arpa', 'x.arpa', '--alpha', '0.5'], '--output and --alpha are those of --smoothing stupid'],
    [[], '--arpa FILE is required'],
    [['--smoothing', 'stupid', '--output', 'x.sb', '--binary', 'x.bin'], 'stupid backoff has no binary model form'],
    [['--arpa', 'x.arpa', '--cluster', 'redis://h:1', '--storage', '.', '--binary', 'x.bin'], 'without --prune, --memory or --binary'],
    [['--smoothing', 'wb', '--arpa', 'x.arpa', '--cluster', 'redis://h:1', '--storage', '.'], '--cluster (distributed estimation) supports --smoothing mkn or stupid'],
    [['--smoothing', 'stupid', '--output', 'x.sb', '--alpha', '0'], '--alpha must be a positive number'],
  ])('train %j is a usage error (exit 2)', async (extra, message) => {
    const r = await nlpkit('train', '--order', '2', '--input', train, ...extra.map((a) => (a.startsWith('x.') ? join(dir, a) : a)));
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
  });

  it('--help of train, query and eval tells of stupid backoff', async () => {
    expect((await nlpkit('train', '--help')).out).toMatch(/--smoothing\s+stupid --output FILE[^]*--alpha <a>/);
    expect((await nlpkit('query', '--help')).out).toContain('stupid-backoff file');
    expect((await nlpkit('eval', '--help')).out).toContain('not for stupid-backoff files');
  });
});
