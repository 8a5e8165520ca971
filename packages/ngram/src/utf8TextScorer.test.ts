import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { collect, evaluatePerplexity } from '@nlpkit/core';
import { readLines } from '@nlpkit/text/node';
import { describe, expect, it } from 'vitest';
import { kenlmWords } from './kenlmWords.js';
import { readArpa, readArpaLines } from './readArpa.js';
import { Utf8TextScorer } from './utf8TextScorer.js';
import { loadBinaryModel, toBinaryModel } from './binaryModel.js';
import { BackoffLanguageModel } from './backoffLanguageModel.js';
import { hashBytes, utf8WordTableOfJoined } from './utf8WordTable.js';

const kenlm = JSON.parse(readFileSync(new URL('../test/fixtures/kenlm-unicode.json', import.meta.url), 'utf8')) as { arpa: string; test: string };

/** What `nlpkit ngram eval` computed before: readLines, kenlmWords(…, 'query'), evaluatePerplexity. */
async function reference(model: Parameters<typeof evaluatePerplexity>[0], bytes: Uint8Array): Promise<unknown> {
  const lines = await collect(readLines(Readable.from([Buffer.from(bytes)])));
  return evaluatePerplexity(model, lines.map((line) => kenlmWords(line, 'query')));
}

function scored(model: ConstructorParameters<typeof Utf8TextScorer>[0], bytes: Uint8Array, chunk = bytes.length || 1): unknown {
  const scorer = new Utf8TextScorer(model);
  for (let at = 0; at < bytes.length; at += chunk) scorer.push(bytes.subarray(at, at + chunk));
  return scorer.end();
}

describe('Utf8TextScorer', () => {
  const models = { fast: readArpa(kenlm.arpa), general: readArpaLines(kenlm.arpa.split('\n')) };

  it('gives evaluatePerplexity over readLines and kenlmWords, bit for bit, however the bytes are chunked', async () => {
    const encoder = new TextEncoder();
    const texts = [
      kenlm.test,
      `\uFEFF${kenlm.test}`,
      kenlm.test.replaceAll('\n', '\r\n'),
      `${kenlm.test}\n\nlast line without newline`,
      'a\vb\fc\u00a0d \u3000 e\t\r\n\n  \n',
      '\uFEFFbom inside\n\uFEFFbom\n',
    ];
    for (const model of Object.values(models)) {
      for (const text of texts) {
        const bytes = encoder.encode(text);
        const expected = await reference(model, bytes);
        expect(scored(model, bytes)).toEqual(expected);
        for (const chunk of [1, 2, 3, 7, 64]) expect(scored(model, bytes, chunk)).toEqual(expected);
      }
    }
  });

  it('a text cut at any line start and scored in parts (recording scorers, totals added in order) gives the same totals, bit for bit', () => {
    const encoder = new TextEncoder();
    const texts = [`\uFEFF${kenlm.test}`, `${kenlm.test.replaceAll('\n', '\r\n')}\n\nlast line without newline`, '\uFEFFbom inside\n\uFEFFbom\nx\n'];
    for (const model of Object.values(models)) {
      for (const text of texts) {
        const bytes = encoder.encode(text);
        const whole = scored(model, bytes);
        const starts = [...bytes.keys()].filter((i) => i > 0 && bytes[i - 1] === 10 && i < bytes.length);
        for (const cuts of [...starts.map((c) => [c]), starts.filter((_, i) => i % 2 === 1)]) {
          const bounds = [0, ...cuts, bytes.length];
          const first = new Utf8TextScorer(model);
          first.push(bytes.subarray(0, bounds[1]));
          for (let p = 1; p + 1 < bounds.length; p++) {
            const part = new Utf8TextScorer(model, { startsText: false, record: true });
            part.push(bytes.subarray(bounds[p], bounds[p + 1]));
            part.flush();
            first.addSentenceTotals(part.sentenceTotals());
          }
          expect(first.end(), `cut at ${cuts.join(', ')}`).toEqual(whole);
        }
      }
    }
  });

  it('adding totals checks them (naming the line in the whole text) and needs the text so far to end with a newline', () => {
    const scorer = new Utf8TextScorer(models.fast);
    scorer.push(new TextEncoder().encode('the\nthe\n'));
    const totals = { count: 2, log10Prob: Float64Array.of(-1, 0.5), oovLog10Prob: Float64Array.of(0, 0), oov: Int32Array.of(0, 0), tokens: Int32Array.of(2, 2) };
    expect(() => scorer.addSentenceTotals(totals)).toThrow(/log10 probabilities are ≤ 0.*log10 probability = 0\.5 at sentences\[3\]/);
    const carrying = new Utf8TextScorer(models.fast);
    carrying.push(new TextEncoder().encode('the'));
    expect(() => carrying.addSentenceTotals(totals)).toThrow(/ends with a newline/);
    expect(() => scorer.sentenceTotals()).toThrow(/options\.record/);
  });

  it('scores with the byte table the reader or loader provides as with one built from the words', async () => {
    const binary = loadBinaryModel(toBinaryModel(models.fast));
    expect(models.fast.data.utf8Words?.size).toBe(models.fast.data.wordIndex.size);
    expect(binary.data.wordBytes).toBeInstanceOf(Uint8Array);
    const bytes = new TextEncoder().encode(`${kenlm.test}\nnot-a-word the\n`);
    const expected = await reference(models.general, bytes);
    for (const model of [models.fast, binary]) {
      expect(scored(model, bytes)).toEqual(expected);
      // The same model without the provided table: the scorer encodes the words itself.
      const { utf8Words: _table, wordBytes: _bytes, ...plain } = model.data;
      expect(scored(new BackoffLanguageModel(plain), bytes)).toEqual(expected);
    }
  });

  it('looks words with bytes that are not UTF-8 up as the string they decode to', async () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('the w187 '), 0xff, 0x61, 0x20, 0xc3, 0x0a, 0xe2, 0x82]);
    expect(scored(models.fast, bytes)).toEqual(await reference(models.fast, bytes));
    expect(scored(models.fast, bytes, 1)).toEqual(await reference(models.fast, bytes));
  });

  it('refuses a line over 2^26 bytes (newline-free input) instead of holding it', () => {
    const scorer = new Utf8TextScorer(models.fast);
    const chunk = new Uint8Array(1 << 24).fill(0x61);
    expect(() => {
      for (let i = 0; i < 5; i++) scorer.push(chunk);
    }).toThrow(expect.objectContaining({ code: 'ERR_LINE_TOO_LONG', line: 1 }));
  });

  it('reads a vocabulary of 0-separated UTF-8 spellings as the binary model stores it', () => {
    const words = ['<unk>', '<s>', '</s>', 'a', 'é', '\u3000x', 'a b'];
    const joined = new TextEncoder().encode(words.join('\0'));
    const table = utf8WordTableOfJoined(joined);
    expect(table.size).toBe(words.length);
    words.forEach((word, id) => {
      const bytes = new TextEncoder().encode(word);
      expect(table.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length))).toBe(id);
    });
    const missing = new TextEncoder().encode('b');
    expect(table.find(missing, 0, 1, hashBytes(missing, 0, 1))).toBe(-1);
  });

  it('onLine gives every line word by word as scoreSentence(…, { perToken: true }) does: bytes, ids, log10 probabilities (in float32), n-gram lengths', async () => {
    const bytes = Buffer.concat([
      Buffer.from(`\uFEFF${kenlm.test}\r\nnot-a-word the\n\n\uFEFFbom inside\n`),
      Buffer.from([0x61, 0xff, 0x62, 0x20, 0x74, 0x68, 0x65, 0x0a]),
      Buffer.from('last line'),
    ]);
    const lines = await collect(readLines(Readable.from([bytes])));
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    for (const model of [...Object.values(models), loadBinaryModel(toBinaryModel(models.fast))]) {
      const seen: unknown[] = [];
      const scorer = new Utf8TextScorer(model, {
        onLine: (line) => {
          const words = Array.from({ length: line.count }, (_, i) => decoder.decode(line.bytes.subarray(line.starts[i], line.ends[i])));
          seen.push({
            words,
            ids: Array.from(line.ids.subarray(0, line.count), (id) => Math.max(0, id)),
            log10Probs: Array.from(line.log10Probs.subarray(0, line.count + 1)),
            lengths: Array.from(line.lengths.subarray(0, line.count + 1)),
            log10Prob: line.log10Prob,
            oov: line.oov,
          });
        },
      });
      for (let at = 0; at < bytes.length; at += 7) scorer.push(bytes.subarray(at, at + 7));
      scorer.flush();
      const expected = lines.map((line) => {
        const words = kenlmWords(line, 'query');
        const r = model.scoreSentence(words, { perToken: true });
        const perToken = r.perToken!;
        return {
          words,
          ids: words.map((w) => model.data.wordIndex.id(w)),
          log10Probs: perToken.map((t) => t.log10Prob),
          lengths: perToken.map((t) => t.ngramLength),
          log10Prob: r.log10Prob,
          oov: r.oov,
        };
      });
      // Each token's log10 probability is KenLM's float32 sum of what scoreSentence adds in double precision.
      const probs = (list: unknown[]) => list.map((line) => (line as { log10Probs: number[] }).log10Probs);
      const seenProbs = probs(seen).flat();
      const expectedProbs = probs(expected).flat();
      expect(seenProbs).toHaveLength(expectedProbs.length);
      seenProbs.forEach((p, i) => {
        expect(p).toBe(Math.fround(p));
        expect(p).toBeCloseTo(expectedProbs[i]!, 5);
      });
      const rest = (list: unknown[]) => list.map((line) => ({ ...(line as object), log10Probs: undefined }));
      expect(rest(seen)).toEqual(rest(expected));
      expect(seen.length).toBeGreaterThan(5);
    }
    expect(() => new Utf8TextScorer(models.fast, { onLine: 3 as never })).toThrow(/options\.onLine/);
  });

  it('refuses an empty text as evaluatePerplexity does', () => {
    expect(() => scored(models.fast, new Uint8Array(0))).toThrow(/at least one sentence/);
  });
});
