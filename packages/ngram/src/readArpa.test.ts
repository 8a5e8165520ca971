import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, InvalidArgumentError } from '@nlpkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readArpaFile } from './arpaFile.js';
import { ArpaFormatError, WrongFormatError } from './errors.js';
import { estimateKneserNey } from './estimateKneserNey.js';
import type { NgramWarning } from './kneserNeyDiscounts.js';
import { readArpa, readArpaLines } from './readArpa.js';
import { writeArpa } from './writeArpa.js';
import { toBinaryModel } from './binaryModel.js';
import { gzipSync } from 'node:zlib';

// A small hand-written ARPA in SRILM style (spaces, no backoff where it is 0, <unk> absent).
const SRILM = `
some preamble SRILM writes

\\data\\
ngram 1=5
ngram 2=3

\\1-grams:
-0.69897 </s>
-99 <s> -0.30103
-0.69897 a -0.39794
-0.52288 b
-1 c

\\2-grams:
-0.30103 <s> a
-0.1 a b
-0.2 b </s>

\\end\\
`;

function arpaError(text: string): ArpaFormatError {
  try {
    readArpa(text);
  } catch (error) {
    if (error instanceof ArpaFormatError) return error;
    throw error;
  }
  throw new Error('expected an ArpaFormatError');
}

describe('readArpa', () => {
  it('scores with backoff semantics and gives a missing <unk> log10 p = -100', () => {
    const warnings: NgramWarning[] = [];
    const model = readArpa(SRILM, { onWarning: (w) => warnings.push(w) });
    expect(model.counts).toEqual([6, 3]);
    expect(warnings.map((w) => w.code)).toEqual(['missing-unk']);
    expect(model.score('a', []).log10Prob).toBeCloseTo(-0.30103, 6); // bigram <s> a
    expect(model.score('a', []).ngramLength).toBe(2);
    expect(model.log10Prob('c', ['a'])).toBeCloseTo(-0.39794 + -1, 6); // backoff(a) + p(c)
    expect(model.log10Prob('b', ['c'])).toBeCloseTo(-0.52288, 6); // c has no backoff: 0
    expect(model.log10Prob('zzz', ['b'])).toBe(-100);
    const sentence = model.scoreSentence(['a', 'b']);
    expect(sentence.log10Prob).toBeCloseTo(-0.30103 - 0.1 - 0.2, 6);
  });

  it('round-trips a written model to the same text and the same numbers', () => {
    const { model } = estimateKneserNey(
      [['the', 'cat', 'sat'], ['the', 'dog', 'sat'], ['a', 'cat', 'ran'], ['the', 'cat', 'ran', 'off']],
      { order: 3 },
    );
    const text = writeArpa(model);
    const reread = readArpa(text);
    expect(writeArpa(reread)).toBe(text);
    // Ids of orders ≥ 2 follow file order, so compare the stored float32 values as sorted lists per order.
    const sorted = (a: Float32Array): number[] => Array.from(a).sort((x, y) => x - y);
    for (let n = 0; n < 3; n++) {
      expect(sorted(reread.data.log10Probs[n]!)).toEqual(sorted(model.data.log10Probs[n]!));
      expect(sorted(reread.data.log10Backoffs[n]!)).toEqual(sorted(model.data.log10Backoffs[n]!));
    }
    for (const [w, ctx] of [['sat', ['the', 'cat']], ['off', ['ran']], ['zzz', ['the']], ['</s>', ['cat', 'ran']]] as const) {
      expect(reread.log10Prob(w, ctx)).toBe(model.log10Prob(w, ctx));
    }
    expect(text).toContain('\n0\t<s>\t');
  });

  it('reads the same model from a string, from lines and from a file (LF or CRLF)', () => {
    const { model } = estimateKneserNey(
      [['the', 'cat', 'sat'], ['the', 'dög', 'sat'], ['a', 'cat', 'ran'], ['the', 'cat', 'ran', 'off']],
      { order: 3 },
    );
    const text = writeArpa(model);
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-arpa-'));
    try {
      for (const variant of [text, text.replaceAll('\n', '\r\n'), SRILM]) {
        const expected = writeArpa(readArpa(variant));
        expect(writeArpa(readArpaLines(variant.split('\n')))).toBe(expected);
        const path = join(dir, 'model.arpa');
        writeFileSync(path, variant);
        expect(writeArpa(readArpaFile(path))).toBe(expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads sections in any line order to the same scores, and finds duplicates that are not adjacent', () => {
    const train = [['the', 'cat', 'sat'], ['the', 'dog', 'sat'], ['a', 'cat', 'ran'], ['the', 'cat', 'ran', 'off']];
    const { model } = estimateKneserNey(train, { order: 3 });
    const text = writeArpa(model);
    // Reverse the entries of every section: the keys then arrive out of trie order.
    const shuffled = text.replace(/(\\\d-grams:\n)([^\\]*?)(\n\n)/g, (_, head: string, body: string, tail: string) => head + body.split('\n').reverse().join('\n') + tail);
    expect(shuffled).not.toBe(text);
    const reread = readArpa(shuffled);
    expect(reread.counts).toEqual(model.counts);
    for (const s of [...train, ['a', 'dog', 'ran', 'off'], ['zzz', 'the']]) {
      for (let i = 0; i <= s.length; i++) {
        const word = i < s.length ? s[i]! : '</s>';
        expect(reread.log10Prob(word, s.slice(0, i))).toBe(model.log10Prob(word, s.slice(0, i)));
      }
    }
    // "a b" repeated two lines apart, after an out-of-order entry.
    const duplicate = SRILM.replace('-0.2 b </s>', '-0.2 b </s>\n-0.3 a b').replace('ngram 2=3', 'ngram 2=4');
    expect(arpaError(duplicate).message).toMatchInlineSnapshot(`"@nlpkit/ngram: ARPA line 19: duplicate 2-gram "a b""`);
  });

  it('refuses <pad> as a word (core vocabularies reserve it)', () => {
    const withPad = SRILM.replace('ngram 1=5', 'ngram 1=6').replace('-1 c\n', '-1 c\n-2 <pad>\n');
    expect(arpaError(withPad).message).toMatchInlineSnapshot(`"@nlpkit/ngram: ARPA line 14: the unigram <pad> is reserved for padding in nlpkit vocabularies"`);
  });

  it('inserts a missing prefix with its backed-off probability', () => {
    const text = SRILM.replace('ngram 2=3', 'ngram 2=3\nngram 3=1').replace('\\end\\', '\\3-grams:\n-0.05 b a b\n\n\\end\\');
    const warnings: NgramWarning[] = [];
    const model = readArpa(text, { onWarning: (w) => warnings.push(w) });
    expect(warnings.map((w) => w.code)).toContain('missing-prefix');
    // "b a" is not listed: it scores as backoff(b) + p(a) = 0 + -0.69897, with or without the inserted entry.
    expect(model.log10Prob('a', ['b'], false)).toBeCloseTo(-0.69897, 6);
    expect(model.log10Prob('b', ['b', 'a'], false)).toBeCloseTo(-0.05, 6);
    expect(model.counts).toEqual([6, 4, 1]);
  });

  it('names the problem and the line for malformed files', () => {
    expect(arpaError('').message).toMatchInlineSnapshot(`"@nlpkit/ngram: ARPA line 1: expected the \\data\\ header, found end of text"`);
    const wrongCount = arpaError(SRILM.replace('ngram 2=3', 'ngram 2=4'));
    expect(wrongCount.message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: ARPA line 20: section \\2-grams: has 3 entries but the header announces 4"`,
    );
    expect(wrongCount.line).toBe(20);
    expect(wrongCount).toBeInstanceOf(FormatError);
    expect(wrongCount.code).toBe('ERR_ARPA_FORMAT');
    expect(arpaError(SRILM.replace('-0.1 a b', '-0.x a b')).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: ARPA line 17: probability "-0.x" is not a number"`,
    );
    expect(arpaError(SRILM.replace('\\end\\', '')).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: ARPA line 20: expected \\end\\ after the last section, found end of text"`,
    );
    expect(arpaError(SRILM.replace('-0.1 a b', '-0.1 a q')).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: ARPA line 17: word "q" of this 2-gram is not among the unigrams"`,
    );
    expect(arpaError(SRILM.replace('-0.2 b </s>', '-0.2 a b')).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: ARPA line 18: duplicate 2-gram "a b""`,
    );
    expect(arpaError(SRILM.replace('ngram 2=3', 'ngram 3=3')).message).toMatchInlineSnapshot(
      `"@nlpkit/ngram: ARPA line 6: expected "ngram 2=…" in the header, found "ngram 3=3""`,
    );
    expect(() => readArpa(42 as unknown as string)).toThrow(InvalidArgumentError);
  });

  it('only ever throws ArpaFormatError or WrongFormatError on arbitrary input (fuzz)', () => {
    const lines = SRILM.split('\n');
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat(lines.length), fc.oneof(fc.string(), fc.constantFrom('\\end\\', '\\data\\', 'ngram 1=2', '\\2-grams:', '-1 a b c', '\t', '-inf a'))), { maxLength: 6 }),
        fc.array(fc.nat(lines.length), { maxLength: 3 }),
      )
      .map(([inserts, deletes]) => {
        const copy = [...lines];
        for (const d of deletes) copy.splice(d, 1);
        for (const [at, text] of inserts) copy.splice(at, 0, text);
        return copy.join('\n');
      });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ unit: 'binary', maxLength: 200 })), (text) => {
        try {
          readArpa(text);
        } catch (error) {
          if (!(error instanceof ArpaFormatError)) expect(error).toBeInstanceOf(WrongFormatError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('readArpa on hostile input (issue 13)', () => {
  const code = (text: string): string => {
    try {
      readArpa(text);
    } catch (error) {
      return `${(error as ArpaFormatError).code}: ${(error as Error).message}`;
    }
    return 'read';
  };

  it('issue 13 item 9: numbers beyond float32 are a FormatError naming the line and value, never Infinity', () => {
    expect(code(SRILM.replace('-0.1 a b', '-1e999 a b'))).toMatchInlineSnapshot(
      `"ERR_ARPA_FORMAT: @nlpkit/ngram: ARPA line 17: probability "-1e999" is out of range (beyond ±3.4e38, the float32 range)"`,
    );
    expect(code(SRILM.replace('-0.1 a b', '-1e39 a b'))).toContain('ARPA line 17: probability "-1e39" is out of range');
    expect(code(SRILM.replace('-0.69897 a -0.39794', '-0.69897 a 1e999'))).toContain('ARPA line 11: backoff weight "1e999" is out of range');
    expect(code(SRILM.replace('-0.69897 a -0.39794', '-0.69897 a inf'))).toContain('ARPA line 11: backoff weight "inf" is not a number');
    // A literal -inf backoff (an MLE model's unseen context) reads as -Infinity and writes back as -inf.
    const mleLike = readArpa(SRILM.replace('-0.69897 a -0.39794', '-0.69897 a -inf'));
    expect(writeArpa(readArpa(writeArpa(mleLike)))).toBe(writeArpa(mleLike));
    // The largest float32 still reads, and SRILM's -inf probability is kept as -Infinity and written back as -inf.
    const edge = readArpa(SRILM.replace('-0.69897 a -0.39794', '-0.69897 a 3.4028234e38').replace('-1 c', '-inf c'));
    expect(edge.data.log10Probs[0]!.includes(-Infinity)).toBe(true);
    expect(writeArpa(edge)).toContain('-inf\tc');
    expect(writeArpa(edge)).not.toMatch(/(^|\s)inf\s/m);
    expect(writeArpa(readArpa(writeArpa(edge)))).toBe(writeArpa(edge));
  });

  it('issue 13 item 9: positive log10 probabilities are refused', () => {
    expect(code(SRILM.replace('-0.1 a b', '0.5 a b'))).toMatchInlineSnapshot(
      `"ERR_ARPA_FORMAT: @nlpkit/ngram: ARPA line 17: probability "0.5" is positive: log10 probabilities must be ≤ 0"`,
    );
    expect(code(SRILM.replace('-1 c', '1e30 c'))).toContain('ARPA line 13: probability "1e30" is positive');
    expect(code(SRILM.replace('-1 c', '0 c'))).toBe('read'); // p = 1 is a probability
  });

  it('issue 13 item 9: text after \\end\\ is a FormatError', () => {
    expect(code(`${SRILM}\n\\data\\\nngram 1=1\n`)).toMatchInlineSnapshot(
      `"ERR_ARPA_FORMAT: @nlpkit/ngram: ARPA line 22: text after \\end\\ (line 20): "\\\\data\\\\""`,
    );
    expect(code(`${SRILM}\n\n  \t\n`)).toBe('read'); // blank lines are fine
  });

  it('issue 13 item 9: readArpa, readArpaLines and readArpaFile report the same line for a missing \\end\\', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nlpkit-arpa-'));
    try {
      for (const text of [SRILM.replace('\\end\\', ''), SRILM.replace('\\end\\\n', ''), SRILM.replace('\\end\\', 'junk')]) {
        const path = join(dir, 'model.arpa');
        writeFileSync(path, text);
        const lines = [readArpa, (t: string) => readArpaLines(t.replace(/\n$/, '').split('\n')), () => readArpaFile(path)].map((read) => {
          try {
            read(text);
          } catch (error) {
            return (error as ArpaFormatError).line;
          }
          return 0;
        });
        expect(lines[0]).toBeGreaterThan(0);
        expect(new Set(lines).size).toBe(1);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('issue 13 item 9: gzip data, binary models and binary junk are named as such (ERR_WRONG_FORMAT)', () => {
    const formatOf = (text: string): string | undefined => {
      try {
        readArpa(text);
      } catch (error) {
        return error instanceof WrongFormatError ? error.format : (error as Error).message;
      }
      return undefined;
    };
    const gzip = gzipSync(SRILM);
    expect(formatOf(gzip.toString('latin1'))).toBe('gzip');
    expect(formatOf(new TextDecoder().decode(gzip))).toBe('gzip');
    const binary = toBinaryModel(readArpa(SRILM));
    expect(formatOf(new TextDecoder().decode(binary))).toBe('ngram-binary');
    expect(formatOf('mmap lm http://kheafield.com/code format version 5\n\0\0')).toBe('kenlm-binary');
    expect(formatOf(`${'x'.repeat(3000)}\0\n${SRILM}`)).toBe('binary');
    expect(() => readArpa(gzip.toString('latin1'))).toThrowErrorMatchingInlineSnapshot(
      `[WrongFormatError: @nlpkit/ngram: ARPA line 1: this is gzip data: decompress it first (readArpaFile reads .gz files itself)]`,
    );
    expect(() => readArpaLines(new TextDecoder().decode(binary).split('\n'))).toThrow(WrongFormatError);
  });

  it('issue 13 item 2: \\r-only line ends and newline-free input are refused quickly with a FormatError', () => {
    expect(code(SRILM.replaceAll('\n', '\r'))).toMatchInlineSnapshot(
      `"ERR_ARPA_FORMAT: @nlpkit/ngram: ARPA line 1: the lines of this text end in \\r only (old Mac line ends): convert them to \\n or \\r\\n"`,
    );
    const bigCr = `\\data\\\rngram 1=1\r${'-1 w\r'.repeat(300_000)}`;
    expect(code(bigCr)).toMatch(/ARPA line 1: line is longer than 1048576 characters: lines that end in \\r only/);
    expect(code('q'.repeat(3_000_000))).toMatch(/ARPA line 1: line is longer than 1048576 characters: not ARPA text \(it starts "qqq/);
    // A long line in the middle is reported with its own number.
    expect(code(`\\data\\\nngram 1=1\n\n\\1-grams:\n-1 ${'w'.repeat(1_100_000)}\n\\end\\\n`)).toContain('ARPA line 5: line is longer');
  });
});

describe('readArpaFile on files it cannot read', () => {
  it('gives the typed input-file errors every nlpkit reader gives', async () => {
    const { readArpaFile } = await import('./arpaFile.js');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    expect(() => readArpaFile(join(tmpdir(), 'nlpkit-no-such-model.arpa'))).toThrow(
      expect.objectContaining({ code: 'ERR_FILE_NOT_FOUND', argument: 'path' }),
    );
    expect(() => readArpaFile(tmpdir())).toThrow(expect.objectContaining({ code: 'ERR_FILE_UNREADABLE' }));
  });
});
