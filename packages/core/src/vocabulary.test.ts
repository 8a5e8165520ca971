import { describe, expect, it } from 'vitest';
import {
  BOS_ID,
  EOS_ID,
  FormatError,
  InvalidArgumentError,
  PAD_ID,
  SPECIAL_TOKENS,
  UNK_ID,
  buildVocabulary,
  countTokens,
  vocabularyFromJSON,
  vocabularyFromTokens,
  type Token,
} from './index.js';

const tok = (text: string, start: number): Token => ({ text, start, end: start + text.length });

describe('Vocabulary', () => {
  it('reserves <pad> <unk> <s> </s> as ids 0-3 and ranks tokens by count, then code point', () => {
    const v = buildVocabulary([['b', 'a', 'c', 'a'], ['c', 'd']]);
    expect([PAD_ID, UNK_ID, BOS_ID, EOS_ID]).toEqual([0, 1, 2, 3]);
    expect(v.tokens).toEqual([...SPECIAL_TOKENS, 'a', 'c', 'b', 'd']);
    expect(v.encode(['a', 'zzz'], { bos: true, eos: true })).toEqual([BOS_ID, 4, UNK_ID, EOS_ID]);
    expect(v.decode([2, 4, 0, 3], { skipSpecials: true })).toEqual(['a']);
    expect(v.decode(Int32Array.of(4, 5))).toEqual(['a', 'c']);
    expect(v.id('nope')).toBe(UNK_ID);
    expect(v.lookup('nope')).toBe(-1);
    expect(v.count(4)).toBe(2);
    expect(v.isSpecial(3)).toBe(true);
    expect(v.isSpecial(4)).toBe(false);
  });

  it('takes text Tokens wherever it takes strings', () => {
    const v = buildVocabulary([[tok('hi', 0), tok('there', 3)]]);
    expect(v.encode([tok('there', 0), 'hi'])).toEqual([v.id('there'), v.id('hi')]);
    expect(v.has(tok('hi', 9))).toBe(true);
  });

  it('counts async iterables into a promise', async () => {
    async function* sentences(): AsyncGenerator<string[]> {
      yield ['x', 'y'];
      yield ['x'];
    }
    const counts = await countTokens(sentences());
    expect([...counts]).toEqual([['x', 2], ['y', 1]]);
    expect(buildVocabulary(counts).tokens.slice(4)).toEqual(['x', 'y']);
    expect((await buildVocabulary(sentences(), { minCount: 2 })).tokens.slice(4)).toEqual(['x']);
  });

  it('applies minCount, maxSize and extra specials', () => {
    const v = buildVocabulary([['a', 'a', 'b', 'c', 'c', 'c']], { minCount: 2, maxSize: 6, extraSpecials: ['<mask>'] });
    expect(v.tokens).toEqual([...SPECIAL_TOKENS, '<mask>', 'c']);
    expect(v.specials).toBe(5);
    expect(() => buildVocabulary([], { extraSpecials: ['<unk>'] })).toThrow(InvalidArgumentError);
    expect(() => buildVocabulary([], { minCount: 0 })).toThrow('@nlpkit/core: options.minCount must be an integer ≥ 1, got 0');
  });

  it('is frozen and round-trips through JSON', () => {
    const v = buildVocabulary([['a', 'b']]);
    expect(Object.isFrozen(v)).toBe(true);
    expect(Object.isFrozen(v.tokens)).toBe(true);
    const back = vocabularyFromJSON(JSON.stringify(v));
    expect(back.tokens).toEqual(v.tokens);
    expect(back.count(4)).toBe(1);
  });

  it('rejects malformed saved vocabularies with a FormatError', () => {
    expect(() => vocabularyFromJSON('{')).toThrow(FormatError);
    expect(() => vocabularyFromJSON({ format: 'nlpkit-vocabulary', version: 1 } as never)).toThrow(
      'version 2, got format nlpkit-vocabulary, version 1',
    );
    const good = buildVocabulary([['a']]).toJSON();
    expect(() => vocabularyFromJSON({ ...good, tokens: ['<unk>', '<pad>', '<s>', '</s>', 'a'] })).toThrow(
      '@nlpkit/core: json.tokens[0] must be "<pad>", got "<unk>"',
    );
    expect(() => vocabularyFromJSON({ ...good, tokens: [...good.tokens.slice(0, 4), '<s>'] })).toThrow('a token not seen before');
  });

  it('keeps a given order with vocabularyFromTokens (reserved tokens keep their ids)', () => {
    const v = vocabularyFromTokens(['<unk>', '<s>', '</s>', 'the', 'cat', 'the']);
    expect(v.tokens).toEqual([...SPECIAL_TOKENS, 'the', 'cat']);
  });

  it('names the argument and what it found for bad input', () => {
    const v = buildVocabulary([['a']]);
    expect(() => v.token(99)).toThrow('@nlpkit/core: id must be an integer from 0 to 4, got 99');
    expect(() => v.encode([1 as unknown as string])).toThrow('tokens[0] must be a string or a Token, got 1');
    expect(() => countTokens([['a', {} as string]])).toThrow('sentences[0][1] must be a string or a Token, got an object');
    expect(() => countTokens(5 as never)).toThrow('sentences must be an iterable or async iterable of token arrays, got 5');
  });
});
