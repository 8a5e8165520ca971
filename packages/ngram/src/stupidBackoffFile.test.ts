import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPtb, ptb } from '../test/ptbData.js';
import { loadBinaryModel } from './binaryModel.js';
import { StupidBackoffFormatError, WrongFormatError } from './errors.js';
import { readModelFile } from './modelFile.js';
import { type SentencePadding, collectNgramStatistics } from './ngramStatistics.js';
import { readArpa } from './readArpa.js';
import { type StupidBackoffModel, stupidBackoff } from './stupidBackoff.js';
import { readStupidBackoffFile, writeStupidBackoffFile } from './stupidBackoffFile.js';
import { readStupidBackoff, readStupidBackoffChunks } from './stupidBackoffReader.js';
import { stupidBackoffByteChunks, writeStupidBackoff } from './stupidBackoffWriter.js';

const TOY = [['the', 'cat', 'sat'], ['the', 'dog', 'sat', 'down'], ['a', 'cat', 'ran']];

/** Every score of `sentences` under `a` and `b`, word by word with its whole left context, exactly equal. */
function expectSameScores(a: StupidBackoffModel, b: StupidBackoffModel, sentences: readonly (readonly string[])[]): number {
  let compared = 0;
  const mismatches: string[] = [];
  for (const sentence of sentences) {
    const words = [...sentence, '</s>'];
    for (let i = 0; i < words.length; i++) {
      const context = words.slice(0, i);
      for (const start of [true, false]) {
        const x = a.score(words[i]!, context, start);
        const y = b.score(words[i]!, context, start);
        compared++;
        if (!Object.is(x, y) && mismatches.length < 5) mismatches.push(`${context.join(' ')} | ${words[i]}: ${x} vs ${y}`);
      }
    }
  }
  expect(mismatches).toEqual([]);
  return compared;
}

describe('the stupid-backoff file', () => {
  it('is the documented text: header, every order sorted by word index, counts', () => {
    const text = writeStupidBackoff(stupidBackoff(TOY, { order: 2, alpha: 0.5 }));
    expect(text).toMatchInlineSnapshot(`
      "nlpkit-stupid-backoff 1
      order 2
      padding kenlm
      alpha 0.5
      ngrams 1 10
      ngrams 2 12

      \\1-grams
      0	<unk>
      0	<s>
      3	</s>
      2	the
      2	cat
      2	sat
      1	dog
      1	down
      1	a
      1	ran
      \\2-grams
      2	<s> the
      1	<s> a
      1	the cat
      1	the dog
      1	cat sat
      1	cat ran
      1	sat </s>
      1	sat down
      1	dog sat
      1	down </s>
      1	a cat
      1	ran </s>
      \\end
      "
    `);
    const back = readStupidBackoff(text);
    expect(back.alpha).toBe(0.5);
    expect(readStupidBackoff(text, { alpha: 0.1 }).alpha).toBe(0.1);
    expect(back.vocabulary.tokens).toEqual(stupidBackoff(TOY, { order: 2 }).vocabulary.tokens);
  });

  it('bytes and string agree, and reading in small chunks gives the same model', () => {
    const model = stupidBackoff(TOY, { order: 3, padding: 'nltk' });
    const text = writeStupidBackoff(model);
    expect(Buffer.concat([...stupidBackoffByteChunks(model)]).toString('utf8')).toBe(text);
    const pieces = text.match(/[^]{1,7}/g)!;
    expectSameScores(model, readStupidBackoffChunks(pieces), TOY);
    expect(writeStupidBackoff(readStupidBackoffChunks(pieces))).toBe(text);
  });

  it('refuses a word the format cannot hold', () => {
    expect(() => writeStupidBackoff(stupidBackoff([['a b', 'c']], { order: 2 }))).toThrow(/vocabulary word 3 must be a word without spaces/);
  });

  it('names what was expected and found in a wrong or damaged file', () => {
    const text = writeStupidBackoff(stupidBackoff(TOY, { order: 2 }));
    const error = (t: string): StupidBackoffFormatError => {
      try {
        readStupidBackoff(t);
      } catch (e) {
        expect(e).toBeInstanceOf(StupidBackoffFormatError);
        return e as StupidBackoffFormatError;
      }
      throw new Error('no error');
    };
    expect(error(text.slice(0, text.indexOf('1\tcat ran'))).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: stupid-backoff line 25 must be 12 2-grams in the section of order 2 (the header says so), got the end of the text"`,
    );
    expect(error(text.replace('\\end\n', '')).message).toMatchInlineSnapshot(`"@nlpkit/ngram: stupid-backoff line 32 must be "\\end" after the last section, got the end of the text"`);
    expect(error(`${text}more\n`).message).toContain('must be nothing after "\\end", got "more"');
    expect(error('\\data\\\nngram 1=3\n').message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: stupid-backoff line 1 must be "nlpkit-stupid-backoff 1" (a stupid-backoff file), got ARPA text (\\data\\): read it with readArpa"`,
    );
    expect(error(text.replace('backoff 1', 'backoff 2')).message).toContain('this reader knows version 1');
    expect(error(text.replace('order 2', 'order 11')).message).toContain('must be "order N (1 to 10)", got "order 11"');
    expect(error(text.replace('1\tcat sat\n1\tcat ran', '1\tcat ran\n1\tcat sat')).code).toBe('ERR_STUPID_BACKOFF_FORMAT');
    expect(error(text.replace('1\tcat ran', '1\tcat zebra')).message).toContain('n-grams of words listed in the 1-grams section');
    expect(error(text.replace('1\tcat ran', 'x\tcat ran')).message).toContain('an entry "COUNT<TAB>2 words separated by spaces"');
    expect(error(text.replace('1\tdog\n', '1\tthe\n')).message).toContain('a word not listed before');
    expect(error(text.replace('ngrams 2 12', 'ngrams 2 13')).message).toContain('13 2-grams');
    expect(error('').line).toBe(1);
    expect(() => readStupidBackoff(text, { alpha: 0 })).toThrow(/options.alpha must be a positive number/);
  });

  it('is never read as a probability model: readArpa, loadBinaryModel and readModelFile name it', () => {
    const text = writeStupidBackoff(stupidBackoff(TOY, { order: 2 }));
    expect(() => readArpa(text)).toThrow(WrongFormatError);
    expect(() => readArpa(text)).toThrow(/stupid-backoff counts file, not ARPA: its numbers are scores, not probabilities/);
    expect(() => loadBinaryModel(new TextEncoder().encode(text))).toThrow(/stupid-backoff counts file/);
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-sb-'));
    try {
      writeFileSync(join(dir, 'm.sb'), text);
      expect(() => readModelFile(join(dir, 'm.sb'))).toThrow(expect.objectContaining({ format: 'stupid-backoff', code: 'ERR_WRONG_FORMAT' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('stupid-backoff files on PTB', ptb.options, () => {
  const dir = mkdtempSync(join(tmpdir(), 'nlpkit-sb-ptb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const train = ptb.available ? loadPtb('train') : [];
  const valid = ptb.available ? loadPtb('valid').slice(0, 150) : [];
  const slice = train.slice(0, 6000);

  it.each([1, 2, 3, 4, 5].flatMap((order) => (['kenlm', 'nltk'] as SentencePadding[]).map((padding) => [order, padding] as const)))(
    'order %i, %s padding: the model read back scores exactly as the in-memory one (6,000 sentences)',
    (order, padding) => {
      const model = stupidBackoff(collectNgramStatistics(slice, { order, padding }));
      const text = writeStupidBackoff(model);
      const back = readStupidBackoff(text);
      expect(expectSameScores(model, back, valid)).toBeGreaterThan(6000);
      expect(writeStupidBackoff(back)).toBe(text);
    },
  );

  it('order 5 on 20,000 sentences, through a gzip file and with a word cutoff: the same scores', async () => {
    const model = stupidBackoff(collectNgramStatistics(train.slice(0, 20_000), { order: 5, unkCutoff: 2 }), { alpha: 0.3 });
    const path = join(dir, 'ptb5.sb');
    await writeStupidBackoffFile(model, path);
    writeFileSync(`${path}.gz`, gzipSync(readFileSync(path)));
    const back = readStupidBackoffFile(`${path}.gz`);
    expect(back.alpha).toBe(0.3);
    expectSameScores(model, back, valid);
    expect(readStupidBackoffFile(path, { alpha: 0.4 }).score('the', ['of'])).toBe(back.score('the', ['of']));
  }, 30_000);
});
