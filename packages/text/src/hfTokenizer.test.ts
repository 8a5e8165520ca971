import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '@nlpkit/core';
import { hfTokenizer, type HfTokenizer } from './hfTokenizer.js';

// The `tokenizers` Python library cannot be installed here (no PyPI) and no real tokenizer.json ships in
// node_modules, so these fixtures are small hand-made files in the real format, and the expected ids are derived
// by hand in the comments, step by step, following the library's documented algorithms.
const load = (name: string) => hfTokenizer(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url), 'utf8'));

describe('hfTokenizer (WordPiece, BERT-style)', () => {
  const tok = load('hf-wordpiece.tokenizer.json');

  it('normalizes, pre-tokenizes, matches greedy longest pieces and adds [CLS]/[SEP]', () => {
    // BertNormalizer lowercases and strips accents: "the cafes, unbelievable! sao paulo  東 " (CJK padded).
    // BertPreTokenizer: the | cafes | , | unbelievable | ! | sao | paulo | 東
    // WordPiece: cafes → cafe ##s; unbelievable → un ##believ ##able (longest prefixes first).
    const { ids, tokens } = tok.encode('The Cafés, UNBELIEVABLE! São Paulo東');
    expect(tokens).toEqual(['[CLS]', 'the', 'cafe', '##s', ',', 'un', '##believ', '##able', '!', 'sao', 'paulo', '東', '[SEP]']);
    expect(ids).toEqual([2, 4, 5, 6, 10, 7, 8, 9, 11, 12, 13, 16, 3]);
  });

  it('maps a word with any unmatched rest to [UNK] as a whole, and keeps added tokens', () => {
    // "ab" → a ##b; "abc": after a ##b, "##c" is not in the vocabulary, so the whole word is [UNK].
    expect(tok.encode('ab abc [MASK]', { addSpecialTokens: false }).ids).toEqual([14, 15, 1, 17]);
  });

  it('supports Sequence normalizers, the Whitespace pre-tokenizer and TemplateProcessing', () => {
    const json = JSON.parse(readFileSync(new URL('../test/fixtures/hf-wordpiece.tokenizer.json', import.meta.url), 'utf8'));
    json.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }] };
    json.pre_tokenizer = { type: 'Whitespace' };
    json.post_processor = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    };
    // NFD + StripAccents + Lowercase: "the cafes, unbelievable!"; Whitespace splits \w+ and punctuation runs.
    expect(hfTokenizer(json).encode('The Cafés, UNBELIEVABLE!').ids).toEqual([2, 4, 5, 6, 10, 7, 8, 9, 11, 3]);
  });

  it('decodes with the WordPiece decoder', () => {
    expect(tok.decode([2, 5, 6, 7, 8, 9, 3], { skipSpecialTokens: true })).toBe('cafes unbelievable');
  });
});

describe('hfTokenizer (byte-level BPE, GPT-2 style)', () => {
  const tok = load('hf-bpe-bytelevel.tokenizer.json');

  it('splits with the GPT-2 pattern, maps bytes to characters and merges by rank', () => {
    // Pieces: "hello" | " world" | "!" | " café" → byte level: hello | Ġworld | ! | ĠcafÃ© (é = C3 A9 → Ã ©).
    // hello: h e (0) → he; l l (1) → ll; ll o (2) → llo; he llo (3) → hello = 12.
    // Ġworld: Ġ w (4), o r (5), Ġw or (6), l d (7), Ġwor ld (8) → Ġworld = 16.
    // ĠcafÃ©: Ã © (9), c a (10), ca f (11), caf Ã© (12) → Ġ cafÃ© = 1, 27 (no merge joins Ġ and c).
    const { ids, tokens } = tok.encode('hello world! café');
    expect(tokens).toEqual(['hello', 'Ġworld', '!', 'Ġ', 'cafÃ©']);
    expect(ids).toEqual([12, 16, 17, 1, 27]);
  });

  it('keeps added tokens whole and decodes bytes back to text', () => {
    expect(tok.encode('hello<|endoftext|>').ids).toEqual([12, 0]);
    expect(tok.decode([12, 16, 17, 1, 27])).toBe('hello world! café');
    expect(tok.decode([12, 0], { skipSpecialTokens: true })).toBe('hello');
  });

  it('refuses what it cannot encode faithfully', () => {
    expect(() => tok.encode('xyz')).toThrow(FormatError);
    expect(() => hfTokenizer({ model: { type: 'Unigram', vocab: {} } })).toThrowErrorMatchingInlineSnapshot(
      `[FormatError: @nlpkit/text: tokenizer.json model.type must be BPE or WordPiece, got "Unigram"]`,
    );
    expect(() => hfTokenizer({ model: { type: 'BPE', vocab: {}, merges: [] }, pre_tokenizer: { type: 'Metaspace' } })).toThrow(
      FormatError,
    );
  });
});

/** A byte-level BPE tokenizer.json whose vocabulary holds all 256 byte characters, plus the fixture's merges. */
function fullByteLevel(): HfTokenizer {
  const json = JSON.parse(readFileSync(new URL('../test/fixtures/hf-bpe-bytelevel.tokenizer.json', import.meta.url), 'utf8'));
  const vocab = json.model.vocab as Record<string, number>;
  let next = Math.max(...Object.values(vocab)) + 1;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const ch = String.fromCodePoint(printable ? b : 256 + [...Array(b).keys()].filter((x) => !((x >= 0x21 && x <= 0x7e) || (x >= 0xa1 && x <= 0xac) || (x >= 0xae && x <= 0xff))).length);
    if (!(ch in vocab)) vocab[ch] = next++;
  }
  return hfTokenizer(json);
}

describe('hfTokenizer: issue 13 item 8 (stack and BOM)', () => {
  const tok = fullByteLevel();

  it("issue 13 item 8: the ByteLevel decoder keeps a BOM: decode(encode('a\\uFEFF')) is 'a\\uFEFF' (was: 'a')", () => {
    for (const text of ['a\uFEFF', '\uFEFFa', '\uFEFF', 'hello \uFEFF world']) {
      expect(tok.decode(tok.encode(text, { addSpecialTokens: false }).ids)).toBe(text);
    }
  });

  it('issue 13 item 8: encodes long runs of one grapheme cluster and of letters (scanned without the GPT-2 regex)', () => {
    for (const text of ['👩‍👩‍👧‍👦'.repeat(30_000), `a${'\u0301'.repeat(300_000)}`, `${'é'.repeat(300_000)} it's`]) {
      const { ids } = tok.encode(text, { addSpecialTokens: false });
      expect(tok.decode(ids)).toBe(text);
    }
  });

  it('the Whitespace and WhitespaceSplit pre-tokenizers take long runs (scanned without regex runs)', () => {
    const json = JSON.parse(readFileSync(new URL('../test/fixtures/hf-wordpiece.tokenizer.json', import.meta.url), 'utf8'));
    json.normalizer = null;
    json.pre_tokenizer = { type: 'Whitespace' };
    const long = `the${'\u3000'.repeat(300_000)}${'é'.repeat(300_000)}!`;
    expect(hfTokenizer(json).encode(long, { addSpecialTokens: false }).tokens).toEqual(['the', '[UNK]', '!']);
    json.pre_tokenizer = { type: 'WhitespaceSplit' };
    expect(hfTokenizer(json).encode(long, { addSpecialTokens: false }).tokens).toEqual(['the', '[UNK]']);
  });
});

describe('hfTokenizer WordPiece: issue 13 (bounded work per word)', () => {
  it('a huge max_input_chars_per_word does not make a long word cost cubic time', () => {
    const json = JSON.parse(readFileSync(new URL('../test/fixtures/hf-wordpiece.tokenizer.json', import.meta.url), 'utf8'));
    json.model.max_input_chars_per_word = 1e9;
    json.normalizer = null;
    const tok = hfTokenizer(json);
    const t0 = performance.now();
    expect(tok.encode('ab'.repeat(20_000), { addSpecialTokens: false }).tokens).toEqual(['[UNK]']);
    expect(tok.encode('unbelievable', { addSpecialTokens: false }).tokens).toEqual(['un', '##believ', '##able']);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
